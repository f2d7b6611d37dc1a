/* SPDX-License-Identifier: MIT */
/*
 * mount9p/tags.c - list the virtio-9p mount tags of this guest.
 *
 * 9pnet_virtio links each device it drives into its driver directory and
 * gives it a mount_tag file: "tag\0" on 6.1, maybe "tag\n" elsewhere, so
 * the text stops at the first NUL or newline. When the driver directory
 * is missing, /sys/bus/virtio/devices/ (star)/mount_tag is read instead.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "mount9p/mountinfo.h"
#include "mount9p/tags.h"

static const char *const tag_dirs[] = {
	"bus/virtio/drivers/9pnet_virtio",
	"bus/virtio/devices",
};

/* Where sysfs is: "/sys", or a fake tree a test hands in. */
static char sysfs_dir[512] = "/sys";

void r9p_tags_set_sysfs(const char *dir)
{
	snprintf(sysfs_dir, sizeof(sysfs_dir), "%s", dir && *dir ? dir : "/sys");
}

static const char *sysfs_root(void)
{
	return sysfs_dir;
}

const char *r9p_tags_sysfs(void)
{
	return sysfs_dir;
}

static int path_of(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s%s%s", sysfs_root(), dir,
			 name ? "/" : "", name ? name : "");

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int read_tag(const char *dirpath, const char *dev, char *tag,
		    size_t len)
{
	char path[4096];
	ssize_t n;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s/mount_tag", dirpath,
			     dev) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, tag, len - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	tag[n] = '\0';
	tag[strcspn(tag, "\n")] = '\0';
	return 0;
}

/* Read the tags of one directory into T. Returns how many, or -errno. */
static int scan(const char *dir, struct r9p_tag *t, int max)
{
	char dirpath[4096];
	struct dirent *de;
	DIR *d;
	int n = 0, err;

	err = path_of(dirpath, sizeof(dirpath), dir, NULL);
	if (err)
		return err;
	d = opendir(dirpath);
	if (!d)
		return -errno;
	while (n < max && (de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (strncmp(de->d_name, "virtio", 6) != 0 ||
		    len >= sizeof(t[n].device))
			continue;
		/* no mount_tag: a device of another driver (net, blk ...) */
		if (read_tag(dirpath, de->d_name, t[n].tag, sizeof(t[n].tag)))
			continue;
		memcpy(t[n].device, de->d_name, len + 1);
		t[n].mounted = 0;
		n++;
	}
	closedir(d);
	return n;
}

/* virtio3 before virtio10. */
static int by_device(const void *a, const void *b)
{
	const struct r9p_tag *x = a, *y = b;
	long nx = strtol(x->device + 6, NULL, 10);
	long ny = strtol(y->device + 6, NULL, 10);

	if (nx != ny)
		return nx < ny ? -1 : 1;
	return strcmp(x->device, y->device);
}

static void mark_mounted(struct r9p_tag *t, int n)
{
	struct r9p_mountinfo mi;
	char line[4096];
	FILE *f = r9p_mountinfo_open();
	int i;

	if (!f)
		return;
	while (r9p_mountinfo_next(f, line, sizeof(line)))
		if (!r9p_mountinfo_parse(line, &mi) && !strcmp(mi.fstype, "9p"))
			for (i = 0; i < n; i++)
				if (!strcmp(mi.source, t[i].tag))
					t[i].mounted = 1;
	fclose(f);
}

static int list(struct r9p_tag *tags, int max, int with_mounted)
{
	unsigned i;
	int n = -ENOENT;

	if (max <= 0)
		return 0;
	for (i = 0; i < ARRAY_SIZE(tag_dirs); i++) {
		n = scan(tag_dirs[i], tags, max);
		if (n != -ENOENT)
			break;
	}
	if (n == -ENOENT)	/* no driver yet: no tags, not an error */
		return 0;
	if (n <= 0)
		return n;
	qsort(tags, (size_t)n, sizeof(*tags), by_device);
	if (with_mounted)
		mark_mounted(tags, n);
	return n;
}

int r9p_tags_list(struct r9p_tag *tags, int max)
{
	return list(tags, max, 1);
}

int r9p_tag_present(const char *tag)
{
	struct r9p_tag t[R9P_TAGS_MAX];
	int n = list(t, R9P_TAGS_MAX, 0), i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i].tag, tag))
			return 1;
	return n < 0 ? n : 0;
}

char *r9p_tags_describe(char *buf, int len)
{
	struct r9p_tag t[R9P_TAGS_MAX];
	int n = list(t, R9P_TAGS_MAX, 0), i, used = 0;

	if (len <= 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += snprintf(buf + used, (size_t)(len - used), "%s%s",
				 i ? ", " : "", t[i].tag);
	if (n <= 0)
		snprintf(buf, (size_t)len, "none");
	return buf;
}

int r9p_tags_driver_present(void)
{
	char path[4096];
	struct stat st;

	return !path_of(path, sizeof(path), tag_dirs[0], NULL) &&
	       stat(path, &st) == 0;
}

int r9p_tag_check(const char *tag, struct r9p_diags *d)
{
	size_t len = tag ? strlen(tag) : 0;

	if (!len) {
		r9p_diag_add(d, R9P_ERR, "the mount tag is empty: give the "
			     "tag of QEMU's mount_tag= (see mount9p --tags)");
		return -EINVAL;
	}
	if (len >= R9P_TAG_MAX) {
		r9p_diag_add(d, R9P_ERR, "the mount tag is %lu bytes long: "
			     "virtio-9p tags are shorter than %d",
			     (unsigned long)len, R9P_TAG_MAX);
		return -EINVAL;
	}
	if (len > R9P_TAG_QEMU_MAX)
		r9p_diag_add(d, R9P_WARN, "the mount tag %s is %lu bytes long: "
			     "QEMU refuses mount_tag= values over %d bytes",
			     tag, (unsigned long)len, R9P_TAG_QEMU_MAX);
	return 0;
}
