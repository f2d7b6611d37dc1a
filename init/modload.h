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

#include "engine/cmdline.h"

#define I9P_LIST_MAX 128	/* entries of root9p.load */
/* A module's name (a path's last part, or root9p.modules' entry) and the
 * hint of a failure (a sentence naming a module): bounded, cut if longer. */
#define I9P_MODNAME_MAX 256
#define I9P_HINT_MAX 256

struct i9p_modload {
	int loaded;		/* modules loaded (or already there) */
	const char *how;	/* "sequential", "parallel on 2 CPUs" ... */
	char failed[I9P_MODNAME_MAX];	/* the module that failed, on error */
	char hint[I9P_HINT_MAX];	/* what to try, on error */
};

/*
 * Load the list of the running kernel, then the names of C->modules
 * (root9p.modules=a,b), passing each its module.param=value entries from
 * the command line. Returns 0 or -errno, with R filled in.
 */
int i9p_modules_load(const struct r9p_cmdline *c, struct i9p_modload *r);

/* root9p.load's entries: full paths and module names, in list order. */
struct i9p_modlist {
	size_t n;
	char path[I9P_LIST_MAX][256];
	char name[I9P_LIST_MAX][64];
};

/*
 * finit_module() the module at PATH with its module.param=value entries
 * of C. Returns 0 (EEXIST counts as loaded: R->loaded grows) or -errno
 * with R->failed and R->hint set.
 */
int i9p_module_load(const struct r9p_cmdline *c, const char *path,
		    struct i9p_modload *r);

/*
 * Load ML: in list order, or (modrun.c) the bus driver's chain beside
 * the modules that need none of it when the guest has 2 CPUs or more.
 * Returns 0 or -errno, R filled in as by i9p_module_load() for the
 * failed module that comes first in the list.
 */
int i9p_modlist_run(const struct r9p_cmdline *c, const struct i9p_modlist *ml,
		    struct i9p_modload *r);

/* "9p" from "kernel/fs/9p/9p.ko" (into OUT, LEN bytes). */
void i9p_module_name(const char *path, char *out, size_t len);

#endif
