/* SPDX-License-Identifier: MIT */
/*
 * mount9p/opts.h - 9p mount options: parse, validate, fill defaults,
 * normalize.
 *
 * One table (opts.c) describes every option of Linux 6.1 through 6.19 and
 * which kernels take which values. The result is what mount(2) needs:
 * generic words (ro, nosuid, noatime ...) become mount flags, the rest a
 * normalized data string. Problems land in o->diags.
 */
#ifndef R9P_OPTS_H
#define R9P_OPTS_H

#include <stddef.h>

#include "diag.h"
#include "kernel.h"

#define R9P_DATA_MAX 1024

/* Flags for r9p_opts_parse(). */
#define R9P_DEFAULTS	0x1	/* fill root9p's defaults for missing keys */

/* root9p's defaults (DESIGN.md), used with R9P_DEFAULTS. */
#define R9P_DEFAULT_TRANS	"virtio"
#define R9P_DEFAULT_VERSION	"9p2000.L"
#define R9P_DEFAULT_MSIZE	512000UL
#define R9P_DEFAULT_CACHE	"mmap"

/* The virtio transport's largest msize with 4 KiB pages. */
#define R9P_VIRTIO_MSIZE_MAX	512000UL

struct r9p_opts {
	unsigned long mflags;	/* MS_NOSUID, MS_NODEV, MS_NOATIME ... */
	int rdonly;		/* -1 not said, 0 "rw", 1 "ro" (last wins) */
	char data[R9P_DATA_MAX];/* normalized 9p options for mount(2) */
	unsigned long msize;	/* requested msize after defaults, 0 if none */
	char cache[32];		/* requested cache mode after defaults, "" if none */
	char trans[16];		/* requested transport after defaults */
	char version[16];	/* requested protocol version after defaults */
	int posixacl;		/* posixacl asked for */
	char access[16];	/* requested access= mode, "" if none */
	unsigned defaulted;	/* R9P_DEF_* filled in by R9P_DEFAULTS */
	struct r9p_diags diags;
};

/* Bits of r9p_opts.defaulted: which keys came from root9p's defaults. */
#define R9P_DEF_TRANS	0x1
#define R9P_DEF_VERSION	0x2
#define R9P_DEF_MSIZE	0x4
#define R9P_DEF_CACHE	0x8

/*
 * Parse TEXT (a comma-separated rootflags/-o string; NULL or "" is fine)
 * for kernel K into O, which the caller owns (no allocation inside).
 * Returns 0 when the mount may go ahead (warnings may be in O->diags),
 * -EINVAL when at least one error was recorded: do not mount.
 */
int r9p_opts_parse(const char *text, const struct r9p_kernel *k,
		   unsigned flags, struct r9p_opts *o);

/*
 * For --explain: one line per option of O->data with its meaning.
 * Calls EMIT(ctx, key, value_or_NULL, meaning) for each, in order.
 */
void r9p_opts_explain(const struct r9p_opts *o, const struct r9p_kernel *k,
		      void (*emit)(void *ctx, const char *key,
				   const char *value, const char *meaning),
		      void *ctx);

/*
 * The mount flags of O as words ("ro,nosuid,nodev"; "" when none) in BUF.
 * Returns BUF.
 */
char *r9p_opts_flags(const struct r9p_opts *o, char *buf, size_t len);

/* Like r9p_opts_explain, for the mount flags (ro, nosuid ...) of O. */
void r9p_opts_explain_flags(const struct r9p_opts *o,
			    void (*emit)(void *ctx, const char *key,
					 const char *value, const char *meaning),
			    void *ctx);

#endif
