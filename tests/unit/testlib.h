/* SPDX-License-Identifier: ISC */
/* Minimal unit-test harness: each test is a function registered with TEST();
 * CHECK() records a failure with file:line and keeps going; main() runs all. */
#ifndef TESTLIB_H
#define TESTLIB_H
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

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

int main(int argc, char **argv)
{
	for (int i = 0; i < test_count; i++) {
		if (argc > 1 && strstr(test_cases[i].name, argv[1]) == NULL)
			continue;
		test_case_failed = 0;
		test_cases[i].fn();
		printf("%s %s\n", test_case_failed ? "FAIL" : "ok  ", test_cases[i].name);
		test_failures += test_case_failed;
	}
	return test_failures ? 1 : 0;
}
#endif
