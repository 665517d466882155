/* BOOTP/DHCP parsing and reply building through the bounds-checked
 * cursor.  Pure functions: the proxy, the unit tests and the fuzzer call
 * them without sockets. */
#include "autoconf.h"

#include <errno.h>
#include <string.h>

#include "cursor.h"
#include "dhcp.h"
#include "udp.h"
#include "util.h"

static const uint8_t magic_cookie[4] = { 99, 130, 83, 99 };

/* One option as found on the wire, before concatenation. */
struct occurrence {
	uint8_t code;
	const uint8_t *val;
	uint8_t len;
};

#define MAX_OCCURRENCES (DHCP_MAX_LEN / 2)

struct scan {
	struct occurrence occ[MAX_OCCURRENCES];
	size_t n;
};

/* Walk one region (options, file or sname) up to END or its end; a
 * missing END is tolerated, an option running past the region is not. */
static int scan_region(struct scan *s, struct rd r, const char **why)
{
	uint8_t code, len;
	const uint8_t *val;

	while (rd_u8(&r, &code)) {
		if (code == OPT_PAD)
			continue;
		if (code == OPT_END)
			return 0;
		if (!rd_u8(&r, &len) || !rd_ref(&r, &val, len)) {
			*why = "option runs past the end of the packet";
			return -EINVAL;
		}
		if (s->n >= MAX_OCCURRENCES) {
			*why = "too many options";
			return -EINVAL;
		}
		s->occ[s->n++] = (struct occurrence){ code, val, len };
	}
	return 0;
}

/* RFC 3396: several instances of one option are one value, concatenated
 * in order.  Two passes: sizes per code, then copy at each code's offset. */
static void concatenate(struct dhcp_msg *m, const struct scan *s)
{
	uint16_t fill[256] = { 0 };
	size_t off = 0;

	for (size_t i = 0; i < s->n; i++) {
		m->opt[s->occ[i].code].present = true;
		m->opt[s->occ[i].code].len += s->occ[i].len;
	}
	for (unsigned c = 0; c < 256; c++) {
		m->opt[c].off = (uint16_t)off;
		off += m->opt[c].len;
	}
	/* Fits: the values are a subset of a packet of at most
	 * DHCP_MAX_LEN bytes. */
	for (size_t i = 0; i < s->n; i++) {
		const struct occurrence *o = &s->occ[i];

		memcpy(m->optbuf + m->opt[o->code].off + fill[o->code],
		       o->val, o->len);
		fill[o->code] += o->len;
	}
	m->optbuf_len = off;
}

/* Option 52 (RFC 2132 9.3) may only come from the options field: 1 file,
 * 2 sname, 3 both. */
static int overload_of(const struct scan *s, size_t n_in_options,
		       const char **why)
{
	for (size_t i = 0; i < n_in_options; i++) {
		if (s->occ[i].code != OPT_OVERLOAD)
			continue;
		if (s->occ[i].len != 1 || s->occ[i].val[0] < 1 ||
		    s->occ[i].val[0] > 3) {
			*why = "bad option overload (52)";
			return -EINVAL;
		}
		return s->occ[i].val[0];
	}
	return 0;
}

static bool parse_header(struct dhcp_msg *m, struct rd *r, struct rd *sname,
			 struct rd *file)
{
	uint32_t a[4];

	if (!rd_u8(r, &m->op) || !rd_u8(r, &m->htype) ||
	    !rd_u8(r, &m->hlen) || !rd_u8(r, &m->hops) ||
	    !rd_u32(r, &m->xid) || !rd_u16(r, &m->secs) ||
	    !rd_u16(r, &m->flags))
		return false;
	for (int i = 0; i < 4; i++)
		if (!rd_u32(r, &a[i]))
			return false;
	m->ciaddr.s_addr = htonl(a[0]);
	m->yiaddr.s_addr = htonl(a[1]);
	m->siaddr.s_addr = htonl(a[2]);
	m->giaddr.s_addr = htonl(a[3]);
	return rd_bytes(r, m->chaddr, sizeof(m->chaddr)) &&
	       rd_sub(r, sname, 64) && rd_sub(r, file, 128);
}

int dhcp_parse(struct dhcp_msg *m, const uint8_t *buf, size_t len,
	       const char **why)
{
	/* Large (about 3 KB): one per call keeps dhcp_parse reentrant
	 * without a heap allocation per packet. */
	struct scan s;
	struct rd r = rd_init(buf, len), sname, file;
	uint8_t cookie[4];
	size_t n_opts;
	int overload, err;

	memset(m, 0, sizeof(*m));
	s.n = 0;
	if (len > DHCP_MAX_LEN) {
		*why = "larger than any PXE request";
		return -EMSGSIZE;
	}
	if (!parse_header(m, &r, &sname, &file)) {
		*why = "shorter than a BOOTP header";
		return -EINVAL;
	}
	if (!rd_bytes(&r, cookie, 4) || memcmp(cookie, magic_cookie, 4)) {
		*why = "no DHCP magic cookie (plain BOOTP)";
		return -EINVAL;
	}
	if (m->hlen > sizeof(m->chaddr)) {
		*why = "hardware address length over 16";
		return -EINVAL;
	}
	if ((err = scan_region(&s, r, why)) < 0)
		return err;
	n_opts = s.n;
	if ((overload = overload_of(&s, n_opts, why)) < 0)
		return overload;
	/* RFC 2131 4.1: options, then file, then sname. */
	if ((overload & 1) && (err = scan_region(&s, file, why)) < 0)
		return err;
	if ((overload & 2) && (err = scan_region(&s, sname, why)) < 0)
		return err;
	concatenate(m, &s);
	return 0;
}

bool dhcp_opt(const struct dhcp_msg *m, uint8_t code, const uint8_t **val,
	      size_t *len)
{
	if (!m->opt[code].present)
		return false;
	*val = m->optbuf + m->opt[code].off;
	*len = m->opt[code].len;
	return true;
}

int dhcp_msg_type(const struct dhcp_msg *m)
{
	const uint8_t *v;
	size_t len;

	if (!dhcp_opt(m, OPT_MSG_TYPE, &v, &len) || len != 1)
		return -1;
	return v[0];
}

int dhcp_client_arch(const struct dhcp_msg *m, uint16_t *arch)
{
	const uint8_t *v;
	size_t len;
	struct rd r;

	if (!dhcp_opt(m, OPT_CLIENT_ARCH, &v, &len))
		return -1;
	/* RFC 4578 2.1: a list of 16-bit types, at least one. */
	if (len < 2 || len % 2)
		return -2;
	r = rd_init(v, len);
	return rd_u16(&r, arch) ? 0 : -2;
}

bool dhcp_pxe_subopt(const struct dhcp_msg *m, uint8_t code,
		     const uint8_t **val, size_t *len)
{
	const uint8_t *v;
	size_t vlen;
	struct rd r;
	uint8_t c, l;

	if (!dhcp_opt(m, OPT_VENDOR, &v, &vlen))
		return false;
	r = rd_init(v, vlen);
	while (rd_u8(&r, &c) && c != OPT_END) {
		if (c == OPT_PAD)
			continue;
		if (!rd_u8(&r, &l) || !rd_ref(&r, val, l))
			return false;
		if (c == code) {
			*len = l;
			return true;
		}
	}
	return false;
}

/* RFC 3396: a value longer than 255 bytes goes as several options of the
 * same code, in order (an option 82 echoed whole may be that long). */
static void put_opt(struct wr *w, uint8_t code, const void *val, size_t len)
{
	struct rd r = rd_init(val, len);

	do {
		size_t n = MIN(rd_left(&r), 255);
		const uint8_t *piece;

		if (!rd_ref(&r, &piece, n)) {
			wr_fail(w);
			return;
		}
		wr_u8(w, code);
		wr_u8(w, (uint8_t)n);
		wr_bytes(w, piece, n);
	} while (!rd_empty(&r));
}

static void put_pxe_options(struct wr *w, const struct dhcp_reply *r)
{
	uint8_t sub[3 + 2 + 255 + 1];
	struct wr s = wr_init(sub, sizeof(sub));

	wr_u8(&s, PXE_DISCOVERY_CONTROL);
	wr_u8(&s, 1);
	wr_u8(&s, PXE_USE_BOOTFILE);
	if (r->boot_item && r->boot_item_len == 4) {
		wr_u8(&s, PXE_BOOT_ITEM);
		wr_u8(&s, 4);
		wr_bytes(&s, r->boot_item, 4);
	}
	/* PXE spec 2.4.7: the encapsulated options end with END. */
	wr_u8(&s, OPT_END);
	put_opt(w, OPT_VENDOR, sub, wr_len(&s));
}

static void put_header(struct wr *w, const struct dhcp_msg *q,
		       const struct dhcp_reply *r)
{
	size_t flen = r->bootfile ? strlen(r->bootfile) : 0;

	wr_u8(w, BOOTREPLY);
	wr_u8(w, q->htype);
	wr_u8(w, q->hlen);
	wr_u8(w, 0);
	wr_u32(w, q->xid);
	wr_u16(w, 0);
	wr_u16(w, q->flags);
	/* ciaddr echoed in an ACK (RFC 2131 table 3); yiaddr always 0. */
	wr_u32(w, r->type == DHCPACK ? ntohl(q->ciaddr.s_addr) : 0);
	wr_u32(w, 0);
	wr_u32(w, ntohl(r->server.s_addr));
	wr_u32(w, ntohl(q->giaddr.s_addr));
	wr_bytes(w, q->chaddr, sizeof(q->chaddr));
	wr_zero(w, 64);
	/* A name that fills all 128 bytes would lose its NUL: then only
	 * option 67 carries it. */
	if (flen && flen < 128) {
		wr_bytes(w, r->bootfile, flen);
		wr_zero(w, 128 - flen);
	} else {
		wr_zero(w, 128);
	}
	wr_bytes(w, magic_cookie, sizeof(magic_cookie));
}

/* The largest reply the client takes: option 57 (RFC 2132 9.10) counts
 * the IP and UDP headers; without it, 576 (RFC 2131 2). */
static size_t client_max_size(const struct dhcp_msg *q, size_t cap)
{
	const uint8_t *v;
	size_t len, max = DHCP_MIN_MAX_SIZE;
	uint16_t asked;
	struct rd r;

	if (dhcp_opt(q, OPT_MAX_SIZE, &v, &len) && len == 2) {
		r = rd_init(v, len);
		if (rd_u16(&r, &asked) && asked > DHCP_MIN_MAX_SIZE)
			max = asked;
	}
	return MIN(cap, max - IPV4_UDP_HDR_LEN);
}

int dhcp_build_reply(const struct dhcp_msg *q, const struct dhcp_reply *r,
		     uint8_t *buf, size_t cap)
{
	struct wr w = wr_init(buf, cap);
	size_t max = client_max_size(q, cap);
	const uint8_t *v;
	size_t vlen;

	/* What the client receives, END included, stays within max; only a
	 * relay's option 82 may go past it, since the relay strips it
	 * before forwarding (RFC 3046 2.1). */
	if (max < 1 || !wr_hold_end(&w, cap - max + 1))
		return -ENOBUFS;
	put_header(&w, q, r);
	put_opt(&w, OPT_MSG_TYPE, &r->type, 1);
	put_opt(&w, OPT_SERVER_ID, &r->server.s_addr, 4);
	put_opt(&w, OPT_VENDOR_CLASS, r->vendor_class,
		strlen(r->vendor_class));
	/* PXE spec 2.2: the client's machine identifier is echoed. */
	if (dhcp_opt(q, OPT_CLIENT_UUID, &v, &vlen) && vlen == 17)
		put_opt(&w, OPT_CLIENT_UUID, v, vlen);
	if (r->vendor_opts)
		put_opt(&w, OPT_VENDOR, r->vendor_opts, r->vendor_opts_len);
	else if (r->pxe_options)
		put_pxe_options(&w, r);
	/* RFC 2132 9.4: a name; loaders without a resolver (the Pi's) need
	 * a dotted quad there. */
	if (r->tftp_server)
		put_opt(&w, OPT_TFTP_SERVER, r->tftp_server,
			strlen(r->tftp_server));
	if (r->bootfile)
		put_opt(&w, OPT_BOOTFILE, r->bootfile, strlen(r->bootfile));
	/* RFC 3046 2.2: a relay's option 82 comes back whole, as the last
	 * option; relays may drop a reply without it, and switches pick
	 * the port or VLAN by its circuit ID. */
	wr_release_end(&w);
	wr_hold_end(&w, 1);
	if (dhcp_opt(q, OPT_RELAY_AGENT, &v, &vlen))
		put_opt(&w, OPT_RELAY_AGENT, v, vlen);
	if (!wr_ok(&w))
		return -ENOBUFS;
	wr_release_end(&w);
	wr_u8(&w, OPT_END);
	if (wr_len(&w) < BOOTP_MIN_REPLY)
		wr_zero(&w, BOOTP_MIN_REPLY - wr_len(&w));
	return wr_done(&w);
}

const char *dhcp_type_name(int type)
{
	static const char *const names[] = {
		"none", "DISCOVER", "OFFER", "REQUEST", "DECLINE",
		"ACK", "NAK", "RELEASE", "INFORM",
	};

	if (type < 0 || type >= (int)(sizeof(names) / sizeof(names[0])))
		return "unknown";
	return names[type];
}
