/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_vfs.c - virtiofs tags in a fake sysfs (mount9p/virtiofs.c):
 * Linux 6.9+'s /sys/fs/virtiofs/N/tag, 6.1's bound driver only, neither;
 * and the option table, one row an option string.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "tests/unit/t.h"
#include "tests/unit/troot.h"
#include "mount9p/tags.h"
#include "mount9p/virtiofs.h"

static char sys[] = "/tmp/r9p-vfs-XXXXXX";

static void put(const char *rel, const char *text)
{
	char path[512], cmd[700];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", sys, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	if (system(cmd) != 0)
		return;
	if (!text) {
		mkdir(path, 0755);
		return;
	}
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static const struct {
	const char *opts;
	int ret;
	const char *data;	/* or a piece of the first error */
	unsigned long rdonly_set;	/* expect rdonly == 1 */
} rows[] = {
	{ "", 0, "", 0 },
	{ "dax=never", 0, "dax=never", 0 },
	{ "dax=inode,dax=always", 0, "dax=always", 0 },
	{ "dax", 0, "dax=always", 0 },
	{ "ro,noatime,dax=never,defaults", 0, "dax=never", 1 },
	{ "dax=maybe", -EINVAL, "virtiofs takes dax=always, dax=never or dax=inode", 0 },
	{ "msize=512000", -EINVAL, "a 9p option", 0 },
	{ "trans=virtio", -EINVAL, "a 9p option", 0 },
	{ "cache=auto", -EINVAL, "the daemon's", 0 },
	{ "xattr", -EINVAL, "virtiofsd -o xattr", 0 },
	{ "allow_other", -EINVAL, "virtiofs sets it itself", 0 },
	{ "source=x", -EINVAL, "the mount source is the tag", 0 },
	{ "nodiratme", -EINVAL, "did you mean nodiratime?", 0 },
	{ "ro=1", -EINVAL, "not an option of virtiofs", 0 },
};

int main(void)
{
	struct r9p_kernel k = { 6, 1 };
	struct r9p_diags d;
	struct r9p_opts o;
	char buf[300], cmd[600];
	size_t i;
	int ret;

	t_fake_sysfs(sys);
	/* Neither layout: no driver, no device. */
	CHECK(r9p_virtiofs_tag_present("fs") == 0, "empty sysfs: no tag");
	CHECK(r9p_virtiofs_tags_listed() == 0, "empty sysfs: not listed");
	CHECK_STR(r9p_virtiofs_tags_describe(buf, sizeof(buf)), "no virtiofs device",
		  "empty sysfs");
	/* 6.1: a bound device, no tag files: any tag counts as present. */
	put("bus/virtio/drivers/virtiofs/virtio3", NULL);
	CHECK(r9p_virtiofs_tag_present("anything") == 1, "6.1: a bound device");
	CHECK(strstr(r9p_virtiofs_tags_describe(buf, sizeof(buf)),
		     "1 virtiofs device, tags not listed") != NULL,
	      "6.1 describe: %s", buf);
	/* 6.9+: the tags, newline-terminated. */
	put("fs/virtiofs/0/tag", "fsRoot\n");
	put("fs/virtiofs/1/tag", "data\n");
	CHECK(r9p_virtiofs_tags_listed() == 1, "6.12: listed");
	CHECK(r9p_virtiofs_tag_present("fsRoot") == 1, "6.12: fsRoot present");
	CHECK(r9p_virtiofs_tag_present("data") == 1, "6.12: data present");
	CHECK(r9p_virtiofs_tag_present("anything") == 0, "6.12: anything absent");
	r9p_virtiofs_tags_describe(buf, sizeof(buf));
	CHECK(strstr(buf, "fsRoot") && strstr(buf, "data") && strstr(buf, ", "),
	      "6.12 describe: %s", buf);
	/* Tag rules: 1..36 bytes. */
	r9p_diags_init(&d);
	CHECK(r9p_virtiofs_tag_check("abcdefghijabcdefghijabcdefghijabcdef", &d) == 0,
	      "36 bytes taken");
	CHECK(r9p_virtiofs_tag_check("abcdefghijabcdefghijabcdefghijabcdefg", &d) ==
	      -EINVAL, "37 bytes refused");
	CHECK(r9p_virtiofs_tag_check("", &d) == -EINVAL, "empty refused");
	/* Options. */
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		ret = r9p_virtiofs_opts_parse(rows[i].opts, &k, &o);
		CHECK(ret == rows[i].ret, "%s: returned %d", rows[i].opts, ret);
		if (ret == 0) {
			CHECK_STR(o.data, rows[i].data, rows[i].opts);
			if (rows[i].rdonly_set)
				CHECK(o.rdonly == 1, "%s: rdonly %d", rows[i].opts,
				      o.rdonly);
		} else {
			CHECK(o.diags.n > 0 && strstr(o.diags.d[0].text,
						      rows[i].data) != NULL,
			      "%s: first message \"%s\" lacks \"%s\"",
			      rows[i].opts, o.diags.n ? o.diags.d[0].text : "",
			      rows[i].data);
		}
	}
	CHECK(r9p_virtiofs_mount_hint(-EINVAL) && strstr(r9p_virtiofs_mount_hint(-EINVAL),
						  "tag <TAG> not found"),
	      "EINVAL hint names dmesg's line");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sys);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", sys);
	return t_done("vfs");
}
