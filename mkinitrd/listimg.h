/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/listimg.h - print the contents of an initrd (--list).
 *
 * Any newc initrd: ours or a distribution's, uncompressed or gzip/xz/
 * zstd, several archives concatenated (an early-microcode cpio then a
 * compressed one), zero padding between them. Returns 0 or -errno with
 * E filled, E->why naming the file and the offset that could not be
 * read; -EFBIG when the file, or all its segments decompressed, exceed
 * the limit.
 * Names and link targets are printed escaped (r9p_list_put_escaped).
 */
#ifndef R9P_MKINITRD_LISTIMG_H
#define R9P_MKINITRD_LISTIMG_H

#include <stdio.h>

#include "common/err.h"

/* Bigger than any real initrd, read and decompressed (1 GiB). */
#define R9P_LIST_MAX ((size_t)1 << 30)

/* r9p_list_image_max with R9P_LIST_MAX. */
int r9p_list_image(const char *path, FILE *out, struct r9p_err *e);
/* List with max bytes allowed for the file and for all its segments
 * decompressed (at least 1 MiB, so that the messages can say MiB). */
int r9p_list_image_max(const char *path, FILE *out, size_t max,
		       struct r9p_err *e);

/*
 * Print len bytes of s with backslash as \\ and every byte outside
 * printable ASCII (controls, DEL, >= 0x80) as \ooo, like ls -b: an
 * image's names can then carry no terminal escape.
 */
void r9p_list_put_escaped(FILE *out, const char *s, size_t len);

#endif
