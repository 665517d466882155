/* Giving up privileges once every socket is open: chroot into the boot
 * root, become the unprivileged user, keep no capability. */
#ifndef PXE_PRIVS_H
#define PXE_PRIVS_H

#include <stdbool.h>

struct pxe_ctx;

/* Fatal on any failure: a daemon that meant to drop and could not must
 * not run.  The monitor drops without the chroot (it reads the config). */
void privs_drop(struct pxe_ctx *ctx, bool chroot_too);

#endif
