/* SPDX-License-Identifier: MIT */
/*
 * engine/rootmount.c - the root step's actions, on settings root.c
 * decided: wait for the tag, mount it (an existing mount is kept), read
 * it back and say what differs, put the tmpfs on /tmp.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "engine/overlay.h"
#include "engine/root.h"
#include "mount9p/effective.h"
#include "mount9p/mount.h"

struct progress {
	r9p_say_fn say;
	void *ctx;
	const char *spec;	/* the disk waited for */
	int virtiofs;		/* the tag waited for is virtiofs' */
};

/* The tags present, of R's filesystem, for messages. */
static char *describe(int virtiofs, char *buf, int len)
{
	return virtiofs ? r9p_virtiofs_tags_describe(buf, len) :
			  r9p_tags_describe(buf, len);
}

static void say_waiting(void *ctx, const char *tag, long long waited)
{
	struct progress *p = ctx;
	char tags[512];

	r9p_root_sayf(p->say, p->ctx, R9P_SAY_WARN, "still waiting for %s tag %s "
	     "after %lld s (present: %s)", p->virtiofs ? "virtiofs" : "mount",
	     tag, waited / 1000, describe(p->virtiofs, tags, sizeof(tags)));
}

int r9p_root_wait(const struct r9p_root *r, r9p_say_fn say, void *ctx,
		  struct r9p_err *f)
{
	struct progress p = { say, ctx, NULL, r->virtiofs };
	long long t = r9p_now_ms();
	char tags[512];
	int err;

	/* trans=tcp: root= is the server's address, no virtio tag; the
	 * mount retries a refused connection within root9p.timeout. */
	if (!strcmp(r->opts.trans, "tcp")) {
		r9p_root_sayf(say, ctx, R9P_SAY_DEBUG, "trans=tcp: no tag to "
		     "wait for; the root is served by %s", r->tag);
		return 0;
	}
	err = r->virtiofs ? r9p_wait_virtiofs_tag(r->tag, r->timeout_ms,
					     say_waiting, &p) :
	      r9p_wait_tag(r->tag, r->timeout_ms, say_waiting, &p);
	if (err == -ETIMEDOUT && r->virtiofs) {
		r9p_errf(f, "find the root", R9P_EXIT_NOTAG,
		     "start QEMU with -device vhost-user-fs-pci,tag=TAG and "
		     "its virtiofsd (run9p --fs virtiofs), load virtiofs "
		     "(root9p.modules=virtiofs), or raise root9p.timeout=",
		     "virtiofs tag \"%s\" not found after %lld s; virtiofs: %s",
		     r->tag, r->timeout_ms / 1000,
		     describe(1, tags, sizeof(tags)));
		return -1;
	}
	if (err == -ETIMEDOUT) {
		r9p_errf(f, "find the root", R9P_EXIT_NOTAG,
		     "set root= to one of the tags present (QEMU's "
		     "mount_tag=), or raise root9p.timeout=",
		     "mount tag \"%s\" not found after %lld s; tags present: "
		     "%s", r->tag, r->timeout_ms / 1000,
		     r9p_tags_describe(tags, sizeof(tags)));
		return -1;
	}
	if (err) {
		r9p_errf(f, "find the root", R9P_EXIT_SYSTEM,
		     "check that sysfs is mounted on /sys",
		     "read the virtio devices in sysfs: %s", strerror(-err));
		return -1;
	}
	r9p_root_sayf(say, ctx, R9P_SAY_DEBUG, "found mount tag %s in %lld ms", r->tag,
	     r9p_now_ms() - t);
	return 0;
}

/* r9p_root_mount_tag; with UNMOUNTED (the caller knows NEWROOT is no mount
 * point) without the mountinfo read that asks: 17-25 ms of a 1-vCPU TCG
 * boot, the first read's code paths (issue 28). */
static int mount_tag(const struct r9p_root *r, const char *newroot,
		     long long start_ms, int unmounted, r9p_say_fn say, void *ctx,
		     struct r9p_err *f)
{
	struct r9p_effective eff;
	struct r9p_diags notes;
	long long t = r9p_now_ms(), left = -1;
	char flags[128];
	int err, tries;

	if (!unmounted && r9p_effective_read(newroot, &eff) == 0) {
		r9p_root_sayf(say, ctx, R9P_SAY_INFO, "%s is mounted already (%s from "
		     "%s): left as it is", newroot, eff.fstype, eff.source);
		return 0;
	}
	/* Waiting may have used the budget up: still one try, no more (a
	 * negative timeout would retry forever). */
	if (r->timeout_ms >= 0) {
		left = r->timeout_ms - (t - start_ms);
		if (left < 0)
			left = 0;
	}
	err = r9p_mount_fs(r9p_root_fstype(r), r->tag, newroot, &r->opts,
			   left, &tries);
	if (err) {
		r9p_opts_flags(&r->opts, flags, sizeof(flags));
		r9p_errf(f, "mount the root", R9P_EXIT_MOUNT, r->virtiofs ?
		     r9p_virtiofs_mount_hint(err) : r9p_mount_hint(err),
		     "mount -t %s -o %s%s%s %s %s: %s (%d %s)",
		     r9p_root_fstype(r), flags, *flags && *r->opts.data ? "," :
		     "", r->opts.data, r->tag, newroot, strerror(-err), tries,
		     tries == 1 ? "try" : "tries");
		return -1;
	}
	if (r->virtiofs && r9p_effective_read(newroot, &eff) == 0) {
		/* No msize or cache to compare: say what the kernel shows
		 * (its super options after their leading rw/ro). */
		const char *so = eff.super_opts;

		if (!strncmp(so, "rw", 2) || !strncmp(so, "ro", 2))
			so += 2;
		so += *so == ',';
		r9p_root_sayf(say, ctx, R9P_SAY_INFO, "mounted %s on %s in %lld ms "
		     "(virtiofs %s%s%s)", r->tag, newroot, r9p_now_ms() - t,
		     eff.rdonly ? "ro" : "rw", *so ? " " : "", so);
		return 0;
	}
	if (r9p_effective_read(newroot, &eff) < 0) {
		r9p_root_sayf(say, ctx, R9P_SAY_INFO, "mounted %s on %s in %lld ms",
		     r->tag, newroot, r9p_now_ms() - t);
		return 0;
	}
	r9p_root_sayf(say, ctx, R9P_SAY_INFO, "mounted %s on %s in %lld ms (%s "
	     "msize=%lu cache=%s%s)", r->tag, newroot, r9p_now_ms() - t,
	     eff.rdonly ? "ro" : "rw", eff.msize,
	     *eff.cache ? eff.cache : "none", eff.posixacl ? " posixacl" : "");
	r9p_diags_init(&notes);
	r9p_effective_compare(&r->opts, &eff, &r->kernel, &notes);
	r9p_root_say_diags(&notes, say, ctx);
	return 0;
}

int r9p_root_mount_tag(const struct r9p_root *r, const char *newroot,
		       long long start_ms, r9p_say_fn say, void *ctx,
		       struct r9p_err *f)
{
	return mount_tag(r, newroot, start_ms, 0, say, ctx, f);
}

int r9p_root_mount(const struct r9p_root *r, const char *newroot,
		   long long start_ms, r9p_say_fn say, void *ctx,
		   struct r9p_err *f)
{
	if (r->upper.kind != R9P_UPPER_NONE)
		return r9p_overlay_mount(r, newroot, start_ms, say, ctx, f);
	return mount_tag(r, newroot, start_ms, r->newroot_free, say, ctx, f);
}

static void say_disk_waiting(void *ctx, long long waited)
{
	struct progress *p = ctx;

	r9p_root_sayf(p->say, p->ctx, R9P_SAY_WARN, "still waiting for disk %s after "
	     "%lld s", p->spec, waited / 1000);
}

/* Find the disk of S for KEY: 0 with DEV and FSTYPE, else a warning
 * (what is missing, the disks found, what to do) and -1. */
static int find_disk(const struct r9p_root *r, const char *key,
		     const struct r9p_scratch *s, char *dev, char *fstype,
		     r9p_say_fn say, void *ctx)
{
	struct progress p = { say, ctx, s->spec, 0 };
	long long t = r9p_now_ms();
	struct r9p_err e;
	int err, formatted = 0;

	err = r9p_scratch_find(s, r->timeout_ms, say_disk_waiting, &p, dev,
			       64, fstype, 32, &formatted, &e);
	if (err) {
		r9p_root_sayf(say, ctx, R9P_SAY_WARN, "warning: cannot use %s=%s: %s; "
		     "try: %s", key, s->spec, e.why, err == -ENOEXEC ?
		     "put blkid9p in the image (mkinitrd9p --scratch; the "
		     "distro hooks take the one installed beside mount9p)" :
		     "attach the disk, check its label (e2label, blkid), or "
		     "raise root9p.timeout=");
		return -1;
	}
	if (formatted)
		r9p_root_sayf(say, ctx, R9P_SAY_INFO, "%s=%s,mkfs: no disk had the label: "
		     "formatted %s, the one blank disk (no signature)", key,
		     s->spec, dev);
	r9p_root_sayf(say, ctx, R9P_SAY_INFO, "found %s on %s (%s) in %lld ms", s->spec,
	     dev, fstype, r9p_now_ms() - t);
	return 0;
}

/* root9p.tmp=LABEL=x: the disk on /tmp; 0, or -1 when the caller should
 * fall back to the tmpfs. */
static int mount_tmp_disk(const struct r9p_root *r, const char *newroot,
			  r9p_say_fn say, void *ctx)
{
	char dev[64], fstype[32], reason[R9P_REASON_MAX];
	long long t;
	int err;

	if (find_disk(r, "root9p.tmp", &r->tmp_disk, dev, fstype, say, ctx))
		return -1;
	t = r9p_now_ms();
	err = r9p_tmp_mount_source(newroot, dev, fstype, MS_NOSUID | MS_NODEV,
				   NULL, reason, sizeof(reason));
	if (err > 0) {
		r9p_root_sayf(say, ctx, R9P_SAY_INFO, "%s not on %s/tmp: %s", dev,
		     newroot, reason);
		return 0;
	}
	if (err < 0) {
		r9p_root_sayf(say, ctx, R9P_SAY_WARN, "warning: cannot mount %s (%s, %s) "
		     "on %s/tmp: %s; try: check the disk's file system and "
		     "that its module is in the image", dev, fstype,
		     r->tmp_disk.spec, newroot, strerror(-err));
		return -1;
	}
	r9p_root_sayf(say, ctx, R9P_SAY_INFO, "mounted %s (%s) on %s/tmp in %lld ms "
	     "(mode=1777,nosuid,nodev)", dev, fstype, newroot,
	     r9p_now_ms() - t);
	return 0;
}

static void swap_on(const struct r9p_root *r, r9p_say_fn say, void *ctx)
{
	char dev[64], fstype[32];
	int err;

	if (!r->swap.spec[0] ||
	    find_disk(r, "root9p.swap", &r->swap, dev, fstype, say, ctx))
		return;
	if (strcmp(fstype, "swap") != 0) {
		r9p_root_sayf(say, ctx, R9P_SAY_WARN, "warning: root9p.swap=%s: %s holds "
		     "%s, not swap: left alone (mkswap -L NAME makes a swap "
		     "disk)", r->swap.spec, dev, fstype);
		return;
	}
	err = r9p_scratch_swapon(dev);
	if (err)
		r9p_root_sayf(say, ctx, R9P_SAY_WARN, "warning: swapon %s: %s; try: a "
		     "kernel with CONFIG_SWAP, a disk made by mkswap", dev,
		     strerror(-err));
	else
		r9p_root_sayf(say, ctx, R9P_SAY_INFO, "swap on %s (%s)", dev,
		     r->swap.spec);
}

void r9p_root_mount_tmp(const struct r9p_root *r, const char *newroot,
			r9p_say_fn say, void *ctx)
{
	long long t = r9p_now_ms();
	char reason[R9P_REASON_MAX], opts[300];
	int err;

	if (!r->tmp_checked)	/* the command line was refused before */
		return;
	swap_on(r, say, ctx);
	/* A missing or unusable disk: the default tmpfs, so /tmp still
	 * works (r->tmp holds the defaults then). */
	if (r->tmp_disk.spec[0] && mount_tmp_disk(r, newroot, say, ctx) == 0)
		return;
	r9p_tmp_describe(&r->tmp, opts, sizeof(opts));
	err = r9p_tmp_mount(newroot, &r->tmp, reason, sizeof(reason));
	if (err > 0)
		r9p_root_sayf(say, ctx, R9P_SAY_INFO, "no tmpfs on %s/tmp: %s", newroot,
		     reason);
	else if (err < 0)	/* the root works without it: go on */
		r9p_root_sayf(say, ctx, R9P_SAY_WARN, "warning: cannot mount tmpfs on "
		     "%s/tmp (%s): %s; /tmp stays on %s", newroot, opts,
		     strerror(-err), r9p_root_fstype(r));
	else
		r9p_root_sayf(say, ctx, R9P_SAY_INFO, "mounted tmpfs on %s/tmp in %lld "
		     "ms (%s)", newroot, r9p_now_ms() - t, opts);
}

int r9p_root_adopt(const char *newroot, const struct r9p_err *f,
		   r9p_say_fn say, void *ctx)
{
	struct r9p_effective eff;

	if (r9p_effective_read(newroot, &eff) < 0)
		return -1;
	r9p_root_sayf(say, ctx, R9P_SAY_WARN, "warning: cannot %s: %s; but "
		      "%s is mounted already (%s from %s): going on with it",
		      f->step, f->why, newroot, eff.fstype, eff.source);
	return 0;
}

int r9p_root_step(const struct r9p_root *r, const char *newroot,
		  r9p_say_fn say, void *ctx, struct r9p_err *f)
{
	long long start = r9p_now_ms();
	struct r9p_effective eff;
	struct stat st;

	errno = 0;
	if (stat(newroot, &st) < 0 || !S_ISDIR(st.st_mode)) {
		r9p_errf(f, "mount the root", R9P_EXIT_MOUNT,
		     "give an existing folder to mount the root on",
		     "%s: %s", newroot, errno ? strerror(errno) :
		     "not a folder");
		return -1;
	}
	/* Mounted already (a rescue shell, a second call): no wait. */
	if (r9p_effective_read(newroot, &eff) < 0 &&
	    r9p_root_wait(r, say, ctx, f) < 0)
		return -1;
	if (r9p_root_mount(r, newroot, start, say, ctx, f) < 0)
		return -1;
	r9p_root_mount_tmp(r, newroot, say, ctx);
	r9p_root_mount_extra(r, newroot, say, ctx);
	return 0;
}
