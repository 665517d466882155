/* Loading the config and swapping a new one in.  Sockets, the chroot and
 * the user are fixed at start; everything else takes effect at once. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "ctx.h"
#include "log.h"
#include "netif.h"
#include "proxy6.h"
#include "reload.h"
#include "tls.h"
#include "util.h"

static struct config *with_overrides(struct pxe_ctx *ctx, struct config *c,
				     char *err, size_t errlen)
{
	if (c && config_apply(c, &ctx->over, err, errlen) < 0) {
		config_free(c);
		return NULL;
	}
	return c;
}

struct config *reload_load(struct pxe_ctx *ctx, char *err, size_t errlen)
{
	struct config *c = ctx->config_path
				   ? config_load(ctx->config_path, err, errlen)
				   : config_defaults();

	return with_overrides(ctx, c, err, errlen);
}

struct config *reload_parse(struct pxe_ctx *ctx, const char *text, char *err,
			    size_t errlen)
{
	struct config *c = ctx->config_path
				   ? config_parse(ctx->config_path, text, err,
						  errlen)
				   : config_defaults();

	return with_overrides(ctx, c, err, errlen);
}

int reload_apply(struct pxe_ctx *ctx, struct config *c, const char *err)
{
	char kept[256];

	if (!c) {
		log_warnx("reload refused, old config stays in force: %s", err);
		return -1;
	}

	backend_keep_onoff(c, ctx->cfg);
	if (config_keep_restart_keys(c, ctx->cfg, kept, sizeof(kept)) > 0)
		log_warnx("reload: %s change%s only at restart; the rest is "
			  "applied", kept, strchr(kept, ',') ? "" : "s");
	config_free(ctx->cfg);
	ctx->cfg = c;
	log_info("config reloaded from %s",
		 ctx->config_path ? ctx->config_path : "built-in defaults");
	netif_log_served(ctx);
	/* Interfaces newly selected get DHCPv6's multicast too. */
	proxy6_join_selected(ctx);
	return 0;
}

void reload_tls(struct pxe_ctx *ctx, const struct tls_pair *p)
{
	char err[1024];

	if (!ctx->tls)
		return;         /* no HTTPS */
	if (!p->cert_len || !p->key_len)
		log_warnx("reload: https: no new certificate and key to load; "
			  "the pair in use stays");
	else if (tls_renew(ctx->tls, p, err, sizeof(err)) < 0)
		log_warnx("reload: https: certificate %s and key %s refused, "
			  "the pair in use stays: %s", ctx->cfg->https_cert,
			  ctx->cfg->https_key, err);
	else
		log_info("https: certificate and key loaded from %s and %s "
			 "for new connections", ctx->cfg->https_cert,
			 ctx->cfg->https_key);
}

void reload_backend_files(struct pxe_ctx *ctx)
{
	struct backend_prep p;
	char err[1024];

	if (!ctx->backend)
		return;
	if (backend_prepare(ctx->cfg, &p, err, sizeof(err)) < 0) {
		log_warnx("reload: %s; the CA bundle in use stays", err);
		return;
	}
	backend_reload(ctx, &p);
}

void reload_tls_files(struct pxe_ctx *ctx)
{
	struct tls_pair p;
	char err[1024];

	if (!ctx->tls)
		return;
	if (tls_pair_read(ctx->cfg->https_cert, ctx->cfg->https_key, &p, err,
			  sizeof(err)) < 0) {
		log_warnx("reload: https: %s; the certificate in use stays",
			  err);
		return;
	}
	reload_tls(ctx, &p);
	tls_pair_clear(&p);
}
