/* Proxy DHCPv6 for UEFI PXE and HTTP boot over IPv6: whom to answer
 * (Solicits from PXEClient/HTTPClient on 547, PXE boot-server Requests on
 * 4011), with what URL, and the sockets around that decision. */
#ifndef PXE_PROXY6_H
#define PXE_PROXY6_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "dhcp6.h"
#include "stats.h"

struct pxe_ctx;

/* The decision for one message, made without any I/O. */
struct proxy6_answer {
	struct dhcp6_reply reply;
	uint16_t arch;
	const char *cls;                /* "PXEClient" or "HTTPClient" */
	char url[256];
	uint8_t mac[6];                 /* for rules and logs, when known */
	bool have_mac;
	struct sockaddr_in6 to;         /* the client, or the outer relay */
	const char *rule;               /* the rule that decided, or NULL */
	const char *detail;             /* more about a drop, or NULL */
};

/* What the packet's envelope tells about it. */
struct proxy6_in {
	unsigned port;                  /* 547 or 4011 */
	struct sockaddr_in6 from;       /* the packet's source */
	/* Our address that the URL names: global or unique-local, since
	 * the firmware cannot use a link-local one. */
	struct in6_addr server;
	/* The sender's MAC from the neighbour table, or NULL.  Needed on
	 * 4011, where OVMF sends from its leased address (no EUI-64) with a
	 * DUID-UUID, so that MAC rules decide as they did for the Solicit. */
	const uint8_t *link_mac;
	const uint8_t *duid;            /* our Server Identifier */
	size_t duid_len;
};

/* Returns DROP_REASONS when the message gets an answer (filled in a),
 * else the reason to stay silent (a->detail may say more). */
enum drop_reason proxy6_decide(const struct config *c,
			       const struct dhcp6_msg *m,
			       const struct proxy6_in *in,
			       struct proxy6_answer *a);

/* Our address for the URL, on the interface a message came in on: hint
 * is the client's or relay's address (the link-address of the innermost
 * relay when relayed, else the source).  name gets the interface's name.
 * netif provides it; proxy6 takes it as a parameter until it does. */
typedef bool (*proxy6_addr_fn)(struct pxe_ctx *ctx, int ifindex,
			       const struct in6_addr *hint,
			       struct in6_addr *addr, char name[IF_NAMESIZE]);

struct proxy6;

/* Binds [::]:547 and [::]:4011 and joins ff02::1:2 on every interface
 * in ifindexes (n of them, 0 ends early).  duid is our Server Identifier
 * (copied).  -errno, with *port the one that failed. */
int proxy6_open(struct pxe_ctx *ctx, struct proxy6 **out,
		const int *ifindexes, unsigned n, const uint8_t *duid,
		size_t duid_len, proxy6_addr_fn addr, unsigned *port);
/* Joins ff02::1:2 on an interface that appeared later (netlink). */
int proxy6_join(struct proxy6 *p, int ifindex);

/* Our Server Identifier: DUID-LL (RFC 8415 11.4) of the first selected
 * interface with an Ethernet address, else DUID-UUID (RFC 6355) from
 * /etc/machine-id (read before the chroot).  Stable across restarts on
 * the same hardware, and different for two sidecars on one segment
 * (each has its own MAC), which a DUID from the host alone would not
 * be.  Returns its length, 0 when there is neither. */
size_t proxy6_make_duid(struct pxe_ctx *ctx, const int *ifindexes,
			unsigned n, uint8_t duid[DUID_MAX_LEN]);

/* The daemon's proxy DHCPv6: the selected interfaces, our DUID, netif's
 * addresses; sets ctx->proxy6.  -errno, with *port the one that failed
 * (-EAFNOSUPPORT: no IPv6 in this kernel). */
int proxy6_open_ctx(struct pxe_ctx *ctx, unsigned *port);
/* Joins ff02::1:2 on every interface selected now (after a reload). */
void proxy6_join_selected(struct pxe_ctx *ctx);
void proxy6_start(struct pxe_ctx *ctx, struct proxy6 *p);
void proxy6_close(struct pxe_ctx *ctx, struct proxy6 *p);

#endif
