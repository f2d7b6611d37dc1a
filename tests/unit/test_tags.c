/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_tags.c - mount tags from a fake sysfs and proc tree.
 *
 * The tree under a temp dir mimics a guest: devices/virtioN with
 * mount_tag ("tag\0" as 6.1 writes it, or "tag\n"), the 9pnet_virtio
 * driver directory linking them, a virtio device of another driver and
 * self/mountinfo; $R9P_SYSFS and $R9P_PROC point at it.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "tests/unit/t.h"
#include "mount9p/mount.h"
#include "mount9p/mountinfo.h"
#include "mount9p/tags.h"

static char root[64];

/* Write DATA (LEN bytes, or up to its NUL when LEN is 0) to ROOT/REL. */
static void put(const char *rel, const char *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	SETUP(f != NULL, "create %s: %s", path, strerror(errno));
	if (!len)
		len = strlen(data);
	SETUP(fwrite(data, 1, len, f) == len && fclose(f) == 0, "write %s",
	      path);
}

static void dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	SETUP(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", path,
	      strerror(errno));
}

static void link_to(const char *target, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	SETUP(symlink(target, path) == 0, "symlink %s: %s", path,
	      strerror(errno));
}

static void build_tree(void)
{
	static const char *const dirs[] = {
		"sys", "sys/devices", "sys/devices/virtio2",
		"sys/devices/virtio3", "sys/devices/virtio10", "sys/bus",
		"sys/bus/virtio", "sys/bus/virtio/devices",
		"sys/bus/virtio/drivers", "sys/bus/virtio/drivers/9pnet_virtio",
		"proc", "proc/self",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		dir(dirs[i]);
	put("sys/devices/virtio3/mount_tag", "rootfs", 7);	/* with NUL */
	put("sys/devices/virtio10/mount_tag", "my tag\n", 7);
	put("sys/devices/virtio2/features", "0101\n", 5);	/* a net card */
	link_to("../../../../devices/virtio3",
		"sys/bus/virtio/drivers/9pnet_virtio/virtio3");
	link_to("../../../../devices/virtio10",
		"sys/bus/virtio/drivers/9pnet_virtio/virtio10");
	put("sys/bus/virtio/drivers/9pnet_virtio/uevent", "", 0);
	put("sys/bus/virtio/drivers/9pnet_virtio/bind", "", 0);
	link_to("../../../devices/virtio2", "sys/bus/virtio/devices/virtio2");
	link_to("../../../devices/virtio3", "sys/bus/virtio/devices/virtio3");
	link_to("../../../devices/virtio10", "sys/bus/virtio/devices/virtio10");
	put("proc/self/mountinfo",
	    "22 1 0:21 / / rw,relatime - rootfs rootfs rw\n"
	    "25 22 0:22 / /root rw,relatime shared:1 - 9p rootfs "
	    "rw,dirsync,mmap,access=client,msize=512000,trans=virtio\n"
	    "26 22 8:1 / /mnt rw - ext4 my\\040tag rw\n", 0);
}

static void set_env(const char *sys, const char *proc)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, sys);
	r9p_tags_set_sysfs(path);
	snprintf(path, sizeof(path), "%s/%s", root, proc);
	r9p_mountinfo_set_proc(path);
}

static void test_driver_dir(void)
{
	struct r9p_tag t[R9P_TAGS_MAX];
	char buf[64];
	int n;

	set_env("sys", "proc");
	n = r9p_tags_list(t, R9P_TAGS_MAX);
	CHECK(n == 2, "two tags, got %d", n);
	if (n == 2) {
		CHECK_STR(t[0].device, "virtio3", "sorted: virtio3 first");
		CHECK_STR(t[0].tag, "rootfs", "NUL-ended tag");
		CHECK(t[0].mounted == 1, "rootfs is mounted (9p)");
		CHECK_STR(t[1].device, "virtio10", "then virtio10");
		CHECK_STR(t[1].tag, "my tag", "newline-ended tag");
		CHECK(t[1].mounted == 0, "my tag: only an ext4 source");
	}
	CHECK(r9p_tags_list(t, 1) == 1, "max 1");
	CHECK(r9p_tags_list(t, 0) == 0, "max 0");
	CHECK(r9p_tag_present("rootfs") == 1, "rootfs present");
	CHECK(r9p_tag_present("my tag") == 1, "my tag present");
	CHECK(r9p_tag_present("root") == 0, "no prefix match");
	CHECK(r9p_tag_present("nope") == 0, "nope absent");
	CHECK_STR(r9p_tags_describe(buf, sizeof(buf)), "rootfs, my tag",
		  "describe");
	CHECK_STR(r9p_tags_describe(buf, 8), "rootfs,", "describe, cut");
	CHECK(r9p_tags_driver_present() == 1, "driver present");
}

static void test_mounted_escape(void)
{
	struct r9p_tag t[4];

	put("proc/self/mountinfo",
	    "30 1 0:30 / /x rw - 9p my\\040tag rw,trans=virtio\n", 0);
	CHECK(r9p_tags_list(t, 4) == 2 && t[1].mounted == 1,
	      "escaped source \\040 matches \"my tag\"");
	put("proc/self/mountinfo", "garbage\n\n", 0);
	CHECK(r9p_tags_list(t, 4) == 2 && !t[0].mounted && !t[1].mounted,
	      "a bad mountinfo only loses mounted");
}

static void test_fallback_and_absent(void)
{
	struct r9p_tag t[4];
	char cmd[600], buf[32];

	/* no driver directory: the devices directory still has the tags */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/sys/bus/virtio/drivers/"
		 "9pnet_virtio'", root);
	SETUP(system(cmd) == 0, "remove the driver dir");
	CHECK(r9p_tags_list(t, 4) == 2, "tags from bus/virtio/devices");
	CHECK(r9p_tags_driver_present() == 0, "driver absent");
	/* no virtio bus at all: no tags, no error */
	set_env("nowhere", "proc");
	CHECK(r9p_tags_list(t, 4) == 0, "no sysfs: 0 tags");
	CHECK(r9p_tag_present("rootfs") == 0, "no sysfs: absent");
	CHECK_STR(r9p_tags_describe(buf, sizeof(buf)), "none", "none");
}

static int progress_calls;

static void progress(void *ctx, const char *tag, long long waited)
{
	(void)ctx;
	(void)tag;
	(void)waited;
	progress_calls++;
}

/* Every errno with a hint of its own gets it, each one different and
 * none the catch-all; an unknown errno, either sign, gets the catch-all. */
static void test_hints(void)
{
	static const int known[] = {
		ENOENT, EBUSY, EINVAL, ENODEV, EPROTONOSUPPORT, EPERM, EACCES,
		ENOTDIR, ENOMEM, EIO, ETIMEDOUT, ENOPROTOOPT,
	};
	const char *generic = "dmesg shows the kernel's 9p messages";
	size_t i, j, same;

	CHECK_STR(r9p_mount_hint(12345), generic, "unknown errno");
	CHECK_STR(r9p_mount_hint(-12345), generic, "unknown -errno");
	CHECK_STR(r9p_mount_hint(0), generic, "0");
	for (i = 0; i < ARRAY_SIZE(known); i++) {
		const char *h = r9p_mount_hint(known[i]);

		for (same = j = 0; j < i; j++)
			same += strcmp(h, r9p_mount_hint(known[j])) == 0;
		CHECK(strcmp(h, generic) != 0 && same == 0 &&
		      h == r9p_mount_hint(-known[i]), "errno %d (%s): got "
		      "\"%s\" (%zu earlier ones the same), -errno \"%s\"",
		      known[i], strerror(known[i]), h, same,
		      r9p_mount_hint(-known[i]));
	}
}

static void test_wait_and_mount(void)
{
	struct r9p_opts o;
	struct r9p_diags d;
	char big[300];
	long long t0;
	int err, tries = -1;

	set_env("sys", "proc");
	t0 = r9p_now_ms();
	CHECK(r9p_wait_tag("rootfs", 1000, progress, NULL) == 0,
	      "present tag: no wait");
	CHECK(r9p_now_ms() - t0 < 500, "quick");
	t0 = r9p_now_ms();
	err = r9p_wait_tag("absent", 100, progress, NULL);
	CHECK(err == -ETIMEDOUT, "absent: %d", err);
	CHECK(r9p_now_ms() - t0 >= 100 && r9p_now_ms() - t0 < 1000,
	      "waited about 100 ms");
	CHECK(progress_calls == 0, "no progress call before 5 s");
	CHECK(r9p_wait_tag("", 0, NULL, NULL) == -EINVAL, "empty tag");
	memset(&o, 0, sizeof(o));
	CHECK(r9p_mount("rootfs", "/nonexistent/dir", &o, 0, &tries) == -ENOENT
	      && tries == 0, "missing dir: no mount(2) call");
	CHECK(r9p_mount("", "/", &o, 0, &tries) == -EINVAL, "empty tag");
	o.rdonly = 1;
	o.mflags = 0x2;
	CHECK(r9p_mount_flags(&o) == 0x3, "flags plus MS_RDONLY");
	CHECK(strstr(r9p_mount_hint(-ENOENT), "mount_tag") != NULL, "ENOENT");
	CHECK(strstr(r9p_mount_hint(EBUSY), "once at a time") != NULL, "EBUSY");
	CHECK(strstr(r9p_mount_hint(ENODEV), "modprobe 9p") != NULL, "ENODEV");
	test_hints();
	r9p_diags_init(&d);
	CHECK(r9p_tag_check("", &d) == -EINVAL && d.nerr == 1, "empty tag");
	CHECK(r9p_tag_check("rootfs", &d) == 0 && d.n == 1, "good tag");
	memset(big, 't', sizeof(big) - 1);
	big[40] = '\0';
	CHECK(r9p_tag_check(big, &d) == 0 && d.d[d.n - 1].level == R9P_WARN,
	      "40 bytes: QEMU warning");
	big[40] = 't';
	big[sizeof(big) - 1] = '\0';
	CHECK(r9p_tag_check(big, &d) == -EINVAL, "299 bytes refused");
}

int main(void)
{
	char cmd[128];

	snprintf(root, sizeof(root), "/tmp/test_tags.XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	build_tree();
	test_driver_dir();
	test_mounted_escape();
	test_wait_and_mount();
	test_fallback_and_absent();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK(system(cmd) == 0, "clean up");
	return t_done("test_tags");
}
