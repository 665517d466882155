/* pxebench: the load generator of tests/bench/run.  Fast enough that the
 * server, not the client, is what gets measured; written for this project,
 * independent of pxeproxyd's code.
 *
 *   pxebench dhcp --iface IF [--count N] [--window W] [--timeout SEC]
 *                 [--macs M]
 *       PXE DISCOVERs (BIOS, with the options a PXE ROM sends, each from
 *       its own MAC, or from M MACs in turn: a warm [backend] cache) as
 *       fast as the server answers, W in flight.  Counts the OFFERs that
 *       match a DISCOVER and carry no address.
 *
 *   pxebench dhcp6 --iface IF [--count N] [--window W] [--timeout SEC]
 *       The same over DHCPv6: EDK2-shaped PXE Solicits (arch 7, each with
 *       its own DUID-LL) to ff02::1:2, counting the Advertises that match
 *       one and carry no address (IA_NA/IA_TA/IA_PD) and no status.
 *
 *   pxebench tftp --server IP --file NAME --ref PATH [--clients N]
 *       [--blksize B] [--windowsize W] [--port P]
 *       N clients at once, each downloading NAME (RFC 2347-2349 options,
 *       RFC 7440 windows).  Every block is compared with the same bytes of
 *       PATH (the file the server serves), and the size must match: a
 *       broken server cannot look fast.
 *
 * Both print one JSON line and exit 0 only when everything was answered
 * (dhcp) or every download was complete and intact (tftp).
 *
 * C11 with the Linux socket API (epoll, recvmmsg, SO_BINDTODEVICE).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "pxebench: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void usage(void)
{
	fputs("usage: pxebench dhcp|dhcp6 --iface IF [--count N] [--window W] "
	      "[--timeout SEC]\n"
	      "       pxebench tftp --server IP --file NAME --ref PATH "
	      "[--clients N] [--blksize B] [--windowsize W] [--port P]\n",
	      stderr);
	exit(2);
}

static void big_rcvbuf(int fd, int bytes)
{
	/* FORCE passes rmem_max (we run as root); fall back quietly. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

static uint32_t clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* ---- proxyDHCP flood ---------------------------------------------- */

enum { PENDING = 0, ANSWERED, LOST };

static size_t build_discover(uint8_t *p, uint32_t xid, uint32_t i)
{
	static const uint8_t prl[] = { 1, 2, 3, 4, 5, 6, 12, 13, 15, 17, 18,
		22, 23, 28, 40, 41, 42, 43, 50, 51, 54, 58, 59, 60, 66, 67,
		97, 128, 129, 130, 131, 132, 133, 134, 135 };
	static const char vci[] = "PXEClient:Arch:00000:UNDI:002001";
	size_t n = 240;

	memset(p, 0, 240);
	p[0] = 1;                               /* BOOTREQUEST */
	p[1] = 1;                               /* Ethernet */
	p[2] = 6;
	p[4] = (uint8_t)(xid >> 24);
	p[5] = (uint8_t)(xid >> 16);
	p[6] = (uint8_t)(xid >> 8);
	p[7] = (uint8_t)xid;
	p[10] = 0x80;                           /* broadcast flag */
	p[28] = 0x52;                           /* chaddr 52:54:xx:xx:xx:xx */
	p[29] = 0x54;
	p[30] = (uint8_t)(i >> 24);
	p[31] = (uint8_t)(i >> 16);
	p[32] = (uint8_t)(i >> 8);
	p[33] = (uint8_t)i;
	memcpy(p + 236, "\x63\x82\x53\x63", 4);
	memcpy(p + n, "\x35\x01\x01", 3);       /* DISCOVER */
	n += 3;
	memcpy(p + n, "\x39\x02\x04\xec", 4);   /* max message size 1260 */
	n += 4;
	p[n++] = 55;
	p[n++] = sizeof(prl);
	memcpy(p + n, prl, sizeof(prl));
	n += sizeof(prl);
	memcpy(p + n, "\x5d\x02\x00\x00", 4);   /* arch: BIOS */
	n += 4;
	memcpy(p + n, "\x5e\x03\x01\x02\x01", 5); /* UNDI 2.1 */
	n += 5;
	p[n++] = 97;                            /* machine UUID, type 0 */
	p[n++] = 17;
	p[n++] = 0;
	memset(p + n, 0, 16);
	memcpy(p + n + 12, p + 30, 4);
	n += 16;
	p[n++] = 60;
	p[n++] = sizeof(vci) - 1;
	memcpy(p + n, vci, sizeof(vci) - 1);
	n += sizeof(vci) - 1;
	p[n++] = 255;
	while (n < 300)                         /* as ROMs pad to BOOTP size */
		p[n++] = 0;
	return n;
}

/* The DHCP message type of a reply, or -1. */
static int msg_type(const uint8_t *p, size_t len)
{
	size_t i = 240;

	if (len < 240 || memcmp(p + 236, "\x63\x82\x53\x63", 4))
		return -1;
	while (i < len && p[i] != 255) {
		if (p[i] == 0) {
			i++;
			continue;
		}
		if (i + 1 >= len || i + 2 + p[i + 1] > len)
			return -1;
		if (p[i] == 53 && p[i + 1] == 1)
			return p[i + 2];
		i += 2 + (size_t)p[i + 1];
	}
	return -1;
}

static size_t put6(uint8_t *p, uint16_t code, const void *data, uint16_t len)
{
	p[0] = (uint8_t)(code >> 8);
	p[1] = (uint8_t)code;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	memcpy(p + 4, data, len);
	return 4 + (size_t)len;
}

/* What EDK2's PxeBcDhcp6.c sends: Client ID, elapsed time, IA_NA, ORO,
 * vendor class 343, client arch 7, NII. */
static size_t build_solicit(uint8_t *p, uint32_t xid, uint32_t i)
{
	static const char vci[] = "PXEClient:Arch:00007:UNDI:003016";
	uint8_t duid[10] = { 0, 3, 0, 1, 0x52, 0x54,
			     (uint8_t)(i >> 24), (uint8_t)(i >> 16),
			     (uint8_t)(i >> 8), (uint8_t)i };
	uint8_t ia[12] = { (uint8_t)(i >> 24), (uint8_t)(i >> 16),
			   (uint8_t)(i >> 8), (uint8_t)i };
	uint8_t vc[6 + sizeof(vci) - 1] = { 0, 0, 1, 87, 0, sizeof(vci) - 1 };
	static const uint8_t oro[] = { 0, 59, 0, 60, 0, 23, 0, 24 };
	size_t n = 4;

	memcpy(vc + 6, vci, sizeof(vci) - 1);
	p[0] = 1;                               /* Solicit */
	p[1] = (uint8_t)(xid >> 16);
	p[2] = (uint8_t)(xid >> 8);
	p[3] = (uint8_t)xid;
	n += put6(p + n, 1, duid, sizeof(duid));
	n += put6(p + n, 8, "\0\0", 2);
	n += put6(p + n, 3, ia, sizeof(ia));
	n += put6(p + n, 6, oro, sizeof(oro));
	n += put6(p + n, 16, vc, sizeof(vc));
	n += put6(p + n, 61, "\0\7", 2);
	n += put6(p + n, 62, "\1\3\0", 3);
	return n;
}

/* An Advertise: its transaction id, and whether it offers an address or
 * a status (what a proxy must never send).  False: not an Advertise. */
static bool parse_advertise(const uint8_t *p, size_t len, uint32_t *xid,
			    bool *with_addr)
{
	size_t i = 4;

	if (len < 4 || p[0] != 2)
		return false;
	*xid = (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	*with_addr = false;
	while (i + 4 <= len) {
		uint16_t code = (uint16_t)(p[i] << 8 | p[i + 1]);
		size_t olen = (size_t)(p[i + 2] << 8 | p[i + 3]);

		if (i + 4 + olen > len)
			return false;
		if (code == 3 || code == 4 || code == 25 || code == 13)
			*with_addr = true;
		i += 4 + olen;
	}
	return i == len;
}

/* A proxy's answer (an OFFER, or an Advertise): its transaction id and
 * whether it carries an address.  False: not such an answer. */
static bool parse_answer(bool v6, const uint8_t *p, size_t len,
			 uint32_t *xid, bool *with_addr)
{
	if (v6)
		return parse_advertise(p, len, xid, with_addr);
	if (len < 240 || p[0] != 2 || msg_type(p, len) != 2)
		return false;
	*xid = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
	       (uint32_t)p[6] << 8 | p[7];
	*with_addr = memcmp(p + 16, "\0\0\0\0", 4) != 0;
	return true;
}

/* The client's socket: port 68 (broadcast to 67), or 546 (to ff02::1:2
 * port 547 on iface). */
static int dhcp_socket(bool v6, const char *iface,
		       struct sockaddr_storage *to, socklen_t *tolen)
{
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK,
			0), one = 1;
	struct sockaddr_in me = { .sin_family = AF_INET,
				  .sin_port = htons(68) };
	struct sockaddr_in6 me6 = { .sin6_family = AF_INET6,
				    .sin6_port = htons(546) };
	struct sockaddr_in *to4 = (struct sockaddr_in *)to;
	struct sockaddr_in6 *to6 = (struct sockaddr_in6 *)to;

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface,
		       (socklen_t)strlen(iface)) < 0)
		die("SO_BINDTODEVICE");
	big_rcvbuf(fd, 8 << 20);
	memset(to, 0, sizeof(*to));
	if (v6) {
		if (bind(fd, (struct sockaddr *)&me6, sizeof(me6)) < 0)
			die("bind port 546");
		to6->sin6_family = AF_INET6;
		to6->sin6_port = htons(547);
		inet_pton(AF_INET6, "ff02::1:2", &to6->sin6_addr);
		to6->sin6_scope_id = if_nametoindex(iface);
		*tolen = sizeof(*to6);
	} else {
		if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0)
			die("bind port 68");
		to4->sin_family = AF_INET;
		to4->sin_port = htons(67);
		to4->sin_addr.s_addr = htonl(INADDR_BROADCAST);
		*tolen = sizeof(*to4);
	}
	return fd;
}

static int run_dhcp(int argc, char **argv)
{
	bool v6 = !strcmp(argv[1], "dhcp6");
	const char *iface = "eth0";
	uint32_t count = 20000, window = 64, macs = 0;
	double timeout = 1.0;

	for (int i = 2; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--iface"))
			iface = argv[++i];
		else if (!strcmp(argv[i], "--count"))
			count = (uint32_t)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--window"))
			window = (uint32_t)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--macs"))
			macs = (uint32_t)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--timeout"))
			timeout = strtod(argv[++i], NULL);
		else
			usage();
	}
	if (!count || !window)
		usage();

	struct sockaddr_storage to;
	socklen_t tolen;
	int fd = dhcp_socket(v6, iface, &to, &tolen);
	/* DHCPv6 transaction ids are 24 bits. */
	uint32_t xid_mask = v6 ? 0xffffff : 0xffffffff;

	uint64_t *sent_at = calloc(count, sizeof(*sent_at));
	uint8_t *state = calloc(count, 1);
	uint32_t *lat_ns = calloc(count, sizeof(*lat_ns));
	static uint8_t rx[BATCH][1500];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	uint8_t pkt[600];
	uint32_t sent = 0, head = 0, inflight = 0, answered = 0, lost = 0;
	uint32_t strays = 0, with_addr = 0;
	uint64_t to_ns = (uint64_t)(timeout * 1e9), t0, t_last;
	uint32_t base;

	if (!sent_at || !state || !lat_ns)
		die("calloc");
	srandom((unsigned)now_ns() ^ (unsigned)getpid());
	base = ((uint32_t)random() << 1 ^ (uint32_t)random()) & xid_mask;
	if (v6 && count > xid_mask)
		usage();
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = rx[i];
		iov[i].iov_len = sizeof(rx[i]);
		memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = t_last = now_ns();
	while (head < count) {
		while (sent < count && inflight < window) {
			uint32_t xid = (base + sent) & xid_mask;
			size_t n = v6 ? build_solicit(pkt, xid, sent)
				      : build_discover(pkt, xid,
						       macs ? sent % macs : sent);

			sent_at[sent] = now_ns();
			if (sendto(fd, pkt, n, 0, (struct sockaddr *)&to,
				   tolen) < 0) {
				if (errno == EAGAIN || errno == ENOBUFS)
					break;
				die("sendto");
			}
			sent++;
			inflight++;
		}
		int got = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);

		if (got < 0 && errno != EAGAIN && errno != EINTR)
			die("recvmmsg");
		uint64_t now = now_ns();

		for (int k = 0; k < got; k++) {
			const uint8_t *p = rx[k];
			size_t len = msgs[k].msg_len;
			uint32_t xid, idx;
			bool addr;

			if (!parse_answer(v6, p, len, &xid, &addr)) {
				strays++;
				continue;
			}
			idx = (xid - base) & xid_mask;
			if (idx >= sent || state[idx] != PENDING) {
				strays++;
				continue;
			}
			if (addr)
				with_addr++;    /* a proxy offers no address */
			state[idx] = ANSWERED;
			lat_ns[answered++] = clamp32(now - sent_at[idx]);
			inflight--;
			t_last = now;
		}
		while (head < sent && state[head] != PENDING)
			head++;
		while (head < sent && state[head] == PENDING &&
		       now - sent_at[head] > to_ns) {
			state[head++] = LOST;
			lost++;
			inflight--;
			while (head < sent && state[head] != PENDING)
				head++;
		}
		if (got <= 0) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			poll(&pfd, 1, 1);
		}
	}
	double el = (double)(t_last - t0) / 1e9;

	qsort(lat_ns, answered, sizeof(*lat_ns), cmp_u32);
#define PCT(f) (answered ? lat_ns[(size_t)((f) * (answered - 1))] / 1000.0 : -1.0)
	printf("{\"sent\": %u, \"answered\": %u, \"lost\": %u, "
	       "\"with_address\": %u, \"strays\": %u, \"seconds\": %.3f, "
	       "\"answers_per_s\": %.0f, \"p50_us\": %.1f, \"p99_us\": %.1f, "
	       "\"max_us\": %.1f}\n", sent, answered, lost, with_addr, strays,
	       el, el > 0 ? answered / el : 0.0, PCT(0.50), PCT(0.99),
	       PCT(1.0));
#undef PCT
	return lost || with_addr ? 1 : 0;
}

/* ---- TFTP download ------------------------------------------------- */

struct tclient {
	int fd;
	bool have_peer, oack, done, failed;
	struct sockaddr_in peer;
	unsigned blksize, window, in_win;
	uint64_t expect;                /* next block, counted from 1 */
	uint64_t bytes;
	uint64_t t_start, t_end, t_rx;
	uint8_t last[600];              /* what a timeout sends again */
	size_t last_len;
	unsigned tries;
	uint64_t resends, nacks;
	bool nacked;
	char err[96];
};

static struct {
	struct sockaddr_in server;
	const char *file;
	const uint8_t *ref;
	uint64_t ref_size;
	unsigned blksize, window;
	unsigned active;
} T;

static bool tc_fail(struct tclient *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool tc_fail(struct tclient *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	c->failed = true;
	c->t_end = now_ns();
	close(c->fd);
	c->fd = -1;
	T.active--;
	return false;
}

static void tc_send_last(struct tclient *c)
{
	if (c->have_peer)
		send(c->fd, c->last, c->last_len, MSG_DONTWAIT);
	else
		sendto(c->fd, c->last, c->last_len, MSG_DONTWAIT,
		       (struct sockaddr *)&T.server, sizeof(T.server));
}

static void tc_ack(struct tclient *c, uint16_t block)
{
	c->last[0] = 0;
	c->last[1] = 4;
	c->last[2] = (uint8_t)(block >> 8);
	c->last[3] = (uint8_t)block;
	c->last_len = 4;
	tc_send_last(c);
}

static void tc_start(struct tclient *c)
{
	int n = snprintf((char *)c->last + 2, sizeof(c->last) - 2,
			 "%s%coctet%cblksize%c%u%ctsize%c0%c", T.file, 0, 0, 0,
			 T.blksize, 0, 0, 0);

	if (T.window > 1)
		n += snprintf((char *)c->last + 2 + n, sizeof(c->last) - 2 -
			      (size_t)n, "windowsize%c%u%c", 0, T.window, 0);
	c->last[0] = 0;
	c->last[1] = 1;
	c->last_len = (size_t)n + 2;
	c->blksize = 512;
	c->window = 1;
	c->expect = 1;
	c->t_start = c->t_rx = now_ns();
	tc_send_last(c);
}

static bool tc_oack(struct tclient *c, const uint8_t *p, size_t len)
{
	const char *s = (const char *)p + 2, *end = (const char *)p + len;
	unsigned blk = 512, win = 1;

	while (s < end) {
		const char *k = s, *v = memchr(s, 0, (size_t)(end - s));

		if (!v++ || v >= end || !(s = memchr(v, 0, (size_t)(end - v))))
			return tc_fail(c, "malformed OACK");
		s++;
		if (!strcasecmp(k, "blksize"))
			blk = (unsigned)strtoul(v, NULL, 10);
		else if (!strcasecmp(k, "windowsize"))
			win = (unsigned)strtoul(v, NULL, 10);
		else if (!strcasecmp(k, "tsize") &&
			 strtoull(v, NULL, 10) != T.ref_size)
			return tc_fail(c, "OACK tsize %s, file has %llu", v,
				       (unsigned long long)T.ref_size);
	}
	if (blk < 8 || blk > T.blksize || win < 1 || win > T.window)
		return tc_fail(c, "OACK blksize %u windowsize %u not asked for",
			       blk, win);
	c->oack = true;
	c->blksize = blk;
	c->window = win;
	tc_ack(c, 0);
	return true;
}

static bool tc_packet(struct tclient *c, const uint8_t *p, size_t len,
		      const struct sockaddr_in *src, uint64_t now)
{
	if (!c->have_peer) {
		if (src->sin_addr.s_addr != T.server.sin_addr.s_addr)
			return true;
		c->peer = *src;
		c->have_peer = true;
		/* Only this TID from now on (RFC 1350). */
		if (connect(c->fd, (struct sockaddr *)src, sizeof(*src)) < 0)
			return tc_fail(c, "connect: %s", strerror(errno));
	} else if (src->sin_port != c->peer.sin_port ||
		   src->sin_addr.s_addr != c->peer.sin_addr.s_addr) {
		return true;
	}
	if (len < 4)
		return true;
	c->t_rx = now;
	switch (p[1] | p[0] << 8) {
	case 5:
		return tc_fail(c, "ERROR %u: %.60s", p[2] << 8 | p[3],
			       len > 5 ? (const char *)p + 4 : "");
	case 6:
		if (c->expect == 1)     /* a repeated OACK: ACK 0 lost */
			tc_oack(c, p, len);
		return true;
	case 3:
		break;
	default:
		return true;
	}
	uint16_t blk = (uint16_t)(p[2] << 8 | p[3]);
	size_t n = len - 4;

	if (blk != (uint16_t)c->expect) {
		/* Out of order or repeated: ack the last good block, once
		 * (RFC 7440); never once per stray, or windows multiply. */
		if (!c->nacked) {
			c->nacks++;
			c->nacked = true;
			c->in_win = 0;
			tc_ack(c, (uint16_t)(c->expect - 1));
		}
		return true;
	}
	uint64_t off = (c->expect - 1) * c->blksize;

	if (n > c->blksize)
		return tc_fail(c, "block %llu has %zu bytes, blksize %u",
			       (unsigned long long)c->expect, n, c->blksize);
	if (off + n > T.ref_size)
		return tc_fail(c, "more data than the file has");
	if (memcmp(T.ref + off, p + 4, n))
		return tc_fail(c, "block %llu differs from the file",
			       (unsigned long long)c->expect);
	c->bytes += n;
	c->expect++;
	c->in_win++;
	c->nacked = false;
	c->tries = 0;
	bool last = n < c->blksize;

	if (last || c->in_win >= c->window) {
		c->in_win = 0;
		tc_ack(c, blk);
	}
	if (last) {
		if (c->bytes != T.ref_size)
			return tc_fail(c, "got %llu bytes, file has %llu",
				       (unsigned long long)c->bytes,
				       (unsigned long long)T.ref_size);
		c->done = true;
		c->t_end = now;
		close(c->fd);
		c->fd = -1;
		T.active--;
	}
	return true;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int run_tftp(int argc, char **argv)
{
	const char *server = NULL, *refpath = NULL;
	unsigned clients = 1, port = 69;
	double rto = 0.25, max_s = 900;

	T.blksize = 512;
	T.window = 1;
	for (int i = 2; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--server"))
			server = argv[++i];
		else if (!strcmp(argv[i], "--file"))
			T.file = argv[++i];
		else if (!strcmp(argv[i], "--ref"))
			refpath = argv[++i];
		else if (!strcmp(argv[i], "--clients"))
			clients = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--blksize"))
			T.blksize = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--windowsize"))
			T.window = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--port"))
			port = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--max-seconds"))
			max_s = strtod(argv[++i], NULL);
		else
			usage();
	}
	if (!server || !T.file || !refpath || !clients || T.blksize < 8 ||
	    T.blksize > 65464 || !T.window || strlen(T.file) > 400)
		usage();
	T.server.sin_family = AF_INET;
	T.server.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, server, &T.server.sin_addr) != 1)
		usage();

	int rfd = open(refpath, O_RDONLY);
	struct stat st;

	if (rfd < 0 || fstat(rfd, &st) < 0)
		die(refpath);
	T.ref_size = (uint64_t)st.st_size;
	T.ref = st.st_size ? mmap(NULL, (size_t)st.st_size, PROT_READ,
				  MAP_PRIVATE | MAP_POPULATE, rfd, 0) : NULL;
	if (T.ref == MAP_FAILED)
		die("mmap");

	struct tclient *cl = calloc(clients, sizeof(*cl));
	int ep = epoll_create1(0);
	size_t bufsz = T.blksize + 8;
	uint8_t *rx = malloc(BATCH * bufsz);
	struct sockaddr_in from[BATCH];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];

	if (!cl || !rx || ep < 0)
		die("setup");
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = rx + (size_t)i * bufsz;
		iov[i].iov_len = bufsz;
	}
	for (unsigned i = 0; i < clients; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };

		cl[i].fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
		if (cl[i].fd < 0)
			die("socket");
		big_rcvbuf(cl[i].fd, 4 << 20);
		if (epoll_ctl(ep, EPOLL_CTL_ADD, cl[i].fd, &ev) < 0)
			die("epoll_ctl");
	}
	uint64_t t0 = now_ns(), rto_ns = (uint64_t)(rto * 1e9);

	T.active = clients;
	for (unsigned i = 0; i < clients; i++)
		tc_start(&cl[i]);
	while (T.active) {
		struct epoll_event evs[256];
		int n = epoll_wait(ep, evs, 256, 10);
		uint64_t now;

		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (int e = 0; e < n; e++) {
			struct tclient *c = &cl[evs[e].data.u32];
			int got;

			do {
				if (c->fd < 0)
					break;
				for (int i = 0; i < BATCH; i++) {
					memset(&msgs[i].msg_hdr, 0,
					       sizeof(msgs[i].msg_hdr));
					msgs[i].msg_hdr.msg_iov = &iov[i];
					msgs[i].msg_hdr.msg_iovlen = 1;
					msgs[i].msg_hdr.msg_name = &from[i];
					msgs[i].msg_hdr.msg_namelen =
						sizeof(from[i]);
				}
				got = recvmmsg(c->fd, msgs, BATCH, MSG_DONTWAIT,
					       NULL);
				now = now_ns();
				for (int i = 0; i < got && c->fd >= 0; i++)
					tc_packet(c, iov[i].iov_base,
						  msgs[i].msg_len, &from[i],
						  now);
			} while (got == BATCH);
		}
		now = now_ns();
		for (unsigned i = 0; i < clients; i++) {
			struct tclient *c = &cl[i];

			if (c->fd < 0 || now - c->t_rx < rto_ns)
				continue;
			if (++c->tries > 40) {
				tc_fail(c, "timed out at block %llu",
					(unsigned long long)c->expect);
				continue;
			}
			c->resends++;
			c->t_rx = now;
			c->in_win = 0;
			tc_send_last(c);
		}
		if ((double)(now - t0) / 1e9 > max_s)
			for (unsigned i = 0; i < clients; i++)
				if (cl[i].fd >= 0)
					tc_fail(&cl[i], "still running after "
						"%.0f s", max_s);
	}

	uint64_t t_end = t0, total = 0, resends = 0, nacks = 0;
	unsigned ok = 0, blk_min = UINT32_MAX, win_min = UINT32_MAX;
	double *dur = calloc(clients, sizeof(*dur));
	const char *err = "";

	for (unsigned i = 0; i < clients; i++) {
		struct tclient *c = &cl[i];

		if (c->t_end > t_end)
			t_end = c->t_end;
		total += c->bytes;
		resends += c->resends;
		nacks += c->nacks;
		if (c->failed) {
			if (!*err)
				err = c->err;
			continue;
		}
		dur[ok++] = (double)(c->t_end - c->t_start) / 1e9;
		blk_min = c->blksize < blk_min ? c->blksize : blk_min;
		win_min = c->window < win_min ? c->window : win_min;
	}
	qsort(dur, ok, sizeof(*dur), cmp_double);
	double el = (double)(t_end - t0) / 1e9;

	printf("{\"clients\": %u, \"ok\": %u, \"failed\": %u, "
	       "\"bytes\": %llu, \"seconds\": %.3f, \"MBps\": %.2f, "
	       "\"blksize\": %u, \"windowsize\": %u, \"resends\": %llu, "
	       "\"nacks\": %llu, \"client_p50_s\": %.3f, "
	       "\"client_max_s\": %.3f, \"error\": \"",
	       clients, ok, clients - ok, (unsigned long long)total, el,
	       el > 0 ? total / el / 1e6 : 0.0, ok ? blk_min : 0,
	       ok ? win_min : 0, (unsigned long long)resends,
	       (unsigned long long)nacks, ok ? dur[ok / 2] : 0.0,
	       ok ? dur[ok - 1] : 0.0);
	for (const char *s = err; *s; s++)      /* JSON-safe */
		putchar(*s == '"' || *s == '\\' || (unsigned char)*s < 32
			? '?' : *s);
	puts("\"}");
	return ok == clients ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "dhcp") || !strcmp(argv[1], "dhcp6"))
		return run_dhcp(argc, argv);
	if (!strcmp(argv[1], "tftp"))
		return run_tftp(argc, argv);
	usage();
}
