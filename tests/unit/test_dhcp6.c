/* Unit tests of the DHCPv6 codec and the IPv6 proxy decision, with the
 * messages EDK2's PXE and HTTP boot send (built octet by octet from
 * NetworkPkg/UefiPxeBcDxe/PxeBcDhcp6.c, HttpBootDxe/HttpBootDhcp6.c and
 * Dhcp6Dxe/Dhcp6Io.c), relayed ones, and hostile input. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bootsel.h"
#include "check.h"
#include "config.h"
#include "dhcp6.h"
#include "proxy6.h"

struct pkt {
	uint8_t b[4096];
	size_t len;
};

static void put(struct pkt *p, const void *bytes, size_t n)
{
	memcpy(p->b + p->len, bytes, n);
	p->len += n;
}

static void put16(struct pkt *p, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(p, b, 2);
}

static void opt(struct pkt *p, uint16_t code, const void *val, size_t len)
{
	put16(p, code);
	put16(p, (uint16_t)len);
	put(p, val, len);
}

#define OPT(p, code, s) opt(p, code, s, sizeof(s) - 1)

/* SMBIOS UUID present (as on OVMF): DUID-UUID, type 4 (Dhcp6Driver.c). */
static const uint8_t duid_uuid[18] = {
	0x00, 0x04, 0x8c, 0x3a, 0x15, 0x6e, 0x2f, 0x0d, 0x4e, 0x91,
	0xa7, 0x55, 0x32, 0x10, 0x9e, 0x42, 0x07, 0x11,
};
/* Ours: DUID-LL of 52:54:00:00:00:05. */
static const uint8_t our_duid[10] = {
	0x00, 0x03, 0x00, 0x01, 0x52, 0x54, 0x00, 0x00, 0x00, 0x05,
};

/* Vendor class 16 as PxeBcBuildDhcp6Options fills it: enterprise 343,
 * one item of sizeof(PXEBC_CLASS_ID) = 32 octets. */
static void vendor_class(struct pkt *p, uint32_t enterprise, const char *cls)
{
	uint8_t v[64];
	size_t n = strlen(cls);

	v[0] = (uint8_t)(enterprise >> 24);
	v[1] = (uint8_t)(enterprise >> 16);
	v[2] = (uint8_t)(enterprise >> 8);
	v[3] = (uint8_t)enterprise;
	v[4] = (uint8_t)(n >> 8);
	v[5] = (uint8_t)n;
	memcpy(v + 6, cls, n);
	opt(p, OPT6_VENDOR_CLASS, v, 6 + n);
}

/* The options PXE (and HTTP boot) add to every message (ORO, UNDI,
 * architecture, vendor class), in their order. */
static void boot_options(struct pkt *p, const char *cls, int arch)
{
	uint8_t a[2] = { (uint8_t)(arch >> 8), (uint8_t)arch };

	OPT(p, OPT6_ORO, "\x00\x3b\x00\x3c\x00\x17\x00\x10");
	OPT(p, OPT6_NII, "\x01\x03\x10");
	if (arch >= 0)
		opt(p, OPT6_CLIENT_ARCH, a, 2);
	if (cls)
		vendor_class(p, DHCP6_ENTERPRISE_PXE, cls);
}

/* Dhcp6SendSolicitMsg: client id, elapsed time, IA_NA (no address yet),
 * then the boot options. */
static void edk2_solicit(struct pkt *p, const char *cls, int arch)
{
	memset(p, 0, sizeof(*p));
	put(p, "\x01\x5a\x1b\x2c", 4);
	opt(p, OPT6_CLIENTID, duid_uuid, sizeof(duid_uuid));
	OPT(p, OPT6_ELAPSED_TIME, "\x00\x00");
	OPT(p, OPT6_IA_NA, "\x00\x00\x00\x2a" "\0\0\0\0" "\0\0\0\0");
	boot_options(p, cls, arch);
}

#define PXE_CLASS "PXEClient:Arch:00007:UNDI:003016"
#define HTTP_CLASS "HTTPClient:Arch:00016:UNDI:003016"

/* PxeBcRequestBootService on 4011: the offer's transaction id, the
 * proxy's server id first, the cached Request's options without IA. */
static void edk2_boot_request(struct pkt *p, const uint8_t *sid, size_t n)
{
	memset(p, 0, sizeof(*p));
	put(p, "\x03\x5a\x1b\x2c", 4);
	opt(p, OPT6_SERVERID, sid, n);
	opt(p, OPT6_CLIENTID, duid_uuid, sizeof(duid_uuid));
	OPT(p, OPT6_ELAPSED_TIME, "\x01\x2c");
	boot_options(p, PXE_CLASS, 7);
}

/* Wraps p in a Relay-Forw (RFC 8415 9). */
static void relay_wrap(struct pkt *p, uint8_t hops, const char *link,
		       const char *peer, const char *ifid)
{
	struct pkt in = *p;

	memset(p, 0, sizeof(*p));
	put(p, "\x0c", 1);
	put(p, &hops, 1);
	inet_pton(AF_INET6, link, p->b + p->len);
	p->len += 16;
	inet_pton(AF_INET6, peer, p->b + p->len);
	p->len += 16;
	if (ifid)
		opt(p, OPT6_INTERFACE_ID, ifid, strlen(ifid));
	opt(p, OPT6_RELAY_MSG, in.b, in.len);
}

/* Reads an answer back with a separate walk, not the parser under test:
 * the first option code at or after off, or NULL. */
static const uint8_t *find(const uint8_t *b, size_t len, size_t off,
			   uint16_t code, size_t *olen)
{
	while (off + 4 <= len) {
		uint16_t c = (uint16_t)(b[off] << 8 | b[off + 1]);
		size_t l = (size_t)(b[off + 2] << 8 | b[off + 3]);

		if (off + 4 + l > len)
			return NULL;
		if (c == code) {
			*olen = l;
			return b + off + 4;
		}
		off += 4 + l;
	}
	return NULL;
}

/* Every option of a client-level answer lies inside it, and 59 is not
 * the last one (EDK2 HTTP boot reads it up to a NUL). */
static bool walk_ok(const uint8_t *b, size_t len, size_t off)
{
	bool last_was_url = false;

	while (off + 4 <= len) {
		size_t l = (size_t)(b[off + 2] << 8 | b[off + 3]);

		last_was_url = b[off] == 0 && b[off + 1] == OPT6_BOOTFILE_URL;
		off += 4 + l;
	}
	return off == len && !last_was_url;
}

static struct sockaddr_in6 addr6(const char *a, unsigned port)
{
	struct sockaddr_in6 s = { .sin6_family = AF_INET6 };

	inet_pton(AF_INET6, a, &s.sin6_addr);
	s.sin6_port = htons((uint16_t)port);
	s.sin6_scope_id = 2;
	return s;
}

static struct config *cfg;
static struct in6_addr server;
/* The link-local address OVMF forms from 52:54:00:12:34:56. */
#define CLIENT_LL "fe80::5054:ff:fe12:3456"

static enum drop_reason decide_in(const struct config *c,
				  const struct dhcp6_msg *m, unsigned port,
				  const struct sockaddr_in6 *from,
				  const struct in6_addr *srv,
				  const uint8_t *link_mac,
				  struct proxy6_answer *a)
{
	struct proxy6_in in = { .port = port, .from = *from, .server = *srv,
				.link_mac = link_mac, .duid = our_duid,
				.duid_len = sizeof(our_duid) };

	return proxy6_decide(c, m, &in, a);
}

static enum drop_reason decide(const struct pkt *p, unsigned port,
			       struct dhcp6_msg *m, struct proxy6_answer *a)
{
	struct sockaddr_in6 from = addr6(CLIENT_LL, port == 547 ? 546 : 4011);
	const char *why;

	if (dhcp6_parse(m, p->b, p->len, &why) < 0)
		return DROP_MALFORMED;
	return decide_in(cfg, m, port, &from, &server, NULL, a);
}

/* The client part of an answer: the fields EDK2 and OVMF need (lab
 * runs 2 and 6), nothing that makes it a stateful offer. */
static void check_proxy_answer(const uint8_t *b, size_t len, size_t off,
			       uint8_t type, const char *url, const char *cls)
{
	const uint8_t *v;
	size_t l;

	CHECK(len >= off + 4 && b[off] == type);
	CHECK(!memcmp(b + off + 1, "\x5a\x1b\x2c", 3));
	off += 4;
	CHECK(walk_ok(b, len, off));
	CHECK((v = find(b, len, off, OPT6_CLIENTID, &l)) &&
	      l == sizeof(duid_uuid) && !memcmp(v, duid_uuid, l));
	CHECK((v = find(b, len, off, OPT6_SERVERID, &l)) &&
	      l == sizeof(our_duid) && !memcmp(v, our_duid, l));
	CHECK((v = find(b, len, off, OPT6_BOOTFILE_URL, &l)) &&
	      l == strlen(url) && !memcmp(v, url, l));
	CHECK((v = find(b, len, off, OPT6_VENDOR_CLASS, &l)) &&
	      l == 6 + strlen(cls) && !memcmp(v, "\0\0\x01\x57", 4) &&
	      v[4] == 0 && v[5] == strlen(cls) && !memcmp(v + 6, cls, l - 6));
	CHECK(!find(b, len, off, OPT6_IA_NA, &l));
	CHECK(!find(b, len, off, OPT6_IA_TA, &l));
	CHECK(!find(b, len, off, OPT6_IA_PD, &l));
	CHECK(!find(b, len, off, OPT6_STATUS_CODE, &l));
	CHECK(!find(b, len, off, OPT6_BOOTFILE_PARAM, &l));
}

static void test_edk2_pxe_solicit_gets_advertise_without_address(void)
{
	struct pkt p;
	struct dhcp6_msg m;
	struct proxy6_answer a;
	uint8_t out[DHCP6_MAX_LEN];
	const char *why;
	const uint8_t *v;
	size_t len;
	uint16_t arch;
	int n;

	edk2_solicit(&p, PXE_CLASS, 7);
	CHECK(dhcp6_parse(&m, p.b, p.len, &why) == 0);
	CHECK(m.type == DHCP6_SOLICIT && m.xid == 0x5a1b2c && !m.n_relays);
	CHECK(m.n_opts == 7);
	CHECK(dhcp6_client_arch(&m, &arch) == 0 && arch == 7);
	CHECK(dhcp6_vendor_class(&m, 343, 0, &v, &len) && len == 32 &&
	      !memcmp(v, PXE_CLASS, 32));
	CHECK(!dhcp6_vendor_class(&m, 343, 1, &v, &len));
	CHECK(decide(&p, 547, &m, &a) == DROP_REASONS);
	CHECK(!strcmp(a.url, "tftp://[2001:db8::5]/grubx64.efi"));
	CHECK(!strcmp(a.cls, "PXEClient") && a.arch == 7);
	CHECK(a.reply.type == DHCP6_ADVERTISE);
	/* To the source, its port and scope. */
	CHECK(a.to.sin6_port == htons(546) && a.to.sin6_scope_id == 2);
	n = dhcp6_build_reply(&m, &a.reply, out, sizeof(out));
	CHECK(n > 0);
	if (n > 0)
		check_proxy_answer(out, (size_t)n, 0, DHCP6_ADVERTISE,
				   a.url, PXE_CLASS);
	/* Every shorter buffer: an error, never an overflow. */
	for (int cap = 0; cap < n; cap++)
		CHECK(dhcp6_build_reply(&m, &a.reply, out, (size_t)cap) ==
		      -ENOBUFS);
	/* No Preference in the answer proxy6_decide makes: 255 there would
	 * end EDK2's wait before the real server's offer is in. */
	CHECK(n > 0 && !find(out, (size_t)n, 4, OPT6_PREFERENCE, &len));
}

/* [dhcp6] prefer-after's copy (src/proxy6.c): the same Advertise plus
 * Preference 255 (RFC 8415 21.8: one byte), still a proxy offer. */
static void test_advertise_copy_carries_preference_255(void)
{
	struct pkt p;
	struct dhcp6_msg m;
	struct proxy6_answer a;
	uint8_t out[DHCP6_MAX_LEN], plain[DHCP6_MAX_LEN];
	const uint8_t *v;
	size_t len;
	int n, k;

	edk2_solicit(&p, PXE_CLASS, 7);
	CHECK(decide(&p, 547, &m, &a) == DROP_REASONS);
	k = dhcp6_build_reply(&m, &a.reply, plain, sizeof(plain));
	a.reply.has_preference = true;
	a.reply.preference = 255;
	n = dhcp6_build_reply(&m, &a.reply, out, sizeof(out));
	CHECK(k > 0 && n == k + 5);
	if (n <= 0)
		return;
	check_proxy_answer(out, (size_t)n, 0, DHCP6_ADVERTISE, a.url,
			   PXE_CLASS);
	CHECK((v = find(out, (size_t)n, 4, OPT6_PREFERENCE, &len)) &&
	      len == 1 && v[0] == 255);
	for (int cap = 0; cap < n; cap++)
		CHECK(dhcp6_build_reply(&m, &a.reply, out, (size_t)cap) ==
		      -ENOBUFS);
}

static void test_edk2_http_solicit_gets_http_url(void)
{
	struct pkt p;
	struct dhcp6_msg m;
	struct proxy6_answer a;
	uint8_t out[DHCP6_MAX_LEN];
	int n;

	edk2_solicit(&p, HTTP_CLASS, 16);
	CHECK(decide(&p, 547, &m, &a) == DROP_REASONS);
	/* The [arch] table's "http://${server}/grubx64.efi". */
	CHECK(!strcmp(a.url, "http://[2001:db8::5]/grubx64.efi"));
	CHECK(!strcmp(a.cls, "HTTPClient"));
	n = dhcp6_build_reply(&m, &a.reply, out, sizeof(out));
	CHECK(n > 0);
	if (n > 0)
		check_proxy_answer(out, (size_t)n, 0, DHCP6_ADVERTISE,
				   a.url, HTTP_CLASS);
	/* A bare file for an HTTP client is on our HTTP server; an arm64
	 * PXE client gets its table entry over TFTP. */
	edk2_solicit(&p, "HTTPClient:Arch:00019:UNDI:003000", 19);
	CHECK(decide(&p, 547, &m, &a) == DROP_REASONS);
	CHECK(!strcmp(a.url, "http://[2001:db8::5]/grubaa64.efi"));
	edk2_solicit(&p, "PXEClient:Arch:00011:UNDI:003016", 11);
	CHECK(decide(&p, 547, &m, &a) == DROP_REASONS);
	CHECK(!strcmp(a.url, "tftp://[2001:db8::5]/grubaa64.efi"));
	edk2_solicit(&p, "PXEClient:Arch:00009:UNDI:003016", 9);
	CHECK(decide(&p, 547, &m, &a) == DROP_REASONS);
	CHECK(!strcmp(a.url, "tftp://[2001:db8::5]/grubx64.efi"));
}

static void test_pxe_boot_server_request_on_4011_gets_reply(void)
{
	struct pkt p;
	struct dhcp6_msg m;
	struct proxy6_answer a;
	uint8_t out[DHCP6_MAX_LEN];
	int n;

	edk2_boot_request(&p, our_duid, sizeof(our_duid));
	CHECK(decide(&p, 4011, &m, &a) == DROP_REASONS);
	CHECK(a.reply.type == DHCP6_REPLY);
	CHECK(a.to.sin6_port == htons(4011));
	n = dhcp6_build_reply(&m, &a.reply, out, sizeof(out));
	CHECK(n > 0);
	if (n > 0)
		check_proxy_answer(out, (size_t)n, 0, DHCP6_REPLY, a.url,
				   PXE_CLASS);
	/* Another server's id: not ours to answer, even on 4011. */
	edk2_boot_request(&p, duid_uuid, sizeof(duid_uuid));
	CHECK(decide(&p, 4011, &m, &a) == DROP_MSG_TYPE);
	/* The same Request on 547 is for the real server. */
	edk2_boot_request(&p, our_duid, sizeof(our_duid));
	CHECK(decide(&p, 547, &m, &a) == DROP_MSG_TYPE);
	/* A Solicit on 4011 is not PXE's boot-server step. */
	edk2_solicit(&p, PXE_CLASS, 7);
	CHECK(decide(&p, 4011, &m, &a) == DROP_MSG_TYPE);
}

/* Request, Renew, Rebind, Release, Decline, Confirm and
 * Information-request belong to the real server, even from PXE firmware
 * that carries the boot options; server messages are never answered. */
static void test_messages_for_the_real_server_are_silent(void)
{
	static const uint8_t client_types[] = {
		DHCP6_REQUEST, DHCP6_CONFIRM, DHCP6_RENEW, DHCP6_REBIND,
		DHCP6_RELEASE, DHCP6_DECLINE, DHCP6_INFORMATION_REQUEST,
	};
	static const uint8_t server_types[] = {
		0, DHCP6_ADVERTISE, DHCP6_REPLY, DHCP6_RECONFIGURE, 14, 20,
		255,
	};
	struct pkt p;
	struct dhcp6_msg m;
	struct proxy6_answer a;

	for (size_t i = 0; i < sizeof(client_types); i++) {
		edk2_solicit(&p, PXE_CLASS, 7);
		p.b[0] = client_types[i];
		CHECK(decide(&p, 547, &m, &a) == DROP_MSG_TYPE);
		/* With our server id too: 547 never gets a Reply. */
		opt(&p, OPT6_SERVERID, our_duid, sizeof(our_duid));
		CHECK(decide(&p, 547, &m, &a) == DROP_MSG_TYPE);
	}
	for (size_t i = 0; i < sizeof(server_types); i++) {
		edk2_solicit(&p, PXE_CLASS, 7);
		p.b[0] = server_types[i];
		CHECK(decide(&p, 547, &m, &a) == DROP_NOT_REQUEST);
		CHECK(decide(&p, 4011, &m, &a) == DROP_NOT_REQUEST);
	}
	/* A Relay-Repl (its header is not a client's). */
	memset(&p, 0, sizeof(p));
	put(&p, "\x0d\x00", 2);
	p.len += 32;
	CHECK(decide(&p, 547, &m, &a) == DROP_NOT_REQUEST);
}

static void test_solicit_not_from_boot_firmware_is_silent(void)
{
	struct pkt p;
	struct dhcp6_msg m;
	struct proxy6_answer a;

	/* An operating system's Solicit: no vendor class. */
	edk2_solicit(&p, NULL, 7);
	CHECK(decide(&p, 547, &m, &a) == DROP_NOT_PXE);
	/* The right text under another enterprise number. */
	edk2_solicit(&p, NULL, 7);
	vendor_class(&p, 311, PXE_CLASS);
	CHECK(decide(&p, 547, &m, &a) == DROP_NOT_PXE);
	/* Enterprise 343, another class; PXEClient not at the start. */
	edk2_solicit(&p, "MSFT 5.0", 7);
	CHECK(decide(&p, 547, &m, &a) == DROP_NOT_PXE);
	edk2_solicit(&p, "xPXEClient", 7);
	CHECK(decide(&p, 547, &m, &a) == DROP_NOT_PXE);
	edk2_solicit(&p, "PXEClien", 7);
	CHECK(decide(&p, 547, &m, &a) == DROP_NOT_PXE);
	/* A second vendor class item or option that is PXE's counts. */
	edk2_solicit(&p, NULL, 7);
	vendor_class(&p, 311, "MSFT 5.0");
	vendor_class(&p, DHCP6_ENTERPRISE_PXE, PXE_CLASS);
	CHECK(decide(&p, 547, &m, &a) == DROP_REASONS);
	/* A Solicit naming a server or with no client id (RFC 8415
	 * 16.2). */
	edk2_solicit(&p, PXE_CLASS, 7);
	opt(&p, OPT6_SERVERID, our_duid, sizeof(our_duid));
	CHECK(decide(&p, 547, &m, &a) == DROP_MALFORMED);
	memset(&p, 0, sizeof(p));
	put(&p, "\x01\x5a\x1b\x2c", 4);
	boot_options(&p, PXE_CLASS, 7);
	CHECK(decide(&p, 547, &m, &a) == DROP_MALFORMED);
}

static void test_architecture_decides_the_file(void)
{
	struct pkt p;
	struct dhcp6_msg m;
	struct proxy6_answer a;

	/* RFC 5970: boot clients send option 61; without it, no guess. */
	edk2_solicit(&p, PXE_CLASS, -1);
	CHECK(decide(&p, 547, &m, &a) == DROP_BAD_ARCH);
	/* ia64 has no entry in the default table. */
	edk2_solicit(&p, PXE_CLASS, 2);
	CHECK(decide(&p, 547, &m, &a) == DROP_NO_BOOTFILE);
	edk2_solicit(&p, PXE_CLASS, 63);
	CHECK(decide(&p, 547, &m, &a) == DROP_NO_BOOTFILE);
	edk2_solicit(&p, PXE_CLASS, 0xffff);
	CHECK(decide(&p, 547, &m, &a) == DROP_NO_BOOTFILE);
}

/* A link-local address in the URL would need a zone the firmware cannot
 * write. */
static void test_only_a_routable_address_is_named(void)
{
	struct sockaddr_in6 from = addr6(CLIENT_LL, 546);
	struct in6_addr ll;
	struct pkt p;
	struct dhcp6_msg m;
	struct proxy6_answer a;
	const char *why;

	inet_pton(AF_INET6, "fe80::5", &ll);
	edk2_solicit(&p, PXE_CLASS, 7);
	CHECK(dhcp6_parse(&m, p.b, p.len, &why) == 0);
	CHECK(decide_in(cfg, &m, 547, &from, &ll, NULL, &a) == DROP_IFACE);
	inet_pton(AF_INET6, "fd00::5", &ll);
	CHECK(decide_in(cfg, &m, 547, &from, &ll, NULL, &a) == DROP_REASONS);
	CHECK(!strcmp(a.url, "tftp://[fd00::5]/grubx64.efi"));
}

static void test_relay_forw_gets_relay_repl_through_each_relay(void)
{
	struct pkt p;
	struct dhcp6_msg m;
	struct proxy6_answer a;
	uint8_t out[DHCP6_MAX_LEN];
	const uint8_t *v, *inner;
	size_t l, l2;
	int n;

	edk2_solicit(&p, PXE_CLASS, 7);
	relay_wrap(&p, 0, "2001:db8:1::1", CLIENT_LL, "eth7");
	relay_wrap(&p, 1, "::", "2001:db8:2::1", NULL);
	CHECK(decide(&p, 547, &m, &a) == DROP_REASONS);
	CHECK(m.n_relays == 2 && m.relay[0].hop_count == 1 &&
	      !m.relay[0].has_ifid && m.relay[1].has_ifid &&
	      m.relay[1].ifid_len == 4 && m.type == DHCP6_SOLICIT);
	/* The MAC from the client's link-local, the innermost peer. */
	CHECK(a.have_mac && !memcmp(a.mac, "\x52\x54\x00\x12\x34\x56", 6));
	n = dhcp6_build_reply(&m, &a.reply, out, sizeof(out));
	CHECK(n > 0);
	if (n <= 0)
		return;
	/* Outer layer: type 13, hop count 1, link and peer copied. */
	CHECK(out[0] == DHCP6_RELAY_REPL && out[1] == 1);
	CHECK(!memcmp(out + 2, p.b + 2, 32));
	CHECK(!find(out, (size_t)n, 34, OPT6_INTERFACE_ID, &l));
	CHECK((inner = find(out, (size_t)n, 34, OPT6_RELAY_MSG, &l)));
	if (!inner)
		return;
	CHECK(inner + l == out + n);
	/* Inner layer: Interface-ID echoed. */
	CHECK(inner[0] == DHCP6_RELAY_REPL && inner[1] == 0);
	CHECK((v = find(inner, l, 34, OPT6_INTERFACE_ID, &l2)) && l2 == 4 &&
	      !memcmp(v, "eth7", 4));
	CHECK((v = find(inner, l, 34, OPT6_RELAY_MSG, &l2)));
	if (v)
		check_proxy_answer(v, l2, 0, DHCP6_ADVERTISE, a.url,
				   PXE_CLASS);
	/* Too small a buffer, at every size: an error. */
	for (int cap = 0; cap < n; cap++)
		CHECK(dhcp6_build_reply(&m, &a.reply, out, (size_t)cap) ==
		      -ENOBUFS);
	/* Relays send to 547 only. */
	CHECK(decide(&p, 4011, &m, &a) == DROP_MSG_TYPE);
	/* A relayed Request stays the real server's. */
	edk2_boot_request(&p, our_duid, sizeof(our_duid));
	relay_wrap(&p, 0, "2001:db8:1::1", CLIENT_LL, NULL);
	CHECK(decide(&p, 547, &m, &a) == DROP_MSG_TYPE);
}

/* RFC 8415 7.6: hop counts up to 8, so at most 9 layers. */
static void test_relay_nesting_is_bounded(void)
{
	struct pkt p;
	struct dhcp6_msg m;
	struct proxy6_answer a;
	const char *why;

	edk2_solicit(&p, PXE_CLASS, 7);
	for (uint8_t h = 0; h < DHCP6_MAX_RELAYS; h++)
		relay_wrap(&p, h, "::", "2001:db8::9", "x");
	CHECK(dhcp6_parse(&m, p.b, p.len, &why) == 0 && m.n_relays == 9);
	CHECK(decide(&p, 547, &m, &a) == DROP_REASONS);
	relay_wrap(&p, 8, "::", "2001:db8::9", NULL);
	CHECK(dhcp6_parse(&m, p.b, p.len, &why) == -EINVAL);
	edk2_solicit(&p, PXE_CLASS, 7);
	relay_wrap(&p, 9, "::", "2001:db8::9", NULL);
	CHECK(dhcp6_parse(&m, p.b, p.len, &why) == -EINVAL);
	/* No relay message, or two. */
	memset(&p, 0, sizeof(p));
	put(&p, "\x0c\x00", 2);
	p.len += 32;
	OPT(&p, OPT6_INTERFACE_ID, "x");
	CHECK(dhcp6_parse(&m, p.b, p.len, &why) == -EINVAL);
	OPT(&p, OPT6_RELAY_MSG, "\x01\0\0\0");
	CHECK(dhcp6_parse(&m, p.b, p.len, &why) == 0);
	OPT(&p, OPT6_RELAY_MSG, "\x01\0\0\0");
	CHECK(dhcp6_parse(&m, p.b, p.len, &why) == -EINVAL);
	/* A relay header cut short at every length. */
	for (size_t n = 1; n < 34; n++)
		CHECK(dhcp6_parse(&m, p.b, n, &why) == -EINVAL);
}

static void test_truncated_and_malformed_messages_are_refused(void)
{
	/* The option boundaries of the EDK2 Solicit. */
	static const size_t ends[] = { 4, 26, 32, 48, 60, 67, 73, 115 };
	struct pkt p, q;
	struct dhcp6_msg m;
	const char *why;
	size_t e = 0;

	edk2_solicit(&p, PXE_CLASS, 7);
	CHECK(p.len == 115);
	for (size_t n = 0; n <= p.len; n++) {
		bool boundary = e < sizeof(ends) / sizeof(ends[0]) &&
				ends[e] == n;

		CHECK((dhcp6_parse(&m, p.b, n, &why) == 0) == boundary);
		e += boundary;
	}
	CHECK(dhcp6_parse(&m, p.b, DHCP6_MAX_LEN + 1, &why) == -EMSGSIZE);
	/* Each option that may appear once, twice. */
	q = p;
	opt(&q, OPT6_CLIENTID, duid_uuid, sizeof(duid_uuid));
	CHECK(dhcp6_parse(&m, q.b, q.len, &why) == -EINVAL);
	q = p;
	OPT(&q, OPT6_CLIENT_ARCH, "\x00\x07");
	CHECK(dhcp6_parse(&m, q.b, q.len, &why) == -EINVAL);
	/* Wrong sizes. */
	q = p;
	OPT(&q, OPT6_SERVERID, "\x00\x03");
	CHECK(dhcp6_parse(&m, q.b, q.len, &why) == -EINVAL);
	{
		uint8_t big[131] = { 0, 4 };

		q = p;
		opt(&q, OPT6_SERVERID, big, sizeof(big));
		CHECK(dhcp6_parse(&m, q.b, q.len, &why) == -EINVAL);
		q = p;
		opt(&q, OPT6_SERVERID, big, sizeof(big) - 1);
		CHECK(dhcp6_parse(&m, q.b, q.len, &why) == 0);
	}
	edk2_solicit(&q, PXE_CLASS, -1);
	OPT(&q, OPT6_CLIENT_ARCH, "\x00\x07\x00");
	CHECK(dhcp6_parse(&m, q.b, q.len, &why) == -EINVAL);
	edk2_solicit(&q, PXE_CLASS, -1);
	OPT(&q, OPT6_CLIENT_ARCH, "\x00\x10\x00\x07");  /* a list */
	{
		uint16_t arch;

		CHECK(dhcp6_parse(&m, q.b, q.len, &why) == 0 &&
		      dhcp6_client_arch(&m, &arch) == 0 && arch == 16);
	}
	q = p;
	OPT(&q, OPT6_ELAPSED_TIME, "\x00");
	CHECK(dhcp6_parse(&m, q.b, q.len, &why) == -EINVAL);
	/* A vendor class item longer than its option. */
	edk2_solicit(&q, NULL, 7);
	OPT(&q, OPT6_VENDOR_CLASS, "\x00\x00\x01\x57\x00\x20PXEClient");
	CHECK(dhcp6_parse(&m, q.b, q.len, &why) == -EINVAL);
	edk2_solicit(&q, NULL, 7);
	OPT(&q, OPT6_VENDOR_CLASS, "\x00\x00\x01");
	CHECK(dhcp6_parse(&m, q.b, q.len, &why) == -EINVAL);
	q = p;
	OPT(&q, OPT6_USER_CLASS, "\x00\x05iPXE");
	CHECK(dhcp6_parse(&m, q.b, q.len, &why) == -EINVAL);
	/* More options than any firmware sends. */
	q = p;
	for (int i = 0; i < DHCP6_MAX_OPTS; i++)
		OPT(&q, 200, "");
	CHECK(dhcp6_parse(&m, q.b, q.len, &why) == -EINVAL);
}

static void test_client_mac_sources(void)
{
	struct pkt p;
	struct dhcp6_msg m;
	struct in6_addr a;
	uint8_t mac[6];
	const char *why;

	CHECK(dhcp6_duid_mac(our_duid, sizeof(our_duid), mac) &&
	      !memcmp(mac, "\x52\x54\x00\x00\x00\x05", 6));
	CHECK(dhcp6_duid_mac((const uint8_t *)"\x00\x01\x00\x01\x2a\x2b\x2c"
			     "\x2d\x02\x00\x00\x00\x00\x07", 14, mac) &&
	      !memcmp(mac, "\x02\x00\x00\x00\x00\x07", 6));
	CHECK(!dhcp6_duid_mac(duid_uuid, sizeof(duid_uuid), mac));
	/* Not Ethernet (hardware type 6), or the wrong length. */
	CHECK(!dhcp6_duid_mac((const uint8_t *)"\x00\x03\x00\x06\x52\x54"
			      "\x00\x00\x00\x05", 10, mac));
	CHECK(!dhcp6_duid_mac(our_duid, sizeof(our_duid) - 1, mac));
	CHECK(!dhcp6_duid_mac((const uint8_t *)"\x00\x03\x00\x01\x52\x54"
			      "\x00\x00\x00\x05\x06", 11, mac));
	inet_pton(AF_INET6, CLIENT_LL, &a);
	CHECK(dhcp6_eui64_mac(&a, mac) &&
	      !memcmp(mac, "\x52\x54\x00\x12\x34\x56", 6));
	/* A random (RFC 7217) interface id names no MAC. */
	inet_pton(AF_INET6, "fe80::1c2d:3e4f:5a6b:7c8d", &a);
	CHECK(!dhcp6_eui64_mac(&a, mac));
	/* Relayed with option 79 (RFC 6939): that one. */
	edk2_solicit(&p, PXE_CLASS, 7);
	relay_wrap(&p, 0, "::", "fe80::1c2d:3e4f:5a6b:7c8d", NULL);
	OPT(&p, OPT6_CLIENT_LINKLAYER, "\x00\x01\x52\x54\x00\xab\xcd\xef");
	CHECK(dhcp6_parse(&m, p.b, p.len, &why) == 0);
	CHECK(dhcp6_client_mac(&m, &a, mac) &&
	      !memcmp(mac, "\x52\x54\x00\xab\xcd\xef", 6));
}

/* The rules see a DHCPv6 client as they see a DHCPv4 one. */
static void test_rules_apply_to_ipv6_clients(void)
{
	char err[512];
	struct config *c = config_parse("r.conf",
		"[rule lab]\nmac = 52:54:00:12:*\narch = x64-efi\n"
		"boot = lab/${mac}/${arch}.efi\n"
		"[rule quiet]\nmac = 52:54:00:99:*\nignore = yes\n"
		"[rule chain]\nvendor-class = PXEClient\n"
		"boot = tftp://${server}/ipxe.efi\n"
		"[rule ipxe]\nuser-class = iPXE\n"
		"script = http://${server}/boot.ipxe\n", err, sizeof(err));
	struct sockaddr_in6 from = addr6(CLIENT_LL, 546);
	struct proxy6_answer a;
	struct dhcp6_msg m;
	struct pkt p;
	const char *why;

	CHECK(c != NULL);
	if (!c) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	edk2_solicit(&p, PXE_CLASS, 7);
	CHECK(dhcp6_parse(&m, p.b, p.len, &why) == 0);
	CHECK(decide_in(c, &m, 547, &from, &server, NULL, &a) == DROP_REASONS);
	CHECK(a.rule && !strcmp(a.rule, "lab"));
	CHECK(!strcmp(a.url,
		      "tftp://[2001:db8::5]/lab/52:54:00:12:34:56/7.efi"));
	from = addr6("fe80::5054:ff:fe99:1", 546);
	CHECK(decide_in(c, &m, 547, &from, &server, NULL, &a) == DROP_RULE_IGNORE);
	/* An unknown MAC matches no MAC rule. */
	from = addr6("fe80::1c2d:3e4f:5a6b:7c8d", 546);
	CHECK(decide_in(c, &m, 547, &from, &server, NULL, &a) == DROP_REASONS);
	CHECK(a.rule && !strcmp(a.rule, "chain") &&
	      !strcmp(a.url, "tftp://[2001:db8::5]/ipxe.efi"));
	/* PXE's 4011 Request comes from its leased address with a
	 * DUID-UUID: only the neighbour table's MAC keeps the rule. */
	edk2_boot_request(&p, our_duid, sizeof(our_duid));
	CHECK(dhcp6_parse(&m, p.b, p.len, &why) == 0);
	from = addr6("2001:db8::9", 4011);
	CHECK(decide_in(c, &m, 4011, &from, &server, NULL, &a) ==
	      DROP_REASONS && a.rule && !strcmp(a.rule, "chain"));
	CHECK(decide_in(c, &m, 4011, &from, &server,
			(const uint8_t *)"\x52\x54\x00\x12\x34\x56", &a) ==
	      DROP_REASONS && a.rule && !strcmp(a.rule, "lab"));
	/* iPXE (user class 15, RFC 8415 items) never gets iPXE again. */
	edk2_solicit(&p, PXE_CLASS, 7);
	OPT(&p, OPT6_USER_CLASS, "\x00\x04iPXE");
	CHECK(dhcp6_parse(&m, p.b, p.len, &why) == 0);
	CHECK(dhcp6_has_user_class(&m, "iPXE"));
	CHECK(decide_in(c, &m, 547, &from, &server, NULL, &a) == DROP_REASONS);
	CHECK(a.rule && !strcmp(a.rule, "ipxe") &&
	      !strcmp(a.url, "http://[2001:db8::5]/boot.ipxe"));
	config_free(c);
}

/* Mutations of real messages: the parser never reads out of bounds
 * (ASan in CI), a fair share still parses and is answered, a fair share
 * is refused, and every answer is a proxy answer. */
static void test_random(void)
{
	unsigned parsed = 0, answered = 0, refused = 0, runs = 20000;
	uint8_t out[DHCP6_MAX_LEN];
	struct proxy6_answer a;
	struct dhcp6_msg m;
	struct pkt p;
	const char *why;

	srand(1);
	for (unsigned i = 0; i < runs; i++) {
		int kind = rand() % 4, n;

		if (kind == 0)
			edk2_boot_request(&p, our_duid, sizeof(our_duid));
		else
			edk2_solicit(&p, kind == 1 ? HTTP_CLASS : PXE_CLASS,
				     kind == 1 ? 16 : 7);
		if (kind == 3)
			relay_wrap(&p, (uint8_t)(rand() % 10), "::",
				   CLIENT_LL, rand() % 2 ? "ifid" : NULL);
		for (int k = rand() % 3; k > 0; k--)
			p.b[(size_t)rand() % p.len] = (uint8_t)rand();
		if (rand() % 4 == 0)
			p.len = (size_t)rand() % (p.len + 1);
		if (dhcp6_parse(&m, p.b, p.len, &why) < 0) {
			refused++;
			continue;
		}
		parsed++;
		if (decide_in(cfg, &m, kind ? 547 : 4011,
			      &(struct sockaddr_in6){ 0 }, &server, NULL,
			      &a) != DROP_REASONS) {
			refused++;
			continue;
		}
		answered++;
		n = dhcp6_build_reply(&m, &a.reply, out, sizeof(out));
		CHECK(n > 0);
		if (n > 0 && m.n_relays == 0)
			CHECK(!find(out, (size_t)n, 4, OPT6_IA_NA,
				    &(size_t){ 0 }) &&
			      !find(out, (size_t)n, 4, OPT6_STATUS_CODE,
				    &(size_t){ 0 }));
	}
	printf("random: %u parsed, %u answered, %u refused of %u\n", parsed,
	       answered, refused, runs);
	CHECK(answered > runs / 10);
	CHECK(refused > runs / 10);
}

int main(void)
{
	cfg = config_defaults();
	inet_pton(AF_INET6, "2001:db8::5", &server);
	test_edk2_pxe_solicit_gets_advertise_without_address();
	test_advertise_copy_carries_preference_255();
	test_edk2_http_solicit_gets_http_url();
	test_pxe_boot_server_request_on_4011_gets_reply();
	test_messages_for_the_real_server_are_silent();
	test_solicit_not_from_boot_firmware_is_silent();
	test_architecture_decides_the_file();
	test_only_a_routable_address_is_named();
	test_relay_forw_gets_relay_repl_through_each_relay();
	test_relay_nesting_is_bounded();
	test_truncated_and_malformed_messages_are_refused();
	test_client_mac_sources();
	test_rules_apply_to_ipv6_clients();
	test_random();
	config_free(cfg);
	return check_done("dhcp6");
}
