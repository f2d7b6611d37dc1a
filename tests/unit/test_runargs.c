/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_runargs.c - payload9p's decoding of root9p.run= (the
 * command run9p writes on the kernel command line): a table of encodings
 * and the argv each gives, or the error.
 */
#include <errno.h>
#include <string.h>

#include "common/array.h"
#include "tests/unit/t.h"
#include "init/runargs.h"

static const struct {
	const char *enc;
	int err;		/* 0, or the -errno wanted */
	int argc;
	const char *argv[4];
} cases[] = {
	{ "true", 0, 1, { "true" } },
	{ "sh,-c,echo%20out%3B%20exit%207", 0, 3,
	  { "sh", "-c", "echo out; exit 7" } },
	{ "a,,b", 0, 3, { "a", "", "b" } },		/* an empty argument */
	{ "%2C,%25", 0, 2, { ",", "%" } },		/* the separators, quoted */
	{ "%0a%C3%A9", 0, 1, { "\n\xc3\xa9" } },	/* lower-case hex, UTF-8 */
	{ "", -EINVAL, 0, { NULL } },
	{ "a%2", -EINVAL, 0, { NULL } },		/* cut short */
	{ "a%zz", -EINVAL, 0, { NULL } },
	{ "a%00b", -EINVAL, 0, { NULL } },		/* a NUL would cut it */
};

int main(void)
{
	static struct i9p_runargs r;
	static char big[8192];
	size_t i;
	int j, err;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		err = i9p_runargs_decode(cases[i].enc, &r);
		CHECK(err == cases[i].err, "%s: %d", cases[i].enc, err);
		if (err || cases[i].err)
			continue;
		CHECK(r.argc == cases[i].argc, "%s: argc %d", cases[i].enc,
		      r.argc);
		for (j = 0; j < r.argc && j < cases[i].argc; j++)
			CHECK_STR(r.argv[j], cases[i].argv[j], cases[i].enc);
		CHECK(r.argv[r.argc] == NULL, "%s: argv ends", cases[i].enc);
	}
	/* Bounds: more bytes than the buffer, more arguments than argv. */
	memset(big, 'x', sizeof(big) - 1);
	CHECK(i9p_runargs_decode(big, &r) == -E2BIG, "%zu bytes", sizeof(big));
	memset(big, ',', I9P_RUNARGS_MAX + 1);
	big[I9P_RUNARGS_MAX + 1] = '\0';
	CHECK(i9p_runargs_decode(big, &r) == -E2BIG, "%d commas",
	      I9P_RUNARGS_MAX + 1);
	big[I9P_RUNARGS_MAX - 1] = '\0';
	CHECK(i9p_runargs_decode(big, &r) == 0 && r.argc == I9P_RUNARGS_MAX,
	      "%d commas: argc %d", I9P_RUNARGS_MAX - 1, r.argc);
	return t_done("runargs");
}
