/* SPDX-License-Identifier: MIT */
/*
 * semantics/size.c - the size group: sparse files and SEEK_DATA/SEEK_HOLE
 * (cp, tar and VM images keep holes so), fallocate and punching a hole,
 * a file past 4 GiB (sparse, so it costs nothing), copy_file_range,
 * O_DIRECT (databases and QEMU itself), a 255-byte name.
 * The folder probes (10,000 entries, readdir under change) are in
 * bigdir.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "semantics/sem.h"

#define KIB 1024L
#define MIB (1024L * KIB)
#define CHUNK (64 * KIB)
#define BIG_OFF (4L * 1024 * MIB + 4096)	/* past 4 GiB */
#define COPY_LEN (256 * KIB)
#define DIO_ALIGN 4096
#define NAME_LEN 255

static int all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* 64 KiB of data at 1 MiB, nothing before: SEEK_DATA from 0 finds 1 MiB,
 * SEEK_HOLE from 0 finds 0, and the file uses less than its size. */
static void probe_sparse(const struct sem_ctx *c, unsigned char *buf)
{
	struct stat st;
	off_t data, hole;
	int fd, err;

	sem_fill(buf, CHUNK, 5, MIB);
	fd = sem_make_file(c, "sparse", 0644, NULL, 0);
	if (fd < 0 || (err = sem_pwrite_all(fd, buf, CHUNK, MIB)) != 0) {
		sem_fail("size.sparse", fd < 0 ? -fd : -err, "write 64 KiB at 1 MiB");
		if (fd >= 0)
			close(fd);
		return;
	}
	if (fsync(fd) < 0 || fstat(fd, &st) < 0) {
		sem_fail("size.sparse", errno, "fsync and fstat");
		close(fd);
		return;
	}
	if ((err = sem_pread_all(fd, buf, CHUNK, 0)) != 0)
		sem_fail("size.sparse", -err, "read the hole");
	else if (!all_zero(buf, CHUNK))
		sem_fail("size.sparse", 0, "the hole reads as other bytes than zeros");
	else if (st.st_blocks * 512 >= MIB)
		sem_fail("size.sparse", 0, "%lld blocks of 512 for 64 KiB of data: the hole was filled",
			 (long long)st.st_blocks);
	else
		sem_pass("size.sparse", "the hole reads as zeros, %lld blocks used",
			 (long long)st.st_blocks);
	data = lseek(fd, 0, SEEK_DATA);
	err = data < 0 ? errno : 0;
	hole = lseek(fd, 0, SEEK_HOLE);
	if (err || hole < 0)
		sem_fail("size.seek_data", err ? err : errno, "lseek SEEK_DATA/SEEK_HOLE from 0");
	else if (data != MIB || hole != 0)
		sem_fail("size.seek_data", 0, "SEEK_DATA from 0 gave %lld, SEEK_HOLE %lld, want %ld and 0%s",
			 (long long)data, (long long)hole, MIB,
			 data == 0 ? " (holes not reported: allowed, but cp and tar copy the zeros)" : "");
	else
		sem_pass("size.seek_data", "SEEK_DATA finds the data at 1 MiB, SEEK_HOLE the hole at 0");
	close(fd);
	sem_host(c, "size.sparse", "sparse", "size=%ld", MIB + CHUNK);
}

static void probe_fallocate(const struct sem_ctx *c, unsigned char *buf)
{
	struct stat a, b;
	int fd, err;

	fd = sem_make_file(c, "falloc", 0644, NULL, 0);
	if (fd < 0) {
		sem_fail("size.fallocate", -fd, "create falloc");
		return;
	}
	if (fallocate(fd, 0, 0, MIB) < 0 || fstat(fd, &a) < 0) {
		sem_fail("size.fallocate", errno, "fallocate 1 MiB");
		sem_skip("size.punch_hole", "no fallocate");
		close(fd);
		return;
	}
	if (a.st_size != MIB || a.st_blocks * 512 < MIB)
		sem_fail("size.fallocate", 0, "size %lld blocks %lld after fallocate of 1 MiB",
			 (long long)a.st_size, (long long)a.st_blocks);
	else
		sem_pass("size.fallocate", "size 1 MiB, the blocks reserved");

	sem_fill(buf, CHUNK, 6, 0);
	if ((err = sem_pwrite_all(fd, buf, CHUNK, 0)) != 0 ||
	    (err = sem_pwrite_all(fd, buf, CHUNK, 2 * CHUNK)) != 0) {
		sem_fail("size.punch_hole", -err, "write before punching");
		close(fd);
		return;
	}
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, CHUNK, 2 * CHUNK) < 0) {
		sem_fail("size.punch_hole", errno, "FALLOC_FL_PUNCH_HOLE of 128 KiB");
		close(fd);
		return;
	}
	err = fstat(fd, &b) < 0 ? -errno : sem_pread_all(fd, buf, CHUNK, 2 * CHUNK);
	if (err)
		sem_fail("size.punch_hole", -err, "fstat and read the punched range");
	else if (!all_zero(buf, CHUNK))
		sem_fail("size.punch_hole", 0, "the punched range does not read as zeros");
	else if (b.st_size != MIB || b.st_blocks >= a.st_blocks)
		sem_fail("size.punch_hole", 0, "size %lld blocks %lld (before %lld): size changed or no block freed",
			 (long long)b.st_size, (long long)b.st_blocks, (long long)a.st_blocks);
	else
		sem_pass("size.punch_hole", "zeros, size kept, %lld blocks freed",
			 (long long)(a.st_blocks - b.st_blocks));
	close(fd);
	sem_host(c, "size.punch_hole", "falloc", "size=%ld", MIB);
}

static void probe_big(const struct sem_ctx *c)
{
	static const char tail[] = "past 4 GiB";
	char got[sizeof(tail)];
	struct stat st;
	int fd, err;

	fd = sem_make_file(c, "big", 0644, NULL, 0);
	if (fd < 0) {
		sem_fail("size.4gib", -fd, "create big");
		return;
	}
	err = sem_pwrite_all(fd, tail, sizeof(tail) - 1, BIG_OFF);
	if (!err)
		err = sem_pread_all(fd, got, sizeof(tail) - 1, BIG_OFF);
	if (!err && fstat(fd, &st) < 0)
		err = -errno;
	close(fd);
	if (err)
		sem_fail("size.4gib", -err, "write and read back at offset %ld", BIG_OFF);
	else if (memcmp(got, tail, sizeof(tail) - 1) || st.st_size != BIG_OFF + (off_t)sizeof(tail) - 1)
		sem_fail("size.4gib", 0, "size %lld or the bytes past 4 GiB wrong", (long long)st.st_size);
	else
		sem_pass("size.4gib", "size %lld, the bytes read back", (long long)st.st_size);
	sem_host(c, "size.4gib", "big", "size=%ld", BIG_OFF + (long)sizeof(tail) - 1);
}

static void probe_copy(const struct sem_ctx *c, unsigned char *buf, unsigned char *got)
{
	loff_t in_off = 0, out_off = 0;
	ssize_t n;
	size_t done = 0;
	int in, out, err = 0;

	sem_fill(buf, COPY_LEN, 7, 0);
	in = sem_make_file(c, "copy-src", 0644, buf, COPY_LEN);
	out = sem_make_file(c, "copy-dst", 0644, NULL, 0);
	if (in < 0 || out < 0) {
		sem_fail("size.copy_file_range", in < 0 ? -in : -out, "create copy-src and copy-dst");
		goto out;
	}
	while (done < COPY_LEN) {
		n = copy_file_range(in, &in_off, out, &out_off, COPY_LEN - done, 0);
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			break;
		}
		done += (size_t)n;
	}
	if (err) {
		sem_fail("size.copy_file_range", err, "copy_file_range after %zu bytes", done);
	} else if ((err = sem_pread_all(out, got, COPY_LEN, 0)) != 0) {
		sem_fail("size.copy_file_range", -err, "read the copy");
	} else if (memcmp(got, buf, COPY_LEN)) {
		sem_fail("size.copy_file_range", 0, "the copy's bytes differ");
	} else {
		sem_pass("size.copy_file_range", "%ld bytes copied whole", (long)COPY_LEN);
	}
	sem_host_sha256(c, "size.copy_file_range", "copy-dst", buf, COPY_LEN);
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
}

static void probe_direct(const struct sem_ctx *c)
{
	void *w = NULL, *r = NULL;
	int fd, err;

	if (posix_memalign(&w, DIO_ALIGN, DIO_ALIGN) || posix_memalign(&r, DIO_ALIGN, DIO_ALIGN)) {
		sem_fail("size.o_direct", ENOMEM, "aligned buffers");
		goto out;
	}
	sem_fill(w, DIO_ALIGN, 8, 0);
	fd = openat(c->runfd, "direct", O_RDWR | O_CREAT | O_EXCL | O_DIRECT | O_CLOEXEC, 0644);
	if (fd < 0) {
		sem_fail("size.o_direct", errno, "open O_DIRECT");
		goto out;
	}
	err = sem_pwrite_all(fd, w, DIO_ALIGN, 0);
	if (!err)
		err = sem_pread_all(fd, r, DIO_ALIGN, 0);
	close(fd);
	if (err)
		sem_fail("size.o_direct", -err, "4 KiB aligned write and read with O_DIRECT");
	else if (memcmp(w, r, DIO_ALIGN))
		sem_fail("size.o_direct", 0, "O_DIRECT read other bytes than written");
	else
		sem_pass("size.o_direct", "4 KiB written and read back with O_DIRECT");
	sem_host_sha256(c, "size.o_direct", "direct", w, DIO_ALIGN);
out:
	free(w);
	free(r);
}

static void probe_longname(const struct sem_ctx *c)
{
	char name[NAME_LEN + 2];
	struct stat st;
	int fd;

	memset(name, 'n', NAME_LEN + 1);
	name[NAME_LEN + 1] = 0;
	fd = openat(c->runfd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd >= 0) {
		close(fd);
		sem_fail("size.longname", 0, "a %d-byte name was accepted", NAME_LEN + 1);
		return;
	}
	if (errno != ENAMETOOLONG) {
		sem_fail("size.longname", errno, "a %d-byte name, want ENAMETOOLONG", NAME_LEN + 1);
		return;
	}
	name[NAME_LEN] = 0;
	fd = sem_make_file(c, name, 0644, "255\n", 4);
	if (fd < 0) {
		sem_fail("size.longname", -fd, "create a %d-byte name", NAME_LEN);
		return;
	}
	close(fd);
	if (fstatat(c->runfd, name, &st, 0) < 0)
		sem_fail("size.longname", errno, "stat the %d-byte name", NAME_LEN);
	else
		sem_pass("size.longname", "%d bytes taken, %d refused with ENAMETOOLONG",
			 NAME_LEN, NAME_LEN + 1);
	sem_host(c, "size.longname", name, "size=4");
}

void sem_size(const struct sem_ctx *c)
{
	unsigned char *buf = malloc(COPY_LEN), *got = malloc(COPY_LEN);

	if (!buf || !got) {
		sem_fail("size.setup", ENOMEM, "buffers of %ld bytes", (long)COPY_LEN);
	} else {
		probe_sparse(c, buf);
		probe_fallocate(c, buf);
		probe_big(c);
		probe_copy(c, buf, got);
		probe_direct(c);
		probe_longname(c);
		sem_bigdir(c);
	}
	free(buf);
	free(got);
}
