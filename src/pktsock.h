/* Port 67 through a packet socket, for hosts where a DHCP server already
 * holds the port (pxeproxyd on the router itself).  A BPF filter lets
 * through only BOOTREQUESTs to UDP 67 that carry option 60 PXEClient or
 * HTTPClient, so the kernel drops every other DHCP packet before it costs
 * a wake-up. */
#ifndef PXE_PKTSOCK_H
#define PXE_PKTSOCK_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "udp.h"

/* AF_PACKET socket with the filter attached (needs CAP_NET_RAW: opened
 * before the privilege drop).  -errno on failure. */
int pktsock_open(void);

/* Receives one datagram: *payload and *plen are the UDP payload inside
 * buf; meta gets source, destination and interface.  -EAGAIN when none,
 * -EINVAL for a frame that is not a well-formed IPv4/UDP to port 67. */
ssize_t pktsock_recv(int fd, uint8_t *buf, size_t cap, struct udp_meta *meta,
		     const uint8_t **payload, size_t *plen);

/* Sends payload from src:67 to 255.255.255.255:68 as an Ethernet
 * broadcast out of ifindex. */
ssize_t pktsock_send_broadcast(int fd, int ifindex, struct in_addr src,
			       const void *payload, size_t len);

/* Pure framing, for pktsock_recv/pktsock_send_broadcast, the unit tests
 * and the fuzzer.  ipudp_parse: 0, or -EINVAL for anything but an
 * unfragmented IPv4/UDP datagram with a valid header checksum (the UDP
 * checksum is not checked); *payload points into pkt.  ipudp_build: the
 * frame's length, or -ENOBUFS. */
int ipudp_parse(const uint8_t *pkt, size_t len, struct sockaddr_in *from,
		struct in_addr *dst, uint16_t *dport, const uint8_t **payload,
		size_t *plen);
int ipudp_build(uint8_t *out, size_t cap, struct in_addr src, uint16_t sport,
		struct in_addr dst, uint16_t dport, const void *payload,
		size_t len);

#endif
