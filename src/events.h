/* [events]: each boot stage the status page tracks (offered, boot
 * loader, kernel/initrd, payload fetched) POSTed to the inventory as JSON,
 * batched, from a bounded queue; a dead endpoint costs dropped events
 * (counted), never a delayed boot or more memory. */
#ifndef PXE_EVENTS_H
#define PXE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

struct client_event;
struct pxe_ctx;

/* With a backend only (events go through its client); idle while
 * [events] url is not set, so a reload can set it. */
void events_open(struct pxe_ctx *ctx);
void events_close(struct pxe_ctx *ctx);

/* One event's JSON object into buf (at time_ms, ms since the epoch); its
 * length, or -1 when it does not fit.  Pure, for the tests. */
int events_format(const struct client_event *e, uint64_t time_ms,
		  char *buf, size_t cap);

#endif
