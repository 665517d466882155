/* The operator's view: /status (a self-refreshing HTML page), /status.json
 * and /metrics (Prometheus), on their own listener, 127.0.0.1:8067 by
 * default: off the boot network, and never from the boot root. */
#ifndef PXE_STATUS_H
#define PXE_STATUS_H

#include <stdio.h>

struct pxe_ctx;

int status_open(struct pxe_ctx *ctx);   /* bind and listen; -errno */
void status_start(struct pxe_ctx *ctx);
void status_close(struct pxe_ctx *ctx);

/* The three documents, for the server and the unit tests. */
void status_metrics(const struct pxe_ctx *ctx, FILE *out);
void status_json(const struct pxe_ctx *ctx, FILE *out);
void status_html(const struct pxe_ctx *ctx, FILE *out);

#endif
