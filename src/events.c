/* The events queue.  Each event is one JSON object, formatted when it
 * happens (the client table it comes from changes); a POST carries up to
 * [events] batch of them as a JSON array, one POST at a time.  A failed
 * POST puts its events back at the head and waits (1 s, doubling up to
 * EVENTS_BACKOFF_MAX); meanwhile new events queue up to [events] queue,
 * and beyond that are dropped and counted. */
#include "autoconf.h"

#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "backend.h"
#include "clients.h"
#include "ctx.h"
#include "events.h"
#include "log.h"
#include "util.h"

#define EVENTS_BACKOFF_MAX 60.0        /* s: a dead endpoint, retried */
#define EVENT_MAX 512                  /* one event's JSON, at most */

struct event {
	TAILQ_ENTRY(event) link;
	size_t len;
	char json[];
};
TAILQ_HEAD(event_list, event);

struct events {
	struct pxe_ctx *ctx;
	struct event_list queue;        /* waiting */
	struct event_list sending;      /* in the POST in flight */
	unsigned n_queued, n_sending;
	ev_timer timer;                 /* flush, or back-off */
	double backoff;                 /* s; 0: the endpoint is fine */
	bool posting;
};

/* JSON string of s: control bytes, '"', '\\' and non-ASCII escaped, so
 * that any file name a client asked for makes valid JSON. */
static size_t json_str(char *out, size_t cap, const char *s)
{
	size_t o = 0;

	if (cap < 3)
		return 0;
	out[o++] = '"';
	for (; *s && o + 8 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
		else
			out[o++] = (char)c;
	}
	out[o++] = '"';
	out[o] = '\0';
	return o;
}

int events_format(const struct client_event *e, uint64_t time_ms,
		  char *buf, size_t cap)
{
	char mac[MAC_STR_MAX] = "", ip[INET6_ADDRSTRLEN], file[200];
	const struct client *c = e->c;
	int n;

	/* Empty, as in /status.json, until the neighbour table names it:
	 * a transfer can start before the kernel's notice comes. */
	if (e->mac_known)
		mac_str(mac, sizeof(mac), c->mac, 6);
	ipaddr_str(ip, &c->ip);
	json_str(file, sizeof(file), e->file ? e->file->name : c->offered);
	n = snprintf(buf, cap, "{\"time_ms\":%llu,\"mac\":\"%s\","
		     "\"ip\":\"%s\",\"arch\":%u,\"stage\":\"%s\",\"file\":%s",
		     (unsigned long long)time_ms, mac, ip, c->arch, e->stage,
		     file);
	if (n > 0 && e->file && (size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n,
			      ",\"proto\":\"%s\",\"bytes\":%llu,\"ms\":%u,"
			      "\"bytes_per_s\":%llu,\"ok\":%s",
			      e->file->proto, (unsigned long long)e->file->bytes,
			      e->file->ms, (unsigned long long)(e->file->ms
				? e->file->bytes * 1000 / e->file->ms : 0),
			      e->file->ok ? "true" : "false");
	if (n > 0 && !e->file && c->decided_by[0] && (size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n,
			      ",\"decided_by\":\"%s\"", c->decided_by);
	if (n < 0 || (size_t)n + 2 > cap)
		return -1;
	buf[n++] = '}';
	buf[n] = '\0';
	return n;
}

static struct event *event_format(const struct client_event *e)
{
	char buf[EVENT_MAX];
	struct timespec ts;
	struct event *ev;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	n = events_format(e, (uint64_t)ts.tv_sec * 1000 +
			  (uint64_t)ts.tv_nsec / 1000000, buf, sizeof(buf));
	if (n < 0)
		return NULL;
	ev = malloc(sizeof(*ev) + (size_t)n + 1);
	if (!ev)
		return NULL;
	ev->len = (size_t)n;
	memcpy(ev->json, buf, (size_t)n + 1);
	return ev;
}

static void arm(struct events *q, double after)
{
	ev_timer_stop(q->ctx->loop, &q->timer);
	ev_timer_set(&q->timer, after, 0);
	ev_timer_start(q->ctx->loop, &q->timer);
}

static void on_posted(void *arg, bool ok);

/* One POST of up to batch events, unless one is in flight. */
static void send_batch(struct events *q)
{
	const struct config *c = q->ctx->cfg;
	struct event *ev;
	size_t len = 2, o = 0;
	char *body;

	if (q->posting || !q->n_queued || !c->events_url)
		return;
	for (ev = TAILQ_FIRST(&q->queue); ev && q->n_sending < c->events_batch;
	     ev = TAILQ_FIRST(&q->queue)) {
		TAILQ_REMOVE(&q->queue, ev, link);
		TAILQ_INSERT_TAIL(&q->sending, ev, link);
		q->n_queued--;
		q->n_sending++;
		len += ev->len + 1;
	}
	body = xcalloc(1, len + 1);
	body[o++] = '[';
	TAILQ_FOREACH(ev, &q->sending, link) {
		if (o > 1)
			body[o++] = ',';
		memcpy(body + o, ev->json, ev->len);
		o += ev->len;
	}
	body[o++] = ']';
	q->ctx->stats.events_queued = q->n_queued;
	q->posting = backend_post(q->ctx, c->events_url, body, o, on_posted,
				  q) == 0;
	free(body);
	if (!q->posting)
		on_posted(q, false);
}

static void on_posted(void *arg, bool ok)
{
	struct events *q = arg;
	struct event *ev;

	q->posting = false;
	if (ok) {
		q->ctx->stats.events_sent += q->n_sending;
		while ((ev = TAILQ_FIRST(&q->sending))) {
			TAILQ_REMOVE(&q->sending, ev, link);
			free(ev);
		}
		q->n_sending = 0;
		q->backoff = 0;
		if (q->n_queued >= q->ctx->cfg->events_batch)
			send_batch(q);
		else if (q->n_queued)
			arm(q, q->ctx->cfg->events_flush_ms / 1000.0);
		return;
	}
	/* Back at the head, in order, to be retried after the back-off. */
	q->ctx->stats.events_post_failures++;
	while ((ev = TAILQ_LAST(&q->sending, event_list))) {
		TAILQ_REMOVE(&q->sending, ev, link);
		TAILQ_INSERT_HEAD(&q->queue, ev, link);
	}
	q->n_queued += q->n_sending;
	q->n_sending = 0;
	/* Retried events may overfill the queue: the oldest go. */
	while (q->n_queued > q->ctx->cfg->events_queue &&
	       (ev = TAILQ_FIRST(&q->queue))) {
		TAILQ_REMOVE(&q->queue, ev, link);
		free(ev);
		q->n_queued--;
		q->ctx->stats.events_dropped++;
	}
	q->ctx->stats.events_queued = q->n_queued;
	q->backoff = q->backoff ? MIN(q->backoff * 2, EVENTS_BACKOFF_MAX) : 1;
	arm(q, q->backoff);
}

static void on_timer(struct ev_loop *loop, ev_timer *t, int revents)
{
	send_batch(t->data);
}

static void on_event(void *arg, const struct client_event *e)
{
	struct events *q = arg;
	const struct config *c = q->ctx->cfg;
	struct event *ev;

	if (!c->events_url)
		return;
	if (q->n_queued + q->n_sending >= c->events_queue ||
	    !(ev = event_format(e))) {
		q->ctx->stats.events_dropped++;
		return;
	}
	TAILQ_INSERT_TAIL(&q->queue, ev, link);
	q->n_queued++;
	q->ctx->stats.events_queued = q->n_queued;
	if (q->backoff || q->posting)
		return;         /* the timer or on_posted() sends it */
	if (q->n_queued >= c->events_batch)
		send_batch(q);
	else if (!ev_is_active(&q->timer))
		arm(q, c->events_flush_ms / 1000.0);
}

void events_open(struct pxe_ctx *ctx)
{
	struct events *q;

	if (!ctx->backend || !ctx->clients)
		return;
	q = xcalloc(1, sizeof(*q));
	q->ctx = ctx;
	TAILQ_INIT(&q->queue);
	TAILQ_INIT(&q->sending);
	ev_timer_init(&q->timer, on_timer, 0, 0);
	q->timer.data = q;
	clients_observe(ctx->clients, on_event, q);
	ctx->events = q;
}

static void free_list(struct event_list *l)
{
	struct event *ev;

	while ((ev = TAILQ_FIRST(l))) {
		TAILQ_REMOVE(l, ev, link);
		free(ev);
	}
}

void events_close(struct pxe_ctx *ctx)
{
	struct events *q = ctx->events;

	if (!q)
		return;
	ev_timer_stop(ctx->loop, &q->timer);
	if (ctx->clients)
		clients_observe(ctx->clients, NULL, NULL);
	free_list(&q->queue);
	free_list(&q->sending);
	free(q);
	ctx->events = NULL;
}
