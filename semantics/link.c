/* SPDX-License-Identifier: MIT */
/*
 * semantics/link.c - the link group: hard links count (st_nlink), share
 * one inode (st_ino, st_dev), a link made to a file another descriptor
 * holds open shows that descriptor's writes and survives the first name's
 * unlink, and no two different files under DIR share an inode number
 * (what tar, rsync, git and du use to find hard links; 9p maps host
 * inodes, and files of two host filesystems can collide without
 * multidevs=remap). The walk skips earlier runs' folders (sem.*): they
 * hold 10,000-entry folders, and each stat costs a round trip.
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

#include "semantics/sem.h"

#define SPREAD_FILES 200	/* fresh files made to widen the inode check */
#define WALK_MAX 5000		/* entries looked at under DIR */
#define WALK_DEPTH 8

static const char data[] = "root9p semprobe: hard links\n";
#define DATA_LEN (sizeof(data) - 1)

static void probe_nlink(const struct sem_ctx *c)
{
	struct stat a, b;
	int fd = sem_make_file(c, "l1", 0644, data, DATA_LEN);

	if (fd < 0) {
		sem_fail("link.nlink", -fd, "create l1");
		return;
	}
	close(fd);
	if (linkat(c->runfd, "l1", c->runfd, "l2", 0) < 0) {
		sem_fail("link.nlink", errno, "link l1 l2");
		return;
	}
	if (fstatat(c->runfd, "l1", &a, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fstatat(c->runfd, "l2", &b, AT_SYMLINK_NOFOLLOW) < 0) {
		sem_fail("link.nlink", errno, "stat l1 and l2");
		return;
	}
	if (a.st_nlink != 2 || b.st_nlink != 2)
		sem_fail("link.nlink", 0, "nlink l1=%lu l2=%lu, want 2 and 2",
			 (unsigned long)a.st_nlink, (unsigned long)b.st_nlink);
	else
		sem_pass("link.nlink", "nlink=2 on both names");
	if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
		sem_fail("link.ino", 0, "l1 is %llu:%llu, l2 %llu:%llu (dev:ino), want one inode",
			 (unsigned long long)a.st_dev, (unsigned long long)a.st_ino,
			 (unsigned long long)b.st_dev, (unsigned long long)b.st_ino);
	else
		sem_pass("link.ino", "one st_dev and st_ino for both names");
	sem_host(c, "link.nlink", "l1", "nlink=2");
	sem_host_sha256(c, "link.nlink", "l2", data, DATA_LEN);
}

/* Another description holds l3 open; link it, write through the new name,
 * unlink the old: the holder sees the write and a count of 1, no ESTALE. */
static void probe_open(const struct sem_ctx *c)
{
	static const char more[] = "written through l4\n";
	char buf[sizeof(more)];
	struct stat st;
	int fd, wfd, err;

	fd = sem_make_file(c, "l3", 0644, data, DATA_LEN);
	if (fd < 0) {
		sem_fail("link.open", -fd, "create l3");
		return;
	}
	if (linkat(c->runfd, "l3", c->runfd, "l4", 0) < 0) {
		sem_fail("link.open", errno, "link l3 l4 while l3 is open");
		close(fd);
		return;
	}
	wfd = openat(c->runfd, "l4", O_WRONLY | O_CLOEXEC);
	err = wfd < 0 ? -errno : sem_pwrite_all(wfd, more, sizeof(more) - 1, DATA_LEN);
	if (wfd >= 0)
		close(wfd);
	if (err) {
		sem_fail("link.open", -err, "write through l4");
		close(fd);
		return;
	}
	if (unlinkat(c->runfd, "l3", 0) < 0) {
		sem_fail("link.open", errno, "unlink l3");
		close(fd);
		return;
	}
	err = sem_pread_all(fd, buf, sizeof(more) - 1, DATA_LEN);
	if (!err && fstat(fd, &st) < 0)
		err = -errno;
	close(fd);
	if (err)
		sem_fail("link.open", -err, "read and fstat through l3's descriptor after its unlink");
	else if (memcmp(buf, more, sizeof(more) - 1))
		sem_fail("link.open", 0, "l3's descriptor does not see the write made through l4");
	else if (st.st_nlink != 1)
		sem_fail("link.open", 0, "nlink=%lu through the descriptor, want 1",
			 (unsigned long)st.st_nlink);
	else
		sem_pass("link.open", "the holder sees the other name's write; nlink=1 after the unlink");
	sem_host(c, "link.open", "l3", "absent");
	sem_host(c, "link.open", "l4", "size=%zu", DATA_LEN + sizeof(more) - 1);
}

struct ino_rec {
	unsigned long long dev, ino;
	unsigned long nlink;
};

struct walk {
	struct ino_rec *recs;
	size_t n, max;
	int cut;	/* the walk stopped at WALK_MAX */
	const char *own;	/* this run's folder: "sem.<pid>/link" */
};

/* At DIR's top, another run's folder: not walked. */
static int other_run(const struct walk *w, int depth, const char *name)
{
	size_t n = strcspn(w->own, "/");

	return depth == 0 && !strncmp(name, "sem.", 4) &&
	       !(strlen(name) == n && !strncmp(name, w->own, n));
}

static void walk_dir(int dfd, int depth, struct walk *w)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int sub;

	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    other_run(w, depth, de->d_name))
			continue;
		if (w->n == w->max) {
			w->cut = 1;
			break;
		}
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		w->recs[w->n++] = (struct ino_rec){ st.st_dev, st.st_ino, st.st_nlink };
		if (S_ISDIR(st.st_mode) && depth < WALK_DEPTH) {
			sub = openat(dirfd(d), de->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				walk_dir(sub, depth + 1, w);
		}
	}
	closedir(d);
}

static int rec_cmp(const void *pa, const void *pb)
{
	const struct ino_rec *a = pa, *b = pb;

	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return 0;
}

/* Names that share dev:ino must be one file's links: more names than its
 * link count (or a folder twice) means two files got one number. */
static void probe_unique(const struct sem_ctx *c)
{
	struct walk w = { .max = WALK_MAX, .own = c->run };
	size_t i, j, bad = 0;
	char name[32];
	int fd, dfd;

	for (i = 0; i < SPREAD_FILES; i++) {
		snprintf(name, sizeof(name), "u%03zu", i);
		fd = sem_make_file(c, name, 0644, name, strlen(name));
		if (fd < 0) {
			sem_fail("link.unique", -fd, "create %s", name);
			return;
		}
		close(fd);
	}
	w.recs = calloc(w.max, sizeof(*w.recs));
	dfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!w.recs || dfd < 0) {
		sem_fail("link.unique", w.recs ? errno : ENOMEM, "open %s for the walk", c->dir);
		free(w.recs);
		if (dfd >= 0)
			close(dfd);
		return;
	}
	walk_dir(dfd, 0, &w);
	qsort(w.recs, w.n, sizeof(*w.recs), rec_cmp);
	for (i = 0; i < w.n; i = j) {
		for (j = i + 1; j < w.n && !rec_cmp(&w.recs[i], &w.recs[j]); j++)
			;
		if (j - i > 1 && j - i > w.recs[i].nlink) {
			if (!bad)
				sem_fail("link.unique", 0, "%zu names share inode %llu:%llu whose nlink is %lu",
					 j - i, w.recs[i].dev, w.recs[i].ino, w.recs[i].nlink);
			bad++;
		}
	}
	if (!bad)
		sem_pass("link.unique", "%zu entries under %s (other runs left out)%s, every shared st_ino a hard link",
			 w.n, c->dir, w.cut ? " (walk cut at the limit)" : "");
	free(w.recs);
}

void sem_link(const struct sem_ctx *c)
{
	probe_nlink(c);
	probe_open(c);
	probe_unique(c);
}
