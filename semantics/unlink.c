/* SPDX-License-Identifier: MIT */
/*
 * semantics/unlink.c - the unlink group: a file unlinked while open stays
 * usable through its descriptor (fstat, read, write, mmap, ftruncate,
 * fchmod), is not brought back by linkat from /proc/self/fd, a rename
 * over an open file leaves the old contents to its reader, and an empty
 * folder whose last file is open but unlinked can be removed.
 * The reference is what ext4 and tmpfs do; 9p servers emulate some of it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "semantics/sem.h"

static const char data[] = "root9p semprobe: unlinked but open\n";
#define DATA_LEN (sizeof(data) - 1)
#define BUF_SIZE 256

static void probe_fstat(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		sem_fail("unlink.fstat", errno, "fstat of the open, unlinked file");
	else if (st.st_size != (off_t)DATA_LEN || st.st_nlink != 0)
		sem_fail("unlink.fstat", 0, "size=%lld nlink=%lu, want size=%zu nlink=0",
			 (long long)st.st_size, (unsigned long)st.st_nlink, DATA_LEN);
	else
		sem_pass("unlink.fstat", "size=%zu nlink=0", DATA_LEN);
}

static void probe_read(int fd)
{
	char buf[BUF_SIZE];
	int err = sem_pread_all(fd, buf, DATA_LEN, 0);

	if (err)
		sem_fail("unlink.read", -err, "pread of what was written before the unlink");
	else if (memcmp(buf, data, DATA_LEN))
		sem_fail("unlink.read", 0, "the bytes read are not the bytes written");
	else
		sem_pass("unlink.read", "%zu bytes as written", DATA_LEN);
}

static void probe_write(int fd)
{
	char buf[BUF_SIZE];
	int err = sem_pwrite_all(fd, data, DATA_LEN, DATA_LEN);

	if (err) {
		sem_fail("unlink.write", -err, "pwrite after the unlink");
		return;
	}
	err = sem_pread_all(fd, buf, DATA_LEN, DATA_LEN);
	if (err)
		sem_fail("unlink.write", -err, "pread of the bytes just written");
	else if (memcmp(buf, data, DATA_LEN))
		sem_fail("unlink.write", 0, "read back other bytes than written");
	else
		sem_pass("unlink.write", "written and read back");
}

static void probe_mmap(int fd)
{
	char buf[BUF_SIZE];
	char *m;
	int err;

	m = mmap(NULL, 2 * DATA_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		sem_fail("unlink.mmap", errno, "mmap MAP_SHARED of the unlinked file");
		return;
	}
	if (memcmp(m, data, DATA_LEN)) {
		sem_fail("unlink.mmap", 0, "the mapping does not show the file's bytes");
		munmap(m, 2 * DATA_LEN);
		return;
	}
	m[0] = 'R';
	err = msync(m, 2 * DATA_LEN, MS_SYNC) < 0 ? -errno : 0;
	munmap(m, 2 * DATA_LEN);
	if (err) {
		sem_fail("unlink.mmap", -err, "msync of the mapping");
		return;
	}
	err = sem_pread_all(fd, buf, 1, 0);
	if (err)
		sem_fail("unlink.mmap", -err, "pread after the mapping's write");
	else if (buf[0] != 'R')
		sem_fail("unlink.mmap", 0, "the mapping's write is not seen by pread");
	else
		sem_pass("unlink.mmap", "mapped, read, written, seen by pread");
}

static void probe_ftruncate(int fd)
{
	struct stat st;

	if (ftruncate(fd, 4) < 0)
		sem_fail("unlink.ftruncate", errno, "ftruncate to 4 bytes");
	else if (fstat(fd, &st) < 0)
		sem_fail("unlink.ftruncate", errno, "fstat after ftruncate");
	else if (st.st_size != 4)
		sem_fail("unlink.ftruncate", 0, "size=%lld after ftruncate to 4",
			 (long long)st.st_size);
	else
		sem_pass("unlink.ftruncate", "size=4");
}

static void probe_fchmod(int fd)
{
	struct stat st;

	if (fchmod(fd, 0640) < 0)
		sem_fail("unlink.fchmod", errno, "fchmod 0640");
	else if (fstat(fd, &st) < 0)
		sem_fail("unlink.fchmod", errno, "fstat after fchmod");
	else if ((st.st_mode & 07777) != 0640)
		sem_fail("unlink.fchmod", 0, "mode=%04o after fchmod 0640",
			 (unsigned)(st.st_mode & 07777));
	else
		sem_pass("unlink.fchmod", "mode=0640");
}

/* Linux refuses to link an inode whose last name is gone (only an
 * O_TMPFILE without O_EXCL may get one): a server that brings the file
 * back, or refuses with another errno, differs. */
static void probe_linkat(const struct sem_ctx *c, int fd)
{
	char proc[64];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, c->runfd, "relinked", AT_SYMLINK_FOLLOW) == 0) {
		sem_fail("unlink.linkat", 0, "linkat from %s gave the unlinked file a name; "
			 "a local filesystem refuses with ENOENT", proc);
		sem_host(c, "unlink.linkat", "relinked", "size=4");
	} else if (errno == ENOENT) {
		sem_pass("unlink.linkat", "refused with ENOENT as on a local filesystem");
		sem_host(c, "unlink.linkat", "relinked", "absent");
	} else if (errno == ENOSYS || errno == EOPNOTSUPP) {
		sem_skip("unlink.linkat", "no linkat through /proc here (%s)", sem_errname(errno));
	} else {
		sem_fail("unlink.linkat", errno, "linkat from %s; a local filesystem says ENOENT", proc);
	}
}

/* rename(new, old) while old is open: the reader keeps the old bytes,
 * the name gives the new ones. */
static void probe_rename_over(const struct sem_ctx *c)
{
	static const char newer[] = "the new contents\n";
	char buf[BUF_SIZE];
	int fd, nfd, err;

	fd = sem_make_file(c, "r-old", 0644, data, DATA_LEN);
	if (fd < 0) {
		sem_fail("unlink.rename_over", -fd, "create r-old");
		return;
	}
	nfd = sem_make_file(c, "r-new", 0644, newer, sizeof(newer) - 1);
	if (nfd < 0) {
		sem_fail("unlink.rename_over", -nfd, "create r-new");
		close(fd);
		return;
	}
	close(nfd);
	if (renameat(c->runfd, "r-new", c->runfd, "r-old") < 0) {
		sem_fail("unlink.rename_over", errno, "rename r-new over the open r-old");
		close(fd);
		return;
	}
	err = sem_pread_all(fd, buf, DATA_LEN, 0);
	close(fd);
	if (err) {
		sem_fail("unlink.rename_over", -err, "read the replaced file through its descriptor");
		return;
	}
	if (memcmp(buf, data, DATA_LEN)) {
		sem_fail("unlink.rename_over", 0, "the open descriptor shows other bytes than the replaced file's");
		return;
	}
	nfd = openat(c->runfd, "r-old", O_RDONLY | O_CLOEXEC);
	if (nfd < 0) {
		sem_fail("unlink.rename_over", errno, "open r-old after the rename");
		return;
	}
	err = sem_pread_all(nfd, buf, sizeof(newer) - 1, 0);
	close(nfd);
	if (err)
		sem_fail("unlink.rename_over", -err, "read r-old after the rename");
	else if (memcmp(buf, newer, sizeof(newer) - 1))
		sem_fail("unlink.rename_over", 0, "the name r-old does not give the new bytes");
	else
		sem_pass("unlink.rename_over", "old bytes through the descriptor, new through the name");
	sem_host_sha256(c, "unlink.rename_over", "r-old", newer, sizeof(newer) - 1);
}

/* An NFS-like silly rename leaves a hidden file and the rmdir fails with
 * ENOTEMPTY; a local filesystem removes the empty folder. */
static void probe_rmdir(const struct sem_ctx *c)
{
	char buf[BUF_SIZE];
	int dfd, fd, err;

	if (mkdirat(c->runfd, "d", 0755) < 0) {
		sem_fail("unlink.rmdir", errno, "mkdir d");
		return;
	}
	dfd = openat(c->runfd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		sem_fail("unlink.rmdir", errno, "open d");
		return;
	}
	fd = openat(dfd, "f", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	close(dfd);
	if (fd < 0) {
		sem_fail("unlink.rmdir", errno, "create d/f");
		return;
	}
	err = sem_pwrite_all(fd, data, DATA_LEN, 0);
	if (!err && unlinkat(c->runfd, "d/f", 0) < 0)
		err = -errno;
	if (err) {
		sem_fail("unlink.rmdir", -err, "write and unlink d/f");
		close(fd);
		return;
	}
	if (unlinkat(c->runfd, "d", AT_REMOVEDIR) < 0)
		sem_fail("unlink.rmdir", errno, "rmdir d while its unlinked file d/f is open");
	else if ((err = sem_pread_all(fd, buf, DATA_LEN, 0)) != 0)
		sem_fail("unlink.rmdir", -err, "read the open file after its folder went");
	else if (memcmp(buf, data, DATA_LEN))
		sem_fail("unlink.rmdir", 0, "the open file's bytes changed after its folder went");
	else
		sem_pass("unlink.rmdir", "folder removed, the open file still readable");
	close(fd);
	sem_host(c, "unlink.rmdir", "d", "absent");
}

void sem_unlink(const struct sem_ctx *c)
{
	int fd = sem_make_file(c, "u", 0600, data, DATA_LEN);

	if (fd < 0) {
		sem_fail("unlink.setup", -fd, "create u");
		return;
	}
	if (unlinkat(c->runfd, "u", 0) < 0) {
		sem_fail("unlink.setup", errno, "unlink u");
		close(fd);
		return;
	}
	sem_host(c, "unlink.setup", "u", "absent");
	/* in this order: each probe expects what the ones before left */
	probe_fstat(fd);
	probe_read(fd);
	probe_write(fd);
	probe_mmap(fd);
	probe_ftruncate(fd);
	probe_fchmod(fd);
	probe_linkat(c, fd);
	close(fd);
	probe_rename_over(c);
	probe_rmdir(c);
}
