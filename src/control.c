#include "control.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "xalloc.h"

#define REQUEST_TIMEOUT_MS 5000
#define REPLY_TIMEOUT_MS 30000

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
	default:
		forward(ctl->to_se, fd, &req);
		return;
	}
}

void control_send_reply(struct control *ctl, struct ipc_msg *m)
{
	json_t *reply;
	memcpy(&reply, m->body, sizeof(reply));
	if (m->fd == ctl->status_fd) {
		json_t *res = json_object_get(reply, "result");
		if (res)
			ctl->add_status(ctl->arg, res);
		ctl->status_fd = -1;
	}
	reply_now(m->fd, reply);
}
