/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/listimg.h - print the contents of an initrd (--list).
 *
 * Any newc initrd: ours or a distribution's, uncompressed or gzip/xz/
 * zstd, several archives concatenated (an early-microcode cpio then a
 * compressed one), zero padding between them. Returns 0 or -errno with
 * *why naming the file and the offset that could not be read.
 */
#ifndef R9P_MKINITRD_LISTIMG_H
#define R9P_MKINITRD_LISTIMG_H

#include <stdio.h>

int r9p_list_image(const char *path, FILE *out, char **why);

#endif
