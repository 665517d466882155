/* libFuzzer harness: TFTP request parsing, negotiation and OACK. */
#include "autoconf.h"

#include <stdint.h>
#include <string.h>

#include "tftp_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tftp_limits l = { 65464, 1468, 64 };
	struct tftp_request r;
	struct tftp_params p;
	uint8_t out[1024];
	const char *why;
	uint16_t op, arg;

	(void)tftp_parse_reply(data, size, &op, &arg);
	if (tftp_parse_request(data, size, &r, &why) < 0)
		return 0;
	if (r.file_len > TFTP_MAX_NAME || strlen(r.file) != r.file_len)
		__builtin_trap();
	tftp_negotiate(&r, size * 1000, &l, &p);
	if (p.blksize < 8 || p.blksize > 1468 || p.windowsize < 1 ||
	    p.windowsize > 64)
		__builtin_trap();
	if (tftp_build_oack(&p, out, sizeof(out)) < 2)
		__builtin_trap();
	return 0;
}
