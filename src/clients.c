/* The per-machine boot progress table.  Bounded (CLIENTS_MAX machines,
 * CLIENT_FILES transfers each); the least recently seen machine makes
 * room.  Linear searches: they run per offer and per transfer, not per
 * packet, over a few hundred entries. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "clients.h"
#include "ctx.h"
#include "log.h"
#include "netif.h"
#include "rpi.h"
#include "util.h"

struct slot {
	bool used;
	bool has_mac;
	bool stall_logged;      /* its stall is in the log already */
	uint32_t gen;
	struct client c;
};

struct clients {
	struct slot s[CLIENTS_MAX];
	struct pxe_ctx *ctx;    /* once watched: the loop, the config */
	ev_timer watch;
	clients_event_fn *observer;     /* [events], or NULL */
	void *observer_arg;
};

void clients_observe(struct clients *t, clients_event_fn *fn, void *arg)
{
	t->observer = fn;
	t->observer_arg = arg;
}

static void tell(struct clients *t, const struct slot *s,
		 const char *stage, const struct client_file *f)
{
	struct client_event e = { &s->c, s->has_mac, stage, f };

	if (t->observer)
		t->observer(t->observer_arg, &e);
}

static const char *const stall_keys[STALL_KINDS] = {
	[STALL_NONE] = "",
	[STALL_OFFERED] = "offered",
	[STALL_LOADER] = "loader",
};

/* What an administrator should look at first (README: "When a machine
 * stops"). */
static const char *const stall_hints[STALL_KINDS] = {
	[STALL_NONE] = "",
	[STALL_OFFERED] = "offered a boot file, then nothing fetched: "
			  "another proxy answered first, or TFTP/HTTP is "
			  "blocked on the way?",
	[STALL_LOADER] = "boot loader fetched, then nothing: a GRUB that "
			 "cannot follow a proxy offer (it asks the DHCP "
			 "server for its config)? see README, Secure Boot",
};

static const char *const stage_names[STAGE_COUNT] = {
	"dhcp", "loader", "kernel", "payload",
};

static uint64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct clients *clients_new(void)
{
	return xcalloc(1, sizeof(struct clients));
}

void clients_free(struct clients *t)
{
	if (t && t->ctx)
		ev_timer_stop(t->ctx->loop, &t->watch);
	free(t);
}

/* 0.0.0.0 (a DHCP client before its lease) and :: name nobody. */
static bool ip_known(const struct ipaddr *ip)
{
	if (ip->family == AF_INET)
		return ip->u.v4.s_addr != 0;
	return ip->family == AF_INET6 && !IN6_IS_ADDR_UNSPECIFIED(&ip->u.v6);
}

/* [status] stall-after, once the table is watched. */
static unsigned stall_secs(const struct clients *t)
{
	return t->ctx ? t->ctx->cfg->status_stall_s : CLIENT_STALL_SECS;
}

enum client_stall client_stall_of(const struct client *c, uint64_t now,
				  unsigned stall_s)
{
	const struct client_file *last;

	if (now < c->last_seen + stall_s * 1000ull)
		return STALL_NONE;
	if (c->stage == STAGE_DHCP && c->n_files == 0)
		return STALL_OFFERED;
	if (c->stage != STAGE_LOADER || c->n_files == 0)
		return STALL_NONE;
	last = &c->files[(c->n_files - 1) % CLIENT_FILES];
	/* A transfer still running is not a stall (its end moves
	 * last_seen). */
	return last->done ? STALL_LOADER : STALL_NONE;
}

const char *client_stall_key(enum client_stall s)
{
	return s < STALL_KINDS ? stall_keys[s] : "";
}

const char *client_stall_hint(enum client_stall s)
{
	return s < STALL_KINDS ? stall_hints[s] : "";
}

unsigned clients_stalled(const struct clients *t, enum client_stall s)
{
	uint64_t now = wall_ms();
	unsigned n = 0;

	for (int i = 0; t && i < CLIENTS_MAX; i++)
		if (t->s[i].used &&
		    client_stall_of(&t->s[i].c, now, stall_secs(t)) == s)
			n++;
	return n;
}

static void on_watch(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct clients *t = w->data;
	uint64_t now = wall_ms();
	char mac[MAC_STR_MAX], ip[INET6_ADDRSTRLEN];

	for (int i = 0; i < CLIENTS_MAX; i++) {
		struct slot *s = &t->s[i];
		enum client_stall st;

		if (!s->used || s->stall_logged ||
		    (st = client_stall_of(&s->c, now, stall_secs(t))) ==
		    STALL_NONE)
			continue;
		s->stall_logged = true;
		mac_str(mac, sizeof(mac), s->c.mac, s->has_mac ? 6 : 0);
		log_client("%s%s%s: nothing for %u s after %s: %s",
			   s->has_mac ? mac : "", s->has_mac ? " " : "",
			   ipaddr_str(ip, &s->c.ip),
			   stall_secs(t), st == STALL_OFFERED ?
			   "the offer" : "the boot loader",
			   client_stall_hint(st));
	}
}

void clients_watch(struct pxe_ctx *ctx)
{
	struct clients *t = ctx->clients;

	if (!t || t->ctx)
		return;
	t->ctx = ctx;
	ev_timer_init(&t->watch, on_watch, 1, 1);
	t->watch.data = t;
	ev_timer_start(ctx->loop, &t->watch);
}

static struct slot *find(struct clients *t, const uint8_t *mac,
			 struct ipaddr ip)
{
	for (int i = 0; i < CLIENTS_MAX; i++) {
		struct slot *s = &t->s[i];

		if (!s->used)
			continue;
		if (mac && s->has_mac && !memcmp(s->c.mac, mac, 6))
			return s;
		if (!mac && ip_known(&ip) && ipaddr_same(&s->c.ip, &ip))
			return s;
	}
	return NULL;
}

/* A free slot, or the least recently seen one (its generation moves on,
 * so that late transfer ends for it are ignored). */
static struct slot *take(struct clients *t)
{
	struct slot *old = &t->s[0];

	for (int i = 0; i < CLIENTS_MAX; i++) {
		if (!t->s[i].used) {
			old = &t->s[i];
			break;
		}
		if (t->s[i].c.last_seen < old->c.last_seen)
			old = &t->s[i];
	}
	old->gen++;
	old->used = true;
	old->has_mac = false;
	memset(&old->c, 0, sizeof(old->c));
	old->c.first_seen = wall_ms();
	return old;
}

static struct slot *find_or_take(struct clients *t, const uint8_t *mac,
				 struct ipaddr ip)
{
	struct slot *s = find(t, mac, ip);

	/* Seen by IP before the MAC was known: adopt that entry. */
	if (!s && mac && ip_known(&ip) && (s = find(t, NULL, ip)) && s->has_mac &&
	    memcmp(s->c.mac, mac, 6))
		s = NULL;
	if (!s)
		s = take(t);
	if (mac) {
		memcpy(s->c.mac, mac, 6);
		s->has_mac = true;
	}
	if (ip_known(&ip))
		s->c.ip = ip;
	s->c.last_seen = wall_ms();
	s->stall_logged = false;
	return s;
}

void clients_offered(struct clients *t, const struct client_offer *o)
{
	struct slot *s = find_or_take(t, o->mac, o->ip);
	/* Firmware asks twice and again on 4011: one event for the stage. */
	bool again = s->c.stage == STAGE_DHCP && s->c.offered[0] &&
		     !strncmp(s->c.offered, o->offered,
			      sizeof(s->c.offered) - 1);

	s->c.arch = o->arch;
	log_vis(s->c.vendor, sizeof(s->c.vendor), o->vendor, o->vendor_len);
	snprintf(s->c.offered, sizeof(s->c.offered), "%s", o->offered);
	/* Set before the event goes out: it carries it. */
	snprintf(s->c.decided_by, sizeof(s->c.decided_by), "%s",
		 o->decided_by ? o->decided_by : "");
	/* A new boot of the same machine starts over. */
	if (s->c.stage > STAGE_LOADER)
		s->c.n_files = 0;
	s->c.stage = STAGE_DHCP;
	if (!again)
		tell(t, s, "offered", NULL);
}

void clients_describe(struct clients *t, const uint8_t mac[6],
		      const char *model, const uint32_t *serial)
{
	struct ipaddr none = { 0 };
	struct slot *s = find(t, mac, none);

	if (!s)
		return;
	snprintf(s->c.model, sizeof(s->c.model), "%s", model);
	if (serial)
		snprintf(s->c.serial, sizeof(s->c.serial), "%08x", *serial);
}

/* Kernels and initrds by the names distributions give them: the base
 * name starts with one of the words (vmlinuz-6.1.0-amd64, linux,
 * initrd.gz, kernel8.img), so that the loaders named after Linux
 * (pxelinux.0, ldlinux.c32) stay loaders; and modules a loader loads on
 * its way (syslinux's linux.c32, GRUB's linux.mod) are not kernels. */
bool client_file_is_kernel(const char *name)
{
	static const char *const words[] = {
		"vmlinuz", "vmlinux", "linux", "kernel", "bzimage", "initrd",
		"initramfs", "wimboot",
	};
	static const char *const modules[] = { ".c32", ".mod" };
	const char *base = strrchr(name, '/');
	size_t len;

	base = base ? base + 1 : name;
	len = strlen(base);
	for (size_t i = 0; i < ARRAY_SIZE(modules); i++)
		if (len >= strlen(modules[i]) &&
		    !strcasecmp(base + len - strlen(modules[i]), modules[i]))
			return false;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (!strncasecmp(base, words[i], strlen(words[i])))
			return true;
	return false;
}

/* The offered file and what a loader reads before the kernel are the
 * loader stage; kernels and initrds the kernel stage; anything after
 * that, the payload. */
static enum client_stage stage_of(const struct client *c, const char *name)
{
	if (client_file_is_kernel(name))
		return STAGE_KERNEL;
	if (c->stage >= STAGE_KERNEL)
		return STAGE_PAYLOAD;
	return STAGE_LOADER;
}

struct client_ref clients_transfer_start(struct clients *t, const uint8_t *mac,
					 struct ipaddr ip, const char *proto,
					 const char *name)
{
	struct slot *s = find_or_take(t, mac, ip);
	struct client_file *f = &s->c.files[s->c.n_files % CLIENT_FILES];
	struct client_ref ref = { (int)(s - t->s), s->gen, s->c.n_files };
	enum client_stage st = stage_of(&s->c, name);
	uint32_t serial;

	/* A Pi 3 tells its serial only as the prefix of its TFTP reads. */
	if (s->c.model[0] && !s->c.serial[0] &&
	    rpi_serial_from_path(name, &serial))
		snprintf(s->c.serial, sizeof(s->c.serial), "%08x", serial);
	memset(f, 0, sizeof(*f));
	snprintf(f->proto, sizeof(f->proto), "%s", proto);
	/* From the client (a TFTP or HTTP file name): the page shows it as
	 * the logs do. */
	log_vis(f->name, sizeof(f->name), name, strlen(name));
	f->started = wall_ms();
	s->c.n_files++;
	if (st > s->c.stage)
		s->c.stage = st;
	return ref;
}

void clients_transfer_end(struct clients *t, struct client_ref ref,
			  uint64_t bytes, uint32_t ms, bool ok)
{
	struct slot *s;
	struct client_file *f;

	if (!t || ref.slot < 0 || ref.slot >= CLIENTS_MAX)
		return;
	s = &t->s[ref.slot];
	/* Evicted, restarted, or overwritten by newer transfers. */
	if (!s->used || s->gen != ref.gen || ref.seq >= s->c.n_files ||
	    s->c.n_files - ref.seq > CLIENT_FILES)
		return;
	f = &s->c.files[ref.seq % CLIENT_FILES];
	f->bytes = bytes;
	f->ms = ms;
	f->done = true;
	f->ok = ok;
	s->c.last_seen = wall_ms();
	s->stall_logged = false;
	tell(t, s, stage_names[s->c.stage], f);
}

struct client_ref clients_note_transfer(struct pxe_ctx *ctx, struct ipaddr ip,
					int ifindex, const char *proto,
					const char *name)
{
	uint8_t mac[6];
	bool known;

	if (!ctx->clients)
		return (struct client_ref){ -1, 0, 0 };
	known = netif_neigh_mac(ctx, ifindex, &ip, mac);
	return clients_transfer_start(ctx->clients, known ? mac : NULL, ip,
				      proto, name);
}

/* JSON string: quotes, backslashes and control bytes escaped. */
static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static void fmt_mac(char *buf, const struct slot *s)
{
	if (!s->has_mac) {
		strcpy(buf, "");
		return;
	}
	mac_str(buf, MAC_STR_MAX, s->c.mac, sizeof(s->c.mac));
}

static void json_client(const struct slot *s, unsigned stall_s, FILE *out)
{
	const struct client *c = &s->c;
	enum client_stall stall = client_stall_of(c, wall_ms(), stall_s);
	char mac[MAC_STR_MAX], ip[INET6_ADDRSTRLEN];
	unsigned first = c->n_files > CLIENT_FILES ? c->n_files - CLIENT_FILES
						   : 0;

	fmt_mac(mac, s);
	ipaddr_str(ip, &c->ip);
	fprintf(out, "{\"mac\":\"%s\",\"ip\":\"%s\",\"first_seen_ms\":%llu,"
		"\"last_seen_ms\":%llu,\"arch\":%u,\"vendor_class\":", mac, ip,
		(unsigned long long)c->first_seen,
		(unsigned long long)c->last_seen, c->arch);
	json_str(out, c->vendor);
	fprintf(out, ",\"offered\":");
	json_str(out, c->offered);
	if (c->decided_by[0])
		fprintf(out, ",\"decided_by\":\"%s\"", c->decided_by);
	if (c->model[0]) {
		fprintf(out, ",\"model\":");
		json_str(out, c->model);
		fprintf(out, ",\"serial\":");
		json_str(out, c->serial);
	}
	fprintf(out, ",\"stage\":\"%s\",\"files\":[", stage_names[c->stage]);
	for (unsigned i = first; i < c->n_files; i++) {
		const struct client_file *f = &c->files[i % CLIENT_FILES];

		fprintf(out, "%s{\"proto\":\"%s\",\"name\":", i > first ? "," : "",
			f->proto);
		json_str(out, f->name);
		fprintf(out, ",\"bytes\":%llu,\"ms\":%u,\"result\":\"%s\"}",
			(unsigned long long)f->bytes, f->ms,
			!f->done ? "active" : f->ok ? "ok" : "failed");
	}
	fprintf(out, "]");
	if (stall != STALL_NONE) {
		fprintf(out, ",\"stalled\":\"%s\",\"hint\":",
			client_stall_key(stall));
		json_str(out, client_stall_hint(stall));
	}
	fprintf(out, "}");
}

void clients_json(const struct clients *t, FILE *out)
{
	bool any = false;

	fprintf(out, "[");
	for (int i = 0; i < CLIENTS_MAX; i++) {
		if (!t->s[i].used)
			continue;
		if (any)
			fprintf(out, ",\n");
		json_client(&t->s[i], stall_secs(t), out);
		any = true;
	}
	fprintf(out, "]");
}

static void html_str(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*s, out);
		}
	}
}

/* One table row per machine: identity, then one cell per stage, the
 * reached ones marked. */
void clients_html_rows(const struct clients *t, FILE *out)
{
	uint64_t now = wall_ms();
	enum client_stall stall;

	for (int i = 0; i < CLIENTS_MAX; i++) {
		const struct slot *s = &t->s[i];
		const struct client *c = &s->c;
		char mac[MAC_STR_MAX], ip[INET6_ADDRSTRLEN];
		const struct client_file *last;

		if (!s->used)
			continue;
		fmt_mac(mac, s);
		ipaddr_str(ip, &c->ip);
		fprintf(out, "<tr><td>%s", mac);
		if (c->model[0]) {
			fprintf(out, "<br>");
			html_str(out, c->model);
			if (c->serial[0])
				fprintf(out, " %s", c->serial);
		}
		fprintf(out, "</td><td>%s</td><td>%u</td><td>", ip, c->arch);
		html_str(out, c->offered);
		if (c->decided_by[0])
			fprintf(out, " <small>(%s)</small>", c->decided_by);
		fprintf(out, "</td>");
		for (int st = 0; st < STAGE_COUNT; st++)
			fprintf(out, "<td class=\"%s\">%s</td>",
				st < (int)c->stage ? "done" :
				st == (int)c->stage ? "now" : "todo",
				stage_names[st]);
		fprintf(out, "<td>");
		if (c->n_files) {
			last = &c->files[(c->n_files - 1) % CLIENT_FILES];
			html_str(out, last->name);
			fprintf(out, " (%s, %llu bytes%s)", last->proto,
				(unsigned long long)last->bytes,
				!last->done ? ", active" : last->ok ? "" :
				", failed");
		}
		if ((stall = client_stall_of(c, now, stall_secs(t))) !=
		    STALL_NONE) {
			fprintf(out, "<br><span class=\"stalled\">");
			html_str(out, client_stall_hint(stall));
			fprintf(out, "</span>");
		}
		fprintf(out, "</td></tr>\n");
	}
}
