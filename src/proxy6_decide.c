/* Proxy DHCPv6 policy, without I/O: answer a Solicit on 547 with an
 * Advertise, and PXE's boot-server Request on 4011 with a Reply, both
 * carrying a boot URL and never an address; stay silent to everything
 * else, above all to Requests, Renews and Information-requests meant for
 * the real server (RFC 8415 leaves those to it) and to clients that are
 * not PXE or HTTP boot firmware. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "bootsel.h"
#include "proxy6.h"
#include "util.h"

/* Messages that only servers send, or of a type we do not know: not a
 * request at all. */
static bool is_server_message(uint8_t type)
{
	return type == DHCP6_ADVERTISE || type == DHCP6_REPLY ||
	       type == DHCP6_RECONFIGURE || type == DHCP6_RELAY_REPL ||
	       type < DHCP6_SOLICIT || type > DHCP6_RELAY_REPL;
}

/* 547: Solicit only (a Request there goes to the server it names, which
 * is never us).  4011: PXE's boot-server Request, sent straight to us
 * (EDK2 PxeBcRequestBootService), never through a relay. */
static enum drop_reason check_type(const struct dhcp6_msg *m, unsigned port,
				   const char **detail)
{
	if (is_server_message(m->type))
		return DROP_NOT_REQUEST;
	if (port == DHCP6_PXE_PORT && m->n_relays) {
		*detail = "relayed message on port 4011";
		return DROP_MSG_TYPE;
	}
	if (m->type != (port == DHCP6_PXE_PORT ? DHCP6_REQUEST :
			DHCP6_SOLICIT))
		return DROP_MSG_TYPE;
	return DROP_REASONS;
}

/* RFC 8415 16.2 and 16.4: a Solicit has a Client Identifier and no
 * Server Identifier; a Request names its server, and on 4011 that must
 * be us. */
static enum drop_reason check_ids(const struct dhcp6_msg *m,
				  const uint8_t *duid, size_t duid_len,
				  const char **detail)
{
	const uint8_t *v;
	size_t len;

	if (!dhcp6_opt(m, OPT6_CLIENTID, &v, &len)) {
		*detail = "no client identifier (1)";
		return DROP_MALFORMED;
	}
	if (m->type == DHCP6_SOLICIT) {
		if (!dhcp6_opt(m, OPT6_SERVERID, &v, &len))
			return DROP_REASONS;
		*detail = "Solicit with a server identifier";
		return DROP_MALFORMED;
	}
	if (!dhcp6_opt(m, OPT6_SERVERID, &v, &len) || len != duid_len ||
	    memcmp(v, duid, len)) {
		*detail = "Request for another server";
		return DROP_MSG_TYPE;
	}
	return DROP_REASONS;
}

/* Option 16, enterprise 343: the data begins with "PXEClient" (EDK2
 * PxeBcDhcp6.c: "PXEClient:Arch:00007:UNDI:003016") or holds
 * "HTTPClient" (HttpBootDhcp6.c).  *data gets the item to echo. */
static const char *client_class(const struct dhcp6_msg *m,
				const uint8_t **data, size_t *len)
{
	static const char pxe[] = "PXEClient", http[] = "HTTPClient";

	for (unsigned i = 0;
	     dhcp6_vendor_class(m, DHCP6_ENTERPRISE_PXE, i, data, len); i++) {
		if (*len >= sizeof(pxe) - 1 && !memcmp(*data, pxe,
						       sizeof(pxe) - 1))
			return pxe;
		if (memmem(*data, *len, http, sizeof(http) - 1))
			return http;
	}
	return NULL;
}

/* The firmware gets no name resolution from a proxy: the URL names our
 * address, and only a routable one (a link-local address would need a
 * zone the firmware cannot express). */
static bool usable_server(const struct in6_addr *s)
{
	return !IN6_IS_ADDR_UNSPECIFIED(s) && !IN6_IS_ADDR_LINKLOCAL(s) &&
	       !IN6_IS_ADDR_MULTICAST(s) && !IN6_IS_ADDR_LOOPBACK(s);
}

/* ${server} is "[addr]" (RFC 3986 3.2.2); a bare file name becomes a
 * tftp:// URL for PXE and an http:// one for HTTP boot, on our servers. */
static int expand_url(const char *b, bool http, const struct in6_addr *server,
		      const struct proxy6_answer *a, char *out, size_t cap)
{
	char addr[INET6_ADDRSTRLEN], srv[INET6_ADDRSTRLEN + 2], mac[18] = "";
	char code[8], tmpl[300];
	struct tvar vars[] = {
		{ "${server}", srv }, { "${mac}", mac }, { "${arch}", code },
	};

	inet_ntop(AF_INET6, server, addr, sizeof(addr));
	snprintf(srv, sizeof(srv), "[%s]", addr);
	if (a->have_mac)
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 a->mac[0], a->mac[1], a->mac[2], a->mac[3],
			 a->mac[4], a->mac[5]);
	snprintf(code, sizeof(code), "%u", a->arch);
	if (!strstr(b, "://")) {
		if (fmt(tmpl, sizeof(tmpl), "%s://${server}%s%s",
			http ? "http" : "tftp", b[0] == '/' ? "" : "/", b) < 0)
			return -1;
		b = tmpl;
	}
	return expand_vars(out, cap, b, vars, ARRAY_SIZE(vars));
}

static void fill_query(const struct dhcp6_msg *m,
		       const struct proxy6_answer *a, const uint8_t *vendor,
		       size_t vendor_len, struct boot_query *q)
{
	memset(q, 0, sizeof(*q));
	if (a->have_mac) {
		q->mac = a->mac;
		q->mac_len = sizeof(a->mac);
	}
	q->arch = a->arch;
	q->vendor = vendor;
	q->vendor_len = vendor_len;
	dhcp6_opt(m, OPT6_USER_CLASS, &q->user_class, &q->user_class_len);
	q->user_class_lensz = 2;
	/* iPXE has no option 175 over IPv6; its user class says it. */
	q->ipxe_option = dhcp6_has_user_class(m, "iPXE");
}

enum drop_reason proxy6_decide(const struct config *c,
			       const struct dhcp6_msg *m,
			       const struct proxy6_in *in,
			       struct proxy6_answer *a)
{
	struct boot_query q;
	enum drop_reason why;
	const uint8_t *vendor;
	size_t vendor_len;
	const char *b;
	int r;

	memset(a, 0, sizeof(*a));
	if ((why = check_type(m, in->port, &a->detail)) != DROP_REASONS ||
	    (why = check_ids(m, in->duid, in->duid_len, &a->detail)) !=
	    DROP_REASONS)
		return why;
	if (!(a->cls = client_class(m, &vendor, &vendor_len)))
		return DROP_NOT_PXE;
	if ((r = dhcp6_client_arch(m, &a->arch)) < 0) {
		/* RFC 5970 3.3: boot clients send option 61. */
		a->detail = r == -1 ? "no client architecture (61)" : NULL;
		return DROP_BAD_ARCH;
	}
	if (!usable_server(&in->server)) {
		a->detail = "no global or unique-local address to name";
		return DROP_IFACE;
	}
	a->have_mac = dhcp6_client_mac(m, &in->from.sin6_addr, a->mac);
	if (!a->have_mac && in->link_mac && !m->n_relays) {
		memcpy(a->mac, in->link_mac, sizeof(a->mac));
		a->have_mac = true;
	}
	fill_query(m, a, vendor, vendor_len, &q);
	if ((why = boot_choose(c, &q, &b, &a->rule)) != DROP_REASONS)
		return why;
	if (expand_url(b, a->cls[0] == 'H', &in->server, a, a->url,
		       sizeof(a->url)) < 0)
		return DROP_NO_BOOTFILE;
	a->reply.type = in->port == DHCP6_PXE_PORT ? DHCP6_REPLY :
						     DHCP6_ADVERTISE;
	a->reply.server_duid = in->duid;
	a->reply.server_duid_len = in->duid_len;
	a->reply.url = a->url;
	a->reply.vendor_data = vendor;
	a->reply.vendor_data_len = vendor_len;
	/* Straight back to the source: the client (from its link-local
	 * address, or on 4011 from the address it had then, not
	 * necessarily the one it keeps), or the outer relay at the port it
	 * used (RFC 8415 19.3, RFC 8357). */
	a->to = in->from;
	return DROP_REASONS;
}
