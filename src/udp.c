/* IP_PKTINFO plumbing for the DHCP and TFTP sockets. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "udp.h"

int udp_bind(struct in_addr addr, unsigned port, bool broadcast)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd, on = 1, err;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    (broadcast && setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on,
				     sizeof(on)) < 0))
		goto fail;
	sin.sin_addr = addr;
	sin.sin_port = htons((uint16_t)port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

ssize_t udp_recv(int fd, void *buf, size_t cap, struct udp_meta *meta)
{
	char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))];
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

	memset(&meta->from, 0, sizeof(meta->from));
	meta->ifindex = 0;
	meta->dst.s_addr = 0;
	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	meta->truncated = (mh.msg_flags & MSG_TRUNC) != 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		struct in_pktinfo pi;

		if (c->cmsg_level != IPPROTO_IP || c->cmsg_type != IP_PKTINFO)
			continue;
		memcpy(&pi, CMSG_DATA(c), sizeof(pi));
		meta->ifindex = pi.ipi_ifindex;
		meta->dst = pi.ipi_addr;
	}
	return n;
}

ssize_t udp_send(int fd, const void *buf, size_t len,
		 const struct sockaddr_in *to, int ifindex, struct in_addr src)
{
	char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = {
		.msg_name = (void *)to,
		.msg_namelen = sizeof(*to),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct in_pktinfo pi = { .ipi_ifindex = ifindex, .ipi_spec_dst = src };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	ssize_t n;

	memset(cbuf, 0, sizeof(cbuf));
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	n = sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	return n < 0 ? -errno : n;
}
