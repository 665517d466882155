/* The config in force: loading it (file over defaults, command line over
 * both) and swapping in a new one on SIGHUP. */
#ifndef PXE_RELOAD_H
#define PXE_RELOAD_H

#include <stddef.h>

struct pxe_ctx;
struct config;
struct tls_pair;

/* ctx->config_path (or the defaults) plus the command line.  NULL with
 * "file:line: what" in err on error. */
struct config *reload_load(struct pxe_ctx *ctx, char *err, size_t errlen);

/* Same, from text already read (by the monitor, outside the chroot). */
struct config *reload_parse(struct pxe_ctx *ctx, const char *text, char *err,
			    size_t errlen);

/* Swap c in (NULL: refused, err says why; the old one stays: -1). */
int reload_apply(struct pxe_ctx *ctx, struct config *c, const char *err);

/* HTTPS: a renewed certificate and key (from the monitor) for new
 * connections; an empty or bad pair keeps the one in use (logged). */
void reload_tls(struct pxe_ctx *ctx, const struct tls_pair *p);
/* Same, read from the files in the config (no monitor: not chrooted). */
void reload_tls_files(struct pxe_ctx *ctx);
/* [backend]: resolve the host and read the CA bundle again (no monitor:
 * not chrooted; the monitor does it otherwise). */
void reload_backend_files(struct pxe_ctx *ctx);

#endif
