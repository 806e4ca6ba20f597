/* SPDX-License-Identifier: ISC */
#include "control.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_reply.h"
#include "log.h"
#include "xalloc.h"

#define REQUEST_TIMEOUT_MS 5000
#define REPLY_TIMEOUT_MS 30000

/* A request two threads answer: the client gets one reply when both
 * parts are in. */
struct join {
	int fd;
	json_t *whole;               /* the SE's reply */
	json_t *counts;              /* the RDE's route counts */
};

static int make_parent_dir(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int rc = 0;
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) < 0 && errno != EEXIST)
			rc = -1;
	}
	free(dir);
	return rc;
}

int control_open(struct control *ctl, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	ctl->status_fd = -1;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket path too long: %s", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	make_parent_dir(path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	unlink(path);       /* a stale socket of an earlier run */
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 16) < 0) {
		snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	chmod(path, 0660);
	ctl->listen_fd = fd;
	ctl->path = xstrdup(path);
	return 0;
}

void control_close(struct control *ctl)
{
	if (ctl->listen_fd >= 0) {
		close(ctl->listen_fd);
		unlink(ctl->path);
	}
	free(ctl->path);
	for (size_t k = 0; k < ctl->njoins; k++) {
		json_decref(ctl->joins[k].whole);
		json_decref(ctl->joins[k].counts);
		close(ctl->joins[k].fd);
	}
	free(ctl->joins);
}

static void reply_now(int fd, json_t *reply)
{
	char err[256];
	if (ctl_send(fd, reply, REPLY_TIMEOUT_MS, err, sizeof(err)) < 0)
		log_info("control: %s", err);
	json_decref(reply);
	close(fd);
}

static void forward(struct ipc_queue *q, int fd, const struct ctl_request *req)
{
	struct ipc_msg *m = ipc_msg_new(IPC_CONTROL, 0, 0, req, sizeof(*req));
	m->fd = fd;
	ipc_push(q, m);
}

void control_accept(struct control *ctl)
{
	char err[256];
	int fd = accept4(ctl->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	struct ctl_request req;
	json_t *msg = ctl_recv(fd, CTL_MAX_REQUEST, REQUEST_TIMEOUT_MS, true, err, sizeof(err));
	if (!msg || ctl_request_parse(msg, &req, err, sizeof(err)) < 0) {
		json_decref(msg);
		reply_now(fd, ctl_reply_error("%s", err));
		return;
	}
	json_decref(msg);
	switch (req.command) {
	case CTL_CMD_RELOAD: {
		json_t *res = ctl->reload(ctl->arg, err, sizeof(err));
		reply_now(fd, res ? ctl_reply_ok(res) : ctl_reply_error("%s", err));
		return;
	}
	case CTL_CMD_SHOW_STATUS:
		if (ctl->status_fd >= 0) {
			reply_now(fd, ctl_reply_error("busy, try again"));
			return;
		}
		ctl->status_fd = fd;
		forward(ctl->to_rde, fd, &req);
		return;
	case CTL_CMD_SHOW_ROUTES:
		forward(ctl->to_rde, fd, &req);
		return;
	case CTL_CMD_SHOW_NEIGHBORS:
	case CTL_CMD_SHOW_NEIGHBOR:
		ctl->joins = xrealloc(ctl->joins, (ctl->njoins + 1) * sizeof(*ctl->joins));
		ctl->joins[ctl->njoins++] = (struct join){ .fd = fd };
		forward(ctl->to_se, fd, &req);
		forward(ctl->to_rde, fd, &req);
		return;
	default:
		forward(ctl->to_se, fd, &req);
		return;
	}
}

/* Sets each neighbour's "routes" from the RDE's counts by address. */
static void add_route_counts(json_t *neighbor, const json_t *counts)
{
	json_t *r = json_object_get(counts, json_string_value(json_object_get(neighbor, "address")));
	if (!r)         /* configured a moment ago: the RDE has not seen it yet */
		r = json_pack("{s:i, s:i, s:i, s:i}", "received", 0, "accepted", 0, "rejected", 0, "exported", 0);
	else
		json_incref(r);
	json_object_set_new(neighbor, "routes", r);
}

/* The SE's reply with the RDE's route counts joined in. */
static json_t *join_parts(struct join *j)
{
	json_t *res = json_object_get(j->whole, "result");
	const json_t *counts = json_object_get(j->counts, "result");
	json_t *one = json_object_get(res, "neighbor"), *all = json_object_get(res, "neighbors");
	size_t i;
	json_t *n;
	if (one)
		add_route_counts(one, counts);
	json_array_foreach(all, i, n)
		add_route_counts(n, counts);
	json_decref(j->counts);
	return j->whole;
}

/* Files a part of a two-part reply; returns the whole reply once both
 * parts are in, else NULL.  A reply for no join is returned as it is. */
static json_t *join_reply(struct control *ctl, const struct ipc_msg *m, json_t *reply)
{
	size_t k = 0;
	while (k < ctl->njoins && ctl->joins[k].fd != m->fd)
		k++;
	if (k == ctl->njoins)
		return reply;
	struct join *j = &ctl->joins[k];
	if (m->gen == CTL_PART_ROUTE_COUNTS)
		j->counts = reply;
	else
		j->whole = reply;
	if (!j->whole || !j->counts)
		return NULL;
	reply = join_parts(j);
	ctl->joins[k] = ctl->joins[--ctl->njoins];
	return reply;
}

void control_send_reply(struct control *ctl, struct ipc_msg *m)
{
	json_t *reply;
	memcpy(&reply, m->body, sizeof(reply));
	if (!(reply = join_reply(ctl, m, reply)))
		return;
	if (m->fd == ctl->status_fd) {
		json_t *res = json_object_get(reply, "result");
		if (res)
			ctl->add_status(ctl->arg, res);
		ctl->status_fd = -1;
	}
	reply_now(m->fd, reply);
}
