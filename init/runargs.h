/* SPDX-License-Identifier: MIT */
/*
 * init/runargs.h - the guest command of `run9p -- CMD ARGS`, as run9p
 * writes it on the kernel command line (root9p.run=, root9p.cwd=):
 * arguments joined by ',', bytes outside [A-Za-z0-9._/:+@=-] as %XX.
 */
#ifndef I9P_RUNARGS_H
#define I9P_RUNARGS_H

#define I9P_RUNARGS_MAX 256	/* arguments */

struct i9p_runargs {
	int argc;
	char *argv[I9P_RUNARGS_MAX + 1];	/* NULL-terminated, into buf */
	char buf[4096];
};

/*
 * Decode ENC into R. Returns 0; -EINVAL for an empty ENC, a bad %XX or
 * an encoded NUL; -E2BIG when it does not fit.
 */
int i9p_runargs_decode(const char *enc, struct i9p_runargs *r);

#endif
