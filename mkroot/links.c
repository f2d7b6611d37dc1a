/* SPDX-License-Identifier: MIT */
/*
 * mkroot/links.c - hard links of rebuilt symlinks and special files.
 *
 * Rebuilding an entry gives it a new inode; its other names still hold the
 * old one. The first name's place is remembered by the old (dev, inode), in
 * memory and in R9P_CONV_JOURNAL at the top of the tree (synced before the
 * rename), so the other names are linked to the new inode even when the run
 * stops in between and is resumed. A journal found in the tree is a guest's
 * as much as ours: its names are opened beneath the tree, through no
 * symlink and on its mount, and used only when they hold a converted entry.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "mkroot/convert.h"
#include "mkroot/links.h"
#include "mkroot/qxattr.h"

struct r9p_conv_link *r9p_conv_find_link(struct r9p_conv *c, const struct stat *st)
{
	size_t i;

	for (i = 0; i < c->nlinks; i++)
		if (c->links[i].dev == st->st_dev && c->links[i].ino == st->st_ino)
			return &c->links[i];
	return NULL;
}

static int add_link(struct r9p_conv *c, dev_t dev, ino_t ino, const char *rel)
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
	l->dev = dev;
	l->ino = ino;
	c->nlinks++;
	return 0;
}

/* Forget L (its target turned out not to be a converted entry). */
void r9p_conv_drop_link(struct r9p_conv *c, struct r9p_conv_link *l)
{
	free(l->rel);
	*l = c->links[--c->nlinks];
}

/*
 * The first name of a multi-linked symlink or special file is about to be
 * replaced: remember where it is, in memory and in the journal (synced),
 * before the rename, so the other names find it even after a stop here.
 * A line is "DEV INO LEN REL\n" (LEN bytes of REL: names may hold newlines).
 */
int r9p_conv_remember_link(struct r9p_conv *c, const struct stat *st, const char *rel)
{
	int err = add_link(c, st->st_dev, st->st_ino, rel);

	if (err)
		return err;
	if (c->journal < 0) {
		/* first use in this run: a new file, never one that is there */
		c->journal = openat(c->rootfd, R9P_CONV_JOURNAL, O_WRONLY | O_CREAT | O_EXCL |
				    O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (c->journal < 0)
			return -errno;
	}
	if (dprintf(c->journal, "%" PRIu64 " %" PRIu64 " %zu %s\n", (uint64_t)st->st_dev,
		    (uint64_t)st->st_ino, strlen(rel), rel) < 0 || fdatasync(c->journal) < 0)
		return -errno;
	return 0;
}

int r9p_conv_journal_open(struct r9p_conv *c)
{
	unsigned long long dev, ino;
	struct stat st;
	size_t len;
	char *rel;
	FILE *f;
	int fd, err = 0;

	/* O_NOFOLLOW, and only a plain file with one name: the tree may hold
	 * a journal (or a link to some other file) planted by a guest. What a
	 * journal says is checked again when used (relink()). */
	fd = openat(c->rootfd, R9P_CONV_JOURNAL,
		    O_RDWR | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;	/* created when needed */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
		close(fd);
		return -EINVAL;
	}
	c->journal = fd;
	f = fdopen(dup(fd), "r");
	if (!f)
		return -errno;
	/* "%zu" then the one separating space: a name may start with spaces */
	while (fscanf(f, "%llu %llu %zu", &dev, &ino, &len) == 3 && fgetc(f) == ' ' &&
	       len > 0 && len < PATH_MAX) {
		rel = calloc(1, len + 1);
		if (!rel) {
			err = -ENOMEM;
			break;
		}
		if (fread(rel, 1, len, f) == len && !memchr(rel, 0, len))
			err = add_link(c, (dev_t)dev, (ino_t)ino, rel);
		free(rel);
		if (err)
			break;
	}
	fclose(f);
	return err;
}

void r9p_conv_journal_done(struct r9p_conv *c)
{
	if (c->journal >= 0)
		unlinkat(c->rootfd, R9P_CONV_JOURNAL, 0);
}

void r9p_conv_journal_close(struct r9p_conv *c)
{
	if (c->journal >= 0)
		close(c->journal);
	c->journal = -1;
}


/*
 * Open the first name L->rel of a rebuilt entry, beneath the tree and on its
 * mount, through no symlink (a journal from a stopped run names it, and the
 * tree may have changed since): an O_PATH fd when it is in the converted
 * form of an entry of type TYPE, else -ESTALE (gone, elsewhere, not
 * converted: the caller then rebuilds its own name).
 */
static int open_link_target(struct r9p_conv *c, const struct r9p_conv_link *l,
			    mode_t type)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV |
			   RESOLVE_NO_MAGICLINKS,
	};
	char proc[64];
	struct r9p_qxattr m;
	struct stat st;
	int fd, rfd, ok = 0;

	fd = (int)syscall(SYS_openat2, c->rootfd, l->rel, &how, sizeof(how));
	if (fd < 0)
		return -ESTALE;
	if (fstat(fd, &st) < 0)
		goto out;
	if (!c->to_mapped) {
		ok = (st.st_mode & S_IFMT) == type && !S_ISREG(type);
	} else if (S_ISREG(st.st_mode)) {
		/* a regular file: its user.virtfs.mode must say TYPE */
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		rfd = open(proc, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		memset(&m, 0, sizeof(m));
		ok = rfd >= 0 && r9p_qxattr_fget(rfd, &m) == 1 && (m.mode & S_IFMT) == type;
		if (rfd >= 0)
			close(rfd);
	}
out:
	if (!ok) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

int r9p_conv_relink(struct r9p_conv *c, int dirfd, const char *name,
		    const struct r9p_conv_link *l, mode_t type, struct r9p_err *e)
{
	char proc[64];
	int fd, err = 0;

	fd = open_link_target(c, l, type);
	if (fd < 0)
		return fd;
	unlinkat(dirfd, R9P_CONV_TMP, 0);
	/* linkat() of an O_PATH fd through /proc: no CAP_DAC_READ_SEARCH needed */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, dirfd, R9P_CONV_TMP, AT_SYMLINK_FOLLOW) < 0) {
		err = r9p_conv_fail(e, "linkat", -errno);
	} else if (renameat(dirfd, R9P_CONV_TMP, dirfd, name) < 0) {
		err = r9p_conv_fail(e, "renameat", -errno);
		unlinkat(dirfd, R9P_CONV_TMP, 0);
	} else {
		c->relinked++;
	}
	close(fd);
	return err;
}
