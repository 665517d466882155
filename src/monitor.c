/* Privilege separation for one job: re-reading the config.
 *
 * The worker is chrooted into the boot root, where the config file is not
 * (and must not be: the root is served to anyone by TFTP and HTTP).  So
 * before the chroot the process splits: the worker serves, and the
 * monitor, with the same unprivileged user and no capabilities but the
 * real root directory, waits for SIGHUP (or a reload request byte from
 * the worker), reads the file and writes "<u32 length><text>" to the
 * worker, then the HTTPS certificate chain and key the new config names
 * in the same form (empty when there is no HTTPS, or they could not be
 * read: the worker keeps the pair in use), then for [backend] the
 * inventory host's addresses and its CA bundle (backend_prepare(); empty
 * parts keep the ones in use).  The monitor reads nothing from the network and nothing from
 * the worker but that one byte; when the worker exits, so does it, with
 * the worker's status.
 */
#include "autoconf.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "ctx.h"
#include "http.h"
#include "log.h"
#include "monitor.h"
#include "netif.h"
#include "privs.h"
#include "proxy.h"
#include "reload.h"
#include "status.h"
#include "tftp.h"
#include "tls.h"
#include "util.h"

/* Matches the config parser's own limit. */
#define MONITOR_MAX_TEXT (1024 * 1024)

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int send_blob(int fd, const void *buf, uint32_t len)
{
	if (write_all(fd, &len, sizeof(len)) < 0 ||
	    write_all(fd, buf, len) < 0)
		return -1;
	return 0;
}

/* Monitor: the certificate and key the new config c names, read with
 * the daemon user's rights; an empty pair when there is nothing to read
 * or it cannot be read (said here, once). */
static void read_tls_pair(const struct pxe_ctx *ctx, const struct config *c,
			  struct tls_pair *p)
{
	char err[1024];

	memset(p, 0, sizeof(*p));
	/* [https] enable takes effect at restart only. */
	if (!ctx->cfg->https_enable)
		return;
	if (tls_pair_read(c->https_cert, c->https_key, p, err,
			  sizeof(err)) < 0)
		log_warnx("reload: https: %s; the certificate in use stays%s",
			  err, strstr(err, "Permission denied")
			  ? " (the key is read on reload by the daemon's user:"
			    " chown root:GROUP, chmod 640, GROUP being that "
			    "user's group)" : "");
}

/* Monitor: what libcurl needs from the real root for the new config's
 * [backend] (the worker cannot resolve or read it in the chroot); empty
 * when the backend was off at start (it stays off until a restart). */
static void read_backend_prep(const struct pxe_ctx *ctx,
			      const struct config *c, struct backend_prep *p)
{
	char err[1024];

	memset(p, 0, sizeof(*p));
	if (!ctx->cfg->backend_url || !c->backend_url)
		return;
	if (backend_prepare(c, p, err, sizeof(err)) < 0)
		log_warnx("reload: %s; the CA bundle in use stays", err);
}

/* Monitor: what the new config text needs read from the real root, sent
 * after it; nothing when the text is refused (the worker says why). */
static void read_outside(struct pxe_ctx *ctx, const char *text,
			 struct tls_pair *pair, struct backend_prep *prep)
{
	char err[1024];
	struct config *c;

	memset(pair, 0, sizeof(*pair));
	memset(prep, 0, sizeof(*prep));
	if (!ctx->cfg->https_enable && !ctx->cfg->backend_url)
		return;
	if (!(c = reload_parse(ctx, text, err, sizeof(err))))
		return;
	read_tls_pair(ctx, c, pair);
	read_backend_prep(ctx, c, prep);
	config_free(c);
}

/* Monitor: read the file and send it; a file that cannot be read is
 * reported here and nothing is sent (the old config stays). */
static void send_config(struct pxe_ctx *ctx, int fd)
{
	const char *path = ctx->config_path;
	struct tls_pair pair;
	struct backend_prep prep;
	char *text = NULL;
	uint32_t len = 0;
	FILE *f;
	size_t n = 0;

	if (path) {
		if (!(f = fopen(path, "re"))) {
			log_warn("reload refused, old config stays in force: "
				 "%s", path);
			return;
		}
		text = malloc(MONITOR_MAX_TEXT + 1);
		n = text ? fread(text, 1, MONITOR_MAX_TEXT + 1, f) : 0;
		fclose(f);
		if (!text || n > MONITOR_MAX_TEXT) {
			log_warnx("reload refused, old config stays in force: "
				  "%s: larger than 1 MB", path);
			free(text);
			return;
		}
		len = (uint32_t)n;
	}
	if (text)
		text[len] = '\0';
	read_outside(ctx, text ? text : "", &pair, &prep);
	if (send_blob(fd, text, len) < 0 ||
	    send_blob(fd, pair.cert, (uint32_t)pair.cert_len) < 0 ||
	    send_blob(fd, pair.key, (uint32_t)pair.key_len) < 0 ||
	    send_blob(fd, prep.resolve, prep.resolve ?
		      (uint32_t)strlen(prep.resolve) : 0) < 0 ||
	    send_blob(fd, prep.ca, (uint32_t)prep.ca_len) < 0)
		log_warn("reload: writing to the worker");
	tls_pair_clear(&pair);
	backend_prep_clear(&prep);
	free(text);
}

static int wait_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	log_warnx("worker killed by signal %d", WTERMSIG(st));
	return 128 + WTERMSIG(st);
}

/* The signals the monitor takes through its signalfd. */
static void monitor_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGCHLD);
}

/* The signals are blocked since before the fork (monitor_split), so a
 * worker that dies at once cannot take its SIGCHLD with it. */
static __attribute__((noreturn)) void run_monitor(struct pxe_ctx *ctx,
						   pid_t worker, int fd)
{
	struct pollfd pf[2];
	sigset_t set;
	int sfd, st;

	ctx_close_modules(ctx);
	privs_drop(ctx, false);
	monitor_signals(&set);
	if ((sfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0)
		fatal("monitor: signalfd");
	pf[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = fd, .events = POLLIN };
	for (;;) {
		struct signalfd_siginfo si;
		char byte;

		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fatal("monitor: poll");
		}
		if ((pf[1].revents & POLLIN) && read(fd, &byte, 1) == 1)
			send_config(ctx, fd);
		else if (pf[1].revents & (POLLHUP | POLLERR | POLLIN))
			break;          /* the worker closed its end: exiting */
		if (!(pf[0].revents & POLLIN) ||
		    read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGHUP)
			send_config(ctx, fd);
		else if (si.ssi_signo != SIGCHLD)
			kill(worker, (int)si.ssi_signo);
		else if (waitpid(worker, &st, WNOHANG) == worker)
			exit(wait_status(st));
	}
	while (waitpid(worker, &st, 0) < 0)
		if (errno != EINTR)
			fatal("monitor: waitpid");
	exit(wait_status(st));
}

void monitor_split(struct pxe_ctx *ctx)
{
	sigset_t set, old;
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		fatal("socketpair");
	monitor_signals(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	pid = fork();
	if (pid < 0)
		fatal("fork");
	if (pid > 0) {
		close(sv[1]);
		run_monitor(ctx, pid, sv[0]);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(sv[0]);
	ctx->monitor_fd = sv[1];
}

/* One "<u32 length><bytes>" of at most max bytes, NUL-terminated. */
static int read_blob(int fd, uint32_t max, char **buf, size_t *len)
{
	uint32_t n;

	*buf = NULL;
	/* The monitor writes each message whole and at once: blocking
	 * reads of it are short. */
	if (read_all(fd, &n, sizeof(n)) < 0 || n > max ||
	    !(*buf = calloc(1, (size_t)n + 1)))
		return -1;
	if (read_all(fd, *buf, n) < 0) {
		free(*buf);
		*buf = NULL;
		return -1;
	}
	*len = n;
	return 0;
}

static void on_monitor(struct ev_loop *loop, ev_io *w, int revents)
{
	struct pxe_ctx *ctx = w->data;
	struct tls_pair pair = { 0 };
	struct backend_prep prep = { 0 };
	char *text = NULL;
	char err[1024];
	size_t len = 0, rlen;

	if (read_blob(w->fd, MONITOR_MAX_TEXT, &text, &len) < 0 ||
	    read_blob(w->fd, TLS_MAX_PEM, &pair.cert, &pair.cert_len) < 0 ||
	    read_blob(w->fd, TLS_MAX_PEM, &pair.key, &pair.key_len) < 0 ||
	    read_blob(w->fd, BACKEND_RESOLVE_MAX, &prep.resolve, &rlen) < 0 ||
	    read_blob(w->fd, BACKEND_CA_MAX, &prep.ca, &prep.ca_len) < 0) {
		free(text);
		tls_pair_clear(&pair);
		backend_prep_clear(&prep);
		log_warnx("monitor process gone: exiting");
		ev_break(loop, EVBREAK_ALL);
		return;
	}
	if (memchr(text, '\0', len)) {
		reload_apply(ctx, NULL, "config file contains a NUL byte");
	} else {
		struct config *c = reload_parse(ctx, text, err, sizeof(err));

		if (reload_apply(ctx, c, err) == 0) {
			reload_tls(ctx, &pair);
			if (!prep.ca_len) {
				free(prep.ca);  /* read_blob's empty string */
				prep.ca = NULL;
			}
			backend_reload(ctx, &prep);
		}
	}
	tls_pair_clear(&pair);
	backend_prep_clear(&prep);
	free(text);
}

void monitor_start(struct pxe_ctx *ctx)
{
	if (ctx->monitor_fd < 0)
		return;
	ev_io_init(&ctx->monitor_io, on_monitor, ctx->monitor_fd, EV_READ);
	ctx->monitor_io.data = ctx;
	ev_io_start(ctx->loop, &ctx->monitor_io);
}

/* Worker side of SIGHUP: ask the monitor, which can read the file. */
void monitor_request_reload(struct pxe_ctx *ctx)
{
	char byte = 'R';

	if (write_all(ctx->monitor_fd, &byte, 1) < 0)
		log_warn("asking the monitor to reload");
}

void monitor_close(struct pxe_ctx *ctx)
{
	if (ctx->monitor_fd < 0)
		return;
	ev_io_stop(ctx->loop, &ctx->monitor_io);
	close(ctx->monitor_fd);
	ctx->monitor_fd = -1;
}
