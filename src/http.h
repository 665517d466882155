/* HTTP/1.1 server for the boot root: GET and HEAD, ranges, keep-alive,
 * sendfile, in the one loop. */
#ifndef PXE_HTTP_H
#define PXE_HTTP_H

struct pxe_ctx;

int http_open(struct pxe_ctx *ctx);     /* bind and listen; -errno */
void http_start(struct pxe_ctx *ctx);
void http_close(struct pxe_ctx *ctx);   /* closes every connection */

#endif
