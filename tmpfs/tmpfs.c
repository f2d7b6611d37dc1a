/* SPDX-License-Identifier: MIT */
/*
 * tmpfs/tmpfs.c - parse root9p.tmp and mount the tmpfs on NEWROOT/tmp.
 *
 * The generic words of the value (nosuid, nodev, noexec ...) become mount
 * flags through one table; everything else is tmpfs data, checked by the
 * kernel at mount time. The folder is opened with O_NOFOLLOW and the
 * mount goes onto that very directory (/proc/self/fd/N), so a /tmp that
 * is a link, or becomes one meanwhile, cannot move the tmpfs elsewhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "mount9p/mountinfo.h"
#include "tmpfs/tmpfs.h"

/* klibc's headers predate these (values from linux/mount.h, fcntl.h). */
#ifndef MS_RELATIME
#define MS_RELATIME (1UL << 21)
#endif
#ifndef MS_STRICTATIME
#define MS_STRICTATIME (1UL << 24)
#endif
#ifndef O_PATH
#define O_PATH 010000000
#endif

#define DEFAULT_FLAGS (MS_NOSUID | MS_NODEV)
#define DEFAULT_MODE "mode=1777"
#define FSTAB_MAX (64 * 1024)	/* an fstab is small; never read more */

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
#define NFLAG_WORDS ARRAY_SIZE(flag_words)

static void add_item(char *buf, size_t size, const char *item)
{
	size_t n = strlen(buf);

	snprintf(buf + n, size - n, "%s%s", n ? "," : "", item);
}

int r9p_tmp_parse(const char *value, struct r9p_tmp *t, struct r9p_err *e)
{
	char buf[256], *p, *item;
	int has_mode = 0;
	size_t i;

	memset(t, 0, sizeof(*t));
	if (strcmp(value, "off") == 0 || strcmp(value, "0") == 0)
		return 0;
	t->on = 1;
	t->mflags = DEFAULT_FLAGS;
	if (!*value || strcmp(value, "on") == 0 || strcmp(value, "1") == 0)
		value = "";
	/* Room for the default mode in front of the user's options. */
	if (strlen(value) + sizeof(DEFAULT_MODE) >= sizeof(buf)) {
		r9p_errf(e, "use root9p.tmp", -EINVAL, NULL, "root9p.tmp=%.40s...: "
			 "too long (at most %d characters)", value,
			 (int)(sizeof(buf) - sizeof(DEFAULT_MODE) - 1));
		return e->code;
	}
	snprintf(buf, sizeof(buf), "%s", value);
	for (p = buf; (item = strsep(&p, ",")) != NULL;) {
		if (!*item)
			continue;
		for (i = 0; i < NFLAG_WORDS; i++)
			if (strcmp(item, flag_words[i].word) == 0)
				break;
		if (i < NFLAG_WORDS) {
			t->mflags = (t->mflags | flag_words[i].set) &
				    ~flag_words[i].clear;
			continue;
		}
		if (strncmp(item, "mode=", 5) == 0)
			has_mode = 1;
		add_item(t->data, sizeof(t->data), item);
	}
	/* The sticky, world-writable mode is part of the safe default: an
	 * explicit mode= replaces it, other options add to it. */
	if (!has_mode) {
		snprintf(buf, sizeof(buf), "%s", t->data);
		snprintf(t->data, sizeof(t->data), DEFAULT_MODE "%s%s",
			 *buf ? "," : "", buf);
	}
	return 0;
}

char *r9p_tmp_describe(const struct r9p_tmp *t, char *buf, int len)
{
	size_t i;

	if (!t->on) {
		snprintf(buf, len, "off");
		return buf;
	}
	snprintf(buf, len, "%s", t->data);
	for (i = 0; i < NFLAG_WORDS; i++)
		if (flag_words[i].set & t->mflags)
			add_item(buf, len, flag_words[i].word);
	return buf;
}

/* Does NEWROOT/etc/fstab mount something on /tmp? Only a regular file
 * is read (a FIFO there must not hang PID 1). */
static int fstab_has_tmp(const char *newroot)
{
	char path[300], text[FSTAB_MAX + 1], spec[256], file[256];
	char *line, *p;
	struct stat st;
	int fd, found = 0;
	ssize_t n = -1;

	snprintf(path, sizeof(path), "%s/etc/fstab", newroot);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = read(fd, text, FSTAB_MAX);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	for (p = text; !found && (line = strsep(&p, "\n")) != NULL;)
		if (sscanf(line, " %255s %255s", spec, file) == 2 &&
		    spec[0] != '#' && strcmp(file, "/tmp") == 0)
			found = 1;
	return found;
}

/* Is DIR a mount point already (a second call, a rescue shell)? */
static int is_mounted(const char *dir)
{
	struct r9p_mountinfo mi;
	char line[4096];
	FILE *f = r9p_mountinfo_open();
	int found = 0;

	if (!f)
		return 0;
	while (r9p_mountinfo_next(f, line, sizeof(line)))
		if (r9p_mountinfo_parse(line, &mi) == 0 &&
		    strcmp(mi.mount_point, dir) == 0)
			found = 1;
	fclose(f);
	return found;
}

int r9p_tmp_mount(const char *newroot, const struct r9p_tmp *t,
		  char *reason, int len)
{
	if (!t->on) {
		snprintf(reason, len, "root9p.tmp=off");
		return 1;
	}
	return r9p_tmp_mount_source(newroot, "tmpfs", "tmpfs", t->mflags,
				    t->data, reason, len);
}

int r9p_tmp_mount_source(const char *newroot, const char *source,
			 const char *fstype, unsigned long mflags,
			 const char *data, char *reason, int len)
{
	char dir[300], target[64];
	struct stat st;
	int fd, err = 0;

	if (fstab_has_tmp(newroot)) {
		snprintf(reason, len, "the root's /etc/fstab mounts /tmp itself");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/tmp", newroot);
	/* One lookup (a 9p walk) for both the type check and the mount:
	 * O_PATH | O_NOFOLLOW opens a symlink itself, which fstat shows. */
	fd = open(dir, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		snprintf(reason, len, "the root has no /tmp folder (create it "
			 "on the host to get a tmpfs there)");
		return 1;
	}
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(reason, len, "the root's /tmp cannot be opened as a "
			 "folder without following links: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode) || is_mounted(dir)) {
		if (S_ISLNK(st.st_mode))
			snprintf(reason, len, "the root's /tmp is a symbolic "
				 "link, which is not followed out of the root "
				 "(make it a folder on the host to get a tmpfs "
				 "there)");
		else if (!S_ISDIR(st.st_mode))
			snprintf(reason, len, "the root's /tmp is not a folder");
		else
			snprintf(reason, len, "%s is mounted already", dir);
		close(fd);
		return 1;
	}
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (mount(source, target, fstype, mflags, data) < 0)
		err = -errno;
	close(fd);
	/* A disk's root folder has the mode mkfs gave it (0755): /tmp must
	 * be sticky and world-writable. The new mount is reached again
	 * without following links. */
	if (!err && strcmp(fstype, "tmpfs") != 0) {
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fchmod(fd, 01777) < 0)
			err = -errno;
		if (fd >= 0)
			close(fd);
	}
	return err;
}
