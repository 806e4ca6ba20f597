/* SPDX-License-Identifier: ISC */
/* The sandbox (src/daemon/sandbox.c): each case enters it in a child of
 * its own -- a sandbox cannot be left -- and judges the child from outside:
 * how it ended and what it logged. */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "log.h"
#include "sandbox.h"
#include "testlib.h"

/* Runs body in a child whose stderr (the log) goes to log[]; returns its
 * wait status. */
static int in_child(void (*body)(void *), void *arg, char *log, size_t loglen)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };
		setrlimit(RLIMIT_CORE, &no_core);    /* SIGSYS dumps core by default */
		dup2(p[1], 2);
		close(p[0]);
		log_init("test", 0, LOG_LVL_INFO);
		body(arg);
		_exit(0);            /* not exit(): no sanitizer's exit work inside the filter */
	}
	close(p[1]);
	size_t n = 0;
	ssize_t r;
	while (n + 1 < loglen && (r = read(p[0], log + n, loglen - 1 - n)) > 0)
		n += (size_t)r;
	log[n] = '\0';
	close(p[0]);
	int st = -1;
	waitpid(pid, &st, 0);
	return st;
}

static void forbidden_call(void *arg)
{
	if (sandbox_syscalls(*(enum sandbox_mode *)arg, NULL, 0) < 0)
		_exit(3);
	syscall(SYS_unshare, 0);     /* not in the allow-list: a route server has no use for it */
	_exit(0);
}

TEST(forbidden_system_call_kills_the_process_with_a_log_line_naming_it)
{
	char log[2048];
	enum sandbox_mode mode = SANDBOX_ON;
	int st = in_child(forbidden_call, &mode, log, sizeof(log));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	CHECK_CONTAINS(log, "forbidden system call");
	CHECK_CONTAINS(log, "(unshare)");
}

TEST(log_mode_lets_a_forbidden_system_call_through)
{
	char log[2048];
	enum sandbox_mode mode = SANDBOX_LOG;
	int st = in_child(forbidden_call, &mode, log, sizeof(log));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void *thread_body(void *arg)
{
	return arg;
}

/* What every ixpd thread does all day: files, pipes, threads, the clock. */
static void everyday_calls(void *arg)
{
	(void)arg;
	if (sandbox_syscalls(SANDBOX_ON, NULL, 0) < 0)
		_exit(3);
	char buf[16];
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || write(fd, "x", 1) != 1 || read(fd, buf, sizeof(buf)) != 0)
		_exit(4);
	close(fd);
	pthread_t t;
	void *ret;
	if (pthread_create(&t, NULL, thread_body, buf) != 0 || pthread_join(t, &ret) != 0 || ret != buf)
		_exit(5);
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	log_info("still here");
	_exit(0);
}

TEST(the_allow_list_keeps_files_threads_and_logging_working)
{
	char log[2048];
	int st = in_child(everyday_calls, NULL, log, sizeof(log));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_CONTAINS(log, "still here");
}

/* --- Landlock ----------------------------------------------------------------- */

struct dirs { char allowed[64], writable[64], other[64]; };

static bool landlock_available(void)
{
	return syscall(SYS_landlock_create_ruleset, NULL, 0, 1 /* LANDLOCK_CREATE_RULESET_VERSION */) > 0;
}

static void make_dirs(struct dirs *d)
{
	strcpy(d->allowed, "/tmp/sandbox-r.XXXXXX");
	strcpy(d->writable, "/tmp/sandbox-w.XXXXXX");
	strcpy(d->other, "/tmp/sandbox-o.XXXXXX");
	if (!mkdtemp(d->allowed) || !mkdtemp(d->writable) || !mkdtemp(d->other))
		abort();
	char path[128];
	const char *const dirs[] = { d->allowed, d->writable, d->other };
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/file", dirs[i]);
		FILE *f = fopen(path, "w");
		fputs("data\n", f);
		fclose(f);
	}
}

static void remove_dirs(const struct dirs *d)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s %s", d->allowed, d->writable, d->other);
	if (system(cmd) != 0)
		fprintf(stderr, "  cannot remove the test directories\n");
}

static bool can_open(const char *dir, const char *name, int flags)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, flags | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

/* Exit status: a bit per expectation that did not hold. */
static void file_rules(void *arg)
{
	const struct dirs *d = arg;
	char err[256];
	struct sandbox_fs *fs = sandbox_fs_new(err, sizeof(err));
	if (!fs || sandbox_fs_allow(fs, d->allowed, SANDBOX_READ, false, err, sizeof(err)) < 0 ||
	    sandbox_fs_allow(fs, d->writable, SANDBOX_WRITE, false, err, sizeof(err)) < 0 ||
	    sandbox_fs_enter(fs, err, sizeof(err)) != 0)
		_exit(100);
	int fail = 0;
	fail |= !can_open(d->allowed, "file", O_RDONLY) << 0;
	fail |= can_open(d->allowed, "file", O_WRONLY) << 1;
	fail |= can_open(d->allowed, "new", O_WRONLY | O_CREAT) << 2;
	fail |= can_open(d->other, "file", O_RDONLY) << 3;
	fail |= !can_open(d->writable, "new", O_WRONLY | O_CREAT) << 4;
	char from[128], to[128];
	snprintf(from, sizeof(from), "%s/new", d->writable);
	snprintf(to, sizeof(to), "%s/renamed", d->writable);
	fail |= (rename(from, to) != 0) << 5;
	fail |= (unlink(to) != 0) << 6;
	_exit(fail);
}

TEST(files_outside_the_rules_are_refused_and_inside_allowed_as_ruled)
{
	if (!landlock_available()) {
		fprintf(stderr, "  skipped: this kernel has no Landlock\n");
		return;
	}
	struct dirs d;
	make_dirs(&d);
	char log[2048];
	int st = in_child(file_rules, &d, log, sizeof(log));
	CHECK(WIFEXITED(st));
	CHECK_EQ_INT(WEXITSTATUS(st), 0);
	remove_dirs(&d);
}

/* A config file's rule is on its directory: the file an editor or
 * rpki-client puts in its place by rename, after the rules were entered,
 * is still readable. */
struct rename_case { struct dirs d; int entered[2], replaced[2]; };

static void file_replaced_by_rename(void *arg)
{
	struct rename_case *c = arg;
	char err[256], path[128], byte = 0;
	snprintf(path, sizeof(path), "%s/file", c->d.allowed);
	struct sandbox_fs *fs = sandbox_fs_new(err, sizeof(err));
	if (!fs || sandbox_fs_allow(fs, path, SANDBOX_READ, true, err, sizeof(err)) < 0 ||
	    sandbox_fs_enter(fs, err, sizeof(err)) != 0)
		_exit(100);
	if (write(c->entered[1], &byte, 1) != 1 || read(c->replaced[0], &byte, 1) != 1)
		_exit(101);
	_exit(can_open(c->d.allowed, "file", O_RDONLY) && !can_open(c->d.other, "file", O_RDONLY) ? 0 : 102);
}

/* The parent's side: once the child is in, replace the file by rename. */
static void *replace_when_entered(void *arg)
{
	struct rename_case *c = arg;
	char byte, tmp[128], path[128];
	if (read(c->entered[0], &byte, 1) == 1) {
		snprintf(tmp, sizeof(tmp), "%s/file.new", c->d.allowed);
		snprintf(path, sizeof(path), "%s/file", c->d.allowed);
		FILE *f = fopen(tmp, "w");
		fputs("new\n", f);
		fclose(f);
		if (rename(tmp, path) != 0)
			fprintf(stderr, "  rename: %s\n", strerror(errno));
	}
	if (write(c->replaced[1], &byte, 1) != 1)
		fprintf(stderr, "  cannot tell the child\n");
	return NULL;
}

TEST(a_file_rule_on_its_directory_covers_the_file_replaced_by_rename)
{
	if (!landlock_available()) {
		fprintf(stderr, "  skipped: this kernel has no Landlock\n");
		return;
	}
	struct rename_case c;
	make_dirs(&c.d);
	if (pipe(c.entered) < 0 || pipe(c.replaced) < 0)
		abort();
	pthread_t t;
	pthread_create(&t, NULL, replace_when_entered, &c);
	char log[2048];
	int st = in_child(file_replaced_by_rename, &c, log, sizeof(log));
	pthread_join(t, NULL);
	CHECK(WIFEXITED(st));
	CHECK_EQ_INT(WEXITSTATUS(st), 0);
	remove_dirs(&c.d);
}

TEST(sandbox_modes_parse)
{
	enum sandbox_mode m;
	CHECK(sandbox_mode_parse("on", &m) == 0 && m == SANDBOX_ON);
	CHECK(sandbox_mode_parse("log", &m) == 0 && m == SANDBOX_LOG);
	CHECK(sandbox_mode_parse("off", &m) == 0 && m == SANDBOX_OFF);
	CHECK(sandbox_mode_parse("yes", &m) < 0);
}
