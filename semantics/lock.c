/* SPDX-License-Identifier: MIT */
/*
 * semantics/lock.c - the lock group: flock, POSIX (fcntl F_SETLK) and OFD
 * locks taken here really exclude a second process (a forked child with
 * its own open), and are released. sqlite, dpkg, apt, git and systemd
 * rely on them; a server that accepts every lock (virtiofsd's defaults,
 * 9p's client-only locks) lets two writers in.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>

#include "semantics/sem.h"

/* The child's answers besides an errno (errno values stay below 200). */
#define GOT_LOCK 200		/* the lock was granted */
#define BLOCKED 201		/* refused: someone holds it */
#define WRONG_OWNER 202		/* F_GETLK named another process */

enum kind { K_FLOCK, K_POSIX, K_OFD };

struct try {
	enum kind kind;
	off_t start, len;
	pid_t holder;	/* for F_GETLK: the parent, or 0 to skip the check */
};

/* In a child: a fresh open of the file, one non-blocking exclusive try. */
static int try_lock(const struct sem_ctx *c, void *arg)
{
	const struct try *t = arg;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd, r;

	fd = openat(c->runfd, "lockfile", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno;
	fl.l_start = t->start;
	fl.l_len = t->len;
	if (t->kind == K_FLOCK)
		r = flock(fd, LOCK_EX | LOCK_NB);
	else
		r = fcntl(fd, t->kind == K_OFD ? F_OFD_SETLK : F_SETLK, &fl);
	if (r == 0)
		return GOT_LOCK;
	if (errno != EWOULDBLOCK && errno != EAGAIN && errno != EACCES)
		return errno;
	if (t->kind == K_POSIX && t->holder) {
		fl.l_type = F_WRLCK;
		if (fcntl(fd, F_GETLK, &fl) < 0)
			return errno;
		if (fl.l_type == F_UNLCK || fl.l_pid != t->holder)
			return WRONG_OWNER;
	}
	return BLOCKED;
}

/* want: BLOCKED or GOT_LOCK. 0 when the child answered so, else a FAIL
 * line for name and -1. */
static int expect(const struct sem_ctx *c, const char *name, struct try *t,
		  int want, const char *when)
{
	int r = sem_child(c, 0, try_lock, t);

	if (r == want)
		return 0;
	if (r == GOT_LOCK)
		sem_fail(name, 0, "a second process got the lock %s", when);
	else if (r == BLOCKED)
		sem_fail(name, 0, "a second process was refused the lock %s", when);
	else if (r == WRONG_OWNER)
		sem_fail(name, 0, "F_GETLK did not name the holder (pid %d) %s",
			 (int)t->holder, when);
	else if (r < 0)
		sem_fail(name, -r, "the second process %s", when);
	else
		sem_fail(name, r, "the second process's try %s", when);
	return -1;
}

static void probe_flock(const struct sem_ctx *c, int fd)
{
	struct try t = { .kind = K_FLOCK };

	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		sem_fail("lock.flock", errno, "flock LOCK_EX");
		return;
	}
	if (expect(c, "lock.flock", &t, BLOCKED, "while this one holds it"))
		goto out;
	flock(fd, LOCK_UN);
	if (expect(c, "lock.flock", &t, GOT_LOCK, "after LOCK_UN"))
		return;
	sem_pass("lock.flock", "a second process is excluded, then let in after LOCK_UN");
	return;
out:
	flock(fd, LOCK_UN);
}

static void probe_posix(const struct sem_ctx *c, int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			    .l_start = 0, .l_len = 100 };
	struct try t = { .kind = K_POSIX, .start = 50, .len = 10,
			 .holder = getpid() };

	if (fcntl(fd, F_SETLK, &fl) < 0) {
		sem_fail("lock.posix", errno, "F_SETLK F_WRLCK bytes 0-99");
		return;
	}
	if (expect(c, "lock.posix", &t, BLOCKED, "on an overlapping range"))
		goto out;
	t.start = 200;
	t.holder = 0;
	if (expect(c, "lock.posix", &t, GOT_LOCK, "on a range nobody holds"))
		goto out;
	fl.l_type = F_UNLCK;
	fcntl(fd, F_SETLK, &fl);
	t.start = 50;
	if (expect(c, "lock.posix", &t, GOT_LOCK, "after F_UNLCK"))
		return;
	sem_pass("lock.posix", "byte ranges exclude a second process, F_GETLK names the holder");
	return;
out:
	fl.l_type = F_UNLCK;
	fcntl(fd, F_SETLK, &fl);
}

/* OFD locks belong to the open file description: a second open in this
 * very process conflicts too, unlike POSIX locks. */
static void probe_ofd(const struct sem_ctx *c, int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct try t = { .kind = K_OFD };
	int fd2, r;

	if (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
		if (errno == EINVAL)
			sem_skip("lock.ofd", "the kernel has no OFD locks (EINVAL)");
		else
			sem_fail("lock.ofd", errno, "F_OFD_SETLK F_WRLCK");
		return;
	}
	fd2 = openat(c->runfd, "lockfile", O_RDWR | O_CLOEXEC);
	if (fd2 < 0) {
		sem_fail("lock.ofd", errno, "a second open of lockfile");
		goto out;
	}
	r = fcntl(fd2, F_OFD_SETLK, &fl);
	close(fd2);
	if (r == 0) {
		sem_fail("lock.ofd", 0, "a second open file description of this process got the lock");
		goto out;
	}
	if (expect(c, "lock.ofd", &t, BLOCKED, "while this description holds it"))
		goto out;
	fl.l_type = F_UNLCK;
	fcntl(fd, F_OFD_SETLK, &fl);
	if (expect(c, "lock.ofd", &t, GOT_LOCK, "after F_UNLCK"))
		return;
	sem_pass("lock.ofd", "excludes another description here and a second process");
	return;
out:
	fl.l_type = F_UNLCK;
	fcntl(fd, F_OFD_SETLK, &fl);
}

void sem_lock(const struct sem_ctx *c)
{
	int fd = sem_make_file(c, "lockfile", 0644, "lock\n", 5);

	if (fd < 0) {
		sem_fail("lock.setup", -fd, "create lockfile");
		return;
	}
	probe_flock(c, fd);
	probe_posix(c, fd);
	probe_ofd(c, fd);
	close(fd);
}
