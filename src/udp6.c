/* IPV6_PKTINFO plumbing for the DHCPv6 sockets. */
#include "autoconf.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "udp6.h"

int udp6_bind(unsigned port)
{
	return udp6_bind_addr(&in6addr_any, 0, port);
}

int udp6_bind_addr(const struct in6_addr *addr, int ifindex, unsigned port)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_addr = *addr };
	int fd, on = 1, err;

	if (IN6_IS_ADDR_LINKLOCAL(addr))
		sin6.sin6_scope_id = (uint32_t)ifindex;
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
		       sizeof(on)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0)
		goto fail;
	sin6.sin6_port = htons((uint16_t)port);
	if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) < 0)
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
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
	char cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	struct iovec iov = { buf, cap };
	struct msghdr mh = {
		.msg_name = &meta->from,
		.msg_namelen = sizeof(meta->from),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	ssize_t n;

	memset(meta, 0, sizeof(*meta));
	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	meta->truncated = (mh.msg_flags & MSG_TRUNC) != 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		struct in6_pktinfo pi;

		if (c->cmsg_level != IPPROTO_IPV6 ||
		    c->cmsg_type != IPV6_PKTINFO)
			continue;
		memcpy(&pi, CMSG_DATA(c), sizeof(pi));
		meta->ifindex = (int)pi.ipi6_ifindex;
		meta->dst = pi.ipi6_addr;
	}
	return n;
}

ssize_t udp6_send(int fd, const void *buf, size_t len,
		  const struct sockaddr_in6 *to, int ifindex,
		  const struct in6_addr *src)
{
	char cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = {
		.msg_name = (void *)to,
		.msg_namelen = sizeof(*to),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned)ifindex };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	ssize_t n;

	if (src)
		pi.ipi6_addr = *src;
	memset(cbuf, 0, sizeof(cbuf));
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	n = sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	return n < 0 ? -errno : n;
}
