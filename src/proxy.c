/* proxyDHCP: answers PXE (option 60 "PXEClient") and UEFI HTTP boot
 * ("HTTPClient") requests with boot data only, never an address.
 *
 * Port 67: DISCOVER -> OFFER, broadcast on the receiving interface (the
 * client has no address yet) or sent to the relay.  Port 4011: REQUEST ->
 * ACK, unicast to the sender (PXE spec 2.2.5).  Everything else, and
 * above all a REQUEST on 67 meant for the real server, is dropped without
 * a word.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <unistd.h>

#include "backend.h"
#include "bootsel.h"
#include "clients.h"
#include "ctx.h"
#include "log.h"
#include "netif.h"
#include "pktsock.h"
#include "proxy.h"
#include "udp.h"
#include "util.h"

/* Replies held back by [dhcp] reply-delay; bounded so that a flood
 * cannot make memory grow. */
#define PROXY_MAX_DELAYED 1024

struct delayed {
	ev_timer timer;
	struct pxe_ctx *ctx;
	unsigned port;
	int ifindex;
	char ifname[IF_NAMESIZE];
	struct proxy_answer a;
	size_t len;
	uint8_t out[DHCP_MAX_LEN];
	LIST_ENTRY(delayed) entry;
};

/* A request waiting for the backend: the datagram as it came, parsed
 * again when the answer (or the timeout) arrives. */
struct held {
	struct backend_waiter w;
	ev_timer timer;                 /* [backend] timeout */
	struct pxe_ctx *ctx;
	unsigned port;
	struct udp_meta meta;
	struct in_addr server;
	char ifname[IF_NAMESIZE];
	size_t len;
	uint8_t pkt[DHCP_MAX_LEN];
	LIST_ENTRY(held) entry;
};

struct proxy {
	int fd67, fd4011;
	bool raw67;             /* fd67 is a packet socket (port 67 taken) */
	ev_io w67, w4011;
	LIST_HEAD(, delayed) delayed;
	unsigned n_delayed;
	LIST_HEAD(, held) held;
	unsigned n_held;
};

static const char *const source_names[] = {
	[SRC_RULE] = "rule", [SRC_BACKEND] = "backend",
	[SRC_CACHE] = "cache", [SRC_FALLBACK] = "fallback",
};

const char *proxy_source_name(enum decision_source s)
{
	return source_names[s];
}

static const char *const drop_names[DROP_REASONS] = {
	[DROP_MALFORMED] = "malformed",
	[DROP_NOT_REQUEST] = "not a BOOTREQUEST",
	[DROP_MSG_TYPE] = "message type not for a proxy",
	[DROP_NOT_PXE] = "not a PXE or HTTP boot client",
	[DROP_BAD_ARCH] = "malformed client architecture (option 93)",
	[DROP_NO_BOOTFILE] = "no boot file for this architecture",
	[DROP_IFACE] = "interface not served or without IPv4 address",
	[DROP_RULE_IGNORE] = "ignored by a rule",
	[DROP_IPXE_LOOP] = "iPXE client would be given iPXE again (loop)",
};

static const char *const drop_keys[DROP_REASONS] = {
	[DROP_MALFORMED] = "malformed",
	[DROP_NOT_REQUEST] = "not_request",
	[DROP_MSG_TYPE] = "message_type",
	[DROP_NOT_PXE] = "not_pxe",
	[DROP_BAD_ARCH] = "bad_arch",
	[DROP_NO_BOOTFILE] = "no_bootfile",
	[DROP_IFACE] = "interface",
	[DROP_RULE_IGNORE] = "rule_ignore",
	[DROP_IPXE_LOOP] = "ipxe_loop",
};

const char *proxy_drop_key(enum drop_reason r)
{
	return r < DROP_REASONS ? drop_keys[r] : "answered";
}

const char *proxy_drop_name(enum drop_reason r)
{
	return r < DROP_REASONS ? drop_names[r] : "answered";
}

/* Option 60 must begin with the class (PXE spec 2.2.1: "PXEClient:Arch:
 * xxxxx:UNDI:yyyzzz"; UEFI 2.5+ HTTP boot: "HTTPClient:..."). */
static const char *client_class(const struct dhcp_msg *m)
{
	static const char *const classes[] = { "PXEClient", "HTTPClient" };
	const uint8_t *v;
	size_t len;

	if (!dhcp_opt(m, OPT_VENDOR_CLASS, &v, &len))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++) {
		size_t n = strlen(classes[i]);

		if (len >= n && !memcmp(v, classes[i], n))
			return classes[i];
	}
	return NULL;
}

static bool type_for_port(int type, unsigned port)
{
	if (port == PXE_BOOT_PORT)
		return type == DHCPREQUEST;
	return type == DHCPDISCOVER;
}

bool proxy_is_boot_request(const struct dhcp_msg *m, unsigned port)
{
	uint16_t arch;

	return m->op == BOOTREQUEST && type_for_port(dhcp_msg_type(m), port) &&
	       client_class(m) && dhcp_client_arch(m, &arch) != -2;
}

void proxy_backend_client(const struct dhcp_msg *m, const char *ifname,
			  struct backend_client *bc)
{
	memset(bc, 0, sizeof(*bc));
	bc->mac = m->chaddr;
	bc->mac_len = MIN(m->hlen, sizeof(m->chaddr));
	if (dhcp_client_arch(m, &bc->arch) < 0)
		bc->arch = 0;
	dhcp_opt(m, OPT_CLIENT_UUID, &bc->uuid, &bc->uuid_len);
	dhcp_opt(m, OPT_VENDOR_CLASS, &bc->vendor, &bc->vendor_len);
	dhcp_opt(m, OPT_USER_CLASS, &bc->user_class, &bc->user_class_len);
	bc->ifname = ifname;
}

/* What the shared rules see of a DHCPv4 client. */
static void fill_query(const struct dhcp_msg *m, uint16_t arch,
		       struct boot_query *q)
{
	const uint8_t *v;
	size_t len;

	memset(q, 0, sizeof(*q));
	q->mac = m->chaddr;
	q->mac_len = MIN(m->hlen, sizeof(m->chaddr));
	q->arch = arch;
	dhcp_opt(m, OPT_VENDOR_CLASS, &q->vendor, &q->vendor_len);
	dhcp_opt(m, OPT_USER_CLASS, &q->user_class, &q->user_class_len);
	q->user_class_lensz = 1;
	q->ipxe_option = dhcp_opt(m, OPT_IPXE, &v, &len);
}

/* Expands ${server}, ${mac} and ${arch}; an HTTP boot client gets a URL
 * even when the table names a bare file (it is on our HTTP server). */
static int expand_boot(const char *b, bool http, struct in_addr server,
		       const struct dhcp_msg *m, uint16_t arch, char *out,
		       size_t cap)
{
	/* tmpl: a bare name with "http://${server}/" before it. */
	char srv[INET_ADDRSTRLEN], mac[MAC_STR_MAX], code[8],
	     tmpl[BOOT_NAME_MAX + 32];
	struct tvar vars[] = {
		{ "${server}", srv }, { "${mac}", mac }, { "${arch}", code },
	};

	inet_ntop(AF_INET, &server, srv, sizeof(srv));
	mac_str(mac, sizeof(mac), m->chaddr, MIN(m->hlen, sizeof(m->chaddr)));
	snprintf(code, sizeof(code), "%u", arch);
	if (http && strncmp(b, "http://", 7) && strncmp(b, "https://", 8)) {
		if (fmt(tmpl, sizeof(tmpl), "http://${server}%s%s",
			b[0] == '/' ? "" : "/", b) < 0)
			return -ENOBUFS;
		b = tmpl;
	}
	return expand_vars(out, cap, b, vars, ARRAY_SIZE(vars));
}

static void pick_destination(const struct dhcp_msg *m, unsigned port,
			     const struct sockaddr_in *from,
			     struct proxy_answer *a)
{
	memset(&a->to, 0, sizeof(a->to));
	a->to.sin_family = AF_INET;
	a->broadcast = false;
	if (port == PXE_BOOT_PORT) {
		a->to = *from;
	} else if (m->giaddr.s_addr) {
		/* RFC 2131 4.1: through a relay, back to its port 67. */
		a->to.sin_addr = m->giaddr;
		a->to.sin_port = htons(DHCP_SERVER_PORT);
	} else if (m->ciaddr.s_addr) {
		a->to.sin_addr = m->ciaddr;
		a->to.sin_port = htons(DHCP_CLIENT_PORT);
	} else {
		/* No address yet: only a broadcast reaches it (we cannot
		 * unicast to a MAC without an ARP entry). */
		a->to.sin_addr.s_addr = htonl(INADDR_BROADCAST);
		a->to.sin_port = htons(DHCP_CLIENT_PORT);
		a->broadcast = true;
	}
}

/* A Raspberry Pi's boot loader: the menu it looks for in option 43, and
 * our address in siaddr, option 54 and option 66, whichever its loader
 * reads (src/rpi.c).  No boot file: the loaders ask for fixed names. */
static enum drop_reason answer_pi(const struct config *c, unsigned port,
				  struct in_addr server, struct proxy_answer *a)
{
	int n = rpi_vendor_options(c->rpi_old_rom_menu || a->pi.old_rom,
				   a->vendor, sizeof(a->vendor));

	if (n < 0)
		return DROP_NO_BOOTFILE;
	if (!a->pi.model[0])
		snprintf(a->pi.model, sizeof(a->pi.model), "Raspberry Pi");
	inet_ntop(AF_INET, &server, a->tftp_server, sizeof(a->tftp_server));
	if (a->pi.have_serial)
		snprintf(a->bootfile, sizeof(a->bootfile), "%s menu (%s, "
			 "serial %08x)", RPI_MENU_TEXT, a->pi.model,
			 a->pi.serial);
	else
		snprintf(a->bootfile, sizeof(a->bootfile), "%s menu (%s)",
			 RPI_MENU_TEXT, a->pi.model);
	a->rpi_answer = true;
	a->reply.type = port == PXE_BOOT_PORT ? DHCPACK : DHCPOFFER;
	a->reply.server = server;
	a->reply.vendor_class = "PXEClient";
	a->reply.vendor_opts = a->vendor;
	a->reply.vendor_opts_len = (size_t)n;
	a->reply.tftp_server = a->tftp_server;
	return DROP_REASONS;
}

/* The inventory's answer in place of boot_choose(), with the same
 * guard against handing iPXE to iPXE. */
static enum drop_reason choose_answer(const struct backend_answer *ba,
				      const struct boot_query *q,
				      const char **boot, const char **rule)
{
	*rule = "backend";
	if (ba->action == RULE_IGNORE)
		return DROP_RULE_IGNORE;
	*boot = ba->boot;
	if (ba->action == RULE_BOOT && boot_is_ipxe_client(q) &&
	    boot_is_ipxe_binary(ba->boot))
		return DROP_IPXE_LOOP;
	return DROP_REASONS;
}

enum drop_reason proxy_decide(const struct config *c, const struct dhcp_msg *m,
			      unsigned port, const struct sockaddr_in *from,
			      struct in_addr server, struct proxy_answer *a)
{
	return proxy_decide_with(c, m, port, from, server, NULL, a);
}

enum drop_reason proxy_decide_with(const struct config *c,
				   const struct dhcp_msg *m, unsigned port,
				   const struct sockaddr_in *from,
				   struct in_addr server,
				   const struct backend_answer *ba,
				   struct proxy_answer *a)
{
	struct boot_query q;
	enum drop_reason why;
	const char *cls, *b;
	bool http;
	int r;

	memset(a, 0, sizeof(*a));
	if (m->op != BOOTREQUEST)
		return DROP_NOT_REQUEST;
	if (!type_for_port(dhcp_msg_type(m), port))
		return DROP_MSG_TYPE;
	if (!(cls = client_class(m)))
		return DROP_NOT_PXE;
	r = dhcp_client_arch(m, &a->arch);
	if (r == -2)
		return DROP_BAD_ARCH;
	if (r == -1)
		a->arch = 0;    /* pre-RFC 4578 BIOS ROMs omit option 93 */
	http = cls[0] == 'H';
	fill_query(m, a->arch, &q);
	q.rpi = !http && rpi_detect(m, a->arch, &a->pi);
	q.rpi_answer_ok = !http;
	if (ba && ba->action != RULE_NONE) {
		why = choose_answer(ba, &q, &b, &a->rule);
		a->has_delay = ba->has_delay;
		a->delay_ms = ba->reply_delay_ms;
	} else {
		why = boot_choose(c, &q, &b, &a->rule);
	}
	if (why != DROP_REASONS)
		return why;
	if (b == boot_rpi_menu) {
		pick_destination(m, port, from, a);
		return answer_pi(c, port, server, a);
	}
	if (expand_boot(b, http, server, m, a->arch, a->bootfile,
			sizeof(a->bootfile)) < 0)
		return DROP_NO_BOOTFILE;
	a->reply.type = port == PXE_BOOT_PORT ? DHCPACK : DHCPOFFER;
	a->reply.server = server;
	a->reply.vendor_class = cls;
	a->reply.bootfile = a->bootfile;
	a->reply.pxe_options = !http;
	if (port == PXE_BOOT_PORT)
		dhcp_pxe_subopt(m, PXE_BOOT_ITEM, &a->reply.boot_item,
				&a->reply.boot_item_len);
	pick_destination(m, port, from, a);
	return DROP_REASONS;
}

static void count_drop(struct pxe_ctx *ctx, enum drop_reason why,
		       const char *ifname, const struct sockaddr_in *from,
		       const char *detail)
{
	char src[INET_ADDRSTRLEN];

	ctx->stats.dhcp_dropped[why]++;
	inet_ntop(AF_INET, &from->sin_addr, src, sizeof(src));
	log_debug_rl("%s: ignored packet from %s:%u: %s%s%s", ifname, src,
		     ntohs(from->sin_port), drop_names[why],
		     detail ? ": " : "", detail ? detail : "");
}

/* On the packet socket only broadcasts can be framed (no ARP for a
 * unicast); relays and clients with an address get it from 4011. */
static ssize_t send_reply(struct proxy *p, unsigned port,
			  const struct proxy_answer *a, int ifindex,
			  const uint8_t *out, size_t len)
{
	if (port == PXE_BOOT_PORT)
		return udp_send(p->fd4011, out, len, &a->to, ifindex,
				a->reply.server);
	if (!p->raw67)
		return udp_send(p->fd67, out, len, &a->to, ifindex,
				a->reply.server);
	if (a->broadcast)
		return pktsock_send_broadcast(p->fd67, ifindex,
					      a->reply.server, out, len);
	return udp_send(p->fd4011, out, len, &a->to, ifindex, a->reply.server);
}

static void log_sent(struct pxe_ctx *ctx, const struct proxy_answer *a,
		     const char *mac, const char *ifname, ssize_t n)
{
	char srv[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a->reply.server, srv, sizeof(srv));
	inet_ntop(AF_INET, &a->to.sin_addr, dst, sizeof(dst));
	if (n < 0) {
		errno = (int)-n;
		log_warn("%s: %s: sending %s to %s", ifname, mac,
			 dhcp_type_name(a->reply.type), dst);
		return;
	}
	if (a->reply.type == DHCPOFFER)
		ctx->stats.dhcp_offers++;
	else
		ctx->stats.dhcp_acks++;
	log_client("%s: %s arch %u (%s) %s: %s %s from %s to %s%s%s", ifname,
		   mac, a->arch, arch_name(a->arch), a->reply.vendor_class,
		   dhcp_type_name(a->reply.type), a->bootfile, srv, dst,
		   a->rule ? " by rule " : "", a->rule ? a->rule : "");
}

static void delayed_free(struct pxe_ctx *ctx, struct delayed *d)
{
	struct proxy *p = ctx->proxy;

	ev_timer_stop(ctx->loop, &d->timer);
	LIST_REMOVE(d, entry);
	p->n_delayed--;
	free(d);
}

static void on_delay_done(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct delayed *d = w->data;
	struct pxe_ctx *ctx = d->ctx;
	ssize_t n = send_reply(ctx->proxy, d->port, &d->a, d->ifindex, d->out,
			       d->len);

	log_sent(ctx, &d->a, d->a.mac, d->ifname, n);
	delayed_free(ctx, d);
}

static void send_later(struct pxe_ctx *ctx, unsigned port,
		       const struct proxy_answer *a, int ifindex,
		       const char *ifname, const uint8_t *out, size_t len,
		       unsigned delay_ms)
{
	struct proxy *p = ctx->proxy;
	struct delayed *d;

	if (p->n_delayed >= PROXY_MAX_DELAYED ||
	    !(d = calloc(1, sizeof(*d)))) {
		log_warnx_rl("too many delayed replies; dropping one");
		return;
	}
	d->ctx = ctx;
	d->port = port;
	d->ifindex = ifindex;
	snprintf(d->ifname, sizeof(d->ifname), "%s", ifname);
	d->a = *a;
	/* The copy's pointers must point into the copy. */
	d->a.reply.bootfile = a->reply.bootfile ? d->a.bootfile : NULL;
	if (a->reply.vendor_opts)
		d->a.reply.vendor_opts = d->a.vendor;
	if (a->reply.tftp_server)
		d->a.reply.tftp_server = d->a.tftp_server;
	d->len = len;
	memcpy(d->out, out, len);
	LIST_INSERT_HEAD(&p->delayed, d, entry);
	p->n_delayed++;
	ev_timer_init(&d->timer, on_delay_done, delay_ms / 1000.0, 0);
	d->timer.data = d;
	ev_timer_start(ctx->loop, &d->timer);
}

static void send_answer(struct pxe_ctx *ctx, unsigned port,
			const struct dhcp_msg *m, struct proxy_answer *a,
			int ifindex, const char *ifname)
{
	uint8_t out[DHCP_MAX_LEN];
	int len = dhcp_build_reply(m, &a->reply, out, sizeof(out));
	unsigned delay = a->has_delay ? a->delay_ms : ctx->cfg->reply_delay_ms;

	mac_str(a->mac, sizeof(a->mac), m->chaddr,
		MIN(m->hlen, sizeof(m->chaddr)));
	if (len < 0) {
		log_warnx_rl("%s: %s: reply larger than the client takes "
			     "(its option 57, or 576): not sent", ifname,
			     a->mac);
		return;
	}
	if (delay) {
		send_later(ctx, port, a, ifindex, ifname, out, (size_t)len,
			   delay);
		return;
	}
	log_sent(ctx, a, a->mac, ifname,
		 send_reply(ctx->proxy, port, a, ifindex, out, (size_t)len));
}

static void note_client(struct pxe_ctx *ctx, const struct dhcp_msg *m,
			const struct proxy_answer *a,
			const struct udp_meta *meta, enum decision_source src)
{
	const uint8_t *v = (const uint8_t *)"";
	size_t len = 0;

	if (!ctx->clients || m->htype != 1 || m->hlen != 6)
		return;
	dhcp_opt(m, OPT_VENDOR_CLASS, &v, &len);
	clients_offered(ctx->clients, &(struct client_offer){
		.mac = m->chaddr, .arch = a->arch, .vendor = (const char *)v,
		.vendor_len = len, .offered = a->bootfile,
		.ip = ipaddr_v4(meta->from.sin_addr),
		.decided_by = source_names[src] });
	if (a->pi.is_pi || a->rpi_answer)
		clients_describe(ctx->clients, m->chaddr, a->pi.model,
				 a->pi.have_serial ? &a->pi.serial : NULL);
}

/* Decides (with the backend's answer, if any) and answers. */
static void answer_with(struct pxe_ctx *ctx, unsigned port,
			const struct dhcp_msg *m, const struct udp_meta *meta,
			struct in_addr server, const char *ifname,
			enum decision_source src,
			const struct backend_answer *ba)
{
	struct proxy_answer a;
	enum drop_reason r;

	if (src == SRC_FALLBACK) {
		ctx->stats.backend_fallbacks++;
		if (ctx->cfg->backend_fallback == BACKEND_FALLBACK_IGNORE) {
			count_drop(ctx, DROP_RULE_IGNORE, ifname, &meta->from,
				   "backend fallback = ignore");
			return;
		}
	}
	/* "No entry": the local rules decide, as without a backend. */
	if (ba && ba->action == RULE_NONE)
		src = SRC_RULE;
	r = proxy_decide_with(ctx->cfg, m, port, &meta->from, server, ba, &a);
	if (r != DROP_REASONS) {
		count_drop(ctx, r, ifname, &meta->from, a.rule);
		return;
	}
	note_client(ctx, m, &a, meta, src);
	send_answer(ctx, port, m, &a, meta->ifindex, ifname);
}

static void held_free(struct pxe_ctx *ctx, struct held *h)
{
	backend_cancel(&h->w);
	ev_timer_stop(ctx->loop, &h->timer);
	LIST_REMOVE(h, entry);
	ctx->proxy->n_held--;
	ctx->stats.backend_pending = ctx->proxy->n_held;
	free(h);
}

/* The answer came (or the lookup failed: ba NULL), or the wait ended. */
static void held_answer(struct held *h, enum decision_source src,
			const struct backend_answer *ba)
{
	struct pxe_ctx *ctx = h->ctx;
	struct dhcp_msg m;
	const char *why;

	if (dhcp_parse(&m, h->pkt, h->len, &why) == 0)
		answer_with(ctx, h->port, &m, &h->meta, h->server, h->ifname,
			    src, ba);
	held_free(ctx, h);
}

static void on_backend_done(struct backend_waiter *w,
			    const struct backend_answer *ba)
{
	struct held *h = (struct held *)((char *)w - offsetof(struct held, w));

	held_answer(h, ba ? SRC_BACKEND : SRC_FALLBACK, ba);
}

static void on_backend_timeout(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct held *h = t->data;

	/* The lookup goes on: its answer is cached for the retry. */
	backend_cancel(&h->w);
	log_warnx_rl("%s: backend gave no answer within %u ms: local %s",
		     h->ifname, h->ctx->cfg->backend_timeout_ms,
		     h->ctx->cfg->backend_fallback == BACKEND_FALLBACK_IGNORE
			     ? "fallback ignores the machine" : "rules decide");
	held_answer(h, SRC_FALLBACK, NULL);
}

/* Holds the request until the backend answers or [backend] timeout; a
 * cached answer, a full hold list or a refused lookup answers at once. */
static void ask_backend(struct pxe_ctx *ctx, unsigned port,
			const struct dhcp_msg *m, const uint8_t *buf,
			size_t len, const struct udp_meta *meta,
			struct in_addr server, const char *ifname)
{
	struct proxy *p = ctx->proxy;
	char url[BACKEND_URL_MAX];
	struct backend_client bc;
	struct backend_answer ba;
	struct held *h;
	int r;

	proxy_backend_client(m, ifname, &bc);
	if (backend_url_expand(ctx->cfg->backend_url, &bc, url,
			       sizeof(url)) < 0) {
		log_warnx_rl("%s: backend url longer than %d bytes for this "
			     "machine", ifname, BACKEND_URL_MAX);
		answer_with(ctx, port, m, meta, server, ifname, SRC_FALLBACK,
			    NULL);
		return;
	}
	if (p->n_held >= ctx->cfg->backend_max_pending) {
		ctx->stats.backend_overflow++;
		log_warnx_rl("backend: %u requests already wait for it "
			     "([backend] max-pending): local fallback",
			     p->n_held);
		answer_with(ctx, port, m, meta, server, ifname, SRC_FALLBACK,
			    NULL);
		return;
	}
	h = xcalloc(1, sizeof(*h));
	h->w.done = on_backend_done;
	r = backend_ask(ctx, url, &ba, &h->w);
	if (r != 0) {
		free(h);
		if (r > 0)
			answer_with(ctx, port, m, meta, server, ifname,
				    SRC_CACHE, &ba);
		else
			answer_with(ctx, port, m, meta, server, ifname,
				    SRC_FALLBACK, NULL);
		return;
	}
	h->ctx = ctx;
	h->port = port;
	h->meta = *meta;
	h->server = server;
	snprintf(h->ifname, sizeof(h->ifname), "%s", ifname);
	h->len = MIN(len, sizeof(h->pkt));
	memcpy(h->pkt, buf, h->len);
	LIST_INSERT_HEAD(&p->held, h, entry);
	p->n_held++;
	ctx->stats.backend_pending = p->n_held;
	ev_timer_init(&h->timer, on_backend_timeout,
		      ctx->cfg->backend_timeout_ms / 1000.0, 0);
	h->timer.data = h;
	ev_timer_start(ctx->loop, &h->timer);
}

static void handle_packet(struct pxe_ctx *ctx, unsigned port,
			  const uint8_t *buf, size_t len,
			  const struct udp_meta *meta)
{
	struct dhcp_msg m;
	struct in_addr server, hint;
	char ifname[IF_NAMESIZE];
	const char *why = NULL;

	if (!netif_server_addr(ctx, meta->ifindex, meta->from.sin_addr,
			       &server, ifname)) {
		count_drop(ctx, DROP_IFACE, ifname, &meta->from, NULL);
		return;
	}
	if (meta->truncated || dhcp_parse(&m, buf, len, &why) < 0) {
		count_drop(ctx, DROP_MALFORMED, ifname, &meta->from,
			   meta->truncated ? "truncated" : why);
		return;
	}
	/* Through a relay, our address facing the relay's subnet. */
	hint = m.giaddr.s_addr ? m.giaddr : meta->from.sin_addr;
	if (hint.s_addr != meta->from.sin_addr.s_addr)
		netif_server_addr(ctx, meta->ifindex, hint, &server, ifname);
	/* A unicast to 4011 names the address it wants us to answer from. */
	if (port == PXE_BOOT_PORT && meta->dst.s_addr)
		server = meta->dst;
	if (ctx->backend && proxy_is_boot_request(&m, port)) {
		ask_backend(ctx, port, &m, buf, len, meta, server, ifname);
		return;
	}
	answer_with(ctx, port, &m, meta, server, ifname, SRC_RULE, NULL);
}

/* One datagram from either kind of socket: 0 handled or skipped, <0
 * when the socket is drained or failed. */
static ssize_t receive_one(struct proxy *p, int fd, unsigned port,
			   uint8_t *buf, size_t cap, struct udp_meta *meta,
			   const uint8_t **payload)
{
	size_t plen;
	ssize_t n;

	if (port == DHCP_SERVER_PORT && p->raw67) {
		n = pktsock_recv(fd, buf, cap, meta, payload, &plen);
		return n == -EINVAL ? 0 : n;
	}
	n = udp_recv(fd, buf, cap, meta);
	*payload = buf;
	return n;
}

static void on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct pxe_ctx *ctx = w->data;
	struct proxy *p = ctx->proxy;
	unsigned port = w == &p->w67 ? DHCP_SERVER_PORT : PXE_BOOT_PORT;
	/* Room for IP and UDP headers (packet socket) and one byte more
	 * than the largest accepted request, to see truncation. */
	uint8_t buf[IPV4_UDP_HDR_LEN + 40 + DHCP_MAX_LEN + 1];
	const uint8_t *payload;
	struct udp_meta meta;

	/* Drain a few per wake-up, not all: TFTP and HTTP share the loop. */
	for (int i = 0; i < 32; i++) {
		ssize_t n = receive_one(p, w->fd, port, buf, sizeof(buf),
					&meta, &payload);

		if (n < 0) {
			if (n != -EAGAIN && n != -EINTR)
				log_warnx_rl("udp %u: %s", port,
					     strerror((int)-n));
			return;
		}
		if (n == 0 && p->raw67 && port == DHCP_SERVER_PORT)
			continue;
		if ((size_t)n > DHCP_MAX_LEN)
			meta.truncated = true;
		handle_packet(ctx, port, payload, (size_t)n, &meta);
	}
}

int proxy_open(struct pxe_ctx *ctx, unsigned *port)
{
	struct proxy *p = xcalloc(1, sizeof(*p));
	struct in_addr any = { htonl(INADDR_ANY) };

	LIST_INIT(&p->delayed);
	LIST_INIT(&p->held);
	*port = DHCP_SERVER_PORT;
	p->fd67 = udp_bind(any, DHCP_SERVER_PORT, true);
	if (p->fd67 == -EADDRINUSE && ctx->cfg->dhcp_packet_fallback) {
		log_notice("UDP port 67 is held by another server (a DHCP "
			   "server on this host?): receiving PXE requests "
			   "through a packet socket instead");
		p->fd67 = pktsock_open();
		p->raw67 = true;
	}
	if (p->fd67 < 0) {
		int err = p->fd67;

		free(p);
		return err;
	}
	*port = PXE_BOOT_PORT;
	p->fd4011 = udp_bind(any, PXE_BOOT_PORT, true);
	if (p->fd4011 < 0) {
		int err = p->fd4011;

		close(p->fd67);
		free(p);
		return err;
	}
	ev_io_init(&p->w67, on_readable, p->fd67, EV_READ);
	ev_io_init(&p->w4011, on_readable, p->fd4011, EV_READ);
	p->w67.data = p->w4011.data = ctx;
	ctx->proxy = p;
	return 0;
}

void proxy_start(struct pxe_ctx *ctx)
{
	ev_io_start(ctx->loop, &ctx->proxy->w67);
	ev_io_start(ctx->loop, &ctx->proxy->w4011);
}

void proxy_close(struct pxe_ctx *ctx)
{
	struct proxy *p = ctx->proxy;

	if (!p)
		return;
	while (!LIST_EMPTY(&p->delayed))
		delayed_free(ctx, LIST_FIRST(&p->delayed));
	while (!LIST_EMPTY(&p->held))
		held_free(ctx, LIST_FIRST(&p->held));
	ev_io_stop(ctx->loop, &p->w67);
	ev_io_stop(ctx->loop, &p->w4011);
	close(p->fd67);
	close(p->fd4011);
	free(p);
	ctx->proxy = NULL;
}
