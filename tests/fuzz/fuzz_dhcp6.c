/* libFuzzer harness: DHCPv6 parser, IPv6 proxy policy and answer builder,
 * on both ports, with the built-in defaults. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "dhcp6.h"
#include "proxy6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t duid[10] = { 0, 3, 0, 1, 0x52, 0x54, 0, 0, 0, 5 };

/* An answer to the client itself parses back and offers no address. */
static void check_answer(const uint8_t *out, size_t n)
{
	static struct dhcp6_msg back;
	const uint8_t *v;
	size_t len;
	const char *why;

	if (dhcp6_parse(&back, out, n, &why) < 0 ||
	    (back.type != DHCP6_ADVERTISE && back.type != DHCP6_REPLY) ||
	    dhcp6_opt(&back, OPT6_IA_NA, &v, &len) ||
	    dhcp6_opt(&back, OPT6_IA_TA, &v, &len) ||
	    dhcp6_opt(&back, OPT6_IA_PD, &v, &len) ||
	    dhcp6_opt(&back, OPT6_STATUS_CODE, &v, &len) ||
	    !dhcp6_opt(&back, OPT6_BOOTFILE_URL, &v, &len))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config *cfg;
	static struct dhcp6_msg m;
	struct proxy6_answer a;
	struct proxy6_in in = { .duid = duid, .duid_len = sizeof(duid) };
	uint8_t out[DHCP6_MAX_LEN];
	const char *why;

	if (!cfg)
		cfg = config_defaults();
	in.from.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::5", &in.server);
	inet_pton(AF_INET6, "fe80::5054:ff:fe12:3456", &in.from.sin6_addr);
	if (dhcp6_parse(&m, data, size, &why) < 0)
		return 0;
	for (unsigned port = 0; port < 2; port++) {
		int n;

		in.port = port ? DHCP6_PXE_PORT : DHCP6_SERVER_PORT;
		if (proxy6_decide(cfg, &m, &in, &a) != DROP_REASONS)
			continue;
		n = dhcp6_build_reply(&m, &a.reply, out, sizeof(out));
		if (n == -ENOBUFS)
			continue;       /* deep relays with large ids */
		if (n < DHCP6_HEADER_LEN)
			__builtin_trap();
		if (m.n_relays ? out[0] != DHCP6_RELAY_REPL : 0)
			__builtin_trap();
		if (!m.n_relays)
			check_answer(out, (size_t)n);
	}
	return 0;
}
