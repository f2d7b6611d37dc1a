/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/outfile.c - replace a file atomically without following links.
 *
 * A root run writes next to its output, often in a directory others can
 * write to: a fixed name like OUT.tmp could be a planted link, and
 * opening it would truncate and chmod the link's target. So no name is
 * ever opened that we did not create: O_TMPFILE, or O_EXCL on a random
 * name, both relative to one directory fd.
 */
#define _GNU_SOURCE	/* O_TMPFILE, AT_EMPTY_PATH */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mkinitrd/outfile.h"
#include "mkinitrd/util.h"

/* A name taken by someone else is retried; this many is an attack. */
#define NAME_TRIES 64

/* E gets STEP on F's target failing with ERR (-errno). Returns ERR. */
static int fill_err(const struct r9p_outfile *f, const char *step, int err,
			struct r9p_err *e)
{
	r9p_errf(e, step, err, NULL, "%s %s: %s", step, f->path,
		 strerror(-err));
	return err;
}

/* ".BASE.<16 hex>": hidden, and unguessable so nobody can plant it. */
static char *random_name(const char *base)
{
	static unsigned long long counter;
	unsigned long long r;
	struct timespec ts;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		/* No entropy yet: still unique, and O_EXCL keeps it safe. */
		clock_gettime(CLOCK_REALTIME, &ts);
		r = (unsigned long long)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^
		    (unsigned long long)getpid() << 32 ^ ++counter;
	}
	return xasprintf(".%.200s.%016llx", base, r);
}

static void drop(struct r9p_outfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->tmp)
		unlinkat(f->dirfd, f->tmp, 0);	/* removes a name, never follows */
	if (f->dirfd >= 0)
		close(f->dirfd);
	free(f->base);
	free(f->tmp);
	f->fd = f->dirfd = -1;
	f->base = f->tmp = NULL;
}

/* Split path into its directory (opened) and last component. */
static int open_dir(struct r9p_outfile *f, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	if (!*path || (slash && !slash[1]))
		return -EISDIR;	/* "" or "dir/": no file name to replace */
	dir = !slash ? xstrdup(".") : slash == path ? xstrdup("/")
		     : xasprintf("%.*s", (int)(slash - path), path);
	f->base = xstrdup(slash ? slash + 1 : path);
	f->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	return f->dirfd < 0 ? -errno : 0;
}

/* The fallback: a new file under a random name, made by us alone. */
static int create_named(struct r9p_outfile *f, mode_t mode)
{
	int i;

	for (i = 0; i < NAME_TRIES; i++) {
		free(f->tmp);
		f->tmp = random_name(f->base);
		f->fd = openat(f->dirfd, f->tmp, O_WRONLY | O_CREAT | O_EXCL |
			       O_NOFOLLOW | O_CLOEXEC, mode);
		if (f->fd >= 0 || errno != EEXIST)
			break;
	}
	if (f->fd >= 0)
		return 0;
	free(f->tmp);
	f->tmp = NULL;	/* not ours: never unlink it */
	return i == NAME_TRIES ? -EEXIST : -errno;
}

int r9p_outfile_open(struct r9p_outfile *f, const char *path, mode_t mode,
		     int flags, struct r9p_err *e)
{
	const char *step;
	int err;

	f->fd = f->dirfd = -1;
	f->base = f->tmp = NULL;
	f->path = path;
	step = "open the directory of";
	err = open_dir(f, path);
	if (err)
		goto fail;
	step = "create a temporary file beside";
	if (!(flags & R9P_OUTFILE_NAMED)) {
		f->fd = openat(f->dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC,
			       mode);
		/* EISDIR: kernel without O_TMPFILE; EOPNOTSUPP: fs without. */
		if (f->fd < 0 && errno != EOPNOTSUPP && errno != EISDIR &&
		    errno != EINVAL) {
			err = -errno;
			goto fail;
		}
	}
	if (f->fd < 0) {
		err = create_named(f, mode);
		if (err)
			goto fail;
	}
	/* umask must not decide the mode of a file meant for others. */
	step = "write";
	if (fchmod(f->fd, mode) < 0) {
		err = -errno;
		goto fail;
	}
	return 0;
fail:
	drop(f);
	return fill_err(f, step, err, e);
}

/* Give the unnamed file a random name, so it can be renamed. */
static int link_unnamed(struct r9p_outfile *f)
{
	char proc[64];
	int i, r;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f->fd);
	for (i = 0; i < NAME_TRIES; i++) {
		f->tmp = random_name(f->base);
		r = linkat(AT_FDCWD, proc, f->dirfd, f->tmp, AT_SYMLINK_FOLLOW);
		/* Without /proc, root can still link the fd itself. */
		if (r < 0 && errno == ENOENT)
			r = linkat(f->fd, "", f->dirfd, f->tmp, AT_EMPTY_PATH);
		if (r == 0)
			return 0;
		free(f->tmp);
		f->tmp = NULL;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int r9p_outfile_commit(struct r9p_outfile *f, struct r9p_err *e)
{
	const char *step;
	int err = 0;

	step = "write";
	if (fsync(f->fd) < 0) {
		err = -errno;
		goto out;
	}
	step = "link the new";
	if (!f->tmp) {
		err = link_unnamed(f);
		if (err)
			goto out;
	}
	/* rename replaces a link at the target; it never follows one. */
	step = "rename into";
	if (renameat(f->dirfd, f->tmp, f->dirfd, f->base) < 0) {
		err = -errno;
		goto out;
	}
	free(f->tmp);
	f->tmp = NULL;	/* now the target's name: keep it */
	step = "sync the directory of";
	if (fsync(f->dirfd) < 0) {
		err = -errno;
		goto out;
	}
	step = "close";
	err = close(f->fd) < 0 ? -errno : 0;
	f->fd = -1;
out:
	drop(f);
	return err ? fill_err(f, step, err, e) : 0;
}

void r9p_outfile_abort(struct r9p_outfile *f)
{
	drop(f);
}
