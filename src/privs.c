/* chroot, setgid/setuid and capability clearing with libcap-ng, in the
 * order that cannot be undone: resolve the user while /etc/passwd is
 * still visible, chroot and chdir, then change ids and clear every
 * capability (bounding set included) in one libcap-ng call, then prove
 * it by failing to get root back. */
#include "autoconf.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "ctx.h"
#include "log.h"
#include "privs.h"

static const struct passwd *find_user(const char *name, bool quiet)
{
	const struct passwd *pw = getpwnam(name);

	if (pw || strcmp(name, "pxeproxyd"))
		return pw;
	/* The default user may not exist on a hand-built install. */
	pw = getpwnam("nobody");
	if (pw && !quiet)
		log_warnx("user pxeproxyd does not exist; running as nobody "
			  "(create it: adduser --system --group pxeproxyd)");
	return pw;
}

static void check_root_readable(struct pxe_ctx *ctx)
{
	if (faccessat(ctx->root_fd, ".", R_OK | X_OK, AT_EACCESS) < 0)
		fatal("boot root %s is not readable by user %s (fix: chmod "
		      "o+rx %s, or chgrp the tree to the user's group)",
		      ctx->cfg->root, ctx->cfg->user, ctx->cfg->root);
}

/* Started as a user with file capabilities (setcap
 * cap_net_bind_service,cap_net_raw+ep): no chroot or user change is
 * possible, but the capabilities go once the sockets are bound. */
static void drop_caps_only(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fatal("prctl(PR_SET_NO_NEW_PRIVS)");
	capng_clear(CAPNG_SELECT_CAPS);
	if (capng_apply(CAPNG_SELECT_CAPS) != 0)
		fatalx("cannot clear capabilities");
	log_info("not started as root: no chroot, no user change; "
		 "capabilities cleared");
}

void privs_drop(struct pxe_ctx *ctx, bool chroot_too)
{
	const struct config *c = ctx->cfg;
	const struct passwd *pw = NULL;
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0) {
		drop_caps_only();
		return;
	}
	if (!ctx->no_drop) {
		pw = find_user(c->user, !chroot_too);
		if (!pw)
			fatalx("user %s does not exist (set 'user =' in the "
			       "config or -u)", c->user);
		if (pw->pw_uid == 0)
			fatalx("user %s is root: refusing to run as root",
			       c->user);
	}
	uid = pw ? pw->pw_uid : 0;
	gid = pw ? pw->pw_gid : 0;
	if (!chroot_too) {
		/* the monitor: stays outside, says nothing */
	} else if (ctx->no_chroot) {
		log_warnx("WARNING: --no-chroot: the boot root is enforced by "
			  "openat2 only; for debugging, not for production");
	} else {
		if (chroot(c->root) < 0)
			fatal("chroot %s", c->root);
		if (chdir("/") < 0)
			fatal("chdir / in %s", c->root);
	}
	if (ctx->no_drop) {
		if (!chroot_too)
			return;
		log_warnx("WARNING: --no-drop: still root with every "
			  "capability; for debugging, not for production");
		return;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fatal("prctl(PR_SET_NO_NEW_PRIVS)");
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_change_id((int)uid, (int)gid,
			    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING) != 0)
		fatalx("cannot change to user %s (uid %u, gid %u) and drop "
		       "capabilities", pw->pw_name, (unsigned)uid, (unsigned)gid);
	/* Proof, as smcroute does: root must be out of reach now. */
	if (setuid(0) == 0 || seteuid(0) == 0)
		fatalx("privilege drop did not hold: setuid(0) succeeded");
	if (!chroot_too)
		return;
	check_root_readable(ctx);
	log_info("running as %s (uid %u, gid %u)%s, no capabilities",
		 pw->pw_name, (unsigned)uid, (unsigned)gid,
		 ctx->no_chroot ? "" : ", chrooted");
}
