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

/* IPv6 without extension headers + UDP: what a datagram costs beyond its
 * payload (the largest TFTP block for a path MTU). */
#define IPV6_UDP_HDR_LEN 48

struct udp6_meta {
	struct sockaddr_in6 from;       /* scope id set for link-local */
	int ifindex;                    /* interface it arrived on */
	struct in6_addr dst;            /* address (or group) it was sent to */
	bool truncated;
};

/* [::]:port, IPv6 only (IPv4 has its own sockets on the same ports),
 * non-blocking, close-on-exec, packet info on.  -errno on failure. */
int udp6_bind(unsigned port);
/* The same on one address: a link-local one needs its interface
 * (ifindex), which becomes the socket's scope. */
int udp6_bind_addr(const struct in6_addr *addr, int ifindex, unsigned port);
int udp6_join(int fd, int ifindex, const struct in6_addr *group);
ssize_t udp6_recv(int fd, void *buf, size_t cap, struct udp6_meta *meta);
/* src NULL: the kernel picks (a link-local one towards a link-local
 * destination). */
ssize_t udp6_send(int fd, const void *buf, size_t len,
		  const struct sockaddr_in6 *to, int ifindex,
		  const struct in6_addr *src);

#endif
