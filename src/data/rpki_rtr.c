/* SPDX-License-Identifier: ISC */
/* rpki_rtr: RTR feed through rtrlib 0.8.  See rpki_rtr.h for the contract. */
#include "rpki_rtr.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rtrlib/rtrlib.h>

#include "dynlib.h"
#include "log.h"
#include "xalloc.h"

/* One configured cache.  rtr_socket comes first: rtrlib hands callbacks a
 * pointer to it, and that leads back here (see cache_of). */
struct rtr_cache {
	struct rtr_socket rtr;
	struct tr_socket tr;
	struct tr_tcp_config tcp;
	struct rtr_socket *sockets[1];   /* the group's socket list */
	struct rpki_rtr *owner;
	char name[80];                   /* as configured */
	enum rtr_mgr_status status;      /* its group's, under owner->mu */
};

struct rpki_rtr {
	struct rtr_mgr_config *mgr;
	struct rtr_cache *caches;
	size_t n_caches;
	int efd;
	pthread_mutex_t mu;          /* guards the fields below and caches[].status */
	struct vrp_change *pending;
	size_t n_pending, cap_pending;
	time_t last_change;
};

static struct rtr_cache *cache_of(const struct rtr_socket *s)
{
	return (struct rtr_cache *)((const char *)s - offsetof(struct rtr_cache, rtr));
}

/* rtrlib cancels its threads to stop them; a cancel inside our critical
 * section would leave the mutex locked for ever. */
/* rtrlib, loaded on first use (dynlib.h): a route server without RTR
 * caches never maps it and the SSH/crypto libraries it links. */
static struct {
	pthread_once_t once;
	bool ok;
	char err[200];
	int (*mgr_init)(struct rtr_mgr_config **config_out, struct rtr_mgr_group groups[],
	    const unsigned int groups_len, const unsigned int refresh_interval,
	    const unsigned int expire_interval, const unsigned int retry_interval,
	    const pfx_update_fp update_fp, const spki_update_fp spki_update_fp,
	    const rtr_mgr_status_fp status_fp, void *status_fp_data);
	int (*mgr_start)(struct rtr_mgr_config *config);
	void (*mgr_stop)(struct rtr_mgr_config *config);
	void (*mgr_free)(struct rtr_mgr_config *config);
	const char *(*mgr_status_to_str)(enum rtr_mgr_status status);
	const char *(*state_to_str)(enum rtr_socket_state state);
	int (*tcp_init)(const struct tr_tcp_config *config, struct tr_socket *socket);
} rtrlib = { .once = PTHREAD_ONCE_INIT };

static void rtrlib_load(void)
{
	const struct dynsym syms[] = {
		{ "rtr_mgr_init", (void **)&rtrlib.mgr_init },
		{ "rtr_mgr_start", (void **)&rtrlib.mgr_start },
		{ "rtr_mgr_stop", (void **)&rtrlib.mgr_stop },
		{ "rtr_mgr_free", (void **)&rtrlib.mgr_free },
		{ "rtr_mgr_status_to_str", (void **)&rtrlib.mgr_status_to_str },
		{ "rtr_state_to_str", (void **)&rtrlib.state_to_str },
		{ "tr_tcp_init", (void **)&rtrlib.tcp_init },
	};
	rtrlib.ok = dynlib_load("librtr.so.0", "librtr0", syms, sizeof(syms) / sizeof(syms[0]), rtrlib.err,
	    sizeof(rtrlib.err)) == 0;
}

static void lock(struct rpki_rtr *r, int *cancel_state)
{
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, cancel_state);
	pthread_mutex_lock(&r->mu);
}

static void unlock(struct rpki_rtr *r, int cancel_state)
{
	pthread_mutex_unlock(&r->mu);
	pthread_setcancelstate(cancel_state, NULL);
}

static void record_to_vrp(const struct pfx_record *rec, struct vrp *v)
{
	memset(v, 0, sizeof(*v));
	if (rec->prefix.ver == LRTR_IPV4) {
		v->prefix.afi = AFI_IPV4;
		uint32_t a = rec->prefix.u.addr4.addr;      /* host order */
		for (int i = 0; i < 4; i++)
			v->prefix.addr[i] = (uint8_t)(a >> (24 - 8 * i));
	} else {
		v->prefix.afi = AFI_IPV6;
		for (int w = 0; w < 4; w++) {
			uint32_t a = rec->prefix.u.addr6.addr[w];
			for (int i = 0; i < 4; i++)
				v->prefix.addr[4 * w + i] = (uint8_t)(a >> (24 - 8 * i));
		}
	}
	/* A cache should not send host bits; struct prefix must not have them. */
	prefix_truncate(&v->prefix, rec->min_len <= afi_max_prefix_len(v->prefix.afi) ? rec->min_len : 0);
	v->asn = rec->asn;
	v->max_len = rec->max_len;
}

/* rtrlib's pfx_update_fp, on a cache thread. */
static void on_pfx_update(struct pfx_table *table, const struct pfx_record rec, const bool added)
{
	(void)table;
	if (rec.socket == NULL)
		return;
	struct rpki_rtr *r = cache_of(rec.socket)->owner;
	struct vrp_change c = { .added = added };
	int cs;
	record_to_vrp(&rec, &c.vrp);
	lock(r, &cs);
	if (r->n_pending == r->cap_pending) {
		r->cap_pending = r->cap_pending ? r->cap_pending * 2 : 1024;
		r->pending = xrealloc(r->pending, r->cap_pending * sizeof(r->pending[0]));
	}
	r->pending[r->n_pending++] = c;
	r->last_change = time(NULL);
	if (r->n_pending == 1) {
		/* Only the first change of a batch wakes the consumer: the
		 * eventfd counter is read back to zero by rpki_rtr_drain. */
		uint64_t one = 1;
		if (write(r->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			log_warn("rpki-rtr: eventfd: %s", strerror(errno));
	}
	unlock(r, cs);
}

/* rtrlib's rtr_mgr_status_fp, on a cache thread, for every socket state
 * change.  sock may belong to another group (the one that closes this
 * one); the group's own socket names the cache. */
static void on_status(const struct rtr_mgr_group *group, enum rtr_mgr_status status,
    const struct rtr_socket *sock, void *data)
{
	struct rpki_rtr *r = data;
	struct rtr_cache *c = cache_of(group->sockets[0]);
	bool changed;
	int cs;
	(void)sock;
	lock(r, &cs);
	changed = c->status != status;
	c->status = status;
	unlock(r, cs);
	if (changed)
		log_info("rpki-rtr: cache %s: %s", c->name, rtrlib.mgr_status_to_str(status));
}

/* "host:port", "[v6]:port", "host", "v6": host and port into c->tcp. */
static int parse_cache(const char *spec, struct rtr_cache *c, char *err, size_t errlen)
{
	const char *colon = strrchr(spec, ':');
	const char *host = spec, *port = NULL;
	size_t hlen;
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');
		if (close == NULL || (close[1] != '\0' && close[1] != ':')) {
			snprintf(err, errlen, "RTR cache \"%s\": bad [address]:port", spec);
			return -1;
		}
		host = spec + 1;
		hlen = (size_t)(close - host);
		port = close[1] == ':' ? close + 2 : NULL;
	} else if (colon != NULL && strchr(spec, ':') == colon) {
		hlen = (size_t)(colon - spec);
		port = colon + 1;
	} else {
		hlen = strlen(spec);    /* a host alone, or an IPv6 address */
	}
	char *end;
	unsigned long p = port ? strtoul(port, &end, 10) : 323;
	if (hlen == 0 || (port && (*port < '0' || *port > '9' || *end != '\0' || p == 0 || p > 65535))) {
		snprintf(err, errlen, "RTR cache \"%s\": expected host:port", spec);
		return -1;
	}
	c->tcp.host = xmalloc(hlen + 1);
	memcpy(c->tcp.host, host, hlen);
	c->tcp.host[hlen] = '\0';
	c->tcp.port = xstrdup(port ? port : RPKI_RTR_DEFAULT_PORT);
	snprintf(c->name, sizeof(c->name), "%s", spec);
	c->status = RTR_MGR_CLOSED;
	return 0;
}

static void free_caches(struct rpki_rtr *r)
{
	for (size_t i = 0; i < r->n_caches; i++) {
		free(r->caches[i].tcp.host);
		free(r->caches[i].tcp.port);
	}
	free(r->caches);
}

static void rpki_rtr_free(struct rpki_rtr *r)
{
	free_caches(r);
	if (r->efd >= 0)
		close(r->efd);
	pthread_mutex_destroy(&r->mu);
	free(r->pending);
	free(r);
}

/* RFC 8210 §6 ranges, which rtrlib enforces without saying which failed. */
static int check_intervals(unsigned refresh, unsigned expire, unsigned retry, char *err, size_t errlen)
{
	if (refresh < 1 || refresh > 86400 || retry < 1 || retry > 7200 || expire < 600 ||
	    expire > 172800 || expire < refresh) {
		snprintf(err, errlen, "RTR: intervals refresh %u (1..86400), retry %u (1..7200), "
		    "expire %u (600..172800, >= refresh) out of range", refresh, retry, expire);
		return -1;
	}
	return 0;
}

struct rpki_rtr *rpki_rtr_start(const struct rpki_rtr_opts *o, char *err, size_t errlen)
{
	size_t n = o->caches ? (size_t)o->caches->n : 0;
	unsigned refresh = o->refresh ? o->refresh : 3600;
	unsigned expire = o->expire ? o->expire : 7200;
	unsigned retry = o->retry ? o->retry : 600;
	if (n == 0 || n > 255) {
		snprintf(err, errlen, "RTR: between 1 and 255 caches needed, %zu given", n);
		return NULL;
	}
	if (check_intervals(refresh, expire, retry, err, errlen) < 0)
		return NULL;
	pthread_once(&rtrlib.once, rtrlib_load);
	if (!rtrlib.ok) {
		snprintf(err, errlen, "RTR: %s", rtrlib.err);
		return NULL;
	}
	struct rpki_rtr *r = xcalloc(1, sizeof(*r));
	pthread_mutex_init(&r->mu, NULL);
	r->caches = xcalloc(n, sizeof(r->caches[0]));
	r->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->efd < 0) {
		snprintf(err, errlen, "RTR: eventfd: %s", strerror(errno));
		rpki_rtr_free(r);
		return NULL;
	}
	struct rtr_mgr_group *groups = xcalloc(n, sizeof(*groups));
	for (size_t i = 0; i < n; i++) {
		struct rtr_cache *c = &r->caches[i];
		c->owner = r;
		if (parse_cache(o->caches->v[i], c, err, errlen) < 0) {
			r->n_caches = i + 1;
			free(groups);
			rpki_rtr_free(r);
			return NULL;
		}
		r->n_caches = i + 1;
		rtrlib.tcp_init(&c->tcp, &c->tr);
		c->rtr.tr_socket = &c->tr;
		c->sockets[0] = &c->rtr;
		groups[i] = (struct rtr_mgr_group){
			.sockets = c->sockets, .sockets_len = 1, .preference = (uint8_t)(i + 1),
		};
	}
	/* rtr_mgr_init copies the groups (not their socket lists). */
	int rc = rtrlib.mgr_init(&r->mgr, groups, (unsigned)n, refresh, expire, retry, on_pfx_update, NULL,
	    on_status, r);
	free(groups);
	if (rc != RTR_SUCCESS) {
		snprintf(err, errlen, "RTR: rtrlib could not set up the caches");
		for (size_t i = 0; i < n; i++)
			r->caches[i].tr.free_fp(&r->caches[i].tr);
		rpki_rtr_free(r);
		return NULL;
	}
	if (rtrlib.mgr_start(r->mgr) != RTR_SUCCESS) {
		snprintf(err, errlen, "RTR: rtrlib could not start");
		rpki_rtr_stop(r);
		return NULL;
	}
	return r;
}

void rpki_rtr_stop(struct rpki_rtr *r)
{
	if (r == NULL)
		return;
	rtrlib.mgr_stop(r->mgr);
	rtrlib.mgr_free(r->mgr);       /* frees the transports too */
	rpki_rtr_free(r);
}

int rpki_rtr_fd(const struct rpki_rtr *r)
{
	return r->efd;
}

size_t rpki_rtr_drain(struct rpki_rtr *r, struct vrp_change **out)
{
	uint64_t v;
	int cs;
	lock(r, &cs);
	size_t n = r->n_pending;
	*out = r->pending;
	r->pending = NULL;
	r->n_pending = r->cap_pending = 0;
	/* Under the lock: a change appended after this read writes again. */
	if (read(r->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_warn("rpki-rtr: eventfd: %s", strerror(errno));
	unlock(r, cs);
	return n;
}

/* The socket fields are written by the cache's thread without a lock;
 * rtrlib's own rtr_mgr_conf_in_sync reads them the same way.  They are
 * single words, read for display only. */
static void cache_state(const struct rtr_cache *c, struct rpki_rtr_cache_state *out)
{
	snprintf(out->name, sizeof(out->name), "%s", c->name);
	out->state = rtrlib.state_to_str(c->rtr.state);
	out->session_id = c->rtr.session_id;
	out->serial = c->rtr.serial_number;
	out->last_update = c->rtr.last_update;
	out->synced = out->last_update != 0;
}

size_t rpki_rtr_state(struct rpki_rtr *r, struct rpki_rtr_state *st,
    struct rpki_rtr_cache_state *caches, size_t max)
{
	int cs;
	lock(r, &cs);
	st->connected = false;
	for (size_t i = 0; i < r->n_caches; i++)
		st->connected |= r->caches[i].status == RTR_MGR_ESTABLISHED;
	st->pending = r->n_pending;
	st->last_change = r->last_change;
	unlock(r, cs);
	for (size_t i = 0; i < r->n_caches && i < max; i++)
		cache_state(&r->caches[i], &caches[i]);
	return r->n_caches;
}
