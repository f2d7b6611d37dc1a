/* SPDX-License-Identifier: MIT */
/*
 * semantics/sem.h - what every semprobe group shares: the run context,
 * the result lines and the child-process helpers.
 *
 * A group is one function `void sem_<group>(const struct sem_ctx *)`: it
 * works only inside the run folder (c->runfd), prints one SEM line per
 * result and HOST lines for what the host checks after the guest ends.
 * It never exits; main() runs it in a child so that a signal (SIGBUS on a
 * mapping, a hang cut by alarm) is one FAIL line, not a lost run.
 */
#ifndef R9P_SEM_H
#define R9P_SEM_H

#include <stddef.h>
#include <sys/types.h>

#include "common/array.h"
#define SEM_PATH_MAX 4096	/* paths built under DIR */
#define SEM_NAME_MAX 64		/* the run folder's name */
#define SEM_LINE_MAX 1024	/* one detail text */

struct sem_ctx {
	const char *dir;		/* DIR as given */
	int runfd;			/* DIR/<run>, O_PATH-free dirfd */
	char run[SEM_NAME_MAX];		/* the run folder's name under DIR */
	char runpath[SEM_PATH_MAX];	/* DIR/<run>, for exec and /proc links */
	uid_t uid;			/* the non-root user (its gid = uid) */
	unsigned long seed;		/* fsx's seed */
	long ops;			/* fsx's operations */
	const char *self;		/* /proc/self/exe at start, for copies */
};

/* The result lines. name is "group.probe"; err > 0 makes a FAIL's detail
 * start "errno=NAME", err == 0 "differs:". Each SEM line is counted. */
void sem_pass(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sem_fail(const char *name, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sem_skip(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sem_info(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* HOST name <run>/<rel> <what>: rel is relative to the run folder. */
void sem_host(const struct sem_ctx *c, const char *name, const char *rel,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* HOST line sha256=<hex> of buf. */
void sem_host_sha256(const struct sem_ctx *c, const char *name,
		     const char *rel, const void *buf, size_t len);

/* The count of SEM lines so far, shared with the group children (a
 * MAP_SHARED page set up by sem_count_init before any fork). */
int sem_count_init(void);
long sem_count(void);

/* "ENOENT" for ENOENT, "E<n>" for what has no name. */
const char *sem_errname(int err);

/* Run fn(c, arg) in a child, as c->uid (setgroups, setresgid, setresuid)
 * when as_uid. Returns fn's result (0, or a positive errno it chose),
 * 255 when the child could not become the user, or -errno when fork or
 * wait failed; a child killed by a signal is -EINTR. */
int sem_child(const struct sem_ctx *c, int as_uid,
	      int (*fn)(const struct sem_ctx *c, void *arg), void *arg);

/* Whole-buffer I/O: 0 or -errno (-EIO for a short count). */
int sem_pwrite_all(int fd, const void *buf, size_t len, off_t off);
int sem_pread_all(int fd, void *buf, size_t len, off_t off);
/* Create rel in the run folder (O_EXCL) with len bytes of buf: the open
 * fd (O_RDWR) or -errno. */
int sem_make_file(const struct sem_ctx *c, const char *rel, int mode,
		  const void *buf, size_t len);
/* A deterministic pattern: buf[i] depends on seed and off + i. */
void sem_fill(void *buf, size_t len, unsigned seed, off_t off);

/* sha256 of buf as 64 hex digits and a NUL (hex must hold 65 bytes). */
void sem_sha256_hex(const void *buf, size_t len, char *hex);

/* The groups, in the order they run. */
void sem_unlink(const struct sem_ctx *c);
void sem_link(const struct sem_ctx *c);
void sem_mmap(const struct sem_ctx *c);
void sem_lock(const struct sem_ctx *c);
void sem_xattr(const struct sem_ctx *c);
void sem_own(const struct sem_ctx *c);
void sem_special(const struct sem_ctx *c);
void sem_size(const struct sem_ctx *c);
void sem_bigdir(const struct sem_ctx *c);	/* part of size */
void sem_time(const struct sem_ctx *c);
void sem_statfs(const struct sem_ctx *c);
void sem_inotify(const struct sem_ctx *c);
void sem_fsx(const struct sem_ctx *c);

/* The hidden mode the xattr group runs a capability-marked copy in:
 * exit 0 when a raw socket opens, else its errno. */
int sem_raw_socket_main(void);

#endif
