/* SPDX-License-Identifier: MIT */
/*
 * common/steps.h - the steps of a 9p root's boot, in init9p's words and
 * order, and their "steps in ms" line. init9p logs it with root9p.debug;
 * bench/bareinit (the floor: the same syscalls, no check) logs it too,
 * and bench/boottime.sh reads both by these names.
 */
#ifndef R9P_COMMON_STEPS_H
#define R9P_COMMON_STEPS_H

#include <stddef.h>

enum {
	R9P_STEP_EARLY, R9P_STEP_CONFIG, R9P_STEP_MODULES, R9P_STEP_WAIT,
	R9P_STEP_MOUNT, R9P_STEP_TMP, R9P_STEP_INIT, R9P_STEP_PIN,
	R9P_STEP_WIPE, R9P_STEP_N
};

/*
 * "early 12, command line 3, ..., wipe 7" into LINE (SIZE bytes): each
 * step from the end of the one before (MARK[i], r9p_now_ms), the first
 * from T0. Returns "own": all of them but the modules step, whose time
 * is the kernel's finit_module work (issue 28's goal).
 */
long long r9p_steps_line(char *line, size_t size, long long t0,
			 const long long *mark);

#endif
