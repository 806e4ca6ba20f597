/* SPDX-License-Identifier: ISC */
/* conn: one TCP connection's plumbing, shared by the client side of a
 * session (sess.h) and the route-server side of --ceiling (ceiling.h):
 * its socket options, its epoll registration and interest in EPOLLOUT,
 * reading whole BGP messages, its output queue, and the OPEN both sides
 * send.
 *
 * Reading goes through one buffer per thread, shared by every connection
 * of the thread: 1,400 connections do not each keep a 300 KB buffer.  A
 * connection keeps only the partial message left over from its last read
 * (at most 64 KB), copied in front of the next one.  A connection belongs
 * to one thread (the sessions' or --ceiling's), with that thread's epoll;
 * conn_thread_exit() frees the buffer of a thread that ends. */
#ifndef BGPLOAD_CONN_H
#define BGPLOAD_CONN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bgp.h"
#include "bgp_msg.h"
#include "wire.h"

struct conn {
	int fd;                     /* -1: closed */
	bool ev_out;                /* EPOLLOUT is asked for */
	uint8_t *rx;                /* partial message carried over between reads */
	size_t rx_len;
	struct wbuf tx;             /* output queue */
	size_t tx_off;              /* its first byte not yet handed to the kernel */
};

/* Sets TCP_NODELAY and --sndbuf / --rcvbuf on a new socket. */
void conn_sockopts(int fd);
/* fd becomes c's socket, registered with epoll ep for EPOLLIN and
 * EPOLLOUT, the events' data.ptr = ptr. */
void conn_attach(struct conn *c, int fd, int ep, void *ptr);
/* Asks epoll ep for EPOLLOUT (beside EPOLLIN) exactly when want. */
void conn_want_out(struct conn *c, int ep, void *ptr, bool want);
/* Closes the socket (if open) and drops the partial input; the output
 * queue is the caller's. */
void conn_close(struct conn *c, int ep);

/* The bytes read are given to the connection's owner: buf[0, len) holds
 * the partial message of the last read followed by `got` new bytes.
 * Returns the bytes it used (whole messages); the rest is kept. */
typedef size_t conn_input_fn(void *arg, const uint8_t *buf, size_t len, size_t got);
enum { CONN_EOF = -1, CONN_ERROR = -2 };
/* Reads what the socket has, READ_BUDGET bytes at most, each read given to
 * input, while the connection stays open.  Returns 0 (the socket is empty
 * or the budget spent), CONN_EOF (closed by the peer) or CONN_ERROR
 * (errno). */
int conn_read(struct conn *c, conn_input_fn *input, void *arg);
/* Frees the calling thread's read buffer (a thread that ends). */
void conn_thread_exit(void);

/* Output queued but not yet handed to the kernel. */
static inline size_t conn_tx_pending(const struct conn *c) { return c->tx.len - c->tx_off; }
/* Sends p[0, n) without blocking.  Returns the bytes the kernel took, 0
 * when the socket is full (or the call interrupted), -1 on error (errno). */
ssize_t conn_send(struct conn *c, const void *p, size_t n);
/* After writing: an empty queue starts again at 0; one more than half
 * written (and more than 64 KB) moves its rest to the front. */
void conn_tx_compact(struct conn *c);

/* The OPEN of either side: AS `as`, --hold-time, the MP capability of
 * fam, 4-octet AS, route refresh, extended messages with --ext-message,
 * no role. */
void conn_open_init(struct bgp_open *o, uint32_t as, uint32_t bgp_id, enum family fam);
#endif
