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

static void discover_options_parse_to_values(void)
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

static void pad_and_missing_end_are_tolerated(void)
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

static void split_options_concatenate_rfc3396(void)
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

static void overloaded_file_and_sname_carry_options(void)
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

static void truncated_packets_are_refused(void)
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

static void client_arch_must_be_whole_16_bit_list(void)
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

static void reply_carries_boot_data_and_no_address(void)
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

/* Every option of a reply, in order, as (code, value) pairs with split
 * options (RFC 3396) joined; END must close the list. */
static size_t reply_options(const uint8_t *b, size_t len, uint8_t *codes,
			    size_t max)
{
	size_t n = 0;

	for (size_t i = 240; i < len && b[i] != 255;) {
		if (b[i] == 0) {
			i++;
			continue;
		}
		if (i + 1 >= len || i + 2 + b[i + 1] > len)
			return 0;
		if ((n == 0 || codes[n - 1] != b[i]) && n < max)
			codes[n++] = b[i];
		i += 2 + b[i + 1];
	}
	return n;
}

/* Regression (issue 15, bug 4): a relayed request's option 82 was not
 * echoed.  RFC 3046 2.2: copied whole, as the last option; one longer
 * than 255 bytes came split (RFC 3396) and goes back split. */
static void relayed_reply_echoes_option_82_last(void)
{
	struct pkt p;
	struct dhcp_msg m;
	struct dhcp_reply r = { 0 };
	uint8_t out[DHCP_MAX_LEN], codes[32], big[300], joined[300];
	const char *why;
	size_t nc, jl = 0;
	int n;

	pkt_init(&p);
	memcpy(p.b + 24, "\xc0\x00\x02\x01", 4);      /* giaddr */
	ADD(&p, "\x35\x01\x01\x3c\x09PXEClient"
		"\x52\x0c\x01\x04port\x02\x04\x00\x11\x22\x33\x39\x02\x05\xdc\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	r.type = DHCPOFFER;
	inet_pton(AF_INET, "192.0.2.10", &r.server);
	r.vendor_class = "PXEClient";
	r.bootfile = "pxelinux.0";
	r.pxe_options = true;
	n = dhcp_build_reply(&m, &r, out, sizeof(out));
	CHECK(n > 0);
	nc = reply_options(out, (size_t)n, codes, sizeof(codes));
	CHECK(nc > 1 && codes[nc - 1] == OPT_RELAY_AGENT);
	CHECK(find_opt(out, (size_t)n, 82, codes) != NULL && codes[0] == 12);
	CHECK(!memcmp(find_opt(out, (size_t)n, 82, codes),
		      "\x01\x04port\x02\x04\x00\x11\x22\x33", 12));

	/* 300 bytes of relay information in two pieces. */
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	pkt_init(&p);
	ADD(&p, "\x35\x01\x01\x3c\x09PXEClient\x39\x02\x05\xdc");
	add(&p, "\x52\xc8", 2);
	add(&p, big, 200);
	add(&p, "\x52\x64", 2);
	add(&p, big + 200, 100);
	ADD(&p, "\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	n = dhcp_build_reply(&m, &r, out, sizeof(out));
	CHECK(n > 0);
	nc = reply_options(out, (size_t)n, codes, sizeof(codes));
	CHECK(nc > 1 && codes[nc - 1] == OPT_RELAY_AGENT);
	for (size_t i = 240; i < (size_t)n && out[i] != 255;) {
		if (out[i] == 0) {
			i++;
			continue;
		}
		if (out[i] == OPT_RELAY_AGENT && jl + out[i + 1] <= sizeof(joined)) {
			memcpy(joined + jl, out + i + 2, out[i + 1]);
			jl += out[i + 1];
		}
		i += 2 + out[i + 1];
	}
	CHECK(jl == sizeof(big) && !memcmp(joined, big, sizeof(big)));
	/* No option 82 in the request: none in the reply. */
	pkt_init(&p);
	ADD(&p, "\x35\x01\x01\x3c\x09PXEClient\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	n = dhcp_build_reply(&m, &r, out, sizeof(out));
	CHECK(n > 0 && !find_opt(out, (size_t)n, 82, codes));
}

/* What the client receives never exceeds what it said it takes (option
 * 57, which counts IP and UDP headers), nor 576 when it said nothing.  A
 * relay's option 82 does not count: the relay strips it (RFC 3046 2.1). */
static void reply_fits_client_max_size(void)
{
	struct pkt p;
	struct dhcp_msg m;
	struct dhcp_reply r = { 0 };
	uint8_t out[DHCP_MAX_LEN];
	char url[256];
	const char *why;
	int n;

	memset(url, 'u', 255);
	url[255] = '\0';
	r.type = DHCPOFFER;
	r.vendor_class = "PXEClient";
	r.bootfile = url;
	r.pxe_options = true;
	pkt_init(&p);
	ADD(&p, "\x35\x01\x01\x3c\x09PXEClient\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	n = dhcp_build_reply(&m, &r, out, sizeof(out));
	CHECK(n > 255 && n <= 576 - 28);
	/* 200 bytes of relay information more: past 576, by exactly them. */
	pkt_init(&p);
	ADD(&p, "\x35\x01\x01\x3c\x09PXEClient\x52\xc8");
	p.len += 200;
	ADD(&p, "\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	n = dhcp_build_reply(&m, &r, out, sizeof(out));
	CHECK(n > 576 - 28 && n - 202 <= 576 - 28);
	/* The machine identifier and a boot item too: no longer fits 576 ... */
	r.boot_item = (const uint8_t *)"\0\1\0\0";
	r.boot_item_len = 4;
	pkt_init(&p);
	ADD(&p, "\x35\x01\x01\x3c\x09PXEClient\x61\x11\x00"
		"0123456789abcdef\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	CHECK(dhcp_build_reply(&m, &r, out, sizeof(out)) == -ENOBUFS);
	/* ... but fits the 1500 the client said it takes. */
	pkt_init(&p);
	ADD(&p, "\x35\x01\x01\x3c\x09PXEClient\x39\x02\x05\xdc\x61\x11\x00"
		"0123456789abcdef\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	n = dhcp_build_reply(&m, &r, out, sizeof(out));
	CHECK(n > 576 - 28 && n <= 1500 - 28);
	/* Less than 576 asked: 576 all the same (RFC 2132 9.10). */
	pkt_init(&p);
	ADD(&p, "\x35\x01\x01\x3c\x09PXEClient\x39\x02\x01\x00\xff");
	CHECK(dhcp_parse(&m, p.b, p.len, &why) == 0);
	n = dhcp_build_reply(&m, &r, out, sizeof(out));
	CHECK(n > 255 && n <= 576 - 28);
}

static void add_random_options(struct pkt *p)
{
	int n = rand() % 12;

	for (int k = 0; k < n; k++) {
		uint8_t code = (uint8_t)(1 + rand() % 254), len = (uint8_t)(rand() % 40);

		if (code == OPT_OVERLOAD)
			continue;
		p->b[p->len++] = code;
		p->b[p->len++] = len;
		for (uint8_t j = 0; j < len; j++)
			p->b[p->len++] = (uint8_t)rand();
	}
	p->b[p->len++] = OPT_END;
	if (rand() % 4 == 0)
		p->len -= (size_t)rand() % (p->len - 240);
}

/* Random and mutated packets: the parser must never crash or read out of
 * bounds (run under ASan in CI), and each result is self-consistent. */
static void random_packets_parse_or_fail_cleanly(void)
{
	struct pkt p;
	struct dhcp_msg m;
	const char *why;
	unsigned ok = 0, bad = 0;

	srand(1);
	for (int i = 0; i < 20000; i++) {
		pkt_init(&p);
		if (rand() % 2) {
			/* Well-formed options with random codes and
			 * values, then a random cut: most parse. */
			add_random_options(&p);
		} else {
			p.len = 240 + (size_t)(rand() % 400);
			for (size_t j = 240; j < p.len; j++)
				p.b[j] = (uint8_t)rand();
		}
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
		} else {
			bad++;
		}
	}
	/* Both outcomes must be common, or the loop tests nothing. */
	CHECK(ok > 2000 && bad > 2000);
	printf("random packets: %u parsed, %u refused\n", ok, bad);
}

int main(void)
{
	discover_options_parse_to_values();
	pad_and_missing_end_are_tolerated();
	split_options_concatenate_rfc3396();
	overloaded_file_and_sname_carry_options();
	truncated_packets_are_refused();
	client_arch_must_be_whole_16_bit_list();
	reply_carries_boot_data_and_no_address();
	relayed_reply_echoes_option_82_last();
	reply_fits_client_max_size();
	random_packets_parse_or_fail_cleanly();
	return check_done("dhcp");
}
