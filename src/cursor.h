/* Bounds-checked reader and writer for packets and protocol text.
 *
 * Every access to received bytes goes through a struct rd; every reply is
 * built through a struct wr.  Each call checks the space left first, so no
 * other code does pointer arithmetic on packets or reads a cursor's fields.
 * Readers return false when the data runs out (and, unless said otherwise,
 * leave the reader as it was); writers latch an error flag so that a builder
 * can write a whole reply and check once at the end.
 *
 * Text protocols (HTTP) use the same reader: a request is split into lines
 * (rd_line), a line into tokens (rd_until), and literals are matched with
 * rd_expect; none of them needs the text to be NUL-terminated.
 */
#ifndef PXE_CURSOR_H
#define PXE_CURSOR_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rd {
	const uint8_t *p;
	size_t left;
};

struct wr {
	uint8_t *p;
	uint8_t *start;
	size_t left;
	size_t held;            /* kept back at the end: wr_hold_end() */
	bool overflow;
};

static inline struct rd rd_init(const void *buf, size_t len)
{
	struct rd r = { buf, len };
	return r;
}

static inline bool rd_u8(struct rd *r, uint8_t *v)
{
	if (r->left < 1)
		return false;
	*v = r->p[0];
	r->p++;
	r->left--;
	return true;
}

static inline bool rd_u16(struct rd *r, uint16_t *v)
{
	if (r->left < 2)
		return false;
	*v = (uint16_t)(r->p[0] << 8 | r->p[1]);
	r->p += 2;
	r->left -= 2;
	return true;
}

static inline bool rd_u32(struct rd *r, uint32_t *v)
{
	if (r->left < 4)
		return false;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
	     (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	r->left -= 4;
	return true;
}

/* Copy n bytes out. */
static inline bool rd_bytes(struct rd *r, void *dst, size_t n)
{
	if (r->left < n)
		return false;
	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return true;
}

/* Borrow n bytes in place: *out points into the packet. */
static inline bool rd_ref(struct rd *r, const uint8_t **out, size_t n)
{
	if (r->left < n)
		return false;
	*out = r->p;
	r->p += n;
	r->left -= n;
	return true;
}

/* Split off the next n bytes as a reader of their own. */
static inline bool rd_sub(struct rd *r, struct rd *sub, size_t n)
{
	const uint8_t *p;

	if (!rd_ref(r, &p, n))
		return false;
	*sub = rd_init(p, n);
	return true;
}

static inline bool rd_skip(struct rd *r, size_t n)
{
	const uint8_t *p;

	return rd_ref(r, &p, n);
}

/* A NUL-terminated string inside the packet (TFTP).  *s points into the
 * packet; the NUL must be there, or it fails. */
static inline bool rd_cstr(struct rd *r, const char **s, size_t *len)
{
	const uint8_t *nul = r->left ? memchr(r->p, 0, r->left) : NULL;

	if (!nul)
		return false;
	*s = (const char *)r->p;
	*len = (size_t)(nul - r->p);
	r->left -= *len + 1;
	r->p = nul + 1;
	return true;
}

static inline size_t rd_left(const struct rd *r)
{
	return r->left;
}

static inline bool rd_empty(const struct rd *r)
{
	return r->left == 0;
}

/* The next byte, left in place. */
static inline bool rd_peek_u8(const struct rd *r, uint8_t *v)
{
	if (r->left < 1)
		return false;
	*v = r->p[0];
	return true;
}

/* Borrow everything left in place; the reader is empty afterwards. */
static inline void rd_rest(struct rd *r, const uint8_t **out, size_t *n)
{
	*out = r->p;
	*n = r->left;
	r->left = 0;
}

/* Whether byte c is anywhere in what is left (nothing is taken). */
static inline bool rd_contains(const struct rd *r, uint8_t c)
{
	return r->left && memchr(r->p, c, r->left);
}

/* Split off the bytes before the first c as a reader of their own; c
 * itself stays in r.  False, and r unchanged, when there is no c. */
static inline bool rd_until(struct rd *r, uint8_t c, struct rd *before)
{
	const uint8_t *hit = r->left ? memchr(r->p, c, r->left) : NULL;

	if (!hit)
		return false;
	return rd_sub(r, before, (size_t)(hit - r->p));
}

/* Split off the next line of text: the bytes before the next LF, without
 * a CR just before it (RFC 9112 2.2 lets a recipient take a bare LF as a
 * line end).  The LF is taken too.  False, and r unchanged, when there is
 * no LF: the line is not complete. */
static inline bool rd_line(struct rd *r, struct rd *line)
{
	if (!rd_until(r, '\n', line) || !rd_skip(r, 1))
		return false;
	if (line->left && line->p[line->left - 1] == '\r')
		line->left--;
	return true;
}

/* Split off the next field of a list separated by sep ("a, b,c"): the
 * separator is taken, the last field runs to the end.  False when nothing
 * is left. */
static inline bool rd_field(struct rd *r, uint8_t sep, struct rd *field)
{
	if (r->left == 0)
		return false;
	if (rd_until(r, sep, field))
		return rd_skip(r, 1);
	*field = *r;
	r->left = 0;
	return true;
}

/* ASCII only: protocol text must not follow the locale. */
static inline uint8_t rd_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

/* Take the literal lit if the next bytes are exactly it.  False, and r
 * unchanged, when they are not (or too few are left). */
static inline bool rd_expect(struct rd *r, const char *lit)
{
	size_t n = strlen(lit);

	if (r->left < n || memcmp(r->p, lit, n))
		return false;
	r->p += n;
	r->left -= n;
	return true;
}

/* rd_expect, with ASCII letters compared without case. */
static inline bool rd_expect_nocase(struct rd *r, const char *lit)
{
	size_t n = strlen(lit);

	if (r->left < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (rd_lower(r->p[i]) != rd_lower((uint8_t)lit[i]))
			return false;
	r->p += n;
	r->left -= n;
	return true;
}

/* Whether what is left is exactly lit, without case (nothing is taken). */
static inline bool rd_equals_nocase(const struct rd *r, const char *lit)
{
	struct rd c = *r;

	return rd_expect_nocase(&c, lit) && c.left == 0;
}

/* Whether every byte left is in the set in_set() describes (true for an
 * empty reader; nothing is taken). */
static inline bool rd_all(const struct rd *r, bool (*in_set)(uint8_t c))
{
	for (size_t i = 0; i < r->left; i++)
		if (!in_set(r->p[i]))
			return false;
	return true;
}

/* Drop the bytes of set (a C string) from both ends: optional white space
 * around a header value. */
static inline void rd_strip(struct rd *r, const char *set)
{
	size_t n = strlen(set);

	while (r->left && memchr(set, r->p[0], n)) {
		r->p++;
		r->left--;
	}
	while (r->left && memchr(set, r->p[r->left - 1], n))
		r->left--;
}

/* Copy everything left out as a C string into dst of cap bytes.  False,
 * and r unchanged, when it does not fit with its NUL. */
static inline bool rd_str(struct rd *r, char *dst, size_t cap)
{
	if (r->left >= cap)
		return false;
	if (r->left)
		memcpy(dst, r->p, r->left);
	dst[r->left] = '\0';
	r->left = 0;
	return true;
}

static inline struct wr wr_init(void *buf, size_t cap)
{
	struct wr w = { buf, buf, cap, 0, false };
	return w;
}

static inline size_t wr_len(const struct wr *w)
{
	return (size_t)(w->p - w->start);
}

static inline bool wr_bytes(struct wr *w, const void *src, size_t n)
{
	if (w->overflow || w->left < n) {
		w->overflow = true;
		return false;
	}
	if (n)
		memcpy(w->p, src, n);
	w->p += n;
	w->left -= n;
	return true;
}

static inline bool wr_zero(struct wr *w, size_t n)
{
	if (w->overflow || w->left < n) {
		w->overflow = true;
		return false;
	}
	memset(w->p, 0, n);
	w->p += n;
	w->left -= n;
	return true;
}

static inline bool wr_u8(struct wr *w, uint8_t v)
{
	return wr_bytes(w, &v, 1);
}

static inline bool wr_u16(struct wr *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return wr_bytes(w, b, 2);
}

static inline bool wr_u32(struct wr *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 8), (uint8_t)v };

	return wr_bytes(w, b, 4);
}

/* Room for n bytes that the caller fills in place (a file's data read
 * straight into the packet): *out points at them. */
static inline bool wr_room(struct wr *w, uint8_t **out, size_t n)
{
	if (w->overflow || w->left < n) {
		w->overflow = true;
		return false;
	}
	*out = w->p;
	w->p += n;
	w->left -= n;
	return true;
}

/* A string and its terminating NUL (TFTP). */
static inline bool wr_cstr(struct wr *w, const char *s)
{
	return wr_bytes(w, s, strlen(s) + 1);
}

/* Mark the reply as failed: a builder met a value it cannot encode. */
static inline void wr_fail(struct wr *w)
{
	w->overflow = true;
}

/* False once anything did not fit (or wr_fail was called). */
static inline bool wr_ok(const struct wr *w)
{
	return !w->overflow;
}

/* The length written, or -ENOBUFS when anything did not fit. */
static inline int wr_done(const struct wr *w)
{
	return w->overflow ? -ENOBUFS : (int)wr_len(w);
}

/* Reserve n zeroed bytes at the current place, to be filled in later
 * through *hole (a checksum or length known only at the end).  The hole is
 * a writer over exactly those n bytes; on failure it has no room. */
static inline bool wr_reserve(struct wr *w, struct wr *hole, size_t n)
{
	uint8_t *at = w->p;

	if (!wr_zero(w, n)) {
		*hole = wr_init(NULL, 0);
		wr_fail(hole);
		return false;
	}
	*hole = wr_init(at, n);
	return true;
}

/* A reader over everything written so far (to checksum it). */
static inline struct rd wr_written(const struct wr *w)
{
	return rd_init(w->start, wr_len(w));
}

/* Keep n bytes at the end out of reach until wr_release_end(): room that
 * must stay for a last item (DHCP's END option) whatever comes before. */
static inline bool wr_hold_end(struct wr *w, size_t n)
{
	if (w->overflow || w->left < n) {
		w->overflow = true;
		return false;
	}
	w->left -= n;
	w->held += n;
	return true;
}

/* Give back what wr_hold_end() kept. */
static inline void wr_release_end(struct wr *w)
{
	w->left += w->held;
	w->held = 0;
}

#endif
