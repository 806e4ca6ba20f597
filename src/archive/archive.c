/* SPDX-License-Identifier: ISC */
/* archive: the MRT archive thread.  See archive.h. */
#include "archive.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "ctl_reply.h"
#include "errbuf.h"
#include "log.h"
#include "monotime.h"
#include "xalloc.h"

#define BACKLOG_MAX (64u << 20)      /* update-log bytes queued before records are dropped */
#define NAME_MAX_LEN 512

/* A file being written: NAME.tmp until complete. */
struct mrt_file {
	int fd;
	char path[NAME_MAX_LEN];     /* the final name */
	uint64_t bytes;
};

struct archive {
	struct archive_settings s;
	char *dir;
	struct ipc_queue in;
	struct ipc_queue *to_rde, *to_main;
	pthread_t thread;
	atomic_bool stop;
	/* the RIB dump in progress (one at a time) */
	bool dumping;
	struct mrt_file rib;
	uint32_t rib_client;         /* the control client that asked, 0: periodic */
	uint32_t pending_client;     /* a client's dump waiting for the running one */
	char pending_path[NAME_MAX_LEN];
	uint64_t next_rib_ms;
	/* the update log */
	struct mrt_file upd;
	uint64_t next_upd_ms;
	uint64_t dropped;
};

static int file_open(struct mrt_file *f, const char *path, char *err, size_t errlen)
{
	char tmp[NAME_MAX_LEN + 8];
	snprintf(f->path, sizeof(f->path), "%s", path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f->bytes = 0;
	f->fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (f->fd < 0)              /* EACCES: also what the sandbox answers outside its places */
		errbuf_set(err, errlen, "%s: %s%s", tmp, strerror(errno), errno == EACCES ?
		    " (ixpd writes below mrt.dir, cache_dir and the control socket's directory only)" : "");
	return f->fd < 0 ? -1 : 0;
}

static int file_write(struct mrt_file *f, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(f->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
		f->bytes += (uint64_t)w;
	}
	return 0;
}

/* Closes; complete: renamed to its name, else removed. */
static int file_close(struct mrt_file *f, bool complete)
{
	char tmp[NAME_MAX_LEN + 8];
	snprintf(tmp, sizeof(tmp), "%s.tmp", f->path);
	int rc = close(f->fd);
	f->fd = -1;
	if (complete && rc == 0 && rename(tmp, f->path) == 0)
		return 0;
	unlink(tmp);
	return -1;
}

static int name_order(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keeps the newest `keep` complete files of a kind (names sort by time). */
static void prune(struct archive *a, const char *kind)
{
	DIR *d = opendir(a->dir);
	if (!d)
		return;
	char **names = NULL;
	size_t n = 0, cap = 0, klen = strlen(kind);
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (strncmp(e->d_name, kind, klen) != 0 || e->d_name[klen] != '.' || len < 4 ||
		    strcmp(e->d_name + len - 4, ".mrt") != 0)
			continue;
		XGROW(names, n, cap, 16);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_order);
	for (size_t i = 0; i < n; i++) {
		if (i + a->s.keep < n) {
			char path[NAME_MAX_LEN];
			snprintf(path, sizeof(path), "%s/%s", a->dir, names[i]);
			unlink(path);
		}
		free(names[i]);
	}
	free(names);
}

static void timed_name(struct archive *a, const char *kind, char *out, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	char stamp[32];
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d.%H%M%S", &tm);
	snprintf(out, len, "%s/%s.%s.mrt", a->dir, kind, stamp);
}

/* --- RIB dumps --------------------------------------------------------------- */

static void dump_start(struct archive *a, const char *path, uint32_t client)
{
	char err[600];
	if (file_open(&a->rib, path, err, sizeof(err)) < 0) {
		log_warn("MRT: RIB dump: %s", err);
		if (client)
			control_reply(a->to_main, client, NULL, err);
		return;
	}
	a->dumping = true;
	a->rib_client = client;
	struct ipc_mrt_dump req = { .collector_id = a->s.collector_id };
	ipc_push(a->to_rde, ipc_msg_new(IPC_MRT_DUMP, 0, 0, &req, sizeof(req)));
}

static void dump_done(struct archive *a, bool ok)
{
	uint64_t bytes = a->rib.bytes;
	ok = file_close(&a->rib, ok) == 0 && ok;
	if (ok)
		log_info("MRT: RIB dump %s written (%llu bytes)", a->rib.path, (unsigned long long)bytes);
	else
		log_warn("MRT: RIB dump %s failed: %s", a->rib.path, strerror(errno));
	if (a->rib_client) {
		char msg[NAME_MAX_LEN + 64];
		snprintf(msg, sizeof(msg), "RIB dump written: %s (%llu bytes)", a->rib.path, (unsigned long long)bytes);
		control_reply(a->to_main, a->rib_client, ok ? json_pack("{s:s, s:s, s:I}", "message", msg,
		    "file", a->rib.path, "bytes", (json_int_t)bytes) : NULL, ok ? NULL : "the RIB dump could not be written");
	}
	else if (ok)
		prune(a, "rib");
	a->dumping = false;
	if (a->pending_client) {
		uint32_t c = a->pending_client;
		a->pending_client = 0;
		dump_start(a, a->pending_path, c);
	}
}

static void on_piece(struct archive *a, const struct ipc_msg *m)
{
	const struct ipc_mrt_piece *p = (const struct ipc_mrt_piece *)m->body;
	bool ok = !a->dumping || file_write(&a->rib, p->data, p->len) == 0;
	free(p->data);
	if (!a->dumping)
		return;
	if (!ok || p->last) {
		dump_done(a, ok);
		if (!ok)             /* the RDE drops its walk with the next dump; stop it now */
			ipc_push(a->to_rde, ipc_msg_new(IPC_MRT_CREDIT, 0, 0, NULL, 0));
		return;
	}
	ipc_push(a->to_rde, ipc_msg_new(IPC_MRT_CREDIT, 0, 0, NULL, 0));
}

/* `dump rib FILE` from a control client. */
static void on_request(struct archive *a, const struct ipc_msg *m)
{
	const struct ctl_request *req = (const struct ctl_request *)m->body;
	if (!a->dumping) {
		dump_start(a, req->file, m->client);
	} else if (!a->pending_client) {
		a->pending_client = m->client;
		snprintf(a->pending_path, sizeof(a->pending_path), "%s", req->file);
	} else {
		control_reply(a->to_main, m->client, NULL, "a RIB dump is already waiting; try again");
	}
}

/* --- the update log ------------------------------------------------------------ */

static void log_rotate(struct archive *a)
{
	if (a->upd.fd >= 0 && file_close(&a->upd, true) == 0)
		prune(a, "updates");
	char path[NAME_MAX_LEN], err[600];
	timed_name(a, "updates", path, sizeof(path));
	if (file_open(&a->upd, path, err, sizeof(err)) < 0)
		log_warn("MRT: update log: %s", err);
}

static void on_record(struct archive *a, const struct ipc_msg *m, size_t backlog)
{
	if (a->upd.fd < 0)
		return;
	if (backlog > BACKLOG_MAX) {
		if (a->dropped++ % 10000 == 0)
			log_warn("MRT: update log behind by %zu bytes: records dropped (%llu so far)", backlog,
			    (unsigned long long)a->dropped);
		return;
	}
	if (file_write(&a->upd, m->body, m->len) < 0) {
		log_warn("MRT: update log %s: %s; a new file at the next rotation", a->upd.path, strerror(errno));
		file_close(&a->upd, false);
	}
}

/* --- the thread ------------------------------------------------------------------ */

static void timers(struct archive *a, uint64_t now)
{
	if (a->s.rib_interval && now >= a->next_rib_ms) {
		a->next_rib_ms = now + (uint64_t)a->s.rib_interval * 1000;
		if (a->dumping) {
			log_warn("MRT: the previous RIB dump is still running: this one is skipped");
		} else {
			char path[NAME_MAX_LEN];
			timed_name(a, "rib", path, sizeof(path));
			dump_start(a, path, 0);
		}
	}
	if (a->s.updates_interval && now >= a->next_upd_ms) {
		a->next_upd_ms = now + (uint64_t)a->s.updates_interval * 1000;
		log_rotate(a);
	}
}

static int poll_timeout(const struct archive *a, uint64_t now)
{
	uint64_t next = UINT64_MAX;
	if (a->s.rib_interval)
		next = a->next_rib_ms;
	if (a->s.updates_interval && a->next_upd_ms < next)
		next = a->next_upd_ms;
	if (next == UINT64_MAX)
		return 1000;
	return next <= now ? 0 : (int)(next - now < 1000 ? next - now : 1000);
}

static void *archive_main(void *arg)
{
	struct archive *a = arg;
	while (!atomic_load(&a->stop)) {
		uint64_t now = now_ms();
		timers(a, now);
		struct pollfd p = { a->in.efd, POLLIN, 0 };
		poll(&p, 1, poll_timeout(a, now));
		size_t backlog = ipc_queued_bytes(&a->in);
		for (struct ipc_msg *m = ipc_take_all(&a->in), *next; m; m = next) {
			next = m->next;
			if (m->type == IPC_MRT_RECORD)
				on_record(a, m, backlog);
			else if (m->type == IPC_MRT_PIECE)
				on_piece(a, m);
			else if (m->type == IPC_CONTROL)
				on_request(a, m);
			ipc_done(&a->in, m);
			ipc_msg_free(m);
		}
	}
	if (a->upd.fd >= 0)
		file_close(&a->upd, true);
	if (a->dumping)
		file_close(&a->rib, false);
	return NULL;
}

struct archive *archive_start(const struct archive_settings *s, struct ipc_queue *to_rde,
    struct ipc_queue *to_main, char *err, size_t errlen)
{
	if (s->dir && mkdir(s->dir, 0750) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "mrt.dir %s: %s", s->dir, strerror(errno));
		return NULL;
	}
	struct archive *a = xcalloc(1, sizeof(*a));
	a->s = *s;
	a->dir = s->dir ? xstrdup(s->dir) : NULL;
	a->s.dir = a->dir;
	if (!a->dir)
		a->s.rib_interval = a->s.updates_interval = 0;
	a->to_rde = to_rde;
	a->to_main = to_main;
	a->rib.fd = a->upd.fd = -1;
	uint64_t now = now_ms();
	a->next_rib_ms = now + 5000;         /* the first dump once sessions had a moment */
	a->next_upd_ms = now;
	if (ipc_queue_init(&a->in) < 0 || pthread_create(&a->thread, NULL, archive_main, a) != 0) {
		snprintf(err, errlen, "MRT archive: cannot start its thread");
		free(a->dir);
		free(a);
		return NULL;
	}
	return a;
}

struct ipc_queue *archive_queue(struct archive *a)
{
	return &a->in;
}

bool archive_logs_updates(const struct archive *a)
{
	return a && a->s.updates_interval;
}

void archive_stop(struct archive *a)
{
	if (!a)
		return;
	atomic_store(&a->stop, true);
	uint64_t one = 1;
	(void)!write(a->in.efd, &one, sizeof(one));
	pthread_join(a->thread, NULL);
	for (struct ipc_msg *m = ipc_take_all(&a->in), *next; m; m = next) {
		next = m->next;
		if (m->type == IPC_MRT_PIECE)
			free(((struct ipc_mrt_piece *)m->body)->data);
		ipc_msg_free(m);
	}
	ipc_queue_destroy(&a->in);
	free(a->dir);
	free(a);
}
