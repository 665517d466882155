/* Receiving proxyDHCP traffic on a port another server holds.
 *
 * Linux gives each UDP datagram to one socket bound to its port; when a
 * DHCP server bound 0.0.0.0:67 without SO_REUSEADDR (dnsmasq on most
 * routers), our bind fails with EADDRINUSE.  A packet socket sees the
 * frames anyway.  Replies need source port 67 too (firmware may insist),
 * so broadcasts are framed here and sent through the same socket.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cursor.h"
#include "dhcp.h"
#include "pktsock.h"
#include "util.h"

/* Options walked by the filter before it gives up and lets userspace
 * decide; PXE firmware puts option 60 within its first ten. */
#define FILTER_OPTION_STEPS 24
#define FILTER_ACCEPT 0x40000
#define FILTER_MAX (16 + FILTER_OPTION_STEPS * 23 + 1)

struct prog {
	struct sock_filter ins[FILTER_MAX];
	unsigned n;
};

static void emit(struct prog *p, uint16_t code, uint8_t jt, uint8_t jf,
		 uint32_t k)
{
	if (p->n < FILTER_MAX)
		p->ins[p->n++] = (struct sock_filter){ code, jt, jf, k };
}

/* One unrolled step: X points at an option.  Option 60 starting with
 * "PXEC" or "HTTP" accepts, another 60 or END rejects, PAD advances one
 * byte, anything else advances past its length. */
static void emit_option_step(struct prog *p)
{
	emit(p, BPF_LD | BPF_B | BPF_IND, 0, 0, 0);          /* code */
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 6, OPT_VENDOR_CLASS);
	emit(p, BPF_LD | BPF_W | BPF_IND, 0, 0, 2);          /* value */
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0x50584543); /* PXEC */
	emit(p, BPF_RET | BPF_K, 0, 0, FILTER_ACCEPT);
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0x48545450); /* HTTP */
	emit(p, BPF_RET | BPF_K, 0, 0, FILTER_ACCEPT);
	emit(p, BPF_RET | BPF_K, 0, 0, 0);
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 10, 0, OPT_PAD);
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, OPT_END);
	emit(p, BPF_RET | BPF_K, 0, 0, 0);
	emit(p, BPF_LD | BPF_B | BPF_IND, 0, 0, 1);          /* length */
	emit(p, BPF_ALU | BPF_ADD | BPF_K, 0, 0, 2);
	emit(p, BPF_ST, 0, 0, 0);
	emit(p, BPF_MISC | BPF_TXA, 0, 0, 0);
	emit(p, BPF_LDX | BPF_MEM, 0, 0, 0);
	emit(p, BPF_ALU | BPF_ADD | BPF_X, 0, 0, 0);
	emit(p, BPF_MISC | BPF_TAX, 0, 0, 0);
	emit(p, BPF_JMP | BPF_JA, 0, 0, 3);
	emit(p, BPF_MISC | BPF_TXA, 0, 0, 0);                /* PAD */
	emit(p, BPF_ALU | BPF_ADD | BPF_K, 0, 0, 1);
	emit(p, BPF_MISC | BPF_TAX, 0, 0, 0);
}

/* Offsets are from the IP header (SOCK_DGRAM strips the link layer). */
static void build_filter(struct prog *p)
{
	p->n = 0;
	emit(p, BPF_LD | BPF_B | BPF_ABS, 0, 0, 9);           /* protocol */
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, IPPROTO_UDP);
	emit(p, BPF_RET | BPF_K, 0, 0, 0);
	emit(p, BPF_LD | BPF_H | BPF_ABS, 0, 0, 6);           /* fragment */
	emit(p, BPF_JMP | BPF_JSET | BPF_K, 0, 1, 0x1fff);
	emit(p, BPF_RET | BPF_K, 0, 0, 0);
	emit(p, BPF_LDX | BPF_B | BPF_MSH, 0, 0, 0);          /* X = IHL */
	emit(p, BPF_LD | BPF_H | BPF_IND, 0, 0, 2);           /* dport */
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, DHCP_SERVER_PORT);
	emit(p, BPF_RET | BPF_K, 0, 0, 0);
	emit(p, BPF_LD | BPF_B | BPF_IND, 0, 0, 8);           /* op */
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, BOOTREQUEST);
	emit(p, BPF_RET | BPF_K, 0, 0, 0);
	emit(p, BPF_MISC | BPF_TXA, 0, 0, 0);
	emit(p, BPF_ALU | BPF_ADD | BPF_K, 0, 0, 8 + BOOTP_FIXED_LEN + 4);
	emit(p, BPF_MISC | BPF_TAX, 0, 0, 0);                 /* 1st option */
	for (int i = 0; i < FILTER_OPTION_STEPS; i++)
		emit_option_step(p);
	emit(p, BPF_RET | BPF_K, 0, 0, FILTER_ACCEPT);
}

int pktsock_open(void)
{
	struct prog p;
	struct sock_fprog fp;
	int fd, err;

	build_filter(&p);
	fp.len = (unsigned short)p.n;
	fp.filter = p.ins;
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    htons(ETH_P_IP));
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int ipudp_parse(const uint8_t *pkt, size_t len, struct sockaddr_in *from,
		struct in_addr *dst, uint16_t *dport, const uint8_t **payload,
		size_t *plen)
{
	struct rd r = rd_init(pkt, len), ip, udp;
	uint8_t vihl, proto;
	uint16_t total, frag, sport, ulen;
	uint32_t s, d;

	if (!rd_u8(&r, &vihl) || vihl >> 4 != 4 || (vihl & 15) < 5)
		return -EINVAL;
	r = rd_init(pkt, len);
	if (len < 20 || !rd_skip(&r, 2) || !rd_u16(&r, &total) ||
	    total > len || total < (vihl & 15) * 4 + 8)
		return -EINVAL;
	r = rd_init(pkt, total);
	if (!rd_sub(&r, &ip, (size_t)(vihl & 15) * 4) ||
	    !rd_skip(&ip, 6) || !rd_u16(&ip, &frag) || !rd_skip(&ip, 1) ||
	    !rd_u8(&ip, &proto) || !rd_skip(&ip, 2) || !rd_u32(&ip, &s) ||
	    !rd_u32(&ip, &d))
		return -EINVAL;
	if (proto != IPPROTO_UDP || (frag & 0x3fff))   /* MF or offset */
		return -EINVAL;
	if (!rd_u16(&r, &sport) || !rd_u16(&r, dport) || !rd_u16(&r, &ulen) ||
	    !rd_skip(&r, 2) || ulen < 8 || !rd_sub(&r, &udp, ulen - 8u))
		return -EINVAL;
	memset(from, 0, sizeof(*from));
	from->sin_family = AF_INET;
	from->sin_addr.s_addr = htonl(s);
	from->sin_port = htons(sport);
	dst->s_addr = htonl(d);
	*payload = udp.p;
	*plen = udp.left;
	return 0;
}

int ipudp_build(uint8_t *out, size_t cap, struct in_addr src, uint16_t sport,
		struct in_addr dst, uint16_t dport, const void *payload,
		size_t len)
{
	struct wr w = wr_init(out, cap);
	size_t total = IPUDP_HDR_LEN + len;
	uint32_t pseudo;
	uint16_t csum;

	if (total > 0xffff || total > cap)
		return -ENOBUFS;
	wr_u8(&w, 0x45);
	wr_u8(&w, 0);
	wr_u16(&w, (uint16_t)total);
	wr_u32(&w, 0);                  /* id, flags, offset */
	wr_u8(&w, 64);                  /* TTL */
	wr_u8(&w, IPPROTO_UDP);
	wr_u16(&w, 0);                  /* checksum, below */
	wr_bytes(&w, &src.s_addr, 4);
	wr_bytes(&w, &dst.s_addr, 4);
	wr_u16(&w, sport);
	wr_u16(&w, dport);
	wr_u16(&w, (uint16_t)(8 + len));
	wr_u16(&w, 0);
	wr_bytes(&w, payload, len);
	if (w.overflow)
		return -ENOBUFS;
	csum = fold(sum16(out, 20, 0));
	out[10] = (uint8_t)(csum >> 8);
	out[11] = (uint8_t)csum;
	/* UDP checksum over the pseudo-header, header and payload. */
	pseudo = sum16(out + 12, 8, 0) + IPPROTO_UDP + (uint32_t)(8 + len);
	csum = fold(sum16(out + 20, 8 + len, pseudo));
	if (csum == 0)
		csum = 0xffff;          /* RFC 768: 0 means "none" */
	out[26] = (uint8_t)(csum >> 8);
	out[27] = (uint8_t)csum;
	return (int)total;
}

ssize_t pktsock_recv(int fd, uint8_t *buf, size_t cap, struct udp_meta *meta,
		     const uint8_t **payload, size_t *plen)
{
	struct sockaddr_ll sll;
	socklen_t sl = sizeof(sll);
	uint16_t dport;
	ssize_t n = recvfrom(fd, buf, cap, MSG_TRUNC, (struct sockaddr *)&sll,
			     &sl);

	if (n < 0)
		return -errno;
	if (sll.sll_pkttype == PACKET_OUTGOING)
		return -EINVAL;
	meta->truncated = (size_t)n > cap;
	meta->ifindex = sll.sll_ifindex;
	if (meta->truncated)
		return -EINVAL;
	if (ipudp_parse(buf, (size_t)n, &meta->from, &meta->dst, &dport,
			payload, plen) < 0 || dport != DHCP_SERVER_PORT)
		return -EINVAL;
	return (ssize_t)*plen;
}

ssize_t pktsock_send_broadcast(int fd, int ifindex, struct in_addr src,
			       const void *payload, size_t len)
{
	uint8_t frame[IPUDP_HDR_LEN + DHCP_MAX_LEN];
	struct in_addr bcast = { htonl(INADDR_BROADCAST) };
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = ifindex,
		.sll_halen = ETH_ALEN,
		.sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	int n = ipudp_build(frame, sizeof(frame), src, DHCP_SERVER_PORT, bcast,
			    DHCP_CLIENT_PORT, payload, len);
	ssize_t sent;

	if (n < 0)
		return n;
	sent = sendto(fd, frame, (size_t)n, MSG_DONTWAIT,
		      (struct sockaddr *)&to, sizeof(to));
	return sent < 0 ? -errno : sent;
}
