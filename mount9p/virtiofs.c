/* SPDX-License-Identifier: MIT */
/*
 * mount9p/virtiofs.c - virtiofs tags and mount options (virtiofs.h).
 *
 * Tags: Linux 6.9+ lists each device as /sys/fs/virtiofs/N/tag; older
 * kernels (Debian 12's 6.1) only bind the device to the virtiofs driver
 * (/sys/bus/virtio/drivers/virtiofs/virtioN) and keep the tag to
 * themselves. Options: fs/fuse/virtio_fs.c parses its own table (dax,
 * dax=always|never|inode) through fs_parser, which refuses every other
 * key with EINVAL ("virtiofs: Unknown parameter 'user_id'", seen on
 * 6.12): so an unknown key is an error here, where 9p only warns.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "mount9p/opttab.h"
#include "mount9p/tags.h"
#include "mount9p/virtiofs.h"

#define TAGS_DIR	"fs/virtiofs"
#define DRIVER_DIR	"bus/virtio/drivers/virtiofs"
#define ITEMS_MAX	64
#define TEXT_MAX	4096

/* dax=MODE (fs/fuse/virtio_fs.c dax_param_enums; all of 6.1+). */
static const struct {
	const char *name;
	const char *meaning;
} dax_modes[] = {
	{ "always", "map file data through the device's DAX window; the "
		    "mount fails (EINVAL) on a device without one, such as "
		    "QEMU 7.2's vhost-user-fs-pci" },
	{ "never", "no DAX: file data goes through the guest's page cache "
		   "(what a device without a DAX window gives anyway)" },
	{ "inode", "DAX per file, as the host marks it (FS_XFLAG_DAX); "
		   "without a DAX window the same as never" },
};
#define NDAX ARRAY_SIZE(dax_modes)

/* Keys people bring from elsewhere, and why virtiofs refuses them. */
static const struct {
	const char *name;
	const char *why;
} foreign[] = {
	{ "cache", "the cache mode is the daemon's (virtiofsd -o cache=auto|"
		   "always|none; run9p --vfs-cache), not a guest mount option" },
	{ "posixacl", "POSIX ACLs are the daemon's (virtiofsd -o posix_acl)" },
	{ "xattr", "extended attributes are the daemon's (virtiofsd -o "
		   "xattr)" },
	{ "writeback", "the writeback cache is the daemon's (virtiofsd -o "
		       "writeback)" },
	{ "user_id", "a FUSE option that virtiofs does not take" },
	{ "group_id", "a FUSE option that virtiofs does not take" },
	{ "fd", "a FUSE option that virtiofs does not take" },
	{ "rootmode", "a FUSE option that virtiofs does not take" },
	{ "max_read", "a FUSE option that virtiofs does not take" },
	{ "blksize", "a FUSE option that virtiofs does not take" },
	{ "subtype", "a FUSE option that virtiofs does not take" },
	{ "allow_other", "a FUSE option; virtiofs sets it itself" },
	{ "default_permissions", "a FUSE option; virtiofs sets it itself" },
	{ "source", "the mount source is the tag (root=), given to mount(2) "
		    "apart" },
};
#define NFOREIGN ARRAY_SIZE(foreign)

static int path_of(char *buf, size_t len, const char *dir, const char *a,
		   const char *b)
{
	int n = snprintf(buf, len, "%s/%s%s%s%s%s", r9p_tags_sysfs(), dir,
			 a ? "/" : "", a ? a : "", b ? "/" : "", b ? b : "");

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/*
 * Walk DIR (under sysfs): call EACH for every entry that passes, or count
 * "virtioN" links when TAGS is 0. Returns how many, -ENOENT when DIR is
 * missing, or -errno.
 */
static int walk(const char *dir, int tags,
		int (*each)(void *ctx, const char *tag), void *ctx)
{
	char path[4096], tag[R9P_TAG_MAX];
	struct dirent *de;
	DIR *d;
	int n = 0, stop = 0;

	if (path_of(path, sizeof(path), dir, NULL, NULL))
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return -errno;
	while (!stop && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (!tags) {
			n += strncmp(de->d_name, "virtio", 6) == 0;
			continue;
		}
		if (path_of(path, sizeof(path), dir, de->d_name, "tag") ||
		    read_text(path, tag, sizeof(tag)))
			continue;
		n++;
		if (each)
			stop = each(ctx, tag);
	}
	closedir(d);
	return n;
}

int r9p_virtiofs_tags_listed(void)
{
	char path[4096];
	struct stat st;

	return !path_of(path, sizeof(path), TAGS_DIR, NULL, NULL) &&
	       stat(path, &st) == 0;
}

struct found {
	const char *want;
	int hit;
};

static int find_tag(void *ctx, const char *tag)
{
	struct found *f = ctx;

	f->hit = strcmp(tag, f->want) == 0;
	return f->hit;
}

int r9p_virtiofs_tag_present(const char *tag)
{
	struct found f = { tag, 0 };
	int n;

	if (r9p_virtiofs_tags_listed()) {
		n = walk(TAGS_DIR, 1, find_tag, &f);
		return n < 0 ? (n == -ENOENT ? 0 : n) : f.hit;
	}
	/* Before 6.9: a bound device is all we can see. */
	n = walk(DRIVER_DIR, 0, NULL, NULL);
	return n < 0 ? (n == -ENOENT ? 0 : n) : n > 0;
}

struct described {
	char *buf;
	int len, used;
};

static int add_tag(void *ctx, const char *tag)
{
	struct described *d = ctx;

	if (d->used < d->len)
		d->used += snprintf(d->buf + d->used, (size_t)(d->len - d->used),
				    "%s%s", d->used ? ", " : "", tag);
	return 0;
}

char *r9p_virtiofs_tags_describe(char *buf, int len)
{
	struct described d = { buf, len, 0 };
	int n;

	if (len <= 0)
		return buf;
	buf[0] = '\0';
	if (r9p_virtiofs_tags_listed()) {
		n = walk(TAGS_DIR, 1, add_tag, &d);
		if (n <= 0)
			snprintf(buf, (size_t)len, "none");
		return buf;
	}
	n = walk(DRIVER_DIR, 0, NULL, NULL);
	if (n <= 0)
		snprintf(buf, (size_t)len, "no virtiofs device");
	else
		snprintf(buf, (size_t)len, "%d virtiofs device%s, tags not "
			 "listed by this kernel (/sys/fs/virtiofs came in 6.9)",
			 n, n == 1 ? "" : "s");
	return buf;
}

int r9p_virtiofs_tag_check(const char *tag, struct r9p_diags *d)
{
	size_t len = tag ? strlen(tag) : 0;

	if (!len) {
		r9p_diag_add(d, R9P_ERR, "the virtiofs tag is empty: give the "
			     "tag of QEMU's vhost-user-fs-pci tag=");
		return -EINVAL;
	}
	if (len > R9P_VIRTIOFS_TAG_MAX) {
		r9p_diag_add(d, R9P_ERR, "the virtiofs tag %.40s... is %lu "
			     "bytes long: virtiofs tags have at most %d",
			     tag, (unsigned long)len, R9P_VIRTIOFS_TAG_MAX);
		return -EINVAL;
	}
	return 0;
}

/* ---- options ---- */

static void apply_mflag(struct r9p_opts *o, const struct r9p_optdef *d)
{
	if ((d->set | d->clear) & MS_RDONLY)
		o->rdonly = (d->set & MS_RDONLY) ? 1 : 0;
	o->mflags = (o->mflags | (d->set & ~(unsigned long)MS_RDONLY)) &
		    ~(d->clear & ~(unsigned long)MS_RDONLY);
}

static const char *foreign_why(const char *key, unsigned kv)
{
	const struct r9p_optdef *d;
	unsigned i;

	for (i = 0; i < NFOREIGN; i++)
		if (!strcmp(foreign[i].name, key))
			return foreign[i].why;
	d = r9p_optdef_find(key, kv, 1);
	if (d && d->kind != R9P_K_MFLAG && d->kind != R9P_K_FSTAB)
		return "a 9p option: virtiofs does not take it";
	return NULL;
}

/* Refuse KEY with the reason, or the closest known word. */
static void refuse(struct r9p_opts *o, const char *key, const char *val,
		   unsigned kv, const char *kname)
{
	const char *names[ITEMS_MAX], *why = foreign_why(key, kv), *pick;
	unsigned i, m = 0;

	if (why) {
		r9p_diag_add(&o->diags, R9P_ERR, "%s%s%s: %s; the virtiofs "
			     "mount fails with EINVAL", key, val ? "=" : "",
			     val ? val : "", why);
		return;
	}
	names[m++] = "dax";
	for (i = 0; i < r9p_noptdefs && m < ITEMS_MAX; i++)
		if (r9p_optdefs[i].kind == R9P_K_MFLAG)
			names[m++] = r9p_optdefs[i].name;
	pick = r9p_closest(key, names, m);
	r9p_diag_add(&o->diags, R9P_ERR, "%s%s%s: not an option of virtiofs "
		     "on %s (it takes dax, dax=always|never|inode and the "
		     "generic ro, nosuid, noatime ...)%s%s%s", key,
		     val ? "=" : "", val ? val : "", kname,
		     pick ? "; did you mean " : "", pick ? pick : "",
		     pick ? "?" : "");
}

/* dax or dax=MODE: the normalized mode into MODE, or an error. */
static int take_dax(struct r9p_opts *o, const char *val, const char **mode)
{
	unsigned i;

	if (!val) {
		*mode = "always";
		r9p_diag_add(&o->diags, R9P_INFO, "dax is dax=always: it needs "
			     "a DAX window on the device");
		return 0;
	}
	for (i = 0; i < NDAX; i++)
		if (!strcmp(val, dax_modes[i].name)) {
			*mode = dax_modes[i].name;
			return 0;
		}
	r9p_diag_add(&o->diags, R9P_ERR, "dax=%s: virtiofs takes dax=always, "
		     "dax=never or dax=inode", val);
	return -EINVAL;
}

int r9p_virtiofs_opts_parse(const char *text, const struct r9p_kernel *k,
		       struct r9p_opts *o)
{
	char buf[TEXT_MAX], kname[24], *rest = buf, *item, *eq;
	const char *dax = NULL, *mode;
	const struct r9p_optdef *d;
	unsigned kv = r9p_kv(k);
	size_t len = text ? strlen(text) : 0;

	memset(o, 0, sizeof(*o));
	o->rdonly = -1;
	r9p_diags_init(&o->diags);
	r9p_kernel_name(k, kname, sizeof(kname));
	if (len >= TEXT_MAX) {
		r9p_diag_add(&o->diags, R9P_ERR, "the options are %lu bytes "
			     "long; the kernel takes at most %d",
			     (unsigned long)len, TEXT_MAX - 1);
		return -EINVAL;
	}
	memcpy(buf, text ? text : "", len + 1);
	while ((item = strsep(&rest, ",")) != NULL) {
		if (!*item)
			continue;
		eq = strchr(item, '=');
		if (eq)
			*eq++ = '\0';
		if (!strcmp(item, "dax")) {
			if (take_dax(o, eq, &mode) == 0) {
				if (dax && strcmp(dax, mode))
					r9p_diag_add(&o->diags, R9P_INFO, "dax "
						     "is given more than once: "
						     "the last one, dax=%s, "
						     "wins over dax=%s", mode,
						     dax);
				dax = mode;
			}
			continue;
		}
		d = r9p_optdef_find(item, kv, 0);
		if (d && d->kind == R9P_K_MFLAG && !eq) {
			apply_mflag(o, d);
		} else if (d && d->kind == R9P_K_FSTAB) {
			r9p_diag_add(&o->diags, R9P_INFO, "%s is a mount(8)/"
				     "fstab word, not a kernel option: dropped",
				     item);
		} else {
			refuse(o, item, eq, kv, kname);
		}
	}
	if (dax)
		snprintf(o->data, sizeof(o->data), "dax=%s", dax);
	return o->diags.nerr ? -EINVAL : 0;
}

void r9p_virtiofs_opts_explain(const struct r9p_opts *o,
			  void (*emit)(void *ctx, const char *key,
				       const char *value, const char *meaning),
			  void *ctx)
{
	unsigned i;

	if (strncmp(o->data, "dax=", 4))
		return;
	for (i = 0; i < NDAX; i++)
		if (!strcmp(o->data + 4, dax_modes[i].name))
			emit(ctx, "dax", dax_modes[i].name,
			     dax_modes[i].meaning);
}

static const struct {
	int err;
	const char *hint;
} vfs_hints[] = {
	{ EINVAL, "no virtiofs device has this tag (dmesg: \"virtio-fs: tag "
		  "<TAG> not found\"; compare root= with QEMU's "
		  "vhost-user-fs-pci tag=), or the kernel refused the options "
		  "(dax=always needs a DAX window)" },
	{ ENODEV, "this kernel has no virtiofs: load it (modprobe virtiofs) "
		  "or build it with CONFIG_VIRTIO_FS" },
	{ EBUSY, "the tag is mounted already with other options" },
	{ ENOTCONN, "virtiofsd is gone: look at its messages on the host" },
	{ EIO, "virtiofsd failed: look at its messages on the host" },
	{ EPERM, "mounting needs CAP_SYS_ADMIN: run it as root" },
	{ ENOMEM, "not enough memory for the virtiofs queues" },
};

const char *r9p_virtiofs_mount_hint(int err)
{
	unsigned i;

	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(vfs_hints); i++)
		if (vfs_hints[i].err == err)
			return vfs_hints[i].hint;
	return "dmesg shows the kernel's virtiofs messages";
}
