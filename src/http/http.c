/* SPDX-License-Identifier: ISC */
/* http: the server -- listeners, limits, dispatch to the pages, and the
 * jobs' plumbing to the control protocol.  See http.h and http_int.h. */
#include "http.h"

#include <errno.h>
#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "ctl_proto.h"
#include "errbuf.h"
#include "hash.h"
#include "http_int.h"
#include "log.h"
#include "monotime.h"
#include "xalloc.h"

#define RATE_SLOTS 1024              /* client addresses tracked by the rate limit */
#define LINE_MAX_BYTES (64u << 20)   /* one route entry of the listing */
#define CTL_TIMEOUT_MS 60000         /* the daemon answers within this */
#define CONNECTION_MEMORY (16 * 1024)    /* libmicrohttpd's buffer: bounds the request head */
#define BLOCK_SIZE (64 * 1024)

/* A token bucket per client address (slot by keyed hash; a colliding
 * address takes the slot over with a full bucket). */
struct rate_slot {
	struct ip_addr addr;
	double tokens;
	uint64_t last_ms;
};

struct http_server {
	struct MHD_Daemon *d[HTTP_MAX_LISTEN];
	size_t nd;
	int channel;
	unsigned rate, burst;
	pthread_mutex_t lock;        /* rate[] */
	struct rate_slot rate_slots[RATE_SLOTS];
	_Atomic uint64_t requests[6], classes[6], limited, bytes;
};

/* --- output ------------------------------------------------------------------ */

void job_put(struct http_job *j, const char *s)
{
	wbuf_put(&j->out, s, strlen(s));
}

void job_printf(struct http_job *j, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		wbuf_put(&j->out, small, (size_t)n);
		return;
	}
	wbuf_reserve(&j->out, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf((char *)j->out.data + j->out.len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	j->out.len += (size_t)n;
}

/* text with the characters `escape` has a replacement for replaced */
static void put_escaped(struct http_job *j, const char *text, const char *(*escape)(char c))
{
	for (const char *c = text ? text : ""; *c; c++) {
		const char *e = escape(*c);
		if (e)
			job_put(j, e);
		else
			wbuf_put(&j->out, c, 1);
	}
}

static const char *html_escape(char c)
{
	return c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : c == '"' ? "&quot;" :
	    c == '\'' ? "&#39;" : NULL;
}

static const char *label_escape(char c)
{
	return c == '\\' ? "\\\\" : c == '"' ? "\\\"" : c == '\n' ? "\\n" : NULL;
}

void job_html(struct http_job *j, const char *text)
{
	put_escaped(j, text, html_escape);
}

void job_label(struct http_job *j, const char *v)
{
	job_put(j, "\"");
	put_escaped(j, v, label_escape);
	job_put(j, "\"");
}

static int json_sink(const char *buf, size_t len, void *arg)
{
	wbuf_put(arg, buf, len);
	return 0;
}

void job_json(struct http_job *j, const json_t *v)
{
	json_dump_callback(v, json_sink, &j->out, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* --- the control protocol -------------------------------------------------------- */

static int ctl_open(struct http_job *j, json_t *request)
{
	int fd = ctl_channel_connect(j->srv->channel, j->err, sizeof(j->err));
	if (fd < 0)
		return -1;
	if (ctl_send(fd, request, 5000, j->err, sizeof(j->err)) < 0) {
		close(fd);
		return -1;
	}
	shutdown(fd, SHUT_WR);
	return fd;
}

/* The result of a reply, or NULL with the error in j->err. */
static json_t *reply_result(struct http_job *j, json_t *reply)
{
	const json_t *result;
	const char *error;
	if (ctl_reply_check(reply, &result, &error) != CTL_REPLY_OK) {
		errbuf_set(j->err, sizeof(j->err), "%s", error);
		return NULL;
	}
	return result ? json_incref((json_t *)result) : json_object();
}

json_t *job_query(struct http_job *j, json_t *request)
{
	int fd = ctl_open(j, request);
	json_decref(request);
	if (fd < 0)
		return NULL;
	json_t *reply = ctl_recv(fd, CTL_MAX_REPLY, CTL_TIMEOUT_MS, false, j->err, sizeof(j->err));
	close(fd);
	if (!reply)
		return NULL;
	json_t *result = reply_result(j, reply);
	json_decref(reply);
	return result;
}

/* The next line of the listing (a new reference), NULL at its end or on
 * an error (j->err set). */
static json_t *next_line(struct http_job *j)
{
	for (;;) {
		uint8_t *nl = j->in.len ? memchr(j->in.data, '\n', j->in.len) : NULL;
		if (nl) {
			size_t n = (size_t)(nl - j->in.data);
			json_t *v = ctl_decode((const char *)j->in.data, n, j->err, sizeof(j->err));
			memmove(j->in.data, nl + 1, j->in.len - n - 1);
			j->in.len -= n + 1;
			return v;
		}
		if (j->in.len > LINE_MAX_BYTES) {
			errbuf_set(j->err, sizeof(j->err), "a route entry over %u bytes", LINE_MAX_BYTES);
			return NULL;
		}
		struct pollfd p = { .fd = j->fd, .events = POLLIN };
		if (poll(&p, 1, CTL_TIMEOUT_MS) <= 0) {
			errbuf_set(j->err, sizeof(j->err), "the daemon did not answer");
			return NULL;
		}
		wbuf_reserve(&j->in, 64 * 1024);
		ssize_t r = read(j->fd, j->in.data + j->in.len, 64 * 1024);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			errbuf_set(j->err, sizeof(j->err), "the listing ended early");
			return NULL;
		}
		j->in.len += (size_t)r;
	}
}

/* A line is a route entry, or the listing's last line: its result. */
static bool is_result_line(const json_t *v)
{
	return json_object_get(v, "ok") != NULL;
}

int job_list(struct http_job *j, json_t *request)
{
	json_object_set_new(request, "command", json_string("show routes"));
	json_object_set_new(request, "lines", json_true());
	j->fd = ctl_open(j, request);
	json_decref(request);
	if (j->fd < 0)
		return -1;
	/* an error (no such neighbour, ...) is the first line: find it now,
	 * while the status can still say so */
	j->first = next_line(j);
	if (j->first && is_result_line(j->first) && !json_is_true(json_object_get(j->first, "ok"))) {
		json_decref(reply_result(j, j->first));    /* sets j->err */
		json_decref(j->first);
		j->first = NULL;
	}
	return j->first ? 0 : -1;
}

json_t *job_routes_request(const struct http_routes *r)
{
	json_t *q = json_object();
	char buf[INET6_ADDRSTRLEN];
	if (r->has_neighbor)
		json_object_set_new(q, r->not_received ? "not_exported_to" : "neighbor",
		    json_string(ip_addr_str(&r->neighbor, buf, sizeof(buf))));
	if (r->accepted)
		json_object_set_new(q, "accepted", json_true());
	if (r->rejected)
		json_object_set_new(q, "rejected", json_true());
	if (r->restricted)
		json_object_set_new(q, "restricted", json_true());
	if (r->afi)
		json_object_set_new(q, "family", json_string(r->afi == AFI_IPV4 ? "ipv4" : "ipv6"));
	if (r->match[0])
		json_object_set_new(q, "match", json_string(r->match));
	if (r->community[0])
		json_object_set_new(q, "community", json_string(r->community));
	if (r->has_origin)
		json_object_set_new(q, "origin_as", json_integer(r->origin));
	return q;
}

/* Makes more output: the next route of the listing, or its end. */
static void job_step(struct http_job *j)
{
	json_t *v = j->first ? j->first : (j->fd >= 0 ? next_line(j) : NULL);
	j->first = NULL;
	if (v && !is_result_line(v)) {
		j->shown++;
		j->page->route(j, v);
		json_decref(v);
		return;
	}
	if (v && json_is_false(json_object_get(v, "ok"))) {
		snprintf(j->err, sizeof(j->err), "%s", json_string_value(json_object_get(v, "error")) ?
		    json_string_value(json_object_get(v, "error")) : "error");
		json_decref(v);
		v = NULL;
	}
	if (!v && j->fd >= 0)
		log_info("http: a listing cut short: %s", j->err);
	j->page->end(j, v ? json_object_get(v, "result") : NULL);
	json_decref(v);
	j->done = true;
}

/* --- requests -------------------------------------------------------------------- */

static void job_free(void *cls)
{
	struct http_job *j = cls;
	if (j->fd >= 0)
		close(j->fd);
	wbuf_free(&j->in);
	wbuf_free(&j->out);
	json_decref(j->first);
	json_decref(j->ctx);
	free(j);
}

static ssize_t job_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct http_job *j = cls;
	(void)pos;
	while (j->out_off == j->out.len && !j->done)
		job_step(j);
	size_t n = j->out.len - j->out_off;
	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = n < max ? n : max;
	memcpy(buf, j->out.data + j->out_off, n);
	j->out_off += n;
	if (j->out_off == j->out.len)
		j->out.len = j->out_off = 0;
	atomic_fetch_add(&j->srv->bytes, n);
	return (ssize_t)n;
}

static const char *arg_of(void *arg, const char *name)
{
	return MHD_lookup_connection_value(arg, MHD_GET_ARGUMENT_KIND, name);
}

/* May this client address make a request now? */
static bool rate_allows(struct http_server *h, const struct sockaddr *sa)
{
	struct ip_addr a;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, sa, sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	ip_addr_from_sockaddr(&ss, &a);
	uint64_t now = now_ms();
	size_t k = hash_final(hash_bytes(hash_seed, &a.u, a.family == AF_INET ? 4 : 16)) % RATE_SLOTS;
	pthread_mutex_lock(&h->lock);
	struct rate_slot *s = &h->rate_slots[k];
	if (!ip_addr_equal(&s->addr, &a) || s->last_ms == 0)
		*s = (struct rate_slot){ .addr = a, .tokens = h->burst, .last_ms = now };
	s->tokens += (double)(now - s->last_ms) * h->rate / 1000.0;
	if (s->tokens > h->burst)
		s->tokens = h->burst;
	s->last_ms = now;
	bool ok = s->tokens >= 1.0;
	if (ok)
		s->tokens -= 1.0;
	pthread_mutex_unlock(&h->lock);
	return ok;
}

static enum MHD_Result respond_text(struct MHD_Connection *c, struct http_server *h, unsigned status,
    const char *type, const char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, "Content-Type", type);
	if (status == MHD_HTTP_TOO_MANY_REQUESTS)
		MHD_add_response_header(r, "Retry-After", "1");
	enum MHD_Result rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	atomic_fetch_add(&h->classes[status / 100 % 6], 1);
	return rc;
}

static const struct http_page *page_for(enum http_kind k, unsigned *which)
{
	if (k == HK_METRICS) {
		*which = 2;
		return &metrics_page;
	}
	if (k == HK_STYLE) {
		*which = 3;
		return &style_page;
	}
	*which = k >= HK_BW_STATUS;
	return k >= HK_BW_STATUS ? &bw_page : &lg_page;
}

/* Answers a request whose page and status are known. */
static enum MHD_Result respond_job(struct MHD_Connection *c, struct http_job *j)
{
	struct http_server *h = j->srv;
	if (j->status >= 400) {
		j->out.len = j->out_off = 0;
		j->page->error(j, j->err);
		j->done = true;
	}
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, BLOCK_SIZE, job_read,
	    j, job_free);
	if (!r) {
		job_free(j);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", j->req.json ? "application/json" : j->page->content_type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	enum MHD_Result rc = MHD_queue_response(c, (unsigned)j->status, r);
	MHD_destroy_response(r);
	atomic_fetch_add(&h->classes[j->status / 100 % 6], 1);
	return rc;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_size, void **state)
{
	struct http_server *h = cls;
	(void)version;
	(void)upload_data;
	(void)upload_size;
	(void)state;
	/* Answered at the first call, when the head is in: a body is never
	 * read (libmicrohttpd discards it or closes the connection). */
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return respond_text(c, h, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "read-only: GET and HEAD\n");
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr && !rate_allows(h, ci->client_addr)) {
		atomic_fetch_add(&h->limited, 1);
		return respond_text(c, h, MHD_HTTP_TOO_MANY_REQUESTS, "text/plain", "too many requests\n");
	}
	struct http_job *j = xcalloc(1, sizeof(*j));
	j->srv = h;
	j->fd = -1;
	int rc = http_route_parse(url, arg_of, c, &j->req, j->err, sizeof(j->err));
	unsigned which;
	j->page = page_for(j->req.kind, &which);
	if (rc == 404 && !j->err[0])
		errbuf_set(j->err, sizeof(j->err), "no such page: %s", url);
	j->status = rc ? rc : j->page->begin(j);
	atomic_fetch_add(&h->requests[rc ? 4 : which], 1);
	return respond_job(c, j);
}

/* --- the server ------------------------------------------------------------------- */

int http_bind(const char *text, char *err, size_t errlen)
{
	struct ip_addr a;
	uint16_t port;
	struct sockaddr_storage ss;
	if (ip_addr_port_parse(text, &a, &port) < 0)
		return errbuf_set(err, errlen, "http: listen: \"%s\" is not ADDRESS:PORT", text);
	socklen_t sl = ip_addr_to_sockaddr(&a, port, &ss);
	int one = 1, fd = socket(a.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (a.family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
	    bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 64) < 0) {
		errbuf_set(err, errlen, "http: cannot listen on %s: %s", text, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static struct MHD_Daemon *listen_on(struct http_server *h, const struct http_settings *s, size_t i,
    char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = s->listen_fds[i];
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG |
	    (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 && ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
	struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, handle, h,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_LIMIT, s->max_clients,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->max_per_address,
	    MHD_OPTION_CONNECTION_TIMEOUT, s->timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
	    MHD_OPTION_END);
	if (!d)
		errbuf_set(err, errlen, "http: cannot serve on %s", s->listen[i]);
	return d;
}

struct http_server *http_start(const struct http_settings *s, char *err, size_t errlen)
{
	if (s->nlisten > HTTP_MAX_LISTEN) {
		errbuf_set(err, errlen, "http: at most %d listen addresses", HTTP_MAX_LISTEN);
		return NULL;
	}
	struct http_server *h = xcalloc(1, sizeof(*h));
	h->channel = s->ctl_channel;
	h->rate = s->rate;
	h->burst = s->burst;
	pthread_mutex_init(&h->lock, NULL);
	for (size_t i = 0; i < s->nlisten; i++) {
		if (!(h->d[h->nd] = listen_on(h, s, i, err, errlen))) {
			http_stop(h);
			return NULL;
		}
		h->nd++;
		log_info("http: serving on %s", s->listen[i]);
	}
	return h;
}

void http_stop(struct http_server *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nd; i++)
		MHD_stop_daemon(h->d[i]);
	close(h->channel);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

void http_stats_get(const struct http_server *h, struct http_stats *out)
{
	struct http_server *m = (struct http_server *)h;   /* atomics are read, not changed */
	for (int i = 0; i < 6; i++) {
		out->requests[i] = atomic_load(&m->requests[i]);
		out->responses_by_class[i] = atomic_load(&m->classes[i]);
	}
	out->rate_limited = atomic_load(&m->limited);
	out->bytes_sent = atomic_load(&m->bytes);
}
