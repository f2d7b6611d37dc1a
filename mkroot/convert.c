/* SPDX-License-Identifier: MIT */
/*
 * mkroot/convert.c - convert one entry between passthrough and mapped-xattr.
 *
 * Files and directories keep their inode: xattrs are set (mode last, the
 * marker) before the host owner and mode change, so an interrupted run
 * resumes. Symlinks and special files are rebuilt under R9P_CONV_TMP in the
 * same directory and renamed over the old name: the name always points at a
 * complete entry; one with several names is written to the hard-link
 * journal first (mkroot/links.c). Every call is *at() on a directory fd, none follows.
 * The user.virtfs.* values were written by a guest: to passthrough, set-uid
 * and set-gid bits and device nodes become real only with allow_privileged.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "common/err.h"
#include "mkroot/convert.h"
#include "mkroot/links.h"
#include "mkroot/qxattr.h"

static int is_special(mode_t mode)
{
	return S_ISCHR(mode) || S_ISBLK(mode) || S_ISFIFO(mode) || S_ISSOCK(mode);
}

int r9p_conv_fail(struct r9p_err *e, const char *step, int err)
{
	r9p_errf(e, step, err, NULL, "%s", strerror(-err));
	return err;
}

void r9p_convert_free(struct r9p_conv *c)
{
	size_t i;

	for (i = 0; i < c->nlinks; i++)
		free(c->links[i].rel);
	free(c->links);
	c->links = NULL;
	c->nlinks = c->cap = 0;
	for (i = 0; i < c->nwithheld; i++)
		free(c->withheld[i]);
	free(c->withheld);
	c->withheld = NULL;
	c->nwithheld = c->wcap = 0;
}

/* Note what a guest asked for and passthrough did not make real. */
static int withhold(struct r9p_conv *c, const char *rel, const char *what,
		    const struct r9p_qxattr *m)
{
	char **v, *line;
	int n;

	if (c->nwithheld == c->wcap) {
		size_t cap = c->wcap ? c->wcap * 2 : 16;

		v = realloc(c->withheld, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		c->withheld = v;
		c->wcap = cap;
	}
	n = m->has_rdev && (S_ISCHR(m->mode) || S_ISBLK(m->mode)) ?
		asprintf(&line, "%s: %s %u:%u, mode %04o, owner %lu:%lu", rel, what,
			 major(m->rdev), minor(m->rdev), (unsigned)(m->mode & 07777),
			 (unsigned long)m->uid, (unsigned long)m->gid) :
		asprintf(&line, "%s: %s, mode %04o, owner %lu:%lu", rel, what,
			 (unsigned)(m->mode & 07777), (unsigned long)m->uid,
			 (unsigned long)m->gid);
	if (n < 0)
		return -ENOMEM;
	c->withheld[c->nwithheld++] = line;
	return 0;
}

/* What the guest should see: the host's view, except that a caller who is
 * not root converts its own files as root's (it could not own others). */
static void meta_of(const struct r9p_conv *c, const struct stat *st,
		    struct r9p_qxattr *m)
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
		    const struct stat *st, struct r9p_err *e)
{
	mode_t want = S_ISDIR(st->st_mode) ? R9P_CONV_DMODE : R9P_CONV_FMODE;

	if ((st->st_uid != c->owner_uid || st->st_gid != c->owner_gid) &&
	    fchownat(dirfd, name, c->owner_uid, c->owner_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return r9p_conv_fail(e, "fchownat", -errno);
	/* AT_SYMLINK_NOFOLLOW: glibc and musl do it through O_PATH. */
	if ((st->st_mode & 07777) != want &&
	    fchmodat(dirfd, name, want, AT_SYMLINK_NOFOLLOW) < 0)
		return r9p_conv_fail(e, "fchmodat", -errno);
	return 0;
}

/* Symlink or special file -> regular file with the mapped metadata. */
static int rebuild_mapped(struct r9p_conv *c, int dirfd, const char *name,
			  const struct stat *st, const char *rel, struct r9p_err *e)
{
	struct r9p_qxattr m;
	char target[PATH_MAX];
	ssize_t n = 0;
	int fd, err = 0;

	if (S_ISLNK(st->st_mode)) {
		n = readlinkat(dirfd, name, target, sizeof(target));
		if (n < 0)
			return r9p_conv_fail(e, "readlinkat", -errno);
		if (n == (ssize_t)sizeof(target))
			return r9p_conv_fail(e, "readlinkat", -ENAMETOOLONG);
	}
	unlinkat(dirfd, R9P_CONV_TMP, 0);	/* a leftover of a stopped run */
	fd = openat(dirfd, R9P_CONV_TMP, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    R9P_CONV_FMODE);
	if (fd < 0)
		return r9p_conv_fail(e, "openat", -errno);
	meta_of(c, st, &m);
	if (n > 0 && write(fd, target, (size_t)n) != n) {
		err = r9p_conv_fail(e, "write", -errno);
		goto out;
	}
	err = r9p_qxattr_fset(fd, &m);
	if (err) {
		r9p_conv_fail(e, "fsetxattr", err);
		goto out;
	}
	if (fchown(fd, c->owner_uid, c->owner_gid) < 0) {
		err = r9p_conv_fail(e, "fchown", -errno);
		goto out;
	}
	if (fchmod(fd, R9P_CONV_FMODE) < 0) {
		err = r9p_conv_fail(e, "fchmod", -errno);
		goto out;
	}
	if (st->st_nlink > 1) {
		err = r9p_conv_remember_link(c, st, rel);
		if (err) {
			r9p_conv_fail(e, "remember a hard link", err);
			goto out;
		}
	}
	if (renameat(dirfd, R9P_CONV_TMP, dirfd, name) < 0)
		err = r9p_conv_fail(e, "renameat", -errno);
out:
	close(fd);
	if (err)
		unlinkat(dirfd, R9P_CONV_TMP, 0);
	return err;
}

static int to_mapped(struct r9p_conv *c, int dirfd, const char *name,
		     const struct stat *st, const char *rel, struct r9p_err *e)
{
	struct r9p_qxattr m;
	int err;

	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode)) {
		err = rebuild_mapped(c, dirfd, name, st, rel, e);
		if (!err)
			c->rewritten++;
		return err;
	}
	meta_of(c, st, &m);
	err = r9p_qxattr_get(dirfd, name, &m);
	if (err < 0)
		return r9p_conv_fail(e, "lgetxattr", err);
	if (err == 1) {
		c->already++;
		return host_fix(c, dirfd, name, st, e);
	}
	/* chown drops file capabilities, and an unprivileged QEMU could not
	 * set security.* anyway: say so instead of losing them silently. */
	if (r9p_qxattr_has_caps(dirfd, name))
		c->caps_lost++;
	err = r9p_qxattr_move_acls(dirfd, name, 1);
	if (err < 0)
		return r9p_conv_fail(e, "move ACLs", err);
	c->acls += (unsigned long)err;
	meta_of(c, st, &m);
	err = r9p_qxattr_set(dirfd, name, &m);
	if (err)
		return r9p_conv_fail(e, "lsetxattr", err);
	c->meta++;
	return host_fix(c, dirfd, name, st, e);
}

/* Regular file holding a mapped symlink or special file -> the real thing
 * (M already without what is withheld). */
static int rebuild_passthrough(struct r9p_conv *c, int dirfd, const char *name,
			       const struct stat *st, const char *rel,
			       const struct r9p_qxattr *m, struct r9p_err *e)
{
	char target[PATH_MAX];
	ssize_t n;
	int fd, err = 0;

	unlinkat(dirfd, R9P_CONV_TMP, 0);
	if (S_ISLNK(m->mode)) {
		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return r9p_conv_fail(e, "openat", -errno);
		n = read(fd, target, sizeof(target) - 1);
		err = n < 0 ? -errno : 0;
		close(fd);
		if (err || n == 0 || memchr(target, 0, (size_t)n))
			return r9p_conv_fail(e, "read the symlink target", err ? err : -EINVAL);
		target[n] = 0;
		if (symlinkat(target, dirfd, R9P_CONV_TMP) < 0) {
			err = r9p_conv_fail(e, "symlinkat", -errno);
			goto out;
		}
	} else if (mknodat(dirfd, R9P_CONV_TMP, m->mode & (S_IFMT | 07777),
			   m->has_rdev ? m->rdev : 0) < 0) {
		err = r9p_conv_fail(e, "mknodat", -errno);
		goto out;
	}
	if (fchownat(dirfd, R9P_CONV_TMP, m->uid, m->gid, AT_SYMLINK_NOFOLLOW) < 0) {
		err = r9p_conv_fail(e, "fchownat", -errno);
		goto out;
	}
	/* after the chown, which clears set-id bits */
	if (!S_ISLNK(m->mode) &&
	    fchmodat(dirfd, R9P_CONV_TMP, m->mode & 07777, AT_SYMLINK_NOFOLLOW) < 0) {
		err = r9p_conv_fail(e, "fchmodat", -errno);
		goto out;
	}
	if (st->st_nlink > 1) {
		err = r9p_conv_remember_link(c, st, rel);
		if (err) {
			r9p_conv_fail(e, "remember a hard link", err);
			goto out;
		}
	}
	if (renameat(dirfd, R9P_CONV_TMP, dirfd, name) < 0)
		err = r9p_conv_fail(e, "renameat", -errno);
out:
	if (err)
		unlinkat(dirfd, R9P_CONV_TMP, 0);
	return err;
}

/*
 * What of M a guest may not have on the host without allow_privileged:
 * device nodes (a guest could hand every host user the disk) and set-uid
 * or set-gid bits on anything but a directory (a guest's shell that runs
 * as root on the host). Returns 1 when M is a device node to leave as the
 * mapped file, 2 when set-id bits were cleared from M, else 0 (both noted
 * for the closing warning), or -errno.
 */
static int withhold_privileged(struct r9p_conv *c, const char *rel, struct r9p_qxattr *m)
{
	int err;

	if (c->allow_privileged)
		return 0;
	if (S_ISCHR(m->mode) || S_ISBLK(m->mode)) {
		err = withhold(c, rel, S_ISCHR(m->mode) ? "character device" : "block device", m);
		return err ? err : 1;
	}
	if (S_ISDIR(m->mode) || !(m->mode & (S_ISUID | S_ISGID)))
		return 0;
	err = withhold(c, rel, (m->mode & S_ISUID) ? ((m->mode & S_ISGID) ?
		"set-uid and set-gid" : "set-uid") : "set-gid", m);
	m->mode &= ~(mode_t)(S_ISUID | S_ISGID);
	return err ? err : 2;
}

static int to_passthrough(struct r9p_conv *c, int dirfd, const char *name,
			  const struct stat *st, const char *rel, struct r9p_err *e)
{
	struct r9p_qxattr m;
	int err, held;

	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode)) {
		c->already++;	/* a real symlink or device node */
		return 0;
	}
	meta_of(c, st, &m);
	m.uid = st->st_uid;
	m.gid = st->st_gid;
	m.has_rdev = 0;
	err = r9p_qxattr_get(dirfd, name, &m);
	if (err < 0)
		return r9p_conv_fail(e, "lgetxattr", err);
	if (err == 0) {
		c->already++;
		return 0;
	}
	if ((S_ISREG(m.mode) || S_ISDIR(m.mode)) &&
	    S_ISDIR(m.mode) != S_ISDIR(st->st_mode)) {
		/* QEMU never turns a directory into a file or back */
		c->mismatched++;
		return 0;
	}
	if (!S_ISREG(m.mode) && !S_ISDIR(m.mode) && !S_ISREG(st->st_mode)) {
		c->mismatched++;
		return 0;
	}
	held = withhold_privileged(c, rel, &m);
	if (held < 0)
		return r9p_conv_fail(e, "note what is withheld", held);
	/* A withheld device node stays the mapped file it is; a file whose
	 * set-id bits were dropped keeps its user.virtfs.* xattrs, so that
	 * converting back to mapped-xattr gives the guest what it had. */
	if (held == 1)
		return 0;
	if (S_ISREG(m.mode) || S_ISDIR(m.mode)) {
		if (fchownat(dirfd, name, m.uid, m.gid, AT_SYMLINK_NOFOLLOW) < 0)
			return r9p_conv_fail(e, "fchownat", -errno);
		if (fchmodat(dirfd, name, m.mode & 07777, AT_SYMLINK_NOFOLLOW) < 0)
			return r9p_conv_fail(e, "fchmodat", -errno);
		err = r9p_qxattr_move_acls(dirfd, name, 0);
		if (err < 0)
			return r9p_conv_fail(e, "move ACLs", err);
		c->acls += (unsigned long)err;
		c->meta++;
		if (held)
			return 0;
		err = r9p_qxattr_clear(dirfd, name);
		return err ? r9p_conv_fail(e, "lremovexattr", err) : 0;
	}
	err = rebuild_passthrough(c, dirfd, name, st, rel, &m, e);
	if (!err)
		c->rewritten++;
	return err;
}

int r9p_convert_entry(struct r9p_conv *c, int dirfd, const char *name,
		      const struct stat *st, const char *rel, struct r9p_err *e)
{
	struct r9p_conv_link *l = r9p_conv_find_link(c, st);
	struct r9p_qxattr m;
	mode_t type = st->st_mode & S_IFMT;
	int err;

	c->entries++;
	/* The old inode of a rebuilt entry lives on under its other names
	 * (with one link less): those become links to the new inode. The
	 * type the first name must now have: to mapped-xattr this entry's
	 * own; to passthrough the one its user.virtfs.mode says. */
	if (l && !c->to_mapped) {
		memset(&m, 0, sizeof(m));
		type = r9p_qxattr_get(dirfd, name, &m) == 1 ? (m.mode & S_IFMT) : S_IFREG;
	}
	if (l && !S_ISREG(type) && !S_ISDIR(type)) {
		err = r9p_conv_relink(c, dirfd, name, l, type, e);
		if (err != -ESTALE)
			return err;
		r9p_conv_drop_link(c, l);	/* not what it says: rebuild this name */
	}
	return c->to_mapped ? to_mapped(c, dirfd, name, st, rel, e) :
			      to_passthrough(c, dirfd, name, st, rel, e);
}
