/* systemd's readiness protocol (sd_notify), without libsystemd. */
#ifndef PXE_NOTIFY_H
#define PXE_NOTIFY_H

/* Connects to $NOTIFY_SOCKET now, before the chroot hides its path.
 * Returns an fd, or -1 when not run by systemd (or on error). */
int notify_open(void);
/* "READY=1", "STOPPING=1"...; nothing when fd < 0. */
void notify_send(int fd, const char *msg);

#endif
