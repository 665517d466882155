/* Addresses of either family: comparing and printing them in one place,
 * so that no server grows its own AF_INET6 branch for a log line. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "netaddr.h"

socklen_t sockaddr_len(const union sockaddr_inx *s)
{
	return s->sa.sa_family == AF_INET6 ? sizeof(s->in6) : sizeof(s->in);
}

unsigned sockaddr_port(const union sockaddr_inx *s)
{
	return ntohs(s->sa.sa_family == AF_INET6 ? s->in6.sin6_port
						 : s->in.sin_port);
}

bool sockaddr_same(const union sockaddr_inx *a, const union sockaddr_inx *b)
{
	struct ipaddr ia = sockaddr_ip(a), ib = sockaddr_ip(b);

	return ipaddr_same(&ia, &ib) && sockaddr_port(a) == sockaddr_port(b);
}

struct ipaddr sockaddr_ip(const union sockaddr_inx *s)
{
	struct ipaddr a = { 0 };

	if (s->sa.sa_family == AF_INET)
		return ipaddr_v4(s->in.sin_addr);
	if (s->sa.sa_family != AF_INET6)
		return a;
	if (IN6_IS_ADDR_V4MAPPED(&s->in6.sin6_addr)) {
		a.family = AF_INET;
		memcpy(&a.u.v4, &s->in6.sin6_addr.s6_addr[12], 4);
		return a;
	}
	return ipaddr_v6(&s->in6.sin6_addr);
}

const char *sockaddr_str(char buf[SOCKADDR_STR_MAX],
			 const union sockaddr_inx *s)
{
	char ip[INET6_ADDRSTRLEN];
	struct ipaddr a = sockaddr_ip(s);

	ipaddr_str(ip, &a);
	snprintf(buf, SOCKADDR_STR_MAX, a.family == AF_INET6 ? "[%s]:%u"
							      : "%s:%u",
		 ip, sockaddr_port(s));
	return buf;
}

struct ipaddr ipaddr_v4(struct in_addr v4)
{
	struct ipaddr a = { .family = AF_INET };

	a.u.v4 = v4;
	return a;
}

struct ipaddr ipaddr_v6(const struct in6_addr *v6)
{
	struct ipaddr a = { .family = AF_INET6 };

	a.u.v6 = *v6;
	return a;
}

bool ipaddr_same(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->u.v4.s_addr == b->u.v4.s_addr;
	if (a->family == AF_INET6)
		return IN6_ARE_ADDR_EQUAL(&a->u.v6, &b->u.v6);
	return true;
}

const char *ipaddr_str(char buf[INET6_ADDRSTRLEN], const struct ipaddr *a)
{
	buf[0] = '\0';
	if (a->family == AF_INET || a->family == AF_INET6)
		inet_ntop(a->family, &a->u, buf, INET6_ADDRSTRLEN);
	return buf;
}
