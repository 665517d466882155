/* Small helpers shared by every module. */
#ifndef PXE_UTIL_H
#define PXE_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Decimal number in [min, max], the whole string and nothing else
 * (glibc has no strtonum).  Returns 0, or -EINVAL / -ERANGE. */
int parse_num(const char *s, long long min, long long max, long long *out);

/* Same, for a number that is not NUL-terminated (from the wire). */
int parse_num_n(const char *s, size_t len, long long min, long long max,
		long long *out);

/* The value of one hex digit, or -1. */
int hex_digit(char c);

/* "52:54:00:12:34:56": len bytes (a DHCP chaddr holds up to 16) as
 * lower-case hex pairs joined by ':'.  Returns buf. */
#define MAC_STR_MAX (16 * 3)
const char *mac_str(char *buf, size_t cap, const uint8_t *mac, size_t len);

/* Monotonic milliseconds, for durations in log lines. */
uint64_t now_ms(void);

/* snprintf that reports truncation: 0 when it fit, -ENOBUFS when not. */
int fmt(char *dst, size_t cap, const char *f, ...)
	__attribute__((format(printf, 3, 4)));

/* Copy a string into a fixed buffer; -ENOBUFS when it does not fit. */
int strlcpy_chk(char *dst, const char *src, size_t cap);

/* Template variables: "${name}" replaced by value.  Unknown ones stay as
 * they are (iPXE has its own).  -ENOBUFS when the result is too long. */
struct tvar {
	const char *name;       /* with the braces: "${server}" */
	const char *value;
};
int expand_vars(char *dst, size_t cap, const char *tmpl,
		const struct tvar *vars, size_t n);

void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

#endif
