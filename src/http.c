/* The HTTP server: the boot root over HTTP/1.1, in the one loop.
 *
 * A connection reads a request head into a fixed buffer (HTTP_MAX_HEAD),
 * answers it, and goes on with the next one: keep-alive, and pipelined
 * requests already in the buffer are answered in order.  Bodies go with
 * sendfile() from the open file, a bounded slice per wake-up so that one
 * fast client cannot starve the others; memory per connection is fixed,
 * whatever the file size.
 *
 * Timeouts: a request head must be complete within HTTP_HEAD_TIMEOUT of
 * its first byte (slowloris); an idle keep-alive connection and a body
 * the client stopped reading both end after [http] idle-timeout.
 *
 * Policy: a directory (the root included) is 403, never a listing;
 * several ranges in one request get the whole file (RFC 9110 lets a
 * server ignore Range).
 *
 * HTTPS: a second listener whose connections go through tls.c, the same
 * way in everything else (root, limits, the connection cap, logs, the
 * client table).  The TLS handshake must end within HTTPS_HANDSHAKE_TIMEOUT
 * of the accept, unless the client's bytes wait for us.  OpenSSL may need the socket readable to write, or
 * writable to read: the watcher is armed for what the last call waits
 * for, and the state (not the event) says which call to make again.
 * Without kernel TLS a body is read with pread() into a buffer of four
 * records per connection, after what is left of the head, and written by
 * SSL_write, HTTPS_SLICE bytes per wake-up; with it, SSL_sendfile.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/tcp.h>          /* struct tcp_info with tcpi_bytes_acked */
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clients.h"
#include "ctx.h"
#include "http.h"
#include "http_parse.h"
#include "log.h"
#include "netaddr.h"
#include "path.h"
#include "tls.h"
#include "util.h"

#define HTTP_HEAD_TIMEOUT 10.0          /* seconds for a request head */
#define HTTP_SLICE (512 * 1024)         /* body bytes per wake-up */
#define HTTP_OUT_HEAD 1024              /* our response heads fit */
#define HTTP_LINGER 2.0                 /* seconds to drain before close */
#define HTTP_LOG_PATH 160               /* path bytes in a log line */
/* Pipelined answers sent straight from the one before (answer() ->
 * send_some() -> response_done() -> answer()); deeper ones wait for the
 * socket to be writable, which bounds the recursion. */
#define HTTP_MAX_INLINE 8
/* Unacknowledged data older than this kills a connection in the kernel
 * (TCP_USER_TIMEOUT).  It bounds how long a lossy link may stall a body
 * (see on_conn_timeout) and a vanished peer may hold its slot. */
#define HTTP_STALL_LIMIT_MS (120 * 1000)
/* A client that opens TLS and says nothing is a slowloris head. */
#define HTTPS_HANDSHAKE_TIMEOUT HTTP_HEAD_TIMEOUT
/* But one whose bytes wait unread in the socket is waiting for us (a burst
 * of handshakes, each a private-key operation): it is given more time, in
 * steps of HTTPS_HANDSHAKE_RECHECK, up to this long since the accept. */
#define HTTPS_HANDSHAKE_MAX_MS (60 * 1000)
#define HTTPS_HANDSHAKE_RECHECK 1.0
/* Plaintext per TLS record (RFC 8446 5.1: 2^14). */
#define HTTPS_RECORD 16384
/* Plaintext per pread() and SSL_write() (OpenSSL cuts it into records):
 * four records.  A quarter of the pread() calls and of OpenSSL's write
 * buffer allocations (SSL_MODE_RELEASE_BUFFERS) of one record a call, for
 * 48 KiB more per TLS connection: 8-15% less server CPU per MB with one
 * client, measured against one record (tests/bench/RESULTS.md). */
#define HTTPS_BUF (4 * HTTPS_RECORD)
/* Body bytes per wake-up over TLS: each record is encrypted here, so
 * less than a plain slice, for the others' sake. */
#define HTTPS_SLICE (16 * HTTPS_RECORD)

/* LINGERING: the answer is sent and writing shut down; what the client
 * still sends is read and dropped, so that closing with unread input
 * (a reset) cannot destroy an error answer before the client reads it. */
enum conn_state { HANDSHAKE, READING, SENDING, LINGERING };

struct conn {
	struct http *srv;
	ev_io io;
	ev_timer timer;
	int fd;
	union sockaddr_inx peer;
	enum conn_state state;
	char in[HTTP_MAX_HEAD];
	size_t in_len;
	char out[HTTP_OUT_HEAD];
	size_t out_len, out_sent;
	int file;                       /* body source, or -1 */
	off_t off;
	uint64_t left;                  /* body bytes still to send */
	/* The request being answered, as the logs, the status page and the
	 * client table show it: through log_vis(), as it comes from the
	 * client. */
	char method[16];
	char path[HTTP_MAX_PATH + 1];
	int status;
	uint64_t body_sent;
	uint64_t start_ms;
	bool keep_alive;
	bool counted_active;
	unsigned inline_depth;          /* see HTTP_MAX_INLINE */
	uint64_t acked;                 /* bytes the client had acknowledged
					 * when the idle timer was armed */
	struct client_ref cref;
	LIST_ENTRY(conn) entry;
	/* TLS only (NULL: plain HTTP) */
	struct ssl_st *ssl;
	bool want_write;                /* what the last TLS call waits for */
	bool ktls;                      /* bodies by SSL_sendfile */
	size_t rec_len, rec_sent;       /* plaintext in rec[] to write */
	uint64_t rec_body;              /* body bytes among them */
	char rec[];                     /* HTTPS_BUF bytes */
};

/* One listening socket: plain or TLS, IPv4 or IPv6.  Two per protocol,
 * IPv4 and IPv6-only, rather than one dual-stack socket: IPv4 peers stay
 * plain IPv4 in the logs (no ::ffff:a.b.c.d). */
struct listener {
	struct http *h;
	int fd;                         /* -1: not listening */
	bool tls;
	ev_io io;
};

enum { LIS_HTTP, LIS_HTTP6, LIS_HTTPS, LIS_HTTPS6, LIS_COUNT };

struct http {
	struct pxe_ctx *ctx;
	struct listener lis[LIS_COUNT];
	LIST_HEAD(, conn) conns;
	unsigned n_conns;               /* every listener's: one cap */
};

static void conn_timer(struct conn *c, double secs)
{
	struct ev_loop *loop = c->srv->ctx->loop;

	ev_timer_stop(loop, &c->timer);
	ev_timer_set(&c->timer, secs, 0);
	ev_timer_start(loop, &c->timer);
}

static void conn_watch(struct conn *c, int events)
{
	struct ev_loop *loop = c->srv->ctx->loop;

	if ((c->io.events & (EV_READ | EV_WRITE)) == events)
		return;         /* no epoll_ctl() for nothing */
	ev_io_stop(loop, &c->io);
	ev_io_set(&c->io, c->fd, events);
	ev_io_start(loop, &c->io);
}

static void finish_active(struct conn *c, bool ok)
{
	struct pxe_ctx *ctx = c->srv->ctx;

	if (!c->counted_active)
		return;
	c->counted_active = false;
	ctx->stats.http_active--;
	clients_transfer_end(ctx->clients, c->cref, c->body_sent,
			     (uint32_t)(now_ms() - c->start_ms), ok);
}

static void conn_free(struct conn *c)
{
	struct http *h = c->srv;
	struct ev_loop *loop = h->ctx->loop;

	finish_active(c, false);
	ev_io_stop(loop, &c->io);
	ev_timer_stop(loop, &c->timer);
	tls_conn_free(c->ssl);
	close(c->fd);
	if (c->file >= 0)
		close(c->file);
	LIST_REMOVE(c, entry);
	h->n_conns--;
	free(c);
}

static const char *proto(const struct conn *c)
{
	return c->ssl ? "https" : "http";
}

static void access_log(struct conn *c)
{
	struct pxe_ctx *ctx = c->srv->ctx;
	char peer[SOCKADDR_STR_MAX];

	sockaddr_str(peer, &c->peer);
	ctx->stats.http_requests++;
	ctx->stats.http_bytes += c->body_sent;
	if (c->status >= 400)
		ctx->stats.http_errors++;
	log_client("%s: %s %s %.*s %d %llu bytes %llu ms", proto(c), peer,
		   c->method, HTTP_LOG_PATH, c->path,
		   c->status,
		   (unsigned long long)c->body_sent,
		   (unsigned long long)(now_ms() - c->start_ms));
}

static void add_head(struct conn *c, const char *fmtstr, ...)
	__attribute__((format(printf, 2, 3)));
static void add_head(struct conn *c, const char *fmtstr, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmtstr);
	n = vsnprintf(c->out + c->out_len, sizeof(c->out) - c->out_len,
		      fmtstr, ap);
	va_end(ap);
	/* Our heads are short; a cut one would be a bug, so say so. */
	if (n < 0 || (size_t)n >= sizeof(c->out) - c->out_len)
		c->out_len = sizeof(c->out);
	else
		c->out_len += (size_t)n;
}

static void start_head(struct conn *c, int status)
{
	char date[40];

	c->status = status;
	c->out_len = c->out_sent = 0;
	http_format_date(time(NULL), date, sizeof(date));
	add_head(c, "HTTP/1.1 %d %s\r\nServer: pxeproxyd/%s\r\nDate: %s\r\n",
		 status, http_reason(status), PACKAGE_VERSION, date);
}

static void end_head(struct conn *c)
{
	add_head(c, "Connection: %s\r\n\r\n",
		 c->keep_alive ? "keep-alive" : "close");
}

/* A short text answer for errors and 304s. */
static void answer_status(struct conn *c, int status, bool body)
{
	char msg[64];
	int n = snprintf(msg, sizeof(msg), "%d %s\n", status,
			 http_reason(status));

	if (status == 400 || status == 414 || status == 431)
		c->keep_alive = false;  /* the stream may be out of step */
	start_head(c, status);
	if (status == 405)
		add_head(c, "Allow: GET, HEAD\r\n");
	if (status == 304) {
		end_head(c);
		return;
	}
	add_head(c, "Content-Type: text/plain; charset=utf-8\r\n"
		 "Content-Length: %d\r\n", n);
	end_head(c);
	if (body && c->out_len + (size_t)n < sizeof(c->out)) {
		memcpy(c->out + c->out_len, msg, (size_t)n);
		c->out_len += (size_t)n;
	}
}

static int open_target(struct conn *c, const struct http_request *r,
		       struct stat *st)
{
	char rel[HTTP_MAX_PATH + 1];
	int fd = path_normalize(r->path, r->path_len, rel, sizeof(rel));

	if (fd == -EINVAL)
		return 403;             /* the root itself: a directory */
	if (fd < 0)
		return fd == -ENAMETOOLONG ? 404 : 403;
	fd = path_open(c->srv->ctx->root_fd, rel, st);
	if (fd >= 0) {
		c->file = fd;
		return 0;
	}
	return fd == -ENOENT ? 404 : fd == -EISDIR || fd == -EACCES ? 403
								   : 500;
}

static void answer_file(struct conn *c, const struct http_request *r)
{
	struct stat st;
	uint64_t first = 0, last = 0, size;
	enum http_range_result rr = RANGE_IGNORE;
	char date[40];
	int st_code = open_target(c, r, &st);
	struct pxe_ctx *ctx = c->srv->ctx;

	if (st_code) {
		answer_status(c, st_code, r->method == HTTP_GET);
		return;
	}
	size = (uint64_t)st.st_size;
	if (r->has_ims && st.st_mtime <= r->ims && !r->has_range) {
		close(c->file);
		c->file = -1;
		answer_status(c, 304, false);
		return;
	}
	if (r->has_range)
		rr = http_parse_range(r->range, size, &first, &last);
	if (rr == RANGE_UNSATISFIABLE) {
		close(c->file);
		c->file = -1;
		/* RFC 9110 15.5.17: say what the size is. */
		start_head(c, 416);
		add_head(c, "Content-Range: bytes */%llu\r\nContent-Length: "
			 "0\r\n", (unsigned long long)size);
		end_head(c);
		return;
	}
	if (rr != RANGE_OK) {
		first = 0;
		last = size ? size - 1 : 0;
	}
	http_format_date(st.st_mtime, date, sizeof(date));
	start_head(c, rr == RANGE_OK ? 206 : 200);
	add_head(c, "Content-Type: %s\r\nContent-Length: %llu\r\n"
		 "Last-Modified: %s\r\nAccept-Ranges: bytes\r\n",
		 http_content_type(r->path),
		 (unsigned long long)(size ? last - first + 1 : 0), date);
	if (rr == RANGE_OK)
		add_head(c, "Content-Range: bytes %llu-%llu/%llu\r\n",
			 (unsigned long long)first, (unsigned long long)last,
			 (unsigned long long)size);
	end_head(c);
	c->off = (off_t)first;
	c->left = size && r->method == HTTP_GET ? last - first + 1 : 0;
	if (r->method == HTTP_GET) {
		c->counted_active = true;
		ctx->stats.http_active++;
		c->cref = clients_note_transfer(ctx, sockaddr_ip(&c->peer), 0,
						proto(c), c->path);
	}
}

static bool send_some(struct conn *c);
static void sending_timer(struct conn *c);

/* What the logs and the status page show of a request. */
static void shown(struct conn *c, const char *method, size_t mlen,
		  const char *path, size_t plen)
{
	log_vis(c->method, sizeof(c->method), method, mlen);
	log_vis(c->path, sizeof(c->path), path, plen);
}

/* Answers the request at the start of c->in (head of length len).  False
 * when the connection is gone. */
static bool answer(struct conn *c, size_t len)
{
	struct http_request r;
	int st = http_parse_request(c->in, len, &r);

	c->start_ms = now_ms();
	c->body_sent = 0;
	c->left = 0;
	if (st)
		shown(c, "-", 1, "-", 1);
	else
		shown(c, r.method_str, strlen(r.method_str), r.path,
		      r.path_len);
	c->keep_alive = !st && r.keep_alive;
	if (st)
		answer_status(c, st, true);
	else if (r.method == HTTP_OTHER)
		answer_status(c, 405, true);
	else
		answer_file(c, &r);
	/* Drop the answered head; a pipelined request may follow. */
	memmove(c->in, c->in + len, c->in_len - len);
	c->in_len -= len;
	c->state = SENDING;
	/* Most answers fit the socket buffer: send now; send_some() watches
	 * for what it waits for when something is left. */
	if (c->inline_depth < HTTP_MAX_INLINE) {
		c->inline_depth++;
		if (!send_some(c))
			return false;
		c->inline_depth--;
	} else {
		conn_watch(c, EV_WRITE);
	}
	if (c->state == SENDING)
		sending_timer(c);
	return true;
}

/* Bytes OpenSSL has decrypted already wait there, not in the socket:
 * without this the loop would not wake up for them. */
static void read_pending(struct conn *c)
{
	if (c->ssl && tls_pending(c->ssl))
		ev_feed_event(c->srv->ctx->loop, &c->io, EV_READ);
}

/* After a response: the next request, or close.  False when the
 * connection is gone. */
static bool response_done(struct conn *c)
{
	size_t len;

	finish_active(c, true);
	access_log(c);
	if (c->file >= 0) {
		close(c->file);
		c->file = -1;
	}
	if (!c->keep_alive) {
		if (c->ssl)
			tls_shutdown(c->ssl);
		shutdown(c->fd, SHUT_WR);
		c->state = LINGERING;
		conn_watch(c, EV_READ);
		conn_timer(c, HTTP_LINGER);
		return true;
	}
	c->state = READING;
	conn_watch(c, EV_READ);
	if ((len = http_head_length(c->in, c->in_len)) > 0)
		return answer(c, len);
	conn_timer(c, c->in_len ? HTTP_HEAD_TIMEOUT
				: c->srv->ctx->cfg->http_idle_timeout_s);
	read_pending(c);
	return true;
}

/* Plain HTTP: the head by send(), the body by sendfile(), a slice at
 * most.  0 when that went, else -errno (-EAGAIN: the socket is full). */
static int send_plain(struct conn *c)
{
	size_t budget = HTTP_SLICE;
	/* MSG_MORE: the head waits for the first body bytes and leaves in
	 * the same segment; with TCP_NODELAY (on_accept) the last segment
	 * of a response is never held back for the client's delayed ACK. */
	int more = c->left ? MSG_MORE : 0;

	c->want_write = true;
	while (c->out_sent < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_sent,
				 c->out_len - c->out_sent, MSG_NOSIGNAL | more);

		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		c->out_sent += (size_t)n;
	}
	while (c->left && budget) {
		ssize_t n = sendfile(c->fd, c->file, &c->off,
				     MIN(c->left, (uint64_t)budget));

		if (n <= 0)     /* the client went away, or the file shrank */
			return n < 0 ? -errno : -EIO;
		c->left -= (uint64_t)n;
		c->body_sent += (uint64_t)n;
		budget -= (size_t)n;
	}
	return 0;
}

/* TLS: the next records' plaintext: what is left of the head, then body
 * bytes from the file (unless the kernel encrypts: SSL_sendfile). */
static int fill_records(struct conn *c)
{
	size_t head = MIN(c->out_len - c->out_sent, (size_t)HTTPS_BUF);

	memcpy(c->rec, c->out + c->out_sent, head);
	c->out_sent += head;
	c->rec_len = head;
	c->rec_sent = 0;
	c->rec_body = 0;
	while (!c->ktls && c->left && c->rec_len < HTTPS_BUF) {
		ssize_t n = pread(c->file, c->rec + c->rec_len,
				  MIN(c->left, (uint64_t)(HTTPS_BUF -
							  c->rec_len)),
				  c->off);

		if (n <= 0)
			return n < 0 ? -errno : -EIO;   /* the file shrank */
		c->off += n;
		c->left -= (uint64_t)n;
		c->rec_len += (size_t)n;
		c->rec_body += (uint64_t)n;
	}
	return 0;
}

/* TLS: records written from rec[], HTTPS_SLICE bytes at most; a write
 * OpenSSL could not finish is offered again as it was (its rule). */
static int send_tls(struct conn *c)
{
	size_t budget = HTTPS_SLICE;
	ssize_t n;
	int r;

	while (c->rec_sent < c->rec_len || c->out_sent < c->out_len ||
	       (c->left && !c->ktls)) {
		if (c->rec_sent == c->rec_len) {
			if (!budget)
				return 0;
			if ((r = fill_records(c)) < 0)
				return r;
		}
		n = tls_write(c->ssl, c->rec + c->rec_sent,
			      c->rec_len - c->rec_sent, &c->want_write);
		if (n < 0)
			return (int)n;
		c->rec_sent += (size_t)n;
		budget -= MIN(budget, (size_t)n);
		if (c->rec_sent == c->rec_len)
			c->body_sent += c->rec_body;
	}
	while (c->left && budget) {
		n = tls_sendfile(c->ssl, c->file, c->off,
				 MIN(c->left, (uint64_t)budget),
				 &c->want_write);
		if (n < 0)
			return (int)n;
		c->off += n;
		c->left -= (uint64_t)n;
		c->body_sent += (uint64_t)n;
		budget -= (size_t)n;
	}
	return 0;
}

/* Sends what the socket takes of the response.  False when the
 * connection is gone. */
static bool send_some(struct conn *c)
{
	int r = c->ssl ? send_tls(c) : send_plain(c);

	if (r == -EAGAIN || r == -EINTR) {
		conn_watch(c, c->want_write ? EV_WRITE : EV_READ);
		return true;
	}
	if (r < 0) {
		conn_free(c);
		return false;
	}
	if (c->left || c->out_sent < c->out_len || c->rec_sent < c->rec_len) {
		conn_watch(c, EV_WRITE);        /* more next time: others' turn */
		return true;
	}
	return response_done(c);
}

/* recv(), or its TLS counterpart. */
static ssize_t conn_recv(struct conn *c, void *buf, size_t len)
{
	ssize_t n;

	if (c->ssl)
		return tls_read(c->ssl, buf, len, &c->want_write);
	c->want_write = false;
	n = recv(c->fd, buf, len, 0);
	return n < 0 ? -errno : n;
}

static void read_some(struct conn *c)
{
	size_t len;
	ssize_t n = conn_recv(c, c->in + c->in_len, sizeof(c->in) - c->in_len);

	if (n == -EAGAIN || n == -EINTR) {
		conn_watch(c, c->want_write ? EV_WRITE : EV_READ);
		return;
	}
	if (n <= 0) {
		conn_free(c);
		return;
	}
	conn_watch(c, EV_READ);         /* after a TLS call that wanted out */
	if (c->in_len == 0)
		conn_timer(c, HTTP_HEAD_TIMEOUT);
	c->in_len += (size_t)n;
	if ((len = http_head_length(c->in, c->in_len)) > 0) {
		answer(c, len);
		return;
	}
	if (c->in_len == sizeof(c->in)) {
		/* No end of head in the whole buffer. */
		shown(c, "-", 1, "-", 1);
		c->start_ms = now_ms();
		c->keep_alive = false;
		answer_status(c, http_overflow_status(c->in, c->in_len), true);
		c->in_len = 0;
		c->state = SENDING;
		conn_watch(c, EV_WRITE);
		return;
	}
	read_pending(c);
}

static void handshake(struct conn *c)
{
	struct pxe_ctx *ctx = c->srv->ctx;
	char peer[SOCKADDR_STR_MAX], why[256];
	int r = tls_accept(c->ssl, &c->want_write);

	if (r == -EAGAIN || r == -EINTR) {
		conn_watch(c, c->want_write ? EV_WRITE : EV_READ);
		return;
	}
	sockaddr_str(peer, &c->peer);
	if (r < 0) {
		ctx->stats.tls_failed++;
		log_debug_rl("https: %s: TLS handshake failed: %s", peer,
			     r == -EPROTO ? tls_error(why, sizeof(why))
					  : strerror(-r));
		conn_free(c);
		return;
	}
	ctx->stats.tls_handshakes++;
	c->ktls = tls_kernel_send(c->ssl);
	log_debug_rl("https: %s: %s%s", peer,
		     tls_conn_desc(c->ssl, why, sizeof(why)),
		     c->ktls ? ", kernel TLS" : "");
	c->state = READING;
	conn_watch(c, EV_READ);
	conn_timer(c, ctx->cfg->http_idle_timeout_s);
	read_pending(c);
}

static void drain(struct conn *c)
{
	char junk[4096];
	ssize_t n = recv(c->fd, junk, sizeof(junk), 0);

	if (n == 0 || (n < 0 && errno != EAGAIN))
		conn_free(c);
}

static void on_conn(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn *c = w->data;

	if (c->state == HANDSHAKE)
		handshake(c);
	else if (c->state == LINGERING)
		drain(c);
	else if (c->state == READING)
		read_some(c);
	else if (send_some(c) && c->state == SENDING)
		sending_timer(c);
}

/* The kernel's view of the connection; false when it cannot be had. */
static bool tcp_state(int fd, struct tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	memset(ti, 0, sizeof(*ti));
	return getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &len) == 0;
}

/* Arms the idle timer of a connection that is sending. */
static void sending_timer(struct conn *c)
{
	struct tcp_info ti;

	c->acked = tcp_state(c->fd, &ti) ? ti.tcpi_bytes_acked : 0;
	conn_timer(c, c->srv->ctx->cfg->http_idle_timeout_s);
}

/* A body still moving, however slowly: the client acknowledged bytes
 * since the timer was armed (on a lossy link the socket may not become
 * writable for longer than the idle timeout, since the kernel waits for
 * much of its buffer to drain), or the kernel is resending what was
 * lost (its timer backs off to tens of seconds there).  A client that
 * stopped reading shows neither: a zero window, window probes only. */
static bool still_sending(struct conn *c, struct tcp_info *ti)
{
	if (!tcp_state(c->fd, ti))
		return false;
	return ti->tcpi_bytes_acked > c->acked || ti->tcpi_retransmits > 0;
}

/* The client sent bytes we have not read yet. */
static bool unread_input(int fd)
{
	int n = 0;

	return ioctl(fd, FIONREAD, &n) == 0 && n > 0;
}

static void on_conn_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct conn *c = w->data;
	char peer[SOCKADDR_STR_MAX];
	struct tcp_info ti;

	if (c->state == HANDSHAKE && unread_input(c->fd) &&
	    now_ms() - c->start_ms < HTTPS_HANDSHAKE_MAX_MS) {
		conn_timer(c, HTTPS_HANDSHAKE_RECHECK);
		return;
	}
	/* A body that could still go on is not cut: without progress the
	 * kernel gives up on its own after HTTP_STALL_LIMIT_MS, and the next
	 * write fails. */
	if (c->state == SENDING && still_sending(c, &ti)) {
		sending_timer(c);
		return;
	}
	sockaddr_str(peer, &c->peer);
	if (c->state == LINGERING)
		;       /* done with it either way */
	else if (c->state == SENDING)
		log_client("%s: %s %s %.*s: client stopped reading "
			   "after %llu bytes (nothing acknowledged in %u s, "
			   "its window %u); closed", proto(c), peer, c->method,
			   HTTP_LOG_PATH,
			   c->path,
			   (unsigned long long)c->body_sent,
			   c->srv->ctx->cfg->http_idle_timeout_s,
			   ti.tcpi_snd_wnd);
	else if (c->state == HANDSHAKE)
		log_debug_rl("https: %s: TLS handshake not complete in "
			     "%.0f s; closed", peer, HTTPS_HANDSHAKE_TIMEOUT);
	else if (c->in_len)
		log_debug_rl("%s: %s: request head not complete in "
			     "%.0f s; closed", proto(c), peer, HTTP_HEAD_TIMEOUT);
	conn_free(c);
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	const struct listener *l = w->data;
	struct http *h = l->h;
	bool tls = l->tls;
	int one = 1;

	for (int i = 0; i < 16; i++) {
		union sockaddr_inx peer;
		socklen_t sl = sizeof(peer);
		int fd = accept4(w->fd, &peer.sa, &sl,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		char shown[SOCKADDR_STR_MAX];
		struct conn *c;

		if (fd < 0)
			return;
		if (h->n_conns >= h->ctx->cfg->http_max_conns ||
		    !(c = calloc(1, sizeof(*c) + (tls ? HTTPS_BUF : 0)))) {
			log_warnx_rl("http: %u connections open ([http] "
				     "max-connections): refusing %s",
				     h->n_conns, sockaddr_str(shown, &peer));
			close(fd);
			continue;
		}
		if (tls && !(c->ssl = tls_conn_new(h->ctx->tls, fd))) {
			log_warnx_rl("https: out of memory: refusing %s",
				     sockaddr_str(shown, &peer));
			free(c);
			close(fd);
			continue;
		}
		/* Responses are written whole (head, then sendfile): Nagle
		 * would hold a small body back until the head is acked. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->srv = h;
		c->fd = fd;
		c->file = -1;
		c->peer = peer;
		c->state = tls ? HANDSHAKE : READING;
		c->start_ms = now_ms();
		LIST_INSERT_HEAD(&h->conns, c, entry);
		h->n_conns++;
		ev_io_init(&c->io, on_conn, fd, EV_READ);
		ev_timer_init(&c->timer, on_conn_timeout,
			      tls ? HTTPS_HANDSHAKE_TIMEOUT
				  : h->ctx->cfg->http_idle_timeout_s, 0);
		c->io.data = c->timer.data = c;
		ev_io_start(loop, &c->io);
		ev_timer_start(loop, &c->timer);
	}
}

/* A listening socket on addr (port set); an IPv6 one takes IPv6 only. */
static int listen_on(const union sockaddr_inx *addr)
{
	int fd, on = 1, err, stall_ms = HTTP_STALL_LIMIT_MS;

	fd = socket(addr->sa.sa_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* TCP_USER_TIMEOUT is inherited by every accepted connection. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    (addr->sa.sa_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &stall_ms,
		       sizeof(stall_ms)) < 0 ||
	    bind(fd, &addr->sa, sockaddr_len(addr)) < 0 ||
	    listen(fd, 512) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* The server every listener shares (one connection list, one cap). */
static struct http *http_get(struct pxe_ctx *ctx)
{
	struct http *h = ctx->http;

	if (h)
		return h;
	h = xcalloc(1, sizeof(*h));
	h->ctx = ctx;
	for (size_t i = 0; i < ARRAY_SIZE(h->lis); i++) {
		h->lis[i].h = h;
		h->lis[i].fd = -1;
	}
	LIST_INIT(&h->conns);
	ctx->http = h;
	return h;
}

static void listener_set(struct http *h, int which, int fd, bool tls)
{
	struct listener *l = &h->lis[which];

	l->fd = fd;
	l->tls = tls;
	ev_io_init(&l->io, on_accept, fd, EV_READ);
	l->io.data = l;
}

/* Listeners on addr4 and, unless addr6 is none, addr6, both on port,
 * as lis[which] and lis[which + 1]; -errno. */
static int listen_pair(struct pxe_ctx *ctx, int which, bool tls,
		       struct in_addr addr4, const struct conf_addr6 *addr6,
		       unsigned port)
{
	union sockaddr_inx a4 = { .in = { .sin_family = AF_INET } };
	union sockaddr_inx a6 = { .in6 = { .sin6_family = AF_INET6 } };
	int fd, fd6 = -1;
	struct http *h;

	a4.in.sin_addr = addr4;
	a4.in.sin_port = htons((uint16_t)port);
	if ((fd = listen_on(&a4)) < 0)
		return fd;
	if (!addr6->none) {
		a6.in6.sin6_addr = addr6->addr;
		a6.in6.sin6_port = a4.in.sin_port;
		fd6 = listen_on(&a6);
	}
	/* A kernel without IPv6 (ipv6.disable=1) serves IPv4 as before. */
	if (fd6 == -EAFNOSUPPORT) {
		log_info("%s: no IPv6 in this kernel; IPv4 only",
			 tls ? "https" : "http");
	} else if (fd6 < 0 && !addr6->none) {
		close(fd);
		return fd6;
	}
	h = http_get(ctx);
	listener_set(h, which, fd, tls);
	if (fd6 >= 0)
		listener_set(h, which + 1, fd6, tls);
	return 0;
}

int http_open(struct pxe_ctx *ctx)
{
	const struct config *cfg = ctx->cfg;

	return listen_pair(ctx, LIS_HTTP, false, cfg->http_addr,
			   &cfg->http_addr6, cfg->http_port);
}

int https_open(struct pxe_ctx *ctx)
{
	const struct config *cfg = ctx->cfg;

	return listen_pair(ctx, LIS_HTTPS, true, cfg->https_addr,
			   &cfg->https_addr6, cfg->https_port);
}

void http_start(struct pxe_ctx *ctx)
{
	struct http *h = ctx->http;

	if (!h)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(h->lis); i++)
		if (h->lis[i].fd >= 0)
			ev_io_start(ctx->loop, &h->lis[i].io);
}

void http_close(struct pxe_ctx *ctx)
{
	struct http *h = ctx->http;

	if (!h)
		return;
	while (!LIST_EMPTY(&h->conns))
		conn_free(LIST_FIRST(&h->conns));
	for (size_t i = 0; i < ARRAY_SIZE(h->lis); i++) {
		if (h->lis[i].fd < 0)
			continue;
		ev_io_stop(ctx->loop, &h->lis[i].io);
		close(h->lis[i].fd);
	}
	free(h);
	ctx->http = NULL;
}
