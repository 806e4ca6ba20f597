/* SPDX-License-Identifier: ISC */
/* http_worker: the HTTP server's process.  See http_worker.h. */
#include "http_worker.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "decimal.h"
#include "errbuf.h"
#include "http.h"
#include "privdrop.h"
#include "xalloc.h"

/* --- the daemon's side ------------------------------------------------------ */

/* The worker's arguments: KEY=VALUE words after --http-worker. */
struct argv_builder {
	char *v[2 * HTTP_MAX_LISTEN + 16];
	int n;
};

static void add_arg(struct argv_builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_arg(struct argv_builder *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&b->v[b->n], fmt, ap) < 0)
		fatal("vasprintf");
	va_end(ap);
	b->n++;
}

static void build_argv(struct argv_builder *b, const struct http_worker_opts *o, const int *fds)
{
	add_arg(b, "ixpd");
	add_arg(b, "--http-worker");
	add_arg(b, "channel=%d", o->channel);
	if (o->user)
		add_arg(b, "user=%s", o->user);
	add_arg(b, "sandbox=%d", (int)o->sandbox);
	add_arg(b, "syslog=%d", o->syslog);
	add_arg(b, "level=%d", (int)o->level);
	add_arg(b, "max_clients=%u", o->max_clients);
	add_arg(b, "max_per_address=%u", o->max_per_address);
	add_arg(b, "rate=%u", o->rate);
	add_arg(b, "burst=%u", o->burst);
	add_arg(b, "timeout=%u", o->timeout_s);
	for (size_t i = 0; i < o->nlisten; i++)
		add_arg(b, "listen=%d:%s", fds[i], o->listen[i]);
	b->v[b->n] = NULL;
}

pid_t http_worker_spawn(const struct http_worker_opts *o, char *err, size_t errlen)
{
	if (o->nlisten > HTTP_MAX_LISTEN)
		return errbuf_set(err, errlen, "http: at most %d listen addresses", HTTP_MAX_LISTEN);
	int fds[HTTP_MAX_LISTEN];
	size_t n = 0;
	pid_t pid = -1;
	for (; n < o->nlisten; n++)
		if ((fds[n] = http_bind(o->listen[n], err, errlen)) < 0)
			goto out;
	struct argv_builder b = { .n = 0 };
	build_argv(&b, o, fds);
	pid = fork();
	if (pid == 0) {
		/* only async-signal-safe calls until exec */
		fcntl(o->channel, F_SETFD, 0);
		for (size_t i = 0; i < n; i++)
			fcntl(fds[i], F_SETFD, 0);
		execv("/proc/self/exe", b.v);
		_exit(127);
	}
	if (pid < 0)
		errbuf_set(err, errlen, "http: fork: %s", strerror(errno));
	for (int i = 0; i < b.n; i++)
		free(b.v[i]);
out:
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	close(o->channel);
	return pid;
}

void http_worker_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/* --- the worker ------------------------------------------------------------- */

struct worker_args {
	struct http_worker_opts o;
	char *listen[HTTP_MAX_LISTEN];
	int fds[HTTP_MAX_LISTEN];
};

static bool uint_arg(const char *word, const char *key, uint64_t max, unsigned *out)
{
	size_t k = strlen(key);
	uint64_t v;
	if (strncmp(word, key, k) != 0 || word[k] != '=' || !parse_uint(word + k + 1, max, &v))
		return false;
	*out = (unsigned)v;
	return true;
}

static int parse_word(struct worker_args *a, char *w)
{
	unsigned v, *const numbers[] = { &a->o.max_clients, &a->o.max_per_address, &a->o.rate, &a->o.burst,
		&a->o.timeout_s };
	static const char *const number_keys[] = { "max_clients", "max_per_address", "rate", "burst", "timeout" };
	for (size_t i = 0; i < sizeof(number_keys) / sizeof(number_keys[0]); i++)
		if (uint_arg(w, number_keys[i], UINT32_MAX, numbers[i]))
			return 0;
	if (uint_arg(w, "channel", INT32_MAX, &v))
		a->o.channel = (int)v;
	else if (uint_arg(w, "sandbox", SANDBOX_OFF, &v))
		a->o.sandbox = (enum sandbox_mode)v;
	else if (uint_arg(w, "syslog", 1, &v))
		a->o.syslog = v;
	else if (uint_arg(w, "level", LOG_LVL_DEBUG, &v))
		a->o.level = (enum log_level)v;
	else if (strncmp(w, "user=", 5) == 0)
		a->o.user = w + 5;
	else if (strncmp(w, "listen=", 7) == 0 && a->o.nlisten < HTTP_MAX_LISTEN) {
		char *colon = strchr(w + 7, ':');      /* FD:ADDRESS:PORT */
		uint64_t fd;
		if (!colon || !parse_uint_n(w + 7, (size_t)(colon - w - 7), INT32_MAX, &fd))
			return -1;
		a->fds[a->o.nlisten] = (int)fd;
		a->listen[a->o.nlisten++] = colon + 1;
	} else
		return -1;
	return 0;
}

/* Every descriptor but stdin/out/err, the channel and the sockets is closed:
 * the worker holds nothing of the daemon's. */
static void close_others(const struct worker_args *a)
{
	int keep[HTTP_MAX_LISTEN + 1];
	size_t n = 0;
	keep[n++] = a->o.channel;
	for (size_t i = 0; i < a->o.nlisten; i++)
		keep[n++] = a->fds[i];
	for (size_t i = 1; i < n; i++)          /* sorted, for the gaps between them */
		for (size_t k = i; k > 0 && keep[k - 1] > keep[k]; k--) {
			int t = keep[k];
			keep[k] = keep[k - 1];
			keep[k - 1] = t;
		}
	unsigned from = 3;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned)keep[i] > from)
			close_range(from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	close_range(from, ~0u, 0);
}

static int confine(const struct worker_args *a, char *err, size_t errlen)
{
	if (a->o.user && privdrop(a->o.user, NULL, 0, err, errlen) < 0)
		return -1;
	if (a->o.sandbox == SANDBOX_OFF)
		return 0;
	struct sandbox_fs *fs = sandbox_fs_new(err, errlen);   /* no rule: no file at all */
	return fs && sandbox_fs_enter(fs, err, errlen) >= 0 ? 0 : -1;
}

int http_worker_main(int argc, char **argv)
{
	struct worker_args a = { .o = { .channel = -1, .max_clients = 32, .max_per_address = 8, .rate = 10,
		.burst = 20, .timeout_s = 30 } };
	for (int i = 2; i < argc; i++)
		if (parse_word(&a, argv[i]) < 0) {
			fprintf(stderr, "ixpd --http-worker: bad argument %s (the daemon starts it)\n", argv[i]);
			return 2;
		}
	if (a.o.channel < 0 || a.o.nlisten == 0) {
		fprintf(stderr, "ixpd --http-worker: no channel or listener (the daemon starts it)\n");
		return 2;
	}
	close_others(&a);
	log_init("ixpd-http", a.o.syslog, a.o.level);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		return 1;                /* the daemon is already gone */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);     /* libmicrohttpd's threads inherit it */
	char err[512];
	struct http_settings hs = { .listen = a.listen, .listen_fds = a.fds, .nlisten = a.o.nlisten,
		.max_clients = a.o.max_clients, .max_per_address = a.o.max_per_address, .rate = a.o.rate,
		.burst = a.o.burst, .timeout_s = a.o.timeout_s, .ctl_channel = a.o.channel };
	struct http_server *h = NULL;
	if (confine(&a, err, sizeof(err)) < 0 || !(h = http_start(&hs, err, sizeof(err))) ||
	    sandbox_syscalls(a.o.sandbox, err, sizeof(err)) < 0) {
		log_err("%s", err);
		http_stop(h);
		return 1;
	}
	int sig;
	sigwait(&stop, &sig);
	http_stop(h);
	return 0;
}
