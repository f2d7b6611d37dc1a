/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/image.h - decide what goes into a root9p initrd.
 *
 * Fills a r9p_cpio with the layout of DESIGN.md: /init, the skeleton
 * directories and /dev/console, the modules (decompressed) and their
 * load list, and optionally a busybox rescue shell. Returns 0 or -errno
 * with E filled (E->code the same -errno): E->why is mkinitrd9p's whole
 * message, "ACTION TARGET: REASON: what to try", printed as it is.
 */
#ifndef R9P_MKINITRD_IMAGE_H
#define R9P_MKINITRD_IMAGE_H

#include "common/err.h"
#include "mkinitrd/cpio.h"
#include "mkinitrd/modules.h"

/* Where `make install` puts init9p; the build passes $(PREFIX)/lib/root9p. */
#ifndef LIBEXECDIR
#define LIBEXECDIR "/usr/local/lib/root9p"
#endif

struct r9p_image_opts {
	const char *kver;
	const char *init;		/* host path of init9p */
	const char *rescue;		/* busybox to add, or NULL */
	int scratch;			/* --scratch: add blkid9p */
	const char *scratch_helper;	/* its host path, NULL: beside init */
	const struct r9p_modset *ms;
	int verbose;			/* describe each step on stderr */
};

/* Where init9p is when --init is not given: the first one built for
 * machine (any when machine is 0); *path is malloc'd. */
int r9p_image_find_init(int machine, char **path, struct r9p_err *e);
/* The ELF machine of the tree's modules (EM_AARCH64 ...), 0 if unknown. */
int r9p_image_tree_machine(const struct r9p_modset *ms);

int r9p_image_collect(struct r9p_cpio *c, const struct r9p_image_opts *o,
		      struct r9p_err *e);

/* rescue.c: busybox, one symlink per applet, and mount9p if static. */
int r9p_image_add_rescue(struct r9p_cpio *c, const char *busybox,
			 const char *init, int verbose, struct r9p_err *e);

/* scratch.c: blkid9p (HELPER, NULL: beside INIT) at /bin/blkid9p. */
int r9p_image_add_scratch(struct r9p_cpio *c, const char *helper,
			  const char *init, int verbose, struct r9p_err *e);

#endif
