/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/moddir.h - find a kernel's module directory under a root.
 *
 * BASE/lib/modules/KVER first, then BASE/usr/lib/modules/KVER (Debian 13
 * ships its modules there), so a live system, an unpacked kernel package
 * or a `make modules_install INSTALL_MOD_PATH=BASE` tree all work.
 */
#ifndef R9P_MKINITRD_MODDIR_H
#define R9P_MKINITRD_MODDIR_H

#include "common/err.h"

/*
 * *dir (malloc'd) gets the directory, which has a modules.dep. Returns
 * 0 or -ENOENT with E filled, E->why naming the paths tried and the
 * kernel versions that are there, or the depmod command to run.
 */
int r9p_moddir_find(const char *base, const char *kver, char **dir,
		    struct r9p_err *e);

#endif
