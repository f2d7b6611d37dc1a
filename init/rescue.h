/* SPDX-License-Identifier: MIT */
/*
 * init/rescue.h - what PID 1 does when the boot cannot go on, and at
 * break points.
 *
 * PID 1 must not exit (the kernel would panic with no reason) and must
 * not hang silently: it says what failed, why and what to try, then
 * reboots (panic=N), opens the image's rescue shell, or waits.
 */
#ifndef I9P_RESCUE_H
#define I9P_RESCUE_H

#include "engine/cmdline.h"

/*
 * Report a failed step. Returns only when a rescue shell was run and
 * exited: the caller then tries the boot again.
 */
void i9p_fail(const struct r9p_cmdline *c, const char *what,
	      const char *why, const char *try_);

/* At break point POINT (break=/rd.break=), run the rescue shell if any. */
void i9p_break(const char *point);

#endif
