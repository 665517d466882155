/* The status listener.  Deliberately small: it reads one request head
 * (parsed by http_parse.c, as the file server's are), answers with the
 * whole document and closes the connection.  Its peers are an operator's browser or a Prometheus
 * scraper on a trusted address, so a few connections and a short
 * deadline are all it needs. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backend.h"
#include "clients.h"
#include "ctx.h"
#include "http_parse.h"
#include "log.h"
#include "proxy.h"
#include "status.h"
#include "util.h"

#define STATUS_MAX_CONNS 16
#define STATUS_DEADLINE 5.0     /* seconds for a whole exchange */
#define STATUS_REFRESH 2        /* seconds between page reloads */

struct status_conn {
	ev_io io;
	ev_timer timer;
	struct pxe_ctx *ctx;
	char req[HTTP_MAX_HEAD];
	size_t req_len;
	char *out;              /* the response, once built */
	size_t out_len, sent;
	bool used;
};

struct status {
	int fd;
	ev_io accept_io;
	struct status_conn conns[STATUS_MAX_CONNS];
};

/* [backend]: only when one is configured, so the page without it reads
 * as before. */
static void backend_metrics(const struct stats *s, FILE *out)
{
	fprintf(out, "# HELP pxeproxyd_backend_lookups_total Inventory "
		"lookups, by result.\n"
		"# TYPE pxeproxyd_backend_lookups_total counter\n"
		"pxeproxyd_backend_lookups_total{result=\"sent\"} %llu\n"
		"pxeproxyd_backend_lookups_total{result=\"answer\"} %llu\n"
		"pxeproxyd_backend_lookups_total{result=\"not_found\"} %llu\n"
		"pxeproxyd_backend_lookups_total{result=\"cache_hit\"} %llu\n"
		"pxeproxyd_backend_lookups_total{result=\"joined\"} %llu\n"
		"# HELP pxeproxyd_backend_failures_total Failed lookups, by "
		"kind.\n# TYPE pxeproxyd_backend_failures_total counter\n",
		(unsigned long long)s->backend_lookups,
		(unsigned long long)s->backend_answers,
		(unsigned long long)s->backend_not_found,
		(unsigned long long)s->backend_cache_hits,
		(unsigned long long)s->backend_joined);
	for (int f = 0; f < BACKEND_FAIL_KINDS; f++)
		fprintf(out, "pxeproxyd_backend_failures_total{kind=\"%s\"} "
			"%llu\n", backend_failure_key(f),
			(unsigned long long)s->backend_failed[f]);
	fprintf(out, "# HELP pxeproxyd_backend_fallbacks_total Requests "
		"decided without the backend (failed, slow, max-pending).\n"
		"# TYPE pxeproxyd_backend_fallbacks_total counter\n"
		"pxeproxyd_backend_fallbacks_total %llu\n"
		"# HELP pxeproxyd_backend_overflow_total Requests not held: "
		"max-pending reached.\n"
		"# TYPE pxeproxyd_backend_overflow_total counter\n"
		"pxeproxyd_backend_overflow_total %llu\n"
		"# HELP pxeproxyd_backend_pending Requests waiting for the "
		"backend.\n# TYPE pxeproxyd_backend_pending gauge\n"
		"pxeproxyd_backend_pending %u\n",
		(unsigned long long)s->backend_fallbacks,
		(unsigned long long)s->backend_overflow, s->backend_pending);
	fprintf(out, "# HELP pxeproxyd_events_total [events]: delivered, "
		"dropped (queue full), failed POSTs (retried).\n"
		"# TYPE pxeproxyd_events_total counter\n"
		"pxeproxyd_events_total{result=\"sent\"} %llu\n"
		"pxeproxyd_events_total{result=\"dropped\"} %llu\n"
		"pxeproxyd_events_total{result=\"post_failed\"} %llu\n"
		"# HELP pxeproxyd_events_queued Events waiting to be sent.\n"
		"# TYPE pxeproxyd_events_queued gauge\n"
		"pxeproxyd_events_queued %u\n",
		(unsigned long long)s->events_sent,
		(unsigned long long)s->events_dropped,
		(unsigned long long)s->events_post_failures, s->events_queued);
}

void status_metrics(const struct pxe_ctx *ctx, FILE *out)
{
	const struct stats *s = &ctx->stats;

	fprintf(out, "# HELP pxeproxyd_dhcp_answers_total Proxy offers (67) "
		"and acks (4011) sent.\n"
		"# TYPE pxeproxyd_dhcp_answers_total counter\n"
		"pxeproxyd_dhcp_answers_total{type=\"offer\"} %llu\n"
		"pxeproxyd_dhcp_answers_total{type=\"ack\"} %llu\n",
		(unsigned long long)s->dhcp_offers,
		(unsigned long long)s->dhcp_acks);
	fprintf(out, "# HELP pxeproxyd_dhcp_ignored_total DHCP packets left "
		"unanswered, by reason.\n"
		"# TYPE pxeproxyd_dhcp_ignored_total counter\n");
	for (int r = 0; r < DROP_REASONS; r++)
		fprintf(out, "pxeproxyd_dhcp_ignored_total{reason=\"%s\"} "
			"%llu\n", proxy_drop_key(r),
			(unsigned long long)s->dhcp_dropped[r]);
	fprintf(out, "# HELP pxeproxyd_dhcp6_answers_total Proxy DHCPv6 "
		"advertises (547) and replies (4011) sent.\n"
		"# TYPE pxeproxyd_dhcp6_answers_total counter\n"
		"pxeproxyd_dhcp6_answers_total{type=\"advertise\"} %llu\n"
		"pxeproxyd_dhcp6_answers_total{type=\"reply\"} %llu\n",
		(unsigned long long)s->dhcp6_advertises,
		(unsigned long long)s->dhcp6_replies);
	fprintf(out, "# HELP pxeproxyd_dhcp6_ignored_total DHCPv6 messages "
		"left unanswered, by reason.\n"
		"# TYPE pxeproxyd_dhcp6_ignored_total counter\n");
	for (int r = 0; r < DROP_REASONS; r++)
		fprintf(out, "pxeproxyd_dhcp6_ignored_total{reason=\"%s\"} "
			"%llu\n", proxy_drop_key(r),
			(unsigned long long)s->dhcp6_dropped[r]);
	fprintf(out, "# HELP pxeproxyd_transfers_total TFTP transfers "
		"completed; HTTP requests answered, errors included.\n"
		"# TYPE pxeproxyd_transfers_total counter\n"
		"pxeproxyd_transfers_total{proto=\"tftp\"} %llu\n"
		"pxeproxyd_transfers_total{proto=\"http\"} %llu\n"
		"# HELP pxeproxyd_transfer_errors_total Failed transfers and "
		"error answers.\n# TYPE pxeproxyd_transfer_errors_total "
		"counter\n"
		"pxeproxyd_transfer_errors_total{proto=\"tftp\"} %llu\n"
		"pxeproxyd_transfer_errors_total{proto=\"http\"} %llu\n"
		"# HELP pxeproxyd_bytes_total File bytes sent.\n"
		"# TYPE pxeproxyd_bytes_total counter\n"
		"pxeproxyd_bytes_total{proto=\"tftp\"} %llu\n"
		"pxeproxyd_bytes_total{proto=\"http\"} %llu\n"
		"# HELP pxeproxyd_active_transfers Transfers in progress.\n"
		"# TYPE pxeproxyd_active_transfers gauge\n"
		"pxeproxyd_active_transfers{proto=\"tftp\"} %u\n"
		"pxeproxyd_active_transfers{proto=\"http\"} %u\n"
		"# HELP pxeproxyd_clients_stalled Machines with nothing more "
		"for a minute after the offer or the boot loader.\n"
		"# TYPE pxeproxyd_clients_stalled gauge\n"
		"pxeproxyd_clients_stalled{after=\"offered\"} %u\n"
		"pxeproxyd_clients_stalled{after=\"loader\"} %u\n",
		(unsigned long long)s->tftp_transfers,
		(unsigned long long)s->http_requests,
		(unsigned long long)s->tftp_errors,
		(unsigned long long)s->http_errors,
		(unsigned long long)s->tftp_bytes,
		(unsigned long long)s->http_bytes, s->tftp_active,
		s->http_active, clients_stalled(ctx->clients, STALL_OFFERED),
		clients_stalled(ctx->clients, STALL_LOADER));
	fprintf(out, "# HELP pxeproxyd_tls_handshakes_total HTTPS handshakes "
		"(failed: a TLS error, not a timeout).\n"
		"# TYPE pxeproxyd_tls_handshakes_total counter\n"
		"pxeproxyd_tls_handshakes_total{result=\"ok\"} %llu\n"
		"pxeproxyd_tls_handshakes_total{result=\"failed\"} %llu\n",
		(unsigned long long)s->tls_handshakes,
		(unsigned long long)s->tls_failed);
	if (ctx->backend)
		backend_metrics(s, out);
}

void status_json(const struct pxe_ctx *ctx, FILE *out)
{
	const struct stats *s = &ctx->stats;

	fprintf(out, "{\"version\":\"%s\",\"offers\":%llu,\"acks\":%llu,"
		"\"advertises6\":%llu,\"replies6\":%llu,"
		"\"tftp_active\":%u,\"http_active\":%u,\"clients\":",
		PACKAGE_VERSION, (unsigned long long)s->dhcp_offers,
		(unsigned long long)s->dhcp_acks,
		(unsigned long long)s->dhcp6_advertises,
		(unsigned long long)s->dhcp6_replies, s->tftp_active,
		s->http_active);
	clients_json(ctx->clients, out);
	fprintf(out, "}\n");
}

/* Self-contained: no script, no external asset; it reloads itself. */
void status_html(const struct pxe_ctx *ctx, FILE *out)
{
	fprintf(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		"<meta http-equiv=\"refresh\" content=\"%d\">"
		"<title>pxeproxyd: boot progress</title><style>"
		"body{font-family:sans-serif;margin:1.5em}"
		"table{border-collapse:collapse}"
		"td,th{border:1px solid #bbb;padding:.3em .6em;text-align:left}"
		".done{background:#9d9}.now{background:#fd6}.stalled{color:#b00}"
		".todo{color:#aaa}</style></head><body>"
		"<h1>pxeproxyd %s: boot progress</h1>"
		"<p>%llu offers, %llu acks; transfers now: %u TFTP, %u HTTP."
		" Refreshes every %d s.</p>"
		"<table><tr><th>MAC</th><th>IP</th><th>arch</th>"
		"<th>offered</th><th colspan=\"%d\">DHCP &rarr; boot loader "
		"&rarr; kernel/initrd &rarr; payload</th><th>last file</th>"
		"</tr>\n", STATUS_REFRESH, PACKAGE_VERSION,
		(unsigned long long)ctx->stats.dhcp_offers,
		(unsigned long long)ctx->stats.dhcp_acks,
		ctx->stats.tftp_active, ctx->stats.http_active, STATUS_REFRESH,
		STAGE_COUNT);
	clients_html_rows(ctx->clients, out);
	fprintf(out, "</table></body></html>\n");
}

static void conn_close(struct status_conn *c)
{
	ev_io_stop(c->ctx->loop, &c->io);
	ev_timer_stop(c->ctx->loop, &c->timer);
	close(c->io.fd);
	free(c->out);
	c->out = NULL;
	c->used = false;
}

/* The document a request asks for, written to f: its status, and its
 * type in *type.  status is the parser's verdict (0: parsed). */
static int write_document(struct status_conn *c, int status,
			  const struct http_request *r, FILE *f,
			  const char **type)
{
	*type = "text/plain; charset=utf-8";
	if (status) {
		fprintf(f, "%d %s\n", status, http_reason(status));
		return status;
	}
	if (r->method != HTTP_GET) {
		fprintf(f, "only GET\n");
		return 405;
	}
	if (!strcmp(r->path, "/metrics")) {
		*type = "text/plain; version=0.0.4; charset=utf-8";
		status_metrics(c->ctx, f);
	} else if (!strcmp(r->path, "/status.json")) {
		*type = "application/json";
		status_json(c->ctx, f);
	} else if (!strcmp(r->path, "/status") || !strcmp(r->path, "/")) {
		*type = "text/html; charset=utf-8";
		status_html(c->ctx, f);
	} else {
		fprintf(f, "not found: /status, /status.json, /metrics\n");
		return 404;
	}
	return 200;
}

/* The whole response in one buffer: a header and one document. */
static void build_response(struct status_conn *c, int status,
			   const struct http_request *r)
{
	const char *type;
	char *body = NULL;
	size_t blen = 0;
	FILE *f = open_memstream(&body, &blen);

	if (!f)
		return;
	status = write_document(c, status, r, f, &type);
	fclose(f);
	f = open_memstream(&c->out, &c->out_len);
	if (f) {
		fprintf(f, "HTTP/1.1 %d %s\r\n%sContent-Type: %s\r\n"
			"Content-Length: %zu\r\nCache-Control: no-store\r\n"
			"Connection: close\r\n\r\n", status,
			http_reason(status),
			status == 405 ? "Allow: GET\r\n" : "", type, blen);
		fwrite(body, 1, blen, f);
		fclose(f);
	}
	free(body);
}

/* Reads until the head is complete (or fills the buffer), then builds
 * the answer. */
static bool read_request(struct status_conn *c, int fd)
{
	struct http_request r;
	size_t len;
	int st;
	ssize_t n = read(fd, c->req + c->req_len, sizeof(c->req) - c->req_len);

	if (n <= 0) {
		if (n < 0 && errno == EAGAIN)
			return true;
		return false;
	}
	c->req_len += (size_t)n;
	if ((len = http_head_length(c->req, c->req_len)) > 0)
		st = http_parse_request(c->req, len, &r);
	else if (c->req_len == sizeof(c->req))
		st = http_overflow_status(c->req, c->req_len);
	else
		return true;            /* more to come */
	build_response(c, st, &r);
	return c->out != NULL;
}

static void on_conn(struct ev_loop *loop, ev_io *w, int revents)
{
	struct status_conn *c = w->data;
	ssize_t n;

	if (!c->out) {
		if (!read_request(c, w->fd)) {
			conn_close(c);
			return;
		}
		if (!c->out)
			return;
		ev_io_stop(loop, w);
		ev_io_set(w, w->fd, EV_WRITE);
		ev_io_start(loop, w);
		return;
	}
	n = write(w->fd, c->out + c->sent, c->out_len - c->sent);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0 || (c->sent += (size_t)n) == c->out_len)
		conn_close(c);
}

static void on_deadline(struct ev_loop *loop, ev_timer *w, int revents)
{
	conn_close(w->data);
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	struct pxe_ctx *ctx = w->data;
	struct status *st = (struct status *)((char *)w -
					      offsetof(struct status, accept_io));
	struct status_conn *c = NULL;
	int fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (int i = 0; i < STATUS_MAX_CONNS && !c; i++)
		if (!st->conns[i].used)
			c = &st->conns[i];
	if (!c) {
		log_warnx_rl("status: %d connections open, refusing one",
			     STATUS_MAX_CONNS);
		close(fd);
		return;
	}
	memset(c, 0, sizeof(*c));
	c->used = true;
	c->ctx = ctx;
	ev_io_init(&c->io, on_conn, fd, EV_READ);
	ev_timer_init(&c->timer, on_deadline, STATUS_DEADLINE, 0);
	c->io.data = c->timer.data = c;
	ev_io_start(loop, &c->io);
	ev_timer_start(loop, &c->timer);
}

int status_open(struct pxe_ctx *ctx)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct status *st;
	int fd, on = 1, err;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	sin.sin_addr = ctx->cfg->status_addr;
	sin.sin_port = htons((uint16_t)ctx->cfg->status_port);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, 16) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	st = xcalloc(1, sizeof(*st));
	st->fd = fd;
	ev_io_init(&st->accept_io, on_accept, fd, EV_READ);
	st->accept_io.data = ctx;
	ctx->status = st;
	return 0;
}

void status_start(struct pxe_ctx *ctx)
{
	if (ctx->status)
		ev_io_start(ctx->loop, &ctx->status->accept_io);
}

void status_close(struct pxe_ctx *ctx)
{
	struct status *st = ctx->status;

	if (!st)
		return;
	for (int i = 0; i < STATUS_MAX_CONNS; i++)
		if (st->conns[i].used)
			conn_close(&st->conns[i]);
	ev_io_stop(ctx->loop, &st->accept_io);
	close(st->fd);
	free(st);
	ctx->status = NULL;
}
