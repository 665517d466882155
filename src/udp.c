/* IP_PKTINFO and IPV6_PKTINFO plumbing for the DHCP, DHCPv6 and TFTP
 * sockets: one recvmsg() and one sendmsg() with a packet-info control
 * message, for either family. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "udp.h"

/* Room for either family's packet info. */
#define PKTINFO_SPACE CMSG_SPACE(sizeof(struct in6_pktinfo))

/* A datagram and the packet info of type level/type copied into pi (left
 * as it was when the kernel sent none). */
static ssize_t recv_pktinfo(int fd, void *buf, size_t cap, void *from,
			    socklen_t fromlen, int level, int type, void *pi,
			    size_t pilen, bool *truncated)
{
	char cbuf[PKTINFO_SPACE];
	struct iovec iov = { buf, cap };
	struct msghdr mh = {
		.msg_name = from,
		.msg_namelen = fromlen,
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

	if (n < 0)
		return -errno;
	*truncated = (mh.msg_flags & MSG_TRUNC) != 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == level && c->cmsg_type == type)
			memcpy(pi, CMSG_DATA(c), pilen);
	return n;
}

static ssize_t send_pktinfo(int fd, const void *buf, size_t len,
			    const void *to, socklen_t tolen, int level,
			    int type, const void *pi, size_t pilen)
{
	char cbuf[PKTINFO_SPACE];
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = {
		.msg_name = (void *)to,
		.msg_namelen = tolen,
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = CMSG_SPACE(pilen),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	ssize_t n;

	memset(cbuf, 0, sizeof(cbuf));
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(pilen);
	memcpy(CMSG_DATA(c), pi, pilen);
	n = sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	return n < 0 ? -errno : n;
}

/* A room of machines powered on together sends its DISCOVERs and RRQs in
 * one burst, and the proxy socket also hears every other DHCP broadcast
 * on the segment: room for about a thousand datagrams rather than the
 * default hundred or so.  SO_RCVBUFFORCE passes rmem_max while we are
 * still root (sockets are bound before the privilege drop); otherwise
 * the kernel's limit stands. */
#define UDP_RCVBUF (2 * 1024 * 1024)

static void grow_rcvbuf(int fd)
{
	int size = UDP_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

/* Non-blocking, close-on-exec, SO_REUSEADDR and opts (level, name pairs,
 * each set to 1), bound to sa.  -errno on failure. */
static int bind_with(int family, const struct sockaddr *sa, socklen_t len,
		     const int (*opts)[2], size_t n_opts)
{
	int fd, on = 1, err;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0)
		goto fail;
	for (size_t i = 0; i < n_opts; i++)
		if (setsockopt(fd, opts[i][0], opts[i][1], &on,
			       sizeof(on)) < 0)
			goto fail;
	if (bind(fd, sa, len) < 0)
		goto fail;
	grow_rcvbuf(fd);
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

int udp_bind(struct in_addr addr, unsigned port, bool broadcast)
{
	static const int opts[][2] = {
		{ IPPROTO_IP, IP_PKTINFO }, { SOL_SOCKET, SO_BROADCAST },
	};
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = addr,
				   .sin_port = htons((uint16_t)port) };

	return bind_with(AF_INET, (struct sockaddr *)&sin, sizeof(sin), opts,
			 broadcast ? 2 : 1);
}

ssize_t udp_recv(int fd, void *buf, size_t cap, struct udp_meta *meta)
{
	struct in_pktinfo pi = { 0 };
	ssize_t n;

	memset(meta, 0, sizeof(*meta));
	n = recv_pktinfo(fd, buf, cap, &meta->from, sizeof(meta->from),
			 IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi),
			 &meta->truncated);
	meta->ifindex = pi.ipi_ifindex;
	meta->dst = pi.ipi_addr;
	return n;
}

ssize_t udp_send(int fd, const void *buf, size_t len,
		 const struct sockaddr_in *to, int ifindex, struct in_addr src)
{
	struct in_pktinfo pi = { .ipi_ifindex = ifindex, .ipi_spec_dst = src };

	return send_pktinfo(fd, buf, len, to, sizeof(*to), IPPROTO_IP,
			    IP_PKTINFO, &pi, sizeof(pi));
}

int udp6_bind(unsigned port)
{
	return udp6_bind_addr(&in6addr_any, 0, port);
}

int udp6_bind_addr(const struct in6_addr *addr, int ifindex, unsigned port)
{
	/* IPv6 only: IPv4 has its own sockets on the same ports. */
	static const int opts[][2] = {
		{ IPPROTO_IPV6, IPV6_V6ONLY }, { IPPROTO_IPV6, IPV6_RECVPKTINFO },
	};
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_addr = *addr,
				     .sin6_port = htons((uint16_t)port) };

	if (IN6_IS_ADDR_LINKLOCAL(addr))
		sin6.sin6_scope_id = (uint32_t)ifindex;
	return bind_with(AF_INET6, (struct sockaddr *)&sin6, sizeof(sin6),
			 opts, 2);
}

int udp6_join(int fd, int ifindex, const struct in6_addr *group)
{
	struct ipv6_mreq mr = { .ipv6mr_multiaddr = *group,
				.ipv6mr_interface = (unsigned)ifindex };

	if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr,
		       sizeof(mr)) < 0 && errno != EADDRINUSE)
		return -errno;
	return 0;
}

ssize_t udp6_recv(int fd, void *buf, size_t cap, struct udp6_meta *meta)
{
	struct in6_pktinfo pi = { 0 };
	ssize_t n;

	memset(meta, 0, sizeof(*meta));
	n = recv_pktinfo(fd, buf, cap, &meta->from, sizeof(meta->from),
			 IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi),
			 &meta->truncated);
	meta->ifindex = (int)pi.ipi6_ifindex;
	meta->dst = pi.ipi6_addr;
	return n;
}

ssize_t udp6_send(int fd, const void *buf, size_t len,
		  const struct sockaddr_in6 *to, int ifindex,
		  const struct in6_addr *src)
{
	struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned)ifindex };

	if (src)
		pi.ipi6_addr = *src;
	return send_pktinfo(fd, buf, len, to, sizeof(*to), IPPROTO_IPV6,
			    IPV6_PKTINFO, &pi, sizeof(pi));
}
