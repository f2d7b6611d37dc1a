/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_nuke.c - the initramfs wipe stays on its device.
 *
 * A tree with a tmpfs mounted inside stands for rootfs with the 9p root
 * mounted on /root: the wipe must empty the tree and leave the mounted
 * filesystem's files alone. Needs root (mount); otherwise only the
 * dry-run and same-device parts run and the cross-device checks are
 * counted as skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init/switchroot.h"
#include "tests/unit/t.h"

static char base[] = "/tmp/r9p-nuke-XXXXXX";

static void put(const char *rel, const char *text)
{
	char p[300];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	f = fopen(p, "w");
	SETUP(f != NULL, "create %s: %s", p, strerror(errno));
	SETUP(fputs(text, f) >= 0 && fclose(f) == 0, "write %s", p);
}

static void dir(const char *rel)
{
	char p[300];

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	SETUP(mkdir(p, 0755) == 0, "mkdir %s: %s", p, strerror(errno));
}

static int exists(const char *rel)
{
	char p[300];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	return lstat(p, &st) == 0;
}

int main(void)
{
	struct stat st;
	char p[300];
	long count = 0;
	char why[80] = "not root: no tmpfs to mount";
	int fd, mounted = 0;

	SETUP(mkdtemp(base) != NULL, "mkdtemp %s: %s", base, strerror(errno));
	dir("lib");
	dir("lib/modules");
	put("lib/modules/a.ko", "x");
	put("init", "#!/bin/sh\n");
	dir("root");
	snprintf(p, sizeof(p), "%s/link", base);
	SETUP(symlink("/root/precious", p) == 0, "symlink %s: %s", p,
	      strerror(errno));
	snprintf(p, sizeof(p), "%s/root", base);
	if (geteuid() == 0) {
		mounted = mount("tmpfs", p, "tmpfs", 0, "size=1m") == 0;
		snprintf(why, sizeof(why), "mount tmpfs: %s", strerror(errno));
	}
	put("root/precious", "host data");
	dir("root/sub");
	put("root/sub/deep", "more host data");

	fd = open(base, O_RDONLY | O_DIRECTORY);
	SETUP(fd >= 0 && fstat(fd, &st) == 0, "open %s: %s", base,
	      strerror(errno));

	CHECK(i9p_nuke(fd, st.st_dev, 1, &count) == 0, "dry run");
	CHECK(exists("init") && exists("lib/modules/a.ko"),
	      "dry run removed files");
	CHECK(count == (mounted ? 5 : 9), "dry run counted %ld", count);

	count = 0;
	CHECK(i9p_nuke(fd, st.st_dev, 0, &count) == 0, "wipe");
	CHECK(!exists("init") && !exists("lib") && !exists("link"),
	      "wipe left initramfs files");
	if (mounted) {
		CHECK(exists("root/precious") && exists("root/sub/deep"),
		      "wipe crossed onto the mounted filesystem");
		CHECK(count == 5, "removed %ld", count);
		umount2(p, MNT_DETACH);
	} else {
		SKIP("the wipe stays off a mounted filesystem: %s", why);
		SKIP("the wipe's count with a mount inside: %s", why);
	}
	close(fd);
	snprintf(p, sizeof(p), "%s/root/sub/deep", base);
	unlink(p);
	snprintf(p, sizeof(p), "%s/root/sub", base);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/root/precious", base);
	unlink(p);
	snprintf(p, sizeof(p), "%s/root", base);
	rmdir(p);
	rmdir(base);
	return t_done("nuke");
}
