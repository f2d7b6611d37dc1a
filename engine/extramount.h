/* SPDX-License-Identifier: MIT */
/*
 * engine/extramount.h - extra 9p shares mounted in the new root before
 * switch_root: root9p.mount=TAG:/path[:opts], repeatable. With
 * trans=tcp in opts, TAG is the 9p server's IPv4 address (ip= brings the
 * network up) and there is no virtio tag to wait for.
 *
 * Checked with the root's own option library; a bad entry is a warning
 * and is left out, never the end of the boot (DESIGN.md, "Extra
 * shares"). Mounting them is r9p_root_mount_extra (root.h).
 */
#ifndef R9P_EXTRAMOUNT_H
#define R9P_EXTRAMOUNT_H

#include <stddef.h>

#include "common/err.h"
#include "engine/cmdline.h"
#include "mount9p/diag.h"
#include "mount9p/kernel.h"
#include "mount9p/opts.h"

#define R9P_EXTRA_PATH_MAX 256
/* One entry as r9p_extra_describe writes it, " TAG:PATH:ro,DATA": the
 * data (R9P_DATA_MAX), the tag (64), the path (R9P_EXTRA_PATH_MAX) and
 * six separators fit. */
#define R9P_EXTRA_DESCRIBED_MAX (R9P_DATA_MAX + 340)

struct r9p_extra {
	char tag[64];
	char path[R9P_EXTRA_PATH_MAX];	/* absolute, no . or .. parts */
	unsigned long mflags;		/* as r9p_opts */
	int rdonly;			/* 1 ro, 0 rw (the default) */
	char data[R9P_DATA_MAX];	/* normalized 9p options */
};

struct r9p_extras {
	int n;
	struct r9p_extra m[R9P_CMDLINE_MOUNTS];
};

/*
 * Check one value TAG:/path[:opts] for kernel K into X. Returns 0, or
 * -EINVAL with E filled (E->why naming the value and what to write).
 */
int r9p_extra_parse_one(const char *value, const struct r9p_kernel *k,
			struct r9p_extra *x, struct r9p_err *e);

/*
 * All of C's root9p.mount= values into X: a refused one (and any past
 * R9P_CMDLINE_MOUNTS) becomes a warning in D and is left out. Returns
 * the number kept.
 */
int r9p_extra_parse(const struct r9p_cmdline *c, const struct r9p_kernel *k,
		    struct r9p_extras *x, struct r9p_diags *d);

/* X as "TAG:/path:flags,data" words separated by spaces, into BUF. */
char *r9p_extra_describe(const struct r9p_extras *x, char *buf, size_t len);

#endif
