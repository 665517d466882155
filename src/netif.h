/* Interfaces and their IPv4 and IPv6 addresses, followed by netlink (libnl-route):
 * listed at start, then kept current from change notifications in the
 * loop, so that replies always name the address an interface has now. */
#ifndef PXE_NETIF_H
#define PXE_NETIF_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "netaddr.h"

struct pxe_ctx;

/* Opens the netlink socket and reads the current state (before chroot).
 * -errno on failure. */
int netif_open(struct pxe_ctx *ctx);
void netif_start(struct pxe_ctx *ctx);
void netif_close(struct pxe_ctx *ctx);

/* Whether we answer on ifindex and, if so, the address to answer from:
 * the one in the same subnet as hint when there is one (a relay or a
 * client with an address), else the primary.  name gets the interface's
 * name either way (or "if<N>"). */
bool netif_server_addr(struct pxe_ctx *ctx, int ifindex, struct in_addr hint,
		       struct in_addr *addr, char name[IF_NAMESIZE]);

/* The same for IPv6: a global or unique-local address, never a
 * link-local one (firmware cannot write a zone in a URL), in hint's
 * prefix when there is one (hint may be NULL); no tentative, deprecated
 * or temporary address. */
bool netif_server_addr6(struct pxe_ctx *ctx, int ifindex,
			const struct in6_addr *hint, struct in6_addr *addr,
			char name[IF_NAMESIZE]);

/* Whether we serve ifindex (selected and up); name as above. */
bool netif_served(struct pxe_ctx *ctx, int ifindex, char name[IF_NAMESIZE]);

/* The interfaces selected now, up or not: up to cap of their indexes
 * into ifindexes; returns how many. */
unsigned netif_served_links(struct pxe_ctx *ctx, int *ifindexes,
			    unsigned cap);

/* An interface's own Ethernet address. */
bool netif_link_mac(struct pxe_ctx *ctx, int ifindex, uint8_t mac[6]);

/* The MAC of a neighbour (a client we talk to, IPv4 or IPv6), from the
 * kernel's neighbour table; ifindex 0: on any interface. */
bool netif_neigh_mac(struct pxe_ctx *ctx, int ifindex,
		     const struct ipaddr *ip, uint8_t mac[6]);

/* Logs the interfaces we serve and their addresses (start and reload). */
void netif_log_served(struct pxe_ctx *ctx);

#endif
