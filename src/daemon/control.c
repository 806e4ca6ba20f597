/* SPDX-License-Identifier: ISC */
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_reply.h"
#include "log.h"
#include "monotime.h"
#include "xalloc.h"

/* A piece of a reply waiting to be written. */
struct out_piece {
	struct out_piece *next;
	char *data;
	size_t len, off;
	bool stream;                 /* from the RDE: the next piece is asked for once written */
};

enum client_state {
	CL_READING,                  /* the request is not complete yet */
	CL_WAITING,                  /* at an engine thread; nothing to write yet */
	CL_REPLYING,                 /* pieces are queued, more may come */
	CL_CLOSING,                  /* the last piece is queued: close once written */
};

struct ctl_client {
	uint32_t id;                 /* as the engines know it (an fd number is reused) */
	int fd;
	bool read_only;
	enum client_state state;
	enum ctl_command command;    /* once read */
	char in[CTL_MAX_REQUEST];
	size_t in_len;
	struct out_piece *head, *tail;
	uint64_t deadline;           /* ms: request complete, or some reply byte written */
	bool streaming;              /* the RDE holds a listing for it */
	json_t *whole, *counts;      /* the two parts of `show neighbors` */
	bool joining;
};

/* --- sockets ----------------------------------------------------------------- */

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

static int listen_unix(const char *path, mode_t mode, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket path too long: %s", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if (make_parent_dir(path) < 0) {
		snprintf(err, errlen, "control socket %s: cannot create its directory: %s", path, strerror(errno));
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd >= 0 && unlink(path) < 0 && errno != ENOENT)      /* a stale socket of an earlier run */
		log_warn("control socket %s: cannot remove the old one: %s", path, strerror(errno));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 16) < 0 ||
	    chmod(path, mode) < 0) {
		snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int control_open(struct control *ctl, const char *path, const char *ro_path, char *err, size_t errlen)
{
	ctl->ro_listen_fd = -1;
	ctl->channel_fd = -1;
	if ((ctl->listen_fd = listen_unix(path, 0660, err, errlen)) < 0)
		return -1;
	ctl->path = xstrdup(path);
	if (ro_path) {
		if ((ctl->ro_listen_fd = listen_unix(ro_path, 0666, err, errlen)) < 0)
			return -1;
		ctl->ro_path = xstrdup(ro_path);
	}
	return 0;
}

/* poll entries before the clients': the two sockets and the local channel */
#define LISTENERS 3

/* --- clients ----------------------------------------------------------------- */

static void client_free(struct control *ctl, size_t k)
{
	struct ctl_client *c = ctl->clients[k];
	if (c->streaming) {        /* the RDE drops its listing */
		struct ipc_msg *m = ipc_msg_new(IPC_CONTROL_CANCEL, 0, 0, NULL, 0);
		m->client = c->id;
		ipc_push(ctl->to_rde, m);
	}
	for (struct out_piece *p = c->head, *next; p; p = next) {
		next = p->next;
		free(p->data);
		free(p);
	}
	json_decref(c->whole);
	json_decref(c->counts);
	close(c->fd);
	free(c);
	ctl->clients[k] = ctl->clients[--ctl->nclients];
}

static struct ctl_client *client_by_id(const struct control *ctl, uint32_t id)
{
	for (size_t k = 0; k < ctl->nclients; k++)
		if (ctl->clients[k]->id == id)
			return ctl->clients[k];
	return NULL;
}

static void queue_piece(struct ctl_client *c, char *data, size_t len, bool stream)
{
	struct out_piece *p = xcalloc(1, sizeof(*p));
	*p = (struct out_piece){ .data = data, .len = len, .stream = stream };
	if (!c->head)              /* the client has this long to take some of it */
		c->deadline = now_ms() + CTL_WRITE_TIMEOUT_MS;
	if (c->tail)
		c->tail->next = p;
	else
		c->head = p;
	c->tail = p;
}

/* Queues a whole reply (compact JSON and "\n") and closes once written. */
static void queue_reply(struct ctl_client *c, json_t *reply)
{
	size_t len = json_dumpb(reply, NULL, 0, JSON_COMPACT);
	char *data = xmalloc(len + 1);
	json_dumpb(reply, data, len, JSON_COMPACT);
	data[len] = '\n';
	json_decref(reply);
	queue_piece(c, data, len + 1, false);
	c->state = CL_CLOSING;
}

/* A connection handed over the local channel (ctl_channel_connect). */
static int adopt(int chan)
{
	char data[1];
	union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
	struct iovec iov = { data, sizeof(data) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
		.msg_controllen = sizeof(u.buf) };
	ssize_t n = recvmsg(chan, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int))) {
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			log_warn("control: local channel: %s", strerror(errno));
		return -1;
	}
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void accept_client(struct control *ctl, int lfd, bool read_only)
{
	int fd = lfd == ctl->channel_fd ? adopt(lfd) : accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0) {
		if (lfd != ctl->channel_fd && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			log_warn("control: accept: %s", strerror(errno));
		return;
	}
	if (ctl->nclients == CTL_MAX_CLIENTS) {
		static const char busy[] = "{\"ok\":false,\"error\":\"too many control clients, try again\"}\n";
		(void)!send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		return;
	}
	struct ctl_client *c = xcalloc(1, sizeof(*c));
	c->id = ++ctl->next_id;
	c->fd = fd;
	c->read_only = read_only;
	c->deadline = now_ms() + CTL_REQUEST_TIMEOUT_MS;
	ctl->clients[ctl->nclients++] = c;
}

static void forward(struct ipc_queue *q, const struct ctl_client *c, const struct ctl_request *req)
{
	struct ipc_msg *m = ipc_msg_new(IPC_CONTROL, 0, 0, req, sizeof(*req));
	m->client = c->id;
	ipc_push(q, m);
}

/* The request is complete: hands it to whoever answers it. */
static void dispatch(struct control *ctl, struct ctl_client *c)
{
	char err[256];
	struct ctl_request req;
	json_t *msg = ctl_decode(c->in, c->in_len, err, sizeof(err));
	c->state = CL_WAITING;
	if (!msg || ctl_request_parse(msg, &req, err, sizeof(err)) < 0) {
		json_decref(msg);
		queue_reply(c, ctl_reply_error("%s", err));
		return;
	}
	json_decref(msg);
	c->command = req.command;
	if (c->read_only && !ctl_command_is_read_only(req.command)) {
		queue_reply(c, ctl_reply_error("%s: not allowed on the read-only socket",
		    ctl_command_name(req.command)));
		return;
	}
	switch (req.command) {
	case CTL_CMD_RELOAD:
	case CTL_CMD_RESTART: {
		json_t *(*act)(void *, char *, size_t) = req.command == CTL_CMD_RELOAD ? ctl->reload : ctl->restart;
		json_t *res = act ? act(ctl->arg, err, sizeof(err)) : NULL;
		if (!act)
			snprintf(err, sizeof(err), "%s: not offered here", ctl_command_name(req.command));
		queue_reply(c, res ? ctl_reply_ok(res) : ctl_reply_error("%s", err));
		return;
	}
	case CTL_CMD_SHOW_STATUS:
		forward(ctl->to_rde, c, &req);
		return;
	case CTL_CMD_DUMP_RIB:
		forward(ctl->to_archive, c, &req);
		return;
	case CTL_CMD_SHOW_ROUTES:
		c->streaming = true;
		forward(ctl->to_rde, c, &req);
		return;
	case CTL_CMD_SHOW_NEIGHBORS:
	case CTL_CMD_SHOW_NEIGHBOR:
		c->joining = true;
		forward(ctl->to_se, c, &req);
		forward(ctl->to_rde, c, &req);
		return;
	default:
		forward(ctl->to_se, c, &req);
		return;
	}
}

/* Reads what the client sent; false if it must go. */
static bool client_read(struct control *ctl, struct ctl_client *c)
{
	for (;;) {
		if (c->in_len == sizeof(c->in)) {
			queue_reply(c, ctl_reply_error("request larger than %u bytes", CTL_MAX_REQUEST));
			return true;
		}
		ssize_t n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
		/* a request ends at "\n" (compact JSON has no raw newline) or EOF */
		char *nl = memchr(c->in + c->in_len, '\n', (size_t)n);
		c->in_len += (size_t)n;
		if (nl || n == 0) {
			if (nl)
				c->in_len = (size_t)(nl - c->in);
			if (c->in_len == 0 && n == 0)
				return false;       /* connected and left */
			dispatch(ctl, c);
			return true;
		}
	}
}

/* Writes queued pieces; false if the client must go (error, or done). */
static bool client_write(struct control *ctl, struct ctl_client *c)
{
	while (c->head) {
		struct out_piece *p = c->head;
		ssize_t n = send(c->fd, p->data + p->off, p->len - p->off, MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
		p->off += (size_t)n;
		c->deadline = now_ms() + CTL_WRITE_TIMEOUT_MS;
		if (p->off < p->len)
			continue;
		if (p->stream && c->streaming) {    /* taken: the RDE may make the next one */
			struct ipc_msg *m = ipc_msg_new(IPC_CONTROL_CREDIT, 0, 0, NULL, 0);
			m->client = c->id;
			ipc_push(ctl->to_rde, m);
		}
		c->head = p->next;
		if (!c->head)
			c->tail = NULL;
		free(p->data);
		free(p);
	}
	return c->state != CL_CLOSING;
}

size_t control_pollfds(const struct control *ctl, struct pollfd *pfd, size_t max)
{
	size_t n = 0;
	if (n < max)
		pfd[n++] = (struct pollfd){ .fd = ctl->listen_fd, .events = POLLIN };
	if (n < max)
		pfd[n++] = (struct pollfd){ .fd = ctl->ro_listen_fd, .events = POLLIN };
	if (n < max)
		pfd[n++] = (struct pollfd){ .fd = ctl->channel_fd, .events = POLLIN };
	for (size_t k = 0; k < ctl->nclients && n < max; k++) {
		const struct ctl_client *c = ctl->clients[k];
		short ev = c->state == CL_READING ? POLLIN : c->head ? POLLOUT : 0;
		pfd[n++] = (struct pollfd){ .fd = c->fd, .events = ev };
	}
	return n;
}

void control_events(struct control *ctl, const struct pollfd *pfd, size_t n)
{
	uint64_t now = now_ms();
	/* clients first: pfd[LISTENERS + k] is client k as control_pollfds listed them */
	for (size_t i = n; i-- > LISTENERS;) {
		size_t k = i - LISTENERS;
		if (k >= ctl->nclients || ctl->clients[k]->fd != pfd[i].fd)
			continue;
		struct ctl_client *c = ctl->clients[k];
		bool keep = true;
		if (pfd[i].revents & (POLLERR | POLLNVAL))
			keep = false;
		else if (c->state == CL_READING && (pfd[i].revents & (POLLIN | POLLHUP)))
			keep = client_read(ctl, c);
		else if (pfd[i].revents & POLLHUP)
			keep = false;       /* gone before its reply: nobody to write to */
		if (keep && c->head && (pfd[i].revents & POLLOUT))
			keep = client_write(ctl, c);
		if (keep && c->deadline && now >= c->deadline && (c->state == CL_READING || c->head)) {
			log_info("control: client %u dropped: %s", c->id,
			    c->state == CL_READING ? "no request within 5 s" : "not reading its reply");
			keep = false;
		}
		if (!keep)
			client_free(ctl, k);
	}
	if (n > 0 && (pfd[0].revents & POLLIN))
		accept_client(ctl, ctl->listen_fd, false);
	if (n > 1 && ctl->ro_listen_fd >= 0 && (pfd[1].revents & POLLIN))
		accept_client(ctl, ctl->ro_listen_fd, true);
	if (n > 2 && ctl->channel_fd >= 0 && (pfd[2].revents & POLLIN))
		accept_client(ctl, ctl->channel_fd, true);
}

int control_local_channel(struct control *ctl, char *err, size_t errlen)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "control: local channel: %s", strerror(errno));
		return -1;
	}
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	ctl->channel_fd = sv[0];
	return sv[1];
}

int control_timeout_ms(const struct control *ctl)
{
	uint64_t now = now_ms(), next = UINT64_MAX;
	for (size_t k = 0; k < ctl->nclients; k++) {
		const struct ctl_client *c = ctl->clients[k];
		if ((c->state == CL_READING || c->head) && c->deadline < next)
			next = c->deadline;
	}
	if (next == UINT64_MAX)
		return -1;
	return next <= now ? 0 : (int)(next - now < 60000 ? next - now : 60000);
}

/* --- replies from the engines ---------------------------------------------------- */

/* Sets each neighbour's "routes" from the RDE's counts by address, and
 * its "site", which the RDE knows too. */
static void add_route_counts(json_t *neighbor, const json_t *counts)
{
	json_t *r = json_object_get(counts, json_string_value(json_object_get(neighbor, "address")));
	if (!r)         /* configured a moment ago: the RDE has not seen it yet */
		r = json_pack("{s:i, s:i, s:i, s:i, s:n}", "received", 0, "accepted", 0, "rejected", 0,
		    "exported", 0, "site");
	else
		r = json_copy(r);
	json_object_set(neighbor, "site", json_object_get(r, "site"));
	json_object_del(r, "site");
	json_object_set_new(neighbor, "routes", r);
}

/* The SE's reply with the RDE's route counts joined in. */
static json_t *join_parts(struct ctl_client *c)
{
	json_t *res = json_object_get(c->whole, "result");
	const json_t *counts = json_object_get(c->counts, "result");
	json_t *one = json_object_get(res, "neighbor"), *all = json_object_get(res, "neighbors");
	size_t i;
	json_t *n;
	if (one)
		add_route_counts(one, counts);
	json_array_foreach(all, i, n)
		add_route_counts(n, counts);
	json_decref(c->counts);
	json_t *whole = c->whole;
	c->whole = c->counts = NULL;
	return whole;
}

static void reply_json(struct control *ctl, struct ctl_client *c, const struct ipc_msg *m, json_t *reply)
{
	if (c->joining) {
		if (m->gen == CTL_PART_ROUTE_COUNTS)
			c->counts = reply;
		else
			c->whole = reply;
		if (!c->whole || !c->counts)
			return;
		reply = join_parts(c);
	} else if (c->command == CTL_CMD_SHOW_STATUS && json_object_get(reply, "result")) {
		ctl->add_status(ctl->arg, json_object_get(reply, "result"));    /* the daemon's part */
	}
	queue_reply(c, reply);
}

void control_reply_arrived(struct control *ctl, struct ipc_msg *m)
{
	struct ctl_client *c = client_by_id(ctl, m->client);
	if (m->gen == CTL_PART_BYTES) {
		struct ctl_bytes b;
		memcpy(&b, m->body, sizeof(b));
		if (!c) {
			free(b.data);
			return;
		}
		queue_piece(c, b.data, b.len, !b.last);
		c->state = b.last ? CL_CLOSING : CL_REPLYING;
		if (b.last)
			c->streaming = false;
		return;
	}
	json_t *reply;
	memcpy(&reply, m->body, sizeof(reply));
	if (!c) {                  /* the client left meanwhile */
		json_decref(reply);
		return;
	}
	c->streaming = false;      /* an error instead of a listing */
	reply_json(ctl, c, m, reply);
}

bool control_writing(const struct control *ctl)
{
	for (size_t i = 0; i < ctl->nclients; i++)
		if (ctl->clients[i]->head)
			return true;
	return false;
}

void control_close(struct control *ctl)
{
	while (ctl->nclients)
		client_free(ctl, ctl->nclients - 1);
	if (ctl->listen_fd >= 0) {
		close(ctl->listen_fd);
		unlink(ctl->path);
	}
	if (ctl->ro_listen_fd >= 0) {
		close(ctl->ro_listen_fd);
		unlink(ctl->ro_path);
	}
	if (ctl->channel_fd >= 0)
		close(ctl->channel_fd);
	free(ctl->path);
	free(ctl->ro_path);
}
