/* SPDX-License-Identifier: ISC */
/* log: one place that formats and routes log lines (stderr or syslog).
 * Thread-safe; every line is written with a single write(2).  Levels:
 * log_err what an operator must act on, log_warn what is wrong but
 * handled, log_info state changes, log_debug the rest (STYLE.md). */
#ifndef IXPD_LOG_H
#define IXPD_LOG_H
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_init(const char *ident, int use_syslog, enum log_level level);
void log_set_level(enum log_level level);
int log_level_parse(const char *name, enum log_level *out);
const char *log_level_name(enum log_level level);

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* How log lines name a member: "ADDR ASn".  The text is in a buffer of
 * the calling thread, valid until its next call. */
const char *log_peer_name(const struct ip_addr *addr, uint32_t asn);

/* A broken invariant -- a reference count below zero, an id beyond its
 * table, the event machinery failing: the process cannot be trusted to go
 * on.  Logs (fatal: with strerror(errno)) and aborts.  Never for input
 * from members, files or clients: those get an error. */
void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void fatalx(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Log lines of one kind, at most LOG_LIMIT_BURST per LOG_LIMIT_WINDOW_MS:
 * a flood (connections from anywhere, a member's garbage) must not flood
 * the log.  The first line after a window with suppressed ones says how
 * many were. */
#define LOG_LIMIT_BURST 10
#define LOG_LIMIT_WINDOW_MS 10000
struct log_limit {
	uint64_t window_start;
	unsigned lines, suppressed;
};
/* May a line be logged now?  (Logs the count of the suppressed ones.) */
bool log_allowed(struct log_limit *l, uint64_t now_ms);
#endif
