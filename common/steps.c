/* SPDX-License-Identifier: MIT */
/* common/steps.c - the boot's steps line (steps.h). */
#include <stdio.h>

#include "common/steps.h"

static const char *const step_names[R9P_STEP_N] = {
	"early", "command line", "modules", "tag wait", "mount", "tmpfs",
	"init check", "pin", "wipe",
};

long long r9p_steps_line(char *line, size_t size, long long t0,
			 const long long *mark)
{
	size_t i, n = 0;
	long long prev = t0, own = 0, d;

	if (size)
		line[0] = '\0';
	for (i = 0; i < R9P_STEP_N && n < size; i++) {
		d = mark[i] - prev;
		if (i != R9P_STEP_MODULES)
			own += d;
		n += snprintf(line + n, size - n, "%s%s %lld",
			      i ? ", " : "", step_names[i], d);
		prev = mark[i];
	}
	return own;
}
