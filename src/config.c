/* The config file: "key = value" lines in [sections].
 *
 *   root = /srv/tftp
 *   [tftp]
 *   max-windowsize = 16
 *   [arch]
 *   bios = pxelinux.0
 *
 * Every key is described once in keys[] (section, name, type, bounds), and
 * one generic loop parses, validates and prints them.  Unknown keys and bad
 * values are errors with file:line, never ignored.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "backend_proto.h"
#include "clients.h"
#include "config.h"
#include "log.h"
#include "path.h"
#include "rpi.h"
#include "tftp_proto.h"
#include "util.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

/* A file larger than this is surely not a config file. */
#define CONF_MAX_FILE (1024 * 1024)

/* K_PATH: a K_STR that names a directory inside the root, kept in the
 * form path_normalize() gives it (no "..", no leading '/'). */
/* K_OPT: a K_STR that may be unset (NULL).  K_CHOICE: one of the row's
 * choices, stored as its index. */
enum ktype { K_STR, K_OPT, K_PATH, K_BOOL, K_UINT, K_CHOICE, K_IFACE, K_ADDR,
	     K_ADDR6 };

/* One row per setting.  restart: bound, chrooted or dropped to at start,
 * so a reload keeps the value in force (and says so). */
struct key {
	const char *section;
	const char *name;
	enum ktype type;
	size_t off;
	long long min, max;
	bool restart;
	const char *const *choices;     /* K_CHOICE: NULL-terminated */
};

static const char *const fallback_choices[] = { "rules", "ignore", NULL };

/* The last columns: restart, then no choices (all rows but K_CHOICE's). */
#define RESTART true, NULL
#define RELOAD false, NULL

#define OFF(f) offsetof(struct config, f)

static const struct key keys[] = {
	{ "", "root", K_STR, OFF(root), 0, 0, RESTART },
	{ "", "user", K_STR, OFF(user), 0, 0, RESTART },
	{ "", "interface", K_IFACE, 0, 0, 0, RELOAD },
	{ "dhcp", "enable", K_BOOL, OFF(dhcp_enable), 0, 0, RESTART },
	{ "dhcp", "reply-delay", K_UINT, OFF(reply_delay_ms), 0, 10000,
	  RELOAD },
	{ "dhcp", "packet-fallback", K_BOOL, OFF(dhcp_packet_fallback), 0, 0,
	  RESTART },
	{ "dhcp6", "enable", K_BOOL, OFF(dhcp6_enable), 0, 0, RESTART },
	/* Past EDK2's first retransmission time (IRT 4 s, less 10 %
	 * RAND) the firmware has chosen without the copy. */
	{ "dhcp6", "prefer-after", K_UINT, OFF(dhcp6_prefer_after_ms), 0,
	  3500, RELOAD },
	{ "tftp", "enable", K_BOOL, OFF(tftp_enable), 0, 0, RESTART },
	{ "tftp", "port", K_UINT, OFF(tftp_port), 1, 65535, RESTART },
	{ "tftp", "retransmit", K_UINT, OFF(tftp_timeout_ms), 50, 10000,
	  RELOAD },
	{ "tftp", "retries", K_UINT, OFF(tftp_retries), 1, 50, RELOAD },
	/* RFC 2348: 8..65464 */
	{ "tftp", "max-blksize", K_UINT, OFF(tftp_max_blksize), 512, 65464,
	  RELOAD },
	/* RFC 7440: 1..65535; more than a few hundred buys nothing */
	{ "tftp", "max-windowsize", K_UINT, OFF(tftp_max_windowsize), 1, 512,
	  RELOAD },
	{ "tftp", "max-transfers", K_UINT, OFF(tftp_max_transfers), 1, 100000,
	  RELOAD },
	{ "http", "enable", K_BOOL, OFF(http_enable), 0, 0, RESTART },
	{ "http", "listen", K_ADDR, OFF(http_addr), 0, 0, RESTART },
	{ "http", "listen6", K_ADDR6, OFF(http_addr6), 0, 0, RESTART },
	{ "http", "port", K_UINT, OFF(http_port), 1, 65535, RESTART },
	{ "http", "max-connections", K_UINT, OFF(http_max_conns), 1, 100000,
	  RELOAD },
	{ "http", "idle-timeout", K_UINT, OFF(http_idle_timeout_s), 1, 3600,
	  RELOAD },
	{ "https", "enable", K_BOOL, OFF(https_enable), 0, 0, RESTART },
	{ "https", "listen", K_ADDR, OFF(https_addr), 0, 0, RESTART },
	{ "https", "listen6", K_ADDR6, OFF(https_addr6), 0, 0, RESTART },
	{ "https", "port", K_UINT, OFF(https_port), 1, 65535, RESTART },
	/* Read again on SIGHUP (by the monitor, outside the chroot): a
	 * renewed certificate needs no restart. */
	{ "https", "certificate", K_STR, OFF(https_cert), 0, 0, RELOAD },
	{ "https", "key", K_STR, OFF(https_key), 0, 0, RELOAD },
	{ "status", "enable", K_BOOL, OFF(status_enable), 0, 0, RESTART },
	{ "status", "listen", K_ADDR, OFF(status_addr), 0, 0, RESTART },
	{ "status", "port", K_UINT, OFF(status_port), 1, 65535, RESTART },
	{ "status", "stall-after", K_UINT, OFF(status_stall_s), 2, 3600,
	  RELOAD },
	{ "raspberry-pi", "enable", K_BOOL, OFF(rpi_enable), 0, 0, RELOAD },
	{ "raspberry-pi", "old-rom-menu", K_BOOL, OFF(rpi_old_rom_menu), 0, 0,
	  RELOAD },
	{ "raspberry-pi", "shared-dir", K_PATH, OFF(rpi_shared_dir), 0, 0,
	  RELOAD },
	/* The host is resolved and the CA bundle read outside the chroot:
	 * at start, and on reload by the monitor (backend.c).  Turning the
	 * backend on or off needs a restart (backend_keep_onoff()). */
	{ "backend", "url", K_OPT, OFF(backend_url), 0, 0, RELOAD },
	{ "backend", "ca-file", K_OPT, OFF(backend_ca_file), 0, 0, RELOAD },
	/* How long a request waits for its answer: firmware retries its
	 * DISCOVER after 4 s (PXE spec 2.2.2), so well under that. */
	{ "backend", "timeout", K_UINT, OFF(backend_timeout_ms), 10, 3000,
	  RELOAD },
	{ "backend", "transfer-timeout", K_UINT,
	  OFF(backend_transfer_timeout_s), 1, 300, RELOAD },
	{ "backend", "cache-ttl", K_UINT, OFF(backend_cache_ttl_s), 0, 86400,
	  RELOAD },
	{ "backend", "negative-cache-ttl", K_UINT, OFF(backend_negative_ttl_s),
	  0, 86400, RELOAD },
	{ "backend", "fallback", K_CHOICE, OFF(backend_fallback), 0, 0, false,
	  fallback_choices },
	{ "backend", "max-pending", K_UINT, OFF(backend_max_pending), 1,
	  100000, RELOAD },
	{ "events", "url", K_OPT, OFF(events_url), 0, 0, RELOAD },
	{ "events", "batch", K_UINT, OFF(events_batch), 1, 1000, RELOAD },
	{ "events", "queue", K_UINT, OFF(events_queue), 1, 100000, RELOAD },
	{ "events", "flush", K_UINT, OFF(events_flush_ms), 10, 60000,
	  RELOAD },
};

/* Whether k's value differs between a and b. */
static bool key_differs(const struct key *k, const struct config *a,
			const struct config *b)
{
	const char *pa = (const char *)a + k->off, *pb = (const char *)b + k->off;

	switch (k->type) {
	case K_STR:
	case K_OPT:
	case K_PATH:
		if (!*(char *const *)pa || !*(char *const *)pb)
			return *(char *const *)pa != *(char *const *)pb;
		return strcmp(*(char *const *)pa, *(char *const *)pb) != 0;
	case K_BOOL:
		return *(const bool *)pa != *(const bool *)pb;
	case K_UINT:
	case K_CHOICE:
		return *(const unsigned *)pa != *(const unsigned *)pb;
	case K_ADDR:
		return memcmp(pa, pb, sizeof(struct in_addr)) != 0;
	case K_ADDR6:
		return ((const struct conf_addr6 *)pa)->none !=
		       ((const struct conf_addr6 *)pb)->none ||
		       memcmp(&((const struct conf_addr6 *)pa)->addr,
			      &((const struct conf_addr6 *)pb)->addr,
			      sizeof(struct in6_addr)) != 0;
	case K_IFACE:
		break;
	}
	return false;
}

static void key_copy(const struct key *k, struct config *to,
		     const struct config *from)
{
	char *pt = (char *)to + k->off;
	const char *pf = (const char *)from + k->off;

	switch (k->type) {
	case K_STR:
	case K_OPT:
	case K_PATH:
		free(*(char **)pt);
		*(char **)pt = *(char *const *)pf ? xstrdup(*(char *const *)pf)
						  : NULL;
		return;
	case K_BOOL:
		*(bool *)pt = *(const bool *)pf;
		return;
	case K_UINT:
	case K_CHOICE:
		*(unsigned *)pt = *(const unsigned *)pf;
		return;
	case K_ADDR:
		memcpy(pt, pf, sizeof(struct in_addr));
		return;
	case K_ADDR6:
		memcpy(pt, pf, sizeof(struct conf_addr6));
		return;
	case K_IFACE:
		return;
	}
}

int config_keep_restart_keys(struct config *c, const struct config *old,
			     char *changed, size_t cap)
{
	size_t used = 0;
	int n = 0;

	if (cap)
		changed[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct key *k = &keys[i];

		if (!k->restart || !key_differs(k, c, old))
			continue;
		if (used < cap &&
		    fmt(changed + used, cap - used, "%s%s%s%s", n ? ", " : "",
			*k->section ? k->section : "", *k->section ? " " : "",
			k->name) == 0)
			used += strlen(changed + used);
		n++;
		key_copy(k, c, old);
	}
	return n;
}

/* [arch] stays last: config_print() lists its entries after the loop. */
static const char *const sections[] = { "", "dhcp", "dhcp6", "tftp", "http",
					"https", "status", "raspberry-pi",
					"backend", "events", "arch" };

struct config *config_defaults(void)
{
	struct config *c = xcalloc(1, sizeof(*c));

	c->root = xstrdup("/srv/tftp");
	c->user = xstrdup("pxeproxyd");
	c->dhcp_enable = true;
	c->dhcp_packet_fallback = true;
	/* As quiet as IPv4: only PXE and HTTP boot firmware is answered. */
	c->dhcp6_enable = true;
	c->dhcp6_prefer_after_ms = DHCP6_PREFER_AFTER_MS;
	c->tftp_enable = true;
	c->tftp_port = TFTP_PORT;
	c->tftp_timeout_ms = 1000;
	/* A boot loader may stop acknowledging for a long while on a busy
	 * machine (GRUB does while its receive queue is full): 30 s of
	 * silence at the retransmission ceiling before a transfer ends. */
	c->tftp_retries = 30;
	c->tftp_max_blksize = 65464;
	c->tftp_max_windowsize = 64;
	c->tftp_max_transfers = 1000;
	c->http_enable = true;
	c->http_addr.s_addr = htonl(INADDR_ANY);
	c->http_addr6.addr = in6addr_any;
	c->http_port = 80;
	c->http_max_conns = 1000;
	c->http_idle_timeout_s = 30;
	c->https_addr.s_addr = htonl(INADDR_ANY);
	c->https_addr6.addr = in6addr_any;
	c->https_port = 443;
	c->https_cert = xstrdup(SYSCONFDIR "/pxeproxyd/tls/server.crt");
	c->https_key = xstrdup(SYSCONFDIR "/pxeproxyd/tls/server.key");
	/* Off the boot network by default: an operator's page. */
	c->status_enable = true;
	c->status_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->status_port = 8067;
	c->status_stall_s = CLIENT_STALL_SECS;
	c->rpi_enable = true;
	c->rpi_shared_dir = xstrdup(RPI_SHARED_DIR);
	c->backend_timeout_ms = 1000;
	c->backend_transfer_timeout_s = 10;
	c->backend_cache_ttl_s = 60;
	c->backend_negative_ttl_s = 10;
	c->backend_fallback = BACKEND_FALLBACK_RULES;
	c->backend_max_pending = 512;
	c->events_batch = 50;
	c->events_queue = 1000;
	c->events_flush_ms = 1000;
	c->boot[0] = xstrdup("pxelinux.0");
	c->boot[6] = xstrdup("grubia32.efi");
	c->boot[7] = xstrdup("grubx64.efi");
	c->boot[9] = xstrdup("grubx64.efi");
	c->boot[10] = xstrdup("grubarm.efi");
	c->boot[11] = xstrdup("grubaa64.efi");
	c->boot[16] = xstrdup("http://${server}/grubx64.efi");
	c->boot[19] = xstrdup("http://${server}/grubaa64.efi");
	return c;
}

void config_free(struct config *c)
{
	if (!c)
		return;
	free(c->root);
	free(c->user);
	free(c->rpi_shared_dir);
	free(c->https_cert);
	free(c->https_key);
	free(c->backend_url);
	free(c->backend_ca_file);
	free(c->events_url);
	for (unsigned i = 0; i < c->n_ifaces; i++)
		free(c->ifaces[i]);
	for (unsigned i = 0; i < ARCH_CODES; i++)
		free(c->boot[i]);
	for (unsigned i = 0; i < c->n_rules; i++) {
		free(c->rules[i].name);
		free(c->rules[i].vendor);
		free(c->rules[i].user_class);
		free(c->rules[i].boot);
	}
	free(c);
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* '#' starts a comment at the start of a line, after a blank or right
 * after '=', so that a URL with a '#' in it survives. */
static void strip_comment(char *s)
{
	for (char *p = s; *p; p++) {
		if (*p == '#' && (p == s || isspace((unsigned char)p[-1]) ||
				  p[-1] == '=')) {
			*p = '\0';
			return;
		}
	}
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") ||
	    !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") ||
		 !strcmp(v, "off") || !strcmp(v, "0"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

static int add_iface(struct config *c, const char *name, char *err,
		     size_t errlen)
{
	/* What Linux accepts (dev_valid_name), less what would not survive
	 * this file's own syntax. */
	if (strlen(name) >= 16 || !printable(name) || !*name ||
	    strpbrk(name, "/:#=") || !strcmp(name, ".") || !strcmp(name, ".."))
		return fmt(err, errlen, "bad interface name '%s'", name), -1;
	for (unsigned i = 0; i < c->n_ifaces; i++)
		if (!strcmp(c->ifaces[i], name))
			return 0;
	if (c->n_ifaces >= CONF_MAX_IFACES)
		return fmt(err, errlen, "more than %d interfaces",
			   CONF_MAX_IFACES), -1;
	c->ifaces[c->n_ifaces++] = xstrdup(name);
	return 0;
}

/* "interface = eth0 eth1" or one per line. */
static int set_ifaces(struct config *c, char *v, char *err, size_t errlen)
{
	char *save = NULL;

	for (char *t = strtok_r(v, " ,\t", &save); t;
	     t = strtok_r(NULL, " ,\t", &save))
		if (add_iface(c, t, err, errlen) < 0)
			return -1;
	return 0;
}

/* An IPv6 address, or "none". */
static int set_addr6(struct conf_addr6 *a, const struct key *k, const char *v,
		     char *err, size_t errlen)
{
	a->none = !strcmp(v, "none");
	if (a->none) {
		a->addr = in6addr_any;
		return 0;
	}
	if (inet_pton(AF_INET6, v, &a->addr) != 1)
		return fmt(err, errlen, "bad value '%s' for '%s': expected an "
			   "IPv6 address or none", v, k->name), -1;
	return 0;
}

static int set_key(struct config *c, const struct key *k, char *v,
		   char *err, size_t errlen)
{
	char *base = (char *)c, path[PATH_MAX_NAME];
	long long n;

	switch (k->type) {
	case K_STR:
	case K_OPT:
		if (!*v || !printable(v))
			return fmt(err, errlen, "'%s' needs a value without "
				   "blanks", k->name), -1;
		free(*(char **)(base + k->off));
		*(char **)(base + k->off) = xstrdup(v);
		return 0;
	case K_PATH:
		if (path_normalize(v, strlen(v), path, sizeof(path)) < 0 ||
		    !printable(v))
			return fmt(err, errlen, "'%s' must name a directory "
				   "inside the root, without '..' or blanks, "
				   "not '%s'", k->name, v), -1;
		free(*(char **)(base + k->off));
		*(char **)(base + k->off) = xstrdup(path);
		return 0;
	case K_BOOL:
		if (parse_bool(v, (bool *)(base + k->off)) < 0)
			return fmt(err, errlen, "bad value '%s' for '%s': "
				   "expected yes or no", v, k->name), -1;
		return 0;
	case K_UINT:
		if (parse_num(v, k->min, k->max, &n) < 0)
			return fmt(err, errlen, "bad value '%s' for '%s': "
				   "expected a number from %lld to %lld", v,
				   k->name, k->min, k->max), -1;
		*(unsigned *)(base + k->off) = (unsigned)n;
		return 0;
	case K_CHOICE:
		for (unsigned i = 0; k->choices[i]; i++) {
			if (!strcmp(v, k->choices[i])) {
				*(unsigned *)(base + k->off) = i;
				return 0;
			}
		}
		return fmt(err, errlen, "bad value '%s' for '%s': expected %s "
			   "or %s", v, k->name, k->choices[0], k->choices[1]),
		       -1;
	case K_ADDR:
		if (inet_pton(AF_INET, v, base + k->off) != 1)
			return fmt(err, errlen, "bad value '%s' for '%s': "
				   "expected an IPv4 address", v, k->name), -1;
		return 0;
	case K_ADDR6:
		return set_addr6((struct conf_addr6 *)(base + k->off), k, v,
				 err, errlen);
	case K_IFACE:
		return set_ifaces(c, v, err, errlen);
	}
	return -1;
}

static size_t count_of(const char *s, const char *what)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

size_t boot_template_max_len(const char *t)
{
	size_t len = strlen(t);

	/* Each variable's name gives way to its value (${arch}'s value is
	 * never longer than its name). */
	len += count_of(t, "${server}") * (BOOT_VAR_SERVER_MAX - 9);
	len += count_of(t, "${mac}") * (BOOT_VAR_MAC_MAX - 6);
	/* Any template may answer an HTTP boot client (rules match by
	 * vendor class, the table by arch): a bare name gets our URL. */
	if (strncmp(t, "http://", 7) && strncmp(t, "https://", 8))
		len += BOOT_HTTP_PREFIX_MAX;
	return len;
}

int config_check_boot(const char *v, char *err, size_t errlen)
{
	size_t max;

	if (!printable(v))
		return fmt(err, errlen, "bad boot file '%s': printable "
			   "characters only, no blanks", v), -1;
	if ((max = boot_template_max_len(v)) > BOOT_NAME_MAX)
		return fmt(err, errlen, "boot file '%s' is too long: it can "
			   "become %zu bytes once ${server} (up to %d "
			   "characters, an IPv6 [address]) and ${mac} are "
			   "filled in (and http://SERVER/ for an HTTP boot "
			   "client), and options 67 and 59 hold %d", v, max,
			   BOOT_VAR_SERVER_MAX, BOOT_NAME_MAX), -1;
	return 0;
}

/* [arch]: "<name or code> = <file, http:// URL, or none>" */
static int set_arch(struct config *c, const char *name, const char *v,
		    char *err, size_t errlen)
{
	unsigned codes[4];
	size_t n = arch_parse(name, codes, ARRAY_SIZE(codes));

	if (n == 0)
		return fmt(err, errlen, "unknown architecture '%s' (a name "
			   "such as bios, x64-efi, arm64-efi, or a code "
			   "0-%d)", name, ARCH_CODES - 1), -1;
	if (strcmp(v, "none") && config_check_boot(v, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		free(c->boot[codes[i]]);
		c->boot[codes[i]] = strcmp(v, "none") ? xstrdup(v) : NULL;
	}
	return 0;
}

static const struct key *find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].section, section) &&
		    !strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

static int start_rule(struct config *c, const char *name, unsigned lineno,
		      char *err, size_t errlen)
{
	struct rule *r;

	if (!*name || !printable(name) || strlen(name) > 64)
		return fmt(err, errlen, "a rule needs a name without blanks: "
			   "[rule NAME]"), -1;
	for (unsigned i = 0; i < c->n_rules; i++)
		if (!strcmp(c->rules[i].name, name))
			return fmt(err, errlen, "rule '%s' already defined at "
				   "line %u", name, c->rules[i].line), -1;
	if (c->n_rules >= CONF_MAX_RULES)
		return fmt(err, errlen, "more than %d rules", CONF_MAX_RULES),
		       -1;
	r = &c->rules[c->n_rules++];
	memset(r, 0, sizeof(*r));
	r->name = xstrdup(name);
	r->line = lineno;
	r->ipxe = -1;
	r->rpi = -1;
	return 0;
}

static int parse_section(struct config *c, char *line, char *section,
			 size_t cap, unsigned lineno, char *err, size_t errlen)
{
	size_t len = strlen(line);
	char *name;

	if (line[len - 1] != ']')
		return fmt(err, errlen, "section header without ']'"), -1;
	line[len - 1] = '\0';
	name = trim(line + 1);
	if (!strncmp(name, "rule", 4) && (!name[4] || isspace((unsigned char)name[4]))) {
		if (start_rule(c, trim(name + 4), lineno, err, errlen) < 0)
			return -1;
		return strlcpy_chk(section, "rule", cap);
	}
	for (size_t i = 1; i < ARRAY_SIZE(sections); i++)
		if (!strcmp(name, sections[i]))
			return strlcpy_chk(section, name, cap);
	return fmt(err, errlen, "unknown section [%s] (known: dhcp, dhcp6, "
		   "tftp, http, https, status, raspberry-pi, backend, events, "
		   "arch, rule NAME)",
		   name), -1;
}

/* "52:54:00:12:34:56" exact, "52:54:00" or "52:54:00:*" a prefix. */
static int parse_mac(const char *v, uint8_t *mac, unsigned *len)
{
	unsigned n = 0;

	while (*v) {
		int hi, lo;

		if (!strcmp(v, "*"))
			break;
		if (n == 16 || (hi = hex_digit(v[0])) < 0 ||
		    (lo = hex_digit(v[1])) < 0)
			return -EINVAL;
		mac[n++] = (uint8_t)(hi << 4 | lo);
		v += 2;
		if (*v == ':' || *v == '-')
			v++;
		else if (*v)
			return -EINVAL;
	}
	if (n == 0)
		return -EINVAL;
	*len = n;
	return 0;
}

static int parse_arch_list(char *v, uint64_t *mask, char *err, size_t errlen)
{
	char *save = NULL;

	*mask = 0;
	for (char *t = strtok_r(v, " ,\t", &save); t;
	     t = strtok_r(NULL, " ,\t", &save)) {
		unsigned codes[4];
		size_t n = arch_parse(t, codes, ARRAY_SIZE(codes));

		if (n == 0)
			return fmt(err, errlen, "unknown architecture '%s'", t),
			       -1;
		for (size_t i = 0; i < n; i++)
			*mask |= UINT64_C(1) << codes[i];
	}
	return 0;
}

static int set_action(struct rule *r, enum rule_action a, const char *v,
		      char *err, size_t errlen)
{
	if (r->action != RULE_NONE)
		return fmt(err, errlen, "rule '%s' has more than one action "
			   "(boot, script, ignore, refuse, raspberry-pi-boot)",
			   r->name), -1;
	if (a == RULE_REFUSE)
		v = BOOT_REFUSED_NAME;
	if ((a == RULE_BOOT || a == RULE_SCRIPT || a == RULE_REFUSE) &&
	    config_check_boot(v, err, errlen) < 0)
		return -1;
	if (a == RULE_SCRIPT && strncmp(v, "http://", 7) &&
	    strncmp(v, "https://", 8))
		return fmt(err, errlen, "script must be an http:// URL, not "
			   "'%s'", v), -1;
	r->action = a;
	r->boot = a == RULE_IGNORE || a == RULE_RPI ? NULL : xstrdup(v);
	return 0;
}

static int set_rule_key(struct rule *r, const char *k, char *v, char *err,
			size_t errlen)
{
	bool b;

	if (!strcmp(k, "mac")) {
		if (parse_mac(v, r->mac, &r->mac_len) < 0)
			return fmt(err, errlen, "bad MAC address '%s' (as "
				   "52:54:00:12:34:56, or a prefix such as "
				   "52:54:00:*)", v), -1;
		return 0;
	}
	if (!strcmp(k, "arch"))
		return parse_arch_list(v, &r->arch_mask, err, errlen);
	if (!strcmp(k, "vendor-class") || !strcmp(k, "user-class")) {
		char **dst = k[0] == 'v' ? &r->vendor : &r->user_class;

		if (!printable(v))
			return fmt(err, errlen, "'%s' needs a value without "
				   "blanks", k), -1;
		free(*dst);
		*dst = xstrdup(v);
		return 0;
	}
	if (!strcmp(k, "ipxe") || !strcmp(k, "ignore") ||
	    !strcmp(k, "refuse") || !strcmp(k, "raspberry-pi") ||
	    !strcmp(k, "raspberry-pi-boot")) {
		if (parse_bool(v, &b) < 0)
			return fmt(err, errlen, "bad value '%s' for '%s': "
				   "expected yes or no", v, k), -1;
		if (!strcmp(k, "ipxe"))
			r->ipxe = b;
		else if (!strcmp(k, "raspberry-pi"))
			r->rpi = b;
		else if (b)
			return set_action(r, !strcmp(k, "ignore") ? RULE_IGNORE
					  : !strcmp(k, "refuse") ? RULE_REFUSE
					  : RULE_RPI, v, err, errlen);
		return 0;
	}
	if (!strcmp(k, "boot"))
		return set_action(r, RULE_BOOT, v, err, errlen);
	if (!strcmp(k, "script"))
		return set_action(r, RULE_SCRIPT, v, err, errlen);
	return fmt(err, errlen, "unknown key '%s' in a rule (known: mac, arch, "
		   "vendor-class, user-class, ipxe, raspberry-pi, boot, script, "
		   "ignore, refuse, raspberry-pi-boot)", k), -1;
}

static int parse_line(struct config *c, char *line, char *section,
		      size_t seccap, unsigned lineno, char *err, size_t errlen)
{
	const struct key *k;
	char *eq, *name, *value;

	strip_comment(line);
	line = trim(line);
	if (!*line)
		return 0;
	if (*line == '[')
		return parse_section(c, line, section, seccap, lineno, err,
				     errlen);
	eq = strchr(line, '=');
	if (!eq)
		return fmt(err, errlen, "expected 'key = value'"), -1;
	*eq = '\0';
	name = trim(line);
	value = trim(eq + 1);
	if (!*name)
		return fmt(err, errlen, "missing key before '='"), -1;
	if (!*value)
		return fmt(err, errlen, "missing value for '%s'", name), -1;
	if (strlen(value) > CONF_MAX_VALUE)
		return fmt(err, errlen, "value for '%s' too long", name), -1;
	if (!strcmp(section, "arch"))
		return set_arch(c, name, value, err, errlen);
	if (!strcmp(section, "rule"))
		return set_rule_key(&c->rules[c->n_rules - 1], name, value,
				    err, errlen);
	k = find_key(section, name);
	if (!k)
		return fmt(err, errlen, "unknown key '%s'%s%s%s", name,
			   *section ? " in [" : "", section,
			   *section ? "]" : ""), -1;
	return set_key(c, k, value, err, errlen);
}

static int check_whole(const struct config *c, char *err, size_t errlen)
{
	if (c->root[0] != '/')
		return fmt(err, errlen, "root must be an absolute path, not "
			   "'%s'", c->root), -1;
	for (unsigned i = 0; i < c->n_rules; i++)
		if (c->rules[i].action == RULE_NONE)
			return fmt(err, errlen, "rule '%s' (line %u) has no "
				   "action: boot, script, ignore or "
				   "raspberry-pi-boot",
				   c->rules[i].name, c->rules[i].line), -1;
	if (c->backend_url &&
	    backend_url_check(c->backend_url, err, errlen) < 0)
		return -1;
	if (c->events_url &&
	    backend_same_service(c->events_url, c->backend_url, err,
				 errlen) < 0)
		return -1;
	return 0;
}

struct config *config_parse(const char *name, const char *text, char *err,
			    size_t errlen)
{
	struct config *c = config_defaults();
	char section[16] = "";
	char line[CONF_MAX_VALUE + 128];
	char msg[CONF_MAX_VALUE + 128];
	unsigned lineno = 0;

	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		lineno++;
		if (len >= sizeof(line)) {
			fmt(err, errlen, "%s:%u: line too long", name, lineno);
			goto fail;
		}
		memcpy(line, text, len);
		line[len] = '\0';
		text += len + (nl ? 1 : 0);
		if (parse_line(c, line, section, sizeof(section), lineno, msg,
			       sizeof(msg)) < 0) {
			fmt(err, errlen, "%s:%u: %s", name, lineno, msg);
			goto fail;
		}
	}
	if (check_whole(c, msg, sizeof(msg)) < 0) {
		fmt(err, errlen, "%s: %s", name, msg);
		goto fail;
	}
	return c;
fail:
	config_free(c);
	return NULL;
}

struct config *config_load(const char *path, char *err, size_t errlen)
{
	struct config *c;
	char *text;
	FILE *f;
	size_t n;

	f = fopen(path, "re");
	if (!f) {
		fmt(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	text = xcalloc(1, CONF_MAX_FILE + 1);
	n = fread(text, 1, CONF_MAX_FILE + 1, f);
	if (ferror(f) || n > CONF_MAX_FILE) {
		fmt(err, errlen, "%s: %s", path, ferror(f) ? strerror(errno) :
		    "larger than 1 MB, surely not a config file");
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	if (memchr(text, '\0', n)) {
		fmt(err, errlen, "%s: contains a NUL byte, not a text file",
		    path);
		free(text);
		return NULL;
	}
	c = config_parse(path, text, err, errlen);
	free(text);
	return c;
}

int config_apply(struct config *c, const struct config_overrides *o,
		 char *err, size_t errlen)
{
	if (o->root) {
		if (o->root[0] != '/')
			return fmt(err, errlen, "--root must be an absolute "
				   "path, not '%s'", o->root), -1;
		free(c->root);
		c->root = xstrdup(o->root);
	}
	if (o->user) {
		free(c->user);
		c->user = xstrdup(o->user);
	}
	if (o->n_ifaces) {
		for (unsigned i = 0; i < c->n_ifaces; i++)
			free(c->ifaces[i]);
		c->n_ifaces = 0;
		for (unsigned i = 0; i < o->n_ifaces; i++)
			if (add_iface(c, o->ifaces[i], err, errlen) < 0)
				return -1;
	}
	return 0;
}

static void print_key(const struct config *c, const struct key *k, FILE *out)
{
	const char *base = (const char *)c;
	const struct conf_addr6 *a6;
	char addr[INET6_ADDRSTRLEN];

	switch (k->type) {
	case K_STR:
	case K_PATH:
		fprintf(out, "%s = %s\n", k->name,
			*(char *const *)(base + k->off));
		break;
	case K_OPT:
		if (*(char *const *)(base + k->off))
			fprintf(out, "%s = %s\n", k->name,
				*(char *const *)(base + k->off));
		else
			fprintf(out, "# %s: not set\n", k->name);
		break;
	case K_CHOICE:
		fprintf(out, "%s = %s\n", k->name,
			k->choices[*(const unsigned *)(base + k->off)]);
		break;
	case K_BOOL:
		fprintf(out, "%s = %s\n", k->name,
			*(const bool *)(base + k->off) ? "yes" : "no");
		break;
	case K_UINT:
		fprintf(out, "%s = %u\n", k->name,
			*(const unsigned *)(base + k->off));
		break;
	case K_ADDR:
		inet_ntop(AF_INET, base + k->off, addr, sizeof(addr));
		fprintf(out, "%s = %s\n", k->name, addr);
		break;
	case K_ADDR6:
		a6 = (const struct conf_addr6 *)(base + k->off);
		inet_ntop(AF_INET6, &a6->addr, addr, sizeof(addr));
		fprintf(out, "%s = %s\n", k->name, a6->none ? "none" : addr);
		break;
	case K_IFACE:
		if (!c->n_ifaces)
			fprintf(out, "# interface: every interface but "
				"loopback\n");
		for (unsigned i = 0; i < c->n_ifaces; i++)
			fprintf(out, "interface = %s\n", c->ifaces[i]);
		break;
	}
}

static void print_rule(const struct rule *r, unsigned n, FILE *out)
{
	static const char *const actions[] = { "", "boot", "script", "", "",
					       "" };

	fprintf(out, "\n[rule %s]   # #%u, from line %u\n", r->name, n, r->line);
	if (r->mac_len) {
		char mac[MAC_STR_MAX];

		fprintf(out, "mac = %s%s\n", mac_str(mac, sizeof(mac), r->mac,
						    r->mac_len),
			r->mac_len < 6 ? ":*" : "");
	}
	if (r->arch_mask) {
		fprintf(out, "arch =");
		for (unsigned a = 0; a < ARCH_CODES; a++)
			if (r->arch_mask & (UINT64_C(1) << a))
				fprintf(out, " %u", a);
		fprintf(out, "\n");
	}
	if (r->vendor)
		fprintf(out, "vendor-class = %s\n", r->vendor);
	if (r->user_class)
		fprintf(out, "user-class = %s\n", r->user_class);
	if (r->ipxe >= 0)
		fprintf(out, "ipxe = %s\n", r->ipxe ? "yes" : "no");
	if (r->rpi >= 0)
		fprintf(out, "raspberry-pi = %s\n", r->rpi ? "yes" : "no");
	if (r->action == RULE_IGNORE)
		fprintf(out, "ignore = yes\n");
	else if (r->action == RULE_REFUSE)
		fprintf(out, "refuse = yes\n");
	else if (r->action == RULE_RPI)
		fprintf(out, "raspberry-pi-boot = yes\n");
	else
		fprintf(out, "%s = %s\n", actions[r->action], r->boot);
}

/* Prints a config file that reads back to the same settings. */
void config_print(const struct config *c, FILE *out)
{
	for (size_t s = 0; s < ARRAY_SIZE(sections); s++) {
		if (s)
			fprintf(out, "\n[%s]\n", sections[s]);
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			if (!strcmp(keys[i].section, sections[s]))
				print_key(c, &keys[i], out);
	}
	for (unsigned a = 0; a < ARCH_CODES; a++)
		if (c->boot[a])
			fprintf(out, "%-3u = %-28s # %s\n", a, c->boot[a],
				arch_name(a));
	for (unsigned i = 0; i < c->n_rules; i++)
		print_rule(&c->rules[i], i + 1, out);
}
