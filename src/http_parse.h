/* HTTP/1.x request heads, ranges, dates and response heads: pure
 * functions for the server, the unit tests and the fuzzer. */
#ifndef PXE_HTTP_PARSE_H
#define PXE_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define HTTP_MAX_LINE 2048      /* request line; longer: 414 */
#define HTTP_MAX_HEAD 8192      /* line and headers; longer: 431 */
#define HTTP_MAX_PATH 1024      /* decoded path */

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER };

struct http_request {
	enum http_method method;
	char method_str[16];
	char path[HTTP_MAX_PATH + 1];   /* percent-decoded, query removed */
	size_t path_len;
	int minor;                      /* HTTP/1.minor */
	bool keep_alive;
	bool has_range;
	char range[128];
	bool has_ims;
	time_t ims;
};

/* Length of the head (through the blank line) at the start of buf, 0 if
 * it is not complete yet. */
size_t http_head_length(const char *buf, size_t len);

/* The answer to a head that filled a whole buffer of len without ending:
 * 414 while the request line is not complete, 431 after it. */
int http_overflow_status(const char *buf, size_t len);

/* 0, or the status to answer with (400, 414, 431, 501, 505). */
int http_parse_request(const char *head, size_t len, struct http_request *r);

/* Percent-decoding, once.  -EINVAL for a bad escape or an encoded NUL. */
int http_decode_path(const char *in, size_t len, char *out, size_t cap,
		     size_t *outlen);

enum http_range_result { RANGE_OK, RANGE_IGNORE, RANGE_UNSATISFIABLE };

/* One byte range ("bytes=a-b", "a-", "-n") within size: [*first, *last].
 * Several ranges or a malformed one: RANGE_IGNORE (send it all). */
enum http_range_result http_parse_range(const char *v, uint64_t size,
					uint64_t *first, uint64_t *last);

/* IMF-fixdate (RFC 9110 5.6.7).  -1 when not one. */
time_t http_parse_date(const char *s);
void http_format_date(time_t t, char *buf, size_t cap);

const char *http_content_type(const char *path);
const char *http_reason(int status);

#endif
