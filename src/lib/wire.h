/* SPDX-License-Identifier: ISC */
/* wire: bounds-checked big-endian readers and a growable writer.
 * Every byte from the network is read through struct rbuf: a read past the
 * end fails (returns -1) and never touches memory outside the buffer. */
#ifndef IXPD_WIRE_H
#define IXPD_WIRE_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rbuf {
	const uint8_t *p;
	size_t len;                 /* bytes left */
};

static inline struct rbuf rbuf_make(const void *p, size_t len)
{
	return (struct rbuf){ (const uint8_t *)p, len };
}
static inline int rbuf_u8(struct rbuf *b, uint8_t *v)
{
	if (b->len < 1) return -1;
	*v = b->p[0]; b->p++; b->len--;
	return 0;
}
static inline int rbuf_u16(struct rbuf *b, uint16_t *v)
{
	if (b->len < 2) return -1;
	*v = (uint16_t)(b->p[0] << 8 | b->p[1]); b->p += 2; b->len -= 2;
	return 0;
}
static inline int rbuf_u32(struct rbuf *b, uint32_t *v)
{
	if (b->len < 4) return -1;
	*v = (uint32_t)b->p[0] << 24 | (uint32_t)b->p[1] << 16 | (uint32_t)b->p[2] << 8 | b->p[3];
	b->p += 4; b->len -= 4;
	return 0;
}
/* Splits off the next n bytes as a sub-buffer. */
static inline int rbuf_sub(struct rbuf *b, size_t n, struct rbuf *sub)
{
	if (b->len < n) return -1;
	*sub = rbuf_make(b->p, n); b->p += n; b->len -= n;
	return 0;
}
static inline int rbuf_copy(struct rbuf *b, void *dst, size_t n)
{
	if (b->len < n) return -1;
	memcpy(dst, b->p, n); b->p += n; b->len -= n;
	return 0;
}
static inline uint16_t get_u16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void put_u16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* Growable output buffer; allocation failure aborts (see xalloc.h). */
struct wbuf {
	uint8_t *data;
	size_t len, cap;
};

void wbuf_reserve(struct wbuf *w, size_t extra);
void wbuf_free(struct wbuf *w);
static inline void wbuf_put(struct wbuf *w, const void *p, size_t n)
{
	if (n == 0)
		return;
	wbuf_reserve(w, n); memcpy(w->data + w->len, p, n); w->len += n;
}
static inline void wbuf_u8(struct wbuf *w, uint8_t v) { wbuf_reserve(w, 1); w->data[w->len++] = v; }
static inline void wbuf_u16(struct wbuf *w, uint16_t v) { wbuf_reserve(w, 2); put_u16(w->data + w->len, v); w->len += 2; }
static inline void wbuf_u32(struct wbuf *w, uint32_t v) { wbuf_reserve(w, 4); put_u32(w->data + w->len, v); w->len += 4; }
#endif
