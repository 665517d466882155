/* DHCPv6 parsing and answer building through the bounds-checked cursor.
 * Pure functions: the IPv6 proxy, the unit tests and the fuzzer call them
 * without sockets.  Every option the proxy reads is checked here, once,
 * for its size and uniqueness, so that accessors can trust the message. */
#include "autoconf.h"

#include <errno.h>
#include <string.h>

#include "cursor.h"
#include "dhcp6.h"

/* Options that RFC 8415 and 5970 allow once per message; a second one is
 * a forgery or a broken client, and either way not answered. */
static const uint16_t unique_opts[] = {
	OPT6_CLIENTID, OPT6_SERVERID, OPT6_ELAPSED_TIME, OPT6_PREFERENCE,
	OPT6_BOOTFILE_URL, OPT6_BOOTFILE_PARAM, OPT6_CLIENT_ARCH, OPT6_NII,
};

static bool is_unique(uint16_t code)
{
	for (size_t i = 0; i < sizeof(unique_opts) / sizeof(unique_opts[0]);
	     i++)
		if (unique_opts[i] == code)
			return true;
	return false;
}

/* A list of 2-octet-length items (vendor and user class data). */
static bool items_ok(struct rd r)
{
	uint16_t len;

	while (!rd_empty(&r))
		if (!rd_u16(&r, &len) || !rd_skip(&r, len))
			return false;
	return true;
}

/* Size rules for the options the proxy reads or echoes. */
static const char *option_error(uint16_t code, struct rd v)
{
	uint32_t enterprise;

	switch (code) {
	case OPT6_CLIENTID:
	case OPT6_SERVERID:
		if (rd_left(&v) < DUID_MIN_LEN || rd_left(&v) > DUID_MAX_LEN)
			return "DUID shorter than 3 or longer than 130 octets";
		return NULL;
	case OPT6_ELAPSED_TIME:
		return rd_left(&v) == 2 ? NULL : "elapsed time (8) not 2 octets";
	case OPT6_PREFERENCE:
		return rd_left(&v) == 1 ? NULL : "preference (7) not 1 octet";
	case OPT6_NII:
		return rd_left(&v) == 3 ? NULL : "network interface id (62) not 3 "
					    "octets";
	case OPT6_CLIENT_ARCH:
		/* RFC 5970 3.3: a list of 16-bit types, at least one. */
		if (rd_left(&v) < 2 || rd_left(&v) % 2)
			return "client architecture (61) not a list of 16-bit "
			       "types";
		return NULL;
	case OPT6_VENDOR_CLASS:
		if (!rd_u32(&v, &enterprise) || !items_ok(v))
			return "malformed vendor class (16)";
		return NULL;
	case OPT6_USER_CLASS:
		return items_ok(v) ? NULL : "malformed user class (15)";
	default:
		return NULL;
	}
}

static int parse_options(struct dhcp6_msg *m, struct rd r, const char **why)
{
	const uint8_t *seen;
	uint16_t code, len;
	size_t seen_len;
	struct rd v;

	while (!rd_empty(&r)) {
		if (!rd_u16(&r, &code) || !rd_u16(&r, &len) ||
		    !rd_sub(&r, &v, len)) {
			*why = "option runs past the end of the message";
			return -EINVAL;
		}
		if (m->n_opts >= DHCP6_MAX_OPTS) {
			*why = "too many options";
			return -EINVAL;
		}
		if ((*why = option_error(code, v)))
			return -EINVAL;
		if (is_unique(code) && dhcp6_opt(m, code, &seen, &seen_len)) {
			*why = "an option that may appear once appears twice";
			return -EINVAL;
		}
		m->opt[m->n_opts++] = (struct dhcp6_opt){ code, len, v.p };
	}
	return 0;
}

/* A client's message (or any but the relay kinds): type, 24-bit
 * transaction id, options (RFC 8415 8). */
static int parse_client(struct dhcp6_msg *m, uint8_t type, struct rd r,
			const char **why)
{
	uint8_t x[3];

	m->type = type;
	if (!rd_bytes(&r, x, 3)) {
		*why = "shorter than a DHCPv6 header";
		return -EINVAL;
	}
	m->xid = (uint32_t)x[0] << 16 | (uint32_t)x[1] << 8 | x[2];
	return parse_options(m, r, why);
}

/* The options of a Relay-Forw (RFC 8415 9): the relayed message, and
 * what goes back or names the client. */
static int parse_relay_options(struct dhcp6_relay *rl, struct rd r,
			       struct rd *inner, const char **why)
{
	bool have_msg = false;
	uint16_t code, len;
	struct rd v;

	while (!rd_empty(&r)) {
		if (!rd_u16(&r, &code) || !rd_u16(&r, &len) ||
		    !rd_sub(&r, &v, len)) {
			*why = "relay option runs past the end of the message";
			return -EINVAL;
		}
		if ((code == OPT6_RELAY_MSG && have_msg) ||
		    (code == OPT6_INTERFACE_ID && rl->has_ifid) ||
		    (code == OPT6_CLIENT_LINKLAYER && rl->lladdr)) {
			*why = "a relay option that may appear once appears "
			       "twice";
			return -EINVAL;
		}
		if (code == OPT6_RELAY_MSG) {
			*inner = v;
			have_msg = true;
		} else if (code == OPT6_INTERFACE_ID) {
			rl->ifid = v.p;
			rl->ifid_len = len;
			rl->has_ifid = true;
		} else if (code == OPT6_CLIENT_LINKLAYER && len >= 2) {
			rl->lladdr = v.p;
			rl->lladdr_len = len;
		}
	}
	if (!have_msg) {
		*why = "Relay-Forw without a relay message (9)";
		return -EINVAL;
	}
	return 0;
}

static int parse_relay(struct dhcp6_relay *rl, struct rd *r, const char **why)
{
	struct rd inner;
	int err;

	if (!rd_u8(r, &rl->hop_count) || !rd_bytes(r, &rl->link, 16) ||
	    !rd_bytes(r, &rl->peer, 16)) {
		*why = "shorter than a Relay-Forw header";
		return -EINVAL;
	}
	if (rl->hop_count > DHCP6_HOP_COUNT_LIMIT) {
		*why = "relay hop count over 8 (RFC 8415 7.6)";
		return -EINVAL;
	}
	if ((err = parse_relay_options(rl, *r, &inner, why)) < 0)
		return err;
	*r = inner;
	return 0;
}

int dhcp6_parse(struct dhcp6_msg *m, const uint8_t *buf, size_t len,
		const char **why)
{
	struct rd r = rd_init(buf, len);
	uint8_t type;
	int err;

	memset(m, 0, sizeof(*m));
	if (len > DHCP6_MAX_LEN) {
		*why = "larger than any boot firmware's message";
		return -EMSGSIZE;
	}
	for (;;) {
		if (!rd_u8(&r, &type)) {
			*why = "empty message";
			return -EINVAL;
		}
		if (type != DHCP6_RELAY_FORW)
			break;
		if (m->n_relays >= DHCP6_MAX_RELAYS) {
			*why = "more Relay-Forw layers than hop counts allow";
			return -EINVAL;
		}
		if ((err = parse_relay(&m->relay[m->n_relays++], &r, why)) < 0)
			return err;
	}
	if (type == DHCP6_RELAY_REPL) {
		/* A server's message: its type is all the proxy needs to
		 * ignore it. */
		m->type = type;
		return 0;
	}
	return parse_client(m, type, r, why);
}

bool dhcp6_opt(const struct dhcp6_msg *m, uint16_t code, const uint8_t **val,
	       size_t *len)
{
	for (unsigned i = 0; i < m->n_opts; i++) {
		if (m->opt[i].code != code)
			continue;
		*val = m->opt[i].val;
		*len = m->opt[i].len;
		return true;
	}
	return false;
}

int dhcp6_client_arch(const struct dhcp6_msg *m, uint16_t *arch)
{
	const uint8_t *v;
	size_t len;
	struct rd r;

	if (!dhcp6_opt(m, OPT6_CLIENT_ARCH, &v, &len))
		return -1;
	r = rd_init(v, len);
	/* Sizes were checked by the parser; this read cannot fail then. */
	return rd_u16(&r, arch) ? 0 : -2;
}

bool dhcp6_vendor_class(const struct dhcp6_msg *m, uint32_t enterprise,
			unsigned idx, const uint8_t **data, size_t *len)
{
	for (unsigned i = 0; i < m->n_opts; i++) {
		struct rd r = rd_init(m->opt[i].val, m->opt[i].len);
		uint32_t e;
		uint16_t n;

		if (m->opt[i].code != OPT6_VENDOR_CLASS ||
		    !rd_u32(&r, &e) || e != enterprise)
			continue;
		while (rd_u16(&r, &n) && rd_ref(&r, data, n)) {
			if (idx-- == 0) {
				*len = n;
				return true;
			}
		}
	}
	return false;
}

bool dhcp6_has_user_class(const struct dhcp6_msg *m, const char *want)
{
	size_t wlen = strlen(want);

	for (unsigned i = 0; i < m->n_opts; i++) {
		struct rd r = rd_init(m->opt[i].val, m->opt[i].len);
		const uint8_t *d;
		uint16_t n;

		if (m->opt[i].code != OPT6_USER_CLASS)
			continue;
		while (rd_u16(&r, &n) && rd_ref(&r, &d, n))
			if (n == wlen && !memcmp(d, want, wlen))
				return true;
	}
	return false;
}

#define DUID_LLT 1
#define DUID_LL 3
#define HWTYPE_ETHERNET 1

bool dhcp6_duid_mac(const uint8_t *duid, size_t len, uint8_t mac[6])
{
	struct rd r = rd_init(duid, len);
	uint16_t type, hw;

	if (!rd_u16(&r, &type) || !rd_u16(&r, &hw) || hw != HWTYPE_ETHERNET)
		return false;
	if (type == DUID_LLT && !rd_skip(&r, 4))
		return false;
	if (type != DUID_LLT && type != DUID_LL)
		return false;
	return rd_left(&r) == 6 && rd_bytes(&r, mac, 6);
}

bool dhcp6_eui64_mac(const struct in6_addr *a, uint8_t mac[6])
{
	const uint8_t *b = a->s6_addr;

	if (b[11] != 0xff || b[12] != 0xfe)
		return false;
	/* The universal/local bit is inverted in the interface id. */
	mac[0] = b[8] ^ 0x02;
	mac[1] = b[9];
	mac[2] = b[10];
	mac[3] = b[13];
	mac[4] = b[14];
	mac[5] = b[15];
	return true;
}

bool dhcp6_client_mac(const struct dhcp6_msg *m, const struct in6_addr *from,
		      uint8_t mac[6])
{
	const struct dhcp6_relay *inner = m->n_relays ?
		&m->relay[m->n_relays - 1] : NULL;
	const uint8_t *v;
	size_t len;

	if (dhcp6_opt(m, OPT6_CLIENTID, &v, &len) &&
	    dhcp6_duid_mac(v, len, mac))
		return true;
	/* RFC 6939: link-layer type, then the address. */
	if (inner && inner->lladdr && inner->lladdr_len == 8 &&
	    inner->lladdr[0] == 0 && inner->lladdr[1] == HWTYPE_ETHERNET) {
		memcpy(mac, inner->lladdr + 2, 6);
		return true;
	}
	/* The innermost relay's peer-address is the client's source. */
	return dhcp6_eui64_mac(inner ? &inner->peer : from, mac);
}

static void put_opt(struct wr *w, uint16_t code, const void *val, size_t len)
{
	if (len > UINT16_MAX) {
		wr_fail(w);
		return;
	}
	wr_u16(w, code);
	wr_u16(w, (uint16_t)len);
	wr_bytes(w, val, len);
}

/* RFC 5970 3.2: a list of 2-octet-length parameters; we send one. */
static void put_param(struct wr *w, const char *param)
{
	size_t n = strlen(param);

	if (n > UINT16_MAX - 2) {
		wr_fail(w);
		return;
	}
	wr_u16(w, OPT6_BOOTFILE_PARAM);
	wr_u16(w, (uint16_t)(n + 2));
	wr_u16(w, (uint16_t)n);
	wr_bytes(w, param, n);
}

/* The answer to the client itself.  No IA_NA/IA_TA/IA_PD and no Status
 * Code: EDK2 (PxeBcParseDhcp6Packet) takes an offer without addresses
 * for a proxy offer and drops one with a failed status. */
static int build_client(const struct dhcp6_msg *q, const struct dhcp6_reply *r,
			struct wr *w)
{
	const uint8_t *cid;
	size_t cid_len, vlen = r->vendor_data_len;

	if (!dhcp6_opt(q, OPT6_CLIENTID, &cid, &cid_len))
		return -EINVAL;
	wr_u8(w, r->type);
	wr_u8(w, (uint8_t)(q->xid >> 16));
	wr_u8(w, (uint8_t)(q->xid >> 8));
	wr_u8(w, (uint8_t)q->xid);
	put_opt(w, OPT6_CLIENTID, cid, cid_len);
	/* Option 59 is never the last one: EDK2's HTTP boot reads the URL
	 * with AsciiStrLen, and the next option's code (< 256) begins with
	 * the NUL that ends it. */
	put_opt(w, OPT6_BOOTFILE_URL, r->url, strlen(r->url));
	put_opt(w, OPT6_SERVERID, r->server_duid, r->server_duid_len);
	if (r->has_preference)
		put_opt(w, OPT6_PREFERENCE, &r->preference, 1);
	/* Echoed: without it OVMF hangs after the Advertise (lab run3). */
	if (r->vendor_data) {
		if (vlen > UINT16_MAX - 6) {
			wr_fail(w);
			return -ENOBUFS;
		}
		wr_u16(w, OPT6_VENDOR_CLASS);
		wr_u16(w, (uint16_t)(6 + vlen));
		wr_u32(w, DHCP6_ENTERPRISE_PXE);
		wr_u16(w, (uint16_t)vlen);
		wr_bytes(w, r->vendor_data, vlen);
	}
	/* EDK2 reads option 60 as the file size in 512-byte blocks and gives
	 * up on anything else: only when configured. */
	if (r->param)
		put_param(w, r->param);
	return wr_ok(w) ? 0 : -ENOBUFS;
}

static size_t relay_overhead(const struct dhcp6_relay *rl)
{
	return DHCP6_RELAY_HEADER_LEN + (rl->has_ifid ? 4u + rl->ifid_len : 0) +
	       4;
}

/* RFC 8415 19.3: one Relay-Repl per Relay-Forw layer, the same hop
 * count, link and peer addresses, Interface-ID echoed.  Lengths are known
 * from the inside out, so the layers are written outermost first. */
static void put_relay_layers(struct wr *w, const struct dhcp6_msg *q,
			     size_t inner_len)
{
	size_t len[DHCP6_MAX_RELAYS + 1];

	len[q->n_relays] = inner_len;
	for (unsigned i = q->n_relays; i-- > 0;)
		len[i] = relay_overhead(&q->relay[i]) + len[i + 1];
	for (unsigned i = 0; i < q->n_relays; i++) {
		const struct dhcp6_relay *rl = &q->relay[i];

		if (len[i + 1] > UINT16_MAX) {
			wr_fail(w);
			return;
		}
		wr_u8(w, DHCP6_RELAY_REPL);
		wr_u8(w, rl->hop_count);
		wr_bytes(w, &rl->link, 16);
		wr_bytes(w, &rl->peer, 16);
		if (rl->has_ifid)
			put_opt(w, OPT6_INTERFACE_ID, rl->ifid, rl->ifid_len);
		wr_u16(w, OPT6_RELAY_MSG);
		wr_u16(w, (uint16_t)len[i + 1]);
	}
}

int dhcp6_build_reply(const struct dhcp6_msg *q, const struct dhcp6_reply *r,
		      uint8_t *buf, size_t cap)
{
	uint8_t inner[DHCP6_MAX_LEN];
	struct wr iw = wr_init(inner, sizeof(inner)), w = wr_init(buf, cap);
	int err;

	if ((err = build_client(q, r, &iw)) < 0)
		return err;
	put_relay_layers(&w, q, wr_len(&iw));
	wr_bytes(&w, inner, wr_len(&iw));
	if (!wr_ok(&w))
		return -ENOBUFS;
	return (int)wr_len(&w);
}

const char *dhcp6_type_name(int type)
{
	static const char *const names[] = {
		"none", "SOLICIT", "ADVERTISE", "REQUEST", "CONFIRM",
		"RENEW", "REBIND", "REPLY", "RELEASE", "DECLINE",
		"RECONFIGURE", "INFORMATION-REQUEST", "RELAY-FORW",
		"RELAY-REPL",
	};

	if (type < 0 || type >= (int)(sizeof(names) / sizeof(names[0])))
		return "unknown";
	return names[type];
}
