/* Unit tests of the packet socket's IPv4/UDP framing (ipudp_parse and
 * ipudp_build), hostile input included.  The checksums are recomputed here
 * by a second, independent implementation. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pktsock.h"

#define PAYLOAD_LEN 300

struct frame {
	uint8_t b[IPV4_UDP_HDR_LEN + 40 + 1500];
	size_t len;
};

struct parsed {
	struct sockaddr_in from;
	struct in_addr dst;
	uint16_t dport;
	const uint8_t *payload;
	size_t plen;
};

static struct in_addr src_ip, bcast;     /* set in main() */

static int parse(const uint8_t *b, size_t len, struct parsed *p)
{
	memset(p, 0, sizeof(*p));
	return ipudp_parse(b, len, &p->from, &p->dst, &p->dport, &p->payload,
			   &p->plen);
}

static uint16_t csum(const uint8_t *b, size_t len, uint32_t sum)
{
	for (size_t i = 0; i < len; i++)
		sum += i % 2 ? b[i] : (uint32_t)b[i] << 8;
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Recompute the IP header checksum after a test changed the header. */
static void fix_ip_csum(uint8_t *b)
{
	size_t ihl = (size_t)(b[0] & 15) * 4;
	uint16_t c;

	b[10] = b[11] = 0;
	c = csum(b, ihl, 0);
	b[10] = (uint8_t)(c >> 8);
	b[11] = (uint8_t)c;
}

/* A DHCP-sized request from 192.0.2.10:68 to 255.255.255.255:67. */
static void good_frame(struct frame *f)
{
	uint8_t payload[PAYLOAD_LEN];
	int n;

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	memset(f, 0, sizeof(*f));
	n = ipudp_build(f->b, sizeof(f->b), src_ip, 68, bcast, 67, payload,
			sizeof(payload));
	CHECK(n == IPV4_UDP_HDR_LEN + PAYLOAD_LEN);
	f->len = n > 0 ? (size_t)n : 0;
}

static void test_built_frame_parses_back(void)
{
	struct frame f;
	struct parsed p;

	good_frame(&f);
	CHECK(parse(f.b, f.len, &p) == 0);
	CHECK(p.from.sin_family == AF_INET &&
	      p.from.sin_addr.s_addr == src_ip.s_addr &&
	      ntohs(p.from.sin_port) == 68);
	CHECK(p.dst.s_addr == bcast.s_addr && p.dport == 67);
	CHECK(p.payload == f.b + IPV4_UDP_HDR_LEN && p.plen == PAYLOAD_LEN);
	CHECK(p.plen == PAYLOAD_LEN && p.payload[0] == 0 &&
	      p.payload[PAYLOAD_LEN - 1] == (uint8_t)(PAYLOAD_LEN - 1));
}

static void test_built_checksums_verify(void)
{
	struct frame f;
	uint8_t pseudo[12];
	uint32_t sum = 0;

	good_frame(&f);
	CHECK(csum(f.b, 20, 0) == 0);
	CHECK(f.b[0] == 0x45 && f.b[8] == 64 && f.b[9] == IPPROTO_UDP);
	CHECK((f.b[2] << 8 | f.b[3]) == (int)f.len);
	CHECK((f.b[24] << 8 | f.b[25]) == UDP_HDR_LEN + PAYLOAD_LEN);
	memcpy(pseudo, f.b + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	pseudo[10] = f.b[24];
	pseudo[11] = f.b[25];
	for (size_t i = 0; i < sizeof(pseudo); i += 2)
		sum += (uint32_t)(pseudo[i] << 8 | pseudo[i + 1]);
	CHECK(csum(f.b + 20, f.len - 20, sum) == 0);
}

static void test_build_refuses_what_does_not_fit(void)
{
	uint8_t out[IPV4_UDP_HDR_LEN + 10], big[1];

	CHECK(ipudp_build(out, sizeof(out), src_ip, 67, bcast, 68, "0123456789",
			  10) == IPV4_UDP_HDR_LEN + 10);
	CHECK(ipudp_build(out, sizeof(out) - 1, src_ip, 67, bcast, 68,
			  "0123456789", 10) == -ENOBUFS);
	CHECK(ipudp_build(out, 0, src_ip, 67, bcast, 68, "", 0) == -ENOBUFS);
	/* A length the 16-bit total cannot carry, whatever the buffer. */
	CHECK(ipudp_build(out, sizeof(out), src_ip, 67, bcast, 68, big,
			  0x10000 - IPV4_UDP_HDR_LEN) == -ENOBUFS);
}

static void test_every_truncation_is_refused(void)
{
	struct frame f;
	struct parsed p;
	unsigned refused = 0;

	good_frame(&f);
	for (size_t n = 0; n < f.len; n++)
		refused += parse(f.b, n, &p) == -EINVAL;
	CHECK(refused == f.len);
}

static void test_padding_after_the_datagram_is_ignored(void)
{
	struct frame f;
	struct parsed p;

	good_frame(&f);
	memset(f.b + f.len, 0xee, 30);        /* Ethernet padding, a trailer */
	CHECK(parse(f.b, f.len + 30, &p) == 0 && p.plen == PAYLOAD_LEN);
	/* A UDP length shorter than the IP datagram: the UDP length wins. */
	f.b[24] = 0;
	f.b[25] = UDP_HDR_LEN + 10;
	CHECK(parse(f.b, f.len, &p) == 0 && p.plen == 10);
}

static void test_ip_options_are_skipped(void)
{
	struct frame f;
	struct parsed p;

	good_frame(&f);
	/* Insert 4 bytes of options (NOP NOP NOP END) after the header. */
	memmove(f.b + 24, f.b + 20, f.len - 20);
	memcpy(f.b + 20, "\x01\x01\x01\x00", 4);
	f.len += 4;
	f.b[0] = 0x46;
	f.b[2] = (uint8_t)(f.len >> 8);
	f.b[3] = (uint8_t)f.len;
	fix_ip_csum(f.b);
	CHECK(parse(f.b, f.len, &p) == 0 && p.payload == f.b + 32 &&
	      p.plen == PAYLOAD_LEN && p.dport == 67);
}

static void test_bad_version_and_ihl_are_refused(void)
{
	struct frame f;
	struct parsed p;

	for (unsigned ihl = 0; ihl < 16; ihl++) {
		good_frame(&f);
		f.b[0] = (uint8_t)(0x40 | ihl);
		fix_ip_csum(f.b);
		/* 5 is the only right one for this frame: larger ones eat
		 * the UDP header as options. */
		if (ihl == 5)
			CHECK(parse(f.b, f.len, &p) == 0);
		else
			CHECK(parse(f.b, f.len, &p) == -EINVAL);
	}
	good_frame(&f);
	f.b[0] = 0x65;                          /* IPv6's version */
	fix_ip_csum(f.b);
	CHECK(parse(f.b, f.len, &p) == -EINVAL);
	/* An IHL longer than the whole datagram. */
	good_frame(&f);
	f.b[0] = 0x4f;
	f.b[2] = 0;
	f.b[3] = 40;
	fix_ip_csum(f.b);
	CHECK(parse(f.b, f.len, &p) == -EINVAL);
}

static void test_total_length_is_checked(void)
{
	struct frame f;
	struct parsed p;

	good_frame(&f);
	f.b[2] = (uint8_t)((f.len + 1) >> 8);  /* one more than received */
	f.b[3] = (uint8_t)(f.len + 1);
	fix_ip_csum(f.b);
	CHECK(parse(f.b, f.len, &p) == -EINVAL);
	good_frame(&f);
	f.b[2] = 0;
	f.b[3] = 27;                            /* no room for a UDP header */
	fix_ip_csum(f.b);
	CHECK(parse(f.b, f.len, &p) == -EINVAL);
}

static void test_fragments_are_refused(void)
{
	struct frame f;
	struct parsed p;

	good_frame(&f);
	f.b[6] = 0x20;                          /* more fragments */
	fix_ip_csum(f.b);
	CHECK(parse(f.b, f.len, &p) == -EINVAL);
	good_frame(&f);
	f.b[7] = 0x01;                          /* offset 8 */
	fix_ip_csum(f.b);
	CHECK(parse(f.b, f.len, &p) == -EINVAL);
	good_frame(&f);
	f.b[6] = 0x40;                          /* don't fragment: fine */
	fix_ip_csum(f.b);
	CHECK(parse(f.b, f.len, &p) == 0);
}

static void test_header_checksum_is_checked(void)
{
	struct frame f;
	struct parsed p;

	good_frame(&f);
	f.b[11] ^= 1;
	CHECK(parse(f.b, f.len, &p) == -EINVAL);
	good_frame(&f);
	f.b[8] = 1;                             /* TTL changed, sum not */
	CHECK(parse(f.b, f.len, &p) == -EINVAL);
	/* The UDP checksum is not checked (offload may leave it partial). */
	good_frame(&f);
	f.b[27] ^= 0xff;
	CHECK(parse(f.b, f.len, &p) == 0);
}

static void test_not_udp_is_refused(void)
{
	struct frame f;
	struct parsed p;

	good_frame(&f);
	f.b[9] = IPPROTO_TCP;
	fix_ip_csum(f.b);
	CHECK(parse(f.b, f.len, &p) == -EINVAL);
}

static void test_udp_length_is_checked(void)
{
	struct frame f;
	struct parsed p;

	good_frame(&f);
	f.b[24] = 0;
	f.b[25] = 7;                            /* shorter than its header */
	CHECK(parse(f.b, f.len, &p) == -EINVAL);
	good_frame(&f);
	f.b[24] = (uint8_t)((f.len - 20 + 1) >> 8);    /* past the IP end */
	f.b[25] = (uint8_t)(f.len - 20 + 1);
	CHECK(parse(f.b, f.len, &p) == -EINVAL);
	good_frame(&f);
	f.b[24] = 0;
	f.b[25] = UDP_HDR_LEN;                  /* empty payload */
	CHECK(parse(f.b, f.len, &p) == 0 && p.plen == 0);
}

static void test_ports_are_reported_as_sent(void)
{
	uint8_t out[IPV4_UDP_HDR_LEN + 4];
	struct parsed p;

	CHECK(ipudp_build(out, sizeof(out), src_ip, 4011, src_ip, 68, "abcd",
			  4) == (int)sizeof(out));
	CHECK(parse(out, sizeof(out), &p) == 0 &&
	      ntohs(p.from.sin_port) == 4011 && p.dport == 68 &&
	      p.dst.s_addr == src_ip.s_addr);
}

/* Mutations of a good frame: some header bytes changed, the checksum
 * fixed half of the time, the length cut or padded.  A share must parse
 * (or the test tests nothing) and a share must not; what parses must lie
 * inside the input. */
static void test_mutated_frames_parse_inside_their_input(void)
{
	unsigned accepted = 0, rejected = 0, outside = 0;
	const unsigned runs = 40000;

	srand(11);
	for (unsigned i = 0; i < runs; i++) {
		struct frame f;
		struct parsed p;
		size_t n;

		good_frame(&f);
		for (int k = rand() % 3; k > 0; k--)
			f.b[rand() % IPV4_UDP_HDR_LEN] = (uint8_t)rand();
		if (rand() % 2)
			fix_ip_csum(f.b);
		n = f.len;
		if (rand() % 4 == 0)
			n = (size_t)rand() % (f.len + 40);
		if (parse(f.b, n, &p) < 0) {
			rejected++;
			continue;
		}
		accepted++;
		if (p.payload < f.b + IPV4_MIN_HDR_LEN + UDP_HDR_LEN ||
		    p.plen > n || p.payload + p.plen > f.b + n)
			outside++;
	}
	CHECK(outside == 0);
	CHECK(accepted > runs / 10);
	CHECK(rejected > runs / 10);
	printf("pktsock: %u of %u mutated frames parsed\n", accepted, runs);
}

int main(void)
{
	src_ip.s_addr = htonl(0xc000020a);       /* 192.0.2.10 */
	bcast.s_addr = htonl(INADDR_BROADCAST);
	test_built_frame_parses_back();
	test_built_checksums_verify();
	test_build_refuses_what_does_not_fit();
	test_every_truncation_is_refused();
	test_padding_after_the_datagram_is_ignored();
	test_ip_options_are_skipped();
	test_bad_version_and_ihl_are_refused();
	test_total_length_is_checked();
	test_fragments_are_refused();
	test_header_checksum_is_checked();
	test_not_udp_is_refused();
	test_udp_length_is_checked();
	test_ports_are_reported_as_sent();
	test_mutated_frames_parse_inside_their_input();
	return check_done("pktsock");
}
