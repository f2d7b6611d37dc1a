/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/t.h - the smallest table-test harness.
 *
 * CHECK() records a failure with file:line and goes on; t_done() prints
 * the closing line "N passed, N failed" that CI reads and returns the
 * exit status. One check is one CHECK call.
 */
#ifndef R9P_T_H
#define R9P_T_H

#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

#define CHECK(cond, ...) do { \
	if (cond) { t_pass++; } else { t_fail++; \
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } \
} while (0)

#define CHECK_STR(got, want, ctx) \
	CHECK(strcmp((got), (want)) == 0, "%s: got \"%s\", want \"%s\"", \
	      (ctx), (got), (want))

static int t_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, t_pass, t_fail);
	return t_fail ? 1 : 0;
}

#endif
