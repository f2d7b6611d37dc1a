/* SPDX-License-Identifier: MIT */
/*
 * semantics/errname.c - an errno's name ("ENOENT") for the result lines.
 *
 * One copy for semprobe (harness.c) and semfault (fault.c), which is linked
 * without the harness: both print errno=NAME and the runners match on it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "semantics/sem.h"

const char *sem_errname(int err)
{
	static char buf[16];
	const char *n = strerrorname_np(err);

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}
