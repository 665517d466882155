/* UDP sockets that know which interface and address a datagram came in
 * on (IP_PKTINFO), and can send out of a given interface. */
#ifndef PXE_UDP_H
#define PXE_UDP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What a datagram costs beyond its payload: the largest TFTP block for a
 * path MTU, the packet socket's frames, option 57's count. */
#define IPV4_MIN_HDR_LEN 20     /* IPv4 without options */
#define UDP_HDR_LEN 8
#define IPV4_UDP_HDR_LEN (IPV4_MIN_HDR_LEN + UDP_HDR_LEN)

struct udp_meta {
	struct sockaddr_in from;
	int ifindex;            /* interface it arrived on */
	struct in_addr dst;     /* address it was sent to */
	bool truncated;
};

/* Non-blocking, close-on-exec, IP_PKTINFO on.  -errno on failure. */
int udp_bind(struct in_addr addr, unsigned port, bool broadcast);
ssize_t udp_recv(int fd, void *buf, size_t cap, struct udp_meta *meta);
/* ifindex > 0 names the outgoing interface, so that a broadcast does not
 * depend on the routing table; src is the source address to use. */
ssize_t udp_send(int fd, const void *buf, size_t len,
		 const struct sockaddr_in *to, int ifindex, struct in_addr src);

#endif
