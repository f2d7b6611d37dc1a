/* SPDX-License-Identifier: MIT */
/*
 * semantics/time.c - the time group: utimensat's nanoseconds are kept
 * (make, rsync and tar compare them), a write moves mtime and ctime, a
 * rename moves the file's ctime and its folder's mtime, a chmod moves
 * ctime and leaves mtime. Between two stats it sleeps a little more than
 * the kernel's coarse clock tick, so "moved" is measurable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "semantics/sem.h"

#define TICK_NS 20000000L	/* 20 ms: more than a 100 Hz jiffy */
#define PAST_S 1000000000L	/* 2001-09-09: clearly not now */

static void tick(void)
{
	struct timespec ts = { 0, TICK_NS };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int later(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

static int same(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static void probe_ns(const struct sem_ctx *c, int fd)
{
	const struct timespec ts[2] = { { PAST_S, 123456789 }, { PAST_S + 1, 987654321 } };
	struct stat st;

	if (futimens(fd, ts) < 0 || fstat(fd, &st) < 0)
		sem_fail("time.utimensat_ns", errno, "futimens and fstat");
	else if (!same(&st.st_atim, &ts[0]) || !same(&st.st_mtim, &ts[1]))
		sem_fail("time.utimensat_ns", 0, "atime %lld.%09ld mtime %lld.%09ld, set %ld.123456789 %ld.987654321",
			 (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
			 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, PAST_S, PAST_S + 1);
	else
		sem_pass("time.utimensat_ns", "atime and mtime kept to the nanosecond");
	(void)c;
}

static void probe_write(int fd)
{
	struct stat a, b;

	if (fstat(fd, &a) < 0) {
		sem_fail("time.write", errno, "fstat");
		return;
	}
	tick();
	if (write(fd, "more\n", 5) != 5 || fstat(fd, &b) < 0)
		sem_fail("time.write", errno, "write and fstat");
	else if (!later(&b.st_mtim, &a.st_mtim) || !later(&b.st_ctim, &a.st_ctim))
		sem_fail("time.write", 0, "mtime %s, ctime %s after a write",
			 later(&b.st_mtim, &a.st_mtim) ? "moved" : "did not move",
			 later(&b.st_ctim, &a.st_ctim) ? "moved" : "did not move");
	else
		sem_pass("time.write", "mtime and ctime moved");
}

static void probe_rename(const struct sem_ctx *c, int fd)
{
	struct stat a, b, da, db;

	if (fstat(fd, &a) < 0 || fstat(c->runfd, &da) < 0) {
		sem_fail("time.rename", errno, "fstat");
		return;
	}
	tick();
	if (renameat(c->runfd, "timed", c->runfd, "timed2") < 0 ||
	    fstat(fd, &b) < 0 || fstat(c->runfd, &db) < 0)
		sem_fail("time.rename", errno, "rename and fstat");
	else if (!later(&b.st_ctim, &a.st_ctim) || !later(&db.st_mtim, &da.st_mtim))
		sem_fail("time.rename", 0, "the file's ctime %s, the folder's mtime %s",
			 later(&b.st_ctim, &a.st_ctim) ? "moved" : "did not move",
			 later(&db.st_mtim, &da.st_mtim) ? "moved" : "did not move");
	else
		sem_pass("time.rename", "the file's ctime and the folder's mtime moved");
}

static void probe_chmod(int fd)
{
	struct stat a, b;

	if (fstat(fd, &a) < 0) {
		sem_fail("time.chmod", errno, "fstat");
		return;
	}
	tick();
	if (fchmod(fd, 0600) < 0 || fstat(fd, &b) < 0)
		sem_fail("time.chmod", errno, "chmod and fstat");
	else if (!later(&b.st_ctim, &a.st_ctim) || !same(&b.st_mtim, &a.st_mtim))
		sem_fail("time.chmod", 0, "ctime %s, mtime %s after chmod",
			 later(&b.st_ctim, &a.st_ctim) ? "moved" : "did not move",
			 same(&b.st_mtim, &a.st_mtim) ? "kept" : "changed");
	else
		sem_pass("time.chmod", "ctime moved, mtime kept");
}

void sem_time(const struct sem_ctx *c)
{
	int fd = sem_make_file(c, "timed", 0644, "t\n", 2);

	if (fd < 0) {
		sem_fail("time.setup", -fd, "create timed");
		return;
	}
	probe_ns(c, fd);
	if (lseek(fd, 0, SEEK_END) < 0)
		sem_fail("time.setup", errno, "lseek");
	probe_write(fd);
	probe_rename(c, fd);
	probe_chmod(fd);
	close(fd);
}
