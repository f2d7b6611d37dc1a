// SPDX-License-Identifier: MIT
/*
 * engine/overlay.c - mount an overlay root: /run as a tmpfs, the 9p root
 * read-only below, the upper source beside it, overlayfs on NEWROOT.
 *
 * Each step says what it did at debug level (root9p.debug); a failed one
 * fills the root step's failure with what to try.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "engine/overlay.h"
#include "mount9p/mount.h"

/* initramfs-tools' own /run: small, no devices, no programs. */
#define RUN_TMPFS_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)
#define RUN_TMPFS_OPTS "size=10%,mode=0755"

/* Is DIR a mount point: on another device than its parent? */
static int is_mount_point(const char *dir)
{
	char parent[300];
	struct stat a, b;

	snprintf(parent, sizeof(parent), "%s/..", dir);
	return stat(dir, &a) == 0 && stat(parent, &b) == 0 &&
	       a.st_dev != b.st_dev;
}

/* /run on a tmpfs of its own, so that moving it carries the layers into
 * the new root (init9p's switch_root, initramfs-tools, systemd). */
static int run_tmpfs(r9p_say_fn say, void *ctx, struct r9p_err *f)
{
	mkdir("/run", 0755);
	if (is_mount_point("/run"))
		return 0;
	if (mount("tmpfs", "/run", "tmpfs", RUN_TMPFS_FLAGS,
		  RUN_TMPFS_OPTS) < 0) {
		r9p_errf(f, "mount the overlay root", R9P_EXIT_MOUNT,
		     "check that the kernel has tmpfs (CONFIG_TMPFS)",
		     "mount -t tmpfs -o %s tmpfs /run: %s", RUN_TMPFS_OPTS,
		     strerror(errno));
		return -1;
	}
	r9p_root_sayf(say, ctx, R9P_SAY_DEBUG, "mounted tmpfs on /run (%s) to carry "
	     "the overlay's layers into the root", RUN_TMPFS_OPTS);
	return 0;
}

static int make_dirs(struct r9p_err *f)
{
	static const char *const dirs[] = {
		R9P_OVERLAY_DIR, R9P_OVERLAY_LOWER, R9P_OVERLAY_RW,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdir(dirs[i], 0755) < 0 && errno != EEXIST) {
			r9p_errf(f, "mount the overlay root", R9P_EXIT_MOUNT, "",
			     "mkdir %s: %s", dirs[i], strerror(errno));
			return -1;
		}
	return 0;
}

/* The root's /run, so the moved /run has a place: made in the upper
 * layer when the base has none (the host's tree is not touched). */
static void make_run(const char *newroot, r9p_say_fn say, void *ctx)
{
	char run[300];

	snprintf(run, sizeof(run), "%s/run", newroot);
	if (mkdir(run, 0755) == 0)
		r9p_root_sayf(say, ctx, R9P_SAY_DEBUG, "made %s in the upper layer", run);
}

int r9p_overlay_mount(const struct r9p_root *r, const char *newroot,
		      long long start_ms, r9p_say_fn say, void *ctx,
		      struct r9p_err *f)
{
	char data[300], upper[80];
	struct r9p_err up;
	long long t = r9p_now_ms(), left = r->timeout_ms;
	int err;

	if (is_mount_point(newroot)) {
		r9p_root_sayf(say, ctx, R9P_SAY_INFO, "%s is mounted already: left as "
		     "it is", newroot);
		return 0;
	}
	if (run_tmpfs(say, ctx, f) < 0 || make_dirs(f) < 0)
		return -1;
	if (r9p_root_mount_tag(r, R9P_OVERLAY_LOWER, start_ms, say, ctx, f) < 0)
		return -1;
	if (left >= 0) {
		left -= r9p_now_ms() - start_ms;
		if (left < 0)
			left = 0;
	}
	r9p_upper_describe(&r->upper, upper, sizeof(upper));
	err = r9p_upper_mount(&r->upper, R9P_OVERLAY_RW, &r->kernel, left, &up);
	if (err) {
		r9p_errf(f, "mount the overlay's upper layer", err == -ETIMEDOUT ?
		     R9P_EXIT_NOTAG : R9P_EXIT_MOUNT, "", "%s (%s): %s", upper,
		     R9P_OVERLAY_RW, up.why);
		return -1;
	}
	r9p_root_sayf(say, ctx, R9P_SAY_DEBUG, "mounted the upper layer (%s) on %s",
	     upper, R9P_OVERLAY_RW);
	snprintf(data, sizeof(data), "lowerdir=%s,upperdir=%s/upper,"
		 "workdir=%s/work,%s%s", R9P_OVERLAY_LOWER, R9P_OVERLAY_RW,
		 R9P_OVERLAY_RW, R9P_OVERLAY_OPTS,
		 r9p_upper_overlay_opts(&r->upper));
	if (mount("overlay", newroot, "overlay",
		  r->overlay_rdonly ? MS_RDONLY : 0, data) < 0) {
		err = errno;
		r9p_errf(f, "mount the overlay root", R9P_EXIT_MOUNT,
		     err == ENODEV ? "the kernel has no overlayfs: rebuild the "
		     "image with mkinitrd9p --overlay (or CONFIG_OVERLAY_FS=y)" :
		     "dmesg shows overlayfs' reason",
		     "mount -t overlay -o %s overlay %s: %s", data, newroot,
		     strerror(err));
		return -1;
	}
	make_run(newroot, say, ctx);
	r9p_root_sayf(say, ctx, R9P_SAY_INFO, "mounted overlay on %s in %lld ms (%s, "
	     "upper %s, lower %s read-only)", newroot, r9p_now_ms() - t,
	     r->overlay_rdonly ? "ro" : "rw", upper, r->tag);
	/* Overlayfs deletes a lower file by a whiteout (a 0:0 character
	 * device) in the upper, and marks folders with trusted.overlay.*
	 * xattrs. On a 9p upper neither works: Linux's 9p client has no
	 * trusted.* xattrs, and QEMU since its CVE-2023-2861 fix (Debian 12's
	 * 7.2 has it) refuses to open a device node ("broken or compromised
	 * client"). Say so at boot, rather than leave an ENXIO from rm
	 * unexplained. */
	if (r->upper.kind == R9P_UPPER_TAG && !r->overlay_rdonly)
		r9p_root_sayf(say, ctx, R9P_SAY_WARN, "warning: the overlay's upper is the 9p "
		     "share %s: new and changed files work, but deleting or "
		     "renaming a file or folder of the lower root fails "
		     "(ENXIO: no whiteouts on 9p); use a disk upper "
		     "(root9p.overlay=LABEL=...) or tmpfs for that",
		     r->upper.tag);
	return 0;
}
