/* SPDX-License-Identifier: MIT */
/*
 * engine/root.h - the root step of a 9p-root boot, in one place: from the
 * kernel command line to a mounted root with its tmpfs on /tmp.
 *
 * init9p, `mount9p --root` / `--check` and, through them, the
 * initramfs-tools and dracut hooks all call this, so a rule (which keys,
 * how long to wait, ro/rw precedence, the /tmp policy, the module list,
 * every message) lives here only. Nothing here exits or prints: messages
 * go to the caller's r9p_say_fn, a failure comes back in a struct r9p_err
 * (common/err.h) whose code is an enum r9p_root_exit.
 */
#ifndef R9P_ROOT_H
#define R9P_ROOT_H

#include "common/err.h"
#include "engine/cmdline.h"
#include "engine/extramount.h"
#include "engine/scratch.h"
#include "engine/upper.h"
#include "mount9p/exit.h"
#include "mount9p/kernel.h"
#include "mount9p/opts.h"
#include "mount9p/tags.h"
#include "mount9p/virtiofs.h"
#include "tmpfs/tmpfs.h"

/* What a 9p root needs from the kernel (engine/rootmods.c). */
struct r9p_root_module {
	const char *name;	/* "9pnet_virtio" */
	const char *what;	/* "9p virtio transport", for messages */
	const char *config;	/* "CONFIG_NET_9P_VIRTIO" */
};
#define R9P_ROOT_NMODULES 3
extern const struct r9p_root_module r9p_root_modules[R9P_ROOT_NMODULES];
/* The bus driver of virtio-mmio machines, for r9p_root_modules[0]. */
extern const struct r9p_root_module r9p_root_mmio_bus;
/* What a virtiofs root needs instead (the same bus driver first). */
extern const struct r9p_root_module r9p_root_virtiofs_modules[R9P_ROOT_NMODULES];

/* Priorities as the kernel log has them; callers map them to their own
 * log (init9p: /dev/kmsg; mount9p: stderr or /dev/kmsg). */
enum r9p_say_level {
	R9P_SAY_ERR = 3, R9P_SAY_WARN = 4, R9P_SAY_INFO = 6, R9P_SAY_DEBUG = 7,
};
typedef void (*r9p_say_fn)(void *ctx, int level, const char *text);

/* The root step's settings, all from the command line. */
struct r9p_root {
	int is9p;		/* root= names a root of root9p's: 9p or,
				 * with virtiofs set, virtiofs */
	int virtiofs;		/* rootfstype=virtiofs or root=virtiofs:TAG */
	const char *tag;	/* into the r9p_cmdline it came from */
	const char *rootflags;	/* as given */
	struct r9p_kernel kernel;
	struct r9p_opts opts;	/* rootflags normalized, rdonly decided */
	struct r9p_tmp tmp;
	int tmp_checked;	/* root9p.tmp was read and is valid */
	struct r9p_scratch tmp_disk;	/* root9p.tmp=LABEL=x: /tmp on it */
	struct r9p_scratch swap;	/* root9p.swap=LABEL=x */
	long long timeout_ms;	/* < 0: forever (rootwait) */
	int debug;		/* root9p.debug */
	char modules[512];	/* r9p_root_modules + root9p.modules, spaces */
	struct r9p_diags diags;	/* warnings and notes of the check */
	struct r9p_upper upper;	/* root9p.overlay: kind NONE for a plain root */
	int overlay_rdonly;	/* the overlay's ro/rw (the lower is always ro) */
	struct r9p_extras extras;	/* root9p.mount= entries that passed */
	int newroot_free;	/* set by a caller that found NEWROOT no
				 * mount point itself (init9p: st_dev):
				 * r9p_root_mount then reads no mountinfo
				 * before a plain root's mount */
};

/*
 * Message sizes. snprintf cuts a longer message, never overruns; each size
 * is the longest message it takes, with room.
 * R9P_SAY_MAX: one line to a r9p_say_fn: "cannot STEP: " and a why.
 * R9P_REASON_MAX: why the tmpfs or a scratch disk's /tmp was skipped
 * or refused (r9p_tmp_mount's REASON): one sentence with a path.
 */
#define R9P_SAY_MAX 900
#define R9P_REASON_MAX 300

/*
 * Split TEXT (a kernel command line) into C; a warning through SAY when it
 * is longer than the parser keeps. Returns 0.
 */
int r9p_root_parse_cmdline(const char *text, struct r9p_cmdline *c,
			   r9p_say_fn say, void *ctx);

/*
 * Read FILE (NULL: /proc/cmdline) once and split it into C. Returns 0, or
 * -1 with F filled.
 */
int r9p_root_load_cmdline(const char *file, struct r9p_cmdline *c,
			  r9p_say_fn say, void *ctx, struct r9p_err *f);

/*
 * The names of r9p_root_modules then those of EXTRA (root9p.modules: "a,b"), into
 * OUT (LEN bytes) separated by spaces. A name that modprobe could take for
 * an option or a pattern is refused. Returns 0, or -1 with F filled.
 */
int r9p_root_module_list(const char *extra, char *out, size_t len,
		     struct r9p_err *f);

/* As r9p_root_module_list, from the virtiofs list when VIRTIOFS. */
int r9p_root_module_list_for(int virtiofs, const char *extra, char *out,
			     size_t len, struct r9p_err *f);

/* 1 when C names a virtiofs root (rootfstype=virtiofs, root=virtiofs:). */
int r9p_root_is_virtiofs(const struct r9p_cmdline *c);

/* "9p" or "virtiofs": what R mounts. */
const char *r9p_root_fstype(const struct r9p_root *r);

/* Flags of r9p_root_config(). */
#define R9P_ROOT_ASSUME_9P 0x1	/* no rootfstype= means 9p (init9p's image,
				 * mount9p --root: they mount nothing else) */

/*
 * Decide the root step from C for kernel K: is it a 9p root (rootfstype=9p,
 * root=virtfs:TAG as dracut writes it, or no rootfstype= with
 * R9P_ROOT_ASSUME_9P), which tag, options, timeout, /tmp and modules. Returns 0 when R may be mounted (warnings in
 * R->diags); 1 when the command line names no 9p root (R->is9p == 0, F
 * says why, for callers that only handle 9p roots); -1 when it is refused
 * (F filled, R->diags may hold more).
 */
int r9p_root_config(const struct r9p_cmdline *c, const struct r9p_kernel *k,
		    unsigned flags, struct r9p_root *r, struct r9p_err *f);

/*
 * After a refused r9p_root_config (F): when NEWROOT is mounted already
 * (by hand, in a rescue shell), say so and take it: 0, and the caller goes
 * on with r9p_root_step (which keeps the mount). Else -1.
 */
int r9p_root_adopt(const char *newroot, const struct r9p_err *f,
		   r9p_say_fn say, void *ctx);

/* Wait for R's tag (R->timeout_ms). Returns 0, or -1 with F filled. */
int r9p_root_wait(const struct r9p_root *r, r9p_say_fn say, void *ctx,
		  struct r9p_err *f);

/*
 * Mount R's tag on NEWROOT (left alone when something is mounted there
 * already: a rescue shell, systemd's sysroot.mount; not looked for when
 * R->newroot_free and the root is plain, not an overlay), with the ENOENT
 * retry in what is left of the timeout since START_MS, then read the
 * mount back and say what differs. Returns 0, or -1 with F filled.
 */
int r9p_root_mount(const struct r9p_root *r, const char *newroot,
		   long long start_ms, r9p_say_fn say, void *ctx,
		   struct r9p_err *f);

/*
 * The 9p root itself on DIR, as r9p_root_mount does it for a plain root
 * (overlay.c mounts the lower layer with it). 0, or -1 with F filled.
 */
int r9p_root_mount_tag(const struct r9p_root *r, const char *dir,
		       long long start_ms, r9p_say_fn say, void *ctx,
		       struct r9p_err *f);

/* R's root9p.mount= shares in NEWROOT (extramount.c). Never fails the
 * boot: a missing tag or a bad path is a warning, and the boot goes on. */
void r9p_root_mount_extra(const struct r9p_root *r, const char *newroot,
			  r9p_say_fn say, void *ctx);

/*
 * root9p.modules' value with the modules C's settings need in front
 * ("overlay" for root9p.overlay=), into OUT (LEN bytes). Returns OUT.
 */
const char *r9p_root_wanted_modules(const struct r9p_cmdline *c, char *out,
				    size_t len);

/* The tmpfs on NEWROOT/tmp per R->tmp, or the scratch disk of
 * R->tmp_disk (waited for as the tag is; missing: a warning listing the
 * disks found, and the default tmpfs), then swap on R->swap. Never fails
 * the boot: what cannot be done is a warning, a skipped one a note. */
void r9p_root_mount_tmp(const struct r9p_root *r, const char *newroot,
			r9p_say_fn say, void *ctx);

/* Wait, mount, tmpfs, extra shares: the whole step after
 * r9p_root_config. 0 or -1. */
int r9p_root_step(const struct r9p_root *r, const char *newroot,
		  r9p_say_fn say, void *ctx, struct r9p_err *f);

/* SAY (may be NULL) gets one formatted line at LEVEL (for root*.c). */
void r9p_root_sayf(r9p_say_fn say, void *ctx, int level, const char *fmt,
		   ...)
	__attribute__((format(printf, 4, 5)));

/* Say the messages of D (warnings as "warning: ...", notes as "note: "),
 * but its first error: that one is the failure the caller reports. */
void r9p_root_say_diags(const struct r9p_diags *d, r9p_say_fn say, void *ctx);

#endif
