/* SPDX-License-Identifier: ISC */
/* whois_dump: the ARIN (JSON) and registro.br (text) whois dumps read into
 * one table; see whois_dump.h for the contract.
 *
 * The table is (origin, prefix) pairs sorted by origin, then family and
 * prefix (prefix_cmp), without duplicates: a match is one binary search
 * for the origin and a scan of that origin's prefixes, a handful.  The
 * text is parsed in place from the caller's buffer, a line at a time, so
 * no line buffer needs a bound; the ARIN dump (a few MB today) is one
 * jansson document. */
#include "whois_dump.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "errbuf.h"
#include "log.h"
#include "xalloc.h"

#define LINE_MAX_BYTES (64u * 1024)  /* a longer registro.br line is malformed */
#define PREFIX_TEXT_MAX 64           /* a longer prefix field is malformed */

struct whois_routes {
	struct origin_prefix *v;       /* sorted by origin, then prefix_cmp; no duplicates */
	size_t n, cap;
	size_t skipped;              /* malformed records */
};

/* Where a record is, for messages: "line 12", "whois_records.v4[3]". */
struct spot {
	char where[48];
	const char *why;             /* NULL: nothing recorded */
};

struct parse {
	const char *name;
	struct whois_routes *w;
	size_t good;                 /* records kept, duplicates included */
	unsigned long line;          /* text: the line being read */
	const char *list;            /* ARIN: "v4" or "v6", the list being read */
	size_t idx;                  /* ARIN: the record's index in it */
	struct spot first_bad, last_bad;
	bool full;                   /* WHOIS_MAX_ROUTES reached: the rest is not read */
	struct spot full_at;
};

const char *whois_format_name(enum whois_format f)
{
	return f == WHOIS_ARIN ? "arin" : "registro.br";
}

static void spot_set(const struct parse *p, struct spot *s, const char *why)
{
	if (p->list)
		snprintf(s->where, sizeof(s->where), "whois_records.%s[%zu]", p->list, p->idx);
	else
		snprintf(s->where, sizeof(s->where), "line %lu", p->line);
	s->why = why;
}

static void bad(struct parse *p, const char *why)
{
	if (p->w->skipped++ == 0)
		spot_set(p, &p->first_bad, why);
	spot_set(p, &p->last_bad, why);
}

static void add(struct parse *p, uint32_t origin, const struct prefix *pfx)
{
	struct whois_routes *w = p->w;
	if (w->n == WHOIS_MAX_ROUTES) {
		p->full = true;
		spot_set(p, &p->full_at, "");
		return;
	}
	XGROW(w->v, w->n, w->cap, 1024);
	w->v[w->n++] = (struct origin_prefix){ .origin = origin, .pfx = *pfx };
	p->good++;
}

/* "AS64500", "as64500" or "64500". */
static bool parse_asn(const char *s, size_t len, uint32_t *out)
{
	if (len >= 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's')) {
		s += 2;
		len -= 2;
	}
	if (len == 0 || len > 10)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool prefix_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
	    c == '.' || c == ':' || c == '/';
}

/* "192.0.2.0/24", "2001:db8::/32" into out; NULL, or why it is none.  The
 * length is required, as irr.c requires it of a route object, and the
 * address bits beyond it must be 0: unlike a route: key, a dump record
 * with host bits set is refused -- arouteserver reads these dumps with
 * Python's ipaddress.ip_network(), which refuses them, and a record that
 * widens what a member may announce is taken as written or not at all. */
static const char *parse_prefix(const char *s, size_t len, struct prefix *out)
{
	char buf[PREFIX_TEXT_MAX + 1];
	if (len == 0 || len > PREFIX_TEXT_MAX)
		return "invalid prefix";
	for (size_t i = 0; i < len; i++)
		if (!prefix_char(s[i]))       /* and no NUL, which would cut the text short */
			return "invalid prefix";
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *slash = strchr(buf, '/');
	if (slash == NULL || prefix_parse(buf, out) < 0)
		return "invalid prefix";
	struct prefix addr;
	*slash = '\0';
	if (prefix_parse(buf, &addr) < 0 || memcmp(addr.addr, out->addr, sizeof(out->addr)) != 0)
		return "prefix with host bits set";
	return NULL;
}

/* ---- registro.br: "AS64500|Organization|OrgID|prefix|prefix|..." ---- */

static void trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* The '|'-separated field at *c (before end): its start in *f, its length
 * returned; *c moves past the field and its '|', to NULL after the last. */
static size_t next_field(const char **c, const char *end, const char **f)
{
	const char *bar = memchr(*c, '|', (size_t)(end - *c));
	size_t n = (size_t)((bar ? bar : end) - *c);
	*f = *c;
	*c = bar ? bar + 1 : NULL;
	return n;
}

static void text_prefix(struct parse *p, uint32_t origin, const char *f, size_t n)
{
	struct prefix pfx;
	trim(&f, &n);
	if (n == 0)
		return;                      /* "...|" at the end of a line: no prefix */
	const char *why = parse_prefix(f, n, &pfx);
	if (why)
		bad(p, why);
	else
		add(p, origin, &pfx);
}

/* One line (without its '\n'): blank, a comment, or an AS with its
 * prefixes, each of which is a record of its own. */
static void text_line(struct parse *p, const char *s, size_t len)
{
	if (len > LINE_MAX_BYTES) {
		bad(p, "line longer than 64 KiB");
		return;
	}
	if (len > 0 && s[len - 1] == '\r')
		len--;
	trim(&s, &len);
	if (len == 0 || s[0] == '#')
		return;
	const char *end = s + len, *c = s, *f;
	size_t n = next_field(&c, end, &f);
	uint32_t origin;
	for (int i = 0; i < 2; i++) {        /* the organisation and its ID: not used */
		if (c == NULL) {
			bad(p, "not an 'AS|organisation|ID|prefix...' line");
			return;
		}
		const char *unused;
		next_field(&c, end, &unused);
	}
	trim(&f, &n);
	if (!parse_asn(f, n, &origin)) {
		bad(p, "invalid origin AS");
		return;
	}
	while (c && !p->full) {
		const char *pf;
		size_t pn = next_field(&c, end, &pf);
		text_prefix(p, origin, pf, pn);
	}
}

static void parse_text(struct parse *p, const char *data, size_t len)
{
	const char *s = data, *end = data + len;
	while (s < end && !p->full) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		p->line++;
		text_line(p, s, (size_t)(e - s));
		s = nl ? nl + 1 : end;
	}
}

/* ---- ARIN: {"whois_records": {"v4": [{"originas": ..., "prefix": ...}], "v6": [...]}} ---- */

static void arin_record(struct parse *p, const json_t *r, uint8_t afi)
{
	const json_t *as = json_object_get(r, "originas"), *pf = json_object_get(r, "prefix");
	uint32_t origin;
	struct prefix pfx;
	const char *why;
	if (!json_is_object(r))
		bad(p, "not an object");
	else if (!json_is_string(as) ||
	    !parse_asn(json_string_value(as), json_string_length(as), &origin))
		bad(p, "no valid \"originas\"");
	else if (!json_is_string(pf))
		bad(p, "no \"prefix\" string");
	else if ((why = parse_prefix(json_string_value(pf), json_string_length(pf), &pfx)) != NULL)
		bad(p, why);
	else if (pfx.afi != afi && afi == AFI_IPV4)
		bad(p, "IPv6 prefix in the v4 list");
	else if (pfx.afi != afi)
		bad(p, "IPv4 prefix in the v6 list");
	else
		add(p, origin, &pfx);
}

static int arin_lists(struct parse *p, const json_t *root, char *err, size_t errlen)
{
	static const struct { const char *key; uint8_t afi; } lists[] = {
		{ "v4", AFI_IPV4 }, { "v6", AFI_IPV6 },
	};
	const json_t *recs = json_object_get(root, "whois_records");
	if (!json_is_object(root))
		return errbuf_set(err, errlen, "%s: not a JSON object", p->name);
	if (recs == NULL)
		return errbuf_set(err, errlen, "%s: no \"whois_records\": not an ARIN whois dump",
		    p->name);
	if (!json_is_object(recs))
		return errbuf_set(err, errlen, "%s: \"whois_records\" is not an object", p->name);
	if (!json_object_get(recs, "v4") && !json_object_get(recs, "v6"))
		return errbuf_set(err, errlen,
		    "%s: \"whois_records\" has neither a \"v4\" nor a \"v6\" list", p->name);
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]) && !p->full; l++) {
		const json_t *list = json_object_get(recs, lists[l].key), *r;
		if (list == NULL)
			continue;
		if (!json_is_array(list))
			return errbuf_set(err, errlen, "%s: \"whois_records.%s\" is not a list",
			    p->name, lists[l].key);
		p->list = lists[l].key;
		json_array_foreach(list, p->idx, r) {
			if (p->full)
				break;
			arin_record(p, r, lists[l].afi);
		}
	}
	return 0;
}

static int parse_arin(struct parse *p, const char *data, size_t len, char *err, size_t errlen)
{
	json_error_t je;
	/* Numbers are not read: INT_AS_REAL keeps a huge one in a field of no
	 * interest from failing the whole document. */
	json_t *root = json_loadb(len ? data : "", len,
	    JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &je);
	if (root == NULL) {
		if (je.line > 0)
			return errbuf_set(err, errlen, "%s:%d: JSON: %s", p->name, je.line,
			    je.text);
		return errbuf_set(err, errlen, "%s: JSON: %s", p->name, je.text);
	}
	int rc = arin_lists(p, root, err, errlen);
	json_decref(root);
	return rc;
}

/* ---- the table ---- */

static void sort_unique(struct whois_routes *w)
{
	w->n = origin_prefix_sort_unique(w->v, w->n);
}

/* The verdict on what was read: the table, or NULL with err. */
static struct whois_routes *finish(struct parse *p, enum whois_format f, char *err, size_t errlen)
{
	struct whois_routes *w = p->w;
	size_t skipped = w->skipped, total = p->good + skipped;
	if (p->full)
		errbuf_set(err, errlen,
		    "%s: more than %u (origin, prefix) records, the rest from %s on is not read",
		    p->name, WHOIS_MAX_ROUTES, p->full_at.where);
	else if (skipped > p->good)
		errbuf_set(err, errlen,
		    "%s: too many malformed records (%zu of %zu), the last at %s: %s",
		    p->name, skipped, total, p->last_bad.where, p->last_bad.why);
	else if (p->good == 0)
		errbuf_set(err, errlen,
		    "%s: no (origin, prefix) record: empty, or not a whois dump in the %s format",
		    p->name, whois_format_name(f));
	else {
		sort_unique(w);
		if (skipped)
			log_warn("%s: %zu malformed records of %zu skipped, the first at %s: %s",
			    p->name, skipped, total, p->first_bad.where, p->first_bad.why);
		return w;
	}
	whois_routes_free(w);
	return NULL;
}

struct whois_routes *whois_routes_parse(const char *data, size_t len, enum whois_format f,
    const char *name, char *err, size_t errlen)
{
	struct parse p = { .name = name, .w = xcalloc(1, sizeof(struct whois_routes)) };
	if (len > WHOIS_MAX_BYTES) {
		errbuf_set(err, errlen, "%s: larger than %u MiB", name, WHOIS_MAX_BYTES >> 20);
		whois_routes_free(p.w);
		return NULL;
	}
	if (f == WHOIS_ARIN) {
		if (parse_arin(&p, data, len, err, errlen) < 0) {
			whois_routes_free(p.w);
			return NULL;
		}
	} else {
		parse_text(&p, data, len);
	}
	return finish(&p, f, err, errlen);
}

/* The whole file in *buf (free it), at most WHOIS_MAX_BYTES: sized by
 * fstat, and the read bounded too, for a file that grows meanwhile. */
static int read_file(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	struct stat sb;
	int rc = 0;
	if (fp == NULL)
		return errbuf_set(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fileno(fp), &sb) < 0)
		rc = errbuf_set(err, errlen, "%s: %s", path, strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		rc = errbuf_set(err, errlen, "%s: not a regular file", path);
	else if ((unsigned long long)sb.st_size > WHOIS_MAX_BYTES)
		rc = errbuf_set(err, errlen, "%s: %lld bytes, more than the limit of %u MiB", path,
		    (long long)sb.st_size, WHOIS_MAX_BYTES >> 20);
	if (rc < 0) {
		fclose(fp);
		return rc;
	}
	size_t cap = (size_t)sb.st_size + 1, n = 0;    /* + 1: the EOF is seen in one read */
	char *b = xmalloc(cap);
	for (;;) {
		n += fread(b + n, 1, cap - n, fp);
		if (n < cap)
			break;
		if (cap > WHOIS_MAX_BYTES) {
			rc = errbuf_set(err, errlen, "%s: grew beyond %u MiB while read", path,
			    WHOIS_MAX_BYTES >> 20);
			break;
		}
		cap = cap > WHOIS_MAX_BYTES / 2 ? WHOIS_MAX_BYTES + 1 : cap * 2;
		b = xrealloc(b, cap);
	}
	if (rc == 0 && ferror(fp))
		rc = errbuf_set(err, errlen, "%s: read error", path);
	fclose(fp);
	if (rc < 0) {
		free(b);
		return rc;
	}
	*buf = b;
	*len = n;
	return 0;
}

struct whois_routes *whois_routes_load(const char *path, enum whois_format f, char *err,
    size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	if (read_file(path, &buf, &len, err, errlen) < 0)
		return NULL;
	struct whois_routes *w = whois_routes_parse(buf, len, f, path, err, errlen);
	free(buf);
	return w;
}

void whois_routes_free(struct whois_routes *w)
{
	if (w == NULL)
		return;
	free(w->v);
	free(w);
}

size_t whois_routes_count(const struct whois_routes *w)
{
	return w->n;
}

size_t whois_routes_skipped(const struct whois_routes *w)
{
	return w->skipped;
}

bool whois_routes_match(const struct whois_routes *w, const struct prefix *p, uint32_t origin,
    bool allow_longer)
{
	size_t lo = 0, hi = w->n;
	while (lo < hi) {                    /* the first entry of origin */
		size_t mid = lo + (hi - lo) / 2;
		if (w->v[mid].origin < origin)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < w->n && w->v[i].origin == origin; i++) {
		const struct prefix *e = &w->v[i].pfx;
		if (e->afi > p->afi)
			break;                       /* sorted by family: none of p's is left */
		if (allow_longer ? prefix_within(p, e) : prefix_equal(p, e))
			return true;
	}
	return false;
}
