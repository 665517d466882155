/* HTTP/1.1 server for the boot root: GET and HEAD, ranges, keep-alive,
 * sendfile, in the one loop; over TLS too (HTTPS). */
#ifndef PXE_HTTP_H
#define PXE_HTTP_H

struct pxe_ctx;

int http_open(struct pxe_ctx *ctx);     /* bind and listen; -errno */
/* The HTTPS listener, with ctx->tls loaded; -errno. */
int https_open(struct pxe_ctx *ctx);
void http_start(struct pxe_ctx *ctx);   /* both listeners */
void http_close(struct pxe_ctx *ctx);   /* closes every connection */

#endif
