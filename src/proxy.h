/* proxyDHCP policy and sockets: whom to answer (PXE and HTTP boot
 * clients only), with what boot file, and where to send it. */
#ifndef PXE_PROXY_H
#define PXE_PROXY_H

#include <netinet/in.h>
#include <stdint.h>

#include "backend_proto.h"
#include "config.h"
#include "dhcp.h"
#include "rpi.h"
#include "stats.h"
#include "util.h"

struct pxe_ctx;

/* The decision for one request, made without any I/O. */
struct proxy_answer {
	struct dhcp_reply reply;
	uint16_t arch;
	char bootfile[BOOT_NAME_MAX + 1];
	struct sockaddr_in to;          /* where the reply goes */
	bool broadcast;                 /* to 255.255.255.255 on the iface */
	char mac[MAC_STR_MAX];          /* the client's, for log lines */
	const char *rule;               /* the rule that decided, or NULL */
	struct rpi_info pi;             /* what a Raspberry Pi said of itself */
	bool rpi_answer;                /* answered with the Pi's menu */
	uint8_t vendor[RPI_VENDOR_MAX]; /* its option 43 */
	char tftp_server[INET_ADDRSTRLEN];      /* its option 66 */
	bool has_delay;                 /* the backend's reply-delay */
	unsigned delay_ms;
};

/* Where a decision came from, for the status page. */
enum decision_source { SRC_RULE, SRC_BACKEND, SRC_CACHE, SRC_FALLBACK };
const char *proxy_source_name(enum decision_source s);

/* Returns DROP_REASONS when the request gets an answer (filled in a),
 * else the reason to stay silent.  port is 67 or 4011; server is our
 * address on the receiving interface. */
enum drop_reason proxy_decide(const struct config *c, const struct dhcp_msg *m,
			      unsigned port, const struct sockaddr_in *from,
			      struct in_addr server, struct proxy_answer *a);

/* The same, with the inventory's answer in place of the local rules
 * (ba NULL, or RULE_NONE for "no entry": the rules decide). */
enum drop_reason proxy_decide_with(const struct config *c,
				   const struct dhcp_msg *m, unsigned port,
				   const struct sockaddr_in *from,
				   struct in_addr server,
				   const struct backend_answer *ba,
				   struct proxy_answer *a);

/* A request the rules would consider at all (a PXE or HTTP boot client
 * on the right port): the ones worth asking the backend about. */
bool proxy_is_boot_request(const struct dhcp_msg *m, unsigned port);

/* What the backend URL is filled from. */
void proxy_backend_client(const struct dhcp_msg *m, const char *ifname,
			  struct backend_client *bc);

const char *proxy_drop_name(enum drop_reason r);
/* A short name for metrics labels ("not_pxe"). */
const char *proxy_drop_key(enum drop_reason r);

/* Binds 67 and 4011; -errno, with *port the one that failed. */
int proxy_open(struct pxe_ctx *ctx, unsigned *port);
void proxy_start(struct pxe_ctx *ctx);
void proxy_close(struct pxe_ctx *ctx);

#endif
