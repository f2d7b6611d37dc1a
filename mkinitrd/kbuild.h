/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/kbuild.h - the modules of a kernel build tree after `make`
 * (no modules_install, no modules.dep): mkinitrd9p --kbuild DIR.
 */
#ifndef R9P_MKINITRD_KBUILD_H
#define R9P_MKINITRD_KBUILD_H

#include "mkinitrd/modules.h"

/*
 * As r9p_modules_resolve, for the build tree TREE: modules from
 * TREE/modules.order, built-ins from TREE/modules.builtin, dependencies
 * from each module's modinfo. Image paths are kernel/<path in the tree>.
 * Returns 0 or -errno with E filled, as r9p_modules_resolve.
 */
int r9p_kbuild_resolve(struct r9p_modset *ms, const char *tree, int mmio,
		       const char *const *extra, size_t nextra,
		       struct r9p_err *e);

#endif
