/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/kconfig.h - what a kernel's own config says it can unpack.
 *
 * The image is useless to a kernel that cannot decompress it: it says
 * "invalid magic" at boot and panics without a root. The config file
 * (BASE/boot/config-KVER, or a build tree's .config) settles it before the
 * image is written.
 */
#ifndef R9P_MKINITRD_KCONFIG_H
#define R9P_MKINITRD_KCONFIG_H

#include "mkinitrd/compress.h"

/* The CONFIG_RD_* symbol COMP needs ("CONFIG_RD_ZSTD"), NULL for none. */
const char *r9p_kconfig_rd_symbol(enum r9p_comp comp);

/* What one read of a config says: CONFIG_BLK_DEV_INITRD=y, and for each
 * compression its CONFIG_RD_*=y (none: always 1). */
struct r9p_kconfig {
	int initrd;
	int rd[R9P_COMP_NCOMP];
};

/* Read the config file PATH into K. 0, or -errno when PATH cannot be read
 * (a tree without a config: nothing is known). */
int r9p_kconfig_read(const char *path, struct r9p_kconfig *k);

#endif
