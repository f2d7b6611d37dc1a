/* SPDX-License-Identifier: MIT */
/*
 * mount9p/kernel.c - the kernel profile the options are checked against.
 *
 * A profile is just major.minor: 9p's option rules only changed at minor
 * releases (6.4 cache bitmask, 6.19 new mount API). mount9p --kernel
 * checks for another release than the running one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>

#include "mount9p/kernel.h"

/* Reads a decimal number at *P; advances *P. Returns -1 when none. */
static long read_num(const char **p)
{
	long v = 0;
	int digits = 0;

	while (**p >= '0' && **p <= '9' && digits < 6) {
		v = v * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	return digits ? v : -1;
}

int r9p_kernel_parse(const char *release, struct r9p_kernel *k)
{
	const char *p = release;
	long major, minor;

	if (!p)
		return -EINVAL;
	major = read_num(&p);
	if (major < 0 || *p++ != '.')
		return -EINVAL;
	minor = read_num(&p);
	/* "6.1.0-28-amd64", "6.12", "6.19-rc1": anything may follow. */
	if (minor < 0 || (*p >= '0' && *p <= '9'))
		return -EINVAL;
	k->major = (unsigned)major;
	k->minor = (unsigned)minor;
	return 0;
}

int r9p_kernel_running(struct r9p_kernel *k)
{
	struct utsname u;

	if (uname(&u) < 0)
		return -errno;
	return r9p_kernel_parse(u.release, k);
}

int r9p_kernel_at_least(const struct r9p_kernel *k, unsigned major,
			unsigned minor)
{
	return k->major > major || (k->major == major && k->minor >= minor);
}

const char *r9p_kernel_name(const struct r9p_kernel *k, char *buf,
			    size_t len)
{
	if (!k || !k->major)
		snprintf(buf, len, "this kernel");
	else
		snprintf(buf, len, "Linux %u.%u", k->major, k->minor);
	return buf;
}
