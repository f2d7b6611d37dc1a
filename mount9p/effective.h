/* SPDX-License-Identifier: MIT */
/*
 * mount9p/effective.h - what the kernel really did with a 9p mount.
 *
 * The kernel clamps msize, drops unknown options and prints cache modes
 * its own way (6.1: cache=mmap, 6.4+: cache=0x5). This reads the mount
 * back from /proc/self/mountinfo (r9p_mountinfo_set_proc() for tests) and says what
 * differs from the request.
 */
#ifndef R9P_EFFECTIVE_H
#define R9P_EFFECTIVE_H

#include "opts.h"

struct r9p_effective {
	char source[256];	/* the tag */
	char fstype[16];	/* "9p" */
	char mount_opts[256];	/* per-mount: rw,relatime ... */
	char super_opts[R9P_DATA_MAX]; /* per-superblock: msize=...,cache=... */
	unsigned long msize;	/* 0 when not shown */
	char cache[32];		/* as the kernel shows it: "mmap", "0x5", "" */
	int rdonly;
	int posixacl;
};

/*
 * Read the mount whose mount point is DIR (the last one, when stacked).
 * Returns 0, -ENOENT when DIR is not a mount point, or -errno.
 */
int r9p_effective_read(const char *dir, struct r9p_effective *e);

/*
 * Fill E from one mountinfo LINE (split in place, see mountinfo.h).
 * Returns 0 or -EINVAL for a malformed line.
 */
int r9p_effective_parse_line(char *line, struct r9p_effective *e);

/*
 * Compare request REQ with E for kernel K; append one R9P_INFO per
 * difference ("msize 5000000 requested, kernel uses 512000 (virtio
 * maximum)") to OUT.
 */
void r9p_effective_compare(const struct r9p_opts *req,
			   const struct r9p_effective *e,
			   const struct r9p_kernel *k, struct r9p_diags *out);

#endif
