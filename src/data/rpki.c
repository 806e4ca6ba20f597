/* SPDX-License-Identifier: ISC */
/* rpki: VRP table, RFC 6811 validation, ASPA verification (the JSON
 * loaders are rpki_json.c).  See rpki.h for the contract. */
#include "rpki.h"

#include <stdlib.h>
#include <string.h>

#include "pfxtree.h"
#include "u32set.h"
#include "xalloc.h"

/* --- VRP table ----------------------------------------------------------- */

/* The VRPs of one prefix: a small array sorted by (asn, max_len).  Most
 * prefixes have one or two, so a sorted array beats anything fancier. */
struct vrp_entry {
	uint32_t asn;
	uint8_t max_len;
	uint16_t refs;               /* sources holding it; saturates */
};
struct vrp_set {
	uint32_t n, cap;
	struct vrp_entry e[];
};

struct vrp_table {
	struct pfxtree *tree;        /* prefix -> struct vrp_set * */
	size_t count;                /* distinct VRPs */
};

const char *rov_state_str(enum rov_state s)
{
	switch (s) {
	case ROV_VALID: return "valid";
	case ROV_INVALID: return "invalid";
	case ROV_NOT_FOUND: break;
	}
	return "not-found";
}

struct vrp_table *vrp_table_new(void)
{
	struct vrp_table *t = xcalloc(1, sizeof(*t));
	t->tree = pfxtree_new();
	return t;
}

void vrp_table_free(struct vrp_table *t)
{
	if (t == NULL)
		return;
	pfxtree_free(t->tree, free);
	free(t);
}

bool vrp_is_valid(const struct vrp *v)
{
	if (v->prefix.afi != AFI_IPV4 && v->prefix.afi != AFI_IPV6)
		return false;
	return v->prefix.len <= v->max_len && v->max_len <= afi_max_prefix_len(v->prefix.afi);
}

static int entry_cmp(uint32_t asn_a, uint8_t len_a, uint32_t asn_b, uint8_t len_b)
{
	if (asn_a != asn_b)
		return asn_a < asn_b ? -1 : 1;
	return len_a == len_b ? 0 : len_a < len_b ? -1 : 1;
}

/* Index of (asn, max_len) in s, or where it would be inserted. */
static uint32_t set_lower_bound(const struct vrp_set *s, uint32_t asn, uint8_t max_len)
{
	uint32_t lo = 0, hi = s->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (entry_cmp(s->e[mid].asn, s->e[mid].max_len, asn, max_len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool set_has(const struct vrp_set *s, uint32_t i, uint32_t asn, uint8_t max_len)
{
	return i < s->n && s->e[i].asn == asn && s->e[i].max_len == max_len;
}

int vrp_table_add(struct vrp_table *t, const struct vrp *v)
{
	if (!vrp_is_valid(v))
		return -1;
	void **slot = pfxtree_insert(t->tree, &v->prefix, NULL);
	struct vrp_set *s = *slot;
	uint32_t i = s ? set_lower_bound(s, v->asn, v->max_len) : 0;
	if (s && set_has(s, i, v->asn, v->max_len)) {
		if (s->e[i].refs < UINT16_MAX)
			s->e[i].refs++;
		return 0;
	}
	if (s == NULL || s->n == s->cap) {
		uint32_t cap = s ? s->cap * 2 : 1;
		s = xrealloc(s, sizeof(*s) + cap * sizeof(s->e[0]));
		if (*slot == NULL)
			s->n = 0;
		s->cap = cap;
		*slot = s;
	}
	memmove(&s->e[i + 1], &s->e[i], (s->n - i) * sizeof(s->e[0]));
	s->e[i] = (struct vrp_entry){ .asn = v->asn, .max_len = v->max_len, .refs = 1 };
	s->n++;
	t->count++;
	return 1;
}

int vrp_table_remove(struct vrp_table *t, const struct vrp *v)
{
	if (!vrp_is_valid(v))
		return -1;
	void **slot = pfxtree_find(t->tree, &v->prefix);
	struct vrp_set *s = slot ? *slot : NULL;
	if (s == NULL)
		return 0;
	uint32_t i = set_lower_bound(s, v->asn, v->max_len);
	if (!set_has(s, i, v->asn, v->max_len) || --s->e[i].refs > 0)
		return 0;
	memmove(&s->e[i], &s->e[i + 1], (s->n - i - 1) * sizeof(s->e[0]));
	s->n--;
	t->count--;
	if (s->n == 0)
		free(pfxtree_remove(t->tree, &v->prefix));
	return 1;
}

size_t vrp_table_apply(struct vrp_table *t, const struct vrp_change *c, size_t n)
{
	size_t changed = 0;
	for (size_t i = 0; i < n; i++) {
		int r = c[i].added ? vrp_table_add(t, &c[i].vrp) : vrp_table_remove(t, &c[i].vrp);
		changed += r > 0;
	}
	return changed;
}

size_t vrp_table_count(const struct vrp_table *t)
{
	return t->count;
}

struct rov_ctx {
	uint8_t len;
	uint32_t origin_as;
	bool covered;                /* some VRP covers the prefix */
};

/* Covering-walk visitor: 1 stops the walk with a match. */
static int rov_match(const struct prefix *entry, void *val, void *arg)
{
	const struct vrp_set *s = val;
	struct rov_ctx *c = arg;
	(void)entry;
	c->covered = true;
	if (c->origin_as == 0)
		return 0;
	/* The entries of origin_as are adjacent, the longest max_len last. */
	uint32_t i = set_lower_bound(s, c->origin_as, UINT8_MAX);
	return i > 0 && s->e[i - 1].asn == c->origin_as && s->e[i - 1].max_len >= c->len;
}

/* One walk over the covering VRPs: a match is VALID; covered without a
 * match INVALID; nothing covering NOT_FOUND (RFC 6811 §2). */
enum rov_state rov_validate(const struct vrp_table *t, const struct prefix *p, uint32_t origin_as)
{
	struct rov_ctx c = { .len = p->len, .origin_as = origin_as };
	if (pfxtree_walk_covering(t->tree, p, rov_match, &c))
		return ROV_VALID;
	return c.covered ? ROV_INVALID : ROV_NOT_FOUND;
}

struct change_vec {
	struct vrp_change *v;
	size_t n, cap;
};

static void change_push(struct change_vec *cv, const struct prefix *p, const struct vrp_entry *e,
    bool added)
{
	XGROW(cv->v, cv->n, cv->cap, 64);
	cv->v[cv->n++] = (struct vrp_change){
		.vrp = { .prefix = *p, .asn = e->asn, .max_len = e->max_len }, .added = added,
	};
}

struct diff_ctx {
	const struct vrp_table *other;
	bool added;                  /* what an entry missing from other is */
	struct change_vec *out;
};

/* Emits the entries of one prefix that the other table lacks. */
static int diff_prefix(const struct prefix *p, void *val, void *arg)
{
	const struct vrp_set *s = val;
	const struct diff_ctx *d = arg;
	void **slot = pfxtree_find(d->other->tree, p);
	const struct vrp_set *o = slot ? *slot : NULL;
	for (uint32_t i = 0; i < s->n; i++) {
		const struct vrp_entry *e = &s->e[i];
		if (o == NULL || !set_has(o, set_lower_bound(o, e->asn, e->max_len), e->asn, e->max_len))
			change_push(d->out, p, e, d->added);
	}
	return 0;
}

size_t vrp_table_diff(const struct vrp_table *from, const struct vrp_table *to,
    struct vrp_change **out)
{
	struct change_vec cv = { 0 };
	struct diff_ctx removed = { .other = to, .added = false, .out = &cv };
	struct diff_ctx added = { .other = from, .added = true, .out = &cv };
	pfxtree_walk(from->tree, diff_prefix, &removed);
	pfxtree_walk(to->tree, diff_prefix, &added);
	*out = cv.v;
	return cv.n;
}

/* --- ASPA ---------------------------------------------------------------- */

struct aspa_customer {
	uint32_t customer;
	uint32_t first, n;           /* its providers: prov[first .. first+n) */
};

struct aspa_table {
	struct aspa_customer *c;     /* sorted by customer */
	size_t n;
	uint32_t *prov;              /* each customer's run sorted */
};

const char *aspa_state_str(enum aspa_state s)
{
	switch (s) {
	case ASPA_VALID: return "valid";
	case ASPA_INVALID: return "invalid";
	case ASPA_UNKNOWN: break;
	}
	return "unknown";
}

struct as_pair { uint32_t customer, provider; };

static int as_pair_cmp(const void *a, const void *b)
{
	const struct as_pair *x = a, *y = b;
	if (x->customer != y->customer)
		return x->customer < y->customer ? -1 : 1;
	return x->provider < y->provider ? -1 : x->provider > y->provider;
}

struct aspa_table *aspa_table_new(const struct aspa *records, size_t n)
{
	size_t np = 0;
	for (size_t i = 0; i < n; i++)
		np += records[i].n_providers ? records[i].n_providers : 1;
	/* Every (customer, provider) pair, sorted: merging records of one
	 * customer and deduplicating providers is then one pass.  An empty
	 * provider list becomes AS0, which aspa_hop_check never matches. */
	struct as_pair *pairs = xmalloc(np * sizeof(*pairs));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (records[i].n_providers == 0)
			pairs[k++] = (struct as_pair){ records[i].customer, 0 };
		for (size_t j = 0; j < records[i].n_providers; j++)
			pairs[k++] = (struct as_pair){ records[i].customer, records[i].providers[j] };
	}
	qsort(pairs, np, sizeof(*pairs), as_pair_cmp);

	struct aspa_table *t = xcalloc(1, sizeof(*t));
	t->c = xmalloc((np ? np : 1) * sizeof(*t->c));
	t->prov = xmalloc((np ? np : 1) * sizeof(*t->prov));
	size_t nprov = 0;
	for (size_t i = 0; i < np; i++) {
		if (i > 0 && as_pair_cmp(&pairs[i], &pairs[i - 1]) == 0)
			continue;
		if (t->n == 0 || t->c[t->n - 1].customer != pairs[i].customer)
			t->c[t->n++] = (struct aspa_customer){ pairs[i].customer, (uint32_t)nprov, 0 };
		t->prov[nprov++] = pairs[i].provider;
		t->c[t->n - 1].n++;
	}
	free(pairs);
	return t;
}

void aspa_table_free(struct aspa_table *t)
{
	if (t == NULL)
		return;
	free(t->c);
	free(t->prov);
	free(t);
}

size_t aspa_table_count(const struct aspa_table *t)
{
	return t->n;
}

enum aspa_hop aspa_hop_check(const struct aspa_table *t, uint32_t customer, uint32_t provider)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct aspa_customer *c = &t->c[mid];
		if (c->customer == customer) {
			/* AS0 stands for "no provider": never a provider. */
			return provider != 0 && u32_contains(t->prov + c->first, c->n, provider) ?
			    ASPA_PROVIDER : ASPA_NOT_PROVIDER;
		}
		if (c->customer < customer)
			lo = mid + 1;
		else
			hi = mid;
	}
	return ASPA_NO_ATTESTATION;
}

/* max_up_ramp < N exactly when some hop is "not provider", and
 * min_up_ramp < N when some hop is "not provider" or unattested; one walk
 * from the origin towards the neighbour answers both. */
enum aspa_state aspa_verify_upstream(const struct aspa_table *t, const uint32_t *path, size_t n,
    bool has_set)
{
	if (n == 0 || has_set)
		return ASPA_INVALID;
	bool unattested = false;
	for (size_t i = n - 1; i > 0; i--) {
		if (path[i] == path[i - 1])
			continue;            /* prepend: collapsed */
		switch (aspa_hop_check(t, path[i], path[i - 1])) {
		case ASPA_NOT_PROVIDER:
			return ASPA_INVALID;
		case ASPA_NO_ATTESTATION:
			unattested = true;
			break;
		case ASPA_PROVIDER:
			break;
		}
	}
	return unattested ? ASPA_UNKNOWN : ASPA_VALID;
}
