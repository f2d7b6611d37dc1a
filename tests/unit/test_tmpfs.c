/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_tmpfs.c - root9p.tmp parsing, and the skip rules of
 * the /tmp mount on a fake root (nothing is mounted here).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "tmpfs/tmpfs.h"
#include "tests/unit/t.h"

static const struct {
	const char *value;
	int on;
	unsigned long mflags;
	const char *data, *described;
} cases[] = {
	{ "",			1, MS_NOSUID | MS_NODEV, "mode=1777",
	  "mode=1777,nosuid,nodev" },
	{ "on",			1, MS_NOSUID | MS_NODEV, "mode=1777",
	  "mode=1777,nosuid,nodev" },
	{ "1",			1, MS_NOSUID | MS_NODEV, "mode=1777",
	  "mode=1777,nosuid,nodev" },
	{ "off",		0, 0, "", "off" },
	{ "0",			0, 0, "", "off" },
	/* Options add to the safe defaults ... */
	{ "size=1m",		1, MS_NOSUID | MS_NODEV, "mode=1777,size=1m",
	  "mode=1777,size=1m,nosuid,nodev" },
	{ "size=50%,noexec",	1, MS_NOSUID | MS_NODEV | MS_NOEXEC,
	  "mode=1777,size=50%", "mode=1777,size=50%,nosuid,nodev,noexec" },
	{ "mode=1777,nosuid,nodev,noexec,size=1g", 1,
	  MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=1g",
	  "mode=1777,size=1g,nosuid,nodev,noexec" },
	/* ... unless they say otherwise explicitly. */
	{ "nosuid,suid",	1, MS_NODEV, "mode=1777", "mode=1777,nodev" },
	{ "suid,dev",		1, 0, "mode=1777", "mode=1777" },
	{ ",,mode=0700,,",	1, MS_NOSUID | MS_NODEV, "mode=0700",
	  "mode=0700,nosuid,nodev" },
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

int main(void)
{
	struct r9p_tmp t;
	struct r9p_err e;
	char reason[200], dir[] = "/tmp/r9p-tmpfs-XXXXXX", p[300];
	char big[400], desc[300];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		CHECK(r9p_tmp_parse(cases[i].value, &t, &e) == 0,
		      "%s", cases[i].value);
		CHECK(t.on == cases[i].on && t.mflags == cases[i].mflags,
		      "\"%s\": on %d flags %#lx", cases[i].value, t.on, t.mflags);
		CHECK_STR(t.data, cases[i].data, cases[i].value);
		CHECK_STR(r9p_tmp_describe(&t, desc, sizeof(desc)),
			  cases[i].described, cases[i].value);
	}
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(r9p_tmp_parse(big, &t, &e) < 0, "long value");
	CHECK(strstr(e.why, "root9p.tmp") != NULL, "message names the key: %s",
	      e.why);

	/* Skip rules, on a fake root: no /tmp, then fstab has /tmp, off. */
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	r9p_tmp_parse("", &t, &e);
	CHECK(r9p_tmp_mount(dir, &t, reason, sizeof(reason)) == 1,
	      "no /tmp folder must be skipped");
	CHECK(strstr(reason, "no /tmp") != NULL, "%s", reason);
	snprintf(p, sizeof(p), "%s/tmp", dir);
	CHECK(access(p, F_OK) < 0, "the folder must not be created");
	/* A /tmp that links out of the root is never followed. */
	if (symlink("/", p) < 0)
		perror("symlink");
	CHECK(r9p_tmp_mount(dir, &t, reason, sizeof(reason)) == 1,
	      "a symlinked /tmp must be skipped");
	CHECK(strstr(reason, "symbolic link") != NULL, "%s", reason);
	unlink(p);
	write_file(p, "not a folder");
	CHECK(r9p_tmp_mount(dir, &t, reason, sizeof(reason)) == 1,
	      "a /tmp file must be skipped");
	CHECK(strstr(reason, "not a folder") != NULL, "%s", reason);
	unlink(p);
	snprintf(p, sizeof(p), "%s/etc", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/fstab", dir);
	write_file(p, "# tmpfs /tmp tmpfs\nfsRoot / 9p rw 0 0\n"
		      "tmpfs /tmp tmpfs size=1g 0 0\n");
	CHECK(r9p_tmp_mount(dir, &t, reason, sizeof(reason)) == 1,
	      "fstab /tmp must be skipped");
	CHECK(strstr(reason, "fstab") != NULL, "%s", reason);
	r9p_tmp_parse("off", &t, &e);
	CHECK(r9p_tmp_mount(dir, &t, reason, sizeof(reason)) == 1, "off");
	CHECK(strstr(reason, "off") != NULL, "%s", reason);
	unlink(p);
	snprintf(p, sizeof(p), "%s/etc", dir);
	rmdir(p);
	rmdir(dir);
	return t_done("tmpfs");
}
