/* SPDX-License-Identifier: MIT */
/*
 * semantics/bigdir.c - the size group's folder probes: a 10,000-entry
 * folder reads back complete, without duplicates, each entry's d_type
 * right (find, rm -r and package managers trust it); and a readdir that
 * goes on while entries are added and removed returns every entry that
 * stayed exactly once and nothing that never existed (POSIX leaves the
 * added and removed ones open). 9p reads folders in msize-sized chunks
 * by offset, which is where both can break.
 * The regular entries are hard links of one file: the folder is under
 * test, not the files, and a link is the cheapest entry to make over 9p
 * (a lookup and a Tlink; a create also walks, opens, stats and clunks),
 * which keeps 10,000 of them within the guest's budget on TCG. Where an
 * entry still costs more than 3 ms (a loaded host), making them stops
 * after 30 s: the entries made are checked all the same, and a complete
 * listing of fewer than 10,000 is a SKIP that says how many, not a PASS.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/stat.h>

#include "common/clock.h"
#include "semantics/sem.h"

#define BIG_N 10000		/* entries in the big folder */
#define DIR_EVERY 100		/* every 100th entry a folder ... */
#define LINK_EVERY 101		/* ... every 101st a symlink */
#define CHURN_STAY 500		/* entries that stay during the churn */
#define CHURN_MOVE 100		/* added and removed during it */
#define NAME_BUF 32
#define MAKE_BUDGET_MS 30000	/* making the big folder stops here */

static unsigned char want_type(int i)
{
	if (i % DIR_EVERY == 0)
		return DT_DIR;
	if (i % LINK_EVERY == 0)
		return DT_LNK;
	return DT_REG;
}

/* "e01234" back to 1234, or -1 for any other name. */
static int index_of(const char *name, char prefix, int max)
{
	char *end;
	long v;

	if (name[0] != prefix || !name[1])
		return -1;
	v = strtol(name + 1, &end, 10);
	return *end || v < 0 || v >= max ? -1 : (int)v;
}

/* ".", ".." and the file the links share: not counted. */
static int not_probed(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, "proto");
}

/* An entry of type in dfd; a regular one a hard link of dfd's "proto". */
static int make_entry(int dfd, const char *name, unsigned char type)
{
	if (type == DT_DIR)
		return mkdirat(dfd, name, 0755) < 0 ? -errno : 0;
	if (type == DT_LNK)
		return symlinkat("e00001", dfd, name) < 0 ? -errno : 0;
	return linkat(dfd, "proto", dfd, name, 0) < 0 ? -errno : 0;
}

/* mkdir rel with its "proto" file: the folder's dirfd, or -errno. */
static int open_dir(const struct sem_ctx *c, const char *rel)
{
	int fd, pfd;

	if (mkdirat(c->runfd, rel, 0755) < 0)
		return -errno;
	fd = openat(c->runfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	pfd = openat(fd, "proto", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (pfd < 0) {
		pfd = -errno;
		close(fd);
		return pfd;
	}
	close(pfd);
	return fd;
}

static void probe_big(const struct sem_ctx *c)
{
	unsigned short *seen = calloc(BIG_N, sizeof(*seen));
	long dup = 0, missing = 0, wrongtype = 0, unknown = 0, stray = 0;
	long long t0 = r9p_now_ms(), t1;
	long made;
	char name[NAME_BUF];
	struct dirent *de;
	DIR *d = NULL;
	int dfd, i, err;

	dfd = open_dir(c, "bigdir");
	if (!seen || dfd < 0) {
		sem_fail("size.dir_10000", seen ? -dfd : ENOMEM, "make the folder bigdir");
		goto out;
	}
	for (i = 0; i < BIG_N && (i % 100 || r9p_now_ms() - t0 < MAKE_BUDGET_MS); i++) {
		snprintf(name, sizeof(name), "e%05d", i);
		err = make_entry(dfd, name, want_type(i));
		if (err) {
			sem_fail("size.dir_10000", -err, "create bigdir/%s", name);
			close(dfd);
			goto out;
		}
	}
	made = i;
	t1 = r9p_now_ms();
	d = fdopendir(dfd);
	if (!d) {
		sem_fail("size.dir_10000", errno, "opendir bigdir");
		close(dfd);
		goto out;
	}
	errno = 0;
	while ((de = readdir(d))) {
		if (not_probed(de->d_name))
			continue;
		i = index_of(de->d_name, 'e', BIG_N);
		if (i < 0) {
			stray++;
			continue;
		}
		if (seen[i]++)
			dup++;
		if (de->d_type == DT_UNKNOWN)
			unknown++;
		else if (de->d_type != want_type(i))
			wrongtype++;
	}
	if (errno) {
		sem_fail("size.dir_10000", errno, "readdir bigdir");
		goto out;
	}
	for (i = 0; i < made; i++)
		missing += !seen[i];
	for (; i < BIG_N; i++)
		stray += seen[i];
	if (dup || missing || stray || wrongtype)
		sem_fail("size.dir_10000", 0, "of %ld entries %ld missing, %ld twice, %ld names never made, "
			 "%ld wrong d_type", made, missing, dup, stray, wrongtype);
	else if (made < BIG_N)
		sem_skip("size.dir_10000", "only %ld of %d entries made in %d ms (%lld ms each): "
			 "those %ld listed once each, d_type right", made, BIG_N, MAKE_BUDGET_MS,
			 (t1 - t0) / (made ? made : 1), made);
	else
		sem_pass("size.dir_10000", "%d entries once each, d_type right%s; made in %lld ms, "
			 "read in %lld ms", BIG_N, unknown ? " where given (some DT_UNKNOWN)" : "",
			 t1 - t0, r9p_now_ms() - t1);
	if (made == BIG_N)
		sem_host(c, "size.dir_10000", "bigdir/e09998", "size=0");
out:
	if (d)
		closedir(d);
	free(seen);
}

/* Half a readdir, then CHURN_MOVE entries removed and CHURN_MOVE added,
 * then the rest: the stayers once each, nothing unknown. */
static void probe_churn(const struct sem_ctx *c)
{
	unsigned char stay[CHURN_STAY] = { 0 };
	long dup = 0, missing = 0, stray = 0, read_n = 0;
	char name[NAME_BUF];
	struct dirent *de;
	DIR *d = NULL;
	int dfd, i, err = 0;

	dfd = open_dir(c, "churn");
	if (dfd < 0) {
		sem_fail("size.readdir_churn", -dfd, "make the folder churn");
		return;
	}
	for (i = 0; i < CHURN_STAY + CHURN_MOVE && !err; i++) {
		snprintf(name, sizeof(name), i < CHURN_STAY ? "s%05d" : "r%05d",
			 i < CHURN_STAY ? i : i - CHURN_STAY);
		err = make_entry(dfd, name, DT_REG);
	}
	d = err ? NULL : fdopendir(dfd);
	if (!d) {
		sem_fail("size.readdir_churn", err ? -err : errno, "fill and open churn");
		close(dfd);
		return;
	}
	errno = 0;
	while ((de = readdir(d))) {
		if (not_probed(de->d_name))
			continue;
		if (++read_n == (CHURN_STAY + CHURN_MOVE) / 2) {
			/* the change, in the middle of the listing */
			for (i = 0; i < CHURN_MOVE && !err; i++) {
				snprintf(name, sizeof(name), "r%05d", i);
				if (unlinkat(dirfd(d), name, 0) < 0)
					err = -errno;
				snprintf(name, sizeof(name), "a%05d", i);
				if (!err)
					err = make_entry(dirfd(d), name, DT_REG);
			}
			if (err)
				break;
		}
		i = index_of(de->d_name, 's', CHURN_STAY);
		if (i >= 0) {
			dup += stay[i]++ > 0;
		} else if (index_of(de->d_name, 'r', CHURN_MOVE) < 0 &&
			   index_of(de->d_name, 'a', CHURN_MOVE) < 0) {
			stray++;
		}
		errno = 0;
	}
	if (err || errno) {
		sem_fail("size.readdir_churn", err ? -err : errno, "readdir with changes");
		closedir(d);
		return;
	}
	closedir(d);
	for (i = 0; i < CHURN_STAY; i++)
		missing += !stay[i];
	if (dup || missing || stray)
		sem_fail("size.readdir_churn", 0, "of %d entries that stayed %ld missing, %ld twice; "
			 "%ld names never made", CHURN_STAY, missing, dup, stray);
	else
		sem_pass("size.readdir_churn", "%d stayers once each while %d went and %d came",
			 CHURN_STAY, CHURN_MOVE, CHURN_MOVE);
}

void sem_bigdir(const struct sem_ctx *c)
{
	probe_big(c);
	probe_churn(c);
}
