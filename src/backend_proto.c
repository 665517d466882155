/* Building the inventory URL and reading its JSON answer.
 *
 * JSON through jansson (Debian's libjansson-dev) rather than a parser of
 * our own: the parts of JSON where parsers go wrong (string escapes,
 * \u surrogate pairs, number ranges, nesting depth) are what jansson has
 * had fuzzed for years (OSS-Fuzz), and the answer is text from another
 * program, not a packet, so the cursor rule for packets does not bind
 * here.  We bound the input (BACKEND_BODY_MAX, checked by backend.c
 * while it arrives) and pass jansson the length, never a NUL search. */
#include "autoconf.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "backend_proto.h"
#include "cursor.h"
#include "util.h"

/* The authority: after "scheme://", up to the path, query or fragment. */
static const char *authority(const char *url, size_t *len)
{
	const char *a;

	if (!strncmp(url, "http://", 7))
		a = url + 7;
	else if (!strncmp(url, "https://", 8))
		a = url + 8;
	else
		return NULL;
	*len = strcspn(a, "/?#");
	return a;
}

int backend_url_check(const char *t, char *err, size_t errlen)
{
	char host[BACKEND_HOST_MAX];
	const char *a;
	unsigned port;
	size_t alen;

	if (strlen(t) > BACKEND_TEMPLATE_MAX)
		return fmt(err, errlen, "[backend] url longer than %d bytes",
			   BACKEND_TEMPLATE_MAX), -1;
	if (!(a = authority(t, &alen)) || alen == 0)
		return fmt(err, errlen, "[backend] url must begin with "
			   "http:// or https:// and a host, not '%s'", t), -1;
	/* The host is resolved once, before the chroot: it cannot vary
	 * per machine, and credentials do not belong in a config line
	 * that --check prints. */
	if (memchr(a, '$', alen) || memchr(a, '@', alen))
		return fmt(err, errlen, "[backend] url: the host part '%.*s' "
			   "may hold neither ${variables} nor user@",
			   (int)alen, a), -1;
	if (backend_url_host(t, host, sizeof(host), &port) < 0)
		return fmt(err, errlen, "[backend] url: bad host or port in "
			   "'%.*s'", (int)alen, a), -1;
	return 0;
}

int backend_url_host(const char *url, char *host, size_t hcap,
		     unsigned *port)
{
	size_t alen, hlen;
	const char *a = authority(url, &alen), *end, *h, *p;
	long long n;

	if (!a)
		return -EINVAL;
	end = a + alen;
	*port = url[4] == 's' ? 443 : 80;
	if (a[0] == '[') {              /* RFC 3986 3.2.2: IPv6 literal */
		const char *rb = memchr(a, ']', alen);

		if (!rb)
			return -EINVAL;
		h = a + 1;
		hlen = (size_t)(rb - h);
		p = rb + 1;
	} else {
		const char *colon = memchr(a, ':', alen);

		h = a;
		hlen = colon ? (size_t)(colon - a) : alen;
		p = colon ? colon : end;
	}
	if (p < end) {
		if (*p != ':' || parse_num_n(p + 1, (size_t)(end - p - 1), 1,
					     65535, &n) < 0)
			return -EINVAL;
		*port = (unsigned)n;
	}
	if (hlen == 0 || hlen >= hcap)
		return -EINVAL;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	return 0;
}

int backend_same_service(const char *events_url, const char *url,
			 char *err, size_t errlen)
{
	size_t alen, blen;
	const char *a = authority(events_url, &alen), *b;

	if (!url)
		return fmt(err, errlen, "[events] url needs a [backend] url: "
			   "events go to the inventory"), -1;
	b = authority(url, &blen);
	if (!a || strchr(events_url, '$') ||
	    (size_t)(a - events_url) != (size_t)(b - url) ||
	    strncmp(events_url, url, (size_t)(a - events_url)) ||
	    alen != blen || strncasecmp(a, b, alen))
		return fmt(err, errlen, "[events] url '%s' must go to the "
			   "[backend] url's scheme, host and port, without "
			   "${variables}", events_url), -1;
	return 0;
}

/* RFC 3986 2.3: unreserved characters stay, every other octet is %XX. */
static int pct_encode(const uint8_t *s, size_t len, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t c = s[i];
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
			    c == '_' || c == '~';

		if (o + (keep ? 1 : 3) >= cap)
			return -ENOBUFS;
		if (keep) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return 0;
}

/* RFC 3004 items joined by ',' (each encoded); iPXE over IPv4 sends its
 * class bare, which does not parse as items and is taken whole. */
static int user_classes(const uint8_t *uc, size_t len, char *out, size_t cap)
{
	struct rd r = rd_init(uc, len);
	size_t o = 0;

	out[0] = '\0';
	while (r.left) {
		const uint8_t *d;
		uint8_t n;

		if (!rd_u8(&r, &n) || n == 0 || !rd_ref(&r, &d, n))
			return pct_encode(uc, len, out, cap);
		if (o && o + 1 < cap)
			out[o++] = ',';
		if (pct_encode(d, n, out + o, cap - o) < 0)
			return -ENOBUFS;
		o += strlen(out + o);
	}
	return 0;
}

/* Option 97 (RFC 4578 2.3): type 0, then the 16 octets of the UUID,
 * written in the usual 8-4-4-4-12 form in wire order. */
static void uuid_str(const uint8_t *u, size_t len, char *out, size_t cap)
{
	size_t o = 0;

	out[0] = '\0';
	if (!u || len != 17 || u[0] != 0 || cap < 37)
		return;
	for (unsigned i = 1; i < 17; i++) {
		snprintf(out + o, cap - o, "%02x", u[i]);
		o += 2;
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
	}
	out[o] = '\0';
}

int backend_url_expand(const char *tmpl, const struct backend_client *c,
		       char *out, size_t cap)
{
	char mac[MAC_STR_MAX], arch[8], uuid[40], vendor[3 * 255 + 1],
	     uclass[3 * 255 + 1], ifname[3 * 16 + 1];
	struct tvar vars[] = {
		{ "${mac}", mac }, { "${arch}", arch }, { "${uuid}", uuid },
		{ "${vendor-class}", vendor }, { "${user-class}", uclass },
		{ "${interface}", ifname },
	};

	mac_str(mac, sizeof(mac), c->mac, MIN(c->mac_len, 16));
	snprintf(arch, sizeof(arch), "%u", c->arch);
	uuid_str(c->uuid, c->uuid_len, uuid, sizeof(uuid));
	if (pct_encode(c->vendor, MIN(c->vendor_len, 255), vendor,
		       sizeof(vendor)) < 0 ||
	    user_classes(c->user_class, MIN(c->user_class_len, 255), uclass,
			 sizeof(uclass)) < 0 ||
	    pct_encode((const uint8_t *)c->ifname, strnlen(c->ifname, 16),
		       ifname, sizeof(ifname)) < 0)
		return -ENOBUFS;
	return expand_vars(out, cap, tmpl, vars, ARRAY_SIZE(vars));
}

static int set_action(struct backend_answer *a, enum rule_action act,
		      const char *boot, char *err, size_t errlen)
{
	if (a->action != RULE_NONE)
		return fmt(err, errlen, "more than one of boot, script, "
			   "ignore, refuse"), -1;
	a->action = act;
	if (!boot)
		return 0;
	/* A rule's value cannot be empty either (found by fuzz_backend). */
	if (!*boot)
		return fmt(err, errlen, "empty boot or script"), -1;
	if (config_check_boot(boot, err, errlen) < 0)
		return -1;
	if (act == RULE_SCRIPT && strncmp(boot, "http://", 7) &&
	    strncmp(boot, "https://", 8))
		return fmt(err, errlen, "script must be an http:// URL"), -1;
	return strlcpy_chk(a->boot, boot, sizeof(a->boot)) < 0
		       ? (fmt(err, errlen, "boot too long"), -1) : 0;
}

static int read_field(struct backend_answer *a, const char *key, json_t *v,
		      char *err, size_t errlen)
{
	bool is_action_flag = !strcmp(key, "ignore") || !strcmp(key, "refuse");

	if (!strcmp(key, "boot") || !strcmp(key, "script")) {
		if (!json_is_string(v))
			return fmt(err, errlen, "'%s' must be a string", key),
			       -1;
		return set_action(a, key[0] == 'b' ? RULE_BOOT : RULE_SCRIPT,
				  json_string_value(v), err, errlen);
	}
	if (is_action_flag) {
		if (!json_is_boolean(v))
			return fmt(err, errlen, "'%s' must be true or false",
				   key), -1;
		if (!json_is_true(v))
			return 0;
		if (key[0] == 'r')
			return set_action(a, RULE_REFUSE, BOOT_REFUSED_NAME,
					  err, errlen);
		return set_action(a, RULE_IGNORE, NULL, err, errlen);
	}
	if (!strcmp(key, "reply-delay")) {
		json_int_t n;

		/* The same bounds as [dhcp] reply-delay. */
		if (!json_is_integer(v) || (n = json_integer_value(v)) < 0 ||
		    n > 10000)
			return fmt(err, errlen, "'reply-delay' must be a "
				   "number of ms from 0 to 10000"), -1;
		a->has_delay = true;
		a->reply_delay_ms = (unsigned)n;
	}
	/* Any other field is the inventory's own business (or a rule field
	 * a later version reads): not an error. */
	return 0;
}

int backend_answer_parse(const char *body, size_t len,
			 struct backend_answer *a, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root, *v;
	const char *key;
	int ret = 0;

	memset(a, 0, sizeof(*a));
	if (len > BACKEND_BODY_MAX)
		return fmt(err, errlen, "answer larger than %d bytes",
			   BACKEND_BODY_MAX), -1;
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return fmt(err, errlen, "not JSON: %.80s (at byte %d)",
			   jerr.text, jerr.position), -1;
	if (!json_is_object(root)) {
		json_decref(root);
		return fmt(err, errlen, "not a JSON object"), -1;
	}
	json_object_foreach(root, key, v) {
		if ((ret = read_field(a, key, v, err, errlen)) < 0)
			break;
	}
	json_decref(root);
	if (ret == 0 && a->action == RULE_NONE)
		return fmt(err, errlen, "no boot, script, ignore or refuse "
			   "(a machine without an entry is a 404)"), -1;
	return ret;
}
