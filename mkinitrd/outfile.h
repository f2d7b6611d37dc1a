/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/outfile.h - write a file whole or not at all, never through
 * a name someone else could have prepared.
 *
 * The new contents go to a file nobody can name (O_TMPFILE) or, where
 * the filesystem cannot do that, to a new file with a random name made
 * with O_CREAT|O_EXCL|O_NOFOLLOW, in the target's directory. Commit
 * syncs it, renames it over the target (a link at the target is
 * replaced, never followed) and syncs the directory. Functions return
 * 0 or -errno with E filled: E->step names what failed ("rename
 * into"), E->why is "STEP PATH: strerror", E->code the -errno.
 */
#ifndef R9P_MKINITRD_OUTFILE_H
#define R9P_MKINITRD_OUTFILE_H

#include <sys/types.h>

#include "common/err.h"

/* r9p_outfile_open flags: skip O_TMPFILE (tests of the fallback). */
#define R9P_OUTFILE_NAMED 1

struct r9p_outfile {
	int fd;		/* write here; owned until commit or abort */
	int dirfd;	/* the target's directory */
	char *base;	/* the target's name in dirfd */
	char *tmp;	/* the temporary name in dirfd, NULL while unnamed */
	const char *path;	/* the target, as given (the caller's) */
};

/* Start a new version of path with permission bits mode (umask aside). */
int r9p_outfile_open(struct r9p_outfile *f, const char *path, mode_t mode,
		     int flags, struct r9p_err *e);
/* fsync, put in place of path, fsync the directory; frees f. */
int r9p_outfile_commit(struct r9p_outfile *f, struct r9p_err *e);
/* Drop the new version (no file left behind); frees f. */
void r9p_outfile_abort(struct r9p_outfile *f);

#endif
