/* [events]: each boot stage the status page tracks (offered, boot
 * loader, kernel/initrd, payload fetched) POSTed to the inventory as JSON,
 * batched, from a bounded queue; a dead endpoint costs dropped events
 * (counted), never a delayed boot or more memory. */
#ifndef PXE_EVENTS_H
#define PXE_EVENTS_H

struct pxe_ctx;

/* With a backend only (events go through its client); idle while
 * [events] url is not set, so a reload can set it. */
void events_open(struct pxe_ctx *ctx);
void events_close(struct pxe_ctx *ctx);

#endif
