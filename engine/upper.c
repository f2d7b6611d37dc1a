// SPDX-License-Identifier: MIT
/*
 * engine/upper.c - the upper layer's sources of an overlay root: a
 * tmpfs (root9p.overlay=tmpfs), a second 9p share (root9p.overlay=TAG)
 * or a scratch disk (root9p.overlay=LABEL=x|UUID=y).
 *
 * Each source is a row of one table: how its value looks, how it is
 * mounted. A block device (LABEL=, UUID=) is meant to be one more row.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "engine/upper.h"
#include "mount9p/mount.h"
#include "mount9p/opts.h"
#include "mount9p/tags.h"

#ifndef O_PATH
#define O_PATH 010000000	/* klibc's headers lack it */
#endif

/*
 * The upper share's 9p options. Overlayfs refuses an upper whose dentries
 * revalidate (cache=loose/fscache/metadata give 9p's cached dentry
 * operations: "not supported as upperdir"), so mmap: the cached-free
 * dentries of cache=none plus what mmap(MAP_SHARED) needs.
 */
#define UPPER_9P_OPTS "cache=mmap"
/* The tmpfs upper: everything the guest changes lives in RAM. */
#define UPPER_TMPFS_OPTS "mode=0755"
/* The step of a struct r9p_err of this file (the caller says its own). */
#define UPPER_STEP "mount the overlay's upper layer"

static int mount_tmpfs(const struct r9p_upper *u, const char *dir,
		       const struct r9p_kernel *k, long long timeout_ms,
		       struct r9p_err *e)
{
	(void)u; (void)k; (void)timeout_ms;
	if (mount("tmpfs", dir, "tmpfs", 0, UPPER_TMPFS_OPTS) == 0)
		return 0;
	r9p_errf(e, UPPER_STEP, -errno, NULL,
		 "mount -t tmpfs -o %s tmpfs %s: %s",
		 UPPER_TMPFS_OPTS, dir, strerror(errno));
	return e->code;
}

static int mount_tag(const struct r9p_upper *u, const char *dir,
		     const struct r9p_kernel *k, long long timeout_ms,
		     struct r9p_err *e)
{
	static struct r9p_opts o;	/* large; PID 1's stack is small */
	char tags[512];
	int err, tries;

	err = r9p_wait_tag(u->tag, timeout_ms, NULL, NULL);
	if (err) {
		r9p_errf(e, UPPER_STEP, err, NULL,
			 "upper mount tag \"%s\" %s (tags present: "
			 "%s); give QEMU that share (run9p --extra-9p %s:DIR) "
			 "or use root9p.overlay=tmpfs", u->tag,
			 err == -ETIMEDOUT ? "not found in time" :
			 "cannot be looked up", r9p_tags_describe(tags,
			 sizeof(tags)), u->tag);
		return e->code;
	}
	if (r9p_opts_parse(UPPER_9P_OPTS, k, R9P_DEFAULTS, &o) < 0) {
		r9p_errf(e, UPPER_STEP, -EINVAL, NULL,
			 "the upper's options %s: %s", UPPER_9P_OPTS,
			 o.diags.n ? o.diags.d[0].text : "refused");
		return e->code;
	}
	o.rdonly = 0;
	err = r9p_mount(u->tag, dir, &o, timeout_ms, &tries);
	if (err)
		r9p_errf(e, UPPER_STEP, err, NULL,
			 "mount -t 9p -o %s %s %s: %s; %s", o.data,
			 u->tag, dir, strerror(-err), r9p_mount_hint(err));
	return err;
}

/* A scratch disk by LABEL= or UUID= (scratch.c finds it through blkid9p,
 * waiting as for the tag). No nosuid/nodev: the upper holds the root's
 * own set-uid programs and device nodes once they are changed. */
static int mount_disk(const struct r9p_upper *u, const char *dir,
		      const struct r9p_kernel *k, long long timeout_ms,
		      struct r9p_err *e)
{
	char dev[64], fstype[32];
	struct r9p_err found;
	int err, formatted = 0;

	(void)k;
	err = r9p_scratch_find(&u->disk, timeout_ms, NULL, NULL, dev,
			       sizeof(dev), fstype, sizeof(fstype), &formatted,
			       &found);
	if (err) {
		/* scratch.c said what is missing; add what to try */
		r9p_errf(e, UPPER_STEP, err, NULL, "%s; attach the disk (run9p "
			 "--scratch makes one), put blkid9p in the image "
			 "(mkinitrd9p --scratch) or use root9p.overlay=tmpfs",
			 found.why);
		return err;
	}
	if (mount(dev, dir, fstype, 0, NULL) == 0)
		return 0;
	err = -errno;
	r9p_errf(e, UPPER_STEP, err, NULL,
		 "mount -t %s %s %s (%s): %s", fstype, dev, dir,
		 u->disk.spec, strerror(-err));
	return e->code;
}

static const struct source {
	enum r9p_upper_kind kind;
	const char *name;	/* the literal value, or NULL: a tag */
	const char *ovl_opts;	/* for overlayfs, after R9P_OVERLAY_OPTS */
	int (*mount)(const struct r9p_upper *u, const char *dir,
		     const struct r9p_kernel *k, long long timeout_ms,
		     struct r9p_err *e);
} sources[] = {
	/* redirect_dir=off: a renamed lower folder is copied (EXDEV, mv
	 * copies), no redirect xattrs. A 9p share cannot keep overlay's
	 * xattrs through QEMU (DESIGN.md): overlay then runs without them;
	 * userxattr was tried and made every copy-up fail with ENODATA. */
	{ R9P_UPPER_TMPFS,	"tmpfs",	",redirect_dir=off", mount_tmpfs },
	{ R9P_UPPER_TAG,	NULL,		",redirect_dir=off", mount_tag },
	/* A disk (ext4) keeps trusted.* xattrs as tmpfs does. */
	{ R9P_UPPER_DISK,	NULL,	",redirect_dir=off",	mount_disk },
};

static const struct source *source_of(enum r9p_upper_kind kind)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sources); i++)
		if (sources[i].kind == kind)
			return &sources[i];
	return NULL;
}

int r9p_upper_parse(const char *value, struct r9p_upper *u,
		    struct r9p_err *e)
{
	struct r9p_diags d;
	size_t i;

	memset(u, 0, sizeof(*u));
	if (!value || !*value)
		return 0;
	for (i = 0; i < ARRAY_SIZE(sources); i++)
		if (sources[i].name && strcmp(value, sources[i].name) == 0) {
			u->kind = sources[i].kind;
			return 0;
		}
	/* LABEL=x or UUID=y: a scratch disk, whose rules are scratch.c's. */
	switch (r9p_scratch_parse("root9p.overlay", value, 0, &u->disk, e)) {
	case 1:
		u->kind = R9P_UPPER_DISK;
		return 0;
	case 0:
		break;
	default:
		return -EINVAL;
	}
	/* Anything else names a 9p share; the tag rules are tags.c's. */
	r9p_diags_init(&d);
	if (strlen(value) >= sizeof(u->tag) || strchr(value, '=') ||
	    strchr(value, ':') || r9p_tag_check(value, &d) < 0) {
		r9p_errf(e, "use root9p.overlay", -EINVAL, NULL,
			 "root9p.overlay=%s: not \"tmpfs\", a "
			 "9p mount tag nor a disk%s%s; write root9p.overlay=tmpfs "
			 "(changes in RAM), root9p.overlay=TAG (changes in that "
			 "share's upper/ folder) or root9p.overlay=LABEL=name "
			 "(on that disk)", value, d.n ? ": " : "",
			 d.n ? d.d[0].text : "");
		return e->code;
	}
	u->kind = R9P_UPPER_TAG;
	snprintf(u->tag, sizeof(u->tag), "%s", value);
	return 0;
}

const char *r9p_upper_overlay_opts(const struct r9p_upper *u)
{
	const struct source *s = source_of(u->kind);

	return s ? s->ovl_opts : "";
}

char *r9p_upper_describe(const struct r9p_upper *u, char *buf, size_t len)
{
	if (u->kind == R9P_UPPER_TAG)
		snprintf(buf, len, "9p tag %s", u->tag);
	else if (u->kind == R9P_UPPER_DISK)
		snprintf(buf, len, "disk %s", u->disk.spec);
	else
		snprintf(buf, len, "%s", u->kind == R9P_UPPER_TMPFS ? "tmpfs" :
			 "none");
	return buf;
}

char *r9p_upper_value(const struct r9p_upper *u, char *buf, size_t len)
{
	snprintf(buf, len, "%s", u->kind == R9P_UPPER_TAG ? u->tag :
		 u->kind == R9P_UPPER_DISK ? u->disk.spec :
		 u->kind == R9P_UPPER_TMPFS ? "tmpfs" : "");
	return buf;
}

/* DIR/NAME as a real folder: made when missing, never a link followed. */
static int make_dir(int dirfd, const char *dir, const char *name,
		    struct r9p_err *e)
{
	struct stat st;

	if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST) {
		r9p_errf(e, UPPER_STEP, -errno, NULL,
			 "mkdir %s/%s: %s", dir, name,
			 strerror(errno));
		return e->code;
	}
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISDIR(st.st_mode)) {
		r9p_errf(e, UPPER_STEP, -ENOTDIR, NULL,
			 "%s/%s is not a folder (a link is not "
			 "followed): make it one on the host", dir, name);
		return e->code;
	}
	return 0;
}

int r9p_upper_mount(const struct r9p_upper *u, const char *dir,
		    const struct r9p_kernel *k, long long timeout_ms,
		    struct r9p_err *e)
{
	const struct source *s = source_of(u->kind);
	int fd, err;

	if (!s) {
		r9p_errf(e, UPPER_STEP, -EINVAL, NULL,
			 "no upper layer asked for");
		return e->code;
	}
	err = s->mount(u, dir, k, timeout_ms, e);
	if (err)
		return err;
	fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		r9p_errf(e, UPPER_STEP, -errno, NULL,
			 "open %s: %s", dir, strerror(errno));
		return e->code;
	}
	err = make_dir(fd, dir, "upper", e);
	if (!err)
		err = make_dir(fd, dir, "work", e);
	close(fd);
	return err;
}
