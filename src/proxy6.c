/* Proxy DHCPv6 sockets: UDP 547 (joined to ff02::1:2 on each served
 * interface, and relays' unicasts) and 4011 (PXE's boot-server Request,
 * unicast to the host in our URL).  Each datagram is parsed, decided by
 * proxy6_decide() and answered to its source; everything else is in
 * proxy6_decide.c and dhcp6.c. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "clients.h"
#include "log.h"
#include "netif.h"
#include "proxy.h"
#include "proxy6.h"
#include "udp.h"
#include "util.h"

/* The 4011 Reply's second copy (see send_reply).  Half a second: long
 * after the firmware has opened its reader (microseconds to a few
 * milliseconds after its Request went out), well inside the 3 s it waits
 * (PXEBC_UDP_TIMEOUT in EDK2's PxeBcImpl.h). */
#define PROXY6_REPEAT_DELAY 0.5
/* Copies waiting at once.  A machine asks once per boot, so 16 is 16
 * boots within the delay on one sidecar; past that an answer goes out
 * once, as it did before the copies, and memory stays fixed. */
#define PROXY6_LATER_SLOTS 16

/* One packet to send again later, from fd. */
struct later {
	ev_timer timer;
	struct proxy6 *p;
	int fd;
	struct sockaddr_in6 to;
	struct in6_addr src;
	bool have_src;
	int ifindex;
	size_t len;
	uint8_t pkt[DHCP6_MAX_LEN];
};

struct proxy6 {
	struct pxe_ctx *ctx;
	int fd547, fd4011;
	ev_io w547, w4011;
	struct later later[PROXY6_LATER_SLOTS];
	uint8_t duid[DUID_MAX_LEN];
	size_t duid_len;
	proxy6_addr_fn addr;
};

/* RFC 8415 7.1: All_DHCP_Relay_Agents_and_Servers. */
static const struct in6_addr all_dhcp_servers = {
	{ { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2 } }
};

static void count_drop(struct pxe_ctx *ctx, enum drop_reason why,
		       const char *ifname, const struct udp6_meta *meta,
		       const char *detail)
{
	char src[INET6_ADDRSTRLEN];

	ctx->stats.dhcp6_dropped[why]++;
	inet_ntop(AF_INET6, &meta->from.sin6_addr, src, sizeof(src));
	log_debug_rl("%s: ignored DHCPv6 from [%s]:%u: %s%s%s", ifname, src,
		     ntohs(meta->from.sin6_port), proxy_drop_name(why),
		     detail ? ": " : "", detail ? detail : "");
}

static void log_sent(struct pxe_ctx *ctx, const struct proxy6_answer *a,
		     const char *ifname, ssize_t n)
{
	char dst[INET6_ADDRSTRLEN], mac[18] = "unknown-mac";

	inet_ntop(AF_INET6, &a->to.sin6_addr, dst, sizeof(dst));
	if (a->have_mac)
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 a->mac[0], a->mac[1], a->mac[2], a->mac[3],
			 a->mac[4], a->mac[5]);
	if (n < 0) {
		errno = (int)-n;
		log_warn("%s: %s: sending %s to [%s]", ifname, mac,
			 dhcp6_type_name(a->reply.type), dst);
		return;
	}
	if (a->reply.type == DHCP6_ADVERTISE)
		ctx->stats.dhcp6_advertises++;
	else
		ctx->stats.dhcp6_replies++;
	log_client("%s: %s arch %u (%s) %s: %s %s to [%s]:%u%s%s", ifname,
		   mac, a->arch, arch_name(a->arch), a->cls,
		   dhcp6_type_name(a->reply.type), a->url, dst,
		   ntohs(a->to.sin6_port), a->rule ? " by rule " : "",
		   a->rule ? a->rule : "");
}

/* The status page's table, keyed by MAC as for IPv4: a client whose MAC
 * neither its DUID, its address nor the neighbour table tells is left
 * out (its transfers still show, keyed by address). */
static void note_client(struct pxe_ctx *ctx, const struct dhcp6_msg *m,
			const struct proxy6_answer *a,
			const struct ipaddr *from)
{
	if (!ctx->clients || !a->have_mac)
		return;
	/* DHCPv6 asks no inventory: the rules decide. */
	clients_offered(ctx->clients, &(struct client_offer){
		.mac = a->mac, .arch = a->arch,
		.vendor = (const char *)a->reply.vendor_data,
		.vendor_len = a->reply.vendor_data_len, .offered = a->url,
		.ip = m->n_relays ? (struct ipaddr){ 0 } : *from,
		.decided_by = "rule" });
}

/* The address that tells netif which of ours to name: the innermost
 * relay's link-address (the client's link) unless it is unspecified
 * (RFC 8415 19.1.1: then the Interface-ID tells, and the relay's own
 * address is the best hint left), else the client's source. */
static struct in6_addr addr_hint(const struct dhcp6_msg *m,
				 const struct udp6_meta *meta)
{
	for (unsigned i = m->n_relays; i-- > 0;)
		if (!IN6_IS_ADDR_UNSPECIFIED(&m->relay[i].link))
			return m->relay[i].link;
	return meta->from.sin6_addr;
}

static void on_later(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct later *l = w->data;
	char dst[INET6_ADDRSTRLEN];
	ssize_t n;

	(void)loop;
	(void)revents;
	n = udp6_send(l->fd, l->pkt, l->len, &l->to, l->ifindex,
		      l->have_src ? &l->src : NULL);
	inet_ntop(AF_INET6, &l->to.sin6_addr, dst, sizeof(dst));
	if (n < 0)
		log_debug_rl("if%d: copy of %s to [%s]: %s", l->ifindex,
			     dhcp6_type_name(l->pkt[0]), dst,
			     strerror((int)-n));
	else
		log_debug("if%d: copy of %s to [%s]:%u", l->ifindex,
			  dhcp6_type_name(l->pkt[0]), dst,
			  ntohs(l->to.sin6_port));
}

/* Sends pkt from fd after secs, if a slot is free; else not at all. */
static void send_later(struct proxy6 *p, int fd, double secs,
		       const uint8_t *pkt, size_t len,
		       const struct sockaddr_in6 *to, int ifindex,
		       const struct in6_addr *src)
{
	struct later *l = NULL;

	for (unsigned i = 0; i < PROXY6_LATER_SLOTS && !l; i++)
		if (!ev_is_active(&p->later[i].timer))
			l = &p->later[i];
	if (!l || len > sizeof(l->pkt)) {
		log_debug_rl("if%d: no room for a copy of a DHCPv6 answer",
			     ifindex);
		return;
	}
	memcpy(l->pkt, pkt, len);
	l->len = len;
	l->fd = fd;
	l->to = *to;
	l->have_src = src != NULL;
	if (src)
		l->src = *src;
	l->ifindex = ifindex;
	ev_timer_set(&l->timer, secs, 0);
	ev_timer_start(p->ctx->loop, &l->timer);
}

/* Sends a 4011 Reply now and once more PROXY6_REPEAT_DELAY later.  EDK2
 * loses the first copy now and then (PXE-E16, about one boot in four in
 * the lab): PxeBcRequestBootService() (PxeBcDhcp6.c) sends its Request
 * through its Udp6Write instance, polls the network until that transmit
 * completes, and only then configures the Udp6Read instance that
 * UdpRead() takes the Reply from.  A Reply that arrives during that poll
 * finds no reader: Udp6Dxe drops it (or queues it on the write instance,
 * which is reset right after), and the firmware neither retransmits its
 * Request nor reads again (one UdpRead, 3 s, then PXE-E16).  The copy
 * lands while the reader waits; a firmware that took the first copy has
 * closed its reader and never sees the second, and the message is the
 * same one, so a client that did read both sees a duplicate Reply to
 * one transaction, which RFC 8415 16 lets it drop. */
static ssize_t send_reply(struct proxy6 *p, const uint8_t *pkt, size_t len,
			  const struct sockaddr_in6 *to, int ifindex,
			  const struct in6_addr *src)
{
	ssize_t n = udp6_send(p->fd4011, pkt, len, to, ifindex, src);

	if (n >= 0)
		send_later(p, p->fd4011, PROXY6_REPEAT_DELAY, pkt, len, to,
			   ifindex, src);
	return n;
}

/* Sends an Advertise now and, unless [dhcp6] prefer-after is 0, a copy
 * with Preference 255 that long later.  EDK2's Dhcp6Dxe (Dhcp6Io.c,
 * Dhcp6HandleAdvertiseMsg) collects Advertises until the Solicit's first
 * retransmission time (IRT 4 s from PxeBc and HttpBoot), or until one
 * with Preference 255 (RFC 8415 18.2.1); then PxeBc or HttpBoot picks the
 * address offer and the proxy offer from all it cached.  The copy ends
 * that wait, but only the real server's Advertise, already in, gives an
 * address: with none cached the firmware aborts the attempt, as it does
 * at the end of the wait anyway.  So never Preference 255 in the first
 * Advertise (it may come before the real server's), and a delay that
 * the real server's answer beats. */
static ssize_t send_advertise(struct proxy6 *p, const struct dhcp6_msg *m,
			      struct proxy6_answer *a, const uint8_t *pkt,
			      size_t len, int ifindex,
			      const struct in6_addr *src)
{
	unsigned ms = p->ctx->cfg->dhcp6_prefer_after_ms;
	ssize_t n = udp6_send(p->fd547, pkt, len, &a->to, ifindex, src);
	uint8_t copy[DHCP6_MAX_LEN];
	int k;

	if (n < 0 || !ms || a->reply.type != DHCP6_ADVERTISE)
		return n;
	a->reply.has_preference = true;
	a->reply.preference = 255;
	k = dhcp6_build_reply(m, &a->reply, copy, sizeof(copy));
	if (k > 0)
		send_later(p, p->fd547, ms / 1000.0, copy, (size_t)k, &a->to,
			   ifindex, src);
	return n;
}

static void handle_packet(struct proxy6 *p, unsigned port, const uint8_t *buf,
			  size_t len, const struct udp6_meta *meta)
{
	struct pxe_ctx *ctx = p->ctx;
	struct dhcp6_msg m;
	struct proxy6_answer a;
	struct proxy6_in in = { .port = port, .from = meta->from,
				.duid = p->duid, .duid_len = p->duid_len };
	struct in6_addr hint;
	struct ipaddr from;
	uint8_t link_mac[6];
	char ifname[IF_NAMESIZE];
	uint8_t out[DHCP6_MAX_LEN];
	const char *why = NULL;
	const struct in6_addr *src;
	enum drop_reason r;
	int n;

	snprintf(ifname, sizeof(ifname), "if%d", meta->ifindex);
	if (meta->truncated || dhcp6_parse(&m, buf, len, &why) < 0) {
		count_drop(ctx, DROP_MALFORMED, ifname, meta,
			   meta->truncated ? "truncated" : why);
		return;
	}
	hint = addr_hint(&m, meta);
	if (!p->addr(ctx, meta->ifindex, &hint, &in.server, ifname)) {
		count_drop(ctx, DROP_IFACE, ifname, meta, NULL);
		return;
	}
	/* A unicast to 4011 went to the host in our URL: answer as it. */
	if (port == DHCP6_PXE_PORT && !IN6_IS_ADDR_MULTICAST(&meta->dst))
		in.server = meta->dst;
	from = ipaddr_v6(&meta->from.sin6_addr);
	if (netif_neigh_mac(ctx, meta->ifindex, &from, link_mac))
		in.link_mac = link_mac;
	r = proxy6_decide(ctx->cfg, &m, &in, &a);
	if (r != DROP_REASONS) {
		count_drop(ctx, r, ifname, meta, a.detail ? a.detail : a.rule);
		return;
	}
	n = dhcp6_build_reply(&m, &a.reply, out, sizeof(out));
	if (n < 0) {
		log_warnx_rl("%s: DHCPv6 answer does not fit a packet", ifname);
		return;
	}
	note_client(ctx, &m, &a, &from);
	/* The answer comes from the address it was sent to, as from the
	 * host in our URL (EDK2's UdpRead names that host, though with
	 * ANY_SRC_IP it does not check it); to a group, the kernel picks
	 * our link-local source. */
	src = IN6_IS_ADDR_MULTICAST(&meta->dst) ? NULL : &meta->dst;
	log_sent(ctx, &a, ifname,
		 port == DHCP6_PXE_PORT ?
		 send_reply(p, out, (size_t)n, &a.to, meta->ifindex, src) :
		 send_advertise(p, &m, &a, out, (size_t)n, meta->ifindex,
				src));
}

static void on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct proxy6 *p = w->data;
	unsigned port = w == &p->w547 ? DHCP6_SERVER_PORT : DHCP6_PXE_PORT;
	/* One byte more than the largest accepted message, to see
	 * truncation. */
	uint8_t buf[DHCP6_MAX_LEN + 1];
	struct udp6_meta meta;

	(void)loop;
	(void)revents;
	/* A few per wake-up, not all: TFTP and HTTP share the loop. */
	for (int i = 0; i < 32; i++) {
		ssize_t n = udp6_recv(w->fd, buf, sizeof(buf), &meta);

		if (n < 0) {
			if (n != -EAGAIN && n != -EINTR)
				log_warnx_rl("udp6 %u: %s", port,
					     strerror((int)-n));
			return;
		}
		if ((size_t)n > DHCP6_MAX_LEN)
			meta.truncated = true;
		handle_packet(p, port, buf, (size_t)n, &meta);
	}
}

int proxy6_join(struct proxy6 *p, int ifindex)
{
	return udp6_join(p->fd547, ifindex, &all_dhcp_servers);
}

int proxy6_open(struct pxe_ctx *ctx, struct proxy6 **out,
		const int *ifindexes, unsigned n, const uint8_t *duid,
		size_t duid_len, proxy6_addr_fn addr, unsigned *port)
{
	struct proxy6 *p;
	int err;

	if (duid_len < DUID_MIN_LEN || duid_len > DUID_MAX_LEN)
		return -EINVAL;
	p = xcalloc(1, sizeof(*p));
	p->ctx = ctx;
	p->addr = addr;
	memcpy(p->duid, duid, duid_len);
	p->duid_len = duid_len;
	p->fd4011 = -1;
	*port = DHCP6_SERVER_PORT;
	if ((p->fd547 = udp6_bind(DHCP6_SERVER_PORT)) < 0) {
		err = p->fd547;
		goto fail;
	}
	for (unsigned i = 0; i < n && ifindexes[i]; i++)
		if ((err = proxy6_join(p, ifindexes[i])) < 0)
			goto fail;
	*port = DHCP6_PXE_PORT;
	if ((p->fd4011 = udp6_bind(DHCP6_PXE_PORT)) < 0) {
		err = p->fd4011;
		goto fail;
	}
	ev_io_init(&p->w547, on_readable, p->fd547, EV_READ);
	ev_io_init(&p->w4011, on_readable, p->fd4011, EV_READ);
	p->w547.data = p->w4011.data = p;
	for (unsigned i = 0; i < PROXY6_LATER_SLOTS; i++) {
		ev_timer_init(&p->later[i].timer, on_later, 0, 0);
		p->later[i].timer.data = &p->later[i];
		p->later[i].p = p;
	}
	*out = p;
	return 0;
fail:
	if (p->fd547 >= 0)
		close(p->fd547);
	free(p);
	return err;
}

/* 16 bytes from the 32 hex digits of machine-id(5). */
static bool machine_uuid(uint8_t uuid[16])
{
	char hex[33];
	int fd = open("/etc/machine-id", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, hex, 32);

	if (fd >= 0)
		close(fd);
	if (n != 32)
		return false;
	for (int i = 0; i < 16; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		uuid[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

size_t proxy6_make_duid(struct pxe_ctx *ctx, const int *ifindexes,
			unsigned n, uint8_t duid[DUID_MAX_LEN])
{
	static const uint8_t ll[4] = { 0, 3, 0, 1 };    /* DUID-LL, Ethernet */
	static const uint8_t uuid[2] = { 0, 4 };        /* DUID-UUID */

	for (unsigned i = 0; i < n; i++) {
		if (netif_link_mac(ctx, ifindexes[i], duid + sizeof(ll))) {
			memcpy(duid, ll, sizeof(ll));
			return sizeof(ll) + 6;
		}
	}
	if (!machine_uuid(duid + sizeof(uuid)))
		return 0;
	memcpy(duid, uuid, sizeof(uuid));
	return sizeof(uuid) + 16;
}

int proxy6_open_ctx(struct pxe_ctx *ctx, unsigned *port)
{
	int ifindexes[CONF_MAX_IFACES * 4];
	uint8_t duid[DUID_MAX_LEN];
	unsigned n = netif_served_links(ctx, ifindexes, ARRAY_SIZE(ifindexes));
	size_t duid_len = proxy6_make_duid(ctx, ifindexes, n, duid);

	int err;

	*port = DHCP6_SERVER_PORT;
	if (!duid_len)
		return -ENODEV;
	/* Joined one by one, so that an interface without IPv6 (disabled
	 * on it, or an MTU below 1280) costs a warning, not the service. */
	err = proxy6_open(ctx, &ctx->proxy6, NULL, 0, duid, duid_len,
			  netif_server_addr6, port);
	if (err == 0)
		proxy6_join_selected(ctx);
	return err;
}

void proxy6_join_selected(struct pxe_ctx *ctx)
{
	int ifindexes[CONF_MAX_IFACES * 4];
	unsigned n;

	if (!ctx->proxy6)
		return;
	n = netif_served_links(ctx, ifindexes, ARRAY_SIZE(ifindexes));
	for (unsigned i = 0; i < n; i++)
		if (proxy6_join(ctx->proxy6, ifindexes[i]) < 0)
			log_warn("if%d: cannot join the DHCPv6 servers' "
				 "group", ifindexes[i]);
}

void proxy6_start(struct pxe_ctx *ctx, struct proxy6 *p)
{
	ev_io_start(ctx->loop, &p->w547);
	ev_io_start(ctx->loop, &p->w4011);
}

void proxy6_close(struct pxe_ctx *ctx, struct proxy6 *p)
{
	if (!p)
		return;
	ev_io_stop(ctx->loop, &p->w547);
	ev_io_stop(ctx->loop, &p->w4011);
	for (unsigned i = 0; i < PROXY6_LATER_SLOTS; i++)
		ev_timer_stop(ctx->loop, &p->later[i].timer);
	close(p->fd547);
	close(p->fd4011);
	free(p);
}
