/* TFTP request parsing and option negotiation through the cursor.
 *
 * An RRQ is "<op> file NUL mode NUL [name NUL value NUL]...".  Names and
 * values are read with rd_cstr(), so a missing NUL fails cleanly; option
 * names are case-insensitive (RFC 2347); a value that is not a number in
 * its RFC's range leaves that option unasked, as RFC 2347 allows.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cursor.h"
#include "tftp_proto.h"
#include "util.h"

/* RFC 1350 and 2347 texts, indexed by code. */
static const char *const error_texts[] = {
	[TERR_UNDEF] = "Undefined error",
	[TERR_NOTFOUND] = "File not found",
	[TERR_ACCESS] = "Access violation",
	[TERR_DISKFULL] = "Disk full or allocation exceeded",
	[TERR_ILLEGAL] = "Illegal TFTP operation",
	[TERR_BADTID] = "Unknown transfer ID",
	[TERR_EXISTS] = "File already exists",
	[TERR_NOUSER] = "No such user",
	[TERR_OPTION] = "Option negotiation failed",
};

const char *tftp_error_text(unsigned code)
{
	return code < ARRAY_SIZE(error_texts) ? error_texts[code] : "error";
}

static void take_option(struct tftp_request *r, const char *name,
			const char *val, size_t vlen)
{
	long long v;

	if (!strcasecmp(name, "blksize")) {
		if (parse_num_n(val, vlen, TFTP_MIN_BLKSIZE, 1000000, &v) == 0) {
			r->ask_blksize = true;
			r->blksize = (unsigned)v;
		}
	} else if (!strcasecmp(name, "tsize")) {
		/* In a read request the client sends 0 and learns the size. */
		if (parse_num_n(val, vlen, 0, INT64_MAX / 2, &v) == 0)
			r->ask_tsize = true;
	} else if (!strcasecmp(name, "timeout")) {
		if (parse_num_n(val, vlen, 1, TFTP_MAX_TIMEOUT, &v) == 0) {
			r->ask_timeout = true;
			r->timeout = (unsigned)v;
		}
	} else if (!strcasecmp(name, "windowsize")) {
		if (parse_num_n(val, vlen, 1, TFTP_MAX_WINDOWSIZE, &v) == 0) {
			r->ask_windowsize = true;
			r->windowsize = (unsigned)v;
		}
	}
	/* Unknown options are ignored (RFC 2347). */
}

int tftp_parse_request(const uint8_t *pkt, size_t len, struct tftp_request *r,
		       const char **why)
{
	struct rd rd = rd_init(pkt, len);
	const char *file, *mode, *name, *val;
	size_t flen, mlen, nlen, vlen;
	uint16_t op;

	memset(r, 0, sizeof(*r));
	if (len > TFTP_MAX_REQUEST) {
		*why = "request too long";
		return -EINVAL;
	}
	if (!rd_u16(&rd, &op)) {
		*why = "packet too short";
		return -EINVAL;
	}
	r->op = op;
	if (op != TFTP_RRQ && op != TFTP_WRQ) {
		*why = "not a request";
		return -EINVAL;
	}
	if (!rd_cstr(&rd, &file, &flen) || !rd_cstr(&rd, &mode, &mlen)) {
		*why = "file name or mode not NUL-terminated";
		return -EINVAL;
	}
	if (flen > TFTP_MAX_NAME) {
		*why = "file name too long";
		return -EINVAL;
	}
	if (mlen >= sizeof(r->mode)) {
		*why = "unknown transfer mode";
		return -EINVAL;
	}
	memcpy(r->file, file, flen + 1);
	r->file_len = flen;
	memcpy(r->mode, mode, mlen + 1);
	/* An option without its value (a truncated list) ends the list. */
	while (rd_cstr(&rd, &name, &nlen) && rd_cstr(&rd, &val, &vlen))
		take_option(r, name, val, vlen);
	return 0;
}

void tftp_negotiate(const struct tftp_request *r, uint64_t file_size,
		    const struct tftp_limits *l, struct tftp_params *p)
{
	unsigned maxb = MIN(l->max_blksize, TFTP_MAX_BLKSIZE);

	memset(p, 0, sizeof(*p));
	p->blksize = TFTP_DEFAULT_BLKSIZE;
	p->windowsize = 1;
	p->tsize = file_size;
	if (l->mtu_blksize >= TFTP_DEFAULT_BLKSIZE)
		maxb = MIN(maxb, l->mtu_blksize);
	if (r->ask_blksize) {
		/* RFC 2348: the server may answer with a smaller size. */
		p->blksize = MIN(r->blksize, maxb);
		p->oack_blksize = true;
	}
	if (r->ask_windowsize) {
		p->windowsize = MIN(r->windowsize, MAX(l->max_windowsize, 1u));
		p->oack_windowsize = true;
	}
	if (r->ask_timeout) {
		p->timeout = r->timeout;
		p->oack_timeout = true;
	}
	/* RFC 2349: the size, also when it is 0.  EDK2 asks for it before
	 * reading and needs it in the OACK; tftpd-hpa and dnsmasq answer an
	 * empty file the same way.  (curl refuses "tsize 0": that is curl's
	 * limit, and it can ask without options.) */
	p->oack_tsize = r->ask_tsize;
	p->oack = p->oack_blksize || p->oack_windowsize || p->oack_timeout ||
		  p->oack_tsize;
}

static void put_option(struct wr *w, const char *name, unsigned long long v)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", v);
	wr_cstr(w, name);
	wr_cstr(w, num);
}

int tftp_build_oack(const struct tftp_params *p, uint8_t *buf, size_t cap)
{
	struct wr w = wr_init(buf, cap);

	wr_u16(&w, TFTP_OACK);
	if (p->oack_blksize)
		put_option(&w, "blksize", p->blksize);
	if (p->oack_tsize)
		put_option(&w, "tsize", (unsigned long long)p->tsize);
	if (p->oack_timeout)
		put_option(&w, "timeout", p->timeout);
	if (p->oack_windowsize)
		put_option(&w, "windowsize", p->windowsize);
	return wr_done(&w);
}

int tftp_build_data_header(uint16_t block, uint8_t *buf, size_t cap,
			   uint8_t **payload, size_t want)
{
	struct wr w = wr_init(buf, cap);

	wr_u16(&w, TFTP_DATA);
	wr_u16(&w, block);      /* wraps past 65535: RFC 1350 */
	wr_room(&w, payload, want);
	return wr_done(&w);
}

int tftp_build_error(unsigned code, const char *msg, uint8_t *buf, size_t cap)
{
	struct wr w = wr_init(buf, cap);

	wr_u16(&w, TFTP_ERROR);
	wr_u16(&w, (uint16_t)code);
	wr_cstr(&w, msg ? msg : tftp_error_text(code));
	return wr_done(&w);
}

int tftp_parse_reply(const uint8_t *pkt, size_t len, uint16_t *op,
		     uint16_t *arg)
{
	struct rd rd = rd_init(pkt, len);

	if (!rd_u16(&rd, op) || !rd_u16(&rd, arg))
		return -EINVAL;
	return (*op == TFTP_ACK || *op == TFTP_ERROR) ? 0 : -EINVAL;
}
