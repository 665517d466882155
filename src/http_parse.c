/* HTTP request heads through the cursor: one line at a time, each
 * checked against its limit, header names compared without case.
 * Only what a file server needs is kept: method, target, version,
 * Connection, Range and If-Modified-Since. */
#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cursor.h"
#include "http_parse.h"
#include "util.h"

size_t http_head_length(const char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* Next line without its CR LF (or bare LF). */
static bool next_line(struct rd *r, const char **line, size_t *len)
{
	const uint8_t *nl = memchr(r->p, '\n', r->left);
	const uint8_t *p;

	if (!nl)
		return false;
	*len = (size_t)(nl - r->p);
	if (!rd_ref(r, &p, *len + 1))
		return false;
	*line = (const char *)p;
	if (*len && (*line)[*len - 1] == '\r')
		(*len)--;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int http_decode_path(const char *in, size_t len, char *out, size_t cap,
		     size_t *outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = in[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= len || (hi = hexval(in[i + 1])) < 0 ||
			    (lo = hexval(in[i + 2])) < 0)
				return -EINVAL;
			c = (char)(hi << 4 | lo);
			if (c == '\0')
				return -EINVAL;
			i += 2;
		}
		if (o + 1 >= cap)
			return -ENAMETOOLONG;
		out[o++] = c;
	}
	out[o] = '\0';
	*outlen = o;
	return 0;
}

/* "GET /a%20b?x HTTP/1.1"; absolute-form targets lose scheme and host. */
static int parse_request_line(const char *l, size_t len,
			      struct http_request *r)
{
	const char *sp1 = memchr(l, ' ', len), *sp2, *t;
	size_t mlen, tlen;

	if (!sp1)
		return 400;
	sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - l));
	if (!sp2 || memchr(sp2 + 1, ' ', len - (size_t)(sp2 + 1 - l)))
		return 400;
	mlen = (size_t)(sp1 - l);
	if (mlen == 0 || mlen >= sizeof(r->method_str))
		return 400;
	memcpy(r->method_str, l, mlen);
	r->method = !strcmp(r->method_str, "GET") ? HTTP_GET :
		    !strcmp(r->method_str, "HEAD") ? HTTP_HEAD : HTTP_OTHER;
	if ((size_t)(l + len - (sp2 + 1)) != 8 ||
	    strncmp(sp2 + 1, "HTTP/1.", 7) || !isdigit((unsigned char)sp2[8]))
		return strncmp(sp2 + 1, "HTTP/", 5) ? 400 : 505;
	r->minor = sp2[8] - '0';
	t = sp1 + 1;
	tlen = (size_t)(sp2 - t);
	if (tlen > 7 && !strncasecmp(t, "http://", 7)) {
		const char *slash = memchr(t + 7, '/', tlen - 7);

		if (!slash)
			return 400;
		tlen -= (size_t)(slash - t);
		t = slash;
	}
	if (tlen == 0 || t[0] != '/')
		return 400;
	/* RFC 9112 3.2: a target has no control bytes (raw NUL above all). */
	for (size_t i = 0; i < tlen; i++)
		if ((unsigned char)t[i] < 0x21 || (unsigned char)t[i] == 0x7f)
			return 400;
	for (size_t i = 0; i < tlen; i++)
		if (t[i] == '?' || t[i] == '#') {
			tlen = i;
			break;
		}
	if (http_decode_path(t, tlen, r->path, sizeof(r->path),
			     &r->path_len) < 0)
		return 400;
	return 0;
}

static bool header_is(const char *l, size_t nlen, const char *name)
{
	return nlen == strlen(name) && !strncasecmp(l, name, nlen);
}

static void parse_header(const char *l, size_t len, struct http_request *r)
{
	const char *colon = memchr(l, ':', len);
	size_t nlen, vlen;
	const char *v;
	char val[128];

	if (!colon)
		return;
	nlen = (size_t)(colon - l);
	v = colon + 1;
	vlen = len - nlen - 1;
	while (vlen && (*v == ' ' || *v == '\t'))
		v++, vlen--;
	while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	if (vlen >= sizeof(val))
		vlen = sizeof(val) - 1;
	memcpy(val, v, vlen);
	val[vlen] = '\0';
	if (header_is(l, nlen, "Connection")) {
		if (strcasestr(val, "close"))
			r->keep_alive = false;
		else if (strcasestr(val, "keep-alive"))
			r->keep_alive = true;
	} else if (header_is(l, nlen, "Range")) {
		r->has_range = true;
		snprintf(r->range, sizeof(r->range), "%s", val);
	} else if (header_is(l, nlen, "If-Modified-Since")) {
		r->ims = http_parse_date(val);
		r->has_ims = r->ims != (time_t)-1;
	}
}

int http_parse_request(const char *head, size_t len, struct http_request *r)
{
	struct rd rd = rd_init(head, len);
	const char *l;
	size_t ll;
	int st;

	memset(r, 0, sizeof(*r));
	if (!next_line(&rd, &l, &ll))
		return len > HTTP_MAX_LINE ? 414 : 400;
	if (ll > HTTP_MAX_LINE)
		return 414;
	if ((st = parse_request_line(l, ll, r)) != 0)
		return st;
	/* HTTP/1.1 keeps the connection unless told; 1.0 closes it. */
	r->keep_alive = r->minor >= 1;
	while (next_line(&rd, &l, &ll) && ll > 0) {
		if (l[0] == ' ' || l[0] == '\t')
			return 400;     /* obsolete line folding */
		parse_header(l, ll, r);
	}
	return 0;       /* other methods: the server answers 405 */
}

enum http_range_result http_parse_range(const char *v, uint64_t size,
					uint64_t *first, uint64_t *last)
{
	const char *dash;
	long long a, b;
	size_t alen, blen;

	if (strncasecmp(v, "bytes=", 6) || strchr(v, ','))
		return RANGE_IGNORE;
	v += 6;
	if (!(dash = strchr(v, '-')))
		return RANGE_IGNORE;
	alen = (size_t)(dash - v);
	blen = strlen(dash + 1);
	if (alen == 0) {                        /* "-n": the last n bytes */
		if (parse_num_n(dash + 1, blen, 0, INT64_MAX / 2, &b) < 0)
			return RANGE_IGNORE;
		if (b == 0 || size == 0)
			return RANGE_UNSATISFIABLE;
		*first = size - MIN((uint64_t)b, size);
		*last = size - 1;
		return RANGE_OK;
	}
	if (parse_num_n(v, alen, 0, INT64_MAX / 2, &a) < 0)
		return RANGE_IGNORE;
	if (blen == 0) {
		b = INT64_MAX / 2;
	} else if (parse_num_n(dash + 1, blen, 0, INT64_MAX / 2, &b) < 0 ||
		   b < a) {
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
