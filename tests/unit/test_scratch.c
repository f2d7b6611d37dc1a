/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_scratch.c - the scratch-disk keys (root9p.tmp=LABEL=,
 * UUID=, root9p.swap=) as the root engine decides them (engine/root.c,
 * scratch.c): one row a command line, the disks or the refusal.
 * Nothing is probed or mounted; sysfs is an empty fake tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/array.h"
#include "engine/root.h"
#include "tests/unit/t.h"
#include "tests/unit/troot.h"

#define BASE "root=a rootfstype=9p "
#define MODS_9P "virtio_pci 9pnet_virtio 9p"
#define MODS_DISK MODS_9P " virtio_blk ext4"

static const struct {
	const char *cmdline;
	int ret;		/* r9p_root_config's */
	const char *tmp_disk;	/* its spec, or a piece of the why */
	const char *swap;
	const char *tmp;	/* r9p_tmp_describe: the fallback tmpfs */
	const char *modules;
} rows[] = {
	/* the old meanings stay */
	{ BASE "", 0, "", "", "mode=1777,nosuid,nodev", MODS_9P },
	{ BASE "root9p.tmp=off", 0, "", "", "off", MODS_9P },
	{ BASE "root9p.tmp=size=1m", 0, "", "", "mode=1777,size=1m,nosuid,nodev",
	  MODS_9P },
	/* a disk: /tmp on it, the defaults as the fallback, its modules */
	{ BASE "root9p.tmp=LABEL=scratch", 0, "LABEL=scratch", "",
	  "mode=1777,nosuid,nodev", MODS_DISK },
	{ BASE "root9p.tmp=UUID=0b6d5c33-9e0f-4c3a-8a41-1a2b3c4d5e6f", 0,
	  "UUID=0b6d5c33-9e0f-4c3a-8a41-1a2b3c4d5e6f", "",
	  "mode=1777,nosuid,nodev", MODS_DISK },
	{ BASE "root9p.swap=LABEL=swp", 0, "", "LABEL=swp",
	  "mode=1777,nosuid,nodev", MODS_DISK },
	{ BASE "root9p.tmp=LABEL=a root9p.swap=UUID=b", 0, "LABEL=a", "UUID=b",
	  "mode=1777,nosuid,nodev", MODS_DISK },
	/* the last value wins, as for every key */
	{ BASE "root9p.tmp=LABEL=a root9p.tmp=off", 0, "", "", "off", MODS_9P },
	{ BASE "root9p.tmp=off root9p.tmp=LABEL=b", 0, "LABEL=b", "",
	  "mode=1777,nosuid,nodev", MODS_DISK },
	/* a label with the case of the kernel's word: taken as written */
	{ BASE "root9p.tmp=LABEL=My-Disk_1", 0, "LABEL=My-Disk_1", "",
	  "mode=1777,nosuid,nodev", MODS_DISK },
	/* refused: empty names, options after the name, swap without a disk */
	{ BASE "root9p.tmp=LABEL=", -1, "root9p.tmp=LABEL=: give one LABEL=",
	  NULL, NULL, NULL },
	{ BASE "root9p.tmp=UUID=", -1, "give one LABEL=name or UUID=uuid", NULL,
	  NULL, NULL },
	/* ,mkfs: for a label on /tmp only */
	{ BASE "root9p.tmp=LABEL=x,mkfs", 0, "LABEL=x", "",
	  "mode=1777,nosuid,nodev", MODS_DISK },
	{ BASE "root9p.tmp=UUID=x,mkfs", -1, ",mkfs is for root9p.tmp=LABEL=",
	  NULL, NULL, NULL },
	/* #29.7: ext4's label limit, 16 bytes, checked before anything is
	 * formatted (mke2fs would cut a longer one: a disk never found) */
	{ BASE "root9p.tmp=LABEL=abcdefghijklmnop,mkfs", 0, "LABEL=abcdefghijklmnop",
	  "", "mode=1777,nosuid,nodev", MODS_DISK },
	{ BASE "root9p.tmp=LABEL=abcdefghijklmnopq,mkfs", -1,
	  "root9p.tmp=LABEL=abcdefghijklmnopq,mkfs: the label is 17 bytes; "
	  "ext4 labels (what ,mkfs makes) have at most 16", NULL, NULL, NULL },
	/* without ,mkfs a longer label may be another file system's */
	{ BASE "root9p.tmp=LABEL=abcdefghijklmnopq", 0, "LABEL=abcdefghijklmnopq",
	  "", "mode=1777,nosuid,nodev", MODS_DISK },
	{ BASE "root9p.swap=LABEL=x,mkfs", -1, "root9p.swap=LABEL=x,mkfs: ,mkfs "
	  "is for", NULL, NULL, NULL },
	{ BASE "root9p.tmp=LABEL=,mkfs", -1, "then ,mkfs or nothing", NULL, NULL,
	  NULL },
	{ BASE "root9p.tmp=LABEL=x,mkfs,y", -1, "then ,mkfs or nothing", NULL,
	  NULL, NULL },
	{ BASE "root9p.tmp=LABEL=x,size=1m", -1, "then ,mkfs or nothing", NULL,
	  NULL, NULL },
	{ BASE "root9p.swap=on", -1, "root9p.swap=on: name the swap disk", NULL,
	  NULL, NULL },
	{ BASE "root9p.swap=LABEL=", -1, "root9p.swap=LABEL=: give one", NULL,
	  NULL, NULL },
	{ BASE "root9p.tmp=LABEL=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", -1, "at most 159 characters",
	  NULL, NULL, NULL },
};

int main(void)
{
	char sys[] = "/tmp/r9p-scratch-XXXXXX", tmp[300];
	static struct r9p_cmdline c;
	static struct r9p_root r;
	struct r9p_err f;
	size_t i;
	int ret;

	t_fake_sysfs(sys);
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		const char *line = rows[i].cmdline;

		if (!t_root_row(line, 0, rows[i].ret, &c, &r, &f))
			continue;
		ret = rows[i].ret;
		if (ret != 0) {
			CHECK(strstr(f.why, rows[i].tmp_disk) != NULL, "%s: why "
			      "\"%s\" lacks \"%s\"", line, f.why,
			      rows[i].tmp_disk);
			CHECK(strstr(f.try_, "LABEL=name") != NULL, "%s: try \"%s\"",
			      line, f.try_);
			continue;
		}
		CHECK_STR(r.tmp_disk.spec, rows[i].tmp_disk, line);
		CHECK_STR(r.swap.spec, rows[i].swap, line);
		CHECK(r.tmp_disk.mkfs == (strstr(line, ",mkfs") != NULL),
		      "%s: mkfs %d", line, r.tmp_disk.mkfs);
		CHECK_STR(r9p_tmp_describe(&r.tmp, tmp, sizeof(tmp)),
			  rows[i].tmp, line);
		CHECK_STR(r.modules, rows[i].modules, line);
	}
	rmdir(sys);
	return t_done("test_scratch");
}
