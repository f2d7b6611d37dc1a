/* SPDX-License-Identifier: MIT */
/*
 * tmpfs/tmpfs.c - parse root9p.tmp and mount the tmpfs on NEWROOT/tmp.
 *
 * The generic words of the value (nosuid, nodev, noexec ...) become mount
 * flags through one table; everything else is tmpfs data, checked by the
 * kernel at mount time.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "tmpfs/tmpfs.h"

/* klibc's <sys/mount.h> predates these two (values from linux/mount.h). */
#ifndef MS_RELATIME
#define MS_RELATIME (1UL << 21)
#endif
#ifndef MS_STRICTATIME
#define MS_STRICTATIME (1UL << 24)
#endif

static const struct {
	const char *word;
	unsigned long set, clear;
} flag_words[] = {
	{ "nosuid",	 MS_NOSUID,	0 },
	{ "suid",	 0,		MS_NOSUID },
	{ "nodev",	 MS_NODEV,	0 },
	{ "dev",	 0,		MS_NODEV },
	{ "noexec",	 MS_NOEXEC,	0 },
	{ "exec",	 0,		MS_NOEXEC },
	{ "noatime",	 MS_NOATIME,	0 },
	{ "relatime",	 MS_RELATIME,	0 },
	{ "strictatime", MS_STRICTATIME, 0 },
};

static void add_data(struct r9p_tmp *t, const char *item)
{
	size_t n = strlen(t->data);

	snprintf(t->data + n, sizeof(t->data) - n, "%s%s", n ? "," : "", item);
}

int r9p_tmp_parse(const char *value, struct r9p_tmp *t, char *msg, int len)
{
	char buf[256], *p, *item;
	size_t i;

	memset(t, 0, sizeof(*t));
	t->on = 1;
	if (strcmp(value, "off") == 0 || strcmp(value, "0") == 0) {
		t->on = 0;
		return 0;
	}
	if (!*value || strcmp(value, "on") == 0 || strcmp(value, "1") == 0)
		value = R9P_TMP_DEFAULT;
	if (strlen(value) >= sizeof(buf)) {
		snprintf(msg, len, "root9p.tmp=%.40s...: too long (at most %d "
			 "characters)", value, (int)sizeof(buf) - 1);
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", value);
	for (p = buf; (item = strsep(&p, ",")) != NULL;) {
		if (!*item)
			continue;
		for (i = 0; i < sizeof(flag_words) / sizeof(flag_words[0]); i++)
			if (strcmp(item, flag_words[i].word) == 0)
				break;
		if (i == sizeof(flag_words) / sizeof(flag_words[0])) {
			add_data(t, item);
			continue;
		}
		t->mflags = (t->mflags | flag_words[i].set) &
			    ~flag_words[i].clear;
	}
	return 0;
}

/* Does NEWROOT/etc/fstab mount something on /tmp? */
static int fstab_has_tmp(const char *newroot)
{
	char path[300], line[512], spec[256], file[256];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "%s/etc/fstab", newroot);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %255s %255s", spec, file) == 2 &&
		    spec[0] != '#' && strcmp(file, "/tmp") == 0)
			found = 1;
	}
	fclose(f);
	return found;
}

int r9p_tmp_mount(const char *newroot, const struct r9p_tmp *t,
		  char *reason, int len)
{
	char dir[300];
	struct stat st;

	if (!t->on) {
		snprintf(reason, len, "root9p.tmp=off");
		return 1;
	}
	if (fstab_has_tmp(newroot)) {
		snprintf(reason, len, "the root's /etc/fstab mounts /tmp itself");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/tmp", newroot);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(reason, len, "the root has no /tmp folder (create it "
			 "on the host to get a tmpfs there)");
		return 1;
	}
	if (mount("tmpfs", dir, "tmpfs", t->mflags, t->data) < 0)
		return -errno;
	return 0;
}
