/* SPDX-License-Identifier: ISC */
/* community: compiling, matching and editing BGP communities; see
 * community.h for the contract. */
#include "community.h"

#include <stdio.h>
#include <string.h>

#include "bgp.h"

/* Extended community type and subtypes arouteserver's "rt"/"ro" map to. */
#define EXT_TYPE_AS2            0x00    /* transitive two-octet-AS-specific */
#define EXT_TYPE_AS4            0x02    /* transitive four-octet-AS-specific */
#define EXT_SUB_ROUTE_TARGET    0x02
#define EXT_SUB_ROUTE_ORIGIN    0x03

static const uint8_t kind_len[COMM_KINDS] = { 4, 8, 12 };
static const uint8_t kind_type[COMM_KINDS] = {
	ATTR_COMMUNITIES, ATTR_EXT_COMMUNITIES, ATTR_LARGE_COMMUNITIES,
};

size_t comm_len(enum comm_kind kind)
{
	return kind < COMM_KINDS ? kind_len[kind] : 0;
}

const char *comm_kind_name(enum comm_kind kind)
{
	static const char *const names[COMM_KINDS] = { "std", "ext", "lrg" };
	return kind < COMM_KINDS ? names[kind] : "?";
}

/* The kind carried by an attribute type, -1 for other attributes. */
static int kind_of_type(uint8_t type)
{
	for (int k = 0; k < COMM_KINDS; k++)
		if (kind_type[k] == type)
			return k;
	return -1;
}

/* --- values -------------------------------------------------------------- */

struct comm_value comm_std(uint32_t v)
{
	struct comm_value c = { .kind = COMM_STD };
	put_u32(c.b, v);
	return c;
}

struct comm_value comm_ext(uint64_t v)
{
	struct comm_value c = { .kind = COMM_EXT };
	put_u32(c.b, (uint32_t)(v >> 32));
	put_u32(c.b + 4, (uint32_t)v);
	return c;
}

struct comm_value comm_lrg(uint32_t global, uint32_t local1, uint32_t local2)
{
	struct comm_value c = { .kind = COMM_LRG };
	put_u32(c.b, global);
	put_u32(c.b + 4, local1);
	put_u32(c.b + 8, local2);
	return c;
}

static int ext_str(const uint8_t *b, char *buf, size_t len)
{
	const char *tag = b[1] == EXT_SUB_ROUTE_TARGET ? "rt" : b[1] == EXT_SUB_ROUTE_ORIGIN ? "ro" : NULL;
	if (tag && b[0] == EXT_TYPE_AS2)
		return snprintf(buf, len, "%s:%u:%u", tag, get_u16(b + 2), get_u32(b + 4));
	if (tag && b[0] == EXT_TYPE_AS4)
		return snprintf(buf, len, "%s:%u:%u", tag, get_u32(b + 2), get_u16(b + 6));
	return snprintf(buf, len, "0x%08x%08x", get_u32(b), get_u32(b + 4));
}

int comm_value_str(const struct comm_value *v, char *buf, size_t len)
{
	switch (v->kind) {
	case COMM_STD:
		return snprintf(buf, len, "%u:%u", get_u16(v->b), get_u16(v->b + 2));
	case COMM_EXT:
		return ext_str(v->b, buf, len);
	case COMM_LRG:
		return snprintf(buf, len, "%u:%u:%u", get_u32(v->b), get_u32(v->b + 4), get_u32(v->b + 8));
	default:
		return snprintf(buf, len, "?");
	}
}

/* --- definitions ------------------------------------------------------- */

#define WELL_KNOWN(v) { .f[COMM_STD] = { .len = 4, .b = { \
	(uint8_t)((v) >> 24), (uint8_t)((v) >> 16), (uint8_t)((v) >> 8), (uint8_t)(v) } } }
const struct comm_def comm_no_export = WELL_KNOWN(COMMUNITY_NO_EXPORT);
const struct comm_def comm_no_advertise = WELL_KNOWN(COMMUNITY_NO_ADVERTISE);
const struct comm_def comm_blackhole = WELL_KNOWN(COMMUNITY_BLACKHOLE);
const struct comm_def comm_gshut = WELL_KNOWN(COMMUNITY_GSHUT);

/* One part of a community text: a number, rs_as, or a variable macro. */
static int parse_part(const char *s, size_t n, uint32_t rs_as, uint64_t *v, bool *var)
{
	*v = 0;
	*var = (n == 7 && (memcmp(s, "peer_as", 7) == 0 || memcmp(s, "dyn_val", 7) == 0));
	if (*var)
		return 0;
	if (n == 5 && memcmp(s, "rs_as", 5) == 0) {
		*v = rs_as;
		return 0;
	}
	if (n == 0 || n > 10)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return *v > UINT32_MAX ? -1 : 0;
}

/* Exactly `want` colon-separated parts; *var: the last one is a variable
 * macro (it may be nowhere else). */
static int parse_parts(const char *text, int want, uint32_t rs_as, uint64_t v[3], bool *var)
{
	const char *p = text;
	for (int i = 0; i < want; i++) {
		size_t n = strcspn(p, ":");
		bool last = i == want - 1;
		if (last != (p[n] == '\0') || parse_part(p, n, rs_as, &v[i], var) < 0 || (*var && !last))
			return -1;
		p += n + 1;
	}
	return 0;
}

static int compile_std(struct comm_form *f, const char *text, uint32_t rs_as)
{
	uint64_t v[3];
	bool var;
	if (parse_parts(text, 2, rs_as, v, &var) < 0 || v[0] > 0xffff || v[1] > 0xffff)
		return -1;
	put_u16(f->b, (uint16_t)v[0]);
	put_u16(f->b + 2, (uint16_t)v[1]);
	f->var_len = var ? 2 : 0;
	return 0;
}

static int compile_lrg(struct comm_form *f, const char *text, uint32_t rs_as)
{
	uint64_t v[3];
	bool var;
	if (parse_parts(text, 3, rs_as, v, &var) < 0)
		return -1;
	for (int i = 0; i < 3; i++)
		put_u32(f->b + 4 * i, (uint32_t)v[i]);
	f->var_len = var ? 4 : 0;
	return 0;
}

/* "rt:x:y" / "ro:x:y": the global part decides the encoding, and the local
 * part then has what is left of the 6 value bytes. */
static int compile_ext(struct comm_form *f, const char *text, uint32_t rs_as)
{
	uint64_t v[3];
	bool var;
	if (strncmp(text, "rt:", 3) == 0)
		f->b[1] = EXT_SUB_ROUTE_TARGET;
	else if (strncmp(text, "ro:", 3) == 0)
		f->b[1] = EXT_SUB_ROUTE_ORIGIN;
	else
		return -1;
	if (parse_parts(text + 3, 2, rs_as, v, &var) < 0)
		return -1;
	if (v[0] <= 0xffff) {
		f->b[0] = EXT_TYPE_AS2;
		put_u16(f->b + 2, (uint16_t)v[0]);
		put_u32(f->b + 4, (uint32_t)v[1]);
		f->var_len = var ? 4 : 0;
		return 0;
	}
	if (v[1] > 0xffff)
		return -1;
	f->b[0] = EXT_TYPE_AS4;
	put_u32(f->b + 2, (uint32_t)v[0]);
	put_u16(f->b + 6, (uint16_t)v[1]);
	f->var_len = var ? 2 : 0;
	return 0;
}

unsigned comm_def_compile(struct comm_def *d, const struct cfg_community *c, uint32_t rs_as)
{
	static int (*const compile[COMM_KINDS])(struct comm_form *, const char *, uint32_t) = {
		compile_std, compile_ext, compile_lrg,
	};
	const char *text[COMM_KINDS] = { c->std, c->ext, c->lrg };
	unsigned dropped = 0;

	memset(d, 0, sizeof(*d));
	for (int k = 0; k < COMM_KINDS; k++) {
		struct comm_form *f = &d->f[k];
		if (text[k] == NULL)
			continue;
		if (compile[k](f, text[k], rs_as) < 0) {
			memset(f, 0, sizeof(*f));
			dropped |= COMM_BIT(k);
			continue;
		}
		f->len = kind_len[k];
	}
	return dropped;
}

bool comm_def_empty(const struct comm_def *d)
{
	for (int k = 0; k < COMM_KINDS; k++)
		if (d->f[k].len)
			return false;
	return true;
}

size_t comm_def_values(const struct comm_def *d, uint32_t val, struct comm_value out[COMM_KINDS])
{
	size_t n = 0;
	for (int k = 0; k < COMM_KINDS; k++) {
		const struct comm_form *f = &d->f[k];
		if (f->len == 0 || (f->var_len == 2 && val > 0xffff))
			continue;
		out[n].kind = (uint8_t)k;
		memcpy(out[n].b, f->b, f->len);
		if (f->var_len == 2)
			put_u16(out[n].b + f->len - 2, (uint16_t)val);
		else if (f->var_len == 4)
			put_u32(out[n].b + f->len - 4, val);
		n++;
	}
	return n;
}

/* --- matching ------------------------------------------------------------ */

/* Does value p (f->len bytes) have the form's fixed bytes?  *val gets its
 * variable part. */
static bool form_match(const struct comm_form *f, const uint8_t *p, uint32_t *val)
{
	const uint8_t *var = p + f->len - f->var_len;
	if (memcmp(f->b, p, (size_t)(f->len - f->var_len)) != 0)
		return false;
	*val = f->var_len == 4 ? get_u32(var) : f->var_len == 2 ? get_u16(var) : 0;
	return true;
}

void comm_match_init(struct comm_match *m, const struct comm_def *d, const uint8_t *attrs, size_t len)
{
	m->d = d;
	attr_iter_init(&m->attrs, attrs, len);
	m->vals = rbuf_make(NULL, 0);
	m->form = NULL;
}

bool comm_match_next(struct comm_match *m, uint32_t *val)
{
	for (;;) {
		struct rbuf one, v;
		uint8_t flags, type;
		while (m->form && rbuf_sub(&m->vals, m->form->len, &one) == 0)
			if (form_match(m->form, one.p, val))
				return true;
		if (!attr_iter_next(&m->attrs, &flags, &type, &v))
			return false;
		int k = kind_of_type(type);
		m->form = k >= 0 && m->d->f[k].len ? &m->d->f[k] : NULL;
		m->vals = v;
	}
}

bool comm_present(const struct comm_def *d, const uint8_t *attrs, size_t len)
{
	struct comm_match m;
	uint32_t val;
	comm_match_init(&m, d, attrs, len);
	return comm_match_next(&m, &val);
}

bool comm_any_present(const struct comm_def *defs, size_t n, const uint8_t *attrs, size_t len)
{
	struct attr_iter it;
	struct rbuf v, one;
	uint8_t flags, type;
	uint32_t val;
	attr_iter_init(&it, attrs, len);
	while (attr_iter_next(&it, &flags, &type, &v)) {
		int k = kind_of_type(type);
		if (k < 0)
			continue;
		while (rbuf_sub(&v, kind_len[k], &one) == 0)
			for (size_t i = 0; i < n; i++)
				if (defs[i].f[k].len && form_match(&defs[i].f[k], one.p, &val))
					return true;
	}
	return false;
}

/* --- editing ------------------------------------------------------------- */

/* Writes the attribute of `type` at its place: old is its value, or NULL
 * (and flags 0) when the route has none. */
typedef int (*attr_emit_fn)(struct wbuf *w, uint8_t type, uint8_t flags, const struct rbuf *old,
    const void *arg);

/* Copies canonical attributes to out, handing each of `types` (ascending)
 * to emit at its place in the ascending order, present or not.  On failure
 * out is restored. */
static int rewrite_attrs(const uint8_t *attrs, size_t len, const uint8_t *types, size_t n_types,
    attr_emit_fn emit, const void *arg, struct wbuf *out)
{
	size_t start = out->len, next = 0;
	struct attr_iter it;
	uint8_t flags, type;
	struct rbuf v;

	attr_iter_init(&it, attrs, len);
	while (it.b.len > 0) {
		if (!attr_iter_next(&it, &flags, &type, &v))
			goto fail;   /* truncated attribute */
		for (; next < n_types && types[next] < type; next++)
			if (emit(out, types[next], 0, NULL, arg) < 0)
				goto fail;
		if (next < n_types && types[next] == type) {
			if (emit(out, type, flags, &v, arg) < 0)
				goto fail;
			next++;
		} else {
			attr_put(out, flags, type, v.p, v.len);
		}
	}
	for (; next < n_types; next++)
		if (emit(out, types[next], 0, NULL, arg) < 0)
			goto fail;
	return 0;
fail:
	out->len = start;
	return -1;
}

static bool value_removed(const struct comm_edit *e, int k, const uint8_t *p)
{
	uint32_t val;
	for (size_t i = 0; i < e->n_scrub; i++) {
		const struct comm_form *f = &e->scrub[i].f[k];
		if (f->len && form_match(f, p, &val))
			return true;
	}
	for (size_t i = 0; i < e->n_del; i++)
		if (e->del[i].kind == k && memcmp(e->del[i].b, p, kind_len[k]) == 0)
			return true;
	return false;
}

static bool values_contain(const uint8_t *vals, size_t len, const uint8_t *p, size_t unit)
{
	for (size_t o = 0; o + unit <= len; o += unit)
		if (memcmp(vals + o, p, unit) == 0)
			return true;
	return false;
}

static int emit_communities(struct wbuf *w, uint8_t type, uint8_t flags, const struct rbuf *old,
    const void *arg)
{
	const struct comm_edit *e = arg;
	int k = kind_of_type(type);
	size_t unit = kind_len[k], hdr = w->len, start, n;
	struct rbuf vals = old ? *old : rbuf_make(NULL, 0), one;

	/* The length is known only at the end: values go after room for the
	 * longest header and move next to the real one. */
	wbuf_reserve(w, 4);
	w->len += 4;
	start = w->len;
	while (rbuf_sub(&vals, unit, &one) == 0)
		if (!value_removed(e, k, one.p))
			wbuf_put(w, one.p, unit);
	for (size_t i = 0; i < e->n_add; i++)
		if (e->add[i].kind == k && !values_contain(w->data + start, w->len - start, e->add[i].b, unit))
			wbuf_put(w, e->add[i].b, unit);
	n = w->len - start;
	w->len = hdr;
	if (n == 0)
		return 0;            /* an empty community attribute is malformed */
	if (n > UINT16_MAX)
		return -1;
	/* cannot reallocate: at most 4 bytes where 4 + n were reserved */
	attr_put_header(w, old ? flags : ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, type, n);
	memmove(w->data + w->len, w->data + start, n);
	w->len += n;
	return 0;
}

int comm_edit_attrs(const uint8_t *attrs, size_t len, const struct comm_edit *e, struct wbuf *out)
{
	return rewrite_attrs(attrs, len, kind_type, COMM_KINDS, emit_communities, e, out);
}

struct prepend {
	uint32_t as;
	unsigned n;
};

static void put_as_n(struct wbuf *w, uint32_t as, unsigned n)
{
	while (n--)
		wbuf_u32(w, as);
}

static int emit_prepended(struct wbuf *w, uint8_t type, uint8_t flags, const struct rbuf *old,
    const void *arg)
{
	const struct prepend *pp = arg;
	struct rbuf path = old ? *old : rbuf_make(NULL, 0);
	bool seq_first = path.len >= 2 && path.p[0] == AS_SEQUENCE;
	unsigned in_first = 0, rest, new_segs;
	size_t len;

	if (old == NULL && pp->n == 0)
		return 0;
	if (seq_first)
		in_first = pp->n < 255u - path.p[1] ? pp->n : 255u - path.p[1];
	rest = pp->n - in_first;
	new_segs = (rest + 254) / 255;
	len = path.len + 4 * (size_t)pp->n + 2 * (size_t)new_segs;
	if (len > UINT16_MAX)
		return -1;
	attr_put_header(w, old ? flags : ATTR_F_TRANSITIVE, type, len);
	/* ASes that do not fit the first segment go into new ones before it */
	while (rest) {
		unsigned c = rest < 255 ? rest : 255;
		wbuf_u8(w, AS_SEQUENCE);
		wbuf_u8(w, (uint8_t)c);
		put_as_n(w, pp->as, c);
		rest -= c;
	}
	if (in_first) {
		wbuf_u8(w, AS_SEQUENCE);
		wbuf_u8(w, (uint8_t)(path.p[1] + in_first));
		put_as_n(w, pp->as, in_first);
		wbuf_put(w, path.p + 2, path.len - 2);
	} else {
		wbuf_put(w, path.p, path.len);
	}
	return 0;
}

int attrs_prepend_as(const uint8_t *attrs, size_t len, uint32_t as, unsigned n, struct wbuf *out)
{
	static const uint8_t types[] = { ATTR_AS_PATH };
	struct prepend pp = { as, n };
	if (n > UINT16_MAX / 4)      /* could never fit; also keeps sizes small */
		return -1;
	return rewrite_attrs(attrs, len, types, 1, emit_prepended, &pp, out);
}
