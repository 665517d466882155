/* Unit tests of the backend's pure half: the [backend] keys, the URL
 * for a machine (each variable, encoding, overflow), the host and port,
 * and the JSON answer (good ones, and every way one is refused). */
#include "autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend_proto.h"
#include "check.h"
#include "config.h"

static char err[1024];

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0xab };

static void config_keys(void)
{
	struct config *c = config_parse("t.conf",
		"[backend]\nurl = http://192.0.2.5:8000/m/${mac}?a=${arch}\n"
		"timeout = 300\ncache-ttl = 5\nnegative-cache-ttl = 0\n"
		"fallback = ignore\nca-file = /etc/ca.pem\nmax-pending = 9\n",
		err, sizeof(err));

	CHECK(c != NULL);
	if (!c)
		return;
	CHECK(!strcmp(c->backend_url, "http://192.0.2.5:8000/m/${mac}?a=${arch}"));
	CHECK(c->backend_timeout_ms == 300);
	CHECK(c->backend_cache_ttl_s == 5);
	CHECK(c->backend_negative_ttl_s == 0);
	CHECK(c->backend_fallback == BACKEND_FALLBACK_IGNORE);
	CHECK(c->backend_max_pending == 9);
	config_free(c);
	c = config_parse("t.conf", "", err, sizeof(err));
	CHECK(c && !c->backend_url && c->backend_fallback ==
	      BACKEND_FALLBACK_RULES);
	config_free(c);
}

static void config_refuses(const char *text, const char *want)
{
	struct config *c = config_parse("t.conf", text, err, sizeof(err));

	CHECK(c == NULL);
	CHECK(strstr(err, want) != NULL);
	if (!strstr(err, want))
		fprintf(stderr, "  got '%s', want '%s'\n", err, want);
	config_free(c);
}

static void config_bad(void)
{
	config_refuses("[backend]\nfallback = maybe\n", "expected rules or ignore");
	config_refuses("[backend]\nurl = ftp://x/\n", "http:// or https://");
	config_refuses("[backend]\nurl = http://${mac}.inv/\n", "neither");
	config_refuses("[backend]\nurl = http://u:p@inv/\n", "neither");
	config_refuses("[backend]\nurl = http://inv:99999/\n", "bad host or port");
	config_refuses("[backend]\nurl = http://[::1/\n", "bad host or port");
	config_refuses("[backend]\ntimeout = 5000\n", "from 10 to 3000");
	config_refuses("[events]\nurl = http://inv/e\n", "needs a [backend]");
	config_refuses("[backend]\nurl = http://inv/m/${mac}\n"
		       "[events]\nurl = http://other/e\n", "must go to");
	config_refuses("[backend]\nurl = http://inv/m/${mac}\n"
		       "[events]\nurl = https://inv/e\n", "must go to");
	config_refuses("[backend]\nurl = http://inv:81/m\n"
		       "[events]\nurl = http://inv/e\n", "must go to");
}

static void events_keys(void)
{
	struct config *c = config_parse("t.conf",
		"[backend]\nurl = http://INV:8000/m/${mac}\n"
		"[events]\nurl = http://inv:8000/events?site=a\nbatch = 7\n"
		"queue = 9\nflush = 20\n", err, sizeof(err));

	CHECK(c && !strcmp(c->events_url, "http://inv:8000/events?site=a") &&
	      c->events_batch == 7 && c->events_queue == 9 &&
	      c->events_flush_ms == 20);
	config_free(c);
}

static void url_expand(void)
{
	/* RFC 4578 2.3 type 0 + 16 octets; RFC 3004 items "a b" and "iPXE" */
	static const uint8_t uuid[17] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
					  11, 12, 13, 14, 15, 16 };
	static const uint8_t items[] = { 3, 'a', ' ', 'b', 4, 'i', 'P', 'X',
					 'E' };
	struct backend_client bc = {
		.mac = mac, .mac_len = 6, .arch = 7, .uuid = uuid,
		.uuid_len = 17, .vendor = (const uint8_t *)"PXEClient:Arch:00007",
		.vendor_len = 20, .user_class = items,
		.user_class_len = sizeof(items), .ifname = "eth0",
	};
	char out[BACKEND_URL_MAX], small[40];

	CHECK(backend_url_expand("http://i/${mac}/${arch}/${uuid}?v=${vendor-class}"
				 "&u=${user-class}&i=${interface}&x=${other}",
				 &bc, out, sizeof(out)) == 0);
	CHECK(!strcmp(out, "http://i/52:54:00:12:34:ab/7/"
		      "01020304-0506-0708-090a-0b0c0d0e0f10"
		      "?v=PXEClient%3AArch%3A00007&u=a%20b,iPXE&i=eth0"
		      "&x=${other}"));
	/* iPXE's bare class over IPv4; no UUID */
	bc.user_class = (const uint8_t *)"iPXE";
	bc.user_class_len = 4;
	bc.uuid = NULL;
	CHECK(backend_url_expand("${user-class}|${uuid}|", &bc, out,
				 sizeof(out)) == 0);
	CHECK(!strcmp(out, "iPXE||"));
	CHECK(backend_url_expand("http://inventory.example/${vendor-class}",
				 &bc, small, sizeof(small)) == -ENOBUFS);
}

static void url_host(void)
{
	char host[BACKEND_HOST_MAX];
	unsigned port;

	CHECK(backend_url_host("http://inv.example/x", host, sizeof(host),
			       &port) == 0 && !strcmp(host, "inv.example") &&
	      port == 80);
	CHECK(backend_url_host("https://192.0.2.5:8443?x", host, sizeof(host),
			       &port) == 0 && !strcmp(host, "192.0.2.5") &&
	      port == 8443);
	CHECK(backend_url_host("https://[2001:db8::1]/", host, sizeof(host),
			       &port) == 0 && !strcmp(host, "2001:db8::1") &&
	      port == 443);
	CHECK(backend_url_host("http://[2001:db8::1]:81/", host, sizeof(host),
			       &port) == 0 && port == 81);
	CHECK(backend_url_host("http://h:0/", host, sizeof(host), &port) < 0);
	CHECK(backend_url_host("http://h:/", host, sizeof(host), &port) < 0);
	CHECK(backend_url_host("http://[::1]x/", host, sizeof(host), &port) < 0);
	CHECK(backend_url_host("http:///x", host, sizeof(host), &port) < 0);
}

static int parse(const char *json, struct backend_answer *a)
{
	return backend_answer_parse(json, strlen(json), a, err, sizeof(err));
}

static void answers_good(void)
{
	struct backend_answer a;

	CHECK(parse("{\"boot\":\"grubx64.efi\"}", &a) == 0);
	CHECK(a.action == RULE_BOOT && !strcmp(a.boot, "grubx64.efi") &&
	      !a.has_delay);
	CHECK(parse("{\"script\":\"http://${server}/s.ipxe\",\"reply-delay\":250,"
		    "\"owner\":{\"team\":[1,2]}}", &a) == 0);
	CHECK(a.action == RULE_SCRIPT && a.has_delay &&
	      a.reply_delay_ms == 250);
	CHECK(parse("{\"ignore\":true}", &a) == 0 && a.action == RULE_IGNORE);
	CHECK(parse("{\"refuse\":true}", &a) == 0 && a.action == RULE_REFUSE &&
	      !strcmp(a.boot, BOOT_REFUSED_NAME));
	CHECK(parse("{\"ignore\":false,\"boot\":\"a\\u002eefi\"}", &a) == 0 &&
	      !strcmp(a.boot, "a.efi"));
}

static void answers_bad(void)
{
	static const char *const bad[] = {
		"", "{", "[]", "\"boot\"", "null", "{}", "{\"ignore\":false}",
		"{\"boot\":1}", "{\"boot\":\"\"}", "{\"boot\":\"a b\"}",
		"{\"boot\":\"\\u0000x\"}",
		"{\"boot\":\"a\",\"script\":\"http://x/\"}",
		"{\"boot\":\"a\",\"boot\":\"b\"}",      /* duplicate key */
		"{\"script\":\"s.ipxe\"}", "{\"ignore\":\"yes\"}",
		"{\"boot\":\"a\",\"reply-delay\":-1}",
		"{\"boot\":\"a\",\"reply-delay\":10001}",
		"{\"boot\":\"a\",\"reply-delay\":1.5}",
		"{\"boot\":\"a\"} trailing",
	};
	struct backend_answer a;
	char *big;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = parse(bad[i], &a);

		CHECK(r < 0);
		if (r == 0)
			fprintf(stderr, "  accepted: %s\n", bad[i]);
	}
	/* A boot name that cannot fit option 67. */
	big = malloc(400);
	memset(big, 'a', 399);
	big[399] = '\0';
	{
		char json[512];

		snprintf(json, sizeof(json), "{\"boot\":\"%s\"}", big);
		CHECK(parse(json, &a) < 0);
	}
	free(big);
	/* Larger than the bound: refused before jansson sees it. */
	big = calloc(1, BACKEND_BODY_MAX + 2);
	memset(big, ' ', BACKEND_BODY_MAX + 1);
	CHECK(backend_answer_parse(big, BACKEND_BODY_MAX + 1, &a, err,
				   sizeof(err)) < 0 && strstr(err, "larger"));
	free(big);
}

int main(void)
{
	config_keys();
	config_bad();
	events_keys();
	url_expand();
	url_host();
	answers_good();
	answers_bad();
	return check_done("test_backend");
}
