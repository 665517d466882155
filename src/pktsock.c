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

/* The running sum of the Internet checksum (RFC 1071) over r's bytes. */
static uint32_t sum16(struct rd r, uint32_t sum)
{
	uint16_t v;
	uint8_t odd;

	while (rd_u16(&r, &v))
		sum += v;
	if (rd_u8(&r, &odd))
		sum += (uint32_t)odd << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The IP header: version, length, no fragment, UDP, a valid checksum.
 * Only the header's checksum is checked: the kernel computes it in
 * software, while a UDP checksum seen on a packet socket may still be the
 * partial one that checksum offload completes later. */
static int ipv4_header(struct rd hdr, struct in_addr *src,
		       struct in_addr *dst)
{
	uint8_t vihl, proto;
	uint16_t frag;
	uint32_t s, d;

	if (fold(sum16(hdr, 0)) != 0)
		return -EINVAL;
	if (!rd_u8(&hdr, &vihl) || !rd_skip(&hdr, 5) || !rd_u16(&hdr, &frag) ||
	    !rd_skip(&hdr, 1) || !rd_u8(&hdr, &proto) || !rd_skip(&hdr, 2) ||
	    !rd_u32(&hdr, &s) || !rd_u32(&hdr, &d))
		return -EINVAL;
	if (proto != IPPROTO_UDP || (frag & 0x3fff))   /* MF or offset */
		return -EINVAL;
	src->s_addr = htonl(s);
	dst->s_addr = htonl(d);
	return 0;
}

int ipudp_parse(const uint8_t *pkt, size_t len, struct sockaddr_in *from,
		struct in_addr *dst, uint16_t *dport, const uint8_t **payload,
		size_t *plen)
{
	struct rd frame = rd_init(pkt, len), first = frame, dgram, hdr, udp;
	uint8_t vihl;
	uint16_t total, sport, ulen;
	struct in_addr src;

	/* The datagram is its total length; the frame may carry padding
	 * after it (Ethernet's 60-byte minimum). */
	if (!rd_u8(&first, &vihl) || !rd_skip(&first, 1) ||
	    !rd_u16(&first, &total) || !rd_sub(&frame, &dgram, total))
		return -EINVAL;
	if (vihl >> 4 != 4 || (vihl & 15) * 4u < IPV4_MIN_HDR_LEN ||
	    !rd_sub(&dgram, &hdr, (vihl & 15) * 4u) ||
	    ipv4_header(hdr, &src, dst) < 0)
		return -EINVAL;
	/* What follows the UDP datagram inside the IP one is ignored. */
	if (!rd_u16(&dgram, &sport) || !rd_u16(&dgram, dport) ||
	    !rd_u16(&dgram, &ulen) || !rd_skip(&dgram, 2) ||
	    ulen < UDP_HDR_LEN || !rd_sub(&dgram, &udp, ulen - UDP_HDR_LEN))
		return -EINVAL;
	memset(from, 0, sizeof(*from));
	from->sin_family = AF_INET;
	from->sin_addr = src;
	from->sin_port = htons(sport);
	rd_rest(&udp, payload, plen);
	return 0;
}

int ipudp_build(uint8_t *out, size_t cap, struct in_addr src, uint16_t sport,
		struct in_addr dst, uint16_t dport, const void *payload,
		size_t len)
{
	struct wr w = wr_init(out, cap), ip_csum, udp_csum;
	struct rd frame, ip, addrs;
	size_t total = IPV4_UDP_HDR_LEN + len;
	uint16_t csum;

	if (total > 0xffff)
		return -ENOBUFS;
	wr_u8(&w, 0x45);                /* IPv4, no options */
	wr_u8(&w, 0);
	wr_u16(&w, (uint16_t)total);
	wr_u32(&w, 0);                  /* id, flags, offset */
	wr_u8(&w, 64);                  /* TTL */
	wr_u8(&w, IPPROTO_UDP);
	wr_reserve(&w, &ip_csum, 2);
	wr_bytes(&w, &src.s_addr, 4);
	wr_bytes(&w, &dst.s_addr, 4);
	wr_u16(&w, sport);
	wr_u16(&w, dport);
	wr_u16(&w, (uint16_t)(UDP_HDR_LEN + len));
	wr_reserve(&w, &udp_csum, 2);
	wr_bytes(&w, payload, len);
	frame = wr_written(&w);
	if (!wr_ok(&w) || !rd_sub(&frame, &ip, IPV4_MIN_HDR_LEN))
		return -ENOBUFS;
	/* frame is now the UDP header and payload. */
	addrs = ip;
	rd_skip(&addrs, 12);            /* to source and destination */
	/* UDP checksum over the pseudo-header (RFC 768), header, payload;
	 * both checksum fields are still zero while summing. */
	csum = fold(sum16(frame, sum16(addrs, IPPROTO_UDP +
				       (uint32_t)(UDP_HDR_LEN + len))));
	wr_u16(&udp_csum, csum ? csum : 0xffff);   /* 0 means "none" */
	wr_u16(&ip_csum, fold(sum16(ip, 0)));
	return wr_done(&w);
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
	uint8_t frame[IPV4_UDP_HDR_LEN + DHCP_MAX_LEN];
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
