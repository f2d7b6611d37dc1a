/* SPDX-License-Identifier: MIT */
/*
 * engine/upper.h - where an overlay root's changes go: the upper layer's
 * source, from root9p.overlay=VALUE.
 *
 * One small abstraction so that a new source (a block device by LABEL= or
 * UUID=) is one more row in upper.c: parse the value, describe it, mount
 * it on a folder that then holds upper/ and work/ (same filesystem, as
 * overlayfs wants). Nothing here prints; errors come back as text.
 */
#ifndef R9P_UPPER_H
#define R9P_UPPER_H

#include <stddef.h>

#include "engine/scratch.h"
#include "mount9p/kernel.h"

enum r9p_upper_kind {
	R9P_UPPER_NONE,		/* no overlay: the 9p root itself */
	R9P_UPPER_TMPFS,	/* root9p.overlay=tmpfs: changes die at poweroff */
	R9P_UPPER_TAG,		/* root9p.overlay=TAG: a second 9p share */
	R9P_UPPER_DISK,		/* root9p.overlay=LABEL=x|UUID=y (scratch.h) */
};

struct r9p_upper {
	enum r9p_upper_kind kind;
	char tag[64];		/* R9P_UPPER_TAG: the share's mount tag */
	struct r9p_scratch disk;	/* R9P_UPPER_DISK */
};

/*
 * Parse root9p.overlay's VALUE ("" or absent: none) into U. Returns 0, or
 * -EINVAL with E filled (E->why naming the value and what to write).
 */
int r9p_upper_parse(const char *value, struct r9p_upper *u,
		    struct r9p_err *e);

/* overlayfs options U's source needs ("" or ",opt..."), after
 * R9P_OVERLAY_OPTS. */
const char *r9p_upper_overlay_opts(const struct r9p_upper *u);

/* "tmpfs", "9p tag TAG" or "none", into BUF. Returns BUF. */
char *r9p_upper_describe(const struct r9p_upper *u, char *buf, size_t len);

/* The command-line form ("tmpfs", "TAG", "" for none), into BUF. */
char *r9p_upper_value(const struct r9p_upper *u, char *buf, size_t len);

/*
 * Mount U's source on DIR (an empty folder of the initramfs) for kernel
 * K, waiting TIMEOUT_MS (< 0: forever) for a tag, then make DIR/upper and
 * DIR/work (kept when they exist as real folders). Returns 0, or -errno
 * with E filled (E->code the same -errno): E->why says which step failed
 * and what to try.
 */
int r9p_upper_mount(const struct r9p_upper *u, const char *dir,
		    const struct r9p_kernel *k, long long timeout_ms,
		    struct r9p_err *e);

#endif
