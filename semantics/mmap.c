/* SPDX-License-Identifier: MIT */
/*
 * semantics/mmap.c - the mmap group: a MAP_SHARED write is seen by read()
 * at once, a write() is seen through an existing mapping, msync puts the
 * mapping's bytes in the file (the host checks), and a MAP_PRIVATE write
 * stays private. journald, sqlite's WAL index, LMDB and every loader use
 * shared mappings; 9p without cache=mmap refuses or loses them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "semantics/sem.h"

#define MAP_LEN (64 * 1024)	/* several pages, the last one partial below */
#define FILE_LEN (MAP_LEN - 1000)
#define PATCH_OFF 5000
#define PATCH_LEN 3000

/* The shared file: read() sees the mapping's write, the mapping sees a
 * write(), and after msync the host sees the mapping's bytes. */
static void probe_shared(const struct sem_ctx *c, unsigned char *want,
			 unsigned char *buf)
{
	unsigned char *m;
	int fd, err;

	sem_fill(want, FILE_LEN, 1, 0);
	fd = sem_make_file(c, "shared", 0644, want, FILE_LEN);
	if (fd < 0) {
		sem_fail("mmap.shared_read", -fd, "create shared");
		return;
	}
	m = mmap(NULL, FILE_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		err = errno;
		sem_fail("mmap.shared_read", err, "mmap MAP_SHARED PROT_WRITE");
		sem_fail("mmap.write_seen", err, "mmap MAP_SHARED PROT_WRITE");
		sem_fail("mmap.msync", err, "mmap MAP_SHARED PROT_WRITE");
		close(fd);
		return;
	}
	sem_fill(want + PATCH_OFF, PATCH_LEN, 2, PATCH_OFF);
	memcpy(m + PATCH_OFF, want + PATCH_OFF, PATCH_LEN);
	err = sem_pread_all(fd, buf, FILE_LEN, 0);
	if (err)
		sem_fail("mmap.shared_read", -err, "pread after the mapping's write");
	else if (memcmp(buf, want, FILE_LEN))
		sem_fail("mmap.shared_read", 0, "read() does not see the mapping's unsynced write");
	else
		sem_pass("mmap.shared_read", "read() sees the mapping's write before msync");

	sem_fill(want + 100, 200, 3, 100);
	err = sem_pwrite_all(fd, want + 100, 200, 100);
	if (err)
		sem_fail("mmap.write_seen", -err, "pwrite into the mapped range");
	else if (memcmp(m + 100, want + 100, 200))
		sem_fail("mmap.write_seen", 0, "the mapping does not show a later pwrite");
	else
		sem_pass("mmap.write_seen", "the mapping shows a later pwrite");

	if (msync(m, FILE_LEN, MS_SYNC) < 0)
		sem_fail("mmap.msync", errno, "msync MS_SYNC");
	else
		sem_pass("mmap.msync", "msync MS_SYNC returned 0; the host checks the bytes");
	munmap(m, FILE_LEN);
	close(fd);
	sem_host_sha256(c, "mmap.msync", "shared", want, FILE_LEN);
}

static void probe_private(const struct sem_ctx *c, unsigned char *want,
			  unsigned char *buf)
{
	unsigned char *m;
	int fd, err;

	sem_fill(want, FILE_LEN, 4, 0);
	fd = sem_make_file(c, "private", 0644, want, FILE_LEN);
	if (fd < 0) {
		sem_fail("mmap.private", -fd, "create private");
		return;
	}
	m = mmap(NULL, FILE_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		sem_fail("mmap.private", errno, "mmap MAP_PRIVATE PROT_WRITE");
		close(fd);
		return;
	}
	memset(m + PATCH_OFF, 0x5a, PATCH_LEN);
	err = sem_pread_all(fd, buf, FILE_LEN, 0);
	if (err)
		sem_fail("mmap.private", -err, "pread after the private write");
	else if (memcmp(buf, want, FILE_LEN))
		sem_fail("mmap.private", 0, "a MAP_PRIVATE write reached the file");
	else if (m[PATCH_OFF] != 0x5a)
		sem_fail("mmap.private", 0, "the private mapping lost its own write");
	else
		sem_pass("mmap.private", "the private write stays in the mapping");
	munmap(m, FILE_LEN);
	close(fd);
	sem_host_sha256(c, "mmap.private", "private", want, FILE_LEN);
}

void sem_mmap(const struct sem_ctx *c)
{
	unsigned char *want = malloc(MAP_LEN), *buf = malloc(MAP_LEN);

	if (!want || !buf) {
		sem_fail("mmap.setup", ENOMEM, "buffers of %d bytes", MAP_LEN);
	} else {
		probe_shared(c, want, buf);
		probe_private(c, want, buf);
	}
	free(want);
	free(buf);
}
