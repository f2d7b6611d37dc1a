/* SPDX-License-Identifier: MIT */
/*
 * mount9p/mountinfo.h - one line of /proc/self/mountinfo, split.
 *
 * Used by tags.c (is a tag mounted?) and effective.c (what did the kernel
 * do?). r9p_mountinfo_set_proc() points tests at fake tables.
 */
#ifndef R9P_MOUNTINFO_H
#define R9P_MOUNTINFO_H

#include <stdio.h>

struct r9p_mountinfo {		/* pointers into the parsed line */
	char *root;		/* "/" */
	char *mount_point;	/* unescaped: "/root", "/mnt/a b" */
	char *mount_opts;	/* per mount: "rw,relatime" */
	char *fstype;		/* "9p" */
	char *source;		/* unescaped: the tag */
	char *super_opts;	/* per superblock: "rw,dirsync,mmap,..." */
};

/*
 * Split LINE (one mountinfo line, its '\n' may remain) in place, undoing
 * the kernel's octal escapes (\040 space, \011 tab, \012 newline, \134
 * backslash). Returns 0 or -EINVAL for a malformed line.
 */
int r9p_mountinfo_parse(char *line, struct r9p_mountinfo *mi);

/* Read procfs under DIR instead of /proc (NULL or "": /proc again). */
void r9p_mountinfo_set_proc(const char *dir);

/* "/proc", or the directory given to r9p_mountinfo_set_proc(). */
const char *r9p_proc_root(void);

/* Open PROC/self/mountinfo; NULL with errno set. */
FILE *r9p_mountinfo_open(void);

/* How many times this process called r9p_mountinfo_open. */
unsigned r9p_mountinfo_reads(void);

/*
 * Read the next whole line of F into BUF (LEN bytes); longer lines are
 * skipped, so a huge aname never splits into a bogus line. Returns 1, or
 * 0 at the end.
 */
int r9p_mountinfo_next(FILE *f, char *buf, int len);

#endif
