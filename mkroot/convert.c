/* SPDX-License-Identifier: MIT */
/*
 * mkroot/convert.c - convert one entry between passthrough and mapped-xattr.
 *
 * Files and directories keep their inode: xattrs are set (mode last, the
 * marker) before the host owner and mode change, so an interrupted run
 * resumes. Symlinks and special files are rebuilt under R9P_CONV_TMP in the
 * same directory and renamed over the old name: the name always points at a
 * complete entry. Every call is *at() on a directory fd, none follows.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "mkroot/convert.h"
#include "mkroot/virtfs.h"

#define FAIL(what) do { *step = (what); err = -errno; goto out; } while (0)

static int is_special(mode_t mode)
{
	return S_ISCHR(mode) || S_ISBLK(mode) || S_ISFIFO(mode) || S_ISSOCK(mode);
}

static struct r9p_conv_link *find_link(struct r9p_conv *c, const struct stat *st)
{
	size_t i;

	for (i = 0; i < c->nlinks; i++)
		if (c->links[i].dev == st->st_dev && c->links[i].ino == st->st_ino)
			return &c->links[i];
	return NULL;
}

static int remember_link(struct r9p_conv *c, const struct stat *st, const char *rel)
{
	struct r9p_conv_link *l;

	if (c->nlinks == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;

		l = realloc(c->links, cap * sizeof(*l));
		if (!l)
			return -ENOMEM;
		c->links = l;
		c->cap = cap;
	}
	l = &c->links[c->nlinks];
	l->rel = strdup(rel);
	if (!l->rel)
		return -ENOMEM;
	l->dev = st->st_dev;
	l->ino = st->st_ino;
	c->nlinks++;
	return 0;
}

void r9p_convert_free(struct r9p_conv *c)
{
	size_t i;

	for (i = 0; i < c->nlinks; i++)
		free(c->links[i].rel);
	free(c->links);
	c->links = NULL;
	c->nlinks = c->cap = 0;
}

/* What the guest should see: the host's view, except that a caller who is
 * not root converts its own files as root's (it could not own others). */
static void meta_of(const struct r9p_conv *c, const struct stat *st,
		    struct r9p_virtfs *m)
{
	m->uid = st->st_uid;
	m->gid = st->st_gid;
	if (!c->self_is_root && st->st_uid == c->self_uid)
		m->uid = 0;
	if (!c->self_is_root && st->st_gid == c->self_gid)
		m->gid = 0;
	m->mode = st->st_mode;
	m->rdev = st->st_rdev;
	m->has_rdev = is_special(st->st_mode);
}

/* Host owner and mode of a mapped-xattr file or directory. */
static int host_fix(const struct r9p_conv *c, int dirfd, const char *name,
		    const struct stat *st, const char **step)
{
	mode_t want = S_ISDIR(st->st_mode) ? R9P_CONV_DMODE : R9P_CONV_FMODE;

	if ((st->st_uid != c->owner_uid || st->st_gid != c->owner_gid) &&
	    fchownat(dirfd, name, c->owner_uid, c->owner_gid, AT_SYMLINK_NOFOLLOW) < 0) {
		*step = "fchownat";
		return -errno;
	}
	/* AT_SYMLINK_NOFOLLOW: glibc and musl do it through O_PATH. */
	if ((st->st_mode & 07777) != want &&
	    fchmodat(dirfd, name, want, AT_SYMLINK_NOFOLLOW) < 0) {
		*step = "fchmodat";
		return -errno;
	}
	return 0;
}

/* A second name of an entry already rebuilt: link it to the new inode. */
static int relink(struct r9p_conv *c, int dirfd, const char *name,
		  const struct r9p_conv_link *l, const char **step)
{
	unlinkat(dirfd, R9P_CONV_TMP, 0);
	if (linkat(c->rootfd, l->rel, dirfd, R9P_CONV_TMP, 0) < 0) {
		*step = "linkat";
		return -errno;
	}
	if (renameat(dirfd, R9P_CONV_TMP, dirfd, name) < 0) {
		*step = "renameat";
		return -errno;
	}
	c->relinked++;
	return 0;
}

/* Symlink or special file -> regular file with the mapped metadata. */
static int rebuild_mapped(struct r9p_conv *c, int dirfd, const char *name,
			  const struct stat *st, const char **step)
{
	struct r9p_virtfs m;
	char target[PATH_MAX];
	ssize_t n = 0;
	int fd, err = 0;

	if (S_ISLNK(st->st_mode)) {
		n = readlinkat(dirfd, name, target, sizeof(target));
		if (n < 0) {
			*step = "readlinkat";
			return -errno;
		}
		if (n == (ssize_t)sizeof(target)) {
			*step = "readlinkat";
			return -ENAMETOOLONG;
		}
	}
	unlinkat(dirfd, R9P_CONV_TMP, 0);	/* a leftover of a stopped run */
	fd = openat(dirfd, R9P_CONV_TMP, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    R9P_CONV_FMODE);
	if (fd < 0) {
		*step = "openat";
		return -errno;
	}
	if (n > 0 && write(fd, target, (size_t)n) != n)
		FAIL("write");
	meta_of(c, st, &m);
	err = r9p_virtfs_fset(fd, &m);
	if (err) {
		*step = "fsetxattr";
		goto out;
	}
	if (fchown(fd, c->owner_uid, c->owner_gid) < 0)
		FAIL("fchown");
	if (fchmod(fd, R9P_CONV_FMODE) < 0)
		FAIL("fchmod");
	if (renameat(dirfd, R9P_CONV_TMP, dirfd, name) < 0)
		FAIL("renameat");
out:
	close(fd);
	if (err)
		unlinkat(dirfd, R9P_CONV_TMP, 0);
	return err;
}

static int to_mapped(struct r9p_conv *c, int dirfd, const char *name,
		     const struct stat *st, const char **step)
{
	struct r9p_virtfs m;
	int err;

	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode)) {
		err = rebuild_mapped(c, dirfd, name, st, step);
		if (!err)
			c->rewritten++;
		return err;
	}
	meta_of(c, st, &m);
	err = r9p_virtfs_get(dirfd, name, &m);
	if (err < 0) {
		*step = "lgetxattr";
		return err;
	}
	if (err == 1) {
		c->already++;
		return host_fix(c, dirfd, name, st, step);
	}
	/* chown drops file capabilities, and an unprivileged QEMU could not
	 * set security.* anyway: say so instead of losing them silently. */
	if (r9p_virtfs_has_caps(dirfd, name))
		c->caps_lost++;
	err = r9p_virtfs_move_acls(dirfd, name, 1);
	if (err < 0) {
		*step = "move ACLs";
		return err;
	}
	c->acls += (unsigned long)err;
	meta_of(c, st, &m);
	err = r9p_virtfs_set(dirfd, name, &m);
	if (err) {
		*step = "lsetxattr";
		return err;
	}
	c->meta++;
	return host_fix(c, dirfd, name, st, step);
}

/* Regular file holding a mapped symlink or special file -> the real thing. */
static int rebuild_passthrough(int dirfd, const char *name,
			       const struct r9p_virtfs *m, const char **step)
{
	char target[PATH_MAX];
	ssize_t n;
	int fd, err = 0;

	unlinkat(dirfd, R9P_CONV_TMP, 0);
	if (S_ISLNK(m->mode)) {
		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			*step = "openat";
			return -errno;
		}
		n = read(fd, target, sizeof(target) - 1);
		err = n < 0 ? -errno : 0;
		close(fd);
		if (err || n == 0 || memchr(target, 0, (size_t)n)) {
			*step = "read the symlink target";
			return err ? err : -EINVAL;
		}
		target[n] = 0;
		if (symlinkat(target, dirfd, R9P_CONV_TMP) < 0)
			FAIL("symlinkat");
	} else if (mknodat(dirfd, R9P_CONV_TMP, m->mode & (S_IFMT | 07777),
			   m->has_rdev ? m->rdev : 0) < 0) {
		FAIL("mknodat");
	}
	if (fchownat(dirfd, R9P_CONV_TMP, m->uid, m->gid, AT_SYMLINK_NOFOLLOW) < 0)
		FAIL("fchownat");
	/* after the chown, which clears set-id bits */
	if (!S_ISLNK(m->mode) &&
	    fchmodat(dirfd, R9P_CONV_TMP, m->mode & 07777, AT_SYMLINK_NOFOLLOW) < 0)
		FAIL("fchmodat");
	if (renameat(dirfd, R9P_CONV_TMP, dirfd, name) < 0)
		FAIL("renameat");
out:
	if (err)
		unlinkat(dirfd, R9P_CONV_TMP, 0);
	return err;
}

static int to_passthrough(struct r9p_conv *c, int dirfd, const char *name,
			  const struct stat *st, const char **step)
{
	struct r9p_virtfs m;
	int err;

	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode)) {
		c->already++;	/* a real symlink or device node */
		return 0;
	}
	meta_of(c, st, &m);
	m.uid = st->st_uid;
	m.gid = st->st_gid;
	m.has_rdev = 0;
	err = r9p_virtfs_get(dirfd, name, &m);
	if (err <= 0) {
		*step = "lgetxattr";
		if (err == 0)
			c->already++;
		return err;
	}
	if (S_ISREG(m.mode) || S_ISDIR(m.mode)) {
		/* QEMU never turns a directory into a file or back */
		if (S_ISDIR(m.mode) != S_ISDIR(st->st_mode)) {
			c->mismatched++;
			return 0;
		}
		*step = "fchownat";
		if (fchownat(dirfd, name, m.uid, m.gid, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		*step = "fchmodat";
		if (fchmodat(dirfd, name, m.mode & 07777, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		*step = "move ACLs";
		err = r9p_virtfs_move_acls(dirfd, name, 0);
		if (err < 0)
			return err;
		c->acls += (unsigned long)err;
		*step = "lremovexattr";
		err = r9p_virtfs_clear(dirfd, name);
		if (!err)
			c->meta++;
		return err;
	}
	if (!S_ISREG(st->st_mode)) {
		c->mismatched++;
		return 0;
	}
	err = rebuild_passthrough(dirfd, name, &m, step);
	if (!err)
		c->rewritten++;
	return err;
}

int r9p_convert_entry(struct r9p_conv *c, int dirfd, const char *name,
		      const struct stat *st, const char *rel, const char **step)
{
	const struct r9p_conv_link *l = find_link(c, st);
	unsigned long rewritten = c->rewritten;
	int err;

	c->entries++;
	/* The old inode of a rebuilt entry lives on under its other names
	 * (with one link less): those become links to the new inode. */
	if (l)
		return relink(c, dirfd, name, l, step);
	err = c->to_mapped ? to_mapped(c, dirfd, name, st, step) :
			     to_passthrough(c, dirfd, name, st, step);
	if (!err && c->rewritten > rewritten && st->st_nlink > 1) {
		*step = "remember a hard link";
		err = remember_link(c, st, rel);
	}
	return err;
}
