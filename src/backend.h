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

/* What libcurl would read from the real root, read outside the chroot:
 * at start by the worker, on reload by the monitor (sent over its
 * socket).  resolve: "host:port:addr,addr" ("" when the host did not
 * resolve: logged, every lookup then falls back); ca: the CA bundle for
 * an https:// url, else NULL. */
struct backend_prep {
	char *resolve;
	char *ca;
	size_t ca_len;
};
#define BACKEND_RESOLVE_MAX 2048
#define BACKEND_CA_MAX (4 * 1024 * 1024)

/* -1 with err when the config names a ca-file that cannot be read. */
int backend_prepare(const struct config *c, struct backend_prep *p,
		    char *err, size_t errlen);
void backend_prep_clear(struct backend_prep *p);

/* Before the chroot: libcurl and backend_prepare().  -1 with err on a
 * config error. */
int backend_open(struct pxe_ctx *ctx, char *err, size_t errlen);
void backend_close(struct pxe_ctx *ctx);

/* Reload: the new config's preparation (ownership taken).  Turning the
 * backend on or off needs a restart: c keeps old's url then (said). */
void backend_reload(struct pxe_ctx *ctx, struct backend_prep *p);
void backend_keep_onoff(struct config *c, const struct config *old);

/* 1: cached, *out filled; 0: w waits for done(); <0: cannot ask now
 * (max-pending lookups in flight, or libcurl refused): fall back. */
int backend_ask(struct pxe_ctx *ctx, const char *url,
		struct backend_answer *out, struct backend_waiter *w);
/* The waiter gives up (its request timed out); the lookup goes on and
 * its answer is cached for the client's retry. */
void backend_cancel(struct backend_waiter *w);

/* [events]: POST body (JSON) to url on the same client (the inventory's
 * pinned host and CA); done(arg, ok) when it is over, ok for a 2xx.
 * -errno when it cannot start (no backend). */
typedef void backend_post_fn(void *arg, bool ok);
int backend_post(struct pxe_ctx *ctx, const char *url, const char *body,
		 size_t len, backend_post_fn *done, void *arg);

const char *backend_failure_key(enum backend_failure f);

#endif
