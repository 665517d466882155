/* Bounds-checked reader and writer for packets.
 *
 * Every access to received bytes goes through a struct rd; every reply is
 * built through a struct wr.  Each call checks the space left first, so no
 * other code does pointer arithmetic on packets.  Readers return false when
 * the data runs out; writers latch an error flag so that a builder can write
 * a whole reply and check once at the end.
 */
#ifndef PXE_CURSOR_H
#define PXE_CURSOR_H

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
	const uint8_t *nul = memchr(r->p, 0, r->left);

	if (!nul)
		return false;
	*s = (const char *)r->p;
	*len = (size_t)(nul - r->p);
	r->left -= *len + 1;
	r->p = nul + 1;
	return true;
}

static inline struct wr wr_init(void *buf, size_t cap)
{
	struct wr w = { buf, buf, cap, false };
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

/* A value that cannot be written (too long for its field): the reply
 * fails as a whole, like any overflow. */
static inline void wr_fail(struct wr *w)
{
	w->overflow = true;
}

/* Set n bytes aside at the end (an END option that must fit whatever
 * comes before it); wr_release() gives them back for that last write. */
static inline bool wr_reserve(struct wr *w, size_t n)
{
	if (w->overflow || w->left < n) {
		w->overflow = true;
		return false;
	}
	w->left -= n;
	return true;
}

static inline void wr_release(struct wr *w, size_t n)
{
	w->left += n;
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

#endif
