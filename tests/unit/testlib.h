/* SPDX-License-Identifier: ISC */
/* Minimal unit-test harness: each test is a function registered with TEST();
 * CHECK() records a failure with file:line and keeps going; main() runs all,
 * each in a child process of its own so that a crash, a sanitizer report or
 * a hang fails that test alone.  `prog NAME` runs the tests whose name
 * contains NAME; TEST_TIMEOUT=SECONDS (default 60, 0 for none) bounds each
 * test; TEST_NOFORK=1 runs them in-process, for a debugger. */
#ifndef TESTLIB_H
#define TESTLIB_H
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

struct test_case { const char *name; void (*fn)(void); };
static int test_failures;
static int test_case_failed;
#define MAX_TESTS 256
static struct test_case test_cases[MAX_TESTS];
static int test_count;

#define TEST(name) \
	static void name(void); \
	__attribute__((constructor)) static void register_##name(void) \
	{ if (test_count < MAX_TESTS) test_cases[test_count++] = (struct test_case){ #name, name }; } \
	static void name(void)

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
	test_case_failed = 1; } } while (0)
#define CHECK_EQ_INT(a, b) do { long long _a = (long long)(a), _b = (long long)(b); if (_a != _b) { \
	fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, #a, _a, #b, _b); \
	test_case_failed = 1; } } while (0)
#define CHECK_EQ_STR(a, b) do { const char *_a = (a), *_b = (b); \
	if (_a == NULL || _b == NULL || strcmp(_a, _b) != 0) { \
	fprintf(stderr, "  %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, _a ? _a : "(null)", _b ? _b : "(null)"); \
	test_case_failed = 1; } } while (0)

#define CHECK_CONTAINS(hay, needle) do { const char *_h = (hay); \
	if (_h == NULL || strstr(_h, needle) == NULL) { \
	fprintf(stderr, "  %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, \
	    _h ? _h : "(null)", needle); \
	test_case_failed = 1; } } while (0)

static void test_alarm(int sig) { (void)sig; }

/* Runs one test in a child; returns NULL if it passed, "" if it failed a
 * CHECK, else why it failed: a signal, a timeout, an exit status (a
 * sanitizer's after its report). */
static const char *test_run_forked(const struct test_case *t, unsigned timeout)
{
	static char why[64];
	int st;
	fflush(NULL);             /* or the child would print our buffer again */
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGALRM, SIG_DFL);
		t->fn();
		/* exit, not _exit: LeakSanitizer checks at exit.  Not 1, which is
		 * what a sanitizer exits with after its report. */
		exit(test_case_failed ? 99 : 0);
	}
	if (pid < 0) {
		snprintf(why, sizeof(why), " (fork: %s)", strerror(errno));
		return why;
	}
	alarm(timeout);
	pid_t r = waitpid(pid, &st, 0);
	alarm(0);
	if (r < 0 && errno == EINTR) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		snprintf(why, sizeof(why), " (timed out after %u s)", timeout);
	} else if (r < 0) {
		snprintf(why, sizeof(why), " (waitpid: %s)", strerror(errno));
	} else if (WIFSIGNALED(st)) {
		snprintf(why, sizeof(why), " (signal %d)", WTERMSIG(st));
	} else if (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 99) {
		return WEXITSTATUS(st) ? "" : NULL;
	} else {
		snprintf(why, sizeof(why), " (exit status %d)", WEXITSTATUS(st));
	}
	return why;
}

int main(int argc, char **argv)
{
	const char *e = getenv("TEST_TIMEOUT"), *nofork = getenv("TEST_NOFORK");
	unsigned timeout = e ? (unsigned)strtoul(e, NULL, 10) : 60;
	int run = 0;
	/* without SA_RESTART, so that the alarm interrupts waitpid() */
	sigaction(SIGALRM, &(struct sigaction){ .sa_handler = test_alarm }, NULL);
	for (int i = 0; i < test_count; i++) {
		if (argc > 1 && strstr(test_cases[i].name, argv[1]) == NULL)
			continue;
		const char *why = NULL;
		run++;
		test_case_failed = 0;
		if (nofork && strcmp(nofork, "0") != 0) {
			test_cases[i].fn();
			why = test_case_failed ? "" : NULL;
		} else {
			why = test_run_forked(&test_cases[i], timeout);
		}
		printf("%s %s%s\n", why ? "FAIL" : "ok  ", test_cases[i].name, why ? why : "");
		test_failures += why != NULL;
	}
	if (run == 0)
		fprintf(stderr, "no test matches \"%s\"\n", argc > 1 ? argv[1] : "");
	return test_failures || run == 0 ? 1 : 0;
}
#endif
