/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/compress.h - compress the image as it is written, deterministically.
 *
 * A stream writes compressed bytes to an fd: gzip (zlib, header with
 * mtime 0 and no name), xz (liblzma, LZMA2 preset, CRC32 check: the
 * kernel's decoder knows no other), zstd (checksum) or none, each at a
 * level (default: gzip 6, xz 0, zstd 3; DESIGN.md says why).
 * Functions return 0 or -errno; library failures become -EIO/-ENOMEM.
 */
#ifndef R9P_MKINITRD_COMPRESS_H
#define R9P_MKINITRD_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

enum r9p_comp {
	R9P_COMP_NONE,
	R9P_COMP_GZIP,
	R9P_COMP_XZ,
	R9P_COMP_ZSTD,
	R9P_COMP_NCOMP
};

struct r9p_zout;

/* "none", "gzip", "xz", "zstd". */
const char *r9p_comp_name(enum r9p_comp comp);
/* "NAME" or "NAME:LEVEL" to enum and level (NAME's default without one);
 * -EINVAL for an unknown name, -ERANGE for a level out of its range. */
int r9p_comp_parse(const char *spec, enum r9p_comp *comp, int *level);
/* COMP's default level (or -EINVAL), its range in *MIN, *MAX. */
int r9p_comp_level_range(enum r9p_comp comp, int *min, int *max);

/* Start a stream writing to fd (the caller keeps owning fd), at COMP's
 * default level or at LEVEL (-EINVAL out of its range). */
int r9p_zout_open(struct r9p_zout **z, enum r9p_comp comp, int fd);
int r9p_zout_open_level(struct r9p_zout **z, enum r9p_comp comp, int level,
			int fd);
/* Feed bytes; the signature fits r9p_cpio_sink (ctx is the stream). */
int r9p_zout_write(void *z, const void *buf, size_t len);
/* End the stream; *written = compressed bytes sent to fd. Frees z. */
int r9p_zout_finish(struct r9p_zout *z, uint64_t *written);
/* Drop a stream without finishing it (after an error). */
void r9p_zout_free(struct r9p_zout *z);

#endif
