/* A peer or an address of either family, as the file servers, the client
 * table and the logs see it.  IPv4 prints as it always did ("a.b.c.d",
 * "a.b.c.d:port"); IPv6 in brackets when a port follows ("[2001:db8::1]:69",
 * RFC 3986 3.2.2), so that a log line parses the same for both. */
#ifndef PXE_NETADDR_H
#define PXE_NETADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>

/* A socket address of either family: what recvmsg(), accept() and
 * connect() take, without casts at every call. */
union sockaddr_inx {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

/* An address without a port; family 0: none known. */
struct ipaddr {
	sa_family_t family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

/* "[" + an IPv6 address + "]:65535" and the NUL. */
#define SOCKADDR_STR_MAX (INET6_ADDRSTRLEN + 8)

socklen_t sockaddr_len(const union sockaddr_inx *s);
unsigned sockaddr_port(const union sockaddr_inx *s);
/* Same family, address and port. */
bool sockaddr_same(const union sockaddr_inx *a, const union sockaddr_inx *b);
/* The address alone; an IPv4-mapped IPv6 address becomes IPv4. */
struct ipaddr sockaddr_ip(const union sockaddr_inx *s);
/* "a.b.c.d:port" or "[v6]:port".  Returns buf. */
const char *sockaddr_str(char buf[SOCKADDR_STR_MAX],
			 const union sockaddr_inx *s);

struct ipaddr ipaddr_v4(struct in_addr a);
struct ipaddr ipaddr_v6(const struct in6_addr *a);
bool ipaddr_same(const struct ipaddr *a, const struct ipaddr *b);
/* "a.b.c.d" or "2001:db8::1" (no brackets); "" when none.  Returns buf. */
const char *ipaddr_str(char buf[INET6_ADDRSTRLEN], const struct ipaddr *a);

#endif
