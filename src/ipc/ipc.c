/* SPDX-License-Identifier: ISC */
#include "ipc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "xalloc.h"

struct msgbuf *msgbuf_new(const void *data, size_t len)
{
	struct msgbuf *m = xmalloc(sizeof(*m) + len);
	atomic_init(&m->refcnt, 1);
	m->len = (uint32_t)len;
	memcpy(m->data, data, len);
	return m;
}

void msgbuf_ref(struct msgbuf *m) { atomic_fetch_add_explicit(&m->refcnt, 1, memory_order_relaxed); }

void msgbuf_unref(struct msgbuf *m)
{
	if (m && atomic_fetch_sub_explicit(&m->refcnt, 1, memory_order_acq_rel) == 1)
		free(m);
}

struct ipc_msg *ipc_msg_new(enum ipc_type type, uint32_t peer, uint32_t gen, const void *body,
    size_t len)
{
	struct ipc_msg *m = xcalloc(1, sizeof(*m) + len);
	m->type = type;
	m->peer = peer;
	m->gen = gen;
	m->len = len;
	if (len)
		memcpy(m->body, body, len);
	return m;
}

void ipc_msg_free(struct ipc_msg *m)
{
	msgbuf_unref(m->msg);
	free(m->targets);
	free(m);
}

int ipc_queue_init(struct ipc_queue *q)
{
	memset(q, 0, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
	q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return q->efd < 0 ? -1 : 0;
}

void ipc_queue_destroy(struct ipc_queue *q)
{
	struct ipc_msg *m = ipc_take_all(q);
	while (m) {
		struct ipc_msg *next = m->next;
		ipc_msg_free(m);
		m = next;
	}
	close(q->efd);
	pthread_mutex_destroy(&q->lock);
}

void ipc_push(struct ipc_queue *q, struct ipc_msg *m)
{
	m->next = NULL;
	pthread_mutex_lock(&q->lock);
	int was_empty = q->head == NULL;
	if (q->tail)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = m;
	q->bytes += m->len + (m->msg ? m->msg->len : 0);
	pthread_mutex_unlock(&q->lock);
	if (was_empty) {
		uint64_t one = 1;
		(void)!write(q->efd, &one, sizeof(one));
	}
}

struct ipc_msg *ipc_take_all(struct ipc_queue *q)
{
	uint64_t v;
	pthread_mutex_lock(&q->lock);
	struct ipc_msg *m = q->head;
	q->head = q->tail = NULL;
	(void)!read(q->efd, &v, sizeof(v));     /* reset while holding the lock */
	pthread_mutex_unlock(&q->lock);
	return m;
}

void ipc_done(struct ipc_queue *q, const struct ipc_msg *m)
{
	pthread_mutex_lock(&q->lock);
	q->bytes -= m->len + (m->msg ? m->msg->len : 0);
	pthread_mutex_unlock(&q->lock);
}

size_t ipc_queued_bytes(struct ipc_queue *q)
{
	pthread_mutex_lock(&q->lock);
	size_t b = q->bytes;
	pthread_mutex_unlock(&q->lock);
	return b;
}
