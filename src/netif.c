/* Interface and address tracking with libnl-route's cache manager.
 *
 * The manager keeps a link cache and an address cache current from
 * RTNLGRP_LINK and RTNLGRP_IPV4_IFADDR/RTNLGRP_IPV6_IFADDR notifications;
 * its socket is one more watcher in the libev loop.  Lookups walk the caches: a sidecar has a
 * handful of interfaces, so a walk per packet costs nothing worth a table.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>

#include "ctx.h"
#include "log.h"
#include "netif.h"
#include "proxy6.h"
#include "util.h"

/* Links whose up/down state was last logged; the kernel sends a link
 * message for many changes (carrier, addresses, statistics), and only a
 * change of state is worth a line. */
#define NETIF_MAX_TRACKED 64

struct link_state {
	int ifindex;            /* 0: free slot */
	bool up;
};

struct netif {
	struct link_state seen[NETIF_MAX_TRACKED];
	struct nl_cache_mngr *mngr;
	struct nl_cache *links;
	struct nl_cache *addrs;
	struct nl_cache *neigh;         /* for the status page's MACs */
	ev_io io;
	struct pxe_ctx *ctx;
};

static bool iface_selected(const struct config *c, const char *name,
			   unsigned flags)
{
	if (c->n_ifaces == 0)
		return !(flags & IFF_LOOPBACK);
	for (unsigned i = 0; i < c->n_ifaces; i++)
		if (!strcmp(c->ifaces[i], name))
			return true;
	return false;
}

static void link_name(struct netif *n, int ifindex, char name[IF_NAMESIZE],
		      unsigned *flags)
{
	struct rtnl_link *l = rtnl_link_get(n->links, ifindex);

	*flags = 0;
	if (!l) {
		snprintf(name, IF_NAMESIZE, "if%d", ifindex);
		return;
	}
	snprintf(name, IF_NAMESIZE, "%s", rtnl_link_get_name(l));
	*flags = rtnl_link_get_flags(l);
	rtnl_link_put(l);
}

static bool same_subnet(struct in_addr a, struct in_addr b, int prefix)
{
	uint32_t mask = prefix <= 0 ? 0 : htonl(~0u << (32 - prefix));

	return prefix > 0 && ((a.s_addr ^ b.s_addr) & mask) == 0;
}

/* Best IPv4 address on ifindex: same subnet as hint, else primary. */
static bool pick_addr(struct netif *n, int ifindex, struct in_addr hint,
		      struct in_addr *out)
{
	bool found = false, have_primary = false;

	for (struct nl_object *o = nl_cache_get_first(n->addrs); o;
	     o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct nl_addr *local = rtnl_addr_get_local(a);
		struct in_addr in;

		if (rtnl_addr_get_family(a) != AF_INET ||
		    rtnl_addr_get_ifindex(a) != ifindex || !local ||
		    nl_addr_get_len(local) != 4)
			continue;
		memcpy(&in, nl_addr_get_binary_addr(local), 4);
		if (hint.s_addr &&
		    same_subnet(in, hint, rtnl_addr_get_prefixlen(a))) {
			*out = in;
			return true;
		}
		if (!(rtnl_addr_get_flags(a) & IFA_F_SECONDARY) &&
		    !have_primary) {
			*out = in;
			have_primary = found = true;
		} else if (!found) {
			*out = in;
			found = true;
		}
	}
	return found;
}

bool netif_served(struct pxe_ctx *ctx, int ifindex, char name[IF_NAMESIZE])
{
	unsigned flags;

	link_name(ctx->netif, ifindex, name, &flags);
	return (flags & IFF_UP) && iface_selected(ctx->cfg, name, flags);
}

bool netif_server_addr(struct pxe_ctx *ctx, int ifindex, struct in_addr hint,
		       struct in_addr *addr, char name[IF_NAMESIZE])
{
	if (!netif_served(ctx, ifindex, name))
		return false;
	return pick_addr(ctx->netif, ifindex, hint, addr);
}

/* The first plen bits of a and b agree. */
static bool same_prefix6(const struct in6_addr *a, const struct in6_addr *b,
			 int plen)
{
	int bytes = plen / 8, bits = plen % 8;

	if (plen <= 0 || plen > 128 || memcmp(a, b, (size_t)bytes))
		return false;
	return !bits || ((a->s6_addr[bytes] ^ b->s6_addr[bytes]) &
			 (0xff << (8 - bits)) & 0xff) == 0;
}

/* An address the firmware can reach and write in a URL: not link-local
 * (no zone in a URL), not still in duplicate address detection, not
 * deprecated, not a privacy address that goes away (RFC 8981). */
static bool nameable6(struct rtnl_addr *a, struct in6_addr *out)
{
	struct nl_addr *local = rtnl_addr_get_local(a);
	unsigned bad = IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_DEPRECATED |
		       IFA_F_TEMPORARY;

	if (rtnl_addr_get_family(a) != AF_INET6 || !local ||
	    nl_addr_get_len(local) != 16 || (rtnl_addr_get_flags(a) & bad))
		return false;
	memcpy(out, nl_addr_get_binary_addr(local), 16);
	return !IN6_IS_ADDR_LINKLOCAL(out) && !IN6_IS_ADDR_LOOPBACK(out) &&
	       !IN6_IS_ADDR_MULTICAST(out);
}

/* Best IPv6 address on ifindex: in hint's prefix, else the first
 * nameable one. */
static bool pick_addr6(struct netif *n, int ifindex,
		       const struct in6_addr *hint, struct in6_addr *out)
{
	bool found = false;

	for (struct nl_object *o = nl_cache_get_first(n->addrs); o;
	     o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct in6_addr in;

		if (rtnl_addr_get_ifindex(a) != ifindex || !nameable6(a, &in))
			continue;
		if (hint && same_prefix6(&in, hint,
					 rtnl_addr_get_prefixlen(a))) {
			*out = in;
			return true;
		}
		if (!found) {
			*out = in;
			found = true;
		}
	}
	return found;
}

bool netif_server_addr6(struct pxe_ctx *ctx, int ifindex,
			const struct in6_addr *hint, struct in6_addr *addr,
			char name[IF_NAMESIZE])
{
	if (!netif_served(ctx, ifindex, name))
		return false;
	return pick_addr6(ctx->netif, ifindex, hint, addr);
}

unsigned netif_served_links(struct pxe_ctx *ctx, int *ifindexes,
			    unsigned cap)
{
	unsigned n = 0;

	for (struct nl_object *o = nl_cache_get_first(ctx->netif->links);
	     o && n < cap; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		const char *name = rtnl_link_get_name(l);

		if (name && iface_selected(ctx->cfg, name,
					   rtnl_link_get_flags(l)))
			ifindexes[n++] = rtnl_link_get_ifindex(l);
	}
	return n;
}

bool netif_link_mac(struct pxe_ctx *ctx, int ifindex, uint8_t mac[6])
{
	struct rtnl_link *l = rtnl_link_get(ctx->netif->links, ifindex);
	struct nl_addr *ll;
	bool ok = false;

	if (!l)
		return false;
	ll = rtnl_link_get_addr(l);
	if (ll && nl_addr_get_len(ll) == 6) {
		memcpy(mac, nl_addr_get_binary_addr(ll), 6);
		ok = true;
	}
	rtnl_link_put(l);
	return ok;
}

static void log_addr_change(struct netif *n, struct rtnl_addr *a, int action)
{
	char name[IF_NAMESIZE], buf[64];
	struct nl_addr *local = rtnl_addr_get_local(a);
	int family = rtnl_addr_get_family(a);
	unsigned flags;

	if (!local || (family != AF_INET && family != AF_INET6))
		return;
	/* An IPv6 address changes flags as DAD ends and as it ages: only its
	 * coming and going is news. */
	if (family == AF_INET6 && action == NL_ACT_CHANGE)
		return;
	link_name(n, rtnl_addr_get_ifindex(a), name, &flags);
	if (!iface_selected(n->ctx->cfg, name, flags))
		return;
	nl_addr2str(local, buf, sizeof(buf));
	log_info("%s: address %s %s", name, buf,
		 action == NL_ACT_DEL ? "removed" : "added");
}

/* The slot of ifindex, or a free one (ifindex 0), or NULL when full. */
static struct link_state *link_seen(struct netif *n, int ifindex)
{
	struct link_state *free_slot = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(n->seen); i++) {
		if (n->seen[i].ifindex == ifindex)
			return &n->seen[i];
		if (!n->seen[i].ifindex && !free_slot)
			free_slot = &n->seen[i];
	}
	return free_slot;
}

/* Records the state of a link; true when it changed (or is new). */
static bool link_state_changed(struct netif *n, int ifindex, bool up)
{
	struct link_state *ls = link_seen(n, ifindex);

	if (!ls)
		return true;    /* more links than slots: log every event */
	if (ls->ifindex == ifindex && ls->up == up)
		return false;
	ls->ifindex = ifindex;
	ls->up = up;
	return true;
}

static void log_link_change(struct netif *n, struct rtnl_link *l, int action)
{
	const char *name = rtnl_link_get_name(l);
	unsigned flags = rtnl_link_get_flags(l);
	int ifindex = rtnl_link_get_ifindex(l);

	if (!name || !iface_selected(n->ctx->cfg, name, flags))
		return;
	if (action == NL_ACT_DEL) {
		struct link_state *ls = link_seen(n, ifindex);

		if (ls && ls->ifindex == ifindex)
			ls->ifindex = 0;
		log_info("%s: interface removed", name);
		return;
	}
	if (!link_state_changed(n, ifindex, flags & IFF_UP))
		return;
	log_info("%s: interface %s", name, (flags & IFF_UP) ? "up" : "down");
	/* A served interface that appeared (or came back) after start:
	 * DHCPv6 multicast reaches us only once joined there.  Joining
	 * again is harmless. */
	if ((flags & IFF_UP) && n->ctx->proxy6 &&
	    proxy6_join(n->ctx->proxy6, ifindex) < 0)
		log_warn("%s: cannot join the DHCPv6 servers' group", name);
}

static void on_change(struct nl_cache *cache, struct nl_object *obj,
		      int action, void *arg)
{
	struct netif *n = arg;

	if (!strcmp(nl_object_get_type(obj), "route/addr"))
		log_addr_change(n, (struct rtnl_addr *)obj, action);
	else if (!strcmp(nl_object_get_type(obj), "route/link"))
		log_link_change(n, (struct rtnl_link *)obj, action);
}

static void on_netlink(struct ev_loop *loop, ev_io *w, int revents)
{
	struct netif *n = w->data;
	int err = nl_cache_mngr_data_ready(n->mngr);

	if (err < 0)
		log_warnx_rl("netlink: %s", nl_geterror(err));
}

int netif_open(struct pxe_ctx *ctx)
{
	struct netif *n = xcalloc(1, sizeof(*n));
	int err;

	n->ctx = ctx;
	err = nl_cache_mngr_alloc(NULL, NETLINK_ROUTE, NL_AUTO_PROVIDE,
				  &n->mngr);
	if (err >= 0)
		err = nl_cache_mngr_add(n->mngr, "route/link", on_change, n,
					&n->links);
	if (err >= 0)
		err = nl_cache_mngr_add(n->mngr, "route/addr", on_change, n,
					&n->addrs);
	if (err >= 0)
		err = nl_cache_mngr_add(n->mngr, "route/neigh", NULL, NULL,
					&n->neigh);
	if (err < 0) {
		log_warnx("netlink: %s", nl_geterror(err));
		if (n->mngr)
			nl_cache_mngr_free(n->mngr);
		free(n);
		return -EIO;
	}
	ev_io_init(&n->io, on_netlink, nl_cache_mngr_get_fd(n->mngr), EV_READ);
	n->io.data = n;
	ctx->netif = n;
	return 0;
}

void netif_start(struct pxe_ctx *ctx)
{
	ev_io_start(ctx->loop, &ctx->netif->io);
}

static bool neigh_lookup(struct pxe_ctx *ctx, int ifindex,
			 const struct ipaddr *ip, uint8_t mac[6])
{
	struct nl_addr *dst;
	struct rtnl_neigh *ne;
	struct nl_addr *ll;
	bool found = false;

	dst = nl_addr_build(ip->family, &ip->u,
			    ip->family == AF_INET ? 4 : 16);
	if (!dst)
		return false;
	if (ifindex > 0) {
		ne = rtnl_neigh_get(ctx->netif->neigh, ifindex, dst);
	} else {
		/* A TCP peer: its interface is not at hand; any will do. */
		ne = NULL;
		for (struct nl_object *o = nl_cache_get_first(ctx->netif->neigh);
		     o && !ne; o = nl_cache_get_next(o)) {
			struct rtnl_neigh *n = (struct rtnl_neigh *)o;
			struct nl_addr *d = rtnl_neigh_get_dst(n);

			if (d && !nl_addr_cmp(d, dst)) {
				nl_object_get(o);
				ne = n;
			}
		}
	}
	nl_addr_put(dst);
	if (!ne)
		return false;
	ll = rtnl_neigh_get_lladdr(ne);
	if (ll && nl_addr_get_len(ll) == 6) {
		memcpy(mac, nl_addr_get_binary_addr(ll), 6);
		found = true;
	}
	rtnl_neigh_put(ne);
	return found;
}

bool netif_neigh_mac(struct pxe_ctx *ctx, int ifindex,
		     const struct ipaddr *ip, uint8_t mac[6])
{
	if (ip->family != AF_INET && ip->family != AF_INET6)
		return false;
	if (neigh_lookup(ctx, ifindex, ip, mac))
		return true;
	/* The client's ARP made the kernel's entry before its first TFTP
	 * request arrived, but the loop may serve the request before the
	 * netlink notice (a BIOS boot's pxelinux.0 went to the events
	 * endpoint without its MAC): read what netlink has, look again. */
	if (nl_cache_mngr_data_ready(ctx->netif->mngr) <= 0)
		return false;
	return neigh_lookup(ctx, ifindex, ip, mac);
}

void netif_log_served(struct pxe_ctx *ctx)
{
	struct netif *n = ctx->netif;
	unsigned served = 0;

	for (struct nl_object *o = nl_cache_get_first(n->links); o;
	     o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		const char *name = rtnl_link_get_name(l);
		unsigned flags = rtnl_link_get_flags(l);
		struct in_addr a, none = { 0 };
		struct in6_addr a6;
		char buf[INET_ADDRSTRLEN] = "no IPv4 yet";
		char buf6[INET6_ADDRSTRLEN] = "";

		if (!name || !iface_selected(ctx->cfg, name, flags))
			continue;
		served++;
		link_state_changed(n, rtnl_link_get_ifindex(l), flags & IFF_UP);
		if (pick_addr(n, rtnl_link_get_ifindex(l), none, &a))
			inet_ntop(AF_INET, &a, buf, sizeof(buf));
		/* IPv6 named only when there is one to put in a URL, so
		 * that an IPv4-only host logs as it always did. */
		if (pick_addr6(n, rtnl_link_get_ifindex(l), NULL, &a6))
			inet_ntop(AF_INET6, &a6, buf6, sizeof(buf6));
		log_info("serving %s (%s%s%s, %s)", name, buf,
			 *buf6 ? ", " : "", buf6,
			 (flags & IFF_UP) ? "up" : "down");
	}
	for (unsigned i = 0; i < ctx->cfg->n_ifaces; i++)
		if (rtnl_link_name2i(n->links, ctx->cfg->ifaces[i]) == 0)
			log_info("%s: not present yet; served when it "
				 "appears", ctx->cfg->ifaces[i]);
	if (!served && !ctx->cfg->n_ifaces)
		log_info("no interface to serve yet");
}

void netif_close(struct pxe_ctx *ctx)
{
	struct netif *n = ctx->netif;

	if (!n)
		return;
	ev_io_stop(ctx->loop, &n->io);
	nl_cache_mngr_free(n->mngr);
	free(n);
	ctx->netif = NULL;
}
