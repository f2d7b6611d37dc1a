/* SPDX-License-Identifier: MIT */
/*
 * mkroot/tree.c - walk a root directory for the converter.
 *
 * Directories are opened with O_NOFOLLOW relative to their parent's fd and
 * never entered when they belong to another filesystem (a mount inside the
 * tree is not part of it). A directory's names are read before any of them
 * is converted, since rebuilding an entry renames a new file over it.
 * mapped-xattr converts a directory before its contents (its host mode
 * becomes 0700, which its owner can always enter), passthrough after them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mkroot/convert.h"

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

static int fail(const char *rel, const char *step, int err)
{
	fprintf(stderr, "mkroot9p-convert: %s: %s: %s\n", rel, step, strerror(-err));
	return err;
}

static int walk(struct r9p_conv *c, int dirfd, const char *rel, dev_t dev);

static int visit(struct r9p_conv *c, int dirfd, const char *name,
		 const char *rel, dev_t dev)
{
	const char *step = "";
	struct stat st;
	int sub, err;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(rel, "fstatat", -errno);
	if (st.st_dev != dev) {
		fprintf(stderr, "mkroot9p-convert: %s: another filesystem is mounted here; "
			"left alone\n", rel);
		c->skipped++;
		return 0;
	}
	if (!S_ISDIR(st.st_mode) || c->to_mapped) {
		err = r9p_convert_entry(c, dirfd, name, &st, rel, &step);
		if (err)
			return fail(rel, step, err);
		if (c->verbose)
			printf("%s\n", rel);
	}
	if (!S_ISDIR(st.st_mode))
		return 0;
	sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return fail(rel, "openat", -errno);
	err = walk(c, sub, rel, dev);
	close(sub);
	if (err || c->to_mapped)
		return err;
	err = r9p_convert_entry(c, dirfd, name, &st, rel, &step);
	return err ? fail(rel, step, err) : 0;
}

static int walk(struct r9p_conv *c, int dirfd, const char *rel, dev_t dev)
{
	char path[PATH_MAX];
	struct names ns;
	size_t i;
	int n, err = read_names(dirfd, &ns);

	if (err)
		fail(rel, "readdir", err);
	for (i = 0; !err && i < ns.n; i++) {
		/* A leftover of a stopped run; the entry it was for is intact. */
		if (!strcmp(ns.v[i], R9P_CONV_TMP)) {
			unlinkat(dirfd, R9P_CONV_TMP, 0);
			continue;
		}
		n = snprintf(path, sizeof(path), "%s/%s", rel, ns.v[i]);
		if (n < 0 || n >= (int)sizeof(path))
			err = fail(rel, ns.v[i], -ENAMETOOLONG);
		else
			err = visit(c, dirfd, ns.v[i], strcmp(rel, ".") ? path : ns.v[i], dev);
	}
	names_free(&ns);
	return err;
}

int r9p_convert_tree(struct r9p_conv *c, const char *dir)
{
	struct stat st;
	int err;

	c->rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->rootfd < 0)
		return fail(dir, "open", -errno);
	if (fstat(c->rootfd, &st) < 0)
		err = fail(dir, "fstat", -errno);
	else
		err = visit(c, c->rootfd, ".", ".", st.st_dev);
	close(c->rootfd);
	c->rootfd = -1;
	return err;
}
