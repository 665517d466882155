/* libFuzzer harness: the packet socket's IPv4/UDP framing.  What parses
 * must lie inside the input, and framing it again must parse back to the
 * same addresses, ports and payload. */
#include "autoconf.h"

#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "pktsock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[IPV4_UDP_HDR_LEN + 0x10000];
	struct sockaddr_in from, from2;
	struct in_addr dst, dst2;
	uint16_t dport, dport2;
	const uint8_t *payload, *payload2;
	size_t plen, plen2;
	int n;

	if (ipudp_parse(data, size, &from, &dst, &dport, &payload, &plen) < 0)
		return 0;
	if (payload < data || plen > size ||
	    (size_t)(payload - data) > size - plen)
		__builtin_trap();
	n = ipudp_build(out, sizeof(out), from.sin_addr, ntohs(from.sin_port),
			dst, dport, payload, plen);
	if (n < 0)
		return 0;       /* only if it had IP options and no room */
	if (ipudp_parse(out, (size_t)n, &from2, &dst2, &dport2, &payload2,
			&plen2) < 0 ||
	    from2.sin_addr.s_addr != from.sin_addr.s_addr ||
	    from2.sin_port != from.sin_port || dst2.s_addr != dst.s_addr ||
	    dport2 != dport || plen2 != plen ||
	    (plen && memcmp(payload2, payload, plen)))
		__builtin_trap();
	return 0;
}
