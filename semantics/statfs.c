/* SPDX-License-Identifier: MIT */
/*
 * semantics/statfs.c - the statfs group: the figures df and installers
 * read (an INFO line the runner compares with the host's filesystem),
 * and whether they hold together (free no more than total).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/statfs.h>

#include "semantics/sem.h"

void sem_statfs(const struct sem_ctx *c)
{
	struct statfs s;

	if (fstatfs(c->runfd, &s) < 0) {
		sem_fail("statfs.values", errno, "fstatfs");
		return;
	}
	sem_info("statfs.values", "type=0x%lx bsize=%ld frsize=%ld blocks=%llu bfree=%llu "
		 "bavail=%llu files=%llu ffree=%llu namemax=%ld",
		 (unsigned long)s.f_type, (long)s.f_bsize, (long)s.f_frsize,
		 (unsigned long long)s.f_blocks, (unsigned long long)s.f_bfree,
		 (unsigned long long)s.f_bavail, (unsigned long long)s.f_files,
		 (unsigned long long)s.f_ffree, (long)s.f_namelen);
	if (s.f_bsize <= 0 || s.f_blocks == 0 || s.f_bfree > s.f_blocks ||
	    s.f_bavail > s.f_bfree || s.f_ffree > s.f_files || s.f_namelen < 255)
		sem_fail("statfs.consistent", 0, "bsize=%ld blocks=%llu bfree=%llu bavail=%llu "
			 "files=%llu ffree=%llu namemax=%ld: a figure out of line",
			 (long)s.f_bsize, (unsigned long long)s.f_blocks,
			 (unsigned long long)s.f_bfree, (unsigned long long)s.f_bavail,
			 (unsigned long long)s.f_files, (unsigned long long)s.f_ffree,
			 (long)s.f_namelen);
	else
		sem_pass("statfs.consistent", "bavail <= bfree <= blocks, ffree <= files, namemax >= 255");
}
