/* What main() and the monitor share about the context's modules: closing
 * them all, in one order, whichever process holds them. */
#include "autoconf.h"

#include <unistd.h>

#include "backend.h"
#include "clients.h"
#include "events.h"
#include "ctx.h"
#include "http.h"
#include "netif.h"
#include "proxy.h"
#include "proxy6.h"
#include "status.h"
#include "tftp.h"
#include "tls.h"

void ctx_close_modules(struct pxe_ctx *ctx)
{
	status_close(ctx);
	http_close(ctx);
	tls_free(ctx->tls);
	ctx->tls = NULL;
	tftp_close(ctx);
	proxy_close(ctx);
	events_close(ctx);
	backend_close(ctx);
	proxy6_close(ctx, ctx->proxy6);
	ctx->proxy6 = NULL;
	netif_close(ctx);
	clients_free(ctx->clients);
	ctx->clients = NULL;
	if (ctx->root_fd >= 0)
		close(ctx->root_fd);
	ctx->root_fd = -1;
}
