/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/util.h - small host helpers shared by mkinitrd9p's files.
 *
 * The x* allocators print and exit on out-of-memory (a host tool has
 * nothing better to do). r9p_read_file/r9p_read_input return 0 or
 * -errno and hand the caller a malloc'd buffer to free.
 */
#ifndef R9P_MKINITRD_UTIL_H
#define R9P_MKINITRD_UTIL_H

#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* printf into a new string the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The most r9p_read_file reads: more than any init, busybox or module. */
#define R9P_READ_MAX ((size_t)256 << 20)
#define R9P_READ_MAX_TEXT "256 MiB"

/*
 * Read a whole regular file of at most max bytes into *buf (malloc'd,
 * NUL-terminated, the NUL not counted in *len). Never blocks on a FIFO.
 * Links are followed (the caller named the path, or libkmod did): what
 * matters is what is read. Returns 0 or -errno: -EISDIR a directory,
 * -EINVAL another file that is not regular, -EFBIG more than max bytes,
 * else open/read's errno.
 */
int r9p_read_input(const char *path, size_t max, unsigned char **buf,
		   size_t *len);
/* r9p_read_input with max R9P_READ_MAX. */
int r9p_read_file(const char *path, unsigned char **buf, size_t *len);
/* Text for an error of r9p_read_file (static; -EFBIG names R9P_READ_MAX). */
const char *r9p_read_strerror(int err);

#endif
