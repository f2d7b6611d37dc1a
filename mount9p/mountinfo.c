/* SPDX-License-Identifier: MIT */
/*
 * mount9p/mountinfo.c - read /proc/self/mountinfo lines.
 *
 * Format (proc(5)): ID PARENT MAJ:MIN ROOT MOUNT_POINT MOUNT_OPTS
 * [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTS. Fields are separated by
 * single spaces; the kernel escapes space, tab, newline and backslash in
 * paths and the source as \ooo octal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mount9p/mountinfo.h"

/* Undo \ooo escapes in place. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* The next space-separated field of *P, or NULL. */
static char *field(char **p)
{
	char *f = *p, *end;

	if (!f || !*f)
		return NULL;
	end = strchr(f, ' ');
	if (end) {
		*end = '\0';
		*p = end + 1;
	} else {
		*p = NULL;
	}
	return f;
}

int r9p_mountinfo_parse(char *line, struct r9p_mountinfo *mi)
{
	char *p = line, *f[6], *sep;
	int i;

	line[strcspn(line, "\n")] = '\0';
	for (i = 0; i < 6; i++)
		if (!(f[i] = field(&p)))
			return -EINVAL;
	/* optional fields ("shared:1", "master:2") end at a lone "-" */
	while ((sep = field(&p)) != NULL && strcmp(sep, "-"))
		;
	if (!sep)
		return -EINVAL;
	mi->fstype = field(&p);
	mi->source = field(&p);
	mi->super_opts = p ? p : (char *)"";
	if (!mi->fstype || !mi->source)
		return -EINVAL;
	mi->root = f[3];
	mi->mount_point = f[4];
	mi->mount_opts = f[5];
	unescape(mi->root);
	unescape(mi->mount_point);
	unescape(mi->source);
	return 0;
}

/* Where procfs is: "/proc", or a fake tree a test hands in. */
static char proc_dir[512] = "/proc";

void r9p_mountinfo_set_proc(const char *dir)
{
	snprintf(proc_dir, sizeof(proc_dir), "%s", dir && *dir ? dir : "/proc");
}

const char *r9p_proc_root(void)
{
	return proc_dir;
}

/* Reads so far: init9p's root9p.debug line counts them (issue 28). */
static unsigned mountinfo_reads;

unsigned r9p_mountinfo_reads(void)
{
	return mountinfo_reads;
}

FILE *r9p_mountinfo_open(void)
{
	char path[4096];

	mountinfo_reads++;
	if ((size_t)snprintf(path, sizeof(path), "%s/self/mountinfo",
			     r9p_proc_root()) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return fopen(path, "r");
}

int r9p_mountinfo_next(FILE *f, char *buf, int len)
{
	size_t n;

	while (fgets(buf, len, f)) {
		n = strlen(buf);
		if (n && buf[n - 1] == '\n')
			return 1;
		if (feof(f))
			return 1;	/* the last line, with no newline */
		/* too long: drop it up to its newline */
		while (fgets(buf, len, f) && !strchr(buf, '\n'))
			;
	}
	return 0;
}
