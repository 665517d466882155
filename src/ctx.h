/* The one context struct: it owns the loop, the config in force and every
 * module's state.  Functions take it as their first argument. */
#ifndef PXE_CTX_H
#define PXE_CTX_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "stats.h"

struct backend;
struct events;
struct clients;
struct netif;
struct proxy;
struct proxy6;
struct status;
struct tftp;
struct http;
struct tls;

struct pxe_ctx {
	struct ev_loop *loop;
	struct config *cfg;             /* in force; replaced on SIGHUP */
	const char *config_path;        /* NULL: built-in defaults */
	struct config_overrides over;   /* from the command line */
	bool foreground;
	bool no_chroot;                 /* debugging only */
	bool no_drop;                   /* debugging only */
	int root_fd;                    /* the boot root, open before chroot */
	int notify_fd;                  /* systemd's $NOTIFY_SOCKET, or -1 */

	struct netif *netif;
	struct proxy *proxy;
	struct proxy6 *proxy6;          /* NULL: [dhcp6] off or no IPv6 */
	struct tftp *tftp;
	struct http *http;
	struct tls *tls;                /* HTTPS certificate; NULL: no HTTPS */
	struct backend *backend;        /* NULL: no [backend] url */
	struct events *events;          /* with a backend */
	struct clients *clients;        /* boot progress: /status, metrics */
	struct status *status;

	int monitor_fd;                 /* to the monitor; -1: none */
	ev_io monitor_io;

	ev_signal sig_term, sig_int, sig_hup;
	struct stats stats;
};

/* Closes every module that is open (status, HTTP, TLS, TFTP, proxyDHCP
 * and proxy DHCPv6, netlink), frees the client table and closes the root:
 * the worker at exit, the monitor right after the fork. */
void ctx_close_modules(struct pxe_ctx *ctx);

#endif
