/* SPDX-License-Identifier: MIT */
/*
 * engine/scratch.h - scratch disks named by LABEL= or UUID=: /tmp and
 * swap on a virtio-blk disk whatever its device name (vda or vdb).
 *
 * Identifying file systems is libblkid's job; klibc cannot link it, so
 * the engine execs the static helper blkid9p (blkid9p/blkid9p.c), which
 * mkinitrd9p --scratch and the distro hooks put in their images. The
 * engine, the helper and its place are the same for init9p and for
 * `mount9p --root` (initramfs-tools, dracut): one rule, one place.
 */
#ifndef R9P_SCRATCH_H
#define R9P_SCRATCH_H

#include <stddef.h>

#include "common/err.h"

/* Where the engine looks for the helper, first found wins. */
#define R9P_BLKID9P_PATHS { "/bin/blkid9p", "/sbin/blkid9p", \
	"/usr/sbin/blkid9p", "/usr/lib/root9p/blkid9p", \
	"/usr/local/lib/root9p/blkid9p", NULL }

/* Modules a scratch disk needs (rootmods.c), NULL-terminated. */
extern const char *const r9p_scratch_modules[];

/* mkfs programs the engine may run for ",mkfs", first found wins:
 * busybox's mke2fs (mkinitrd9p --rescue-shell) or e2fsprogs'. */
#define R9P_MKFS_PATHS { "/sbin/mke2fs", "/bin/mke2fs", \
	"/usr/sbin/mke2fs", "/sbin/mkfs.ext4", "/usr/sbin/mkfs.ext4", NULL }

/* A disk asked for on the command line: "LABEL=x" or "UUID=y", and
 * ",mkfs": format the one blank disk (no signature at all) as LABEL=x
 * when no disk has that label. */
struct r9p_scratch {
	char spec[160];		/* "" when none */
	int mkfs;
};

/*
 * Read KEY's VALUE ("root9p.tmp" ...) into S. Returns 1 when VALUE names
 * a disk (LABEL=x or UUID=y, then ",mkfs" if MKFS_OK and the name is a
 * LABEL=), 0 when it does not (S->spec "": the caller gives VALUE its
 * other meanings), -EINVAL when it names one badly (E filled, E->why
 * naming KEY=VALUE and what to write).
 */
int r9p_scratch_parse(const char *key, const char *value, int mkfs_ok,
		      struct r9p_scratch *s, struct r9p_err *e);

/*
 * Does TMP, SWAP or OVERLAY (the values of root9p.tmp, .swap, .overlay)
 * name a disk? Then r9p_scratch_modules are wanted (root.c's
 * r9p_root_wanted_modules, the one list of the engine and --modules).
 */
int r9p_scratch_wanted(const char *tmp, const char *swap, const char *overlay);

/*
 * Find S's disk, asking blkid9p again every 100 ms until TIMEOUT_MS (< 0:
 * forever) is over: virtio-blk probes asynchronously. 0 with DEV
 * ("/dev/vdb") and FSTYPE ("ext4"); else -errno with E filled (E->code
 * the same -errno; E->why says what is missing and the disks found):
 * -ENOENT when it is not there, -ENOEXEC when blkid9p is not in the
 * image. PROGRESS, when not NULL, is called every 5 s.
 * With S->mkfs, a label still missing at the end makes the one blank
 * disk (blkid9p blank-disks: whole, writable, no signature) formatted
 * with LABEL (FORMATTED set to 1); never a disk with any signature.
 */
int r9p_scratch_find(const struct r9p_scratch *s, long long timeout_ms,
		     void (*progress)(void *ctx, long long waited_ms),
		     void *ctx, char *dev, size_t dev_len, char *fstype,
		     size_t fstype_len, int *formatted, struct r9p_err *e);

/* Turn swap on on DEV (the caller checked FSTYPE "swap"). 0 or -errno. */
int r9p_scratch_swapon(const char *dev);

#endif
