/* SPDX-License-Identifier: MIT */
/*
 * blkid9p/blkid9p.c - the scratch-disk helper: libblkid, linked
 * statically, answers what the root engine (engine/scratch.c) asks.
 *
 *   blkid9p find LABEL=x|UUID=y  print "DEVICE FSTYPE" of the first block
 *                                device with that tag; exit 1 if none
 *   blkid9p list                 print "DEVICE FSTYPE LABEL UUID" per
 *                                device with a signature ("-" for none)
 *   blkid9p blank DEVICE         exit 0 if libblkid finds no signature at
 *                                all (file system, RAID, partition
 *                                table), 1 if it finds one
 *   blkid9p blank-disks          print the whole, writable, non-empty
 *                                disks (no partition, loop, ram, CD) on
 *                                which libblkid finds no signature at all
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
#include <unistd.h>

#include "common/array.h"

#define SYS_BLOCK "/sys/class/block"

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

/* Any signature at all? Superblocks (every type, RAID members included)
 * and partition tables, ambivalent results counted as found: 0 blank,
 * 1 something there, -1 unreadable. */
static int probe_blank(const char *dev)
{
	blkid_probe pr;
	int rc;

	pr = blkid_new_probe_from_filename(dev);
	if (!pr)
		return -1;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC);
	rc = blkid_do_safeprobe(pr);	/* -2: more than one: not blank */
	blkid_free_probe(pr);
	return rc == 1 ? 0 : rc == 0 || rc == -2 ? 1 : -1;
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
		if (probe_blank(dev) == 0)
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
	int rc;

	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return each_dev(print_dev, NULL) < 0 ? EXIT_SYSTEM : EXIT_FOUND;
	if (argc == 2 && strcmp(argv[1], "blank-disks") == 0)
		return print_blank_disks() < 0 ? EXIT_SYSTEM : EXIT_FOUND;
	if (argc == 3 && strcmp(argv[1], "blank") == 0) {
		rc = probe_blank(argv[2]);
		if (rc < 0)
			fprintf(stderr, "blkid9p: cannot probe %s\n", argv[2]);
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
