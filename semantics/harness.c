/* SPDX-License-Identifier: MIT */
/*
 * semantics/harness.c - the SEM and HOST lines, their count, the child
 * helpers and whole-buffer I/O every group uses.
 *
 * A detail is one line: newlines in it become spaces, so the runner's
 * parser (split on the first three spaces) never sees a broken line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "semantics/sem.h"

static long *count;	/* shared with the children: see sem_count_init */

int sem_count_init(void)
{
	void *p = mmap(NULL, sizeof(*count), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	count = p;
	return 0;
}

long sem_count(void)
{
	return count ? *count : 0;
}

static void emit(const char *kind, const char *name, const char *verdict,
		 const char *prefix, const char *fmt, va_list ap)
{
	char detail[SEM_LINE_MAX];
	char *p;

	vsnprintf(detail, sizeof(detail), fmt, ap);
	for (p = detail; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	printf("%s %s %s %s%s\n", kind, name, verdict, prefix, detail);
	/* the line is out before any later fork or crash can lose it */
	fflush(stdout);
	if (count)
		__atomic_add_fetch(count, 1, __ATOMIC_SEQ_CST);
}

void sem_pass(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("SEM", name, "PASS", "", fmt, ap);
	va_end(ap);
}

void sem_fail(const char *name, int err, const char *fmt, ...)
{
	char prefix[40];
	va_list ap;

	if (err > 0)
		snprintf(prefix, sizeof(prefix), "errno=%s ", sem_errname(err));
	else
		snprintf(prefix, sizeof(prefix), "differs: ");
	va_start(ap, fmt);
	emit("SEM", name, "FAIL", prefix, fmt, ap);
	va_end(ap);
}

void sem_skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("SEM", name, "SKIP", "", fmt, ap);
	va_end(ap);
}

void sem_info(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("SEM", name, "INFO", "", fmt, ap);
	va_end(ap);
}

void sem_host(const struct sem_ctx *c, const char *name, const char *rel,
	      const char *fmt, ...)
{
	char what[SEM_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* not a SEM line: SEMPROBE-END counts only those */
	printf("HOST %s %s/%s %s\n", name, c->run, rel, what);
	fflush(stdout);
}

void sem_host_sha256(const struct sem_ctx *c, const char *name,
		     const char *rel, const void *buf, size_t len)
{
	char hex[65];

	sem_sha256_hex(buf, len, hex);
	sem_host(c, name, rel, "sha256=%s", hex);
}

/* The child's side: become the user, run fn, never return. */
static void child_run(const struct sem_ctx *c, int as_uid,
		      int (*fn)(const struct sem_ctx *c, void *arg), void *arg)
{
	if (as_uid && (setgroups(0, NULL) < 0 ||
		       setresgid(c->uid, c->uid, c->uid) < 0 ||
		       setresuid(c->uid, c->uid, c->uid) < 0))
		_exit(255);
	_exit(fn(c, arg) & 0xff);
}

int sem_child(const struct sem_ctx *c, int as_uid,
	      int (*fn)(const struct sem_ctx *c, void *arg), void *arg)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child_run(c, as_uid, fn, arg);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFSIGNALED(st))
		return -EINTR;
	return WEXITSTATUS(st);
}

int sem_pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = pwrite(fd, p, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

int sem_pread_all(int fd, void *buf, size_t len, off_t off)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = pread(fd, p, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;	/* short: the file is smaller than asked */
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

int sem_make_file(const struct sem_ctx *c, const char *rel, int mode,
		  const void *buf, size_t len)
{
	int fd, err;

	fd = openat(c->runfd, rel, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	err = len ? sem_pwrite_all(fd, buf, len, 0) : 0;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

void sem_fill(void *buf, size_t len, unsigned seed, off_t off)
{
	unsigned char *p = buf;
	size_t i;
	unsigned long long x;

	/* position-keyed, so any slice can be rebuilt for comparison */
	for (i = 0; i < len; i++) {
		x = (unsigned long long)(off + (off_t)i) * 0x9e3779b97f4a7c15ULL + seed;
		x ^= x >> 29;
		p[i] = (unsigned char)(x >> 17);
	}
}
