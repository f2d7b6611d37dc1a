/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/modules.h - which kernel modules the image needs, and in what order.
 *
 * The only user of libkmod (modules.c). Given a kernel's module directory
 * and module names (names or aliases, '-' or '_'), resolve the closure
 * over dependencies and "pre:" soft dependencies, skipping built-ins, and
 * order it with loadlist.c. A failure returns -errno with a struct
 * r9p_err filled (E->code the same -errno, E->why the whole message).
 */
#ifndef R9P_MKINITRD_MODULES_H
#define R9P_MKINITRD_MODULES_H

#include <stddef.h>

#include "common/err.h"

struct r9p_module {
	char *name;	/* as the kernel knows it, e.g. "9pnet_virtio" */
	char *path;	/* file on the host, maybe .ko.xz/.ko.zst/.ko.gz */
	char *relpath;	/* in the image under /lib/modules/KVER, ends in .ko */
	size_t *deps;	/* indices into r9p_modset.v */
	size_t ndeps;
};

struct r9p_modset {
	struct r9p_module *v;
	size_t n;
	size_t *order;		/* indices into v, dependencies first */
	char **builtin;		/* asked-for names that are built in */
	size_t nbuiltin;
	int auto_other;		/* --fstype auto: the kernel has the other
				 * filesystem too (1), or not (0) */
};

/* The root filesystem an image is for (--fstype). */
enum r9p_mods_fs {
	R9P_MODS_AUTO = -1,	/* 9p when the kernel has it, else virtiofs */
	R9P_MODS_9P = 0,
	R9P_MODS_VIRTIOFS = 1,
};

/*
 * Resolve what a 9p root needs (virtio_pci, 9pnet_virtio, 9p; with mmio
 * set, virtio_mmio instead of virtio_pci: the bus the 9p device sits on),
 * or with *FS R9P_MODS_VIRTIOFS what a virtiofs root needs (virtio_pci,
 * fuse, virtiofs), plus extra[0..nextra), and their closure. *FS
 * R9P_MODS_AUTO becomes the one chosen (ms->auto_other says whether the
 * kernel has the other one too). Every name must be a module or
 * built in; a kernel lacking a required one is refused by name.
 */
int r9p_modules_resolve(struct r9p_modset *ms, const char *dir,
			const char *kver, int mmio, int *fs,
			const char *const *extra, size_t nextra,
			struct r9p_err *e);

void r9p_modset_free(struct r9p_modset *ms);

/* Order MS (its deps filled) into ms->order from ROOTS; -ELOOP on a cycle. */
int r9p_modset_order(struct r9p_modset *ms, const size_t *roots,
		     size_t nroots, struct r9p_err *e);

/* The message for a kernel lacking the MISSING[i] of REQ (malloc'd); the
 * root named is virtiofs when VIRTIOFS, else 9p. */
struct r9p_root_module;
char *r9p_modules_explain_missing(const struct r9p_root_module *const *req,
				  const int *missing, const char *dir,
				  const char *kver, int virtiofs);

/*
 * The modinfo "depends" ("a,b") and "softdep" ("pre: a post: b", several
 * joined) of the module file PATH, read by libkmod; malloc'd, "" when
 * absent. For a build tree, which has no modules.dep. 0 or -errno.
 */
int r9p_module_file_deps(const char *path, char **depends, char **softdep);

#endif
