/* SPDX-License-Identifier: MIT */
/*
 * mount9p/virtiofs.h - virtiofs, root9p's second root transport: its tags
 * in sysfs, its mount options, the tag rules.
 *
 * The root engine (root.c, rootmount.c) calls these when the command line
 * names a virtiofs root (rootfstype=virtiofs, root=virtiofs:TAG); the 9p
 * side stays in tags.c and opts.c. Nothing here prints: messages go to a
 * caller's r9p_diags. sysfs is read under r9p_tags_set_sysfs()'s tree.
 */
#ifndef R9P_VIRTIOFS_H
#define R9P_VIRTIOFS_H

#include <stddef.h>

#include "mount9p/kernel.h"
#include "mount9p/opts.h"

/* struct virtio_fs_config's tag[36]: UTF-8, NUL-padded, not terminated
 * when full (include/uapi/linux/virtio_fs.h); QEMU refuses longer. */
#define R9P_VIRTIOFS_TAG_MAX 36

/*
 * 1 when TAG is a virtiofs device of this guest, 0 when not (yet), -errno
 * on a read error. Kernels before 6.9 do not publish virtiofs tags
 * (/sys/fs/virtiofs/N/tag came in 6.9): there any bound virtiofs device
 * counts as present, and the mount itself tells a wrong tag (EINVAL,
 * "virtio-fs: tag <T> not found" in dmesg).
 */
int r9p_virtiofs_tag_present(const char *tag);

/* The virtiofs tags as "a, b" into BUF ("none", or "N devices, tags not
 * listed by this kernel" before 6.9). Returns BUF. */
char *r9p_virtiofs_tags_describe(char *buf, int len);

/* 1 when this kernel lists virtiofs tags in sysfs (6.9+, once the
 * virtiofs driver is in), else 0. */
int r9p_virtiofs_tags_listed(void);

/* An empty or over-long (> 36 bytes) tag is an error: 0 or -EINVAL. */
int r9p_virtiofs_tag_check(const char *tag, struct r9p_diags *d);

/*
 * Parse TEXT (rootflags for a virtiofs root) for kernel K into O, as
 * r9p_opts_parse does for 9p: generic words become mount flags, dax and
 * dax=MODE are checked, anything else is refused (virtiofs' fs_parser
 * answers EINVAL to an unknown key, unlike 9p), with the reason (a 9p
 * option, a virtiofsd option). Returns 0 or -EINVAL.
 */
int r9p_virtiofs_opts_parse(const char *text, const struct r9p_kernel *k,
		       struct r9p_opts *o);

/* For --explain: one EMIT per option of O->data, as r9p_opts_explain. */
void r9p_virtiofs_opts_explain(const struct r9p_opts *o,
			  void (*emit)(void *ctx, const char *key,
				       const char *value, const char *meaning),
			  void *ctx);

/* What to try after the virtiofs mount failed with ERR. Never NULL. */
const char *r9p_virtiofs_mount_hint(int err);

#endif
