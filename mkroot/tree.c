/* SPDX-License-Identifier: MIT */
/*
 * mkroot/tree.c - walk a root directory for the converter.
 *
 * Directories are opened with O_NOFOLLOW relative to their parent's fd and
 * never entered unless they are on the mount DIR itself is on: the check is
 * on the mount ID (statx STATX_MNT_ID), since a bind mount of the same
 * filesystem inside the tree has the same st_dev and would lead the walk to
 * host files outside it. A kernel that reports no mount ID is refused.
 * A directory's names are read before any of them is converted, since
 * rebuilding an entry renames a new file over it. mapped-xattr converts a
 * directory before its contents (its host mode becomes 0700, which its
 * owner can always enter), passthrough after them.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "mkroot/convert.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x1000U
#endif

struct names {
	char **v;
	size_t n, cap;
};

static void names_free(struct names *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
}

/* The names in DIRFD but . and .., in readdir order. */
static int read_names(int dirfd, struct names *ns)
{
	struct dirent *de;
	DIR *d;
	int fd = dup(dirfd), err = 0;

	memset(ns, 0, sizeof(*ns));
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		err = -errno;
		close(fd);
		return err;
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (ns->n == ns->cap) {
			size_t cap = ns->cap ? ns->cap * 2 : 64;
			char **v = realloc(ns->v, cap * sizeof(*v));

			if (!v) {
				err = -ENOMEM;
				break;
			}
			ns->v = v;
			ns->cap = cap;
		}
		ns->v[ns->n] = strdup(de->d_name);
		if (!ns->v[ns->n]) {
			err = -ENOMEM;
			break;
		}
		ns->n++;
	}
	if (!err && errno)
		err = -errno;
	closedir(d);
	return err;
}

/* The one place a failure of the walk is told: "REL: STEP: why". */
static int report(const char *rel, const struct r9p_err *e)
{
	fprintf(stderr, "mkroot9p-convert: %s: %s: %s\n", rel, e->step, e->why);
	return e->code;
}

/* The walk's own failures (a system call of its own, ERR -errno). */
static int fail(const char *rel, const char *step, int err)
{
	struct r9p_err e;

	r9p_conv_fail(&e, step, err);
	return report(rel, &e);
}

/* The mount ID of NAME in DIRFD (NAME "" with AT_EMPTY_PATH: DIRFD itself),
 * never following a symlink. -ENOTSUP when the kernel does not say (before
 * Linux 5.8): st_dev alone cannot tell a bind mount from its source. */
int r9p_mount_id_at(int dirfd, const char *name, int flags, unsigned long long *id)
{
	struct statx stx;

	if (statx(dirfd, name, flags | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
		  STATX_MNT_ID, &stx) < 0)
		return -errno;
	if (!(stx.stx_mask & STATX_MNT_ID))
		return -ENOTSUP;
	*id = stx.stx_mnt_id;
	return 0;
}

/* 1 when NAME in DIRFD (lstat in ST) is on the walk's own mount, 0 when
 * another mount is there, or -errno. */
static int same_mount(const struct r9p_conv *c, int dirfd, const char *name,
		      const struct stat *st)
{
	unsigned long long id = 0;
	int err;

	if (st->st_dev != c->dev)
		return 0;
	err = r9p_mount_id_at(dirfd, name, 0, &id);
	return err ? err : id == c->mnt_id;
}

static int walk(struct r9p_conv *c, int dirfd, const char *rel);

static int visit(struct r9p_conv *c, int dirfd, const char *name, const char *rel)
{
	struct r9p_err e;
	unsigned long long id = 0;
	struct stat st, sst;
	int sub, err;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(rel, "fstatat", -errno);
	err = same_mount(c, dirfd, name, &st);
	if (err < 0)
		return fail(rel, "statx (mount ID)", err);
	if (!err) {
		fprintf(stderr, "mkroot9p-convert: %s: another filesystem or a bind mount "
			"is mounted here; left alone\n", rel);
		c->skipped++;
		return 0;
	}
	if (!S_ISDIR(st.st_mode) || c->to_mapped) {
		err = r9p_convert_entry(c, dirfd, name, &st, rel, &e);
		if (err)
			return report(rel, &e);
		if (c->verbose)
			printf("%s\n", rel);
	}
	if (!S_ISDIR(st.st_mode))
		return 0;
	sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return fail(rel, "openat", -errno);
	/* What was opened is what was checked (nothing mounted or swapped in
	 * between): same inode, same mount. */
	if (fstat(sub, &sst) < 0 || r9p_mount_id_at(sub, "", AT_EMPTY_PATH, &id) < 0 ||
	    sst.st_dev != st.st_dev || sst.st_ino != st.st_ino || id != c->mnt_id) {
		close(sub);
		return fail(rel, "openat", -EXDEV);
	}
	err = walk(c, sub, rel);
	close(sub);
	if (err || c->to_mapped)
		return err;
	err = r9p_convert_entry(c, dirfd, name, &st, rel, &e);
	return err ? report(rel, &e) : 0;
}

static int walk(struct r9p_conv *c, int dirfd, const char *rel)
{
	char path[PATH_MAX];
	struct names ns;
	size_t i;
	int n, top = !strcmp(rel, "."), err = read_names(dirfd, &ns);

	if (err)
		fail(rel, "readdir", err);
	for (i = 0; !err && i < ns.n; i++) {
		/* A leftover of a stopped run; the entry it was for is intact. */
		if (!strcmp(ns.v[i], R9P_CONV_TMP)) {
			unlinkat(dirfd, R9P_CONV_TMP, 0);
			continue;
		}
		/* The hard-link journal is ours, not the guest's. */
		if (top && !strcmp(ns.v[i], R9P_CONV_JOURNAL))
			continue;
		n = snprintf(path, sizeof(path), "%s/%s", rel, ns.v[i]);
		if (n < 0 || n >= (int)sizeof(path))
			err = fail(rel, ns.v[i], -ENAMETOOLONG);
		else
			err = visit(c, dirfd, ns.v[i], top ? ns.v[i] : path);
	}
	names_free(&ns);
	return err;
}

int r9p_convert_tree(struct r9p_conv *c, const char *dir)
{
	struct stat st;
	int err;

	c->journal = -1;
	c->rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->rootfd < 0)
		return fail(dir, "open", -errno);
	if (fstat(c->rootfd, &st) < 0) {
		err = fail(dir, "fstat", -errno);
		goto out;
	}
	c->dev = st.st_dev;
	err = r9p_mount_id_at(c->rootfd, "", AT_EMPTY_PATH, &c->mnt_id);
	if (err == -ENOTSUP || err == -ENOSYS || err == -EINVAL) {
		fprintf(stderr, "mkroot9p-convert: %s: this kernel gives no mount IDs "
			"(statx STATX_MNT_ID, Linux 5.8), so a bind mount inside the tree "
			"could not be told apart from the tree; refusing\n", dir);
		goto out;
	}
	if (err) {
		fail(dir, "statx (mount ID)", err);
		goto out;
	}
	err = r9p_conv_journal_open(c);
	if (err) {
		fail(dir, "the hard-link journal " R9P_CONV_JOURNAL, err);
		goto out;
	}
	err = visit(c, c->rootfd, ".", ".");
	if (!err)
		r9p_conv_journal_done(c);
out:
	r9p_conv_journal_close(c);
	close(c->rootfd);
	c->rootfd = -1;
	return err;
}
