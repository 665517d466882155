/* libFuzzer harness: DHCP parser, proxy policy and reply builder, on
 * both ports, with the built-in defaults and with a rule that gives every
 * client the Raspberry Pi answer (option 43 whole, option 66). */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "dhcp.h"
#include "proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config *cfgs[2];
	static struct dhcp_msg m;
	struct proxy_answer a;
	struct sockaddr_in from = { .sin_family = AF_INET,
				    .sin_port = htons(68) };
	struct in_addr srv = { htonl(0xc000020a) };
	uint8_t out[DHCP_MAX_LEN];
	const char *why;

	char err[128];

	if (!cfgs[0]) {
		cfgs[0] = config_defaults();
		cfgs[1] = config_parse("fuzz", "[rule pi]\nraspberry-pi-boot = "
				       "yes\n", err, sizeof(err));
		if (!cfgs[1])
			__builtin_trap();
	}
	if (dhcp_parse(&m, data, size, &why) < 0)
		return 0;
	for (unsigned i = 0; i < 4; i++) {
		unsigned p = i & 1 ? PXE_BOOT_PORT : DHCP_SERVER_PORT;
		int n;

		if (proxy_decide(cfgs[i / 2], &m, p, &from, srv, &a) !=
		    DROP_REASONS)
			continue;
		n = dhcp_build_reply(&m, &a.reply, out, sizeof(out));
		/* A reply larger than the client takes (option 57, or 576)
		 * is not sent: the daemon logs it and stays silent. */
		if (n == -ENOBUFS)
			continue;
		if (n < BOOTP_MIN_REPLY || out[0] != BOOTREPLY ||
		    memcmp(out + 16, "\0\0\0\0", 4))
			__builtin_trap();  /* never an address */
		/* A Pi answer names no boot file (the loaders have theirs). */
		if (a.rpi_answer && (a.reply.bootfile || out[108]))
			__builtin_trap();
	}
	return 0;
}
