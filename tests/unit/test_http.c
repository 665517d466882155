/* Unit tests of HTTP request parsing, ranges, dates and percent-decoding,
 * hostile input included. */
#include "autoconf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "http_parse.h"

static int req(const char *head, struct http_request *r)
{
	return http_parse_request(head, strlen(head), r);
}

static bool is_token(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || strchr("!#$%&'*+-.^_`|~", *s)))
			return false;
	return true;
}

static void test_request_line_forms_parse(void)
{
	struct http_request r;

	CHECK(req("GET /a/b.efi HTTP/1.1\r\nHost: x\r\n\r\n", &r) == 0);
	CHECK(r.method == HTTP_GET && !strcmp(r.method_str, "GET") &&
	      !strcmp(r.path, "/a/b.efi") && r.path_len == 8 && r.minor == 1);
	CHECK(req("HEAD / HTTP/1.0\r\n\r\n", &r) == 0 && r.method == HTTP_HEAD &&
	      r.minor == 0);
	CHECK(req("GET / HTTP/1.1\nHost: x\n\n", &r) == 0);   /* bare LF */
	CHECK(req("GET /a%20b?q=1#f HTTP/1.1\r\n\r\n", &r) == 0 &&
	      !strcmp(r.path, "/a b"));
	CHECK(req("GET /a#f?q HTTP/1.1\r\n\r\n", &r) == 0 &&
	      !strcmp(r.path, "/a"));
	CHECK(req("GET http://h:80/x HTTP/1.1\r\n\r\n", &r) == 0 &&
	      !strcmp(r.path, "/x"));
	CHECK(req("GET HTTP://h/y HTTP/1.1\r\n\r\n", &r) == 0 &&
	      !strcmp(r.path, "/y"));
	CHECK(req("GET /%2e%2e/x HTTP/1.1\r\n\r\n", &r) == 0 &&
	      !strcmp(r.path, "/../x"));        /* path.c refuses it */
	/* RFC 9112 2.2: empty lines before the request line are skipped. */
	CHECK(req("\r\n\nGET /z HTTP/1.1\r\n\r\n", &r) == 0 &&
	      !strcmp(r.path, "/z"));
	/* A head without its blank line (the fuzzer's view): still parsed. */
	CHECK(req("GET /p HTTP/1.1\r\nHost: x", &r) == 0);
}

/* Issue 15, bug 3: "G\x1b[2JT / HTTP/1.1" parsed, and its method reached
 * the access log raw.  A method is an RFC 9110 token, or the request is a
 * 400. */
static void test_method_must_be_a_token(void)
{
	struct http_request r;

	CHECK(req("G\x1b[2JT / HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GE\x7fT / HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("\x80GET / HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET\t/ HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(http_parse_request("G\0T / HTTP/1.1\r\n\r\n", 19, &r) == 400);
	CHECK(req("GE(T / HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req(" GET / HTTP/1.1\r\n\r\n", &r) == 400);  /* empty method */
	CHECK(req("ABCDEFGHIJKLMNOP / HTTP/1.1\r\n\r\n", &r) == 400);
	/* Tokens that are not GET or HEAD parse; the server answers 405. */
	CHECK(req("ABCDEFGHIJKLMNO / HTTP/1.1\r\n\r\n", &r) == 0 &&
	      r.method == HTTP_OTHER);
	CHECK(req("M-SEARCH / HTTP/1.1\r\n\r\n", &r) == 0 &&
	      r.method == HTTP_OTHER && !strcmp(r.method_str, "M-SEARCH"));
	CHECK(req("POST /x HTTP/1.1\r\n\r\n", &r) == 0 && r.method == HTTP_OTHER);
	CHECK(req("get / HTTP/1.1\r\n\r\n", &r) == 0 &&
	      r.method == HTTP_OTHER);          /* methods are case-sensitive */
}

static void test_bad_targets_are_400(void)
{
	struct http_request r;
	char big[3000];

	CHECK(req("GET /a%00b HTTP/1.1\r\n\r\n", &r) == 400);
	/* found by fuzzing: a raw NUL in the target */
	CHECK(http_parse_request("GET /a\0b HTTP/1.1\r\n\r\n", 23, &r) == 400);
	CHECK(req("GET /a\x1b[2Jb HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET /a\x7f HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET /a%2 HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET /a% HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET /a%zz HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET a HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET  / HTTP/1.1\r\n\r\n", &r) == 400);  /* empty target */
	CHECK(req("GET http://nohost HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET http:// HTTP/1.1\r\n\r\n", &r) == 400);
	/* A target decoding to more than HTTP_MAX_PATH bytes. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	memcpy(big + 5 + HTTP_MAX_PATH, " HTTP/1.1\r\n\r\n", 14);
	CHECK(req(big, &r) == 400);
	big[5 + HTTP_MAX_PATH - 1] = ' ';
	memcpy(big + 5 + HTTP_MAX_PATH - 1, " HTTP/1.1\r\n\r\n", 14);
	CHECK(req(big, &r) == 0 && r.path_len == HTTP_MAX_PATH);
	/* A request line over HTTP_MAX_LINE: 414. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	memcpy(big + 2900, " HTTP/1.1\r\n\r\n", 14);
	CHECK(req(big, &r) == 414);
	big[2100] = '\0';                       /* and no line end yet */
	CHECK(req(big, &r) == 414);
}

static void test_versions_other_than_1x(void)
{
	struct http_request r;

	CHECK(req("GET /a HTTP/1.9\r\n\r\n", &r) == 0 && r.minor == 9);
	CHECK(req("GET /a HTTP/2.0\r\n\r\n", &r) == 505);
	CHECK(req("GET /a HTTP/1.10\r\n\r\n", &r) == 505);
	CHECK(req("GET /a HTTP/1.\r\n\r\n", &r) == 505);
	CHECK(req("GET /a http/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET /a FTP/1.0\r\n\r\n", &r) == 400);
	CHECK(req("GET /a HTTP/1.1 x\r\n\r\n", &r) == 400);
	CHECK(req("GET /a\r\n\r\n", &r) == 400);  /* HTTP/0.9 */
	CHECK(req("GET\r\n\r\n", &r) == 400);
	CHECK(req("\r\n\r\n", &r) == 400);
	CHECK(req("", &r) == 400);
}

static void test_headers_that_are_read(void)
{
	struct http_request r;
	char big[400];

	CHECK(req("GET / HTTP/1.1\r\n\r\n", &r) == 0 && r.keep_alive);
	CHECK(req("HEAD / HTTP/1.0\r\n\r\n", &r) == 0 && !r.keep_alive);
	CHECK(req("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r) == 0 &&
	      r.keep_alive);
	CHECK(req("GET / HTTP/1.1\r\nconnection: close\r\n\r\n", &r) == 0 &&
	      !r.keep_alive);
	CHECK(req("GET / HTTP/1.0\r\nConnection: Upgrade, keep-alive\r\n\r\n",
		  &r) == 0 && r.keep_alive);
	CHECK(req("GET / HTTP/1.1\r\nConnection: keep-alive,close\r\n\r\n",
		  &r) == 0 && !r.keep_alive);   /* close wins */
	CHECK(req("GET / HTTP/1.1\r\nConnection: closed\r\n\r\n", &r) == 0 &&
	      r.keep_alive);                    /* a word, not a substring */
	CHECK(req("GET / HTTP/1.1\r\nRange: bytes=1-2\r\n"
		  "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n",
		  &r) == 0 && r.has_range && !strcmp(r.range, "bytes=1-2") &&
	      r.has_ims && r.ims == 784111777);
	CHECK(req("GET / HTTP/1.1\r\nrange:\tbytes=3-4 \r\n\r\n", &r) == 0 &&
	      r.has_range && !strcmp(r.range, "bytes=3-4"));
	CHECK(req("GET / HTTP/1.1\r\nIf-Modified-Since: yesterday\r\n\r\n",
		  &r) == 0 && !r.has_ims);
	/* A Range too long for its buffer is ignored, not cut (a cut one
	 * could name other bytes). */
	memset(big, '1', sizeof(big));
	memcpy(big, "GET / HTTP/1.1\r\nRange: bytes=0-", 32);
	memcpy(big + 300, "\r\n\r\n", 5);
	CHECK(req(big, &r) == 0 && !r.has_range);
	/* Headers after the blank line belong to the next request. */
	CHECK(req("GET / HTTP/1.1\r\n\r\nRange: bytes=1-2\r\n\r\n", &r) == 0 &&
	      !r.has_range);
	/* Other headers, obs-text in a value: fine. */
	CHECK(req("GET / HTTP/1.1\r\nUser-Agent: \xc3\xa9t\xc3\xa9\r\n"
		  "X-Empty:\r\n\r\n", &r) == 0);
}

/* RFC 9112 5 and RFC 9110 5.5: what a header line must not be. */
static void test_malformed_headers_are_400(void)
{
	struct http_request r;

	CHECK(req("GET / HTTP/1.1\r\n folded\r\n\r\n", &r) == 400);
	CHECK(req("GET / HTTP/1.1\r\nHost: x\r\n\tfolded\r\n\r\n", &r) == 400);
	CHECK(req("GET / HTTP/1.1\r\nHost : x\r\n\r\n", &r) == 400);
	CHECK(req("GET / HTTP/1.1\r\nno colon\r\n\r\n", &r) == 400);
	CHECK(req("GET / HTTP/1.1\r\n: x\r\n\r\n", &r) == 400);
	CHECK(req("GET / HTTP/1.1\r\nUser-Agent: a\x1b[2Jb\r\n\r\n", &r) == 400);
	CHECK(req("GET / HTTP/1.1\r\nUser-Agent: a\rb\r\n\r\n", &r) == 400);
	CHECK(http_parse_request("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", 26, &r) ==
	      400);
	CHECK(req("GET / HTTP/1.1\r\nX\x01Y: a\r\n\r\n", &r) == 400);
}

static void test_head_length_and_overflow_status(void)
{
	CHECK(http_head_length("GET / HTTP/1.1\r\n\r\nGET", 21) == 18);
	CHECK(http_head_length("GET / HTTP/1.1\r\n\r", 17) == 0);
	CHECK(http_head_length("GET /\n\n", 7) == 7);
	CHECK(http_head_length("GET /\nA: b\n\r\nx", 14) == 13);
	CHECK(http_head_length("\r\n\r\nGET /\r\n\r\n", 13) == 13);
	CHECK(http_head_length("\r\n\r\n", 4) == 0);
	CHECK(http_head_length("", 0) == 0);
	CHECK(http_overflow_status("GET /aaaa", 9) == 414);
	CHECK(http_overflow_status("\r\n\r\nGET /a", 10) == 414);
	CHECK(http_overflow_status("GET / HTTP/1.1\r\nA: bbb", 22) == 431);
}

static void test_percent_decoding(void)
{
	char out[8];
	size_t n;

	CHECK(http_decode_path("/a%41%7e", 8, out, sizeof(out), &n) == 0 &&
	      n == 4 && !strcmp(out, "/aA~"));
	CHECK(http_decode_path("/abcdefg", 8, out, sizeof(out), &n) ==
	      -ENAMETOOLONG);                   /* no room for the NUL */
	CHECK(http_decode_path("/abcdef", 7, out, sizeof(out), &n) == 0 &&
	      n == 7);
	CHECK(http_decode_path("/%0", 3, out, sizeof(out), &n) == -EINVAL);
	CHECK(http_decode_path("/%g0", 4, out, sizeof(out), &n) == -EINVAL);
	CHECK(http_decode_path("/%00", 4, out, sizeof(out), &n) == -EINVAL);
	CHECK(http_decode_path("", 0, out, 0, &n) == -ENAMETOOLONG);
	CHECK(http_decode_path("", 0, out, 1, &n) == 0 && n == 0 && !out[0]);
}

static void test_range_values(void)
{
	uint64_t a, b;

	CHECK(http_parse_range("bytes=0-9", 100, &a, &b) == RANGE_OK &&
	      a == 0 && b == 9);
	CHECK(http_parse_range("bytes=90-", 100, &a, &b) == RANGE_OK &&
	      a == 90 && b == 99);
	CHECK(http_parse_range("bytes=-10", 100, &a, &b) == RANGE_OK &&
	      a == 90 && b == 99);
	CHECK(http_parse_range("bytes=-1000", 100, &a, &b) == RANGE_OK &&
	      a == 0 && b == 99);
	CHECK(http_parse_range("bytes=50-5000", 100, &a, &b) == RANGE_OK &&
	      b == 99);
	CHECK(http_parse_range("Bytes=1-1", 100, &a, &b) == RANGE_OK &&
	      a == 1 && b == 1);
	CHECK(http_parse_range("bytes=100-", 100, &a, &b) ==
	      RANGE_UNSATISFIABLE);
	CHECK(http_parse_range("bytes=-0", 100, &a, &b) == RANGE_UNSATISFIABLE);
	CHECK(http_parse_range("bytes=0-0", 0, &a, &b) == RANGE_UNSATISFIABLE);
	CHECK(http_parse_range("bytes=5-2", 100, &a, &b) == RANGE_IGNORE);
	CHECK(http_parse_range("bytes=abc", 100, &a, &b) == RANGE_IGNORE);
	CHECK(http_parse_range("bytes=1-2,5-6", 100, &a, &b) == RANGE_IGNORE);
	CHECK(http_parse_range("lines=1-2", 100, &a, &b) == RANGE_IGNORE);
	CHECK(http_parse_range("bytes=-", 100, &a, &b) == RANGE_IGNORE);
	CHECK(http_parse_range("bytes=1-2-3", 100, &a, &b) == RANGE_IGNORE);
	CHECK(http_parse_range("bytes=99999999999999999999999-", 100, &a, &b) ==
	      RANGE_IGNORE);
	CHECK(http_parse_range("bytes= 1-2", 100, &a, &b) == RANGE_IGNORE);
	CHECK(http_parse_range("", 100, &a, &b) == RANGE_IGNORE);
}

static void test_dates_round_trip(void)
{
	char buf[40];

	http_format_date(784111777, buf, sizeof(buf));
	CHECK(!strcmp(buf, "Sun, 06 Nov 1994 08:49:37 GMT"));
	CHECK(http_parse_date(buf) == 784111777);
	CHECK(http_parse_date("Sun, 06 Nov 1994 08:49:37 GMT x") == -1);
	CHECK(http_parse_date("Sunday, 06-Nov-94 08:49:37 GMT") == -1);
	CHECK(http_parse_date("Sun, 06 Foo 1994 08:49:37 GMT") == -1);
	CHECK(http_parse_date("Sun, 36 Nov 1994 08:49:37 GMT") == -1);
	CHECK(http_parse_date("") == -1);
}

static void test_content_types_by_extension(void)
{
	CHECK(!strcmp(http_content_type("/x/grubx64.efi"), "application/efi"));
	CHECK(!strcmp(http_content_type("/live.ISO"),
		      "application/x-iso9660-image"));
	CHECK(!strcmp(http_content_type("/boot.ipxe"),
		      "text/plain; charset=utf-8"));
	CHECK(!strcmp(http_content_type("/vmlinuz"), "application/octet-stream"));
}

/* One random edit of a request: a byte replaced or inserted (from a set
 * that favours the bytes the grammar cares about), a byte removed, or
 * the end cut. */
static size_t mutate(char *b, size_t n, size_t cap)
{
	static const char bytes[] = " /%:\r\n\t\x1b\x7f\x80\0aZ09?#-,";
	char c = bytes[rand() % (int)(sizeof(bytes) - 1)];
	size_t at = n ? (size_t)rand() % n : 0;

	switch (rand() % 4) {
	case 0:
		if (n)
			b[at] = c;
		return n;
	case 1:
		if (n + 1 > cap)
			return n;
		memmove(b + at + 1, b + at, n - at);
		b[at] = c;
		return n + 1;
	case 2:
		if (!n)
			return n;
		memmove(b + at, b + at + 1, n - at - 1);
		return n - 1;
	default:
		return at;
	}
}

/* Mutations of valid requests, 1-3 edits each: every one either parses
 * into a request whose parts meet their rules or is refused with a status
 * the server can send; and both happen often, or the checks on parsed
 * requests would never run. */
static void test_mutated_requests_parse_or_fail_cleanly(void)
{
	static const char *const seeds[] = {
		"GET /boot/grubx64.efi HTTP/1.1\r\nHost: 192.0.2.1\r\n"
		"User-Agent: UefiHttpBoot/1.0\r\n\r\n",
		"HEAD /a%20b?x=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		"GET http://192.0.2.1/vmlinuz HTTP/1.1\r\nRange: bytes=0-99\r\n"
		"If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n",
		"GET /initrd.img HTTP/1.1\nConnection: close\n\n",
	};
	const unsigned runs = 30000;
	unsigned accepted = 0, refused = 0, bad = 0;

	srand(3);
	for (unsigned i = 0; i < runs; i++) {
		const char *s = seeds[rand() % (int)(sizeof(seeds) / sizeof(seeds[0]))];
		char b[300];
		size_t n = strlen(s);
		struct http_request r;
		int st;

		memcpy(b, s, n);
		for (int k = 1 + rand() % 3; k > 0; k--)
			n = mutate(b, n, sizeof(b));
		st = http_parse_request(b, n, &r);
		if (st == 0) {
			accepted++;
			bad += r.path[0] != '/' || r.path_len != strlen(r.path) ||
			       !is_token(r.method_str) || r.minor > 9 ||
			       (r.method == HTTP_GET) != !strcmp(r.method_str,
								  "GET");
		} else {
			refused++;
			bad += st != 400 && st != 414 && st != 505;
		}
	}
	CHECK(bad == 0);
	CHECK(accepted > runs / 5);
	CHECK(refused > runs / 5);
	printf("http: %u of %u mutated requests parsed\n", accepted, runs);
}

int main(void)
{
	test_request_line_forms_parse();
	test_method_must_be_a_token();
	test_bad_targets_are_400();
	test_versions_other_than_1x();
	test_headers_that_are_read();
	test_malformed_headers_are_400();
	test_head_length_and_overflow_status();
	test_percent_decoding();
	test_range_values();
	test_dates_round_trip();
	test_content_types_by_extension();
	test_mutated_requests_parse_or_fail_cleanly();
	return check_done("http");
}
