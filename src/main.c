/* pxeproxyd: a proxyDHCP, TFTP and HTTP server for network boot beside a
 * DHCP server it never touches.
 *
 * main() reads as the life of the daemon: options, config, sockets,
 * chroot and privilege drop, the loop, a clean exit.  No protocol logic
 * lives here.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "clients.h"
#include "events.h"
#include "ctx.h"
#include "http.h"
#include "log.h"
#include "monitor.h"
#include "netif.h"
#include "notify.h"
#include "privs.h"
#include "proxy.h"
#include "proxy6.h"
#include "reload.h"
#include "status.h"
#include "tftp.h"
#include "tls.h"
#include "util.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONFIG SYSCONFDIR "/pxeproxyd.conf"

struct args {
	bool check;
	bool debug;
	bool config_given;
};

enum { OPT_CHECK = 256, OPT_NO_CHROOT, OPT_NO_DROP };

static const struct option long_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "foreground", no_argument, NULL, 'f' },
	{ "interface", required_argument, NULL, 'i' },
	{ "root", required_argument, NULL, 'r' },
	{ "user", required_argument, NULL, 'u' },
	{ "debug", no_argument, NULL, 'd' },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "no-chroot", no_argument, NULL, OPT_NO_CHROOT },
	{ "no-drop", no_argument, NULL, OPT_NO_DROP },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: pxeproxyd [OPTIONS]\n"
		"proxyDHCP, TFTP and HTTP for network boot beside an existing "
		"DHCP server.\n\n"
		"  -c, --config FILE     config file (default " DEFAULT_CONFIG
		" if it exists)\n"
		"  -f, --foreground      stay in the foreground, log to "
		"stderr\n"
		"  -i, --interface IF    serve IF only (repeatable; default: "
		"all but loopback)\n"
		"  -r, --root DIR        boot files root (default /srv/tftp)\n"
		"  -u, --user NAME       user to run as (default pxeproxyd)\n"
		"  -d, --debug           log every packet, ignored ones too\n"
		"      --check           check the config, print the "
		"effective settings, exit\n"
		"      --no-chroot       debugging only: do not chroot\n"
		"      --no-drop         debugging only: stay root\n"
		"  -V, --version         print the version and exit\n"
		"  -h, --help            this help\n\n"
		"Signals: SIGHUP reloads the config, SIGTERM/SIGINT stop.\n");
}

static void parse_args(struct pxe_ctx *ctx, struct args *a, int argc,
		       char **argv)
{
	struct config_overrides *o = &ctx->over;
	int ch;

	while ((ch = getopt_long(argc, argv, "c:fi:r:u:dVh", long_opts,
				 NULL)) != -1) {
		switch (ch) {
		case 'c':
			ctx->config_path = optarg;
			a->config_given = true;
			break;
		case 'f':
			ctx->foreground = true;
			break;
		case 'i':
			if (o->n_ifaces >= CONF_MAX_IFACES)
				fatalx("more than %d -i options",
				       CONF_MAX_IFACES);
			o->ifaces[o->n_ifaces++] = optarg;
			break;
		case 'r':
			o->root = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'd':
			a->debug = true;
			break;
		case OPT_CHECK:
			a->check = true;
			break;
		case OPT_NO_CHROOT:
			ctx->no_chroot = true;
			break;
		case OPT_NO_DROP:
			ctx->no_drop = true;
			break;
		case 'V':
			printf("pxeproxyd %s\n", PACKAGE_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "pxeproxyd: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		exit(2);
	}
}

static void open_root(struct pxe_ctx *ctx)
{
	ctx->root_fd = open(ctx->cfg->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ctx->root_fd < 0)
		fatal("boot root %s (set 'root =' in the config or -r)",
		      ctx->cfg->root);
}

static void open_sockets(struct pxe_ctx *ctx)
{
	const struct config *c = ctx->cfg;
	unsigned port;
	int err;

	if (netif_open(ctx) < 0)
		fatalx("cannot open the netlink socket to follow interfaces");
	if (c->dhcp_enable && (err = proxy_open(ctx, &port)) < 0) {
		errno = -err;
		fatal("cannot bind UDP port %u for proxyDHCP%s", port,
		      err == -EACCES ? " (needs root or CAP_NET_BIND_SERVICE)"
		      : err == -EPERM ? " (port in use; the packet socket "
					"needs CAP_NET_RAW)"
		      : err == -EADDRINUSE ? " (in use by another server; "
					     "see [dhcp] packet-fallback)"
				     : "");
	}
	if (c->dhcp6_enable && (err = proxy6_open_ctx(ctx, &port)) < 0) {
		errno = -err;
		/* A host without IPv6 serves IPv4 as before. */
		if (err == -EAFNOSUPPORT || err == -ENODEV)
			log_warn("proxy DHCPv6 off ([dhcp6] enable = no "
				 "silences this)");
		else
			fatal("cannot bind UDP port %u for proxy DHCPv6%s",
			      port, err == -EACCES ? " (needs root or "
			      "CAP_NET_BIND_SERVICE)" : err == -EADDRINUSE ?
			      " (in use by another server; [dhcp6] enable = "
			      "no leaves it to that one)" : "");
	}
	if (c->tftp_enable && (err = tftp_open(ctx)) < 0) {
		errno = -err;
		fatal("cannot bind UDP port %u for TFTP%s", c->tftp_port,
		      err == -EACCES ? " (needs root or CAP_NET_BIND_SERVICE)"
				     : "");
	}
	if (c->status_enable && (err = status_open(ctx)) < 0) {
		errno = -err;
		fatal("cannot listen on %s:%u for the status page ([status] "
		      "listen/port, or enable = no)",
		      inet_ntoa(c->status_addr), c->status_port);
	}
	if (c->http_enable && (err = http_open(ctx)) < 0) {
		errno = -err;
		fatal("cannot listen on TCP port %u for HTTP%s", c->http_port,
		      err == -EACCES ? " (needs root or CAP_NET_BIND_SERVICE)"
				     : "");
	}
	if (c->https_enable && (err = https_open(ctx)) < 0) {
		errno = -err;
		fatal("cannot listen on TCP port %u for HTTPS%s", c->https_port,
		      err == -EACCES ? " (needs root or CAP_NET_BIND_SERVICE)"
				     : "");
	}
}

/* The certificate and key, read while root and outside the chroot: the
 * boot root is served to anyone and must not hold them. */
static void load_tls(struct pxe_ctx *ctx)
{
	const struct config *c = ctx->cfg;
	struct tls_pair p;
	char err[1024];

	if (!c->https_enable)
		return;
	if (tls_pair_read(c->https_cert, c->https_key, &p, err,
			  sizeof(err)) < 0)
		fatalx("[https] %s", err);
	ctx->tls = tls_new(&p, err, sizeof(err));
	tls_pair_clear(&p);
	if (!ctx->tls)
		fatalx("[https] certificate %s, key %s: %s", c->https_cert,
		       c->https_key, err);
	log_info("https: kernel TLS %s", tls_kernel_available()
		 ? "available: bodies go by SSL_sendfile"
		 : "not loaded (modprobe tls): OpenSSL encrypts the bodies");
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct pxe_ctx *ctx = w->data;

	if (w->signum == SIGHUP) {
		char err[1024];

		/* Chrooted, the file is out of reach: the monitor reads it. */
		if (ctx->monitor_fd >= 0)
			monitor_request_reload(ctx);
		else if (reload_apply(ctx, reload_load(ctx, err, sizeof(err)),
				      err) == 0) {
			reload_tls_files(ctx);
			reload_backend_files(ctx);
		}
		return;
	}
	log_info("%s: exiting", strsignal(w->signum));
	ev_break(loop, EVBREAK_ALL);
}

static void watch_signals(struct pxe_ctx *ctx)
{
	ev_signal_init(&ctx->sig_term, on_signal, SIGTERM);
	ev_signal_init(&ctx->sig_int, on_signal, SIGINT);
	ev_signal_init(&ctx->sig_hup, on_signal, SIGHUP);
	ctx->sig_term.data = ctx->sig_int.data = ctx->sig_hup.data = ctx;
	ev_signal_start(ctx->loop, &ctx->sig_term);
	ev_signal_start(ctx->loop, &ctx->sig_int);
	ev_signal_start(ctx->loop, &ctx->sig_hup);
	signal(SIGPIPE, SIG_IGN);
}

static void start_serving(struct pxe_ctx *ctx)
{
	monitor_start(ctx);
	netif_start(ctx);
	if (ctx->proxy)
		proxy_start(ctx);
	if (ctx->proxy6)
		proxy6_start(ctx, ctx->proxy6);
	if (ctx->cfg->tftp_enable)
		tftp_start(ctx);
	http_start(ctx);
	status_start(ctx);
	clients_watch(ctx);
	log_info("pxeproxyd %s ready: root %s; proxyDHCP %s, DHCPv6 %s, "
		 "TFTP %s, HTTP %s, HTTPS %s", PACKAGE_VERSION, ctx->cfg->root,
		 ctx->proxy ? "on" : "off", ctx->proxy6 ? "on" : "off",
		 ctx->cfg->tftp_enable ? "on" : "off",
		 ctx->cfg->http_enable ? "on" : "off",
		 ctx->cfg->https_enable ? "on" : "off");
	netif_log_served(ctx);
	notify_send(ctx->notify_fd, "READY=1");
}

static void shut_down(struct pxe_ctx *ctx)
{
	notify_send(ctx->notify_fd, "STOPPING=1");
	ctx_close_modules(ctx);
	monitor_close(ctx);
	config_free(ctx->cfg);
	ev_loop_destroy(ctx->loop);
}

/* A relative -c path must survive daemon()'s chdir("/") for reloads. */
static void absolute_config_path(struct pxe_ctx *ctx, bool given)
{
	static char abs[4096];

	if (!given) {
		if (access(DEFAULT_CONFIG, F_OK) == 0)
			ctx->config_path = DEFAULT_CONFIG;
		return;
	}
	if (realpath(ctx->config_path, abs))
		ctx->config_path = abs;
}

/* Chrooted workers cannot read the config again: split off a monitor
 * that can (see monitor.c). */
static bool wants_monitor(const struct pxe_ctx *ctx)
{
	return geteuid() == 0 && !ctx->no_chroot;
}

int main(int argc, char **argv)
{
	struct pxe_ctx ctx = { .root_fd = -1, .monitor_fd = -1,
			       .notify_fd = -1 };
	struct args a = { 0 };
	char err[1024];

	parse_args(&ctx, &a, argc, argv);
	absolute_config_path(&ctx, a.config_given);
	ctx.cfg = reload_load(&ctx, err, sizeof(err));
	if (!ctx.cfg) {
		fprintf(stderr, "pxeproxyd: %s\n", err);
		return 1;
	}
	if (a.check) {
		printf("# %s: OK\n", ctx.config_path ? ctx.config_path
						      : "built-in defaults");
		config_print(ctx.cfg, stdout);
		config_free(ctx.cfg);
		return 0;
	}
	log_init(ctx.foreground, a.debug);
	ctx.loop = ev_default_loop(EVFLAG_AUTO);
	if (!ctx.loop)
		fatalx("cannot start the event loop");
	open_root(&ctx);
	load_tls(&ctx);
	open_sockets(&ctx);
	if (backend_open(&ctx, err, sizeof(err)) < 0)
		fatalx("%s", err);
	/* Boot progress feeds the log, /metrics and /status alike: kept
	 * whether or not the status page is served. */
	ctx.clients = clients_new();
	events_open(&ctx);
	ctx.notify_fd = notify_open();
	if (!ctx.foreground && daemon(0, 0) < 0)
		fatal("daemon");
	if (wants_monitor(&ctx))
		monitor_split(&ctx);
	/* libev must know that this process is not the one that made it. */
	ev_loop_fork(ctx.loop);
	privs_drop(&ctx, true);
	watch_signals(&ctx);
	start_serving(&ctx);
	ev_run(ctx.loop, 0);
	shut_down(&ctx);
	return 0;
}
