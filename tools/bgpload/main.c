/* SPDX-License-Identifier: ISC */
/* bgpload: BGP load generator for ixpd (and any route server); the event
 * loop.  bgpload.h describes the program and its modules, and
 * docs/bgpload.md how to use it. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "bgp.h"
#include "bgpload.h"
#include "ceiling.h"
#include "churn.h"
#include "dcache.h"
#include "feeder.h"
#include "options.h"
#include "report.h"
#include "selftest.h"
#include "sess.h"
#include "setup.h"
#include "sink.h"
#include "util.h"

struct bgpload bl = { .ep = -1 };
static volatile sig_atomic_t g_stop;

static void on_signal(int sig) { (void)sig; g_stop = 1; }

static bool all_established(void)
{
	for (int i = 0; i < bl.nsess; i++)
		if (bl.sessions[i]->st != S_ESTABLISHED)
			return false;
	return true;
}

static void timers(uint64_t now)
{
	if (!bl.feeding && (opt.no_wait || all_established() ||
	    now - start_us() > (uint64_t)(opt.wait_timeout * 1e6))) {
		__atomic_store_n(&bl.feeding, true, __ATOMIC_RELEASE);
		if (!opt.no_wait && !all_established())
			logmsg("not every session is up after %.0f s: feeders start anyway",
			    opt.wait_timeout);
		else
			logmsg("every session is up: feeders start");
		for (int i = 0; i < bl.nsess; i++)
			if (bl.sessions[i]->f && bl.sessions[i]->st == S_ESTABLISHED)
				feeder_start(bl.sessions[i], GEN_ANNOUNCE, true);
	}
	int allc = -1;              /* sink_all_complete(), computed when needed */
	for (int i = 0; i < bl.nsess; i++)
		if (sess_timers(bl.sessions[i], now))
			churn_timers(bl.sessions[i], now, &allc);
	for (int i = 0; i < bl.nsess; i++)
		sess_events(bl.sessions[i]);
}

/* 0: go on, 1: stop now (signal, --duration, a session down), 2: complete */
static int finished(uint64_t now)
{
	if (g_stop)
		return 1;
	if (opt.duration > 0 && now - start_us() >= (uint64_t)(opt.duration * 1e6))
		return 1;
	if (!opt.exit_when_complete)
		return 0;
	bool any_sink = false;
	for (int i = 0; i < bl.nsess; i++) {
		if (bl.sessions[i]->st == S_DOWN) {
			logmsg("%s is down: cannot complete, exiting", bl.sessions[i]->name);
			return 1;
		}
		any_sink |= bl.sessions[i]->recv;
	}
	for (int i = 0; i < bl.nsess; i++) {
		struct sess *s = bl.sessions[i];
		if (any_sink && s->recv) {
			if (s->expect && !s->t_complete)
				return 0;
			/* a member that closed its session (--down-after) receives no more */
			if (opt.withdraw_after > 0 && !s->t_drained && s->st != S_CLOSED)
				return 0;
		} else if (!any_sink && s->f) {
			/* only feeders: done when every table (and withdrawal) is out */
			if (!s->t_eor_sent || tx_pending(s) || s->f->mode != GEN_IDLE)
				return 0;
			if (opt.withdraw_after > 0 && !s->f->withdrawn_all)
				return 0;
		}
	}
	if (opt.churn_pct > 0 && !churn_finished(now))
		return 0;
	return 2;
}

static void run_start(void)
{
	bl.ep = epoll_create1(EPOLL_CLOEXEC);
	if (bl.ep < 0)
		die("epoll_create1: %s", strerror(errno));
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sink_init();
	if (opt.ceiling)
		ceiling_listen();
}

/* Until finished() says stop, or everything is complete and --linger over. */
static void run_loop(void)
{
	uint64_t next_progress = start_us() + 1000000;
	struct epoll_event evs[256];
	uint64_t linger_until = 0;
	for (;;) {
		uint64_t now = now_us();
		timers(now);
		int fin = finished(now);
		if (fin == 1)
			return;
		if (fin == 2) {
			if (opt.linger <= 0)
				return;
			if (!linger_until) {
				linger_until = now + (uint64_t)(opt.linger * 1e6);
				logmsg("everything complete: staying up %.1f s more", opt.linger);
			} else if (now >= linger_until) {
				return;
			}
		}
		if (now >= next_progress) {
			if (opt.progress)
				report_progress(now);
			if (opt.rib_log)
				sink_flush_rib_logs();
			next_progress += 1000000;
		}
		int n = epoll_wait(bl.ep, evs, 256, 20);
		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		for (int i = 0; i < n; i++)
			sess_handle(evs[i].data.ptr, evs[i].events, now_us());
	}
}

/* Goodbyes, the summary, every session closed; returns the exit status. */
static int run_end(void)
{
	uint64_t now = now_us();
	if (opt.ceiling)
		ceiling_close();        /* first: its thread would log every goodbye below */
	/* polite goodbye where it cannot cut a message in half */
	for (int i = 0; i < bl.nsess; i++) {
		struct sess *s = bl.sessions[i];
		if (s->c.fd >= 0 && s->st >= S_OPENCONFIRM && !tx_pending(s))
			sess_notify(s, ERR_CEASE, ERR_CEASE_ADMIN_DOWN);
	}
	g_stop = 1;
	bool ok = report_summary(now);
	for (int i = 0; i < bl.nsess; i++) {
		sess_close(bl.sessions[i]);
		if (bl.sessions[i]->rib_log && fclose(bl.sessions[i]->rib_log) != 0)
			logmsg("%s: writing the RIB log: %s", bl.sessions[i]->name,
			    strerror(errno));
	}
	dc_free(&bl.dc);
	for (int fam = 0; fam < 2; fam++)
		gidx_free(&bl.gidx[fam]);
	return ok ? 0 : 1;
}

static int run(void)
{
	run_start();
	run_loop();
	return run_end();
}

int main(int argc, char **argv)
{
	start_clock();
	options_parse(argc, argv);
	if (opt.selftest)
		return selftest_speed();
	setup();
	if (opt.print_table)
		return feeder_print_tables();
	setup_run();
	return run();
}
