/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/decompress.h - recognise and decompress one gzip/xz/zstd stream.
 *
 * Used for compressed modules (.ko.xz/.ko.zst/.ko.gz) and for image
 * segments in --list. A stream ends where its format says it ends, so
 * the caller learns how many input bytes it used and can go on after it.
 */
#ifndef R9P_MKINITRD_DECOMPRESS_H
#define R9P_MKINITRD_DECOMPRESS_H

#include <stddef.h>

#include "mkinitrd/compress.h"

/*
 * The compression whose magic starts buf: R9P_COMP_GZIP/XZ/ZSTD, or
 * R9P_COMP_NONE when none of those. *other (may be NULL) names a known
 * format we cannot read (bzip2, lz4, lzma, lzo), else is NULL.
 */
enum r9p_comp r9p_comp_detect(const unsigned char *buf, size_t len,
			      const char **other);

/*
 * Decompress the one stream at in, to at most max bytes. On success
 * *out (malloc'd, caller frees) holds *outlen bytes and *used is the
 * input the stream took. Returns 0, -EBADMSG (corrupt or truncated),
 * -EFBIG (more than max bytes; stops there, never holds more than
 * max + 1), -ENOMEM or -EINVAL.
 */
int r9p_decompress(enum r9p_comp comp, const unsigned char *in, size_t inlen,
		   size_t max, unsigned char **out, size_t *outlen,
		   size_t *used);

#endif
