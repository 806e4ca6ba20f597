/* SPDX-License-Identifier: ISC */
/* conn: reading BGP messages from a non-blocking socket into one read
 * buffer per thread, shared by every connection of the thread.
 *
 * 1,400 connections do not each keep a 300 KB buffer: a connection keeps
 * only the partial message left over from its last read (at most 64 KB),
 * copied in front of the next one.  Both threads (the sessions' and
 * --ceiling's) read through here, each with its own buffer. */
#ifndef BGPLOAD_CONN_H
#define BGPLOAD_CONN_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads from fd into the calling thread's buffer, after the partial
 * message *rx (of *rx_len bytes) left from the last read; *got is what
 * this read added.  Returns the bytes now in the buffer (*buf), 0 on
 * EAGAIN, -1 on EOF, -2 on error (errno). */
ssize_t rx_read(int fd, uint8_t **rx, size_t *rx_len, size_t *got, const uint8_t **buf);
/* Keeps buf[0, len), the unprocessed tail of the buffer, in *rx. */
void rx_keep(uint8_t **rx, size_t *rx_len, const uint8_t *buf, size_t len);
/* Frees the calling thread's buffer (a thread that ends). */
void rx_thread_exit(void);
#endif
