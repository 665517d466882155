/* [backend]: boot decisions asked of an inventory over HTTP(S), with
 * libcurl's multi-socket interface driven by the daemon's one libev
 * loop.  Answers (and 404s) are cached per URL; a request for a URL
 * already being asked joins that lookup. */
#ifndef PXE_BACKEND_H
#define PXE_BACKEND_H

#include <sys/queue.h>

#include "backend_proto.h"
#include "stats.h"

struct pxe_ctx;
struct backend_lookup;
struct backend_waiter;

/* a: the answer (RULE_NONE: no entry), valid during the call; NULL:
 * the lookup failed (already logged and counted). */
typedef void backend_done_fn(struct backend_waiter *w,
			     const struct backend_answer *a);

/* Embedded in the caller's own record of a held request. */
struct backend_waiter {
	backend_done_fn *done;
	struct backend_lookup *lk;              /* NULL: not waiting */
	LIST_ENTRY(backend_waiter) link;
};

/* Before the chroot: libcurl, the host's addresses, the CA bundle.
 * -1 with err on a config error (a missing ca-file); a host that does
 * not resolve is only logged (every lookup then falls back). */
int backend_open(struct pxe_ctx *ctx, char *err, size_t errlen);
void backend_close(struct pxe_ctx *ctx);

/* 1: cached, *out filled; 0: w waits for done(); <0: cannot ask now
 * (max-pending lookups in flight, or libcurl refused): fall back. */
int backend_ask(struct pxe_ctx *ctx, const char *url,
		struct backend_answer *out, struct backend_waiter *w);
/* The waiter gives up (its request timed out); the lookup goes on and
 * its answer is cached for the client's retry. */
void backend_cancel(struct backend_waiter *w);

const char *backend_failure_key(enum backend_failure f);

#endif
