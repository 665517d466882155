/* libFuzzer harness: HTTP request heads, ranges and dates. */
#include "autoconf.h"

#include <stdint.h>
#include <string.h>

#include "http_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request r;
	uint64_t a, b;
	size_t head = http_head_length((const char *)data, size);

	if (head > size)
		__builtin_trap();
	if (http_parse_request((const char *)data, head ? head : size, &r))
		return 0;
	if (r.path[0] != '/' || strlen(r.path) != r.path_len)
		__builtin_trap();
	if (r.has_range &&
	    http_parse_range(r.range, size, &a, &b) == RANGE_OK &&
	    (a > b || b >= size))
		__builtin_trap();
	return 0;
}
