/* SPDX-License-Identifier: MIT */
/*
 * mount9p/kernel.h - which kernel the options are checked against.
 *
 * 9p's option set changed over time (cache modes in 6.4, noxattr ...), so
 * every check takes a kernel profile: the running kernel by default, or
 * one named by the caller (tests, --kernel, a host building an image).
 */
#ifndef R9P_KERNEL_H
#define R9P_KERNEL_H

#include <stddef.h>

struct r9p_kernel {
	unsigned major;
	unsigned minor;
};

/* "6.1.0-28-amd64" -> {6, 1}. Returns 0 or -EINVAL. */
int r9p_kernel_parse(const char *release, struct r9p_kernel *k);

/*
 * The running kernel from uname(2) (callers that check for another kernel
 * parse its release with r9p_kernel_parse: mount9p --kernel). Returns 0
 * or -errno.
 */
int r9p_kernel_running(struct r9p_kernel *k);

/* Nonzero when K is at least MAJOR.MINOR. */
int r9p_kernel_at_least(const struct r9p_kernel *k, unsigned major,
			unsigned minor);

/* "Linux 6.1" for messages ("this kernel" for {0, 0}). Returns BUF. */
const char *r9p_kernel_name(const struct r9p_kernel *k, char *buf,
			    size_t len);

#endif
