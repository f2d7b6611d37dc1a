/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/scratch.c - mkinitrd9p --scratch: the blkid9p helper at
 * /bin/blkid9p, where the root engine looks for it (engine/scratch.h),
 * so init9p can find scratch disks by LABEL= or UUID=. The modules
 * (r9p_scratch_modules) are added by main.c with the others.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkinitrd/elf.h"
#include "mkinitrd/image.h"
#include "mkinitrd/util.h"

/* The step of a struct r9p_err of this file (its why says the rest). */
#define SCRATCH_STEP "add the scratch-disk helper"

int r9p_image_add_scratch(struct r9p_cpio *c, const char *helper,
			  const char *init, int verbose, struct r9p_err *e)
{
	char *copy, *path;
	unsigned char *buf;
	size_t len;
	int err;

	/* By default the one built beside init9p (make puts it there). */
	if (helper) {
		path = xstrdup(helper);
	} else {
		copy = xstrdup(init);
		path = xasprintf("%s/blkid9p", dirname(copy));
		free(copy);
	}
	err = r9p_read_file(path, &buf, &len);
	if (err) {
		r9p_errf(e, SCRATCH_STEP, err, NULL,
			 "read scratch-disk helper %s: %s: run make "
			 "(it needs libblkid-dev), or give "
			 "--scratch=PATH", path, r9p_read_strerror(err));
		free(path);
		return err;
	}
	/* The initrd has no libraries: only a static helper can run. */
	if (r9p_elf_is_static(buf, len) != 1) {
		r9p_errf(e, SCRATCH_STEP, -ENOEXEC, NULL,
			 "use %s as blkid9p: not a static executable",
			 path);
		free(buf);
		free(path);
		return -ENOEXEC;
	}
	if (verbose)
		fprintf(stderr, "mkinitrd9p: /bin/blkid9p <- %s\n", path);
	free(path);
	err = r9p_cpio_add_file(c, "bin/blkid9p", 0755, buf, len);
	if (err)
		r9p_errf(e, SCRATCH_STEP, err, NULL,
			 "add /bin/blkid9p: %s", strerror(-err));
	return err;
}
