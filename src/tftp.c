/* The TFTP server: read-only, from the boot root, in the one loop.
 *
 * Requests arrive on port 69 (wildcard, IP_PKTINFO; and [::]:69, IPv6
 * only, IPV6_PKTINFO: one policy, one root for both); each transfer gets a
 * socket of its own, bound to the address the request was sent to and
 * connected to the client, so the kernel keeps other TIDs away.  Data is
 * read with pread() one block at a time: nothing of a file is held per
 * client beyond one block.
 *
 * Sending: a window of blocks (RFC 7440; 1 is classic lock-step), then
 * wait.  Only a timeout retransmits, never a duplicate ACK, so there is no
 * Sorcerer's Apprentice.  An ACK inside the window means the client lost
 * what followed: the window restarts after it.  Block numbers are 16 bits
 * on the wire and wrap; the transfer counts in 64 bits.
 *
 * Retransmission: a client that asked for a timeout (RFC 2349) gets it.
 * Otherwise the timeout adapts to the measured round trip (Karn: only
 * blocks sent once are timed), doubling per loss up to [tftp] retransmit;
 * [tftp] retries timeouts at that ceiling end the transfer.
 *
 * Mode: only "octet".  "netascii" is refused with a clear error: boot
 * files are binary, and converting line ends of a binary by mistake
 * would corrupt it silently.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clients.h"
#include "ctx.h"
#include "log.h"
#include "netif.h"
#include "path.h"
#include "rpi.h"
#include "tftp.h"
#include "tftp_proto.h"
#include "udp.h"
#include "util.h"

/* Floor of the adaptive timeout: a LAN round trip is far below it, and a
 * slow ROM that pauses longer costs only a duplicate block (re-ACKed, never
 * re-streamed). */
#define RTO_MIN_MS 10

struct xfer {
	struct tftp *srv;
	ev_io io;
	ev_timer timer;
	int sock, fd;
	union sockaddr_inx peer;
	char name[TFTP_MAX_NAME + 1];   /* as opened, to match a resent RRQ */
	char shown[TFTP_MAX_NAME + 1];  /* the same for logs: log_vis() */
	struct tftp_params p;
	uint64_t size;
	uint64_t last;          /* number of the last block */
	uint64_t acked;         /* highest block acknowledged */
	uint64_t sent;          /* highest block sent */
	bool oack_wait;         /* OACK sent, waiting for ACK 0 */
	bool resent;            /* the window in flight was a retransmit */
	unsigned rto_ms, max_rto_ms, srtt_ms;
	bool have_rtt;
	unsigned retries, retransmits;
	uint64_t start_ms, window_ms;
	struct client_ref cref;
	LIST_ENTRY(xfer) entry;
	uint8_t *buf;           /* one packet: DATA or a control packet */
	size_t buf_cap;
};

/* Where a request came from and went to, for either family. */
struct req_meta {
	union sockaddr_inx from;
	union sockaddr_inx local;       /* our address it was sent to; port 0 */
	int ifindex;
	bool truncated;
};

struct tftp {
	struct pxe_ctx *ctx;
	int fd, fd6;                    /* fd6 -1: no IPv6 in this kernel */
	ev_io io, io6;
	LIST_HEAD(, xfer) xfers;
	unsigned n_xfers;
};

static void xfer_end(struct xfer *x, bool ok, const char *why)
{
	struct tftp *t = x->srv;
	struct pxe_ctx *ctx = t->ctx;
	uint64_t ms = now_ms() - x->start_ms;
	uint64_t bytes = MIN(x->acked * x->p.blksize, x->size);
	char peer[SOCKADDR_STR_MAX];

	sockaddr_str(peer, &x->peer);
	if (ok) {
		ctx->stats.tftp_transfers++;
		ctx->stats.tftp_bytes += x->size;
		log_client("tftp: %s %s: %llu bytes in %.3f s (%.1f MB/s), "
			   "blksize %u, windowsize %u, %u retransmits", peer,
			   x->shown,
			   (unsigned long long)x->size, ms / 1000.0,
			   ms ? x->size / 1000.0 / ms : 0.0, x->p.blksize,
			   x->p.windowsize, x->retransmits);
	} else if (why) {
		ctx->stats.tftp_errors++;
		log_client("tftp: %s %s: ended after %llu bytes: %s", peer,
			   x->shown,
			   (unsigned long long)bytes, why);
	}
	clients_transfer_end(ctx->clients, x->cref, ok ? x->size : bytes,
			     (uint32_t)ms, ok);
	ev_io_stop(ctx->loop, &x->io);
	ev_timer_stop(ctx->loop, &x->timer);
	close(x->sock);
	close(x->fd);
	LIST_REMOVE(x, entry);
	t->n_xfers--;
	ctx->stats.tftp_active = t->n_xfers;
	free(x->buf);
	free(x);
}

static int send_block(struct xfer *x, uint64_t block)
{
	uint8_t *data;
	uint64_t off = (block - 1) * x->p.blksize;
	size_t want = off >= x->size ? 0 : MIN(x->p.blksize, x->size - off);
	int len = tftp_build_data_header((uint16_t)block, x->buf, x->buf_cap,
					 &data, want);
	ssize_t n = 0;

	if (len < 0)
		return len;
	/* A file cut shorter since the request reads short: that is an
	 * error for this client, not a shorter file. */
	if (want && (n = pread(x->fd, data, want, (off_t)off)) !=
		    (ssize_t)want)
		return n < 0 ? -errno : -EIO;
	if (send(x->sock, x->buf, (size_t)len, MSG_DONTWAIT) < 0 &&
	    errno != EAGAIN && errno != ENOBUFS)
		return -errno;
	return 0;
}

static void arm_timer(struct xfer *x)
{
	ev_timer_stop(x->srv->ctx->loop, &x->timer);
	ev_timer_set(&x->timer, x->rto_ms / 1000.0, 0);
	ev_timer_start(x->srv->ctx->loop, &x->timer);
}

/* An OACK or ERROR built into x->buf (len < 0: it did not fit). */
static void send_ctrl(struct xfer *x, int len)
{
	if (len > 0)
		send(x->sock, x->buf, (size_t)len, MSG_DONTWAIT);
}

/* Blocks acked+1 .. acked+windowsize.  False when the transfer ended
 * (and x is gone). */
static bool send_window(struct xfer *x, bool retransmit)
{
	uint64_t upto = MIN(x->acked + x->p.windowsize, x->last);
	int err;

	for (uint64_t b = x->acked + 1; b <= upto; b++) {
		if ((err = send_block(x, b)) < 0) {
			errno = -err;
			log_warn("tftp: %s", x->shown);
			/* Tell the client, or it retries into silence. */
			send_ctrl(x, tftp_build_error(TERR_UNDEF, "read error",
						      x->buf, x->buf_cap));
			xfer_end(x, false, "read or send failed");
			return false;
		}
	}
	x->sent = upto;
	x->resent = retransmit;
	x->window_ms = now_ms();
	arm_timer(x);
	return true;
}

/* The OACK is not bound by the blksize it acknowledges (blksize 8 with
 * tsize does not fit 8 bytes): it has the whole buffer. */
static void send_oack(struct xfer *x)
{
	send_ctrl(x, tftp_build_oack(&x->p, x->buf, x->buf_cap));
	x->window_ms = now_ms();
	arm_timer(x);
}

/* The timeout the measured round trip calls for. */
static unsigned base_rto(const struct xfer *x)
{
	if (x->p.timeout)
		return x->max_rto_ms;   /* the client fixed it */
	if (!x->srtt_ms && !x->have_rtt)
		return MIN(200u, x->max_rto_ms);
	return MIN(MAX(RTO_MIN_MS, 4 * x->srtt_ms + 4), x->max_rto_ms);
}

/* RFC 6298 in miniature, in milliseconds. */
static void sample_rtt(struct xfer *x)
{
	unsigned rtt = (unsigned)MIN(now_ms() - x->window_ms, 60000);

	x->srtt_ms = x->have_rtt ? (7 * x->srtt_ms + rtt) / 8 : rtt;
	x->have_rtt = true;
}

/* False when the transfer ended (and x is gone). */
static bool on_ack(struct xfer *x, uint16_t block)
{
	/* The 64-bit block this 16-bit number stands for, counted from the
	 * last acknowledged one. */
	uint64_t delta = (uint16_t)(block - (uint16_t)x->acked);

	if (x->oack_wait) {
		if (block != 0)
			return true;
		x->oack_wait = false;
		if (!x->retransmits)
			sample_rtt(x);
		x->rto_ms = base_rto(x);
		return send_window(x, false);
	}
	if (delta == 0 || delta > x->sent - x->acked)
		return true;            /* duplicate or stray: no resend */
	x->acked += delta;
	x->retries = 0;
	if (!x->resent && x->acked == x->sent)
		sample_rtt(x);
	/* Progress: back off no more.  A lossy link should cost a round
	 * trip per loss, not seconds; a spurious resend costs a block. */
	x->rto_ms = base_rto(x);
	if (x->acked >= x->last) {
		xfer_end(x, true, NULL);
		return false;
	}
	/* Whole window acked, or the client says it lost the rest. */
	return send_window(x, x->acked < x->sent);
}

/* One packet per wake-up: in lock-step the next ACK cannot be there yet
 * (a second recv() would only say EAGAIN), and the watcher is
 * level-triggered, so anything more queued wakes the loop again. */
static void on_xfer_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct xfer *x = w->data;
	uint8_t pkt[TFTP_MAX_REQUEST];
	ssize_t n = recv(x->sock, pkt, sizeof(pkt), MSG_DONTWAIT);
	uint16_t op, arg;

	if (n < 0 || tftp_parse_reply(pkt, (size_t)n, &op, &arg) < 0)
		return;         /* EAGAIN, an ICMP error (the timer), junk */
	if (op == TFTP_ERROR) {
		/* EDK2 reads tsize then aborts on purpose (code 8). */
		log_debug("tftp: %s: client sent error %u, transfer ends",
			  x->shown, arg);
		xfer_end(x, false, NULL);
		return;
	}
	on_ack(x, arg);
}

static void on_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct xfer *x = w->data;

	if (x->rto_ms >= x->max_rto_ms &&
	    ++x->retries > x->srv->ctx->cfg->tftp_retries) {
		xfer_end(x, false, "client stopped answering");
		return;
	}
	x->rto_ms = MIN(x->rto_ms * 2, x->max_rto_ms);
	x->retransmits++;
	if (x->oack_wait)
		send_oack(x);
	else
		send_window(x, true);
}

/* A socket on one of our addresses, any port: a transfer's, or an
 * error's.  A link-local IPv6 one is scoped to the request's interface. */
static int bind_local(const struct req_meta *m)
{
	if (m->local.sa.sa_family == AF_INET6)
		return udp6_bind_addr(&m->local.in6.sin6_addr, m->ifindex, 0);
	return udp_bind(m->local.in.sin_addr, 0, false);
}

/* An error from a fresh port, as a transfer would send it: clients lock
 * onto the first port that answers. */
static void send_error(struct pxe_ctx *ctx, const struct req_meta *m,
		       unsigned code, const char *msg)
{
	uint8_t pkt[TFTP_CTRL_MAX];
	int n = tftp_build_error(code, msg, pkt, sizeof(pkt));
	int s = bind_local(m);

	if (s < 0 || n < 0) {
		if (s >= 0)
			close(s);
		return;
	}
	sendto(s, pkt, (size_t)n, MSG_DONTWAIT, &m->from.sa,
	       sockaddr_len(&m->from));
	close(s);
	ctx->stats.tftp_errors++;
}

/* The largest block that fits the path without IP fragments: 1500 - 28
 * - 4 over IPv4, 1500 - 48 - 4 over IPv6 (EDK2 asks 1228 there, which
 * fits even the IPv6 minimum MTU of 1280). */
static unsigned mtu_blksize(int sock, bool v6)
{
	unsigned hdr = v6 ? IPV6_UDP_HDR_LEN : IPV4_UDP_HDR_LEN;
	int mtu = 0;
	socklen_t len = sizeof(mtu);

	if (getsockopt(sock, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
		       v6 ? IPV6_MTU : IP_MTU, &mtu, &len) < 0 ||
	    mtu <= (int)(hdr + TFTP_DEFAULT_BLKSIZE))
		return 0;
	return (unsigned)mtu - hdr - TFTP_DATA_HDR;
}

static int open_file(struct pxe_ctx *ctx, const struct tftp_request *r,
		     const struct req_meta *m, char *name, struct stat *st)
{
	char peer[INET6_ADDRSTRLEN], vis[80], served[TFTP_MAX_NAME + 1];
	struct ipaddr from = sockaddr_ip(&m->from);
	int fd = path_normalize(r->file, r->file_len, name, TFTP_MAX_NAME + 1);

	ipaddr_str(peer, &from);
	/* A "refuse = yes" rule's offer: refused at once, even if a file of
	 * that name exists, so the firmware moves on to its next option. */
	if (fd == 0 && !strcmp(name, BOOT_REFUSED_NAME)) {
		log_client("tftp: %s: %s refused by rule: the firmware moves "
			   "on to its next boot option", peer, name);
		send_error(ctx, m, TERR_NOTFOUND,
			   "refused by rule: try the next boot option");
		return -1;
	}
	/* A Raspberry Pi's "<serial>/NAME" may come from a shared dir. */
	if (fd == 0)
		fd = rpi_path_open(ctx->cfg, ctx->root_fd, name, st, served,
				   sizeof(served));
	if (fd >= 0) {
		if (strcmp(served, name)) {
			log_vis(vis, sizeof(vis), served, strlen(served));
			log_debug("tftp: %s: per-device name served from %s",
				  peer, vis);
		}
		return fd;
	}
	log_vis(vis, sizeof(vis), r->file, r->file_len);
	if (fd == -ENOENT || fd == -EISDIR || fd == -EINVAL) {
		/* pxelinux probes many names that do not exist. */
		log_debug_rl("tftp: %s: %s: not found", peer, vis);
		send_error(ctx, m, TERR_NOTFOUND, NULL);
	} else {
		log_warnx_rl("tftp: %s: %s: refused (%s)", peer, vis,
			     fd == -EACCES ? "outside the root or not a "
			     "readable file" : strerror(-fd));
		send_error(ctx, m, TERR_ACCESS, NULL);
	}
	return -1;
}

static struct xfer *xfer_new(struct tftp *t, const struct req_meta *m,
			     int fd, const struct stat *st)
{
	struct xfer *x = calloc(1, sizeof(*x));
	struct req_meta local = *m;

	if (!x)
		return NULL;
	x->fd = fd;
	x->size = (uint64_t)st->st_size;
	x->peer = m->from;
	x->srv = t;
	/* A broadcast RRQ: answer from our address on that interface. */
	if (m->local.sa.sa_family == AF_INET &&
	    m->local.in.sin_addr.s_addr == htonl(INADDR_BROADCAST)) {
		char ifname[IF_NAMESIZE];

		netif_server_addr(t->ctx, m->ifindex, m->from.in.sin_addr,
				  &local.local.in.sin_addr, ifname);
	}
	x->sock = bind_local(&local);
	if (x->sock < 0 || connect(x->sock, &m->from.sa,
				   sockaddr_len(&m->from)) < 0) {
		if (x->sock >= 0)
			close(x->sock);
		free(x);
		return NULL;
	}
	return x;
}

static void start_transfer(struct tftp *t, const struct tftp_request *r,
			   const struct req_meta *m)
{
	struct pxe_ctx *ctx = t->ctx;
	const struct config *c = ctx->cfg;
	struct tftp_limits lim = { c->tftp_max_blksize, 0,
				   c->tftp_max_windowsize };
	char name[TFTP_MAX_NAME + 1];
	struct stat st;
	struct xfer *x;
	int fd;

	if (t->n_xfers >= c->tftp_max_transfers) {
		log_warnx_rl("tftp: %u transfers at once ([tftp] "
			     "max-transfers): refusing one", t->n_xfers);
		send_error(ctx, m, TERR_UNDEF, "server busy, try again");
		return;
	}
	if ((fd = open_file(ctx, r, m, name, &st)) < 0)
		return;
	if (!(x = xfer_new(t, m, fd, &st))) {
		close(fd);
		send_error(ctx, m, TERR_UNDEF, "server out of resources");
		return;
	}
	snprintf(x->name, sizeof(x->name), "%s", name);
	log_vis(x->shown, sizeof(x->shown), name, strlen(name));
	lim.mtu_blksize = mtu_blksize(x->sock,
				      m->from.sa.sa_family == AF_INET6);
	tftp_negotiate(r, x->size, &lim, &x->p);
	x->last = x->size / x->p.blksize + 1;   /* the last one is short */
	x->buf_cap = MAX(TFTP_DATA_HDR + x->p.blksize, TFTP_CTRL_MAX);
	x->buf = malloc(x->buf_cap);
	if (!x->buf) {
		close(x->sock);
		close(fd);
		free(x);
		return;
	}
	x->max_rto_ms = x->p.timeout ? x->p.timeout * 1000 : c->tftp_timeout_ms;
	x->rto_ms = base_rto(x);
	x->start_ms = now_ms();
	LIST_INSERT_HEAD(&t->xfers, x, entry);
	ctx->stats.tftp_active = ++t->n_xfers;
	x->cref = clients_note_transfer(ctx, sockaddr_ip(&m->from),
					m->ifindex, "tftp", name);
	ev_io_init(&x->io, on_xfer_readable, x->sock, EV_READ);
	ev_timer_init(&x->timer, on_timeout, 1, 0);
	x->io.data = x->timer.data = x;
	ev_io_start(ctx->loop, &x->io);
	if (x->p.oack) {
		x->oack_wait = true;
		send_oack(x);
	} else {
		send_window(x, false);
	}
}

static struct xfer *xfer_from(struct tftp *t, const union sockaddr_inx *peer)
{
	struct xfer *x;

	LIST_FOREACH(x, &t->xfers, entry)
		if (sockaddr_same(&x->peer, peer))
			return x;
	return NULL;
}

/* Packets the client sent the transfer before the RRQ now in hand, not
 * read yet: they go first.  The Raspberry Pi's loaders probe a file's
 * size (OACK, ERROR) and read files one after another from one port, so
 * its ERROR or its last ACK and the next RRQ arrive together.  A few at
 * most, as one wake-up would take them.  False when they ended x. */
#define XFER_CATCH_UP_MAX 8
static bool xfer_catch_up(struct xfer *x)
{
	uint8_t pkt[TFTP_MAX_REQUEST];
	uint16_t op, arg;
	ssize_t n;

	for (int i = 0; i < XFER_CATCH_UP_MAX; i++) {
		n = recv(x->sock, pkt, sizeof(pkt), MSG_DONTWAIT);
		if (n < 0)
			return true;
		if (tftp_parse_reply(pkt, (size_t)n, &op, &arg) < 0)
			continue;
		if (op == TFTP_ERROR) {
			xfer_end(x, false, NULL);
			return false;
		}
		if (!on_ack(x, arg))
			return false;
	}
	return true;
}

/* An RRQ from the port of a transfer in progress.  Before the client's
 * first ACK it is the same request again (our OACK or first block was
 * lost, and the client resent its RRQ): answer it from the transfer we
 * have, never from a second one, or the two would split the client's
 * ACKs between them.  Later, the client has moved on: the old transfer
 * ends.  True when the request has been dealt with. */
static bool duplicate_request(struct tftp *t, const struct tftp_request *r,
			      const struct req_meta *m)
{
	struct xfer *x = xfer_from(t, &m->from);
	char name[TFTP_MAX_NAME + 1];

	if (!x)
		return false;
	if (!xfer_catch_up(x))
		return false;
	if ((x->oack_wait || x->acked == 0) &&
	    path_normalize(r->file, r->file_len, name, sizeof(name)) == 0 &&
	    !strcmp(x->name, name)) {
		x->retransmits++;
		if (x->oack_wait)
			send_oack(x);
		else
			send_window(x, true);
		return true;
	}
	xfer_end(x, false, "a new request from the same port");
	return false;
}

/* Whether we serve the interface a request came in on: over IPv4 it
 * needs an address (as ever); over IPv6 being served is enough, since a
 * client may well fetch from our link-local address. */
static bool served(struct pxe_ctx *ctx, const struct req_meta *m)
{
	struct in_addr srv;
	char ifname[IF_NAMESIZE];

	if (m->from.sa.sa_family == AF_INET6)
		return netif_served(ctx, m->ifindex, ifname);
	return netif_server_addr(ctx, m->ifindex, m->from.in.sin_addr, &srv,
				 ifname);
}

static void handle_request(struct tftp *t, const uint8_t *pkt, size_t len,
			   const struct req_meta *m)
{
	struct pxe_ctx *ctx = t->ctx;
	struct tftp_request r;
	char peer[INET6_ADDRSTRLEN];
	struct ipaddr from;
	const char *why;

	if (!served(ctx, m))
		return;         /* not an interface we serve */
	if (tftp_parse_request(pkt, len, &r, &why) < 0) {
		from = sockaddr_ip(&m->from);
		log_debug_rl("tftp: %s: malformed request: %s",
			     ipaddr_str(peer, &from), why);
		if (len >= 2)
			send_error(ctx, m, TERR_ILLEGAL, why);
		return;
	}
	if (r.op == TFTP_WRQ) {
		send_error(ctx, m, TERR_ACCESS, "read-only server");
		return;
	}
	if (strcasecmp(r.mode, "octet")) {
		send_error(ctx, m, TERR_ILLEGAL, strcasecmp(r.mode, "netascii")
			   ? "unknown transfer mode"
			   : "only octet (binary) mode is served");
		return;
	}
	if (!duplicate_request(t, &r, m))
		start_transfer(t, &r, m);
}

/* One datagram from either listener, with its envelope in one shape. */
static ssize_t recv_request(struct tftp *t, int fd, uint8_t *pkt, size_t cap,
			    struct req_meta *m)
{
	ssize_t n;

	memset(m, 0, sizeof(*m));
	if (fd == t->fd6) {
		struct udp6_meta m6;

		if ((n = udp6_recv(fd, pkt, cap, &m6)) < 0)
			return n;
		m->from.in6 = m6.from;
		m->local.in6.sin6_family = AF_INET6;
		m->local.in6.sin6_addr = m6.dst;
		m->ifindex = m6.ifindex;
		m->truncated = m6.truncated;
	} else {
		struct udp_meta m4;

		if ((n = udp_recv(fd, pkt, cap, &m4)) < 0)
			return n;
		m->from.in = m4.from;
		m->local.in.sin_family = AF_INET;
		m->local.in.sin_addr = m4.dst;
		m->ifindex = m4.ifindex;
		m->truncated = m4.truncated;
	}
	return n;
}

static void on_request(struct ev_loop *loop, ev_io *w, int revents)
{
	struct tftp *t = w->data;
	uint8_t pkt[TFTP_MAX_REQUEST + 1];
	struct req_meta m;

	for (int i = 0; i < 32; i++) {
		ssize_t n = recv_request(t, w->fd, pkt, sizeof(pkt), &m);

		if (n < 0)
			return;
		if (m.truncated || (size_t)n > TFTP_MAX_REQUEST) {
			send_error(t->ctx, &m, TERR_ILLEGAL, "request too long");
			continue;
		}
		handle_request(t, pkt, (size_t)n, &m);
	}
}

int tftp_open(struct pxe_ctx *ctx)
{
	struct in_addr any = { htonl(INADDR_ANY) };
	int fd = udp_bind(any, ctx->cfg->tftp_port, false), fd6;
	struct tftp *t;

	if (fd < 0)
		return fd;
	fd6 = udp6_bind(ctx->cfg->tftp_port);
	/* A kernel without IPv6 (ipv6.disable=1) serves IPv4 as before. */
	if (fd6 == -EAFNOSUPPORT) {
		log_info("tftp: no IPv6 in this kernel; IPv4 only");
	} else if (fd6 < 0) {
		close(fd);
		return fd6;
	}
	t = xcalloc(1, sizeof(*t));
	t->ctx = ctx;
	t->fd = fd;
	t->fd6 = fd6 < 0 ? -1 : fd6;
	LIST_INIT(&t->xfers);
	ev_io_init(&t->io, on_request, fd, EV_READ);
	ev_io_init(&t->io6, on_request, t->fd6, EV_READ);
	t->io.data = t->io6.data = t;
	ctx->tftp = t;
	return 0;
}

void tftp_start(struct pxe_ctx *ctx)
{
	if (!ctx->tftp)
		return;
	ev_io_start(ctx->loop, &ctx->tftp->io);
	if (ctx->tftp->fd6 >= 0)
		ev_io_start(ctx->loop, &ctx->tftp->io6);
}

void tftp_close(struct pxe_ctx *ctx)
{
	struct tftp *t = ctx->tftp;

	if (!t)
		return;
	while (!LIST_EMPTY(&t->xfers))
		xfer_end(LIST_FIRST(&t->xfers), false, NULL);
	ev_io_stop(ctx->loop, &t->io);
	ev_io_stop(ctx->loop, &t->io6);
	close(t->fd);
	if (t->fd6 >= 0)
		close(t->fd6);
	free(t);
	ctx->tftp = NULL;
}
