/* SPDX-License-Identifier: ISC */
/* Replays inputs through a libFuzzer target without clang or libFuzzer:
 * linked with one tests/fuzz/fuzz_NAME.c into build/tests/replay_NAME, it
 * calls LLVMFuzzerTestOneInput on each file named on the command line and
 * on each regular file in the directories named (in name order, not
 * recursively), each in a buffer of exactly its size, as libFuzzer does, so
 * that ASan sees a read past the end.  tests/run-unit runs it over
 * tests/fuzz/corpus/NAME and tests/fuzz/regressions/NAME.
 *
 * A crash, a sanitizer report or an abort() in the target ends the program
 * abnormally, after a line naming the input.  Exit status 2: an input could
 * not be read. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Present when linked with a sanitizer runtime (ASan, UBSan): called after
 * its report, before the process exits. */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static const char *current;          /* the input being replayed, for the crash line */
static unsigned unreadable;          /* inputs that could not be read */

static void say_current(void)
{
	static const char head[] = "replay: crashed on ";
	if (current == NULL)
		return;
	(void)!write(STDERR_FILENO, head, sizeof(head) - 1);
	(void)!write(STDERR_FILENO, current, strlen(current));
	(void)!write(STDERR_FILENO, "\n", 1);
}

static void on_fatal_signal(int sig)
{
	say_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A sanitizer runtime handles SIGSEGV and friends itself (and reports
 * them better): then only abort() needs the handler. */
static void catch_crashes(void)
{
	static const int sigs[] = { SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL };
	size_t n = sizeof(sigs) / sizeof(sigs[0]);
	if (__sanitizer_set_death_callback != NULL) {
		__sanitizer_set_death_callback(say_current);
		n = 1;
	}
	for (size_t i = 0; i < n; i++)
		signal(sigs[i], on_fatal_signal);
}

/* Reads path whole into a buffer of exactly its size; NULL if it cannot. */
static uint8_t *read_input(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (f == NULL || fstat(fileno(f), &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	*size = (size_t)st.st_size;
	uint8_t *data = malloc(*size ? *size : 1);
	if (data == NULL || fread(data, 1, *size, f) != *size) {
		fprintf(stderr, "replay: %s: short read\n", path);
		free(data);
		data = NULL;
	}
	fclose(f);
	return data;
}

/* Replays one regular file; 1 if it was, 0 if it could not be read. */
static long replay_file(const char *path)
{
	size_t size;
	uint8_t *data = read_input(path, &size);
	if (data == NULL) {
		unreadable++;
		return 0;
	}
	current = path;
	LLVMFuzzerTestOneInput(data, size);
	current = NULL;
	free(data);
	return 1;
}

static int skip_dot(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Replays the regular files of dir in name order; returns how many. */
static long replay_dir(const char *dir)
{
	struct dirent **v;
	int n = scandir(dir, &v, skip_dot, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		unreadable++;
		return 0;
	}
	long done = 0;
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		int len = snprintf(path, sizeof(path), "%s/%s", dir, v[i]->d_name);
		if (len < 0 || (size_t)len >= sizeof(path)) {
			fprintf(stderr, "replay: %s/%s: name too long\n", dir, v[i]->d_name);
			unreadable++;
		} else if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			done += replay_file(path);
		}
		free(v[i]);
	}
	free(v);
	return done;
}

int main(int argc, char **argv)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", prog);
		return 2;
	}
	catch_crashes();
	long total = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			unreadable++;
		} else {
			total += S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i]);
		}
	}
	printf("%s: %ld inputs replayed\n", prog, total);
	return unreadable ? 2 : 0;
}
