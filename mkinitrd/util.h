/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/util.h - small host helpers shared by mkinitrd9p's files.
 *
 * The x* allocators print and exit on out-of-memory (a host tool has
 * nothing better to do). r9p_read_file returns 0 or -errno and hands
 * the caller a malloc'd buffer to free.
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

/* Read a whole file into *buf (NUL-terminated, not counted in *len). */
int r9p_read_file(const char *path, unsigned char **buf, size_t *len);
/* Milliseconds of CLOCK_MONOTONIC, for durations. */
uint64_t r9p_now_ms(void);

#endif
