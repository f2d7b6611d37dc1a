/* SPDX-License-Identifier: MIT */
/*
 * mount9p/tags.h - the virtio-9p mount tags this guest has.
 *
 * 9pnet_virtio publishes each device's tag in
 * /sys/bus/virtio/drivers/9pnet_virtio/virtioN/mount_tag. No environment
 * variable redirects what is read (PID 1 gets unknown KEY=VALUE words of
 * the kernel command line in its environment): tests and mount9p's
 * --sysfs hand a fake tree in through r9p_tags_set_sysfs().
 */
#ifndef R9P_TAGS_H
#define R9P_TAGS_H

#include "diag.h"

#define R9P_TAG_MAX 256		/* the kernel caps a tag below this */
#define R9P_TAG_QEMU_MAX 31	/* QEMU refuses longer mount_tag= values */
#define R9P_TAGS_MAX 64

struct r9p_tag {
	char tag[R9P_TAG_MAX];
	char device[32];	/* "virtio3" */
	int mounted;		/* a 9p mount with this source exists */
};

/*
 * Fill up to MAX entries of TAGS, sorted by device. Returns how many
 * (0 when the driver is not loaded or has no device) or -errno.
 */
int r9p_tags_list(struct r9p_tag *tags, int max);

/* Read sysfs under DIR instead of /sys (NULL or "": /sys again). */
void r9p_tags_set_sysfs(const char *dir);

/* Where sysfs is read ("/sys" or the tree of r9p_tags_set_sysfs). */
const char *r9p_tags_sysfs(void);

/* 1 when TAG is present, 0 when not, -errno on a read error. */
int r9p_tag_present(const char *tag);

/*
 * Write the present tags into BUF as "a, b" (or "none") for messages.
 * Returns BUF.
 */
char *r9p_tags_describe(char *buf, int len);

/* 1 when the 9pnet_virtio driver is in sysfs (loaded or built in), else 0. */
int r9p_tags_driver_present(void);

/*
 * Check TAG before waiting for it: an empty or oversized tag is an error
 * (it can never appear), one longer than QEMU allows a warning.
 * Returns 0 or -EINVAL; messages go to D.
 */
int r9p_tag_check(const char *tag, struct r9p_diags *d);

#endif
