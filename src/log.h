/* Logging: stderr in the foreground, syslog otherwise.
 *
 * log_warn() appends strerror(errno); log_warnx() does not.  fatal() is for
 * start-up only.  log_debug_rl() is for per-packet noise and log_client()
 * for one line per client event (offer, transfer, request): both are
 * rate-limited so that a flood cannot fill a disk.
 */
#ifndef PXE_LOG_H
#define PXE_LOG_H

#include <stdbool.h>

#define LOG_FMT(a, b) __attribute__((format(printf, a, b)))

void log_init(bool foreground, bool debug);
void log_info(const char *fmt, ...) LOG_FMT(1, 2);
void log_notice(const char *fmt, ...) LOG_FMT(1, 2);
void log_warn(const char *fmt, ...) LOG_FMT(1, 2);
void log_warnx(const char *fmt, ...) LOG_FMT(1, 2);
void log_debug(const char *fmt, ...) LOG_FMT(1, 2);
void log_client(const char *fmt, ...) LOG_FMT(1, 2);
void log_debug_rl(const char *fmt, ...) LOG_FMT(1, 2);
void log_warnx_rl(const char *fmt, ...) LOG_FMT(1, 2);
__attribute__((noreturn)) void fatal(const char *fmt, ...) LOG_FMT(1, 2);
__attribute__((noreturn)) void fatalx(const char *fmt, ...) LOG_FMT(1, 2);

/* Make a string from the wire safe to print: non-printable bytes become
 * '?', and it is cut to fit dst (always NUL-terminated). */
const char *log_vis(char *dst, size_t cap, const void *src, size_t len);

#endif
