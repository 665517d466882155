/* Placeholder until the http server lands. */
#include "autoconf.h"

#include "ctx.h"
#include "http.h"

int http_open(struct pxe_ctx *ctx)
{
	return 0;
}

void http_start(struct pxe_ctx *ctx)
{
}

void http_close(struct pxe_ctx *ctx)
{
}
