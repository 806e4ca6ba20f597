/* SPDX-License-Identifier: ISC */
/* irr_bgpq4: AS-SET expansion by bgpq4 (run with a deadline, its JSON read
 * as hostile input) and the on-disk cache of what it or the RPSL dumps
 * gave; see irr.h for the contract. */
#include "irr_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errbuf.h"
#include "log.h"
#include "monotime.h"
#include "u32set.h"
#include "xalloc.h"

#define BGPQ4_MAX_OUTPUT (256u * 1024 * 1024)
#define BGPQ4_LIST "irr"                   /* -l: the key of bgpq4's JSON answer */
#define CACHE_VERSION 1
#define CACHE_MAX_BYTES (512 * 1024 * 1024)
#define CACHE_KEY_MAX 200                  /* longer keys are stored under a hash */

/* ---- bgpq4 ---- */

static int parse_asn_list(struct irr_member *m, const json_t *a, char *err, size_t errlen)
{
	size_t i;
	const json_t *e;
	m->origins = xrealloc(m->origins, (m->n_origins + json_array_size(a) + 1) * sizeof(*m->origins));
	json_array_foreach(a, i, e) {
		json_int_t v = json_integer_value(e);
		if (!json_is_integer(e) || v < 0 || v > (json_int_t)UINT32_MAX)
			return errbuf_set(err, errlen, "entry %zu is not an ASN", i);
		m->origins[m->n_origins++] = (uint32_t)v;
	}
	m->n_origins = u32_sort_unique(m->origins, m->n_origins);
	return 0;
}

static int parse_prefix_list(struct irr_member *m, uint8_t afi, const json_t *a, char *err,
    size_t errlen)
{
	size_t i;
	const json_t *e;
	json_array_foreach(a, i, e) {
		const char *text = json_string_value(json_object_get(e, "prefix"));
		struct prefix p;
		if (text == NULL || strchr(text, '/') == NULL || prefix_parse(text, &p) < 0 || p.afi != afi)
			return errbuf_set(err, errlen, "entry %zu: no IPv%d \"prefix\"", i, afi == AFI_IPV4 ? 4 : 6);
		if (!json_is_true(json_object_get(e, "exact")))
			return errbuf_set(err, errlen, "entry %zu (%s) is a range, not an exact prefix", i, text);
		pfxtree_insert(m->prefixes, &p, NULL);
	}
	return 0;
}

int irr_bgpq4_parse(struct irr_member *m, uint8_t afi, const char *json, size_t len, char *err,
    size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return errbuf_set(err, errlen, "line %d: %s", jerr.line, jerr.text);
	const json_t *a = json_object_get(root, BGPQ4_LIST);
	int rc;
	if (!json_is_array(a))
		rc = errbuf_set(err, errlen, "no \"%s\" list", BGPQ4_LIST);
	else if (afi == 0)
		rc = parse_asn_list(m, a, err, errlen);
	else
		rc = parse_prefix_list(m, afi, a, err, errlen);
	json_decref(root);
	return rc;
}

/* Child side of run_capture: only async-signal-safe calls between fork and
 * exec (other threads may hold locks).  Reports an exec failure's errno on
 * errfd. */
static void exec_child(char *const argv[], int out, int errout, int errfd)
{
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);    /* the daemon's threads block signals */
	signal(SIGPIPE, SIG_DFL);                /* an ignored SIGPIPE survives exec */
	int null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(errout, 2) < 0) {
		int e = errno;
		(void)!write(errfd, &e, sizeof(e));
		_exit(127);
	}
	execv(argv[0], argv);
	int e = errno;
	(void)!write(errfd, &e, sizeof(e));
	_exit(127);
}

struct capture {
	char *out;                   /* stdout, NUL-terminated */
	size_t len, cap;
	char errtext[256];           /* the start of stderr */
	size_t errlen;
};

/* Reads what is ready on fd; returns false at EOF. */
static bool drain(int fd, struct capture *c, bool is_out, bool *overflow)
{
	char buf[65536];
	ssize_t n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	if (!is_out) {
		size_t k = sizeof(c->errtext) - 1 - c->errlen;
		k = (size_t)n < k ? (size_t)n : k;
		memcpy(c->errtext + c->errlen, buf, k);
		c->errlen += k;
		c->errtext[c->errlen] = '\0';
		return true;
	}
	if (c->len + (size_t)n > BGPQ4_MAX_OUTPUT) {
		*overflow = true;
		return false;
	}
	if (c->len + (size_t)n + 1 > c->cap) {
		c->cap = (c->len + (size_t)n + 1) * 2;
		c->out = xrealloc(c->out, c->cap);
	}
	memcpy(c->out + c->len, buf, (size_t)n);
	c->len += (size_t)n;
	c->out[c->len] = '\0';
	return true;
}

/* Reads the child's stdout and stderr until both close or the deadline.
 * Returns 0, or -1 with err (the child is then still to be killed). */
static int collect_output(int out, int errout, unsigned timeout, struct capture *c, char *err,
    size_t errlen)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout * 1000;
	struct pollfd pfd[2] = { { .fd = out, .events = POLLIN }, { .fd = errout, .events = POLLIN } };
	bool overflow = false;
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		int64_t left = (int64_t)deadline - (int64_t)now_ms();
		if (left <= 0)
			return errbuf_set(err, errlen, "timed out after %u s", timeout);
		int n = poll(pfd, 2, left > INT_MAX ? INT_MAX : (int)left);
		if (n < 0 && errno != EINTR)
			return errbuf_set(err, errlen, "poll: %s", strerror(errno));
		for (int i = 0; n > 0 && i < 2; i++)
			if (pfd[i].fd >= 0 && pfd[i].revents && !drain(pfd[i].fd, c, i == 0, &overflow))
				pfd[i].fd = -1;
		if (overflow)
			return errbuf_set(err, errlen, "output larger than %u bytes", BGPQ4_MAX_OUTPUT);
	}
	return 0;
}

static int child_status(pid_t pid, const struct capture *c, char *err, size_t errlen)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errbuf_set(err, errlen, "waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	char first[128];
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(c->errtext, "\n"), c->errtext);
	if (WIFSIGNALED(status))
		return errbuf_set(err, errlen, "killed by signal %d%s%s", WTERMSIG(status), *first ? ": " : "", first);
	return errbuf_set(err, errlen, "exit status %d%s%s", WEXITSTATUS(status), *first ? ": " : "", first);
}

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* The child's exec failure, if any: its errno arrives on the close-on-exec
 * pipe, a successful exec closes it empty. */
static int exec_failed(int fd, const char *path, char *err, size_t errlen)
{
	int e;
	ssize_t n;
	while ((n = read(fd, &e, sizeof(e))) < 0 && errno == EINTR)
		;
	return n == (ssize_t)sizeof(e) ? errbuf_set(err, errlen, "cannot run %s: %s", path, strerror(e)) : 0;
}

static void close_pair(int p[2])
{
	close(p[0]);
	close(p[1]);
}

/* Runs argv (argv[0] is a path, no PATH search, no shell) and captures its
 * stdout; -1 with err on any failure, a non-zero exit included. */
static int run_capture(char *const argv[], unsigned timeout, struct capture *c, char *err,
    size_t errlen)
{
	int out[2], errout[2], execerr[2];
	if (pipe2(out, O_CLOEXEC) < 0)
		return errbuf_set(err, errlen, "pipe: %s", strerror(errno));
	if (pipe2(errout, O_CLOEXEC) < 0) {
		close_pair(out);
		return errbuf_set(err, errlen, "pipe: %s", strerror(errno));
	}
	if (pipe2(execerr, O_CLOEXEC) < 0) {
		close_pair(out);
		close_pair(errout);
		return errbuf_set(err, errlen, "pipe: %s", strerror(errno));
	}
	pid_t pid = fork();
	if (pid == 0)
		exec_child(argv, out[1], errout[1], execerr[1]);
	close(out[1]);
	close(errout[1]);
	close(execerr[1]);
	int rc;
	if (pid < 0) {
		rc = errbuf_set(err, errlen, "fork: %s", strerror(errno));
	} else {
		rc = exec_failed(execerr[0], argv[0], err, errlen);
		if (rc == 0)
			rc = collect_output(out[0], errout[0], timeout, c, err, errlen);
		if (rc == 0) {
			rc = child_status(pid, c, err, errlen);
		} else {
			kill(pid, SIGKILL);
			reap(pid);
		}
	}
	close(out[0]);
	close(errout[0]);
	close(execerr[0]);
	return rc;
}

static bool host_valid(const char *s)
{
	return irr_alnum(s[0]) && s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.:-[]")] == '\0';
}

static bool sources_valid(const char *s)
{
	return irr_alnum(s[0]) && s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789,_-")] == '\0';
}

/* One bgpq4 run: mode "-t" (ASNs), "-4" or "-6" (prefixes). */
static int bgpq4_run(const struct irr_bgpq4_opts *o, const char *mode, uint8_t afi, char **names,
    int n, struct irr_member *m, char *err, size_t errlen)
{
	const char **argv = xmalloc((size_t)(n + 12) * sizeof(*argv));
	int a = 0;
	argv[a++] = o->path ? o->path : IRR_BGPQ4_DEFAULT_PATH;
	if (o->host) {
		argv[a++] = "-h";
		argv[a++] = o->host;
	}
	if (o->sources) {
		argv[a++] = "-S";
		argv[a++] = o->sources;
	}
	argv[a++] = "-j";
	argv[a++] = "-l";
	argv[a++] = BGPQ4_LIST;
	argv[a++] = mode;
	for (int i = 0; i < n; i++)
		argv[a++] = names[i];
	argv[a] = NULL;

	struct capture c = { 0 };
	char why[256];
	int rc = run_capture((char *const *)argv, o->timeout ? o->timeout : IRR_BGPQ4_DEFAULT_TIMEOUT,
	    &c, why, sizeof(why));
	if (rc == 0 && irr_bgpq4_parse(m, afi, c.out ? c.out : "", c.len, why, sizeof(why)) < 0)
		rc = -1;
	if (rc < 0)
		errbuf_set(err, errlen, "bgpq4 %s %s: %s", mode, m->key, why);
	free(c.out);
	free(argv);
	return rc;
}

struct irr_member *irr_bgpq4_expand(const struct irr_bgpq4_opts *o, const char *const *names,
    int n, char *err, size_t errlen)
{
	if (o->host && !host_valid(o->host)) {
		errbuf_set(err, errlen, "invalid IRR host '%.64s'", o->host);
		return NULL;
	}
	if (o->sources && !sources_valid(o->sources)) {
		errbuf_set(err, errlen, "invalid IRR sources '%.64s'", o->sources);
		return NULL;
	}
	int nc;
	char **v = irr_canon_names(names, n, &nc, err, errlen);
	if (v == NULL)
		return NULL;
	struct irr_member *m = irr_member_of_canon(v, nc);
	if (bgpq4_run(o, "-t", 0, v, nc, m, err, errlen) < 0 ||
	    bgpq4_run(o, "-4", AFI_IPV4, v, nc, m, err, errlen) < 0 ||
	    bgpq4_run(o, "-6", AFI_IPV6, v, nc, m, err, errlen) < 0) {
		irr_member_free(m);
		m = NULL;
	}
	irr_names_free(v, nc);
	return m;
}

/* ---- cache ---- */

/* <dir>/irr/<prefix><key>.json; -1 if that does not fit in len. */
static int cache_path(const char *dir, const char *key, const char *prefix, char *buf, size_t len)
{
	int n;
	if (strlen(key) <= CACHE_KEY_MAX) {
		n = snprintf(buf, len, "%s/irr/%s%s.json", dir, prefix, key);
	} else {
		uint64_t h = 14695981039346656037u;
		for (const char *s = key; *s; s++)
			h = (h ^ (uint8_t)*s) * 1099511628211u;
		n = snprintf(buf, len, "%s/irr/%sbundle-%016" PRIx64 ".json", dir, prefix, h);
	}
	return n >= 0 && (size_t)n < len ? 0 : -1;
}

struct prefix_writer {
	FILE *f;
	bool first;
};

static int write_prefix(const struct prefix *p, void *val, void *arg)
{
	struct prefix_writer *w = arg;
	char buf[PREFIX_STRLEN];
	fprintf(w->f, "%s\n  \"%s\"", w->first ? "" : ",", prefix_str(p, buf, sizeof(buf)));
	w->first = false;
	return 0;
}

/* The key and prefixes need no JSON escaping: names are [A-Z0-9:_+-], prefixes
 * digits, hex, '.', ':' and '/'. */
static void write_member(FILE *f, const struct irr_member *m)
{
	fprintf(f, "{\"version\": %d, \"key\": \"%s\", \"generated\": %lld,\n"
	    " \"unknown_sets\": %u, \"depth_limited\": %u,\n \"origins\": [",
	    CACHE_VERSION, m->key, (long long)m->generated, m->unknown_sets, m->depth_limited);
	for (size_t i = 0; i < m->n_origins; i++)
		fprintf(f, "%s%s%" PRIu32, i ? "," : "", i % 16 ? "" : "\n  ", m->origins[i]);
	fprintf(f, "],\n \"prefixes\": [");
	struct prefix_writer w = { f, true };
	pfxtree_walk(m->prefixes, write_prefix, &w);
	fprintf(f, "]}\n");
}

static int sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

int irr_member_save(const struct irr_member *m, const char *cache_dir, char *err, size_t errlen)
{
	char dir[PATH_MAX], tmp[PATH_MAX], path[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/irr", cache_dir);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return errbuf_set(err, errlen, "%s: %s", dir, strerror(errno));
	if (cache_path(cache_dir, m->key, "", path, sizeof(path)) < 0 ||
	    cache_path(cache_dir, m->key, ".", tmp, sizeof(tmp)) < 0)
		return errbuf_set(err, errlen, "%s: cache directory path too long", cache_dir);
	size_t tl = strlen(tmp);
	snprintf(tmp + tl - strlen(".json"), sizeof(tmp) - tl + strlen(".json"), ".XXXXXX");
	int fd = mkstemp(tmp);
	if (fd < 0)
		return errbuf_set(err, errlen, "%s: %s", tmp, strerror(errno));
	FILE *f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		unlink(tmp);
		return errbuf_set(err, errlen, "%s: %s", tmp, strerror(errno));
	}
	write_member(f, m);
	bool ok = fflush(f) == 0 && !ferror(f) && fsync(fd) == 0;
	int e = errno;
	if (fclose(f) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (!ok || rename(tmp, path) < 0) {
		if (ok)
			e = errno;
		unlink(tmp);
		return errbuf_set(err, errlen, "%s: %s", path, strerror(e));
	}
	sync_dir(dir);       /* makes the rename durable; best effort */
	return 0;
}

static int cached_u32(const json_t *root, const char *name, uint32_t *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(root, name);
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > UINT32_MAX)
		return errbuf_set(err, errlen, "\"%s\" is not a number", name);
	*out = (uint32_t)json_integer_value(v);
	return 0;
}

static int cached_member(const json_t *root, struct irr_member *m, char *err, size_t errlen)
{
	const json_t *key = json_object_get(root, "key");
	const json_t *gen = json_object_get(root, "generated");
	const json_t *pfx = json_object_get(root, "prefixes");
	uint32_t version;
	if (cached_u32(root, "version", &version, err, errlen) < 0)
		return -1;
	if (version != CACHE_VERSION)
		return errbuf_set(err, errlen, "version %" PRIu32 ", expected %d", version, CACHE_VERSION);
	if (!json_is_string(key) || strcmp(json_string_value(key), m->key) != 0)
		return errbuf_set(err, errlen, "written for other AS-SETs");
	if (!json_is_integer(gen) || json_integer_value(gen) < 0)
		return errbuf_set(err, errlen, "\"generated\" is not a time");
	m->generated = (time_t)json_integer_value(gen);
	if (cached_u32(root, "unknown_sets", &m->unknown_sets, err, errlen) < 0 ||
	    cached_u32(root, "depth_limited", &m->depth_limited, err, errlen) < 0)
		return -1;
	if (!json_is_array(json_object_get(root, "origins")) ||
	    parse_asn_list(m, json_object_get(root, "origins"), err, errlen) < 0)
		return errbuf_set(err, errlen, "\"origins\" is not a list of ASNs");
	if (!json_is_array(pfx))
		return errbuf_set(err, errlen, "\"prefixes\" is not a list");
	size_t i;
	const json_t *e;
	json_array_foreach(pfx, i, e) {
		const char *text = json_string_value(e);
		struct prefix p;
		if (text == NULL || strchr(text, '/') == NULL || prefix_parse(text, &p) < 0)
			return errbuf_set(err, errlen, "prefixes entry %zu is not a prefix", i);
		pfxtree_insert(m->prefixes, &p, NULL);
	}
	return 0;
}

struct irr_member *irr_member_load_cached(const char *cache_dir, const char *const *names, int n,
    char *err, size_t errlen)
{
	struct irr_member *m = irr_member_new(names, n, err, errlen);
	if (m == NULL)
		return NULL;
	char path[PATH_MAX], why[256];
	struct stat sb;
	json_error_t jerr;
	json_t *root = NULL;
	int rc;
	if (cache_path(cache_dir, m->key, "", path, sizeof(path)) < 0)
		rc = errbuf_set(err, errlen, "%s: cache directory path too long", cache_dir);
	else if (stat(path, &sb) < 0)
		rc = errbuf_set(err, errlen, "%s: %s", path, strerror(errno));
	else if (sb.st_size > CACHE_MAX_BYTES)
		rc = errbuf_set(err, errlen, "%s: larger than %d bytes", path, CACHE_MAX_BYTES);
	else if ((root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		rc = errbuf_set(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
	else if (!json_is_object(root) || cached_member(root, m, why, sizeof(why)) < 0)
		rc = errbuf_set(err, errlen, "%s: %s", path, json_is_object(root) ? why : "not a JSON object");
	else
		rc = 0;
	json_decref(root);
	if (rc < 0) {
		irr_member_free(m);
		return NULL;
	}
	log_info("irr: %s: using cached IRR data from %s, %lld s old", m->key, path,
	    (long long)(time(NULL) - m->generated));
	return m;
}
