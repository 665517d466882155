/* Logging to stderr or syslog, with a rate limit for per-packet lines. */
#include "autoconf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

/* Lines allowed per second before they are dropped; a summary of how
 * many were dropped is logged when the next second starts.  Per-packet
 * noise (junk, ignored clients) gets little room; per-client lines (an
 * offer, a finished transfer, an access-log line) get enough for a room
 * of machines booting at once, but a flood of valid-looking requests
 * still cannot fill a disk. */
#define LOG_RATE_PER_SEC 20
#define LOG_CLIENT_RATE_PER_SEC 200

struct log_bucket {
	const char *what;
	unsigned limit;
	time_t second;
	unsigned count;
	unsigned dropped;
};

/* Set once at start-up, like OpenBSD's log.c:
 * every module logs, so this is the one state kept outside the context. */
static struct {
	bool foreground;
	bool debug;
	struct log_bucket noise;
	struct log_bucket clients;
} lg = {
	.foreground = true,
	.noise = { .what = "packet", .limit = LOG_RATE_PER_SEC },
	.clients = { .what = "client", .limit = LOG_CLIENT_RATE_PER_SEC },
};

void log_init(bool foreground, bool debug)
{
	lg.foreground = foreground;
	lg.debug = debug;
	if (!foreground)
		/* LOG_NDELAY opens /dev/log now, before any chroot. */
		openlog("pxeproxyd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void vlog(int pri, const char *fmt, va_list ap)
{
	if (lg.foreground) {
		char ts[32];
		struct timespec now;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &now);
		localtime_r(&now.tv_sec, &tm);
		strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld ", ts, now.tv_nsec / 1000000);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		fflush(stderr);
	} else {
		vsyslog(pri, fmt, ap);
	}
}

static void logf_(int pri, const char *fmt, ...) LOG_FMT(2, 3);
static void logf_(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

/* True when one more line of bucket b may be written this second. */
static bool rate_ok(struct log_bucket *b)
{
	time_t now = time(NULL);

	if (now != b->second) {
		if (b->dropped)
			logf_(LOG_NOTICE, "%u %s log lines suppressed (more "
			      "than %u a second)", b->dropped, b->what,
			      b->limit);
		b->second = now;
		b->count = 0;
		b->dropped = 0;
	}
	if (b->count >= b->limit) {
		b->dropped++;
		return false;
	}
	b->count++;
	return true;
}

#define LOG_BODY(pri)                  \
	do {                           \
		va_list ap;            \
		va_start(ap, fmt);     \
		vlog(pri, fmt, ap);    \
		va_end(ap);            \
	} while (0)

void log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_INFO);
}

void log_notice(const char *fmt, ...)
{
	LOG_BODY(LOG_NOTICE);
}

void log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING);
}

void log_debug(const char *fmt, ...)
{
	if (!lg.debug)
		return;
	LOG_BODY(LOG_DEBUG);
}

void log_client(const char *fmt, ...)
{
	if (!rate_ok(&lg.clients))
		return;
	LOG_BODY(LOG_INFO);
}

void log_debug_rl(const char *fmt, ...)
{
	if (!lg.debug || !rate_ok(&lg.noise))
		return;
	LOG_BODY(LOG_DEBUG);
}

void log_warnx_rl(const char *fmt, ...)
{
	if (!rate_ok(&lg.noise))
		return;
	LOG_BODY(LOG_WARNING);
}

static void vlog_errno(int pri, int err, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	logf_(pri, "%s: %s", msg, strerror(err));
}

void log_warn(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog_errno(LOG_WARNING, err, fmt, ap);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog_errno(LOG_ERR, err, fmt, ap);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_ERR);
	exit(1);
}

const char *log_vis(char *dst, size_t cap, const void *src, size_t len)
{
	const unsigned char *s = src;
	size_t i;

	if (cap == 0)
		return dst;
	for (i = 0; i < len && i + 1 < cap; i++)
		dst[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
	dst[i] = '\0';
	return dst;
}
