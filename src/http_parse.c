/* HTTP request heads through the cursor (cursor.h): split into lines,
 * a line into its parts, each part checked against the byte set RFC 9110
 * allows it and against its limit; header names compared without case.
 * No code here reads the head but through a struct rd.  Only what a file
 * server needs is kept: method, target, version, Connection, Range and
 * If-Modified-Since. */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cursor.h"
#include "http_parse.h"
#include "util.h"

/* RFC 9110 5.6.2: the bytes of a token (a method, a header name). */
static bool is_tchar(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

/* RFC 9112 3.2: a request target is visible ASCII; a raw NUL, space or
 * control byte cannot be part of one. */
static bool is_target_char(uint8_t c)
{
	return c > 0x20 && c < 0x7f;
}

/* RFC 9110 5.5: a field value is visible bytes (obs-text included), space
 * and tab; a CR, LF, NUL or other control byte in it is refused. */
static bool is_value_char(uint8_t c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* The head ends at the first empty line after the request line; empty
 * lines before a request are skipped (RFC 9112 2.2). */
size_t http_head_length(const char *buf, size_t len)
{
	struct rd r = rd_init(buf, len), line;
	bool started = false;

	while (rd_line(&r, &line)) {
		if (!rd_empty(&line))
			started = true;
		else if (started)
			return len - rd_left(&r);
	}
	return 0;
}

int http_overflow_status(const char *buf, size_t len)
{
	struct rd r = rd_init(buf, len), line;

	while (rd_line(&r, &line))
		if (!rd_empty(&line))
			return 431;     /* the request line was complete */
	return 414;
}

/* Percent-decoding into out, kept a C string: its NUL has a byte held
 * back at the end from the start. */
static int decode_path(struct rd in, char *out, size_t cap, size_t *outlen)
{
	struct wr w = wr_init(out, cap);
	uint8_t c, hi, lo;

	if (!wr_hold_end(&w, 1))
		return -ENAMETOOLONG;
	while (rd_u8(&in, &c)) {
		if (c == '%') {
			if (!rd_u8(&in, &hi) || !rd_u8(&in, &lo) ||
			    hex_digit((char)hi) < 0 || hex_digit((char)lo) < 0)
				return -EINVAL;
			c = (uint8_t)(hex_digit((char)hi) << 4 | hex_digit((char)lo));
			if (c == '\0')
				return -EINVAL;
		}
		if (!wr_u8(&w, c))
			return -ENAMETOOLONG;
	}
	*outlen = wr_len(&w);
	wr_release_end(&w);
	wr_u8(&w, '\0');
	return 0;
}

int http_decode_path(const char *in, size_t len, char *out, size_t cap,
		     size_t *outlen)
{
	return decode_path(rd_init(in, len), out, cap, outlen);
}

/* RFC 9110 9.1: a method is a token.  Anything else is refused here, so
 * that no control byte in a method can reach the access log. */
static int parse_method(struct rd m, struct http_request *r)
{
	if (rd_empty(&m) || !rd_all(&m, is_tchar) ||
	    !rd_str(&m, r->method_str, sizeof(r->method_str)))
		return 400;
	r->method = !strcmp(r->method_str, "GET") ? HTTP_GET :
		    !strcmp(r->method_str, "HEAD") ? HTTP_HEAD : HTTP_OTHER;
	return 0;
}

/* "HTTP/1.x"; another HTTP version is 505, anything else 400. */
static int parse_version(struct rd v, struct http_request *r)
{
	uint8_t d;

	if (rd_contains(&v, ' ') || !rd_expect(&v, "HTTP/"))
		return 400;
	if (!rd_expect(&v, "1.") || !rd_u8(&v, &d) || d < '0' || d > '9' ||
	    !rd_empty(&v))
		return 505;
	r->minor = d - '0';
	return 0;
}

/* "/a%20b?x"; an absolute-form target ("http://host/a", RFC 9112 3.2.2)
 * loses its scheme and host; query and fragment are no part of a file. */
static int parse_target(struct rd t, struct http_request *r)
{
	struct rd host, path;
	uint8_t c;

	if (!rd_all(&t, is_target_char))
		return 400;
	if (rd_expect_nocase(&t, "http://") && !rd_until(&t, '/', &host))
		return 400;
	if (!rd_peek_u8(&t, &c) || c != '/')
		return 400;
	if (rd_until(&t, '?', &path))
		t = path;
	if (rd_until(&t, '#', &path))
		t = path;
	if (decode_path(t, r->path, sizeof(r->path), &r->path_len) < 0)
		return 400;
	return 0;
}

/* "GET /a%20b?x HTTP/1.1": three parts, one space between each. */
static int parse_request_line(struct rd l, struct http_request *r)
{
	struct rd method, target;
	int st;

	if (rd_left(&l) > HTTP_MAX_LINE)
		return 414;
	if (!rd_until(&l, ' ', &method) || !rd_skip(&l, 1) ||
	    !rd_until(&l, ' ', &target) || !rd_skip(&l, 1))
		return 400;
	if ((st = parse_method(method, r)) != 0 ||
	    (st = parse_version(l, r)) != 0)
		return st;
	return parse_target(target, r);
}

/* Connection is a list of options (RFC 9110 7.6.1); close wins. */
static void parse_connection(struct rd v, struct http_request *r)
{
	bool close = false, keep = false;
	struct rd opt;

	while (rd_field(&v, ',', &opt)) {
		rd_strip(&opt, " \t");
		close |= rd_equals_nocase(&opt, "close");
		keep |= rd_equals_nocase(&opt, "keep-alive");
	}
	if (close)
		r->keep_alive = false;
	else if (keep)
		r->keep_alive = true;
}

/* "Name: value".  400 for what RFC 9112 5 refuses: a name that is not a
 * token (white space before the colon, a folded line), no colon, control
 * bytes in the value. */
static int parse_header(struct rd l, struct http_request *r)
{
	struct rd name, value;
	char date[64];

	if (!rd_until(&l, ':', &name) || !rd_skip(&l, 1) || rd_empty(&name) ||
	    !rd_all(&name, is_tchar))
		return 400;
	value = l;
	rd_strip(&value, " \t");
	if (!rd_all(&value, is_value_char))
		return 400;
	if (rd_equals_nocase(&name, "Connection")) {
		parse_connection(value, r);
	} else if (rd_equals_nocase(&name, "Range")) {
		/* Too long for one range: ignored, and the whole file goes
		 * (RFC 9110 14.2 lets a server ignore Range). */
		r->has_range = rd_str(&value, r->range, sizeof(r->range));
	} else if (rd_equals_nocase(&name, "If-Modified-Since")) {
		r->ims = rd_str(&value, date, sizeof(date)) ?
				 http_parse_date(date) : (time_t)-1;
		r->has_ims = r->ims != (time_t)-1;
	}
	return 0;
}

int http_parse_request(const char *head, size_t len, struct http_request *r)
{
	struct rd rd = rd_init(head, len), line;
	int st;

	memset(r, 0, sizeof(*r));
	do {                    /* empty lines first: skipped (RFC 9112 2.2) */
		if (!rd_line(&rd, &line))
			return len > HTTP_MAX_LINE ? 414 : 400;
	} while (rd_empty(&line));
	if ((st = parse_request_line(line, r)) != 0)
		return st;
	/* HTTP/1.1 keeps the connection unless told; 1.0 closes it. */
	r->keep_alive = r->minor >= 1;
	while (rd_line(&rd, &line) && !rd_empty(&line))
		if ((st = parse_header(line, r)) != 0)
			return st;
	return 0;       /* other methods: the server answers 405 */
}

/* A decimal number in [0, max] that is the whole of t. */
static int range_num(struct rd t, long long max, long long *out)
{
	const uint8_t *p;
	size_t n;

	rd_rest(&t, &p, &n);
	return parse_num_n((const char *)p, n, 0, max, out);
}

enum http_range_result http_parse_range(const char *v, uint64_t size,
					uint64_t *first, uint64_t *last)
{
	struct rd r = rd_init(v, strlen(v)), a_txt;
	long long a, b;

	if (!rd_expect_nocase(&r, "bytes=") || rd_contains(&r, ',') ||
	    !rd_until(&r, '-', &a_txt) || !rd_skip(&r, 1))
		return RANGE_IGNORE;
	if (rd_empty(&a_txt)) {                 /* "-n": the last n bytes */
		if (range_num(r, INT64_MAX / 2, &b) < 0)
			return RANGE_IGNORE;
		if (b == 0 || size == 0)
			return RANGE_UNSATISFIABLE;
		*first = size - MIN((uint64_t)b, size);
		*last = size - 1;
		return RANGE_OK;
	}
	if (range_num(a_txt, INT64_MAX / 2, &a) < 0)
		return RANGE_IGNORE;
	if (rd_empty(&r)) {
		b = INT64_MAX / 2;
	} else if (range_num(r, INT64_MAX / 2, &b) < 0 || b < a) {
		return RANGE_IGNORE;
	}
	if ((uint64_t)a >= size)
		return RANGE_UNSATISFIABLE;
	*first = (uint64_t)a;
	*last = MIN((uint64_t)b, size - 1);
	return RANGE_OK;
}

static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
				    "Fri", "Sat" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
				      "Jun", "Jul", "Aug", "Sep", "Oct",
				      "Nov", "Dec" };

/* By hand, not strptime: the names must not follow the locale. */
time_t http_parse_date(const char *s)
{
	char wd[4], mon[4];
	struct tm tm = { 0 };
	int m = -1, n = -1;

	if (sscanf(s, "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d GMT%n", wd,
		   &tm.tm_mday, mon, &tm.tm_year, &tm.tm_hour, &tm.tm_min,
		   &tm.tm_sec, &n) != 7 || n < 0 || s[n] != '\0')
		return -1;
	for (int i = 0; i < 12; i++)
		if (!strcmp(mon, months[i]))
			m = i;
	if (m < 0 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60 || tm.tm_year < 1970)
		return -1;
	tm.tm_mon = m;
	tm.tm_year -= 1900;
	return timegm(&tm);
}

void http_format_date(time_t t, char *buf, size_t cap)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(buf, cap, "%s, %02d %s %04d %02d:%02d:%02d GMT",
		 days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

const char *http_content_type(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".htm", "text/html; charset=utf-8" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".cfg", "text/plain; charset=utf-8" },
		{ ".conf", "text/plain; charset=utf-8" },
		{ ".ipxe", "text/plain; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".iso", "application/x-iso9660-image" },
		{ ".img", "application/octet-stream" },
		{ ".efi", "application/efi" },
		{ ".gz", "application/gzip" },
		{ ".xz", "application/x-xz" },
		{ ".zst", "application/zstd" },
		{ ".sig", "application/pgp-signature" },
	};
	size_t n = strlen(path);

	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		size_t e = strlen(types[i].ext);

		if (n > e && !strcasecmp(path + n - e, types[i].ext))
			return types[i].type;
	}
	/* Kernels, initrds, .0, .kpxe, .c32...: bytes. */
	return "application/octet-stream";
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 206: return "Partial Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 414: return "URI Too Long";
	case 416: return "Range Not Satisfiable";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}
