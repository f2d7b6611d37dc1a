/* SPDX-License-Identifier: MIT */
/*
 * semantics/fsx.c - the fsx group: a seeded random sequence of write,
 * truncate, mmap write, mmap read, fallocate, punch hole and read against
 * an in-memory model of the file, in the spirit of fsx (xfstests). Every
 * read, and the size after each change of it (and every 16th operation),
 * are compared with the model;
 * the first difference stops the run and names the seed and operation,
 * so `semprobe -g fsx -s SEED -n OPS` replays it. At the end the host
 * checks the file's bytes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "semantics/sem.h"

#define FSX_MAX (256 * 1024)	/* the file never grows past this */
#define FSX_OPLEN (16 * 1024)	/* the longest single operation */
#define CHECK_EVERY 16		/* fstat at least this often */

enum op { OP_WRITE, OP_TRUNC, OP_MAPWRITE, OP_MAPREAD, OP_FALLOC, OP_PUNCH, OP_READ, OP_N };

static const char *const op_name[OP_N] = {
	"write", "truncate", "mapwrite", "mapread", "fallocate", "punch", "read",
};

struct fsx {
	const struct sem_ctx *c;
	int fd;
	uint64_t rng;
	unsigned char *model, *buf;
	off_t size;		/* the model's size */
	long k;			/* the operation running */
	int no_falloc, no_punch;	/* refused once: not tried again */
};

static uint64_t rnd(struct fsx *f)
{
	/* xorshift64*: small, and the same sequence on every libc */
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 0x2545f4914f6cdd1dULL;
}

static int fail_at(struct fsx *f, int err, enum op op, off_t off, size_t len, const char *what)
{
	sem_fail("fsx.run", err, "seed=%lu op=%ld %s off=%lld len=%zu size=%lld: %s",
		 f->c->seed, f->k, op_name[op], (long long)off, len, (long long)f->size, what);
	return -1;
}

/* Compare len bytes at off (already in f->buf) with the model. */
static int compare(struct fsx *f, enum op op, off_t off, size_t len)
{
	size_t i;

	if (!memcmp(f->buf, f->model + off, len))
		return 0;
	for (i = 0; i < len && f->buf[i] == f->model[off + (off_t)i]; i++)
		;
	sem_fail("fsx.run", 0, "seed=%lu op=%ld %s off=%lld len=%zu size=%lld: "
		 "byte %lld is 0x%02x, the model says 0x%02x",
		 f->c->seed, f->k, op_name[op], (long long)off, len, (long long)f->size,
		 (long long)(off + (off_t)i), f->buf[i], f->model[off + (off_t)i]);
	return -1;
}

/* A mapping of [off, off+len) with the page-aligned start it needs. */
static unsigned char *map_range(struct fsx *f, off_t off, size_t len, int prot,
				off_t *pg, size_t *mlen)
{
	long page = sysconf(_SC_PAGESIZE);
	void *m;

	*pg = off - off % page;
	*mlen = len + (size_t)(off - *pg);
	m = mmap(NULL, *mlen, prot, MAP_SHARED, f->fd, *pg);
	return m == MAP_FAILED ? NULL : m;
}

static int do_op(struct fsx *f, enum op op)
{
	off_t off = (off_t)(rnd(f) % FSX_MAX), pg;
	size_t len = 1 + (size_t)(rnd(f) % FSX_OPLEN), mlen;
	unsigned char *m;
	int err;

	if (off + (off_t)len > FSX_MAX)
		len = (size_t)(FSX_MAX - off);
	switch (op) {
	case OP_WRITE:
		sem_fill(f->model + off, len, (unsigned)f->k, off);
		if ((err = sem_pwrite_all(f->fd, f->model + off, len, off)))
			return fail_at(f, -err, op, off, len, "pwrite");
		if (off + (off_t)len > f->size)
			f->size = off + (off_t)len;
		return 0;
	case OP_TRUNC:
		if (ftruncate(f->fd, off) < 0)
			return fail_at(f, errno, op, off, 0, "ftruncate");
		if (off > f->size)
			memset(f->model + f->size, 0, (size_t)(off - f->size));
		else
			memset(f->model + off, 0, (size_t)(f->size - off));
		f->size = off;
		return 0;
	case OP_MAPWRITE:
		/* a mapping cannot grow the file: extend it first, as fsx does */
		if (off + (off_t)len > f->size) {
			if (ftruncate(f->fd, off + (off_t)len) < 0)
				return fail_at(f, errno, op, off, len, "ftruncate to extend");
			f->size = off + (off_t)len;
		}
		m = map_range(f, off, len, PROT_READ | PROT_WRITE, &pg, &mlen);
		if (!m)
			return fail_at(f, errno, op, off, len, "mmap MAP_SHARED");
		sem_fill(f->model + off, len, (unsigned)f->k, off);
		memcpy(m + (off - pg), f->model + off, len);
		err = msync(m, mlen, MS_SYNC) < 0 ? errno : 0;
		munmap(m, mlen);
		return err ? fail_at(f, err, op, off, len, "msync") : 0;
	case OP_MAPREAD:
		if (f->size == 0)
			return 0;
		off %= f->size;
		if (off + (off_t)len > f->size)
			len = (size_t)(f->size - off);
		m = map_range(f, off, len, PROT_READ, &pg, &mlen);
		if (!m)
			return fail_at(f, errno, op, off, len, "mmap PROT_READ");
		memcpy(f->buf, m + (off - pg), len);
		munmap(m, mlen);
		return compare(f, op, off, len);
	case OP_FALLOC:
		if (f->no_falloc)
			return 0;
		if (fallocate(f->fd, 0, off, (off_t)len) < 0) {
			if (errno != EOPNOTSUPP)
				return fail_at(f, errno, op, off, len, "fallocate");
			f->no_falloc = 1;
			return 0;
		}
		if (off + (off_t)len > f->size)
			f->size = off + (off_t)len;	/* the model is zero there */
		return 0;
	case OP_PUNCH:
		if (f->no_punch)
			return 0;
		if (fallocate(f->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, (off_t)len) < 0) {
			if (errno != EOPNOTSUPP)
				return fail_at(f, errno, op, off, len, "punch hole");
			f->no_punch = 1;
			return 0;
		}
		if (off < f->size)
			memset(f->model + off, 0, (size_t)((off + (off_t)len > f->size ? f->size : off + (off_t)len) - off));
		return 0;
	default:
		if (f->size == 0)
			return 0;
		off %= f->size;
		if (off + (off_t)len > f->size)
			len = (size_t)(f->size - off);
		if ((err = sem_pread_all(f->fd, f->buf, len, off)))
			return fail_at(f, -err, op, off, len, "pread");
		return compare(f, op, off, len);
	}
}

static int check_size(struct fsx *f, enum op op)
{
	struct stat st;

	if (fstat(f->fd, &st) < 0)
		return fail_at(f, errno, op, 0, 0, "fstat");
	if (st.st_size != f->size) {
		sem_fail("fsx.run", 0, "seed=%lu op=%ld %s: size %lld, the model says %lld",
			 f->c->seed, f->k, op_name[op], (long long)st.st_size, (long long)f->size);
		return -1;
	}
	return 0;
}

void sem_fsx(const struct sem_ctx *c)
{
	struct fsx f = { .c = c, .rng = (c->seed << 1) | 1 };
	enum op op = OP_READ;
	off_t before;
	int err = 0;

	f.model = calloc(1, FSX_MAX);
	f.buf = malloc(FSX_MAX);
	f.fd = sem_make_file(c, "fsxfile", 0644, NULL, 0);
	if (!f.model || !f.buf || f.fd < 0) {
		sem_fail("fsx.run", f.fd < 0 ? -f.fd : ENOMEM, "seed=%lu: set up fsxfile", c->seed);
		goto out;
	}
	for (f.k = 0; f.k < c->ops && !err; f.k++) {
		op = (enum op)(rnd(&f) % OP_N);
		before = f.size;
		err = do_op(&f, op);
		/* a stat is a round trip on 9p: after the size changed, and
		 * every CHECK_EVERY operations besides */
		if (!err && (f.size != before || op == OP_TRUNC || f.k % CHECK_EVERY == 0))
			err = check_size(&f, op);
	}
	if (!err) {
		/* the whole file once more, through read() */
		op = OP_READ;
		err = f.size ? sem_pread_all(f.fd, f.buf, (size_t)f.size, 0) : 0;
		if (err)
			fail_at(&f, -err, op, 0, (size_t)f.size, "the final read");
		else if (compare(&f, op, 0, (size_t)f.size))
			err = -1;
	}
	if (!err)
		sem_pass("fsx.run", "seed=%lu ops=%ld size=%lld%s%s", c->seed, c->ops,
			 (long long)f.size, f.no_falloc ? " (no fallocate: skipped)" : "",
			 f.no_punch ? " (no punch hole: skipped)" : "");
	if (!err)
		sem_host_sha256(c, "fsx.run", "fsxfile", f.model, (size_t)f.size);
out:
	if (f.fd >= 0)
		close(f.fd);
	free(f.model);
	free(f.buf);
}
