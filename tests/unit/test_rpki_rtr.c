/* SPDX-License-Identifier: ISC */
/* RTR feed through rtrlib: option checks, and a live session with StayRTR
 * on loopback serving a JSON fixture (skipped without /usr/bin/stayrtr). */
#include "testlib.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rpki_rtr.h"

#define STAYRTR "/usr/bin/stayrtr"
#define DATA "tests/data/rpki/"
#define WAIT_SECONDS 20

static struct rpki_rtr *start(const char *cache, unsigned refresh, unsigned expire, unsigned retry,
    char *err, size_t errlen)
{
	char *v[] = { (char *)cache };
	struct cfg_str_list caches = { v, 1 };
	struct rpki_rtr_opts o = { .caches = &caches, .refresh = refresh, .expire = expire, .retry = retry };
	return rpki_rtr_start(&o, err, errlen);
}

TEST(bad_cache_addresses_are_refused)
{
	static const char *const bad[] = { "host:", "host:0", "host:65536", "host:x", "[::1", "[::1]x",
	    ":323", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[256] = "";
		struct rpki_rtr *r = start(bad[i], 0, 0, 0, err, sizeof(err));
		CHECK(r == NULL);
		if (r != NULL)
			rpki_rtr_stop(r);
		if (strstr(err, "RTR cache") == NULL)
			fprintf(stderr, "  \"%s\": %s\n", bad[i], err);
		CHECK(strstr(err, "RTR cache") != NULL);
	}
}

TEST(intervals_out_of_range_are_refused)
{
	char err[256] = "";
	CHECK(start("127.0.0.1:1", 0, 599, 0, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "expire 599") != NULL);
	CHECK(start("127.0.0.1:1", 7300, 7200, 0, err, sizeof(err)) == NULL);
	CHECK(start("127.0.0.1:1", 0, 0, 7201, err, sizeof(err)) == NULL);
	struct cfg_str_list none = { NULL, 0 };
	struct rpki_rtr_opts o = { .caches = &none };
	CHECK(rpki_rtr_start(&o, err, sizeof(err)) == NULL);
}

TEST(unreachable_cache_is_reported_not_connected)
{
	char err[256] = "";
	/* port 1 on loopback: connection refused, retried in the background */
	struct rpki_rtr *r = start("[::1]:1", 0, 0, 0, err, sizeof(err));
	CHECK(r != NULL);
	if (r == NULL)
		return;
	struct rpki_rtr_state st;
	struct rpki_rtr_cache_state cs;
	CHECK_EQ_INT(rpki_rtr_state(r, &st, &cs, 1), 1);
	CHECK(!st.connected);
	CHECK_EQ_STR(cs.name, "[::1]:1");
	CHECK(!cs.synced);
	struct vrp_change *c;
	CHECK_EQ_INT(rpki_rtr_drain(r, &c), 0);
	CHECK(c == NULL);
	rpki_rtr_stop(r);
}

/* --- live session with StayRTR -------------------------------------------- */

static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return ntohs(a.sin_port);
}

/* Copies a fixture to dst through a temporary file and rename(2), so that
 * StayRTR never reads half a file. */
static int install(const char *fixture, const char *dst)
{
	char tmp[600], buf[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", dst);
	FILE *in = fopen(fixture, "rb"), *out = fopen(tmp, "wb");
	size_t n;
	int r = in && out ? 0 : -1;
	while (r == 0 && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			r = -1;
	if (in)
		fclose(in);
	if (out && fclose(out) != 0)
		r = -1;
	return r == 0 ? rename(tmp, dst) : -1;
}

static pid_t start_stayrtr(const char *dir, const char *cache, int port)
{
	char bind_arg[64], log_path[600];
	snprintf(bind_arg, sizeof(bind_arg), "-bind=127.0.0.1:%d", port);
	snprintf(log_path, sizeof(log_path), "%s/stayrtr.log", dir);
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	char cache_arg[700];
	snprintf(cache_arg, sizeof(cache_arg), "-cache=%s", cache);
	/* -refresh=1: the file is read again every second, and a change is
	 * announced with a Serial Notify.  No metrics listener (its default
	 * port would collide between parallel runs). */
	execl(STAYRTR, "stayrtr", bind_arg, cache_arg, "-checktime=false", "-refresh=1",
	    "-metrics.addr=", "-loglevel=debug", (char *)NULL);
	_exit(127);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Applies what arrives until done(t) or the deadline; false on timeout. */
static bool wait_for(struct rpki_rtr *r, struct vrp_table *t,
    bool (*done)(const struct vrp_table *t), double deadline)
{
	while (!done(t)) {
		double left = deadline - now_s();
		if (left <= 0)
			return false;
		struct pollfd p = { .fd = rpki_rtr_fd(r), .events = POLLIN };
		if (poll(&p, 1, (int)(left * 1000) + 1) > 0) {
			struct vrp_change *c;
			size_t n = rpki_rtr_drain(r, &c);
			vrp_table_apply(t, c, n);
			free(c);
		}
	}
	return true;
}

static enum rov_state rov(const struct vrp_table *t, const char *prefix, uint32_t origin)
{
	struct prefix p;
	prefix_parse(prefix, &p);
	return rov_validate(t, &p, origin);
}

static bool has_initial_set(const struct vrp_table *t)
{
	return vrp_table_count(t) == 3 && rov(t, "198.51.101.0/24", 64501) == ROV_VALID;
}

static bool has_changed_set(const struct vrp_table *t)
{
	return vrp_table_count(t) == 3 && rov(t, "198.51.101.0/24", 64509) == ROV_VALID &&
	    rov(t, "198.51.101.0/24", 64501) == ROV_INVALID;
}

static void print_log(const char *dir)
{
	char path[600], line[512];
	snprintf(path, sizeof(path), "%s/stayrtr.log", dir);
	FILE *f = fopen(path, "r");
	fprintf(stderr, "  --- %s\n", path);
	while (f && fgets(line, sizeof(line), f))
		fprintf(stderr, "  | %s", line);
	if (f)
		fclose(f);
}

/* rtrlib hands over a sync's VRPs before it records the sync's serial:
 * waits until the cache reports a completed sync other than `previous`,
 * and no newer one under way (the cache may start one at any time: a
 * loaded machine saw RTR_SYNC right after the serial). */
static bool wait_synced(struct rpki_rtr *r, const char *name, bool any, uint32_t previous,
    uint32_t *serial, double deadline)
{
	struct rpki_rtr_state st;
	struct rpki_rtr_cache_state cs;
	do {
		CHECK_EQ_INT(rpki_rtr_state(r, &st, &cs, 1), 1);
		if (st.connected && cs.synced && (any || cs.serial != previous) &&
		    strcmp(cs.state, "RTR_ESTABLISHED") == 0) {
			CHECK_EQ_STR(cs.name, name);
			CHECK(st.last_change > 0);
			CHECK(cs.last_update > 0);
			*serial = cs.serial;
			return true;
		}
		usleep(10000);
	} while (now_s() < deadline);
	return false;
}

TEST(vrps_and_their_changes_arrive_from_stayrtr)
{
	if (access(STAYRTR, X_OK) != 0) {
		printf("  skipped: %s not installed\n", STAYRTR);
		return;
	}
	char dir[] = "/tmp/ixpd-rtr-XXXXXX", cache[600], name[64], err[256] = "";
	int port = free_port();
	CHECK(mkdtemp(dir) != NULL && port > 0);
	snprintf(cache, sizeof(cache), "%s/vrps.json", dir);
	CHECK_EQ_INT(install(DATA "rtr-before.json", cache), 0);
	pid_t pid = start_stayrtr(dir, cache, port);
	CHECK(pid > 0);

	/* stayrtr may need a moment to listen: rtrlib retries after `retry`. */
	snprintf(name, sizeof(name), "127.0.0.1:%d", port);
	struct rpki_rtr *r = pid > 0 ? start(name, 0, 0, 1, err, sizeof(err)) : NULL;
	struct vrp_table *t = vrp_table_new();
	CHECK(r != NULL);
	if (r != NULL) {
		uint32_t serial1 = 0, serial2 = 0;
		bool got = wait_for(r, t, has_initial_set, now_s() + WAIT_SECONDS) &&
		    wait_synced(r, name, true, 0, &serial1, now_s() + WAIT_SECONDS);
		CHECK(got);

		/* one ROA changes origin: a removal and an addition arrive */
		CHECK_EQ_INT(install(DATA "rtr-after.json", cache), 0);
		got = got && wait_for(r, t, has_changed_set, now_s() + WAIT_SECONDS) &&
		    wait_synced(r, name, false, serial1, &serial2, now_s() + WAIT_SECONDS);
		CHECK(got);
		if (got)
			CHECK_EQ_INT(rov(t, "2001:db8:1::/48", 64502), ROV_VALID);
		if (!got)
			print_log(dir);
		rpki_rtr_stop(r);
	}
	vrp_table_free(t);
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
	char path[700];
	snprintf(path, sizeof(path), "%s/stayrtr.log", dir);
	unlink(path);
	unlink(cache);
	rmdir(dir);
}
