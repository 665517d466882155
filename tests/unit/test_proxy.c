/* Unit tests of the proxy policy: whom to answer, with what, where to. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "dhcp.h"
#include "proxy.h"

static struct dhcp_msg msg_ex(uint8_t type, const char *cls, int arch,
			      const char *user_class, bool ipxe175)
{
	struct dhcp_msg m;
	uint8_t b[400] = { BOOTREQUEST, 1, 6, 0 };
	size_t n = 240;
	const char *why;

	memcpy(b + 236, "\x63\x82\x53\x63", 4);
	b[n++] = OPT_MSG_TYPE;
	b[n++] = 1;
	b[n++] = type;
	if (cls) {
		b[n++] = OPT_VENDOR_CLASS;
		b[n++] = (uint8_t)strlen(cls);
		memcpy(b + n, cls, strlen(cls));
		n += strlen(cls);
	}
	if (arch >= 0) {
		b[n++] = OPT_CLIENT_ARCH;
		b[n++] = 2;
		b[n++] = (uint8_t)(arch >> 8);
		b[n++] = (uint8_t)arch;
	}
	if (user_class) {
		b[n++] = OPT_USER_CLASS;
		b[n++] = (uint8_t)strlen(user_class);
		memcpy(b + n, user_class, strlen(user_class));
		n += strlen(user_class);
	}
	if (ipxe175) {
		memcpy(b + n, "\xaf\x03\x13\x01\x01", 5);
		n += 5;
	}
	memcpy(b + 28, "\x52\x54\x00\x12\x34\x56", 6);
	b[n++] = OPT_END;
	dhcp_parse(&m, b, n, &why);
	return m;
}

static struct dhcp_msg msg(uint8_t type, const char *cls, int arch)
{
	return msg_ex(type, cls, arch, NULL, false);
}

/* Rules: first match wins, the arch table is the fall-back, iPXE never
 * gets iPXE again, variables are filled per client. */
static void rules_first_match_wins_and_ipxe_never_loops(void)
{
	char err[512];
	struct config *c = config_parse("r.conf",
		"[arch]\nbios = undionly.kpxe\n"
		"[rule others]\nmac = 52:54:00:99:*\nignore = yes\n"
		"[rule ipxe]\nuser-class = iPXE\n"
		"script = http://${server}/boot/${mac}-${arch}.ipxe\n"
		"[rule efi-chain]\narch = x64-efi\nvendor-class = PXEClient\n"
		"boot = ipxe.efi\n"
		"[rule arm]\narch = arm64-efi\nipxe = no\nboot = special.efi\n",
		err, sizeof(err));
	struct sockaddr_in from = { .sin_family = AF_INET };
	struct in_addr srv = { htonl(0xc000020a) };
	struct proxy_answer a;
	struct dhcp_msg m;

	CHECK(c != NULL);
	if (!c) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	m = msg(DHCPDISCOVER, "PXEClient", 0);
	CHECK(proxy_decide(c, &m, 67, &from, srv, &a) == DROP_REASONS);
	CHECK(!strcmp(a.bootfile, "undionly.kpxe") && a.rule == NULL);
	/* The same machine back as iPXE: the script, with its variables. */
	m = msg_ex(DHCPDISCOVER, "PXEClient", 0, "iPXE", true);
	CHECK(proxy_decide(c, &m, 67, &from, srv, &a) == DROP_REASONS);
	CHECK(!strcmp(a.bootfile,
		      "http://192.0.2.10/boot/52:54:00:12:34:56-0.ipxe"));
	CHECK(a.rule && !strcmp(a.rule, "ipxe"));
	m = msg(DHCPDISCOVER, "PXEClient", 7);
	CHECK(proxy_decide(c, &m, 67, &from, srv, &a) == DROP_REASONS);
	CHECK(!strcmp(a.bootfile, "ipxe.efi"));
	/* iPXE (option 175 alone) matching a binary rule: skipped; the
	 * table entry is iPXE too: silence rather than a loop. */
	m = msg_ex(DHCPDISCOVER, "PXEClient", 7, NULL, true);
	CHECK(proxy_decide(c, &m, 67, &from, srv, &a) == DROP_REASONS);
	CHECK(!strcmp(a.bootfile, "grubx64.efi"));
	m = msg_ex(DHCPDISCOVER, "PXEClient", 0, NULL, true);
	CHECK(proxy_decide(c, &m, 67, &from, srv, &a) == DROP_IPXE_LOOP);
	m = msg(DHCPDISCOVER, "PXEClient", 11);
	CHECK(proxy_decide(c, &m, 67, &from, srv, &a) == DROP_REASONS);
	CHECK(!strcmp(a.bootfile, "special.efi"));
	m = msg_ex(DHCPDISCOVER, "PXEClient", 11, NULL, true);
	CHECK(proxy_decide(c, &m, 67, &from, srv, &a) == DROP_REASONS);
	CHECK(!strcmp(a.bootfile, "grubaa64.efi"));
	/* RFC 3004's list form of option 77 matches too; a length that runs
	 * past the option matches nothing. */
	m = msg_ex(DHCPDISCOVER, "PXEClient", 0, "\003abc\004iPXE", false);
	CHECK(proxy_decide(c, &m, 67, &from, srv, &a) == DROP_REASONS);
	CHECK(a.rule && !strcmp(a.rule, "ipxe"));
	m = msg_ex(DHCPDISCOVER, "PXEClient", 0, "\003abc\005iPXE", false);
	CHECK(proxy_decide(c, &m, 67, &from, srv, &a) == DROP_REASONS);
	CHECK(a.rule == NULL && !strcmp(a.bootfile, "undionly.kpxe"));
	/* MAC prefix: ignored. */
	m = msg(DHCPDISCOVER, "PXEClient", 0);
	m.chaddr[3] = 0x99;
	CHECK(proxy_decide(c, &m, 67, &from, srv, &a) == DROP_RULE_IGNORE);
	CHECK(a.rule && !strcmp(a.rule, "others"));
	config_free(c);
}

static struct sockaddr_in from_addr(const char *ip, unsigned port)
{
	struct sockaddr_in s = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };

	inet_pton(AF_INET, ip, &s.sin_addr);
	return s;
}

/* The defaults every case starts from: built-in config, our address
 * 192.0.2.10, a client without an address (68) or on 4011 (unicast). */
static struct config *defaults;
static struct in_addr srv;
static struct sockaddr_in bcast_from, uni_from;

static void default_table_boots_by_architecture(void)
{
	struct proxy_answer a;
	struct dhcp_msg m;

	m = msg(DHCPDISCOVER, "PXEClient:Arch:00000:UNDI:002001", 0);
	CHECK(proxy_decide(defaults, &m, 67, &bcast_from, srv, &a) == DROP_REASONS);
	CHECK(!strcmp(a.bootfile, "pxelinux.0"));
	CHECK(a.reply.type == DHCPOFFER && a.broadcast);
	CHECK(a.to.sin_addr.s_addr == htonl(INADDR_BROADCAST));
	CHECK(ntohs(a.to.sin_port) == 68 && a.reply.pxe_options);
	m = msg(DHCPDISCOVER, "PXEClient", 7);
	CHECK(proxy_decide(defaults, &m, 67, &bcast_from, srv, &a) == DROP_REASONS);
	CHECK(!strcmp(a.bootfile, "grubx64.efi"));
	m = msg(DHCPDISCOVER, "PXEClient", 11);
	CHECK(proxy_decide(defaults, &m, 67, &bcast_from, srv, &a) == DROP_REASONS);
	CHECK(!strcmp(a.bootfile, "grubaa64.efi"));
}

static void http_boot_clients_get_our_url(void)
{
	struct proxy_answer a;
	struct dhcp_msg m;

	m = msg(DHCPDISCOVER, "HTTPClient:Arch:00016", 16);
	CHECK(proxy_decide(defaults, &m, 67, &bcast_from, srv, &a) == DROP_REASONS);
	CHECK(!strcmp(a.bootfile, "http://192.0.2.10/grubx64.efi"));
	CHECK(!strcmp(a.reply.vendor_class, "HTTPClient") &&
	      !a.reply.pxe_options);
	/* An HTTP client whose table entry is a bare file gets our URL. */
	m = msg(DHCPDISCOVER, "HTTPClient", 7);
	CHECK(proxy_decide(defaults, &m, 67, &bcast_from, srv, &a) == DROP_REASONS);
	CHECK(!strcmp(a.bootfile, "http://192.0.2.10/grubx64.efi"));
}

/* HTTPS boot: an https:// URL goes out as it is, ${server} filled in. */
static void https_urls_pass_through(void)
{
	char err[256];
	struct config *c = config_parse("h.conf", "[arch]\nx64-efi-http = "
					"https://${server}/linux.efi\n",
					err, sizeof(err));
	struct proxy_answer a;
	struct dhcp_msg m;

	CHECK(c != NULL);
	if (!c)
		return;
	m = msg(DHCPDISCOVER, "HTTPClient:Arch:00016", 16);
	CHECK(proxy_decide(c, &m, 67, &bcast_from, srv, &a) == DROP_REASONS);
	CHECK(!strcmp(a.bootfile, "https://192.0.2.10/linux.efi"));
	CHECK(!strcmp(a.reply.vendor_class, "HTTPClient"));
	config_free(c);
}

static void others_and_other_message_types_get_silence(void)
{
	struct proxy_answer a;
	struct dhcp_msg m;

	m = msg(DHCPDISCOVER, "MSFT 5.0", 0);
	CHECK(proxy_decide(defaults, &m, 67, &bcast_from, srv, &a) == DROP_NOT_PXE);
	m = msg(DHCPDISCOVER, NULL, 0);
	CHECK(proxy_decide(defaults, &m, 67, &bcast_from, srv, &a) == DROP_NOT_PXE);
	m = msg(DHCPDISCOVER, "PXECli", 0);
	CHECK(proxy_decide(defaults, &m, 67, &bcast_from, srv, &a) == DROP_NOT_PXE);
	/* A REQUEST on 67 is for the real server. */
	m = msg(DHCPREQUEST, "PXEClient", 0);
	CHECK(proxy_decide(defaults, &m, 67, &bcast_from, srv, &a) == DROP_MSG_TYPE);
	m = msg(DHCPDISCOVER, "PXEClient", 0);
	CHECK(proxy_decide(defaults, &m, 4011, &uni_from, srv, &a) == DROP_MSG_TYPE);
	for (uint8_t t = DHCPOFFER; t <= DHCPINFORM; t++) {
		if (t == DHCPREQUEST)
			continue;
		m = msg(t, "PXEClient", 0);
		CHECK(proxy_decide(defaults, &m, 67, &bcast_from, srv, &a) ==
		      DROP_MSG_TYPE);
		CHECK(proxy_decide(defaults, &m, 4011, &uni_from, srv, &a) ==
		      DROP_MSG_TYPE);
	}
	m = msg(DHCPDISCOVER, "PXEClient", 2);
	CHECK(proxy_decide(defaults, &m, 67, &bcast_from, srv, &a) == DROP_NO_BOOTFILE);
	m = msg(DHCPDISCOVER, "PXEClient", 0x1234);
	CHECK(proxy_decide(defaults, &m, 67, &bcast_from, srv, &a) == DROP_NO_BOOTFILE);
	m = msg(DHCPDISCOVER, "PXEClient", 0);
	m.op = BOOTREPLY;
	CHECK(proxy_decide(defaults, &m, 67, &bcast_from, srv, &a) == DROP_NOT_REQUEST);
}

/* Pre-RFC 4578 BIOS ROMs send no option 93. */
static void missing_architecture_means_bios(void)
{
	struct proxy_answer a;
	struct dhcp_msg m = msg(DHCPDISCOVER, "PXEClient", -1);

	CHECK(proxy_decide(defaults, &m, 67, &bcast_from, srv, &a) == DROP_REASONS);
	CHECK(a.arch == 0 && !strcmp(a.bootfile, "pxelinux.0"));
}

/* PXE spec 2.2.5: the boot server's ACK goes back to the sender. */
static void port_4011_acks_unicast_to_sender(void)
{
	struct proxy_answer a;
	struct dhcp_msg m = msg(DHCPREQUEST, "PXEClient", 7);

	CHECK(proxy_decide(defaults, &m, 4011, &uni_from, srv, &a) == DROP_REASONS);
	CHECK(a.reply.type == DHCPACK && !a.broadcast);
	CHECK(a.to.sin_addr.s_addr == uni_from.sin_addr.s_addr &&
	      a.to.sin_port == uni_from.sin_port);
}

/* RFC 2131 4.1: through a relay, back to giaddr on port 67. */
static void relayed_discover_goes_back_to_relay(void)
{
	struct proxy_answer a;
	struct dhcp_msg m = msg(DHCPDISCOVER, "PXEClient", 0);

	inet_pton(AF_INET, "198.51.100.1", &m.giaddr);
	CHECK(proxy_decide(defaults, &m, 67, &bcast_from, srv, &a) == DROP_REASONS);
	CHECK(a.to.sin_addr.s_addr == m.giaddr.s_addr &&
	      ntohs(a.to.sin_port) == 67 && !a.broadcast);
}

/* [backend]: the inventory's answer decides in place of the rules, with
 * the same variables and the same iPXE guard; "no entry" is the rules. */
static void backend_answer_decides(void)
{
	struct sockaddr_in from = bcast_from;
	struct backend_answer ba = { .action = RULE_BOOT,
				     .boot = "http://${server}/m/${mac}.efi",
				     .has_delay = true, .reply_delay_ms = 250 };
	struct dhcp_msg m = msg(DHCPDISCOVER, "PXEClient:Arch:00007", 7);
	struct proxy_answer a;

	CHECK(proxy_decide_with(defaults, &m, 67, &from, srv, &ba, &a) ==
	      DROP_REASONS);
	CHECK(!strcmp(a.bootfile,
		      "http://192.0.2.10/m/52:54:00:12:34:56.efi"));
	CHECK(a.has_delay && a.delay_ms == 250 && !strcmp(a.rule, "backend"));
	ba.action = RULE_NONE;          /* 404: the [arch] table */
	CHECK(proxy_decide_with(defaults, &m, 67, &from, srv, &ba, &a) ==
	      DROP_REASONS);
	CHECK(!strcmp(a.bootfile, "grubx64.efi") && !a.has_delay && !a.rule);
	ba.action = RULE_IGNORE;
	CHECK(proxy_decide_with(defaults, &m, 67, &from, srv, &ba, &a) ==
	      DROP_RULE_IGNORE);
	/* iPXE asking again is not handed an iPXE binary by the inventory */
	ba.action = RULE_BOOT;
	strcpy(ba.boot, "ipxe.efi");
	m = msg_ex(DHCPDISCOVER, "PXEClient:Arch:00007", 7, "iPXE", true);
	CHECK(proxy_decide_with(defaults, &m, 67, &from, srv, &ba, &a) ==
	      DROP_IPXE_LOOP);
	/* a client the proxy never answers stays unanswered */
	m = msg(DHCPDISCOVER, "MSFT 5.0", 7);
	CHECK(proxy_decide_with(defaults, &m, 67, &from, srv, &ba, &a) ==
	      DROP_NOT_PXE);
	CHECK(!proxy_is_boot_request(&m, 67));
	m = msg(DHCPDISCOVER, "PXEClient", 0);
	CHECK(proxy_is_boot_request(&m, 67) && !proxy_is_boot_request(&m, 4011));
}

int main(void)
{
	defaults = config_defaults();
	inet_pton(AF_INET, "192.0.2.10", &srv);
	bcast_from = from_addr("0.0.0.0", 68);
	uni_from = from_addr("192.0.2.20", 4011);

	default_table_boots_by_architecture();
	http_boot_clients_get_our_url();
	https_urls_pass_through();
	others_and_other_message_types_get_silence();
	missing_architecture_means_bios();
	port_4011_acks_unicast_to_sender();
	relayed_discover_goes_back_to_relay();
	rules_first_match_wins_and_ipxe_never_loops();
	backend_answer_decides();
	config_free(defaults);
	return check_done("proxy");
}
