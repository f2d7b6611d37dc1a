/* SPDX-License-Identifier: MIT */
/*
 * init/modload.h - load the image's modules with finit_module(2).
 *
 * mkinitrd9p writes /lib/modules/KVER/root9p.load, one path per line
 * relative to that folder, dependencies first; init9p loads them in that
 * order. A module already loaded (EEXIST) counts as loaded.
 */
#ifndef I9P_MODLOAD_H
#define I9P_MODLOAD_H

#include <stddef.h>

#include "mount9p/cmdline.h"

struct i9p_modload {
	int loaded;		/* modules loaded (or already there) */
	char failed[256];	/* the module that failed, on error */
	char hint[256];		/* what to try, on error */
};

/*
 * Load the list of the running kernel, then the names of C->modules
 * (root9p.modules=a,b), passing each its module.param=value entries from
 * the command line. Returns 0 or -errno, with R filled in.
 */
int i9p_modules_load(const struct r9p_cmdline *c, struct i9p_modload *r);

/* "9p" from "kernel/fs/9p/9p.ko" (into OUT, LEN bytes). */
void i9p_module_name(const char *path, char *out, size_t len);

#endif
