/* SPDX-License-Identifier: ISC */
#include "asn.h"

#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "bgp_update.h"
#include "u32set.h"
#include "xalloc.h"

/* arouteserver's as_path_contains_invalid_asn() (templates/bird/common.j2),
 * which follows the IANA "Autonomous System (AS) Numbers" registries
 * (https://www.iana.org/assignments/as-numbers/).  IANA's 16-bit registry
 * also lists 64198-64495 as "Reserved by the IANA"; arouteserver does not
 * reject those, and neither do we, so that both accept the same routes. */
static const struct { uint32_t lo, hi; } invalid_ranges[] = {
	{ 0, 0 },                        /* reserved, RFC 7607 */
	{ AS_TRANS, AS_TRANS },          /* AS_TRANS, RFC 6793 */
	{ 64496, 64511 },                /* documentation, RFC 5398 */
	{ 64512, 65534 },                /* private use, RFC 6996 */
	{ 65535, 65535 },                /* reserved, RFC 7300 */
	{ 65536, 65551 },                /* documentation, RFC 5398 */
	{ 65552, 131071 },               /* reserved by IANA */
	{ 4200000000u, 4294967294u },    /* private use, RFC 6996 */
	{ 4294967295u, 4294967295u },    /* reserved, RFC 7300 */
};

bool asn_is_invalid(uint32_t asn)
{
	for (size_t i = 0; i < sizeof(invalid_ranges) / sizeof(invalid_ranges[0]); i++)
		if (asn >= invalid_ranges[i].lo && asn <= invalid_ranges[i].hi)
			return true;
	return false;
}

/* pierky/arouteserver config.d/general.yml @ 9fea5cd960 (a copy is in
 * shared/data/arouteserver/config.d/general.yml). */
const uint32_t asn_transit_free_reference[] = {
	174, 701, 1299, 2914, 3257, 3320, 3356, 5511, 6453, 6461, 6762, 6830, 7018, 12956,
};
const size_t asn_transit_free_reference_n =
    sizeof(asn_transit_free_reference) / sizeof(asn_transit_free_reference[0]);

/* --- sets ------------------------------------------------------------------ */

void asn_set_add(struct asn_set *s, const uint32_t *v, size_t n)
{
	if (n == 0)
		return;
	s->v = xrealloc(s->v, (s->n + n) * sizeof(*s->v));
	memcpy(s->v + s->n, v, n * sizeof(*v));
	s->n = u32_sort_unique(s->v, s->n + n);
}

bool asn_set_has(const struct asn_set *s, uint32_t asn)
{
	return u32_contains(s->v, s->n, asn);
}

void asn_set_free(struct asn_set *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* --- AS-SET names ------------------------------------------------------------ */

static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_letter(char c) { return is_upper(c) || (c >= 'a' && c <= 'z'); }

/* ASn or AS-xxx, already upper-cased; *is_set tells which. */
static bool rpsl_component(const char *s, size_t len, bool *is_set)
{
	if (len < 3 || s[0] != 'A' || s[1] != 'S')
		return false;
	*is_set = s[2] == '-';
	if (*is_set && len < 4)
		return false;
	for (size_t i = *is_set ? 3 : 2; i < len; i++) {
		if (is_digit(s[i]))
			continue;
		if (!*is_set || !(is_upper(s[i]) || s[i] == '-' || s[i] == '_'))
			return false;
	}
	return is_upper(s[len - 1]) || is_digit(s[len - 1]);
}

bool as_set_name_normalise(char *s)
{
	char *name = strstr(s, "::");
	if (name != NULL) {
		if (name == s)
			return false;
		for (char *p = s; p < name; p++)
			if (!is_letter(*p))
				return false;
		name += 2;
	} else {
		name = s;
	}
	for (char *p = name; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');

	bool any_set = false;
	size_t parts = 0;
	for (char *p = name;; p += strcspn(p, ":") + 1) {
		bool is_set;
		if (!rpsl_component(p, strcspn(p, ":"), &is_set))
			return false;
		any_set |= is_set;
		parts++;
		if (p[strcspn(p, ":")] == '\0')
			break;
	}
	/* RFC 2622 §5: a hierarchical name needs a set component; a lone ASn
	 * names the AS itself. */
	return any_set || parts == 1;
}

/* --- AS_PATH ------------------------------------------------------------------ */

/* Walks the segments of the AS_PATH; calls visit for each segment with its
 * type and ASN bytes.  Stops early when visit returns true. */
struct segment { uint8_t type, count; const uint8_t *asns; };

static bool walk_segments(const uint8_t *attrs, size_t len,
    bool (*visit)(const struct segment *seg, void *ctx), void *ctx)
{
	struct rbuf v;
	if (attr_find(attrs, len, ATTR_AS_PATH, &v) < 0)
		return false;
	struct segment seg;
	struct rbuf asns;
	while (rbuf_u8(&v, &seg.type) == 0 && rbuf_u8(&v, &seg.count) == 0 &&
	    rbuf_sub(&v, (size_t)seg.count * 4, &asns) == 0) {
		seg.asns = asns.p;
		if (visit(&seg, ctx))
			return true;
	}
	return false;
}

struct find_ctx {
	bool (*match)(uint32_t asn, const void *arg);
	const void *arg;
	uint32_t found;
};

static bool find_in_segment(const struct segment *seg, void *ctx)
{
	struct find_ctx *f = ctx;
	for (unsigned i = 0; i < seg->count; i++) {
		uint32_t asn = get_u32(seg->asns + 4 * i);
		if (f->match(asn, f->arg)) {
			f->found = asn;
			return true;
		}
	}
	return false;
}

bool as_path_find(const uint8_t *attrs, size_t len,
    bool (*match)(uint32_t asn, const void *arg), const void *arg, uint32_t *found)
{
	struct find_ctx f = { match, arg, 0 };
	if (!walk_segments(attrs, len, find_in_segment, &f))
		return false;
	if (found != NULL)
		*found = f.found;
	return true;
}

static bool match_invalid(uint32_t asn, const void *arg)
{
	return asn_is_invalid(asn);
}

bool as_path_has_invalid(const uint8_t *attrs, size_t len, uint32_t *found)
{
	return as_path_find(attrs, len, match_invalid, NULL, found);
}

static bool match_set(uint32_t asn, const void *arg)
{
	return asn_set_has(arg, asn);
}

struct set_except { const struct asn_set *set; uint32_t except; };

static bool match_set_except(uint32_t asn, const void *arg)
{
	const struct set_except *x = arg;
	return asn != x->except && asn_set_has(x->set, asn);
}

bool as_path_has_transit_free(const uint8_t *attrs, size_t len, const struct asn_set *transit_free,
    uint32_t member_asn, uint32_t *found)
{
	struct set_except x = { transit_free, member_asn };
	return as_path_find(attrs, len, match_set_except, &x, found);
}

bool as_path_has_never_via_rs(const uint8_t *attrs, size_t len, const struct asn_set *never_via,
    uint32_t *found)
{
	return as_path_find(attrs, len, match_set, never_via, found);
}

struct hops_ctx {
	uint32_t *out;
	size_t max, n;
	uint32_t last;               /* the last hop counted */
	bool has_set;
};

static bool collect_hops(const struct segment *seg, void *ctx)
{
	struct hops_ctx *h = ctx;
	if (seg->type != AS_SEQUENCE) {
		h->has_set = true;
		return true;
	}
	for (unsigned i = 0; i < seg->count; i++) {
		uint32_t asn = get_u32(seg->asns + 4 * i);
		if (h->n > 0 && asn == h->last)
			continue;            /* a prepend */
		if (h->n < h->max)
			h->out[h->n] = asn;
		h->n++;
		h->last = asn;
	}
	return false;
}

long as_path_hops(const uint8_t *attrs, size_t len, uint32_t *out, size_t max)
{
	struct hops_ctx h = { .out = out, .max = max };
	walk_segments(attrs, len, collect_hops, &h);
	return h.has_set ? AS_PATH_HAS_SET : (long)h.n;
}
