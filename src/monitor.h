/* The monitor: a second, unprivileged process left outside the chroot
 * whose only job is to read the config file on SIGHUP and hand its text
 * to the chrooted worker.  It never sees a packet. */
#ifndef PXE_MONITOR_H
#define PXE_MONITOR_H

struct pxe_ctx;

/* Forks.  Returns in the worker (ctx->monitor_fd set); in the monitor it
 * drops privileges, waits for signals and exits with the worker. */
void monitor_split(struct pxe_ctx *ctx);

/* Worker side: watch the monitor's socket for new config text. */
void monitor_start(struct pxe_ctx *ctx);
void monitor_close(struct pxe_ctx *ctx);
/* SIGHUP reached the worker: ask the monitor to send the file. */
void monitor_request_reload(struct pxe_ctx *ctx);

#endif
