/* Loading the config and swapping a new one in.  Sockets, the chroot and
 * the user are fixed at start; everything else takes effect at once. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "log.h"
#include "netif.h"
#include "reload.h"
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

/* Settings that only take effect at start: sockets are bound and the
 * root is chrooted by then. */
static bool needs_restart(const struct config *old, const struct config *new)
{
	return strcmp(old->root, new->root) || strcmp(old->user, new->user) ||
	       old->dhcp_enable != new->dhcp_enable ||
	       old->dhcp_packet_fallback != new->dhcp_packet_fallback ||
	       old->tftp_enable != new->tftp_enable ||
	       old->tftp_port != new->tftp_port ||
	       old->http_enable != new->http_enable ||
	       old->http_port != new->http_port ||
	       old->http_addr.s_addr != new->http_addr.s_addr ||
	       old->status_enable != new->status_enable ||
	       old->status_port != new->status_port ||
	       old->status_addr.s_addr != new->status_addr.s_addr;
}

/* Keep what is bound and chrooted; take everything else. */
static void keep_fixed(struct config *c, const struct config *old)
{
	free(c->root);
	free(c->user);
	c->root = xstrdup(old->root);
	c->user = xstrdup(old->user);
	c->dhcp_enable = old->dhcp_enable;
	c->dhcp_packet_fallback = old->dhcp_packet_fallback;
	c->tftp_enable = old->tftp_enable;
	c->tftp_port = old->tftp_port;
	c->http_enable = old->http_enable;
	c->http_port = old->http_port;
	c->http_addr = old->http_addr;
	c->status_enable = old->status_enable;
	c->status_port = old->status_port;
	c->status_addr = old->status_addr;
}

void reload_apply(struct pxe_ctx *ctx, struct config *c, const char *err)
{
	if (!c) {
		log_warnx("reload refused, old config stays in force: %s", err);
		return;
	}
	if (needs_restart(ctx->cfg, c))
		log_warnx("reload: root, user, ports and enable switches "
			  "change only at restart; the rest is applied");
	keep_fixed(c, ctx->cfg);
	config_free(ctx->cfg);
	ctx->cfg = c;
	log_info("config reloaded from %s",
		 ctx->config_path ? ctx->config_path : "built-in defaults");
	netif_log_served(ctx);
}
