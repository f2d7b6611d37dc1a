/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/t.h - the smallest table-test harness.
 *
 * CHECK() records a failure with file:line and goes on; SKIP() prints
 * why a check could not run here and counts it as skipped, never as
 * passed; SETUP() guards a fixture step: when it fails the program
 * stops with one failure and its closing line. t_done() prints the
 * closing line "N passed, N failed, N skipped" that CI reads and
 * returns the exit status. One check is one CHECK call.
 */
#ifndef R9P_T_H
#define R9P_T_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_pass, t_fail, t_skip;

#define CHECK(cond, ...) do { \
	if (cond) { t_pass++; } else { t_fail++; \
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } \
} while (0)

#define CHECK_STR(got, want, ctx) \
	CHECK(strcmp((got), (want)) == 0, "%s: got \"%s\", want \"%s\"", \
	      (ctx), (got), (want))

/* SKIP("why", ...): one check that cannot run here (not root, ...). */
#define SKIP(...) do { \
	t_skip++; \
	fprintf(stderr, "SKIP %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); \
} while (0)

static int t_done(const char *name)
{
	printf("%s: %d passed, %d failed, %d skipped\n", name, t_pass, t_fail,
	       t_skip);
	fflush(stdout);
	return t_fail ? 1 : 0;
}

/* The closing line's name when SETUP() stops early: the file's base name
 * without ".c" (the programs are named after their files). */
static inline void t_setup_failed(const char *file)
{
	char name[64];
	const char *b = strrchr(file, '/');
	size_t n;

	b = b ? b + 1 : file;
	n = strcspn(b, ".");
	snprintf(name, sizeof(name), "%.*s", (int)n, b);
	t_fail++;
	exit(t_done(name));
}

/* SETUP(cond, "what", ...): a fixture step (mkdir, write, mount of the
 * test's own tree). Not a check: nothing is counted when it works; when
 * it fails the program stops, counted as one failure. */
#define SETUP(cond, ...) do { \
	if (!(cond)) { \
		int t_errno = errno; /* for strerror(errno) in the message */ \
		fprintf(stderr, "FAIL %s:%d: setup: %s: ", __FILE__, __LINE__, \
			#cond); \
		errno = t_errno; \
		fprintf(stderr, __VA_ARGS__); \
		fputs("; the test cannot go on\n", stderr); \
		t_setup_failed(__FILE__); \
	} \
} while (0)

#endif
