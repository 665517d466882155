/* Number parsing, bounded formatting and allocation that cannot fail
 * silently. */
#include "autoconf.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

int parse_num_n(const char *s, size_t len, long long min, long long max,
		long long *out)
{
	long long v = 0;

	if (len == 0 || len > 19)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		/* 19 digits can pass LLONG_MAX (found by fuzzing). */
		if (v > (LLONG_MAX - (s[i] - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (s[i] - '0');
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_num(const char *s, long long min, long long max, long long *out)
{
	return parse_num_n(s, strlen(s), min, max, out);
}

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

const char *mac_str(char *buf, size_t cap, const uint8_t *mac, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t o = 0;

	if (cap == 0)
		return buf;
	/* Each byte takes its separator, two digits, and leaves the NUL. */
	for (size_t i = 0; i < len && o + (i ? 3 : 2) < cap; i++) {
		if (i)
			buf[o++] = ':';
		buf[o++] = digits[mac[i] >> 4];
		buf[o++] = digits[mac[i] & 15];
	}
	buf[o] = '\0';
	return buf;
}

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int fmt(char *dst, size_t cap, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(dst, cap, f, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap)
		return -ENOBUFS;
	return 0;
}

int strlcpy_chk(char *dst, const char *src, size_t cap)
{
	size_t n = strlen(src);

	if (n >= cap)
		return -ENOBUFS;
	memcpy(dst, src, n + 1);
	return 0;
}

int expand_vars(char *dst, size_t cap, const char *tmpl,
		const struct tvar *vars, size_t nvars)
{
	size_t out = 0;

	if (cap == 0)
		return -ENOBUFS;
	while (*tmpl) {
		const char *piece = tmpl;
		size_t n = 1, i;

		for (i = 0; i < nvars; i++) {
			size_t len = strlen(vars[i].name);

			if (!strncmp(tmpl, vars[i].name, len)) {
				piece = vars[i].value;
				n = strlen(piece);
				tmpl += len;
				break;
			}
		}
		if (i == nvars)
			tmpl++;
		if (out + n >= cap)
			return -ENOBUFS;
		memcpy(dst + out, piece, n);
		out += n;
	}
	dst[out] = '\0';
	return 0;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		fatal("out of memory");
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		fatal("out of memory");
	return p;
}
