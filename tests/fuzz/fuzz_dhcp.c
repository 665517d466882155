/* libFuzzer harness: DHCP parser, proxy policy and reply builder, on
 * both ports, with the built-in defaults. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "dhcp.h"
#include "proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config *cfg;
	static struct dhcp_msg m;
	struct proxy_answer a;
	struct sockaddr_in from = { .sin_family = AF_INET,
				    .sin_port = htons(68) };
	struct in_addr srv = { htonl(0xc000020a) };
	uint8_t out[DHCP_MAX_LEN];
	const char *why;

	if (!cfg)
		cfg = config_defaults();
	if (dhcp_parse(&m, data, size, &why) < 0)
		return 0;
	for (unsigned port = 0; port < 2; port++) {
		unsigned p = port ? PXE_BOOT_PORT : DHCP_SERVER_PORT;

		if (proxy_decide(cfg, &m, p, &from, srv, &a) == DROP_REASONS) {
			int n = dhcp_build_reply(&m, &a.reply, out,
						 sizeof(out));

			if (n < BOOTP_MIN_REPLY || out[0] != BOOTREPLY ||
			    memcmp(out + 16, "\0\0\0\0", 4))
				__builtin_trap();  /* never an address */
		}
	}
	return 0;
}
