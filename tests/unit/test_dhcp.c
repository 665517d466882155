/* Unit tests of the BOOTP/DHCP parser and reply builder, hostile input
 * included. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dhcp.h"

struct pkt {
	uint8_t b[DHCP_MAX_LEN + 64];
	size_t len;
};

/* A BOOTREQUEST header with the cookie, options to be appended. */
static void pkt_init(struct pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->b[0] = BOOTREQUEST;
	p->b[1] = 1;
	p->b[2] = 6;
	p->b[4] = 0xde; p->b[5] = 0xad; p->b[6] = 0xbe; p->b[7] = 0xef;
	memcpy(p->b + 28, "\x52\x54\x00\x12\x34\x56", 6);
	memcpy(p->b + 236, "\x63\x82\x53\x63", 4);
	p->len = 240;
}

static void add(struct pkt *p, const void *bytes, size_t n)
{
	memcpy(p->b + p->len, bytes, n);
	p->len += n;
}

#define ADD(p, s) add(p, s, sizeof(s) - 1)

static void test_basic(void)
{
	struct pkt p;
	struct dhcp_msg m;
	const char *why = NULL;
	const uint8_t *v;
	size_t len;
	uint16_t arch;

	pkt_init(&p);
	ADD(&p, "\x35\x01\x01" "\x3c\x09PXEClient" "\x5d\x02\x00\x07" "\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	CHECK(m.op == BOOTREQUEST && m.xid == 0xdeadbeef);
	CHECK(dhcp_msg_type(&m) == DHCPDISCOVER);
	CHECK(dhcp_client_arch(&m, &arch) == 0 && arch == 7);
	CHECK(dhcp_opt(&m, OPT_VENDOR_CLASS, &v, &len) && len == 9 &&
	      !memcmp(v, "PXEClient", 9));
	CHECK(!dhcp_opt(&m, OPT_CLIENT_UUID, &v, &len));
}

static void test_pad_and_missing_end(void)
{
	struct pkt p;
	struct dhcp_msg m;
	const char *why;
	uint16_t arch;

	pkt_init(&p);
	ADD(&p, "\x00\x00\x35\x01\x01\x00\x5d\x02\x00\x0b");  /* no END */
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	CHECK(dhcp_client_arch(&m, &arch) == 0 && arch == 11);
	/* Options after END are ignored. */
	pkt_init(&p);
	ADD(&p, "\x35\x01\x01\xff\x5d\x02\x00\x0b");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	CHECK(dhcp_client_arch(&m, &arch) == -1);
}

static void test_concatenation(void)
{
	struct pkt p;
	struct dhcp_msg m;
	const char *why;
	const uint8_t *v;
	size_t len;

	/* RFC 3396: two instances of 60 are one value. */
	pkt_init(&p);
	ADD(&p, "\x3c\x03PXE" "\x35\x01\x01" "\x3c\x06" "Client" "\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	CHECK(dhcp_opt(&m, OPT_VENDOR_CLASS, &v, &len) && len == 9 &&
	      !memcmp(v, "PXEClient", 9));
	/* A duplicated fixed-size option becomes too long: refused by its
	 * accessor, not trusted. */
	pkt_init(&p);
	ADD(&p, "\x35\x01\x01\x35\x01\x03\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	CHECK(dhcp_msg_type(&m) == -1);
}

static void test_overload(void)
{
	struct pkt p;
	struct dhcp_msg m;
	const char *why;
	const uint8_t *v;
	size_t len;
	uint16_t arch;

	/* 52 = 3: file (offset 108) then sname (offset 44) hold options. */
	pkt_init(&p);
	memcpy(p.b + 108, "\x5d\x02\x00\x09\x3c\x03PXE\xff", 10);
	memcpy(p.b + 44, "\x3c\x06" "Client\xff", 9);
	ADD(&p, "\x35\x01\x01\x34\x01\x03\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	CHECK(dhcp_client_arch(&m, &arch) == 0 && arch == 9);
	CHECK(dhcp_opt(&m, OPT_VENDOR_CLASS, &v, &len) && len == 9 &&
	      !memcmp(v, "PXEClient", 9));
	/* Without 52 the same bytes are just a file name. */
	pkt_init(&p);
	memcpy(p.b + 108, "\x5d\x02\x00\x09\xff", 5);
	ADD(&p, "\x35\x01\x01\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	CHECK(dhcp_client_arch(&m, &arch) == -1);
	/* Bad overload values and an option overflowing the file field. */
	pkt_init(&p);
	ADD(&p, "\x34\x01\x04\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == -EINVAL);
	pkt_init(&p);
	ADD(&p, "\x34\x02\x01\x01\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == -EINVAL);
	pkt_init(&p);
	memcpy(p.b + 108 + 120, "\x3c\x20PXE", 5);
	ADD(&p, "\x34\x01\x01\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == -EINVAL);
}

static void test_truncated(void)
{
	struct pkt p;
	struct dhcp_msg m;
	const char *why;

	pkt_init(&p);
	ADD(&p, "\x35\x01\x01\x3c\x09PXEClient\xff");
	/* Every prefix shorter than the header and cookie fails; every
	 * prefix cutting an option fails; none reads past its length. */
	for (size_t n = 0; n < 240; n++)
		CHECK(dhcp_parse(&m, p.b, n, &why) < 0);
	CHECK(dhcp_parse(&m, p.b, 242, &why) < 0);      /* in option 53 */
	CHECK(dhcp_parse(&m, p.b, 243, &why) == 0);     /* after 53 */
	for (size_t n = 244; n < 254; n++)
		CHECK(dhcp_parse(&m, p.b, n, &why) < 0);
	CHECK(dhcp_parse(&m, p.b, 254, &why) == 0);
	/* No cookie: plain BOOTP, not for us. */
	pkt_init(&p);
	p.b[236] = 0;
	CHECK(dhcp_parse(&m, p.b, p.len, &why) < 0);
	/* Too large, and a bad hardware length. */
	CHECK(dhcp_parse(&m, p.b, DHCP_MAX_LEN + 1, &why) == -EMSGSIZE);
	pkt_init(&p);
	p.b[2] = 17;
	CHECK(dhcp_parse(&m, p.b, p.len, &why) < 0);
}

static void test_arch_option(void)
{
	struct pkt p;
	struct dhcp_msg m;
	const char *why;
	uint16_t arch;

	pkt_init(&p);
	ADD(&p, "\x5d\x01\x00\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	CHECK(dhcp_client_arch(&m, &arch) == -2);
	pkt_init(&p);
	ADD(&p, "\x5d\x03\x00\x07\x00\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	CHECK(dhcp_client_arch(&m, &arch) == -2);
	/* A list: the first is used. */
	pkt_init(&p);
	ADD(&p, "\x5d\x04\x00\x10\x00\x07\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	CHECK(dhcp_client_arch(&m, &arch) == 0 && arch == 16);
}

/* Reads the reply back with a separate walk, not the parser under test. */
static const uint8_t *find_opt(const uint8_t *b, size_t len, uint8_t code,
			       uint8_t *olen)
{
	for (size_t i = 240; i + 1 < len && b[i] != 255;) {
		if (b[i] == 0) {
			i++;
			continue;
		}
		if (b[i] == code) {
			*olen = b[i + 1];
			return b + i + 2;
		}
		i += 2 + b[i + 1];
	}
	return NULL;
}

static void test_build(void)
{
	struct pkt p;
	struct dhcp_msg m;
	struct dhcp_reply r = { 0 };
	uint8_t out[DHCP_MAX_LEN], olen;
	const uint8_t *v;
	const char *why;
	int n;

	pkt_init(&p);
	p.b[10] = 0x80;                 /* broadcast flag */
	ADD(&p, "\x35\x01\x01\x3c\x09PXEClient\x61\x11\x00"
		"0123456789abcdef\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	r.type = DHCPOFFER;
	inet_pton(AF_INET, "192.0.2.10", &r.server);
	r.vendor_class = "PXEClient";
	r.bootfile = "pxelinux.0";
	r.pxe_options = true;
	n = dhcp_build_reply(&m, &r, out, sizeof(out));
	CHECK(n >= BOOTP_MIN_REPLY);
	CHECK(out[0] == BOOTREPLY);
	CHECK(!memcmp(out + 4, "\xde\xad\xbe\xef", 4));
	CHECK(out[10] == 0x80);
	CHECK(!memcmp(out + 16, "\0\0\0\0", 4));               /* yiaddr */
	CHECK(!memcmp(out + 20, "\xc0\x00\x02\x0a", 4));       /* siaddr */
	CHECK(!memcmp(out + 28, "\x52\x54\x00\x12\x34\x56", 6));
	CHECK(!strcmp((const char *)out + 108, "pxelinux.0"));
	CHECK((v = find_opt(out, (size_t)n, 53, &olen)) && olen == 1 &&
	      v[0] == DHCPOFFER);
	CHECK((v = find_opt(out, (size_t)n, 54, &olen)) && olen == 4);
	CHECK((v = find_opt(out, (size_t)n, 60, &olen)) && olen == 9);
	CHECK((v = find_opt(out, (size_t)n, 97, &olen)) && olen == 17);
	CHECK((v = find_opt(out, (size_t)n, 43, &olen)) && olen == 4 &&
	      !memcmp(v, "\x06\x01\x08\xff", 4));
	CHECK((v = find_opt(out, (size_t)n, 67, &olen)) && olen == 10);
	/* Too small a buffer: an error, never an overflow. */
	for (size_t cap = 0; cap < BOOTP_MIN_REPLY; cap++)
		CHECK(dhcp_build_reply(&m, &r, out, cap) == -ENOBUFS);
	/* A 200-byte URL: only option 67 carries it, the file field is 0. */
	{
		char url[201];

		memset(url, 'a', 200);
		url[200] = '\0';
		r.bootfile = url;
		n = dhcp_build_reply(&m, &r, out, sizeof(out));
		CHECK(n > 0 && out[108] == 0);
		CHECK((v = find_opt(out, (size_t)n, 67, &olen)) && olen == 200);
	}
}

/* Random and mutated packets: the parser must never crash or read out of
 * bounds (run under ASan in CI), and each result is self-consistent. */
static void test_random(void)
{
	struct pkt p;
	struct dhcp_msg m;
	const char *why;
	unsigned ok = 0;

	srand(1);
	for (int i = 0; i < 20000; i++) {
		pkt_init(&p);
		p.len = 240 + (size_t)(rand() % 400);
		for (size_t j = 240; j < p.len; j++)
			p.b[j] = (uint8_t)rand();
		if (rand() % 2)
			p.b[240] = 0x34, p.b[241] = 1, p.b[242] = 1 + rand() % 3;
		for (size_t j = 44; j < 236; j++)
			p.b[j] = (uint8_t)rand();
		if (dhcp_parse(&m, p.b, p.len, &why) == 0) {
			uint16_t a;

			ok++;
			(void)dhcp_msg_type(&m);
			(void)dhcp_client_arch(&m, &a);
			CHECK(m.optbuf_len <= p.len);
		}
	}
	CHECK(ok > 0);
}

int main(void)
{
	test_basic();
	test_pad_and_missing_end();
	test_concatenation();
	test_overload();
	test_truncated();
	test_arch_option();
	test_build();
	test_random();
	return check_done("dhcp");
}
