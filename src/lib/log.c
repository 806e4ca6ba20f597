/* SPDX-License-Identifier: ISC */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static const char *log_ident = "ixpd";
static int log_to_syslog;
static enum log_level log_max = LOG_LVL_INFO;

static const char *const level_names[] = { "error", "warning", "info", "debug" };

void log_init(const char *ident, int use_syslog, enum log_level level)
{
	log_ident = ident;
	log_to_syslog = use_syslog;
	log_max = level;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_level(enum log_level level) { log_max = level; }

const char *log_level_name(enum log_level level) { return level_names[level]; }

int log_level_parse(const char *name, enum log_level *out)
{
	for (unsigned i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(name, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	return -1;
}

static void log_emit(enum log_level level, const char *fmt, va_list ap)
{
	static const int syslog_prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char line[2048];
	int n = 0;

	if (level > log_max)
		return;
	if (log_to_syslog) {
		vsyslog(syslog_prio[level], fmt, ap);
		return;
	}
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = (int)strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
	n += snprintf(line + n, sizeof(line) - (size_t)n, ".%03ldZ %s[%s]: ",
	    ts.tv_nsec / 1000000, log_ident, level_names[level]);
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}

#define LOG_FN(name, level) \
	void name(const char *fmt, ...) \
	{ va_list ap; va_start(ap, fmt); log_emit(level, fmt, ap); va_end(ap); }
LOG_FN(log_err, LOG_LVL_ERR)
LOG_FN(log_warn, LOG_LVL_WARN)
LOG_FN(log_info, LOG_LVL_INFO)
LOG_FN(log_debug, LOG_LVL_DEBUG)

const char *log_peer_name(const struct ip_addr *addr, uint32_t asn)
{
	static __thread char buf[INET6_ADDRSTRLEN + 24];
	char a[INET6_ADDRSTRLEN];
	snprintf(buf, sizeof(buf), "%s AS%u", ip_addr_str(addr, a, sizeof(a)), asn);
	return buf;
}

static void __attribute__((noreturn)) die(const char *why, const char *fmt, va_list ap)
{
	char text[1024];
	vsnprintf(text, sizeof(text), fmt, ap);
	log_max = log_max < LOG_LVL_ERR ? LOG_LVL_ERR : log_max;
	log_err("fatal: %s%s%s", text, why ? ": " : "", why ? why : "");
	abort();
}

void fatal(const char *fmt, ...)
{
	const char *why = strerror(errno);
	va_list ap;
	va_start(ap, fmt);
	die(why, fmt, ap);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	die(NULL, fmt, ap);
}

bool log_allowed(struct log_limit *l, uint64_t now_ms)
{
	if (now_ms >= l->window_start + LOG_LIMIT_WINDOW_MS) {
		if (l->suppressed)
			log_info("(%u more such lines suppressed in %u s)", l->suppressed, LOG_LIMIT_WINDOW_MS / 1000);
		l->window_start = now_ms;
		l->lines = l->suppressed = 0;
	}
	if (l->lines < LOG_LIMIT_BURST) {
		l->lines++;
		return true;
	}
	l->suppressed++;
	return false;
}
