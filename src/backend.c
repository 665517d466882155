/* The inventory client.  Shape of curl's docs/examples/evhiperfifo.c:
 * curl tells us through CURLMOPT_SOCKETFUNCTION which sockets to watch
 * (one ev_io each) and through CURLMOPT_TIMERFUNCTION when to call it
 * back (one ev_timer); we hand every event to curl_multi_socket_action()
 * and collect finished transfers.  Nothing here blocks.
 *
 * Chroot: the worker runs inside the boot root, where there is no
 * /etc/resolv.conf, /etc/hosts or CA store.  So at start the host is
 * resolved and its addresses pinned, and the CA bundle is read into memory
 * (CURLOPT_CAINFO_BLOB).  On reload the monitor, outside the chroot,
 * does the same for the new config and sends both (monitor.c). */
#include "autoconf.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <ev.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "ctx.h"
#include "log.h"
#include "util.h"

/* Answers kept at once: a site's machines, with room; the oldest go
 * first beyond it. */
#define BACKEND_CACHE_MAX 16384
#define BACKEND_CACHE_BUCKETS 4096
#define BACKEND_CA_DEFAULT "/etc/ssl/certs/ca-certificates.crt"
/* A connection not made in this long will not be made in time to help
 * a firmware that waits seconds. */
#define BACKEND_CONNECT_MS 3000

struct centry {
	char *url;
	uint32_t hash;
	struct backend_answer a;
	ev_tstamp expires;
	LIST_ENTRY(centry) bucket;
	TAILQ_ENTRY(centry) age;
};

struct backend_lookup {
	struct backend *b;
	CURL *easy;
	char *url;
	char *body;
	size_t len;
	bool too_large;
	char errbuf[CURL_ERROR_SIZE];
	LIST_HEAD(, backend_waiter) waiters;
	LIST_ENTRY(backend_lookup) link;
	/* A POST (backend_post()): not joined, not cached, its own list. */
	backend_post_fn *post_done;
	void *post_arg;
};

/* One per socket curl asks us to watch. */
struct sockw {
	ev_io io;
	struct backend *b;
};

/* A preparation replaced by a reload: transfers started before it may
 * still point to its list and bundle, so it lives until the end. */
struct retired {
	struct curl_slist *resolve;
	char *ca;
	struct retired *next;
};

struct backend {
	struct pxe_ctx *ctx;
	CURLM *multi;
	ev_timer timer;
	/* The pin: CURLOPT_CONNECT_TO sends "host:port" to "pinN:port",
	 * and CURLOPT_RESOLVE gives "pinN:port" the addresses (entries that
	 * never expire from curl's DNS cache).  N counts the pinnings: a
	 * connection kept alive to an address of an older one is never
	 * reused for the host, since curl matches connections by their
	 * connect-to name too. */
	struct curl_slist *resolve;
	struct curl_slist *connect_to;
	unsigned pin_gen;
	struct curl_blob ca;            /* https: the bundle, in memory */
	char *ca_data;
	struct retired *retired;
	LIST_HEAD(, backend_lookup) lookups;
	unsigned n_lookups;
	LIST_HEAD(, backend_lookup) posts;
	LIST_HEAD(, centry) buckets[BACKEND_CACHE_BUCKETS];
	TAILQ_HEAD(, centry) ages;
	unsigned n_cache;
	/* Request headers, made once: "Accept" for lookups,
	 * "Content-Type" for event posts. */
	struct curl_slist *accept_json;
	struct curl_slist *post_json;
};

static const char *const failure_keys[BACKEND_FAIL_KINDS] = {
	[BACKEND_FAIL_CONNECT] = "connect",
	[BACKEND_FAIL_TIMEOUT] = "timeout",
	[BACKEND_FAIL_STATUS] = "http_status",
	[BACKEND_FAIL_JSON] = "bad_answer",
	[BACKEND_FAIL_TOO_LARGE] = "too_large",
	[BACKEND_FAIL_TLS] = "tls",
	[BACKEND_FAIL_OTHER] = "other",
};

const char *backend_failure_key(enum backend_failure f)
{
	return f < BACKEND_FAIL_KINDS ? failure_keys[f] : "other";
}

/* FNV-1a: spreads URLs that differ in a few hex digits. */
static uint32_t url_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static void cache_drop(struct backend *b, struct centry *e)
{
	LIST_REMOVE(e, bucket);
	TAILQ_REMOVE(&b->ages, e, age);
	b->n_cache--;
	free(e->url);
	free(e);
}

static struct centry *cache_find(struct backend *b, const char *url)
{
	uint32_t h = url_hash(url);
	struct centry *e;

	LIST_FOREACH(e, &b->buckets[h % BACKEND_CACHE_BUCKETS], bucket) {
		if (e->hash != h || strcmp(e->url, url))
			continue;
		if (e->expires > ev_now(b->ctx->loop))
			return e;
		cache_drop(b, e);
		return NULL;
	}
	return NULL;
}

static void cache_put(struct backend *b, const char *url,
		      const struct backend_answer *a, unsigned ttl_s)
{
	struct centry *e = cache_find(b, url);

	if (e)
		cache_drop(b, e);
	if (!ttl_s)
		return;
	if (b->n_cache >= BACKEND_CACHE_MAX)
		cache_drop(b, TAILQ_FIRST(&b->ages));
	e = xcalloc(1, sizeof(*e));
	e->url = xstrdup(url);
	e->hash = url_hash(url);
	e->a = *a;
	e->expires = ev_now(b->ctx->loop) + ttl_s;
	LIST_INSERT_HEAD(&b->buckets[e->hash % BACKEND_CACHE_BUCKETS], e,
			 bucket);
	TAILQ_INSERT_TAIL(&b->ages, e, age);
	b->n_cache++;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct backend_lookup *lk = arg;
	size_t len = size * n;
	char *p;

	if (len > BACKEND_BODY_MAX - lk->len) {
		lk->too_large = true;
		return 0;       /* curl ends the transfer: CURLE_WRITE_ERROR */
	}
	if (!(p = realloc(lk->body, lk->len + len + 1)))
		return 0;
	memcpy(p + lk->len, data, len);
	lk->body = p;
	lk->len += len;
	return len;
}

static enum backend_failure failure_of(const struct backend_lookup *lk,
				       CURLcode res)
{
	switch (res) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		return BACKEND_FAIL_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return BACKEND_FAIL_TIMEOUT;
	case CURLE_FILESIZE_EXCEEDED:
		return BACKEND_FAIL_TOO_LARGE;
	case CURLE_WRITE_ERROR:
		return lk->too_large ? BACKEND_FAIL_TOO_LARGE
				     : BACKEND_FAIL_OTHER;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
		return BACKEND_FAIL_TLS;
	default:
		return BACKEND_FAIL_OTHER;
	}
}

static void fail(struct backend *b, const struct backend_lookup *lk,
		 enum backend_failure f, const char *detail)
{
	b->ctx->stats.backend_failed[f]++;
	log_warnx_rl("backend: %s: %s (%s): local %s", lk->url, detail,
		     failure_keys[f],
		     b->ctx->cfg->backend_fallback == BACKEND_FALLBACK_IGNORE
			     ? "fallback ignores the machine" : "rules decide");
}

/* The answer for a finished transfer: NULL when it failed. */
static const struct backend_answer *
read_result(struct backend *b, struct backend_lookup *lk, CURLcode res,
	    struct backend_answer *a)
{
	const struct config *c = b->ctx->cfg;
	char why[160];
	long status = 0;

	if (res != CURLE_OK) {
		fail(b, lk, failure_of(lk, res), lk->errbuf[0] ? lk->errbuf
					       : curl_easy_strerror(res));
		return NULL;
	}
	curl_easy_getinfo(lk->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status == 404) {
		b->ctx->stats.backend_not_found++;
		memset(a, 0, sizeof(*a));
		cache_put(b, lk->url, a, c->backend_negative_ttl_s);
		return a;
	}
	if (status != 200) {
		snprintf(why, sizeof(why), "HTTP status %ld", status);
		fail(b, lk, BACKEND_FAIL_STATUS, why);
		return NULL;
	}
	if (backend_answer_parse(lk->body ? lk->body : "", lk->len, a, why,
				 sizeof(why)) < 0) {
		fail(b, lk, BACKEND_FAIL_JSON, why);
		return NULL;
	}
	b->ctx->stats.backend_answers++;
	cache_put(b, lk->url, a, c->backend_cache_ttl_s);
	return a;
}

static void lookup_free(struct backend *b, struct backend_lookup *lk)
{
	struct backend_waiter *w;

	while ((w = LIST_FIRST(&lk->waiters))) {
		LIST_REMOVE(w, link);
		w->lk = NULL;
	}
	LIST_REMOVE(lk, link);
	if (!lk->post_done)
		b->n_lookups--;
	curl_multi_remove_handle(b->multi, lk->easy);
	curl_easy_cleanup(lk->easy);
	free(lk->url);
	free(lk->body);
	free(lk);
}

/* A POST is done: 2xx is success, anything else is said once here. */
static void post_done(struct backend *b, struct backend_lookup *lk,
		      CURLcode res)
{
	long status = 0;
	bool ok;

	if (res == CURLE_OK)
		curl_easy_getinfo(lk->easy, CURLINFO_RESPONSE_CODE, &status);
	ok = res == CURLE_OK && status >= 200 && status < 300;
	if (!ok)
		log_warnx_rl("events: POST %s: %s", lk->url, res != CURLE_OK
			     ? (lk->errbuf[0] ? lk->errbuf
				: curl_easy_strerror(res)) : "HTTP status not 2xx");
	lk->post_done(lk->post_arg, ok);
	lookup_free(b, lk);
}

static void lookup_done(struct backend *b, struct backend_lookup *lk,
			CURLcode res)
{
	struct backend_answer a;
	const struct backend_answer *ans;
	struct backend_waiter *w;

	if (lk->post_done) {
		post_done(b, lk, res);
		return;
	}
	ans = read_result(b, lk, res, &a);

	/* done() frees the waiter's record: take each off first. */
	while ((w = LIST_FIRST(&lk->waiters))) {
		LIST_REMOVE(w, link);
		w->lk = NULL;
		w->done(w, ans);
	}
	lookup_free(b, lk);
}

static void collect_done(struct backend *b)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(b->multi, &left))) {
		struct backend_lookup *lk;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
				  (char **)&lk);
		lookup_done(b, lk, msg->data.result);
	}
}

static void on_socket_event(struct ev_loop *loop, ev_io *io, int revents)
{
	struct sockw *s = io->data;
	struct backend *b = s->b;
	int running, what = (revents & EV_READ ? CURL_CSELECT_IN : 0) |
			    (revents & EV_WRITE ? CURL_CSELECT_OUT : 0);

	curl_multi_socket_action(b->multi, io->fd, what, &running);
	collect_done(b);
}

static void on_timer(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct backend *b = t->data;
	int running;

	curl_multi_socket_action(b->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	collect_done(b);
}

static int on_curl_socket(CURL *easy, curl_socket_t fd, int what, void *arg,
			  void *sockp)
{
	struct backend *b = arg;
	struct sockw *s = sockp;
	int events = (what & CURL_POLL_IN ? EV_READ : 0) |
		     (what & CURL_POLL_OUT ? EV_WRITE : 0);

	if (what == CURL_POLL_REMOVE) {
		if (s) {
			ev_io_stop(b->ctx->loop, &s->io);
			free(s);
		}
		return 0;
	}
	if (!s) {
		s = xcalloc(1, sizeof(*s));
		s->b = b;
		curl_multi_assign(b->multi, fd, s);
	} else {
		ev_io_stop(b->ctx->loop, &s->io);
	}
	ev_io_init(&s->io, on_socket_event, fd, events);
	s->io.data = s;
	ev_io_start(b->ctx->loop, &s->io);
	return 0;
}

/* curl calls back from inside socket_action: only arm the timer here,
 * never call curl again. */
static int on_curl_timer(CURLM *multi, long ms, void *arg)
{
	struct backend *b = arg;

	ev_timer_stop(b->ctx->loop, &b->timer);
	if (ms >= 0) {
		ev_timer_set(&b->timer, ms / 1000.0, 0);
		ev_timer_start(b->ctx->loop, &b->timer);
	}
	return 0;
}

static CURL *easy_new(struct backend *b, struct backend_lookup *lk)
{
	const struct config *c = b->ctx->cfg;
	CURL *e = curl_easy_init();

	if (!e)
		return NULL;
	curl_easy_setopt(e, CURLOPT_URL, lk->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, lk);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, lk->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, lk);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	/* No proxy from the environment: the daemon's environment is not
	 * its config. */
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, b->accept_json);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "pxeproxyd/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)BACKEND_BODY_MAX);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)MIN(BACKEND_CONNECT_MS,
				   c->backend_transfer_timeout_s * 1000));
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
			 (long)c->backend_transfer_timeout_s * 1000);
	if (b->resolve) {
		curl_easy_setopt(e, CURLOPT_RESOLVE, b->resolve);
		curl_easy_setopt(e, CURLOPT_CONNECT_TO, b->connect_to);
	}
	/* Nothing from the file system: it is the chroot's. */
	curl_easy_setopt(e, CURLOPT_CAINFO, NULL);
	curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	if (b->ca_data)
		curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &b->ca);
	return e;
}

int backend_ask(struct pxe_ctx *ctx, const char *url,
		struct backend_answer *out, struct backend_waiter *w)
{
	struct backend *b = ctx->backend;
	struct backend_lookup *lk;
	struct centry *e;

	if ((e = cache_find(b, url))) {
		ctx->stats.backend_cache_hits++;
		*out = e->a;
		return 1;
	}
	LIST_FOREACH(lk, &b->lookups, link)
		if (!strcmp(lk->url, url))
			break;
	if (lk) {
		ctx->stats.backend_joined++;
	} else {
		if (b->n_lookups >= ctx->cfg->backend_max_pending) {
			ctx->stats.backend_overflow++;
			return -EBUSY;
		}
		lk = xcalloc(1, sizeof(*lk));
		lk->b = b;
		lk->url = xstrdup(url);
		LIST_INIT(&lk->waiters);
		if (!(lk->easy = easy_new(b, lk)) ||
		    curl_multi_add_handle(b->multi, lk->easy) != CURLM_OK) {
			curl_easy_cleanup(lk->easy);
			free(lk->url);
			free(lk);
			return -ENOMEM;
		}
		LIST_INSERT_HEAD(&b->lookups, lk, link);
		b->n_lookups++;
		ctx->stats.backend_lookups++;
	}
	w->lk = lk;
	LIST_INSERT_HEAD(&lk->waiters, w, link);
	return 0;
}

int backend_post(struct pxe_ctx *ctx, const char *url, const char *body,
		 size_t len, backend_post_fn *done, void *arg)
{
	struct backend *b = ctx->backend;
	struct backend_lookup *lk;

	if (!b)
		return -ENOTCONN;
	lk = xcalloc(1, sizeof(*lk));
	lk->b = b;
	lk->url = xstrdup(url);
	lk->post_done = done;
	lk->post_arg = arg;
	LIST_INIT(&lk->waiters);
	if (!(lk->easy = easy_new(b, lk))) {
		free(lk->url);
		free(lk);
		return -ENOMEM;
	}
	curl_easy_setopt(lk->easy, CURLOPT_HTTPHEADER, b->post_json);
	curl_easy_setopt(lk->easy, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(lk->easy, CURLOPT_COPYPOSTFIELDS, body);
	if (curl_multi_add_handle(b->multi, lk->easy) != CURLM_OK) {
		curl_easy_cleanup(lk->easy);
		free(lk->url);
		free(lk);
		return -ENOMEM;
	}
	LIST_INSERT_HEAD(&b->posts, lk, link);
	return 0;
}

void backend_cancel(struct backend_waiter *w)
{
	if (!w->lk)
		return;
	LIST_REMOVE(w, link);
	w->lk = NULL;
}

/* "host:port:addr,addr": every address the host has now. */
static char *pin_addresses(const char *url)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char host[BACKEND_HOST_MAX], entry[BACKEND_RESOLVE_MAX],
	     addr[INET6_ADDRSTRLEN];
	unsigned port;
	size_t used, prefix;
	int err;

	if (backend_url_host(url, host, sizeof(host), &port) < 0)
		return xstrdup("");
	if ((err = getaddrinfo(host, NULL, &hints, &res)) != 0) {
		log_warnx("backend: cannot resolve %s: %s; every lookup "
			  "falls back until a reload or restart resolves it",
			  host, gai_strerror(err));
		return xstrdup("");
	}
	/* An IPv6 literal is written in brackets in CURLOPT_RESOLVE. */
	snprintf(entry, sizeof(entry), strchr(host, ':') ? "[%s]:%u:" :
		 "%s:%u:", host, port);
	used = prefix = strlen(entry);
	for (ai = res; ai; ai = ai->ai_next) {
		const struct sockaddr_in *s4 = (const void *)ai->ai_addr;
		const struct sockaddr_in6 *s6 = (const void *)ai->ai_addr;
		const void *a = ai->ai_family == AF_INET
					? (const void *)&s4->sin_addr
					: (const void *)&s6->sin6_addr;

		if (!inet_ntop(ai->ai_family, a, addr, sizeof(addr)) ||
		    strstr(entry + prefix, addr))
			continue;
		if (fmt(entry + used, sizeof(entry) - used, "%s%s%s%s",
			entry[used - 1] == ':' ? "" : ",",
			ai->ai_family == AF_INET6 ? "[" : "", addr,
			ai->ai_family == AF_INET6 ? "]" : "") < 0)
			break;
		used += strlen(entry + used);
	}
	freeaddrinfo(res);
	return xstrdup(entry);
}

static int load_ca(struct backend_prep *p, const char *path, bool given,
		   char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f) {
		if (!given) {
			log_warnx("backend: no CA bundle at %s (install "
				  "ca-certificates or set [backend] ca-file): "
				  "https lookups will fail", path);
			return 0;
		}
		return fmt(err, errlen, "[backend] ca-file %s: %s", path,
			   strerror(errno)), -1;
	}
	p->ca = xcalloc(1, BACKEND_CA_MAX + 1);
	n = fread(p->ca, 1, BACKEND_CA_MAX + 1, f);
	fclose(f);
	if (n == 0 || n > BACKEND_CA_MAX) {
		free(p->ca);
		p->ca = NULL;
		return fmt(err, errlen, "[backend] ca-file %s: %s", path,
			   n ? "larger than 4 MB" : "empty or unreadable"), -1;
	}
	p->ca_len = n;
	return 0;
}

void backend_prep_clear(struct backend_prep *p)
{
	free(p->resolve);
	free(p->ca);
	memset(p, 0, sizeof(*p));
}

int backend_prepare(const struct config *c, struct backend_prep *p,
		    char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	if (!c->backend_url)
		return 0;
	p->resolve = pin_addresses(c->backend_url);
	if (!strncmp(c->backend_url, "https://", 8) &&
	    load_ca(p, c->backend_ca_file ? c->backend_ca_file
		    : BACKEND_CA_DEFAULT, c->backend_ca_file != NULL, err,
		    errlen) < 0) {
		backend_prep_clear(p);
		return -1;
	}
	return 0;
}

static void retire(struct backend *b, struct curl_slist *resolve, char *ca)
{
	struct retired *r;

	if (!resolve && !ca)
		return;
	r = xcalloc(1, sizeof(*r));
	r->resolve = resolve;
	r->ca = ca;
	r->next = b->retired;
	b->retired = r;
}

/* entry: "host:port:addrs" (host in brackets when IPv6), from
 * pin_addresses(), maybe through the monitor's socket. */
static int pin(struct backend *b, const char *entry)
{
	char name[16], line[BACKEND_RESOLVE_MAX + 64];
	const char *port, *addrs;
	struct curl_slist *r, *c;

	port = entry[0] == '[' ? strstr(entry, "]:") : strchr(entry, ':');
	if (!port)
		return -1;
	port += entry[0] == '[' ? 2 : 1;
	if (!(addrs = strchr(port, ':')))
		return -1;
	snprintf(name, sizeof(name), "pin%u", ++b->pin_gen);
	if (fmt(line, sizeof(line), "%s:%.*s:%s", name, (int)(addrs - port),
		port, addrs + 1) < 0 || !(r = curl_slist_append(NULL, line)))
		return -1;
	if (fmt(line, sizeof(line), "%.*s%s:%.*s", (int)(addrs - entry + 1),
		entry, name, (int)(addrs - port), port) < 0 ||
	    !(c = curl_slist_append(NULL, line))) {
		curl_slist_free_all(r);
		return -1;
	}
	retire(b, b->resolve, NULL);
	retire(b, b->connect_to, NULL);
	b->resolve = r;
	b->connect_to = c;
	return 0;
}

/* Takes p's contents; the ones in use are retired, not freed.  An empty
 * part (a host that did not resolve, a CA file that could not be read)
 * keeps the one in use: old addresses beat none. */
static void use_prep(struct backend *b, struct backend_prep *p)
{
	if (p->resolve && *p->resolve && pin(b, p->resolve) == 0)
		log_info("backend: %s pinned for the chroot", p->resolve);
	if (p->ca) {
		retire(b, NULL, b->ca_data);
		b->ca_data = p->ca;
		b->ca.data = p->ca;
		b->ca.len = p->ca_len;
		b->ca.flags = CURL_BLOB_NOCOPY;
	}
	free(p->resolve);
	memset(p, 0, sizeof(*p));
}

void backend_reload(struct pxe_ctx *ctx, struct backend_prep *p)
{
	if (!ctx->backend) {
		backend_prep_clear(p);
		return;
	}
	use_prep(ctx->backend, p);
}

void backend_keep_onoff(struct config *c, const struct config *old)
{
	if (!c->backend_url == !old->backend_url)
		return;
	log_warnx("reload: [backend] url %s only at restart; the rest is "
		  "applied", old->backend_url ? "removed: takes effect"
		  : "added: takes effect");
	free(c->backend_url);
	c->backend_url = old->backend_url ? xstrdup(old->backend_url) : NULL;
}

int backend_open(struct pxe_ctx *ctx, char *err, size_t errlen)
{
	const struct config *c = ctx->cfg;
	struct backend_prep p;
	struct backend *b;

	if (!c->backend_url)
		return 0;
	if (backend_prepare(c, &p, err, errlen) < 0)
		return -1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		backend_prep_clear(&p);
		return fmt(err, errlen, "[backend] cannot initialise "
			   "libcurl"), -1;
	}
	b = xcalloc(1, sizeof(*b));
	b->ctx = ctx;
	LIST_INIT(&b->lookups);
	LIST_INIT(&b->posts);
	TAILQ_INIT(&b->ages);
	for (unsigned i = 0; i < BACKEND_CACHE_BUCKETS; i++)
		LIST_INIT(&b->buckets[i]);
	ctx->backend = b;
	use_prep(b, &p);
	b->accept_json = curl_slist_append(NULL, "Accept: application/json");
	b->post_json = curl_slist_append(NULL,
					 "Content-Type: application/json");
	if (!b->accept_json || !b->post_json ||
	    !(b->multi = curl_multi_init()))
		return fmt(err, errlen, "[backend] cannot initialise "
			   "libcurl"), -1;
	curl_multi_setopt(b->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(b->multi, CURLMOPT_SOCKETDATA, b);
	curl_multi_setopt(b->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(b->multi, CURLMOPT_TIMERDATA, b);
	ev_timer_init(&b->timer, on_timer, 0, 0);
	b->timer.data = b;
	log_info("backend: boot decisions from %s (wait %u ms, then %s)",
		 c->backend_url, c->backend_timeout_ms,
		 c->backend_fallback == BACKEND_FALLBACK_IGNORE ? "ignore"
		 : "local rules");
	return 0;
}

void backend_close(struct pxe_ctx *ctx)
{
	struct backend *b = ctx->backend;

	if (!b)
		return;
	while (!LIST_EMPTY(&b->lookups))
		lookup_free(b, LIST_FIRST(&b->lookups));
	while (!LIST_EMPTY(&b->posts))
		lookup_free(b, LIST_FIRST(&b->posts));
	while (!TAILQ_EMPTY(&b->ages))
		cache_drop(b, TAILQ_FIRST(&b->ages));
	if (b->multi) {
		ev_timer_stop(ctx->loop, &b->timer);
		curl_multi_cleanup(b->multi);
	}
	curl_slist_free_all(b->resolve);
	curl_slist_free_all(b->connect_to);
	curl_slist_free_all(b->accept_json);
	curl_slist_free_all(b->post_json);
	free(b->ca_data);
	while (b->retired) {
		struct retired *r = b->retired;

		b->retired = r->next;
		curl_slist_free_all(r->resolve);
		free(r->ca);
		free(r);
	}
	free(b);
	ctx->backend = NULL;
}
