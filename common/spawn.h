/* SPDX-License-Identifier: MIT */
/*
 * common/spawn.h - run a program and wait for it: fork, exec, an optional
 * stdin, an optional bounded capture of its stdout, and its end decoded.
 *
 * One place for fork/pipe/exec/wait. Not for PID 1's own children that
 * need a session, a controlling terminal or the reaping of every orphan
 * (init/rescue.c, init/payload.c), nor for a fork without an exec
 * (init/modrun.c, init/pin.c): those say why beside their fork().
 */
#ifndef R9P_SPAWN_H
#define R9P_SPAWN_H

#include <stddef.h>

#include "common/err.h"

/* Flags of struct r9p_spawn. */
#define R9P_SPAWN_KILL_OVER 0x1	/* output past OUT: SIGKILL and fail, for
				 * a program that could write forever;
				 * without it the rest is read and dropped,
				 * so a program never blocks on a full pipe */

struct r9p_spawn {
	/* in: set by the caller */
	int in_fd;		/* the child's stdin; -1: this process's */
	char *out;		/* NULL: the child's stdout is this process's;
				 * else its output, cut to OUT_SIZE - 1 bytes
				 * and NUL-terminated (owned by the caller) */
	size_t out_size;	/* bytes of OUT, the NUL included (> 0) */
	unsigned flags;		/* R9P_SPAWN_* */
	/* out: set by r9p_spawn_run() */
	size_t out_len;		/* bytes kept in OUT */
	int out_over;		/* 1: the output did not fit in OUT */
	int status;		/* exit status 0..255; -1 when it did not exit */
	int signal;		/* the signal that ended it, else 0 */
};

/*
 * Run ARGV (ARGV[0] a path: no PATH search) as S says and wait for it.
 * Returns 0 when it exited with status 0. Else -1 with E filled (step
 * "run a program", the why names ARGV[0]) and E->code: the exit status
 * (1..255); 128 + the signal when a signal ended it; -ENOENT, -EACCES ...
 * when it could not be started (exec's errno, not a status 127); -EFBIG
 * when R9P_SPAWN_KILL_OVER cut it; -errno of pipe() or fork().
 */
int r9p_spawn_run(char *const argv[], struct r9p_spawn *s,
		  struct r9p_err *e);

#endif
