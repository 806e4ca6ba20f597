/* SPDX-License-Identifier: ISC */
/* irr: RPSL dumps and AS-SET expansion (bgpq4 and the on-disk cache are
 * irr_bgpq4.c); see irr.h for the contract.
 *
 * The RPSL db keeps only what expansion needs, indexed for it: route
 * objects as (origin, prefix) pairs sorted by origin -- a member's prefixes
 * are then one binary search per origin ASN -- and AS-SETs in an
 * open-addressing hash table, their members already split into ASNs and
 * indexes of other sets, so expansion never parses text. */
#include "irr_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errbuf.h"
#include "hash.h"
#include "htab.h"
#include "log.h"
#include "u32set.h"
#include "xalloc.h"

#define LINE_MAX_BYTES (64u * 1024)        /* longer RPSL lines skip their object */
#define READ_CHUNK (1u << 20)
#define MAX_ROUTES (64u * 1024 * 1024)     /* route objects per db: ~1.5 GB */
#define MAX_SET_MEMBERS (1u << 20)         /* members of one as-set */
#define MAX_SETS (16u * 1024 * 1024)       /* AS-SET names per db */
#define WARNINGS_PER_FILE 10               /* logged; the rest are only counted */
#define UNKNOWN_LOGGED 5                   /* unknown AS-SETs logged per expansion */

/* ---- names ---- */

static bool name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == ':' || c == '_' || c == '-';
}

bool irr_alnum(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool irr_name_valid(const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || len > IRR_NAME_MAX || !irr_alnum(name[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!name_char(name[i]))
			return false;
	return true;
}

static void upcase(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

/* "AS64500" (any case) -> 64500; false for anything else, AS-SETs included. */
static bool parse_asn(const char *s, size_t len, uint32_t *out)
{
	if (len < 3 || len > 12 || (s[0] != 'A' && s[0] != 'a') || (s[1] != 'S' && s[1] != 's'))
		return false;
	uint64_t v = 0;
	for (size_t i = 2; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* The name without an IRR source prefix ("RIPE::AS-FOO" -> "AS-FOO"). */
static const char *strip_source(const char *name)
{
	const char *s = strstr(name, "::");
	return s ? s + 2 : name;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void irr_names_free(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Validated, upper-cased, sorted, de-duplicated copies of names. */
char **irr_canon_names(const char *const *names, int n, int *nout, char *err, size_t errlen)
{
	if (n <= 0) {
		errbuf_set(err, errlen, "no AS-SET or ASN to expand");
		return NULL;
	}
	for (int i = 0; i < n; i++)
		if (!irr_name_valid(names[i])) {
			errbuf_set(err, errlen, "'%.*s' is not a valid AS-SET or ASN name", IRR_NAME_MAX, names[i]);
			return NULL;
		}
	char **v = xmalloc((size_t)n * sizeof(*v));
	for (int i = 0; i < n; i++) {
		v[i] = xstrdup(names[i]);
		upcase(v[i]);
	}
	qsort(v, (size_t)n, sizeof(*v), cmp_str);
	int k = 0;
	for (int i = 0; i < n; i++) {
		if (k > 0 && strcmp(v[k - 1], v[i]) == 0)
			free(v[i]);
		else
			v[k++] = v[i];
	}
	*nout = k;
	return v;
}

static char *join_key(char **v, int n)
{
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	char *key = xmalloc(len), *p = key;
	for (int i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? "+" : "", v[i]);
	return key;
}

char *irr_key(const char *const *names, int n)
{
	int nc;
	char err[8];
	char **v = irr_canon_names(names, n, &nc, err, sizeof(err));
	if (!v)
		return NULL;
	char *key = join_key(v, nc);
	for (int i = 0; i < nc; i++)
		free(v[i]);
	free(v);
	return key;
}

int irr_client_names(const struct ixpd_config *cfg, const struct cfg_client *c, char ***out)
{
	const struct cfg_str_list *sets = &c->irrdb.as_sets;
	for (int i = 0; sets->n == 0 && i < cfg->n_asns; i++)
		if (cfg->asns[i].asn == c->asn)
			sets = &cfg->asns[i].as_sets;

	char **v = xmalloc((size_t)(sets->n + 1) * sizeof(*v));
	char own[16];
	snprintf(own, sizeof(own), "AS%" PRIu32, c->asn);
	v[0] = xstrdup(own);
	for (int i = 0; i < sets->n; i++)
		v[i + 1] = xstrdup(sets->v[i]);
	*out = v;
	return sets->n + 1;
}

/* ---- members ---- */

static void push_u32(uint32_t **v, size_t *n, size_t *cap, uint32_t x)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = x;
}

struct irr_member *irr_member_of_canon(char **v, int n)
{
	struct irr_member *m = xcalloc(1, sizeof(*m));
	m->key = join_key(v, n);
	m->prefixes = pfxtree_new();
	m->generated = time(NULL);
	return m;
}

struct irr_member *irr_member_new(const char *const *names, int n, char *err, size_t errlen)
{
	int nc;
	char **v = irr_canon_names(names, n, &nc, err, errlen);
	if (v == NULL)
		return NULL;
	struct irr_member *m = irr_member_of_canon(v, nc);
	irr_names_free(v, nc);
	return m;
}

void irr_member_free(struct irr_member *m)
{
	if (m == NULL)
		return;
	pfxtree_free(m->prefixes, NULL);
	free(m->origins);
	free(m->key);
	free(m);
}

unsigned irr_check(const struct irr_member *m, const struct prefix *p, uint32_t origin_as,
    bool allow_longer)
{
	unsigned r = 0;
	/* origins is NULL in a member no ASN was added to (found by
	 * fuzz_bgpq4: bsearch() may not be given NULL; u32_contains may) */
	if (u32_contains(m->origins, m->n_origins, origin_as))
		r |= IRR_ORIGIN_OK;
	if (allow_longer ? pfxtree_covers(m->prefixes, p) : pfxtree_find(m->prefixes, p) != NULL)
		r |= IRR_PREFIX_OK;
	return r;
}

/* ---- the RPSL db ---- */

struct irr_set {
	char *name;                  /* upper case */
	bool defined;                /* an as-set object was loaded (else only referenced) */
	uint32_t *asns;
	uint32_t *sets;              /* indexes into irr_db.sets */
	size_t n_asns, cap_asns, n_sets, cap_sets;
};

struct irr_db {
	struct origin_prefix *routes;    /* sorted by origin after every load */
	size_t n_routes, cap_routes;
	struct irr_set *sets;
	uint32_t n_sets, cap_sets;
	struct htab index;           /* sets by name */
};

struct irr_db *irr_db_new(void)
{
	return xcalloc(1, sizeof(struct irr_db));
}

void irr_db_free(struct irr_db *db)
{
	if (db == NULL)
		return;
	for (uint32_t i = 0; i < db->n_sets; i++) {
		free(db->sets[i].name);
		free(db->sets[i].asns);
		free(db->sets[i].sets);
	}
	free(db->sets);
	htab_free(&db->index);
	free(db->routes);
	free(db);
}

static uint32_t name_hash(const char *s)
{
	return (uint32_t)hash_bytes(hash_seed, s, strlen(s));
}

static bool set_has_name(const void *db, uint32_t i, const void *name)
{
	return strcmp(((const struct irr_db *)db)->sets[i].name, name) == 0;
}

/* Index of the set called name (upper case), or -1. */
static int64_t set_find(const struct irr_db *db, const char *name)
{
	return htab_find(&db->index, name_hash(name), set_has_name, db, name);
}

/* Index of the set called name (upper case), created undefined if new;
 * -1 if the db holds MAX_SETS names already. */
static int64_t set_intern(struct irr_db *db, const char *name)
{
	int64_t found = set_find(db, name);
	if (found >= 0 || db->n_sets == MAX_SETS)
		return found;
	XGROW(db->sets, db->n_sets, db->cap_sets, 256);
	uint32_t i = db->n_sets++;
	db->sets[i] = (struct irr_set){ .name = xstrdup(name) };
	htab_insert(&db->index, name_hash(name), i, set_has_name, db, name);
	return i;
}

/* Sorts by origin and drops the copies of a route registered in several
 * databases. */
static void sort_routes(struct irr_db *db)
{
	db->n_routes = origin_prefix_sort_unique(db->routes, db->n_routes);
}

/* ---- RPSL reading ---- */

/* Lines of a file, without their '\n', NUL-terminated, in a buffer of
 * bounded size whatever the input holds. */
struct line_reader {
	FILE *f;
	char *buf;                   /* READ_CHUNK + 1 */
	size_t pos, len;
	bool skipping;               /* the rest of an overlong line */
};

static bool refill(struct line_reader *rd)
{
	size_t avail = rd->len - rd->pos;
	memmove(rd->buf, rd->buf + rd->pos, avail);
	rd->pos = 0;
	rd->len = avail;
	size_t n = fread(rd->buf + avail, 1, READ_CHUNK - avail, rd->f);
	rd->len += n;
	return n > 0;
}

/* The next line, NULL at the end; *too_long: only its first LINE_MAX_BYTES
 * are returned, the rest is skipped. */
static char *read_line(struct line_reader *rd, bool *too_long)
{
	*too_long = false;
	for (;;) {
		char *start = rd->buf + rd->pos;
		size_t avail = rd->len - rd->pos;
		char *nl = memchr(start, '\n', avail);
		if (rd->skipping) {
			if (nl) {
				rd->pos += (size_t)(nl - start) + 1;
				rd->skipping = false;
			} else {
				rd->pos = rd->len;
				if (!refill(rd))
					return NULL;
			}
			continue;
		}
		if (nl) {
			*nl = '\0';
			rd->pos += (size_t)(nl - start) + 1;
			if (nl - start > LINE_MAX_BYTES) {
				start[LINE_MAX_BYTES] = '\0';
				*too_long = true;
			}
			return start;
		}
		if (avail >= LINE_MAX_BYTES) {
			start[LINE_MAX_BYTES] = '\0';
			rd->pos += LINE_MAX_BYTES;
			rd->skipping = true;
			*too_long = true;
			return start;
		}
		if (!refill(rd)) {
			if (avail == 0)
				return NULL;
			rd->buf[rd->len] = '\0';     /* last line without '\n' */
			rd->pos = rd->len;
			return start;
		}
	}
}

enum obj_class { OBJ_NONE, OBJ_ROUTE, OBJ_AS_SET, OBJ_OTHER };
enum attr_kind { A_OTHER, A_KEY, A_ORIGIN, A_MEMBERS };

struct rpsl {
	struct irr_db *db;
	const char *path;
	struct irr_load_stats *st;
	unsigned long line;
	unsigned warned;
	const char *fatal;           /* stop reading: a db limit was reached */

	/* the object being read */
	enum obj_class cls;
	enum attr_kind attr;         /* where continuation lines go */
	unsigned long obj_line;
	const char *bad;             /* why it is skipped; NULL = fine so far */
	unsigned long bad_line;
	unsigned n_key, n_origin;    /* tokens seen: each must end up 1 */
	struct origin_prefix route;      /* route: key family in route.pfx.afi */
	int64_t set;                 /* as-set: its index, -1 before its key */
	bool duplicate;              /* as-set: already loaded, members ignored */
};

__attribute__((format(printf, 3, 4)))
static void rpsl_warn(struct rpsl *r, unsigned long line, const char *fmt, ...)
{
	if (r->warned++ >= WARNINGS_PER_FILE)
		return;
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warn("%s:%lu: %s%s", r->path, line, msg,
	    r->warned == WARNINGS_PER_FILE ? " (further warnings for this file only counted)" : "");
}

static bool kept(const struct rpsl *r)
{
	return r->cls == OBJ_ROUTE || r->cls == OBJ_AS_SET;
}

static void obj_bad(struct rpsl *r, const char *why)
{
	if (kept(r) && r->bad == NULL) {
		r->bad = why;
		r->bad_line = r->line;
	}
}

/* A db limit was reached: the object and the rest of the file are dropped. */
static void db_full(struct rpsl *r, const char *why)
{
	obj_bad(r, why);
	r->fatal = why;
}

static const char *class_name(const struct rpsl *r)
{
	if (r->cls == OBJ_AS_SET)
		return "as-set";
	return r->route.pfx.afi == AFI_IPV6 ? "route6" : "route";
}

static void end_route(struct rpsl *r)
{
	struct irr_db *db = r->db;
	if (r->n_origin != 1)
		obj_bad(r, r->n_origin ? "more than one origin" : "no origin");
	if (db->n_routes == MAX_ROUTES)
		db_full(r, "too many route objects");
	if (r->bad)
		return;
	XGROW(db->routes, db->n_routes, db->cap_routes, 4096);
	db->routes[db->n_routes++] = r->route;
	r->st->routes++;
}

static void end_as_set(struct rpsl *r)
{
	if (r->duplicate) {
		r->st->duplicate_sets++;
		return;
	}
	if (r->set < 0)
		return;                          /* no valid key: nothing was added */
	struct irr_set *s = &r->db->sets[r->set];
	if (r->bad) {
		s->n_asns = s->n_sets = 0;       /* members read before the problem */
		return;
	}
	s->defined = true;
	r->st->as_sets++;
}

static void end_object(struct rpsl *r)
{
	if (r->n_key != 1)
		obj_bad(r, r->n_key ? "more than one key" : "no key");
	if (r->cls == OBJ_ROUTE)
		end_route(r);
	else if (r->cls == OBJ_AS_SET)
		end_as_set(r);
	if (r->bad && !r->duplicate) {
		r->st->skipped++;
		rpsl_warn(r, r->bad_line, "%s object (line %lu) skipped: %s", class_name(r),
		    r->obj_line, r->bad);
	}
	r->cls = OBJ_NONE;
	r->attr = A_OTHER;
	r->bad = NULL;
	r->n_key = r->n_origin = 0;
	r->set = -1;
	r->duplicate = false;
}

static void route_key(struct rpsl *r, const char *tok)
{
	struct prefix p;
	if (strchr(tok, '/') == NULL || prefix_parse(tok, &p) < 0)
		obj_bad(r, "invalid prefix");
	else if (p.afi != r->route.pfx.afi)
		obj_bad(r, "prefix of the wrong address family");
	else
		r->route.pfx = p;
}

static void as_set_key(struct rpsl *r, char *tok)
{
	if (!irr_name_valid(tok)) {
		obj_bad(r, "invalid AS-SET name");
		return;
	}
	upcase(tok);
	if ((r->set = set_intern(r->db, tok)) < 0)
		db_full(r, "too many AS-SET names");
	else
		r->duplicate = r->db->sets[r->set].defined;
}

static void as_set_member(struct rpsl *r, char *tok)
{
	struct irr_set *s = &r->db->sets[r->set];
	uint32_t asn;
	if (s->n_asns + s->n_sets >= MAX_SET_MEMBERS) {
		obj_bad(r, "too many members");
	} else if (parse_asn(tok, strlen(tok), &asn)) {
		push_u32(&s->asns, &s->n_asns, &s->cap_asns, asn);
	} else if (irr_name_valid(tok)) {
		upcase(tok);
		int64_t i = set_intern(r->db, tok);
		if (i < 0) {
			db_full(r, "too many AS-SET names");
			return;
		}
		s = &r->db->sets[r->set];        /* set_intern may move the array */
		push_u32(&s->sets, &s->n_sets, &s->cap_sets, (uint32_t)i);
	} else {
		r->st->bad_members++;
		rpsl_warn(r, r->line, "members: '%.64s' is neither an ASN nor an AS-SET name, ignored", tok);
	}
}

static void rpsl_token(struct rpsl *r, char *tok)
{
	switch (r->attr) {
	case A_KEY:
		if (r->n_key++ > 0)
			return;
		if (r->cls == OBJ_ROUTE)
			route_key(r, tok);
		else
			as_set_key(r, tok);
		break;
	case A_ORIGIN:
		if (r->n_origin++ == 0 && !parse_asn(tok, strlen(tok), &r->route.origin))
			obj_bad(r, "invalid origin");
		break;
	case A_MEMBERS:
		if (r->n_key == 1 && !r->duplicate)
			as_set_member(r, tok);
		break;
	case A_OTHER:
		break;
	}
}

/* One line's part of an attribute value. */
static void rpsl_value(struct rpsl *r, char *v)
{
	if (!kept(r) || r->bad || r->attr == A_OTHER)
		return;
	v[strcspn(v, "#")] = '\0';
	char *save;
	for (char *tok = strtok_r(v, " \t\r,", &save); tok; tok = strtok_r(NULL, " \t\r,", &save))
		rpsl_token(r, tok);
}

static enum obj_class class_of(const char *name, uint8_t *afi)
{
	if (strcasecmp(name, "route") == 0 || strcasecmp(name, "route6") == 0) {
		*afi = name[5] ? AFI_IPV6 : AFI_IPV4;
		return OBJ_ROUTE;
	}
	return strcasecmp(name, "as-set") == 0 ? OBJ_AS_SET : OBJ_OTHER;
}

static enum attr_kind attr_of(const struct rpsl *r, const char *name)
{
	if (r->cls == OBJ_ROUTE) {
		if (strcasecmp(name, "route") == 0 || strcasecmp(name, "route6") == 0)
			return A_KEY;
		if (strcasecmp(name, "origin") == 0)
			return A_ORIGIN;
	} else if (r->cls == OBJ_AS_SET) {
		if (strcasecmp(name, "as-set") == 0)
			return A_KEY;
		if (strcasecmp(name, "members") == 0)
			return A_MEMBERS;
	}
	return A_OTHER;
}

static bool blank(const char *s)
{
	return s[strspn(s, " \t\r")] == '\0';
}

static void rpsl_line(struct rpsl *r, char *s)
{
	if (blank(s)) {
		if (r->cls != OBJ_NONE)
			end_object(r);
		return;
	}
	if (s[0] == '#' || s[0] == '%')
		return;
	if (s[0] == ' ' || s[0] == '\t' || s[0] == '+') {
		if (r->cls != OBJ_NONE)          /* else nothing to continue */
			rpsl_value(r, s + 1);
		return;
	}
	size_t nlen = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
	bool named = nlen > 0 && s[nlen] == ':';
	s[nlen] = '\0';
	if (r->cls == OBJ_NONE) {
		r->st->objects++;
		r->obj_line = r->line;
		r->cls = named ? class_of(s, &r->route.pfx.afi) : OBJ_OTHER;
	}
	if (!named) {
		obj_bad(r, "line is neither an attribute nor a continuation");
		return;
	}
	r->attr = attr_of(r, s);
	rpsl_value(r, s + nlen + 1);
}

static void rpsl_read(struct rpsl *r, struct line_reader *rd)
{
	char *s;
	bool too_long;
	while (r->fatal == NULL && (s = read_line(rd, &too_long)) != NULL) {
		r->line++;
		rpsl_line(r, s);
		if (too_long && s[0] != '#' && s[0] != '%')
			obj_bad(r, "line longer than 64 KiB");
	}
	if (r->cls != OBJ_NONE)
		end_object(r);
}

int irr_db_load_file(struct irr_db *db, const char *path, struct irr_load_stats *st,
    char *err, size_t errlen)
{
	struct irr_load_stats dummy;
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return errbuf_set(err, errlen, "%s: %s", path, strerror(errno));
	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	struct line_reader rd = { .f = f, .buf = xmalloc(READ_CHUNK + 1) };
	struct rpsl r = { .db = db, .path = path, .st = st, .set = -1 };
	rpsl_read(&r, &rd);
	int rc = 0;
	if (ferror(f))
		rc = errbuf_set(err, errlen, "%s: read error", path);
	else if (r.fatal)
		rc = errbuf_set(err, errlen, "%s:%lu: %s, the rest of the file is not read", path, r.line, r.fatal);
	free(rd.buf);
	fclose(f);
	sort_routes(db);
	return rc;
}

/* ---- expansion ---- */

struct expansion {
	const struct irr_db *db;
	struct irr_member *m;
	unsigned max_depth;
	uint32_t *origins;
	size_t n_origins, cap_origins;
	uint8_t *seen;               /* per set: queued or reported, once */
	struct queued { uint32_t set, depth; } *queue;   /* breadth-first: each set once */
	size_t head, tail;
};

static void unknown_set(struct expansion *x, const char *name)
{
	if (x->m->unknown_sets++ < UNKNOWN_LOGGED)
		log_warn("irr: %s: AS-SET %s is not in the IRR data", x->m->key, name);
}

/* Queues set i, first met at depth (1 = a name being expanded).
 * Breadth-first, a set is met first at its smallest depth, so the depth
 * limit cuts the same sets whatever the order of members. */
static void queue_set(struct expansion *x, uint32_t i, uint32_t depth)
{
	x->seen[i] = 1;
	if (!x->db->sets[i].defined)
		unknown_set(x, x->db->sets[i].name);
	else if (depth > x->max_depth)
		x->m->depth_limited++;
	else
		x->queue[x->tail++] = (struct queued){ i, depth };
}

static void expand_queue(struct expansion *x)
{
	while (x->head < x->tail) {
		struct queued q = x->queue[x->head++];
		const struct irr_set *s = &x->db->sets[q.set];
		for (size_t k = 0; k < s->n_asns; k++)
			push_u32(&x->origins, &x->n_origins, &x->cap_origins, s->asns[k]);
		for (size_t k = 0; k < s->n_sets; k++)
			if (!x->seen[s->sets[k]])
				queue_set(x, s->sets[k], q.depth + 1);
	}
}

/* First route of origin in the sorted table (or the end). */
static size_t routes_lower_bound(const struct irr_db *db, uint32_t origin)
{
	size_t lo = 0, hi = db->n_routes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (db->routes[mid].origin < origin)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void collect_prefixes(const struct irr_db *db, struct irr_member *m)
{
	for (size_t i = 0; i < m->n_origins; i++)
		for (size_t r = routes_lower_bound(db, m->origins[i]);
		    r < db->n_routes && db->routes[r].origin == m->origins[i]; r++)
			pfxtree_insert(m->prefixes, &db->routes[r].pfx, NULL);
}

struct irr_member *irr_db_expand(const struct irr_db *db, const char *const *names, int n,
    unsigned max_depth, char *err, size_t errlen)
{
	int nc;
	char **v = irr_canon_names(names, n, &nc, err, errlen);
	if (v == NULL)
		return NULL;
	struct expansion x = {
		.db = db, .m = irr_member_of_canon(v, nc),
		.max_depth = max_depth ? max_depth : IRR_DEFAULT_MAX_DEPTH,
		.seen = xcalloc(db->n_sets + 1, 1),
		.queue = xmalloc((db->n_sets + 1) * sizeof(*x.queue)),
	};
	for (int i = 0; i < nc; i++) {
		const char *name = strip_source(v[i]);
		uint32_t asn;
		int64_t s;
		if (parse_asn(name, strlen(name), &asn))
			push_u32(&x.origins, &x.n_origins, &x.cap_origins, asn);
		else if ((s = set_find(db, name)) < 0)
			unknown_set(&x, name);
		else if (!x.seen[s])
			queue_set(&x, (uint32_t)s, 1);
	}
	expand_queue(&x);
	x.n_origins = u32_sort_unique(x.origins, x.n_origins);
	x.m->origins = x.origins;
	x.m->n_origins = x.n_origins;
	collect_prefixes(db, x.m);
	free(x.seen);
	free(x.queue);
	irr_names_free(v, nc);
	return x.m;
}

