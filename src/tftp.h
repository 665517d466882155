/* TFTP server (RFC 1350, 2347, 2348, 2349, 7440): read-only, from the
 * boot root, every transfer on its own port in the one loop. */
#ifndef PXE_TFTP_H
#define PXE_TFTP_H

struct pxe_ctx;

int tftp_open(struct pxe_ctx *ctx);     /* bind the port; -errno */
void tftp_start(struct pxe_ctx *ctx);
void tftp_close(struct pxe_ctx *ctx);   /* ends every transfer */

#endif
