/* SPDX-License-Identifier: MIT */
/*
 * init/modinfo.h - a module's "depends=" from its .modinfo strings.
 *
 * What modprobe reads through libkmod, found here by a scan of the file:
 * the image's modules are stored uncompressed (mkinitrd9p), and .modinfo
 * is a run of NUL-terminated "key=value" strings.
 */
#ifndef I9P_MODINFO_H
#define I9P_MODINFO_H

#include <stddef.h>

/*
 * Copy the comma-separated dependency names of the module at PATH into
 * OUT (LEN bytes; "" when it needs none). Returns 0 or -errno (-E2BIG
 * when they do not fit).
 */
int i9p_modinfo_depends(const char *path, char *out, size_t len);

/* The same over a module already in memory (BUF, SIZE bytes). */
int i9p_modinfo_depends_buf(const char *buf, size_t size, char *out,
			    size_t len);

#endif
