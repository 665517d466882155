/* libFuzzer harness: HTTP request heads, ranges and dates.  A method
 * that parses is a token (issue 15 bug 3: no control byte may reach the
 * access log through it). */
#include "autoconf.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "http_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool is_token(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || strchr("!#$%&'*+-.^_`|~", *s)))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request r;
	uint64_t a, b;
	size_t head = http_head_length((const char *)data, size);
	int over = http_overflow_status((const char *)data, size);

	if (head > size || (over != 414 && over != 431))
		__builtin_trap();
	if (http_parse_request((const char *)data, head ? head : size, &r))
		return 0;
	if (r.path[0] != '/' || strlen(r.path) != r.path_len ||
	    !r.method_str[0] || !is_token(r.method_str))
		__builtin_trap();
	if (r.has_range &&
	    http_parse_range(r.range, size, &a, &b) == RANGE_OK &&
	    (a > b || b >= size))
		__builtin_trap();
	return 0;
}
