/* Unit tests of HTTP request parsing, ranges, dates and percent-decoding,
 * hostile input included. */
#include "autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "http_parse.h"

static int req(const char *head, struct http_request *r)
{
	return http_parse_request(head, strlen(head), r);
}

static void test_requests(void)
{
	struct http_request r;
	char big[3000];

	CHECK(req("GET /a/b.efi HTTP/1.1\r\nHost: x\r\n\r\n", &r) == 0);
	CHECK(r.method == HTTP_GET && !strcmp(r.path, "/a/b.efi") &&
	      r.minor == 1 && r.keep_alive);
	CHECK(req("HEAD / HTTP/1.0\r\n\r\n", &r) == 0 && r.method == HTTP_HEAD &&
	      !r.keep_alive);
	CHECK(req("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r) == 0 &&
	      r.keep_alive);
	CHECK(req("GET / HTTP/1.1\r\nconnection: close\r\n\r\n", &r) == 0 &&
	      !r.keep_alive);
	CHECK(req("GET / HTTP/1.1\nHost: x\n\n", &r) == 0);   /* bare LF */
	CHECK(req("POST /x HTTP/1.1\r\n\r\n", &r) == 0 && r.method == HTTP_OTHER);
	CHECK(req("GET /a%20b?q=1#f HTTP/1.1\r\n\r\n", &r) == 0 &&
	      !strcmp(r.path, "/a b"));
	CHECK(req("GET http://h:80/x HTTP/1.1\r\n\r\n", &r) == 0 &&
	      !strcmp(r.path, "/x"));
	CHECK(req("GET /%2e%2e/x HTTP/1.1\r\n\r\n", &r) == 0 &&
	      !strcmp(r.path, "/../x"));        /* path.c refuses it */
	CHECK(req("GET /a%00b HTTP/1.1\r\n\r\n", &r) == 400);
	/* found by fuzzing: a raw NUL in the target */
	CHECK(http_parse_request("GET /a\0b HTTP/1.1\r\n\r\n", 23, &r) == 400);
	CHECK(req("GET /a\tb HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET /a%2 HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET /a% HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET /a%zz HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET a HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET /a HTTP/2.0\r\n\r\n", &r) == 505);
	CHECK(req("GET /a FTP/1.0\r\n\r\n", &r) == 400);
	CHECK(req("GET /a HTTP/1.1 x\r\n\r\n", &r) == 400);
	CHECK(req("GET\r\n\r\n", &r) == 400);
	CHECK(req("\r\n\r\n", &r) == 400);
	CHECK(req("GET / HTTP/1.1\r\n folded\r\n\r\n", &r) == 400);
	CHECK(req("GET http://nohost HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("ABCDEFGHIJKLMNOPQ / HTTP/1.1\r\n\r\n", &r) == 400);
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	memcpy(big + 2900, " HTTP/1.1\r\n\r\n", 14);
	big[2914] = 0;
	CHECK(req(big, &r) == 414);
	CHECK(req("GET / HTTP/1.1\r\nRange: bytes=1-2\r\n"
		  "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n",
		  &r) == 0 && r.has_range && !strcmp(r.range, "bytes=1-2") &&
	      r.has_ims && r.ims == 784111777);
	CHECK(http_head_length("GET / HTTP/1.1\r\n\r\nGET", 21) == 18);
	CHECK(http_head_length("GET / HTTP/1.1\r\n\r", 17) == 0);
	CHECK(http_head_length("GET /\n\n", 7) == 7);
}

static void test_ranges(void)
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
	CHECK(http_parse_range("bytes=100-", 100, &a, &b) ==
	      RANGE_UNSATISFIABLE);
	CHECK(http_parse_range("bytes=-0", 100, &a, &b) == RANGE_UNSATISFIABLE);
	CHECK(http_parse_range("bytes=0-0", 0, &a, &b) == RANGE_UNSATISFIABLE);
	CHECK(http_parse_range("bytes=5-2", 100, &a, &b) == RANGE_IGNORE);
	CHECK(http_parse_range("bytes=abc", 100, &a, &b) == RANGE_IGNORE);
	CHECK(http_parse_range("bytes=1-2,5-6", 100, &a, &b) == RANGE_IGNORE);
	CHECK(http_parse_range("lines=1-2", 100, &a, &b) == RANGE_IGNORE);
	CHECK(http_parse_range("bytes=-", 100, &a, &b) == RANGE_IGNORE);
	CHECK(http_parse_range("bytes=99999999999999999999999-", 100, &a, &b) ==
	      RANGE_IGNORE);
	CHECK(http_parse_range("bytes= 1-2", 100, &a, &b) == RANGE_IGNORE);
}

static void test_dates_and_types(void)
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
	CHECK(!strcmp(http_content_type("/x/grubx64.efi"), "application/efi"));
	CHECK(!strcmp(http_content_type("/live.ISO"),
		      "application/x-iso9660-image"));
	CHECK(!strcmp(http_content_type("/boot.ipxe"),
		      "text/plain; charset=utf-8"));
	CHECK(!strcmp(http_content_type("/vmlinuz"), "application/octet-stream"));
}

static void test_random(void)
{
	char b[600];
	struct http_request r;

	srand(3);
	for (int i = 0; i < 30000; i++) {
		size_t n = (size_t)(rand() % (int)sizeof(b));
		static const char alphabet[] = "GET /%2e HTTP/1.1\r\n:ab ";

		for (size_t j = 0; j < n; j++)
			b[j] = alphabet[rand() % (int)(sizeof(alphabet) - 1)];
		if (http_parse_request(b, n, &r) == 0)
			CHECK(r.path_len == strlen(r.path) && r.path[0] == '/');
	}
}

int main(void)
{
	test_requests();
	test_ranges();
	test_dates_and_types();
	test_random();
	return check_done("http");
}
