/* SPDX-License-Identifier: ISC */
#include "datasrc.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"
#include "irr.h"
#include "log.h"
#include "peeringdb.h"
#include "pfxtree.h"
#include "rpki.h"
#include "whois_dump.h"
#include "xalloc.h"

/* What to fetch: a private copy of the configuration's data sources, so
 * the thread never reads a configuration a reload frees. */
struct irr_job {
	char **names;
	int n;
	uint64_t sent;               /* digest of the data last sent, 0 = none */
};

struct job {
	char *vrp_file;
	struct cfg_str_list allowed_tas;
	uint32_t max_age, rpki_refresh;
	bool rpki_wanted;
	char **rpsl;
	int n_rpsl;
	bool bgpq4;
	char *bgpq4_path, *bgpq4_host, *bgpq4_sources;
	char *cache_dir;
	uint32_t irr_refresh;
	struct irr_job *irr;
	int n_irr;
	char *pdb_api, *pdb_key;
	uint32_t pdb_refresh;
	bool pdb_never_via_rs;
	uint32_t *asns;              /* the clients' ASNs, for PeeringDB */
	size_t n_asns;
	char *whois[2];              /* the whois dumps' sources (file or URL), by enum whois_format */
};

struct datasrc {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop, new_job;
	struct job *job, *pending;
	struct ipc_queue *to_rde, *to_main;
	time_t vrp_mtime, rpsl_mtime;
	uint64_t whois_sent[2];      /* what the RDE holds of each dump: 0 none, else a digest
	                              * of the download's bytes (1 for a file or the cache) */
	time_t whois_mtime[2];       /* a file's, when sent */
};

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

static char **dup_strs(char *const *v, int n)
{
	char **out = xcalloc((size_t)n + 1, sizeof(*out));
	for (int i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static void free_strs(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static struct job *job_from(const struct ixpd_config *cfg, const struct policy_global *g)
{
	struct job *j = xcalloc(1, sizeof(*j));
	j->vrp_file = dup_or_null(cfg->rpki.vrp_file);
	j->allowed_tas.n = cfg->general.rpki_roas.allowed_trust_anchors.n;
	j->allowed_tas.v = dup_strs(cfg->general.rpki_roas.allowed_trust_anchors.v, j->allowed_tas.n);
	j->max_age = cfg->general.rpki_roas.ignore_cache_files_older_than;
	j->rpki_refresh = cfg->rpki.refresh ? cfg->rpki.refresh : 300;
	j->n_rpsl = cfg->irr.rpsl.n;
	j->rpsl = dup_strs(cfg->irr.rpsl.v, j->n_rpsl);
	j->bgpq4 = cfg->irr.bgpq4.enabled;
	j->bgpq4_path = dup_or_null(cfg->irr.bgpq4.path);
	j->bgpq4_host = dup_or_null(cfg->irr.bgpq4.host);
	j->bgpq4_sources = dup_or_null(cfg->irr.bgpq4.sources);
	j->cache_dir = dup_or_null(cfg->cache_dir);
	j->irr_refresh = cfg->irr.refresh ? cfg->irr.refresh : 86400;
	j->pdb_api = dup_or_null(cfg->peeringdb.file || !config_wants_peeringdb(cfg) ? NULL : cfg->peeringdb.api);
	j->pdb_key = dup_or_null(cfg->peeringdb.api_key);
	j->pdb_refresh = cfg->peeringdb.refresh ? cfg->peeringdb.refresh : 86400;
	j->pdb_never_via_rs = cfg->general.filtering.never_via_route_servers.peering_db;
	j->asns = xcalloc((size_t)cfg->n_clients + 1, sizeof(*j->asns));
	for (int i = 0; i < cfg->n_clients; i++)
		j->asns[j->n_asns++] = cfg->clients[i].asn;
	j->whois[WHOIS_ARIN] = config_whois_source(cfg, false);
	j->whois[WHOIS_REGISTROBR] = config_whois_source(cfg, true);
	if (!g->irr_configured)
		return j;
	/* One job per distinct AS-SET list: members sharing one share the data. */
	j->irr = xcalloc(g->n_clients + 1, sizeof(*j->irr));
	for (uint32_t i = 0; i < g->n_clients; i++) {
		const struct policy_client *c = &g->clients[i];
		bool seen = false;
		for (uint32_t k = 0; k < i && !seen; k++)
			seen = strcmp(g->clients[k].irr_key, c->irr_key) == 0;
		if (seen)
			continue;
		j->irr[j->n_irr].names = dup_strs(c->irr_names, c->n_irr_names);
		j->irr[j->n_irr].n = c->n_irr_names;
		j->n_irr++;
	}
	return j;
}

static void job_free(struct job *j)
{
	if (!j)
		return;
	free(j->vrp_file);
	free_strs(j->allowed_tas.v, j->allowed_tas.n);
	free_strs(j->rpsl, j->n_rpsl);
	free(j->bgpq4_path);
	free(j->bgpq4_host);
	free(j->bgpq4_sources);
	free(j->cache_dir);
	free(j->pdb_api);
	free(j->pdb_key);
	free(j->asns);
	free(j->whois[WHOIS_ARIN]);
	free(j->whois[WHOIS_REGISTROBR]);
	for (int i = 0; i < j->n_irr; i++)
		free_strs(j->irr[i].names, j->irr[i].n);
	free(j->irr);
	free(j);
}

/* cache_dir and its irr/ and peeringdb/ directories, made if missing. */
static void make_cache_dirs(const char *dir)
{
	static const char *const subs[] = { "", "/irr", "/peeringdb", "/whois" };
	char path[4096];
	for (size_t i = 0; dir && i < sizeof(subs) / sizeof(subs[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", dir, subs[i]);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			log_warn("cache: cannot create %s: %s", path, strerror(errno));
	}
}

static time_t mtime_of(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0 ? st.st_mtime : 0;
}

/* --- RPKI file ------------------------------------------------------------ */

static void load_vrp_file(struct datasrc *ds, const struct job *j)
{
	time_t mt = mtime_of(j->vrp_file);
	if (!mt || mt == ds->vrp_mtime)
		return;
	struct rpki_load_opts o = { .allowed_tas = &j->allowed_tas, .now = time(NULL), .max_age = j->max_age };
	struct rpki_load_stats st;
	struct rpki_update d = { .replace_aspas = true };
	char err[512];
	if (rpki_load_json(j->vrp_file, &o, &d.vrps, &d.aspas, &st, err, sizeof(err)) < 0) {
		log_err("RPKI: %s; keeping the VRPs held", err);
		return;
	}
	ds->vrp_mtime = mt;
	log_info("RPKI: read %s: %zu VRPs", j->vrp_file, st.vrps);
	ipc_push(ds->to_rde, ipc_msg_new(IPC_RPKI_DATA, 0, 0, &d, sizeof(d)));
}

/* --- IRR ------------------------------------------------------------------ */

static int digest_prefix(const struct prefix *p, void *val, void *arg)
{
	uint64_t *h = arg;
	(void)val;
	const uint8_t *b = (const uint8_t *)p;
	for (size_t i = 0; i < sizeof(*p); i++)
		*h = (*h ^ b[i]) * 1099511628211ull;
	return 0;
}

static uint64_t irr_digest(const struct irr_member *m)
{
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < m->n_origins; i++)
		h = (h ^ m->origins[i]) * 1099511628211ull;
	pfxtree_walk(m->prefixes, digest_prefix, &h);
	return h | 1;
}

static struct irr_member *fetch_one(const struct job *j, const struct irr_db *db, const struct irr_job *ij)
{
	char err[512];
	const char *const *names = (const char *const *)ij->names;
	struct irr_member *m = NULL;
	if (db) {
		m = irr_db_expand(db, names, ij->n, 0, err, sizeof(err));
	} else if (j->bgpq4) {
		struct irr_bgpq4_opts o = { j->bgpq4_path, j->bgpq4_host, j->bgpq4_sources, 0 };
		m = irr_bgpq4_expand(&o, names, ij->n, err, sizeof(err));
	}
	if (m) {
		if (j->cache_dir && irr_member_save(m, j->cache_dir, err, sizeof(err)) < 0)
			log_warn("IRR: cache: %s", err);
		return m;
	}
	log_warn("IRR: %s: %s; trying the cache", ij->names[0], err);
	if (j->cache_dir && (m = irr_member_load_cached(j->cache_dir, names, ij->n, err, sizeof(err))))
		return m;
	log_err("IRR: no data for %s (%s): its routes needing IRR checks are rejected", ij->names[0], err);
	return NULL;
}

static struct irr_db *load_rpsl(const struct job *j)
{
	struct irr_db *db = irr_db_new();
	for (int i = 0; i < j->n_rpsl; i++) {
		struct irr_load_stats st;
		char err[512];
		if (irr_db_load_file(db, j->rpsl[i], &st, err, sizeof(err)) < 0) {
			log_err("IRR: %s", err);
			irr_db_free(db);
			return NULL;
		}
		log_info("IRR: read %s: %zu route objects, %zu AS-SETs", j->rpsl[i], st.routes, st.as_sets);
	}
	return db;
}

static time_t rpsl_mtime(const struct job *j)
{
	time_t t = 0;
	for (int i = 0; i < j->n_rpsl; i++) {
		time_t m = mtime_of(j->rpsl[i]);
		t = m > t ? m : t;
	}
	return t;
}

/* One round: every member's data, sent when it differs from what the RDE
 * holds, then one commit so the RDE filters again in a single walk. */
static void fetch_irr(struct datasrc *ds, struct job *j, bool forced)
{
	if (j->n_irr == 0)
		return;
	struct irr_db *db = NULL;
	if (j->n_rpsl) {
		time_t mt = rpsl_mtime(j);
		if (mt == ds->rpsl_mtime && !forced)
			return;
		if (!(db = load_rpsl(j)))
			return;
		ds->rpsl_mtime = mt;
	}
	unsigned sent = 0;
	for (int i = 0; i < j->n_irr; i++) {
		struct irr_member *m = fetch_one(j, db, &j->irr[i]);
		if (!m)
			continue;
		uint64_t h = irr_digest(m);
		if (h == j->irr[i].sent) {
			irr_member_free(m);
			continue;
		}
		j->irr[i].sent = h;
		ipc_push(ds->to_rde, ipc_msg_new(IPC_IRR_DATA, 0, 0, &m, sizeof(m)));
		sent++;
	}
	irr_db_free(db);
	if (sent) {
		log_info("IRR: new data for %u AS-SET lists", sent);
		ipc_push(ds->to_rde, ipc_msg_new(IPC_POLICY_COMMIT, 0, 0, NULL, 0));
	}
}

/* --- whois dumps ---------------------------------------------------------- */

#define WHOIS_FETCH_TIMEOUT 600      /* seconds: registro.br's FTP server can be slow */

static bool is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0 || strncmp(s, "ftp://", 6) == 0;
}

/* cache_dir/whois/<format>.txt */
static void whois_cache_path(const struct job *j, enum whois_format f, char *buf, size_t len)
{
	snprintf(buf, len, "%s/whois/%s.txt", j->cache_dir, whois_format_name(f));
}

static void write_cache(const char *path, const struct wbuf *w)
{
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *fp = fopen(tmp, "wb");
	bool ok = fp && fwrite(w->data, 1, w->len, fp) == w->len;
	if (fp && fclose(fp) != 0)
		ok = false;
	if (!ok || rename(tmp, path) < 0) {
		log_warn("whois: cannot write the cache %s: %s", path, strerror(errno));
		unlink(tmp);
	}
}

static uint64_t bytes_digest(const struct wbuf *w)
{
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < w->len; i++)
		h = (h ^ w->data[i]) * 1099511628211ull;
	return h | 1;
}

/* A downloaded dump: parsed, and kept in the cache; when the download
 * fails, the cache.  NULL when nothing new is to be sent (the same bytes
 * as last time) or nothing could be read. */
static struct whois_routes *download_whois(struct datasrc *ds, const struct job *j, enum whois_format f)
{
	const char *url = j->whois[f], *fmt = whois_format_name(f);
	char err[512], cache[4096] = "";
	if (j->cache_dir)
		whois_cache_path(j, f, cache, sizeof(cache));
	struct fetch_opts o = { .protocols = "http,https,ftp", .timeout = WHOIS_FETCH_TIMEOUT,
		.max_bytes = WHOIS_MAX_BYTES };
	struct wbuf w = { 0 };
	struct whois_routes *r = NULL;
	long status = fetch_url(url, &o, &w, err, sizeof(err));
	if (status > 0 && status != 200)
		snprintf(err, sizeof(err), "%s: status %ld", url, status);
	if (status == 0 || status == 200) {
		uint64_t h = bytes_digest(&w);
		if (h != ds->whois_sent[f] && (r = whois_routes_parse((const char *)w.data, w.len, f, url, err,
		    sizeof(err)))) {
			ds->whois_sent[f] = h;
			if (cache[0])
				write_cache(cache, &w);
		} else if (!r && h != ds->whois_sent[f]) {
			log_err("whois (%s): %s; keeping the data held", fmt, err);
		}
	} else if (cache[0] && ds->whois_sent[f] == 0 && (r = whois_routes_load(cache, f, err, sizeof(err)))) {
		/* nothing held yet: the last good download will do */
		log_warn("whois (%s): %s cannot be downloaded; using the cache %s", fmt, url, cache);
		ds->whois_sent[f] = 1;
	} else {
		log_err("whois (%s): %s; keeping the data held", fmt, err);
	}
	wbuf_free(&w);
	return r;
}

/* One round: each dump in use, sent when it changed (a file's mtime, a
 * download's bytes); a dump no longer in use is dropped.  Returns how
 * many were sent. */
static unsigned fetch_whois(struct datasrc *ds, const struct job *j, bool forced)
{
	unsigned sent = 0;
	for (int f = WHOIS_ARIN; f <= WHOIS_REGISTROBR; f++) {
		struct ipc_whois d = { .format = (uint8_t)f };
		const char *src = j->whois[f];
		char err[512];
		if (!src) {
			if (ds->whois_sent[f]) {
				ds->whois_sent[f] = 0;
				ds->whois_mtime[f] = 0;
				ipc_push(ds->to_rde, ipc_msg_new(IPC_WHOIS_DATA, 0, 0, &d, sizeof(d)));
				sent++;
			}
			continue;
		}
		if (is_url(src)) {
			d.routes = download_whois(ds, j, f);
		} else {
			time_t mt = mtime_of(src);
			if (mt && mt == ds->whois_mtime[f] && !forced)
				continue;
			if (!(d.routes = whois_routes_load(src, f, err, sizeof(err)))) {
				log_err("whois (%s): %s; keeping the data held", whois_format_name(f), err);
				continue;
			}
			ds->whois_mtime[f] = mt;
			ds->whois_sent[f] = 1;
		}
		if (!d.routes)
			continue;
		log_info("whois (%s): read %s: %zu route objects", whois_format_name(f), src,
		    whois_routes_count(d.routes));
		ipc_push(ds->to_rde, ipc_msg_new(IPC_WHOIS_DATA, 0, 0, &d, sizeof(d)));
		sent++;
	}
	return sent;
}

/* --- PeeringDB ------------------------------------------------------------- */

static void fetch_pdb(struct datasrc *ds, const struct job *j)
{
	struct pdb_fetch_opts o = { .base_url = j->pdb_api, .api_key = j->pdb_key,
		.cache_dir = j->cache_dir, .never_via_rs = j->pdb_never_via_rs };
	char err[512];
	struct pdb *db = pdb_fetch(&o, j->asns, j->n_asns, err, sizeof(err));
	if (!db) {
		log_warn("PeeringDB: %s", err);
		return;
	}
	log_info("PeeringDB: %zu networks%s", db->n, db->from_cache ? " (from the cache)" : "");
	ipc_push(ds->to_main, ipc_msg_new(IPC_PDB_DATA, 0, 0, &db, sizeof(db)));
}

/* A new job (reload) keeps what was sent for the AS-SET lists it shares
 * with the old one, so unchanged data is not handed over (and filtered
 * with) again. */
static bool same_names(const struct irr_job *a, const struct irr_job *b)
{
	if (a->n != b->n)
		return false;
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->names[i], b->names[i]) != 0)
			return false;
	return true;
}

static void carry_sent(const struct job *old, struct job *new)
{
	for (int i = 0; old && i < new->n_irr; i++)
		for (int k = 0; k < old->n_irr; k++)
			if (same_names(&new->irr[i], &old->irr[k]))
				new->irr[i].sent = old->irr[k].sent;
}

/* --- the thread ------------------------------------------------------------ */

static void *datasrc_main(void *arg)
{
	struct datasrc *ds = arg;
	struct job *j = NULL;
	time_t next_vrp = 0, next_irr = 0, next_pdb = 0;
	pthread_mutex_lock(&ds->lock);
	while (!ds->stop) {
		bool forced = false;
		if (ds->new_job) {
			carry_sent(j, ds->pending);
			job_free(j);
			j = ds->pending;
			make_cache_dirs(j->cache_dir);
			ds->pending = NULL;
			ds->new_job = false;
			next_vrp = next_irr = 0;    /* PeeringDB keeps its schedule */
			ds->vrp_mtime = 0;
			forced = true;
		}
		pthread_mutex_unlock(&ds->lock);
		time_t now = time(NULL);
		if (j && j->vrp_file && now >= next_vrp) {
			load_vrp_file(ds, j);
			next_vrp = now + j->rpki_refresh;
		}
		if (j && j->pdb_api && now >= next_pdb) {
			fetch_pdb(ds, j);
			next_pdb = now + j->pdb_refresh;
		}
		if (j && now >= next_irr) {
			/* RPSL files are cheap to check: look every refresh period
			 * for a change; bgpq4 asks the IRR each period. */
			fetch_irr(ds, j, forced || j->bgpq4);
			if (fetch_whois(ds, j, forced))
				ipc_push(ds->to_rde, ipc_msg_new(IPC_POLICY_COMMIT, 0, 0, NULL, 0));
			next_irr = now + j->irr_refresh;
		}
		pthread_mutex_lock(&ds->lock);
		if (ds->stop || ds->new_job)
			continue;
		time_t wake = next_irr;
		if (j && j->vrp_file && next_vrp < wake)
			wake = next_vrp;
		if (j && j->pdb_api && next_pdb < wake)
			wake = next_pdb;
		struct timespec ts = { wake ? wake : time(NULL) + 3600, 0 };
		pthread_cond_timedwait(&ds->wake, &ds->lock, &ts);
	}
	pthread_mutex_unlock(&ds->lock);
	job_free(j);
	return NULL;
}

struct datasrc *datasrc_start(const struct ixpd_config *cfg, const struct policy_global *g,
    struct ipc_queue *to_rde, struct ipc_queue *to_main)
{
	struct datasrc *ds = xcalloc(1, sizeof(*ds));
	pthread_mutex_init(&ds->lock, NULL);
	pthread_cond_init(&ds->wake, NULL);
	ds->to_rde = to_rde;
	ds->to_main = to_main;
	ds->pending = job_from(cfg, g);
	ds->new_job = true;
	if (pthread_create(&ds->thread, NULL, datasrc_main, ds) != 0) {
		log_err("datasrc: cannot start its thread: %s", strerror(errno));
		job_free(ds->pending);
		free(ds);
		return NULL;
	}
	return ds;
}

void datasrc_update(struct datasrc *ds, const struct ixpd_config *cfg, const struct policy_global *g)
{
	struct job *j = job_from(cfg, g);
	pthread_mutex_lock(&ds->lock);
	job_free(ds->pending);
	ds->pending = j;
	ds->new_job = true;
	pthread_cond_signal(&ds->wake);
	pthread_mutex_unlock(&ds->lock);
}

void datasrc_stop(struct datasrc *ds)
{
	if (!ds)
		return;
	pthread_mutex_lock(&ds->lock);
	ds->stop = true;
	pthread_cond_signal(&ds->wake);
	pthread_mutex_unlock(&ds->lock);
	pthread_join(ds->thread, NULL);
	job_free(ds->pending);
	pthread_mutex_destroy(&ds->lock);
	pthread_cond_destroy(&ds->wake);
	free(ds);
}
