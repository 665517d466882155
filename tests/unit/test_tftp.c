/* Unit tests of TFTP request parsing, option negotiation and builders,
 * hostile input included. */
#include "autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tftp_proto.h"

static int parse(const char *bytes, size_t len, struct tftp_request *r)
{
	const char *why;

	return tftp_parse_request((const uint8_t *)bytes, len, r, &why);
}

#define P(lit, r) parse(lit, sizeof(lit) - 1, r)

static void rrq_needs_name_and_mode_each_nul_terminated(void)
{
	struct tftp_request r;
	char big[700];

	CHECK(P("\0\1pxelinux.0\0octet\0", &r) == 0);
	CHECK(r.op == 1 && !strcmp(r.file, "pxelinux.0") &&
	      !strcmp(r.mode, "octet") && !r.ask_blksize && !r.ask_tsize);
	CHECK(P("\0\2x\0octet\0", &r) == 0 && r.op == 2);
	CHECK(P("\0\1x\0octet", &r) == -EINVAL);        /* missing NUL */
	CHECK(P("\0\1x", &r) == -EINVAL);
	CHECK(P("\0\1", &r) == -EINVAL);
	CHECK(P("\0", &r) == -EINVAL);
	CHECK(parse("", 0, &r) == -EINVAL);
	CHECK(P("\0\3x\0octet\0", &r) == -EINVAL);      /* DATA */
	CHECK(P("\0\1x\0averyveryverylongmode\0", &r) == -EINVAL);
	memset(big, 'a', sizeof(big));
	big[0] = 0;
	big[1] = 1;
	memcpy(big + 2 + 600, "\0octet\0", 7);
	CHECK(parse(big, 2 + 600 + 7, &r) == -EINVAL);  /* 600-byte name */
	memcpy(big + 2 + 512, "\0octet\0", 7);
	CHECK(parse(big, 2 + 512 + 7, &r) == 0 && r.file_len == 512);
	CHECK(parse(big, TFTP_MAX_REQUEST + 1, &r) == -EINVAL);
}

static void options_out_of_their_rfc_range_are_not_asked(void)
{
	struct tftp_request r;

	CHECK(P("\0\1f\0octet\0blksize\0001468\0tsize\0000\0", &r) == 0);
	CHECK(r.ask_blksize && r.blksize == 1468 && r.ask_tsize);
	CHECK(P("\0\1f\0octet\0BlkSize\0001024\0", &r) == 0 &&
	      r.ask_blksize && r.blksize == 1024);
	CHECK(P("\0\1f\0octet\0blksize\0000\0", &r) == 0 && !r.ask_blksize);
	CHECK(P("\0\1f\0octet\0blksize\0007\0", &r) == 0 && !r.ask_blksize);
	CHECK(P("\0\1f\0octet\0blksize\0008\0", &r) == 0 && r.blksize == 8);
	CHECK(P("\0\1f\0octet\0blksize\00070000\0", &r) == 0 &&
	      r.ask_blksize && r.blksize == 70000);
	CHECK(P("\0\1f\0octet\0blksize\0-5\0", &r) == 0 && !r.ask_blksize);
	CHECK(P("\0\1f\0octet\0blksize\0\0", &r) == 0 && !r.ask_blksize);
	CHECK(P("\0\1f\0octet\0blksize\0", &r) == 0 && !r.ask_blksize);
	CHECK(P("\0\1f\0octet\0blksize", &r) == 0 && !r.ask_blksize);
	CHECK(P("\0\1f\0octet\0timeout\0000\0", &r) == 0 && !r.ask_timeout);
	CHECK(P("\0\1f\0octet\0timeout\000256\0", &r) == 0 && !r.ask_timeout);
	CHECK(P("\0\1f\0octet\0timeout\000255\0", &r) == 0 && r.timeout == 255);
	CHECK(P("\0\1f\0octet\0windowsize\0000\0", &r) == 0 &&
	      !r.ask_windowsize);
	CHECK(P("\0\1f\0octet\0windowsize\00065535\0", &r) == 0 &&
	      r.windowsize == 65535);
	CHECK(P("\0\1f\0octet\0windowsize\00065536\0", &r) == 0 &&
	      !r.ask_windowsize);
	CHECK(P("\0\1f\0octet\0colour\0blue\0tsize\0000\0", &r) == 0 &&
	      r.ask_tsize);
	CHECK(P("\0\1f\0octet\0tsize\099999999999999999999999\0", &r) == 0 &&
	      !r.ask_tsize);
}

static void negotiation_clamps_to_limits_and_acknowledges_asked(void)
{
	struct tftp_request r;
	struct tftp_params p;
	struct tftp_limits l = { 65464, 1468, 64 };
	uint8_t buf[600];
	int n;

	P("\0\1f\0octet\0", &r);
	tftp_negotiate(&r, 1000, &l, &p);
	CHECK(!p.oack && p.blksize == 512 && p.windowsize == 1);
	P("\0\1f\0octet\0blksize\00065464\0windowsize\000100\0tsize\0000\0", &r);
	tftp_negotiate(&r, 123456, &l, &p);
	CHECK(p.oack && p.blksize == 1468 && p.windowsize == 64 &&
	      p.oack_tsize && p.tsize == 123456);
	n = tftp_build_oack(&p, buf, sizeof(buf));
	CHECK(n == (int)sizeof("\0\6blksize\0001468\0tsize\000123456\0"
			       "windowsize\00064") &&
	      !memcmp(buf, "\0\6blksize\0001468\0tsize\000123456\0"
		      "windowsize\00064\0", (size_t)n));
	CHECK(tftp_build_oack(&p, buf, 10) == -ENOBUFS);
	/* No MTU known: the config's limit. */
	l.mtu_blksize = 0;
	tftp_negotiate(&r, 1, &l, &p);
	CHECK(p.blksize == 65464);
	n = tftp_build_error(1, NULL, buf, sizeof(buf));
	CHECK(n == (int)sizeof("\0\5\0\1File not found") &&
	      !memcmp(buf, "\0\5\0\1File not found", (size_t)n));
	CHECK(tftp_build_error(0, "x", buf, 4) == -ENOBUFS);
}

static void client_replies_are_ack_or_error_only(void)
{
	uint16_t op, arg;

	CHECK(tftp_parse_reply((const uint8_t *)"\0\4\1\2", 4, &op, &arg) == 0 &&
	      op == 4 && arg == 0x102);
	CHECK(tftp_parse_reply((const uint8_t *)"\0\5\0\10x\0", 6, &op, &arg) == 0 &&
	      op == 5 && arg == 8);
	CHECK(tftp_parse_reply((const uint8_t *)"\0\4\1", 3, &op, &arg) < 0);
	CHECK(tftp_parse_reply((const uint8_t *)"\0\3\0\1", 4, &op, &arg) < 0);
}

/* Regression (issue 15, bug 2): an empty file's size went unsaid, and
 * the client got DATA 1 instead of the OACK it asked for. */
static void empty_file_oack_says_tsize_0(void)
{
	struct tftp_limits l = { 65464, 1468, 64 };
	struct tftp_request r;
	struct tftp_params p;
	uint8_t buf[TFTP_CTRL_MAX];
	int n;

	P("\0\1f\0octet\0tsize\0000\0", &r);
	tftp_negotiate(&r, 0, &l, &p);
	CHECK(p.oack && p.oack_tsize && p.tsize == 0);
	n = tftp_build_oack(&p, buf, sizeof(buf));
	CHECK(n == (int)sizeof("\0\6tsize\0000") &&
	      !memcmp(buf, "\0\6tsize\0000\0", (size_t)n));
}

/* Regression (issue 15, bug 1): the OACK for blksize 8 was built into
 * 4 + 8 bytes and silently not sent.  The largest OACK fits the control
 * buffer whatever blksize was asked. */
static void largest_oack_fits_control_buffer(void)
{
	struct tftp_limits l = { 65464, 0, 65535 };
	struct tftp_request r;
	struct tftp_params p;
	uint8_t buf[TFTP_CTRL_MAX];

	P("\0\1f\0octet\0blksize\0008\0tsize\0000\0timeout\000255\0"
	  "windowsize\00065535\0", &r);
	tftp_negotiate(&r, UINT64_MAX / 2, &l, &p);
	CHECK(p.blksize == 8 && p.oack_blksize && p.oack_tsize &&
	      p.oack_timeout && p.oack_windowsize);
	CHECK(tftp_build_oack(&p, buf, sizeof(buf)) > 4 + 8);
}

static void data_header_wraps_block_number(void)
{
	uint8_t buf[TFTP_DATA_HDR + 8], *data = NULL;

	CHECK(tftp_build_data_header((uint16_t)65537, buf, sizeof(buf), &data,
				     8) == TFTP_DATA_HDR + 8);
	CHECK(!memcmp(buf, "\0\3\0\1", 4) && data == buf + TFTP_DATA_HDR);
	CHECK(tftp_build_data_header(1, buf, sizeof(buf), &data, 9) ==
	      -ENOBUFS);
	CHECK(tftp_build_data_header(1, buf, 3, &data, 0) == -ENOBUFS);
}

/* Random requests, built from valid pieces and random bytes: never an
 * overrun (ASan in CI), and both outcomes really happen. */
static void random_requests_parse_or_fail_cleanly(void)
{
	uint8_t b[TFTP_MAX_REQUEST];
	struct tftp_request r;
	const char *why;
	unsigned ok = 0, bad = 0;

	srand(7);
	for (int i = 0; i < 50000; i++) {
		size_t n = 2 + (size_t)(rand() % 200);
		/* NULs from frequent to rare: names and modes of every length,
		 * a missing terminator or an overlong mode at the rare end. */
		int nul_every = 2 + rand() % 40;

		b[0] = 0;
		b[1] = 1;
		for (size_t j = 2; j < n; j++)
			b[j] = (uint8_t)(rand() % nul_every ? 'a' + rand() % 26
				       : 0);
		if (tftp_parse_request(b, n, &r, &why) == 0) {
			ok++;
			CHECK(r.file_len <= TFTP_MAX_NAME &&
			      strlen(r.file) == r.file_len);
		} else {
			bad++;
		}
	}
	/* A test whose inputs all fail (or all pass) checks nothing. */
	CHECK(ok > 5000 && bad > 5000);
	printf("random requests: %u parsed, %u refused\n", ok, bad);
}

int main(void)
{
	rrq_needs_name_and_mode_each_nul_terminated();
	options_out_of_their_rfc_range_are_not_asked();
	negotiation_clamps_to_limits_and_acknowledges_asked();
	empty_file_oack_says_tsize_0();
	largest_oack_fits_control_buffer();
	data_header_wraps_block_number();
	client_replies_are_ack_or_error_only();
	random_requests_parse_or_fail_cleanly();
	return check_done("tftp");
}
