/* SPDX-License-Identifier: MIT */
/*
 * blkid9p/blkid9p.c - the scratch-disk helper: libblkid, linked
 * statically, answers what the root engine (engine/scratch.c) asks.
 *
 *   blkid9p find LABEL=x|UUID=y  print "DEVICE FSTYPE" of the first block
 *                                device with that tag; exit 1 if none
 *   blkid9p list                 print "DEVICE FSTYPE LABEL UUID" per
 *                                device with a signature ("-" for none)
 *   blkid9p blank DEVICE         exit 0 if DEVICE is blank (below), 1 with
 *                                "DEVICE: not blank: WHAT" if not
 *   blkid9p blank-disks          print the whole, writable, non-empty
 *                                disks (no partition, loop, ram, CD) that
 *                                are blank
 *
 * Blank, what root9p.tmp=LABEL=x,mkfs may format: libblkid finds no
 * signature (file system, RAID, partition table, a GPT whose protective
 * MBR is gone) at the start, at the usual starts of a first partition, nor
 * an ext2/3/4 backup superblock; the first and last MiB read as zeros; the
 * kernel knows no partition of it and nothing holds it (sysfs).
 *
 * klibc cannot link libblkid, so init9p stays small and execs this only
 * when root9p.tmp/swap/overlay name a disk; mkinitrd9p --scratch adds it.
 * Devices are the kernel's (/sys/class/block), nodes devtmpfs's (/dev):
 * no cache file, no udev.
 */
#include <blkid/blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/array.h"
#include "common/err.h"

#define SYS_BLOCK "/sys/class/block"
#define SYS_DEV_BLOCK "/sys/dev/block"

#define SECTOR 512LL
#define MIB (1024LL * 1024)
#define ZERO_SPAN MIB		/* first and last bytes that must read zero */
#define EXT_SB_OFFSET 1024LL	/* where ext2/3/4 keep the superblock */
/* The step of a struct r9p_err of this file: "not blank" (code 1, what
 * is there) and "unreadable" (-errno) both end the look at a disk. */
#define BLANK_STEP "check that the disk is blank"

/* Where a file system may start with no partition table left to say so:
 * GPT's first usable sector, DOS's sector 63, and the 1 MiB alignment of
 * every partitioning tool since 2010 and its first multiples. */
static const long long part_starts[] = {
	34 * SECTOR, 63 * SECTOR, 1 * MIB, 2 * MIB, 4 * MIB, 8 * MIB, 16 * MIB,
};

/* ext2/3/4 backup superblocks: block group G of a file system with block
 * size B starts at block G * 8B (plus 1 when B is 1024); with
 * sparse_super only groups 1 and the powers of 3, 5 and 7 keep one. */
static const unsigned ext_block_sizes[] = { 1024, 2048, 4096 };
static const unsigned ext_backup_groups[] = { 1, 3, 5, 7, 9, 25, 27, 49 };

/* Exit codes the engine reads. */
enum { EXIT_FOUND = 0, EXIT_NONE = 1, EXIT_USAGE = 2, EXIT_SYSTEM = 3 };

struct dev_info {
	char type[64], label[256], uuid[128];
};

static void copy_value(blkid_probe pr, const char *name, char *out,
		       size_t len)
{
	const char *v = NULL;

	out[0] = '\0';
	if (blkid_probe_lookup_value(pr, name, &v, NULL) == 0 && v)
		snprintf(out, len, "%s", v);
}

/* Superblock of DEV: 0 with INFO filled, 1 when none, -1 when unreadable
 * (an empty CD drive, a loop device with no file). */
static int probe_dev(const char *dev, struct dev_info *info)
{
	blkid_probe pr;
	int rc;

	pr = blkid_new_probe_from_filename(dev);
	if (!pr)
		return -1;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL |
					  BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE);
	rc = blkid_do_safeprobe(pr);
	if (rc == 0) {
		copy_value(pr, "TYPE", info->type, sizeof(info->type));
		copy_value(pr, "LABEL", info->label, sizeof(info->label));
		copy_value(pr, "UUID", info->uuid, sizeof(info->uuid));
	}
	blkid_free_probe(pr);
	return rc == 0 ? 0 : rc == 1 ? 1 : -1;
}

/* Any signature in FD from byte OFF on (to SIZE)? Superblocks of every
 * type, RAID members and bad checksums included, and with PARTS the
 * partition tables (a GPT even with no protective MBR); ambivalent
 * results count as found. 0 none, 1 found (E says what), -1 error. */
static int probe_at(int fd, long long off, long long size, int parts,
		    struct r9p_err *e)
{
	const char *type = NULL;
	blkid_probe pr = blkid_new_probe();
	int rc = -1;

	if (!pr)
		return -1;
	if (blkid_probe_set_device(pr, fd, off, size - off) == 0) {
		blkid_probe_enable_superblocks(pr, 1);
		blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE |
						  BLKID_SUBLKS_BADCSUM);
		blkid_probe_enable_partitions(pr, parts);
		blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC |
						 BLKID_PARTS_FORCE_GPT);
		rc = blkid_do_safeprobe(pr);	/* -2: more than one */
	}
	if (rc == 0 &&
	    blkid_probe_lookup_value(pr, "TYPE", &type, NULL) != 0 &&
	    blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL) != 0)
		type = NULL;
	if (rc == 0 || rc == -2)
		r9p_errf(e, BLANK_STEP, 1, NULL, "%s signature at byte %lld",
			 rc == -2 ? "more than one" : type ? type : "a", off);
	blkid_free_probe(pr);
	return rc == 1 ? 0 : rc == 0 || rc == -2 ? 1 : -1;
}

/* The first and last ZERO_SPAN bytes of FD all zero? 0 yes, 1 no (E),
 * -1 unreadable. */
static int check_zeros(int fd, long long size, struct r9p_err *e)
{
	static char buf[ZERO_SPAN];
	long long offs[2] = { 0, size > ZERO_SPAN ? size - ZERO_SPAN : 0 };
	size_t want = size < ZERO_SPAN ? (size_t)size : ZERO_SPAN, i, k;

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		if (pread(fd, buf, want, offs[i]) != (ssize_t)want)
			return -1;
		for (k = 0; k < want; k++)
			if (buf[k]) {
				r9p_errf(e, BLANK_STEP, 1, NULL, "data at "
					 "byte %lld (the first and last MiB of "
					 "a blank disk are zeros)",
					 offs[i] + (long long)k);
				return 1;
			}
	}
	return 0;
}

/* Partitions the kernel knows of DEV, or holders (device mapper, RAID):
 * 0 none (or DEV is no block device: an image file), 1 some (E). */
static int check_sysfs(const char *dev, struct r9p_err *e)
{
	char dir[128], path[400];
	struct dirent *ent;
	struct stat st;
	int found = 0;
	DIR *d;

	if (stat(dev, &st) < 0 || !S_ISBLK(st.st_mode))
		return 0;
	snprintf(dir, sizeof(dir), SYS_DEV_BLOCK "/%u:%u", major(st.st_rdev),
		 minor(st.st_rdev));
	snprintf(path, sizeof(path), "%s/holders", dir);
	d = opendir(path);
	while (d && !found && (ent = readdir(d)) != NULL)
		if (ent->d_name[0] != '.') {
			r9p_errf(e, BLANK_STEP, 1, NULL, "held by %.60s "
				 "(sysfs)", ent->d_name);
			found = 1;
		}
	if (d)
		closedir(d);
	d = opendir(dir);
	while (d && !found && (ent = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "%s/%.100s/partition", dir,
			 ent->d_name);
		if (ent->d_name[0] != '.' && access(path, F_OK) == 0) {
			r9p_errf(e, BLANK_STEP, 1, NULL, "the kernel knows "
				 "its partition %.60s (sysfs)", ent->d_name);
			found = 1;
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* E gets "read DEV: strerror(errno)" and what to try. Returns -1. */
static int unreadable(const char *dev, struct r9p_err *e)
{
	return r9p_errf(e, BLANK_STEP, -errno, "give a readable block device",
			"read %s: %s", dev, strerror(errno));
}

/* Is DEV blank (the file's head comment)? 0 blank, 1 not, -1 unreadable
 * (E says what is there, or "read DEV: strerror"). Every look is a read:
 * nothing is written, nothing cached. */
static int probe_blank(const char *dev, struct r9p_err *e)
{
	long long size, off;
	size_t i, g;
	int fd, rc;

	rc = check_sysfs(dev, e);
	if (rc)
		return rc;
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return unreadable(dev, e);
	size = lseek(fd, 0, SEEK_END);
	rc = size <= 0 ? -1 : probe_at(fd, 0, size, 1, e);
	for (i = 0; rc == 0 && i < ARRAY_SIZE(part_starts); i++)
		if (part_starts[i] < size)
			rc = probe_at(fd, part_starts[i], size, 0, e);
	/* A backup superblock read as a primary: its window starts 1 KiB
	 * before it. */
	for (i = 0; rc == 0 && i < ARRAY_SIZE(ext_block_sizes); i++)
		for (g = 0; rc == 0 && g < ARRAY_SIZE(ext_backup_groups); g++) {
			long long b = ext_block_sizes[i];

			off = (ext_backup_groups[g] * 8 * b + (b == 1024)) * b;
			if (off + EXT_SB_OFFSET < size)
				rc = probe_at(fd, off - EXT_SB_OFFSET, size, 0,
					      e);
		}
	if (rc == 0)
		rc = check_zeros(fd, size, e);
	if (rc < 0)
		unreadable(dev, e);
	close(fd);
	return rc;
}

typedef int (*dev_fn)(const char *dev, const struct dev_info *info,
		      void *arg);

/* Call FN for each block device with a superblock, in /sys order; stop
 * when FN returns nonzero and return that. */
static int each_dev(dev_fn fn, void *arg)
{
	struct dev_info info;
	struct dirent *e;
	char dev[300];
	DIR *d = opendir(SYS_BLOCK);
	int rc = 0;

	if (!d) {
		fprintf(stderr, "blkid9p: open %s: %s: mount sysfs on /sys\n",
			SYS_BLOCK, strerror(errno));
		return -1;
	}
	while (!rc && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s", e->d_name);
		if (probe_dev(dev, &info) == 0)
			rc = fn(dev, &info, arg);
	}
	closedir(d);
	return rc;
}

static int print_dev(const char *dev, const struct dev_info *info, void *arg)
{
	(void)arg;
	printf("%s %s %s %s\n", dev, *info->type ? info->type : "-",
	       *info->label ? info->label : "-", *info->uuid ? info->uuid : "-");
	return 0;
}

struct want {
	const char *label, *uuid;
};

static int match_dev(const char *dev, const struct dev_info *info, void *arg)
{
	const struct want *w = arg;

	if ((w->label && strcmp(info->label, w->label) == 0) ||
	    (w->uuid && strcasecmp(info->uuid, w->uuid) == 0)) {
		printf("%s %s\n", dev, *info->type ? info->type : "-");
		return 1;
	}
	return 0;
}

/* A sysfs number of DIR/NAME, -1 if unreadable. */
static long long sys_number(const char *dir, const char *name)
{
	char path[512], buf[32];
	long long v = -1;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SYS_BLOCK "/%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		sscanf(buf, "%lld", &v);
	}
	return v;
}

/* Candidates for mkfs: whole disks only (a partition's disk has a table,
 * a signature), never loop/ram/zram/CD devices, never read-only or
 * empty ones; then no signature at all. */
static int print_blank_disks(void)
{
	static const char *const skip[] = { "loop", "ram", "zram", "sr", "md",
					    "dm-", "nbd" };
	struct dirent *e;
	char dev[300], path[512];
	struct r9p_err not_blank;
	DIR *d = opendir(SYS_BLOCK);
	size_t i;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		for (i = 0; i < ARRAY_SIZE(skip); i++)
			if (strncmp(e->d_name, skip[i], strlen(skip[i])) == 0)
				break;
		snprintf(path, sizeof(path), SYS_BLOCK "/%s/partition",
			 e->d_name);
		if (i < ARRAY_SIZE(skip) || access(path, F_OK) == 0 ||
		    sys_number(e->d_name, "ro") != 0 ||
		    sys_number(e->d_name, "size") <= 0)
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s", e->d_name);
		if (probe_blank(dev, &not_blank) == 0)
			printf("%s\n", dev);
	}
	closedir(d);
	return 0;
}

static int usage(void)
{
	fputs("usage: blkid9p find LABEL=x|UUID=y | list | blank DEVICE | "
	      "blank-disks\n", stderr);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	struct want w = { NULL, NULL };
	struct r9p_err e;
	int rc;

	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return each_dev(print_dev, NULL) < 0 ? EXIT_SYSTEM : EXIT_FOUND;
	if (argc == 2 && strcmp(argv[1], "blank-disks") == 0)
		return print_blank_disks() < 0 ? EXIT_SYSTEM : EXIT_FOUND;
	if (argc == 3 && strcmp(argv[1], "blank") == 0) {
		rc = probe_blank(argv[2], &e);
		if (rc < 0)
			fprintf(stderr, "blkid9p: %s: %s\n", e.why, e.try_);
		else if (rc)
			printf("%s: not blank: %s\n", argv[2], e.why);
		return rc < 0 ? EXIT_SYSTEM : rc ? EXIT_NONE : EXIT_FOUND;
	}
	if (argc != 3 || strcmp(argv[1], "find") != 0)
		return usage();
	if (strncmp(argv[2], "LABEL=", 6) == 0)
		w.label = argv[2] + 6;
	else if (strncmp(argv[2], "UUID=", 5) == 0)
		w.uuid = argv[2] + 5;
	else
		return usage();
	rc = each_dev(match_dev, &w);
	if (fflush(stdout) != 0)
		return EXIT_SYSTEM;
	return rc < 0 ? EXIT_SYSTEM : rc ? EXIT_FOUND : EXIT_NONE;
}
