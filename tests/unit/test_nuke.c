/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_nuke.c - the initramfs wipe stays on its device.
 *
 * A tree with a tmpfs mounted inside stands for rootfs with the 9p root
 * mounted on /root: the wipe must empty the tree and leave the mounted
 * filesystem's files alone. Needs root (mount); otherwise only the
 * dry-run and same-device parts run.
 */
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
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void dir(const char *rel)
{
	char p[300];

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	mkdir(p, 0755);
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
	int fd, mounted = 0;

	CHECK(mkdtemp(base) != NULL, "mkdtemp");
	dir("lib");
	dir("lib/modules");
	put("lib/modules/a.ko", "x");
	put("init", "#!/bin/sh\n");
	dir("root");
	snprintf(p, sizeof(p), "%s/link", base);
	CHECK(symlink("/root/precious", p) == 0, "symlink");
	snprintf(p, sizeof(p), "%s/root", base);
	if (geteuid() == 0 && mount("tmpfs", p, "tmpfs", 0, "size=1m") == 0)
		mounted = 1;
	put("root/precious", "host data");
	dir("root/sub");
	put("root/sub/deep", "more host data");

	fd = open(base, O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0 && fstat(fd, &st) == 0, "open base");

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
		printf("test_nuke: not root, the cross-device part is skipped\n");
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
