/* SPDX-License-Identifier: ISC */
/* rpki_json: the VRP/ASPA JSON exports of rpki-client, Routinator,
 * StayRTR, OctoRPKI, the RIPE validator and arouteserver's cache, read as
 * hostile input into the tables of rpki.c.  See rpki.h for the contract. */
#include "rpki.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "log.h"
#include "xalloc.h"

/* A full Internet VRP export is ~500k ROAs, 50 MB of JSON.  Read as one
 * jansson document that takes over a second and 400 MB, so the "roas" list
 * is read by a small scanner of its own, one flat object at a time, straight
 * into the table.  The rest (metadata, ASPAs: small) is cut out as a slice
 * and handed to jansson. */

struct load {
	const char *name;
	const char *p, *end;
	int line;
	const struct rpki_load_opts *opts;
	struct rpki_load_stats st;
	struct vrp_table *vrps;
	/* ASPA records collected before building the table */
	struct aspa *aspa;
	size_t n_aspa, cap_aspa;
	uint32_t *prov;
	size_t n_prov, cap_prov;
	char *err;
	size_t errlen;
	bool failed;
};

static int fail(struct load *l, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct load *l, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!l->failed) {
		if (line > 0)
			snprintf(l->err, l->errlen, "%s:%d: %s", l->name, line, msg);
		else
			snprintf(l->err, l->errlen, "%s: %s", l->name, msg);
	}
	l->failed = true;
	return -1;
}

/* One malformed entry: warned about and skipped, until there are too many. */
static int skip_invalid(struct load *l, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int skip_invalid(struct load *l, int line, const char *fmt, ...)
{
	char msg[192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	l->st.invalid++;
	if (l->st.invalid > RPKI_MAX_INVALID)
		return fail(l, line, "more than %d malformed entries, the last: %s", RPKI_MAX_INVALID, msg);
	log_warn("%s:%d: skipped: %s", l->name, line, msg);
	return 0;
}

static void skip_ws(struct load *l)
{
	while (l->p < l->end) {
		char c = *l->p;
		if (c == '\n')
			l->line++;
		else if (c != ' ' && c != '\t' && c != '\r')
			return;
		l->p++;
	}
}

/* At the next non-blank character, is it c?  Consumes it if so. */
static bool next_is(struct load *l, char c)
{
	skip_ws(l);
	if (l->p < l->end && *l->p == c) {
		l->p++;
		return true;
	}
	return false;
}

static int expect(struct load *l, char c)
{
	if (next_is(l, c))
		return 0;
	if (l->p >= l->end)
		return fail(l, l->line, "JSON: unexpected end of input, expected '%c'", c);
	return fail(l, l->line, "JSON: expected '%c'", c);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A JSON string, decoded into out[cap] (NUL-terminated) if out is not
 * NULL.  *too_long tells that it did not fit.  \u escapes outside ASCII
 * become '?': no name this loader compares (keys, prefixes, ASNs, trust
 * anchors) contains one. */
static int scan_string(struct load *l, char *out, size_t cap, bool *too_long)
{
	size_t n = 0;
	if (expect(l, '"') < 0)
		return -1;
	if (too_long)
		*too_long = false;
	while (l->p < l->end && *l->p != '"') {
		unsigned char c = (unsigned char)*l->p++;
		if (c < 0x20)
			return fail(l, l->line, "JSON: control character in a string");
		if (c == '\\') {
			if (l->p >= l->end)
				break;
			char e = *l->p++;
			switch (e) {
			case '"': case '\\': case '/': c = (unsigned char)e; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u': {
				unsigned v = 0;
				for (int i = 0; i < 4; i++) {
					int h = l->p < l->end ? hexval(*l->p++) : -1;
					if (h < 0)
						return fail(l, l->line, "JSON: bad \\u escape");
					v = v << 4 | (unsigned)h;
				}
				c = v < 0x80 ? (unsigned char)v : '?';
				break;
			}
			default:
				return fail(l, l->line, "JSON: bad escape \\%c", e);
			}
		}
		if (out && n + 1 < cap)
			out[n++] = (char)c;
		else if (out && too_long)
			*too_long = true;
	}
	if (l->p >= l->end)
		return fail(l, l->line, "JSON: unterminated string");
	l->p++;
	if (out)
		out[n] = '\0';
	return 0;
}

/* A JSON number.  *is_int: it is an integer that fits *v. */
static int scan_number(struct load *l, int64_t *v, bool *is_int)
{
	bool neg = l->p < l->end && *l->p == '-';
	uint64_t acc = 0;
	bool overflow = false;
	l->p += neg;
	if (l->p >= l->end || *l->p < '0' || *l->p > '9')
		return fail(l, l->line, "JSON: bad number");
	while (l->p < l->end && *l->p >= '0' && *l->p <= '9') {
		overflow |= acc > (uint64_t)INT64_MAX / 10;
		acc = acc * 10 + (uint64_t)(*l->p++ - '0');
	}
	*is_int = !overflow && acc <= (uint64_t)INT64_MAX;
	if (l->p < l->end && *l->p == '.') {
		*is_int = false;
		l->p++;
		if (l->p >= l->end || *l->p < '0' || *l->p > '9')
			return fail(l, l->line, "JSON: bad number");
		while (l->p < l->end && *l->p >= '0' && *l->p <= '9')
			l->p++;
	}
	if (l->p < l->end && (*l->p == 'e' || *l->p == 'E')) {
		*is_int = false;
		l->p++;
		if (l->p < l->end && (*l->p == '+' || *l->p == '-'))
			l->p++;
		if (l->p >= l->end || *l->p < '0' || *l->p > '9')
			return fail(l, l->line, "JSON: bad number");
		while (l->p < l->end && *l->p >= '0' && *l->p <= '9')
			l->p++;
	}
	*v = neg ? -(int64_t)acc : (int64_t)acc;
	return 0;
}

static int scan_literal(struct load *l)
{
	static const char *const lits[] = { "true", "false", "null" };
	for (size_t i = 0; i < sizeof(lits) / sizeof(lits[0]); i++) {
		size_t n = strlen(lits[i]);
		if ((size_t)(l->end - l->p) >= n && memcmp(l->p, lits[i], n) == 0) {
			l->p += n;
			return 0;
		}
	}
	return fail(l, l->line, "JSON: unexpected character");
}

/* Deeper nesting than any export has: refused rather than recursed into. */
#define MAX_DEPTH 32

static int skip_value(struct load *l, int depth);

/* The members or elements of a container after its opening bracket. */
static int skip_container(struct load *l, char close, bool members, int depth)
{
	if (next_is(l, close))
		return 0;
	do {
		if (members && (scan_string(l, NULL, 0, NULL) < 0 || expect(l, ':') < 0))
			return -1;
		if (skip_value(l, depth + 1) < 0)
			return -1;
	} while (next_is(l, ','));
	return expect(l, close);
}

static int skip_value(struct load *l, int depth)
{
	int64_t v;
	bool is_int;
	if (depth > MAX_DEPTH)
		return fail(l, l->line, "JSON: nested deeper than %d levels", MAX_DEPTH);
	skip_ws(l);
	if (l->p >= l->end)
		return fail(l, l->line, "JSON: unexpected end of input");
	switch (*l->p) {
	case '"':
		return scan_string(l, NULL, 0, NULL);
	case '{':
		l->p++;
		return skip_container(l, '}', true, depth);
	case '[':
		l->p++;
		return skip_container(l, ']', false, depth);
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return scan_number(l, &v, &is_int);
	default:
		return scan_literal(l);
	}
}

/* A scalar member value as the ROA fields need it. */
struct jval {
	enum { JV_NONE, JV_STR, JV_INT, JV_OTHER } type;
	int64_t i;
	char s[64];
	bool too_long;
};

static int scan_scalar(struct load *l, struct jval *v)
{
	skip_ws(l);
	if (l->p < l->end && *l->p == '"') {
		v->type = JV_STR;
		return scan_string(l, v->s, sizeof(v->s), &v->too_long);
	}
	if (l->p < l->end && (*l->p == '-' || (*l->p >= '0' && *l->p <= '9'))) {
		bool is_int;
		if (scan_number(l, &v->i, &is_int) < 0)
			return -1;
		v->type = is_int ? JV_INT : JV_OTHER;
		return 0;
	}
	v->type = JV_OTHER;
	return skip_value(l, 1);
}

/* An unsigned number written as a JSON integer or a string of digits
 * (some exports quote them), at most max.  prefix_as: "AS"/"as" allowed
 * in front of the digits. */
static bool jval_uint(const struct jval *v, uint64_t max, bool prefix_as, uint64_t *out)
{
	if (v->type == JV_INT) {
		*out = (uint64_t)v->i;
		return v->i >= 0 && (uint64_t)v->i <= max;
	}
	if (v->type != JV_STR || v->too_long)
		return false;
	const char *s = v->s;
	if (prefix_as && strncasecmp(s, "AS", 2) == 0)
		s += 2;
	if (*s == '\0' || strlen(s) > 10)
		return false;
	uint64_t acc = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		acc = acc * 10 + (uint64_t)(*s - '0');
	}
	*out = acc;
	return acc <= max;
}

/* A field's value for a message: the text read, or what kind it was. */
static const char *jval_text(const struct jval *v)
{
	switch (v->type) {
	case JV_NONE: return "(absent)";
	case JV_STR: return v->too_long ? "(too long)" : v->s;
	case JV_INT: return "(out of range)";
	case JV_OTHER: break;
	}
	return "(not a string or integer)";
}

static bool ta_allowed(const struct rpki_load_opts *o, const char *ta)
{
	const struct cfg_str_list *tas = o->allowed_tas;
	if (tas == NULL || tas->n == 0)
		return true;
	for (int i = 0; i < tas->n; i++)
		if (strcasecmp(tas->v[i], ta) == 0)
			return true;
	return false;
}

struct roa_fields {
	struct jval asn, prefix, max_len, ta, expires;
};

static struct jval *roa_field(struct roa_fields *f, const char *key)
{
	if (strcmp(key, "asn") == 0)
		return &f->asn;
	if (strcmp(key, "prefix") == 0)
		return &f->prefix;
	if (strcmp(key, "maxLength") == 0)
		return &f->max_len;
	if (strcmp(key, "ta") == 0)
		return &f->ta;
	if (strcmp(key, "expires") == 0)
		return &f->expires;
	return NULL;
}

/* Checks one ROA's fields and adds it.  Returns -1 only on a fatal error. */
static int use_roa(struct load *l, struct roa_fields *f, int line)
{
	uint64_t asn, max_len, expires;
	struct vrp v;

	if (f->expires.type != JV_NONE) {
		if (!jval_uint(&f->expires, INT64_MAX, false, &expires))
			return skip_invalid(l, line, "ROA with a bad \"expires\"");
		if (l->opts->now && (int64_t)expires < (int64_t)l->opts->now) {
			l->st.expired++;
			return 0;
		}
	}
	if (!jval_uint(&f->asn, UINT32_MAX, true, &asn))
		return skip_invalid(l, line, "ROA with a missing or bad \"asn\" %s", jval_text(&f->asn));
	if (f->prefix.type != JV_STR || f->prefix.too_long || strchr(f->prefix.s, '/') == NULL ||
	    prefix_parse(f->prefix.s, &v.prefix) < 0)
		return skip_invalid(l, line, "ROA with a missing or bad \"prefix\" %s", jval_text(&f->prefix));
	if (!jval_uint(&f->max_len, afi_max_prefix_len(v.prefix.afi), false, &max_len) ||
	    max_len < v.prefix.len)
		return skip_invalid(l, line, "ROA %s with a missing or bad \"maxLength\"", f->prefix.s);
	if (f->ta.type == JV_NONE) {
		if (l->opts->allowed_tas && l->opts->allowed_tas->n > 0)
			return skip_invalid(l, line, "ROA %s without \"ta\" while allowed_trust_anchors is set",
			    f->prefix.s);
	} else if (f->ta.type != JV_STR) {
		return skip_invalid(l, line, "ROA %s with a bad \"ta\"", f->prefix.s);
	} else if (!ta_allowed(l->opts, f->ta.s)) {
		l->st.other_ta++;
		return 0;
	}
	v.asn = (uint32_t)asn;
	v.max_len = (uint8_t)max_len;
	vrp_table_add(l->vrps, &v);
	return 0;
}

/* One element of "roas": a flat object; nested values (Routinator jsonext
 * "source") are skipped. */
static int scan_roa(struct load *l)
{
	struct roa_fields f;
	int line;

	skip_ws(l);
	line = l->line;
	f.asn.type = f.prefix.type = f.max_len.type = f.ta.type = f.expires.type = JV_NONE;
	if (!next_is(l, '{')) {
		if (skip_value(l, 1) < 0)
			return -1;
		l->st.roas++;
		return skip_invalid(l, line, "ROA that is not an object");
	}
	if (!next_is(l, '}')) {
		do {
			char key[16];
			bool too_long;
			if (scan_string(l, key, sizeof(key), &too_long) < 0 || expect(l, ':') < 0)
				return -1;
			struct jval *v = too_long ? NULL : roa_field(&f, key);
			if ((v ? scan_scalar(l, v) : skip_value(l, 1)) < 0)
				return -1;
		} while (next_is(l, ','));
		if (expect(l, '}') < 0)
			return -1;
	}
	l->st.roas++;
	return use_roa(l, &f, line);
}

static int scan_roas(struct load *l)
{
	if (!next_is(l, '['))
		return fail(l, l->line, "\"roas\" is not a list");
	if (next_is(l, ']'))
		return 0;
	do {
		if (scan_roa(l) < 0)
			return -1;
	} while (next_is(l, ','));
	return expect(l, ']');
}

/* The next value parsed by jansson (small values only: metadata, ASPAs);
 * *line: where it starts. */
static json_t *slice_value(struct load *l, int *line)
{
	skip_ws(l);
	const char *start = l->p;
	*line = l->line;
	if (skip_value(l, 0) < 0)
		return NULL;
	json_error_t je;
	json_t *j = json_loadb(start, (size_t)(l->p - start), JSON_DECODE_ANY, &je);
	if (j == NULL)
		fail(l, *line + je.line - 1, "JSON: %s", je.text);
	return j;
}

/* A jansson scalar as the scanner would have read it. */
static void json_to_jval(const json_t *j, struct jval *v)
{
	v->type = JV_OTHER;
	if (json_is_integer(j)) {
		v->type = JV_INT;
		v->i = json_integer_value(j);
	} else if (json_is_string(j)) {
		v->type = JV_STR;
		v->too_long = json_string_length(j) >= sizeof(v->s);
		snprintf(v->s, sizeof(v->s), "%s", json_string_value(j));
	}
}

/* An ASN in an ASPA: integer, "ASn" or "n". */
static bool json_asn(const json_t *j, uint32_t *out)
{
	struct jval v;
	uint64_t u;
	json_to_jval(j, &v);
	if (!jval_uint(&v, UINT32_MAX, true, &u))
		return false;
	*out = (uint32_t)u;
	return true;
}

static void aspa_push(struct load *l, uint32_t customer, size_t first)
{
	XGROW(l->aspa, l->n_aspa, l->cap_aspa, 64);
	/* providers points into l->prov, which may still move: kept as an
	 * offset until the table is built. */
	l->aspa[l->n_aspa++] = (struct aspa){
		.customer = customer, .providers = (const uint32_t *)(uintptr_t)first,
		.n_providers = l->n_prov - first,
	};
}

static void prov_push(struct load *l, uint32_t asn)
{
	XGROW(l->prov, l->n_prov, l->cap_prov, 256);
	l->prov[l->n_prov++] = asn;
}

/* One ASPA entry; malformed ones are skipped with a warning. */
static int use_aspa(struct load *l, const json_t *a, const char *where, size_t idx, int line)
{
	uint32_t customer, asn;
	json_t *cust = json_object_get(a, "customer_asid");
	json_t *provs = json_object_get(a, "providers");
	json_t *exp = json_object_get(a, "expires");
	json_t *ta = json_object_get(a, "ta");
	size_t first = l->n_prov, i;
	json_t *p;

	l->st.aspas++;
	if (!json_is_object(a))
		return skip_invalid(l, line, "%s[%zu]: ASPA that is not an object", where, idx);
	if (cust == NULL)
		cust = json_object_get(a, "customer");
	if (exp != NULL) {
		struct jval v;
		uint64_t e;
		json_to_jval(exp, &v);
		if (!jval_uint(&v, INT64_MAX, false, &e))
			return skip_invalid(l, line, "%s[%zu]: ASPA with a bad \"expires\"", where, idx);
		if (l->opts->now && (int64_t)e < (int64_t)l->opts->now) {
			l->st.expired++;
			return 0;
		}
	}
	if (cust == NULL || !json_asn(cust, &customer))
		return skip_invalid(l, line, "%s[%zu]: ASPA with a missing or bad customer AS", where, idx);
	if (!json_is_array(provs))
		return skip_invalid(l, line, "%s[%zu]: ASPA without a \"providers\" list", where, idx);
	if (ta != NULL && !json_is_string(ta))
		return skip_invalid(l, line, "%s[%zu]: ASPA with a bad \"ta\"", where, idx);
	if (ta != NULL && !ta_allowed(l->opts, json_string_value(ta))) {
		l->st.other_ta++;
		return 0;
	}
	json_array_foreach(provs, i, p) {
		if (!json_asn(p, &asn)) {
			l->n_prov = first;
			return skip_invalid(l, line, "%s[%zu]: ASPA with a bad provider AS", where, idx);
		}
		prov_push(l, asn);
	}
	aspa_push(l, customer, first);
	return 0;
}

static int use_aspa_list(struct load *l, const json_t *list, const char *where, int line)
{
	size_t i;
	json_t *a;
	if (!json_is_array(list))
		return fail(l, line, "\"%s\" is not a list", where);
	json_array_foreach(list, i, a)
		if (use_aspa(l, a, where, i, line) < 0)
			return -1;
	return 0;
}

static int scan_aspas(struct load *l)
{
	int line;
	json_t *j = slice_value(l, &line);
	int r = j ? use_aspa_list(l, j, "aspas", line) : -1;
	json_decref(j);
	return r;
}

/* Draft profile v0 (rpki-client 8.0 to 8.3, StayRTR): per-family lists. */
static int scan_provider_authorizations(struct load *l)
{
	int line;
	json_t *j = slice_value(l, &line);
	int r = j ? 0 : -1;
	if (j && !json_is_object(j))
		r = fail(l, line, "\"provider_authorizations\" is not an object");
	for (int fam = 0; r == 0 && fam < 2; fam++) {
		const char *key = fam ? "ipv6" : "ipv4";
		json_t *list = json_object_get(j, key);
		if (list)
			r = use_aspa_list(l, list, key, line);
	}
	json_decref(j);
	return r;
}

/* A time from metadata: an integer (OctoRPKI, Routinator "generated") or
 * rpki-client's "buildtime" text. */
static bool meta_time(const json_t *j, time_t *out)
{
	if (json_is_integer(j)) {
		*out = (time_t)json_integer_value(j);
		return true;
	}
	struct tm tm = { 0 };
	const char *s = json_string_value(j);
	const char *end = s ? strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
	if (end == NULL || *end != '\0')
		return false;
	*out = timegm(&tm);
	return true;
}

/* arouteserver's staleness rules (ripe_rpki_cache.py). */
static int scan_metadata(struct load *l)
{
	int line;
	json_t *m = slice_value(l, &line);
	int r = m ? 0 : -1;
	const struct rpki_load_opts *o = l->opts;
	json_t *built = json_object_get(m, "buildtime");
	json_t *valid = json_object_get(m, "valid");
	time_t t = 0;

	if (built == NULL)
		built = json_object_get(m, "generated");
	if (r == 0 && built != NULL) {
		if (!meta_time(built, &t))
			r = fail(l, line, "metadata: bad build time");
		else
			l->st.built = t;
		if (r == 0 && o->now && o->max_age && t + (time_t)o->max_age < o->now)
			r = fail(l, line, "built %lld seconds ago, more than ignore_cache_files_older_than (%" PRIu32 ")",
			    (long long)(o->now - t), o->max_age);
	}
	if (r == 0 && valid != NULL) {
		if (!meta_time(valid, &t))
			r = fail(l, line, "metadata: bad \"valid\" time");
		else if (o->now && t < o->now)
			r = fail(l, line, "valid only until %lld seconds ago", (long long)(o->now - t));
	}
	json_decref(m);
	return r;
}

static int scan_member(struct load *l, bool *seen_roas)
{
	char key[32];
	bool too_long;
	if (scan_string(l, key, sizeof(key), &too_long) < 0 || expect(l, ':') < 0)
		return -1;
	if (too_long)
		return skip_value(l, 0);
	if (strcmp(key, "roas") == 0) {
		if (*seen_roas)
			return fail(l, l->line, "\"roas\" appears twice");
		*seen_roas = true;
		return scan_roas(l);
	}
	if (strcmp(key, "aspas") == 0)
		return scan_aspas(l);
	if (strcmp(key, "provider_authorizations") == 0)
		return scan_provider_authorizations(l);
	if (strcmp(key, "metadata") == 0)
		return scan_metadata(l);
	return skip_value(l, 0);
}

static int scan_document(struct load *l)
{
	bool seen_roas = false;
	skip_ws(l);
	if (l->p < l->end && *l->p == '[') {
		if (scan_roas(l) < 0)
			return -1;
	} else {
		if (expect(l, '{') < 0)
			return -1;
		if (!next_is(l, '}')) {
			do {
				if (scan_member(l, &seen_roas) < 0)
					return -1;
			} while (next_is(l, ','));
			if (expect(l, '}') < 0)
				return -1;
		}
		if (!seen_roas)
			return fail(l, 0, "no \"roas\" list");
	}
	skip_ws(l);
	if (l->p != l->end)
		return fail(l, l->line, "JSON: trailing data after the document");
	return 0;
}

static struct aspa_table *build_aspas(struct load *l)
{
	/* providers holds an offset into prov until now; prov is NULL when no
	 * record named a provider (and then every offset is 0). */
	for (size_t i = 0; i < l->n_aspa; i++)
		l->aspa[i].providers = l->prov ? l->prov + (uintptr_t)l->aspa[i].providers : NULL;
	return aspa_table_new(l->aspa, l->n_aspa);
}

int rpki_parse_json(const char *name, const char *buf, size_t len, const struct rpki_load_opts *opts,
    struct vrp_table **vrps, struct aspa_table **aspas, struct rpki_load_stats *stats,
    char *err, size_t errlen)
{
	static const struct rpki_load_opts no_opts;
	struct load l = {
		.name = name, .p = buf, .end = buf + len, .line = 1, .opts = opts ? opts : &no_opts,
		.vrps = vrp_table_new(), .err = err, .errlen = errlen,
	};
	int r = scan_document(&l);
	if (r == 0) {
		l.st.vrps = vrp_table_count(l.vrps);
		*vrps = l.vrps;
		if (aspas) {
			*aspas = build_aspas(&l);
			l.st.aspa_customers = aspa_table_count(*aspas);
		}
		if (stats)
			*stats = l.st;
	} else {
		vrp_table_free(l.vrps);
	}
	free(l.aspa);
	free(l.prov);
	return r;
}

/* Bigger than any export will be for years (50 MB today). */
#define MAX_FILE_SIZE (1024L * 1024 * 1024)

int rpki_load_json(const char *path, const struct rpki_load_opts *opts,
    struct vrp_table **vrps, struct aspa_table **aspas, struct rpki_load_stats *stats,
    char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_FILE_SIZE) {
		snprintf(err, errlen, "%s: not a regular file of at most %ld bytes", path, MAX_FILE_SIZE);
		fclose(f);
		return -1;
	}
	size_t len = (size_t)st.st_size;
	char *buf = xmalloc(len);
	size_t got = fread(buf, 1, len, f);
	int r;
	if (got != len || ferror(f)) {
		snprintf(err, errlen, "%s: short read (%zu of %zu bytes)", path, got, len);
		r = -1;
	} else {
		r = rpki_parse_json(path, buf, len, opts, vrps, aspas, stats, err, errlen);
	}
	free(buf);
	fclose(f);
	return r;
}
