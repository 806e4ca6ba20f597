/* SPDX-License-Identifier: ISC */
#include "peeringdb.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bgp.h"
#include "errbuf.h"
#include "fetch.h"
#include "log.h"
#include "wire.h"
#include "xalloc.h"

#define PDB_MAX_FILE (512u << 20)     /* a full PeeringDB net dump is ~30 MB */

/* --- records --------------------------------------------------------------- */

/* An optional unsigned 32-bit field: absent or null gives 0. */
static bool json_u32(const json_t *rec, const char *key, uint32_t *out)
{
	const json_t *v = json_object_get(rec, key);
	*out = 0;
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_real(v))
		return false;
	double d = json_real_value(v);
	if (!(d >= 0 && d <= 4294967295.0) || (double)(uint32_t)d != d)
		return false;
	*out = (uint32_t)d;
	return true;
}

static bool get_bool(const json_t *rec, const char *key, bool *out)
{
	const json_t *v = json_object_get(rec, key);
	*out = false;
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_boolean(v))
		return false;
	*out = json_is_true(v);
	return true;
}

static bool get_str(const json_t *rec, const char *key, const char **out)
{
	const json_t *v = json_object_get(rec, key);
	*out = NULL;
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_string(v))
		return false;
	*out = json_string_value(v);
	return true;
}

/* Fills out from one record; false (out untouched) if it must be skipped. */
static bool parse_net(const json_t *rec, struct pdb_net *out)
{
	struct pdb_net n = { 0 };
	const char *as_set;
	if (!json_is_object(rec) || !json_u32(rec, "asn", &n.asn) || n.asn == 0 ||
	    !json_u32(rec, "info_prefixes4", &n.info_prefixes4) ||
	    !json_u32(rec, "info_prefixes6", &n.info_prefixes6) ||
	    !get_bool(rec, "info_never_via_route_servers", &n.never_via_route_servers) ||
	    !get_str(rec, "irr_as_set", &as_set))
		return false;
	if (as_set != NULL) {
		n.irr_as_set = xstrdup(as_set);
		pdb_parse_irr_as_set(as_set, &n.as_sets);
	}
	*out = n;
	return true;
}

static void net_free(struct pdb_net *n)
{
	free(n->irr_as_set);
	pdb_str_list_free(&n->as_sets);
}

/* Records accumulate in arrival order; pdb_finish() sorts them. */
struct pdb_builder {
	struct pdb *db;
	size_t cap;
};

/* Appends the records of {"data": [...]}; -1 with err if doc is not that. */
static int add_document(struct pdb_builder *b, const json_t *doc, const char *src,
    char *err, size_t errlen)
{
	const json_t *data = json_object_get(doc, "data");
	if (!json_is_array(data)) {
		errbuf_set(err, errlen, "%s: not a PeeringDB API answer: no \"data\" list", src);
		return -1;
	}
	struct pdb *db = b->db;
	size_t i;
	const json_t *rec;
	json_array_foreach(data, i, rec) {
		if (db->n == b->cap) {
			b->cap = b->cap ? 2 * b->cap : 64;
			db->nets = xrealloc(db->nets, b->cap * sizeof(*db->nets));
		}
		if (parse_net(rec, &db->nets[db->n])) {
			db->n++;
		} else {
			log_debug("%s: record %zu skipped: no valid asn or a field of the wrong type",
			    src, i);
			db->skipped++;
		}
	}
	return 0;
}

static int cmp_net_ptr(const void *a, const void *b)
{
	const struct pdb_net *x = *(const struct pdb_net *const *)a;
	const struct pdb_net *y = *(const struct pdb_net *const *)b;
	if (x->asn != y->asn)
		return x->asn < y->asn ? -1 : 1;
	return x < y ? -1 : x > y;   /* arrival order among duplicates */
}

/* Sorts by ASN, keeping the first record of each ASN. */
static struct pdb *pdb_finish(struct pdb_builder *b)
{
	struct pdb *db = b->db;
	if (db->n == 0)
		return db;
	struct pdb_net **order = xmalloc(db->n * sizeof(*order));
	for (size_t i = 0; i < db->n; i++)
		order[i] = &db->nets[i];
	qsort(order, db->n, sizeof(*order), cmp_net_ptr);
	struct pdb_net *nets = xmalloc(db->n * sizeof(*nets));
	size_t n = 0;
	for (size_t i = 0; i < db->n; i++) {
		if (n > 0 && nets[n - 1].asn == order[i]->asn)
			net_free(order[i]);
		else
			nets[n++] = *order[i];
	}
	free(order);
	free(db->nets);
	db->nets = nets;
	db->n = n;
	return db;
}

static struct pdb_builder builder_new(void)
{
	return (struct pdb_builder){ xcalloc(1, sizeof(struct pdb)), 0 };
}

void pdb_free(struct pdb *db)
{
	if (db == NULL)
		return;
	for (size_t i = 0; i < db->n; i++)
		net_free(&db->nets[i]);
	free(db->nets);
	free(db);
}

struct pdb *pdb_load_file(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		errbuf_set(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || (uintmax_t)st.st_size > PDB_MAX_FILE) {
		errbuf_set(err, errlen, "%s: not a regular file of at most %u MB", path, PDB_MAX_FILE >> 20);
		return NULL;
	}
	json_error_t jerr;
	json_t *doc = json_load_file(path, JSON_DECODE_INT_AS_REAL, &jerr);
	if (doc == NULL) {
		errbuf_set(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
		return NULL;
	}
	struct pdb_builder b = builder_new();
	int rc = add_document(&b, doc, path, err, errlen);
	json_decref(doc);
	if (rc < 0) {
		pdb_free(b.db);
		return NULL;
	}
	b.db->time = st.st_mtime;
	return pdb_finish(&b);
}

/* --- saving ------------------------------------------------------------------ */

static json_t *u32_or_null(uint32_t v)
{
	return v ? json_integer(v) : json_null();
}

static json_t *pdb_to_json(const struct pdb *db)
{
	json_t *data = json_array();
	for (size_t i = 0; i < db->n; i++) {
		const struct pdb_net *n = &db->nets[i];
		json_array_append_new(data, json_pack("{s:I, s:o, s:o, s:o, s:b}",
		    "asn", (json_int_t)n->asn,
		    "info_prefixes4", u32_or_null(n->info_prefixes4),
		    "info_prefixes6", u32_or_null(n->info_prefixes6),
		    "irr_as_set", n->irr_as_set ? json_string(n->irr_as_set) : json_null(),
		    "info_never_via_route_servers", n->never_via_route_servers));
	}
	return json_pack("{s:o, s:{}}", "data", data, "meta");
}

int pdb_save(const struct pdb *db, const char *path, char *err, size_t errlen)
{
	size_t tlen = strlen(path) + sizeof(".XXXXXX");
	char *tmp = xmalloc(tlen);
	snprintf(tmp, tlen, "%s.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		errbuf_set(err, errlen, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	json_t *doc = pdb_to_json(db);
	/* Written completely and synced before the rename, so a crash leaves
	 * either the old cache or the new one, never half a file. */
	int rc = json_dumpfd(doc, fd, JSON_COMPACT) == 0 && fsync(fd) == 0 ? 0 : -1;
	int saved_errno = errno;
	json_decref(doc);
	if (close(fd) < 0 && rc == 0) {
		rc = -1;
		saved_errno = errno;
	}
	if (rc == 0 && rename(tmp, path) < 0) {
		rc = -1;
		saved_errno = errno;
	}
	if (rc < 0) {
		errbuf_set(err, errlen, "%s: %s", path, strerror(saved_errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* --- fetching ------------------------------------------------------------------- */

/* GETs url into body; 0 on HTTP 200, else -1 with err. */
static int http_get(const struct pdb_fetch_opts *o, const char *url, struct wbuf *body,
    char *err, size_t errlen)
{
	char *auth = NULL;
	struct fetch_opts f = { .protocols = "http,https", .max_bytes = PDB_MAX_RESPONSE,
		.timeout = o->timeout > 0 ? o->timeout : PDB_DEFAULT_TIMEOUT };
	if (o->api_key != NULL) {
		size_t alen = strlen(o->api_key) + sizeof("Authorization: Api-Key ");
		auth = xmalloc(alen);
		snprintf(auth, alen, "Authorization: Api-Key %s", o->api_key);
		f.header = auth;
	}
	long status = fetch_url(url, &f, body, err, errlen);
	free(auth);
	if (status == 200)
		return 0;
	if (status == 429)
		errbuf_set(err, errlen, "%s: HTTP 429, rate-limited (an API key raises the limit)", url);
	else if (status >= 0)
		errbuf_set(err, errlen, "%s: HTTP %ld", url, status);
	return -1;
}

static int fetch_into(struct pdb_builder *b, const struct pdb_fetch_opts *o, const char *url,
    char *err, size_t errlen)
{
	struct wbuf body = { 0 };
	int rc = http_get(o, url, &body, err, errlen);
	if (rc == 0) {
		json_error_t jerr;
		json_t *doc = json_loadb((const char *)body.data, body.len, JSON_DECODE_INT_AS_REAL, &jerr);
		if (doc == NULL) {
			errbuf_set(err, errlen, "%s: line %d: %s", url, jerr.line, jerr.text);
			rc = -1;
		} else {
			rc = add_document(b, doc, url, err, errlen);
			json_decref(doc);
		}
	}
	wbuf_free(&body);
	return rc;
}

/* base + path, without a doubled '/'. */
static void url_start(struct wbuf *u, const char *base, const char *path)
{
	size_t blen = strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	u->len = 0;
	wbuf_put(u, base, blen);
	wbuf_put(u, path, strlen(path));
}

static int fetch_all(struct pdb_builder *b, const struct pdb_fetch_opts *o,
    const uint32_t *asns, size_t n, char *err, size_t errlen)
{
	const char *base = o->base_url ? o->base_url : PDB_DEFAULT_BASE_URL;
	size_t chunk = o->chunk ? o->chunk : PDB_DEFAULT_CHUNK;
	struct wbuf url = { 0 };
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i += chunk) {
		url_start(&url, base, "/api/net?asn__in=");
		for (size_t k = i; k < n && k < i + chunk; k++) {
			char num[16];
			int len = snprintf(num, sizeof(num), "%s%u", k > i ? "," : "", asns[k]);
			wbuf_put(&url, num, (size_t)len);
		}
		wbuf_u8(&url, 0);
		rc = fetch_into(b, o, (const char *)url.data, err, errlen);
	}
	if (rc == 0 && o->never_via_rs) {
		url_start(&url, base, "/api/net?info_never_via_route_servers=1");
		wbuf_u8(&url, 0);
		rc = fetch_into(b, o, (const char *)url.data, err, errlen);
	}
	wbuf_free(&url);
	return rc;
}

/* <cache_dir>/peeringdb/net.json, creating the directories. */
static char *cache_path(const char *cache_dir, bool create)
{
	size_t len = strlen(cache_dir) + sizeof("/peeringdb/net.json");
	char *p = xmalloc(len);
	if (create) {
		mkdir(cache_dir, 0755);
		snprintf(p, len, "%s/peeringdb", cache_dir);
		mkdir(p, 0755);
	}
	snprintf(p, len, "%s/peeringdb/net.json", cache_dir);
	return p;
}

static struct pdb *load_cache(const struct pdb_fetch_opts *o, const char *why,
    char *err, size_t errlen)
{
	if (o->cache_dir == NULL) {
		errbuf_set(err, errlen, "%s", why);
		return NULL;
	}
	char *path = cache_path(o->cache_dir, false);
	char cerr[512];
	struct pdb *db = pdb_load_file(path, cerr, sizeof(cerr));
	if (db == NULL) {
		errbuf_set(err, errlen, "%s; no cache to fall back to: %s", why, cerr);
	} else {
		db->from_cache = true;
		log_warn("PeeringDB unreachable (%s): using %s, %ld minutes old", why, path,
		    (long)(time(NULL) - db->time) / 60);
	}
	free(path);
	return db;
}

struct pdb *pdb_fetch(const struct pdb_fetch_opts *o, const uint32_t *asns, size_t n,
    char *err, size_t errlen)
{
	struct pdb_builder b = builder_new();
	char ferr[512];
	if (fetch_all(&b, o, asns, n, ferr, sizeof(ferr)) < 0) {
		pdb_free(b.db);
		return load_cache(o, ferr, err, errlen);
	}
	struct pdb *db = pdb_finish(&b);
	db->time = time(NULL);
	if (db->skipped)
		log_warn("PeeringDB: %zu records skipped (not a valid net record)", db->skipped);
	if (o->cache_dir != NULL) {
		char *path = cache_path(o->cache_dir, true);
		char serr[512];
		if (pdb_save(db, path, serr, sizeof(serr)) < 0)
			log_warn("PeeringDB cache not written: %s", serr);
		free(path);
	}
	return db;
}

/* --- queries ----------------------------------------------------------------------- */

static int cmp_asn_net(const void *key, const void *elem)
{
	uint32_t asn = *(const uint32_t *)key, other = ((const struct pdb_net *)elem)->asn;
	return asn < other ? -1 : asn > other;
}

const struct pdb_net *pdb_lookup(const struct pdb *db, uint32_t asn)
{
	if (db == NULL || db->n == 0)
		return NULL;
	return bsearch(&asn, db->nets, db->n, sizeof(*db->nets), cmp_asn_net);
}

void pdb_never_via_rs(const struct pdb *db, struct asn_set *set)
{
	uint32_t *asns = xmalloc((db->n ? db->n : 1) * sizeof(*asns));
	size_t n = 0;
	for (size_t i = 0; i < db->n; i++)
		if (db->nets[i].never_via_route_servers)
			asns[n++] = db->nets[i].asn;
	asn_set_add(set, asns, n);
	free(asns);
}

/* --- irr_as_set ------------------------------------------------------------------ */

/* IRRDBInfo.BGPQ3_DEFAULT_SOURCES in arouteserver's irrdb.py. */
static const char *const irr_sources[] = {
	"RIPE", "APNIC", "AFRINIC", "ARIN", "NTTCOM", "ALTDB", "BBOI", "BELL", "JPIRR",
	"LEVEL3", "RADB", "RGNET", "SAVVIS", "TC",
};

static bool is_irr_source(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(irr_sources) / sizeof(irr_sources[0]); i++)
		if (strlen(irr_sources[i]) == len && strncasecmp(s, irr_sources[i], len) == 0)
			return true;
	return false;
}

/* One token of the split text -> a normalised name in buf, or false. */
static bool as_set_token(const char *tok, size_t len, char *buf, size_t buflen)
{
	if (len >= 5 && (strncasecmp(tok, "ipv4:", 5) == 0 || strncasecmp(tok, "ipv6:", 5) == 0)) {
		tok += 5;
		len -= 5;
	}
	if (len == 0 || len + 2 >= buflen)
		return false;
	const char *at = memchr(tok, '@', len);
	const char *colon = memchr(tok, ':', len);
	if (at != NULL && at > tok && is_irr_source(at + 1, len - (size_t)(at + 1 - tok))) {
		/* NAME@SOURCE */
		size_t nlen = (size_t)(at - tok), slen = len - nlen - 1;
		snprintf(buf, buflen, "%.*s::%.*s", (int)slen, at + 1, (int)nlen, tok);
	} else if (colon != NULL && is_irr_source(tok, (size_t)(colon - tok)) &&
	    len - (size_t)(colon - tok) >= 3 && colon[1] != ':') {
		/* SOURCE:NAME (arouteserver: at least two characters after ':') */
		snprintf(buf, buflen, "%.*s::%.*s", (int)(colon - tok), tok,
		    (int)(len - (size_t)(colon - tok) - 1), colon + 1);
	} else {
		snprintf(buf, buflen, "%.*s", (int)len, tok);
	}
	return as_set_name_normalise(buf);
}

static bool str_list_has(const struct cfg_str_list *l, const char *s)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

int pdb_parse_irr_as_set(const char *text, struct cfg_str_list *out)
{
	/* Python's \s in ASCII: space, \t\n\v\f\r and \x1c-\x1f */
	static const char seps[] = "/,& \t\n\v\f\r\x1c\x1d\x1e\x1f";
	char buf[256];               /* PeeringDB limits the field to 255 */
	int added = 0;
	for (const char *p = text; *p; ) {
		p += strspn(p, seps);
		size_t len = strcspn(p, seps);
		if (len && as_set_token(p, len, buf, sizeof(buf)) && !str_list_has(out, buf)) {
			out->v = xrealloc(out->v, ((size_t)out->n + 1) * sizeof(*out->v));
			out->v[out->n++] = xstrdup(buf);
			added++;
		}
		p += len;
	}
	return added;
}

void pdb_str_list_free(struct cfg_str_list *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* --- max-prefix ------------------------------------------------------------------- */

/* Python's round() of a non-negative double: half to even.  Done by hand
 * to keep libm out of the link. */
static uint64_t round_half_even(double x)
{
	uint64_t i = (uint64_t)x;
	double frac = x - (double)i;
	if (frac > 0.5 || (frac == 0.5 && (i & 1)))
		i++;
	return i;
}

uint32_t pdb_max_prefix(const struct cfg_client *client, const struct cfg_general *general,
    const struct pdb *db, uint8_t afi)
{
	const struct cfg_policy *pol = &client->policy;
	bool v4 = afi == AFI_IPV4;
	uint32_t own = v4 ? client->max_prefix.limit_ipv4 : client->max_prefix.limit_ipv6;
	uint32_t general_limit = v4 ? general->filtering.max_prefix.general_limit_ipv4 :
	    general->filtering.max_prefix.general_limit_ipv6;

	if (pol->filtering.max_prefix.action == CFG_MAX_PREFIX_NONE)
		return 0;
	if (own != 0)
		return own;
	const struct pdb_net *net = pol->filtering.max_prefix.peering_db.enabled ?
	    pdb_lookup(db, client->asn) : NULL;
	if (net == NULL)
		return general_limit;
	uint32_t v = v4 ? net->info_prefixes4 : net->info_prefixes6;
	if (v == 0)
		v = general_limit;
	if (v == 0)
		return 0;
	double abs_inc = pol->filtering.max_prefix.peering_db.increment.absolute;
	double rel_inc = pol->filtering.max_prefix.peering_db.increment.relative;
	/* Same operations, in the same order, as arouteserver's
	 * int(round((v + absolute) * (1 + float(relative) / 100))). */
	uint64_t limit = round_half_even(((double)v + abs_inc) * (1 + rel_inc / 100));
	return limit > UINT32_MAX ? UINT32_MAX : (uint32_t)limit;
}
