/* SPDX-License-Identifier: ISC */
/* http_worker: the HTTP server (looking glass, birdwatcher API, metrics)
 * in a process of its own.  It parses requests from anyone who can reach
 * a public looking glass, with a third-party parser (libmicrohttpd), and
 * needs nothing of the daemon's memory -- every request is a control
 * client through the local channel -- so a flaw there must expose neither
 * the RIB nor the members' TCP-MD5 keys (ARCHITECTURE.md, "Least
 * privilege").
 *
 * The daemon binds the listening sockets and makes the channel as root,
 * before any thread exists, and executes itself as `ixpd --http-worker
 * ...` with those descriptors: a fresh image, without the configuration.
 * The worker drops to --user, enters a Landlock domain with no file at all
 * and the seccomp allow-list, serves, and ends on SIGTERM or when the
 * daemon dies (PR_SET_PDEATHSIG). */
#ifndef IXPD_HTTP_WORKER_H
#define IXPD_HTTP_WORKER_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "log.h"
#include "sandbox.h"

struct http_worker_opts {
	char *const *listen;         /* "ADDRESS:PORT" */
	size_t nlisten;
	unsigned max_clients, max_per_address, rate, burst, timeout_s;
	int channel;                 /* control_local_channel() */
	const char *user;            /* --user, or NULL */
	enum sandbox_mode sandbox;
	bool syslog;
	enum log_level level;
};

/* Binds, then starts the worker.  Returns its pid, or -1 with err (an
 * address in use...).  The daemon's copies of the descriptors are closed. */
pid_t http_worker_spawn(const struct http_worker_opts *o, char *err, size_t errlen);
/* Stops it (SIGTERM) and waits for it. */
void http_worker_stop(pid_t pid);
/* main() of `ixpd --http-worker`. */
int http_worker_main(int argc, char **argv);
#endif
