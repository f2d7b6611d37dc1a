/* SPDX-License-Identifier: MIT */
/*
 * engine/overlay.h - an overlay root (root9p.overlay=): the 9p root
 * read-only as the lower layer, an upper layer from upper.h, overlayfs on
 * NEWROOT.
 *
 * The layers are mounted under R9P_OVERLAY_DIR, on the initramfs's /run
 * (a tmpfs is put there when /run is not one already, as initramfs-tools
 * and dracut have it): every boot path moves /run into the new root, so
 * the booted system sees its layers at /run/root9p/lower and
 * /run/root9p/rw/{upper,work}. DESIGN.md, "Overlay roots", says why the
 * options are what they are.
 */
#ifndef R9P_OVERLAY_H
#define R9P_OVERLAY_H

#include "engine/root.h"

#define R9P_OVERLAY_DIR "/run/root9p"
#define R9P_OVERLAY_LOWER R9P_OVERLAY_DIR "/lower"
#define R9P_OVERLAY_RW R9P_OVERLAY_DIR "/rw"
/*
 * overlayfs options beside the layers (and the upper's own, upper.c): 9p
 * has no file handles (index, nfs_export), its 64-bit inode numbers leave
 * xino no spare bits, metacopy would leave files half in the upper.
 */
#define R9P_OVERLAY_OPTS "index=off,xino=off,metacopy=off"
/* The lower's cache mode when rootflags says none (bench/overlay.sh). */
#define R9P_OVERLAY_LOWER_CACHE "loose"

/*
 * Mount R's overlay root on NEWROOT: /run as a tmpfs if needed, the 9p
 * root read-only on R9P_OVERLAY_LOWER (r9p_root_mount_tag), the upper
 * source on R9P_OVERLAY_RW, overlayfs on NEWROOT. A NEWROOT mounted
 * already is left as it is. Returns 0, or -1 with F filled.
 */
int r9p_overlay_mount(const struct r9p_root *r, const char *newroot,
		      long long start_ms, r9p_say_fn say, void *ctx,
		      struct r9p_err *f);

#endif
