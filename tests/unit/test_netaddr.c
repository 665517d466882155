/* netaddr: peers of either family compared and printed the way the logs
 * and the status page show them (IPv4 exactly as before, IPv6 in
 * brackets before a port, an IPv4-mapped address as IPv4). */
#include "autoconf.h"

#include <arpa/inet.h>
#include <string.h>

#include "check.h"
#include "netaddr.h"

static union sockaddr_inx sa(const char *ip, unsigned port)
{
	union sockaddr_inx s;

	memset(&s, 0, sizeof(s));
	if (strchr(ip, ':')) {
		s.in6.sin6_family = AF_INET6;
		s.in6.sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, ip, &s.in6.sin6_addr);
	} else {
		s.in.sin_family = AF_INET;
		s.in.sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, ip, &s.in.sin_addr);
	}
	return s;
}

static void test_printing_keeps_ipv4_lines_unchanged(void)
{
	char buf[SOCKADDR_STR_MAX], ip[INET6_ADDRSTRLEN];
	union sockaddr_inx s = sa("192.0.2.20", 1234);
	struct ipaddr none = { 0 };

	CHECK(!strcmp(sockaddr_str(buf, &s), "192.0.2.20:1234"));
	s = sa("2001:db8::20", 69);
	CHECK(!strcmp(sockaddr_str(buf, &s), "[2001:db8::20]:69"));
	s = sa("::ffff:192.0.2.20", 80);
	CHECK(!strcmp(sockaddr_str(buf, &s), "192.0.2.20:80"));
	s = sa("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535);
	CHECK(!strcmp(sockaddr_str(buf, &s),
		      "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535"));
	CHECK(!strcmp(ipaddr_str(ip, &none), ""));
	s = sa("2001:db8::20", 69);
	none = sockaddr_ip(&s);
	CHECK(!strcmp(ipaddr_str(ip, &none), "2001:db8::20"));
}

static void test_same_means_family_address_and_port(void)
{
	union sockaddr_inx a = sa("2001:db8::20", 69), b = a;
	union sockaddr_inx c = sa("192.0.2.20", 69), d = sa("::ffff:192.0.2.20", 69);

	CHECK(sockaddr_same(&a, &b));
	b.in6.sin6_port = htons(70);
	CHECK(!sockaddr_same(&a, &b));
	b = sa("2001:db8::21", 69);
	CHECK(!sockaddr_same(&a, &b));
	CHECK(!sockaddr_same(&a, &c));
	/* The same IPv4 peer seen through a mapped address. */
	CHECK(sockaddr_same(&c, &d));
	CHECK(sockaddr_len(&a) == sizeof(struct sockaddr_in6));
	CHECK(sockaddr_len(&c) == sizeof(struct sockaddr_in));
	CHECK(sockaddr_port(&a) == 69);
}

int main(void)
{
	test_printing_keeps_ipv4_lines_unchanged();
	test_same_means_family_address_and_port();
	return check_done("netaddr");
}
