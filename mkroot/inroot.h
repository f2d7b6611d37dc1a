/* SPDX-License-Identifier: MIT */
/*
 * mkroot/inroot.h - the writes scripts/mkroot9p makes into a root directory.
 *
 * Every operation takes the root as a directory fd and a path REL inside it
 * (a leading / is the root's own). The folders above REL are opened with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS): a link among them (etc
 * -> /etc, a guest's trap) is refused with -ELOOP. Whether the last name
 * is followed when it is a symlink depends on what the operation means,
 * and each says so below: write follows it the way `>` in a chroot
 * would, inside the root only (RESOLVE_IN_ROOT: a root's absolute or ../
 * link names a file of the root, never one of the host); the others act
 * on the name itself. Reads (r9p_inroot_resolve) follow the tree's own
 * links the way a chroot would, never out of the root. Each returns 0 or
 * a positive "nothing to do" code, or -errno with E filled (common/err.h:
 * the step that failed, strerror's text as the why, the -errno as the
 * code, nothing to try); the caller reports it, with what to try.
 */
#ifndef R9P_INROOT_H
#define R9P_INROOT_H

#include <stddef.h>
#include <sys/types.h>

#include "common/err.h"

/* Steps of a struct r9p_err a caller tells apart to say what to try: a
 * write's symlinks in REL's place loop; their target's folder is not in
 * the root. */
#define R9P_INROOT_STEP_LOOP "follow the symlinks in its place (a loop)"
#define R9P_INROOT_STEP_TARGET "open the folder of the symlink's target in the root"

/* Outcomes that change nothing. */
#define R9P_INROOT_UNCHANGED 1

/* The mode argument of r9p_inroot_write that keeps an existing file's. */
#define R9P_INROOT_KEEP_MODE ((mode_t)-1)

/* A path of the tree printed by r9p_inroot_resolve: PATH_MAX is enough. */
#define R9P_INROOT_PATH_MAX 4096

/* DIR as the root: an O_PATH directory fd in *ROOTFD, DIR itself never
 * through a symlink. */
int r9p_inroot_open(const char *dir, int *rootfd, struct r9p_err *e);

/* REL resolved inside the root as a chroot would (the tree's links
 * followed, none leading out; a missing last component allowed), written
 * to OUT as a path from the root with a leading /. */
int r9p_inroot_resolve(int rootfd, const char *rel, char *out, size_t len,
		       struct r9p_err *e);

/* mkdir -p REL: each missing folder made with MODE (the folders above it
 * 0755); an existing folder is kept as it is; a symlink anywhere refused,
 * the last name too: the folder is made for writes below it, and those
 * go through real folders only. */
int r9p_inroot_mkdir(int rootfd, const char *rel, mode_t mode, struct r9p_err *e);

/* REL holds DATA (LEN bytes) with MODE (R9P_INROOT_KEEP_MODE: the old
 * file's, 0644 when new); the folder above must exist. A symlink in REL's
 * place is the root's name for another of its files (trixie's
 * /etc/default/locale -> ../locale.conf): it is followed inside the root
 * and kept, and the file it names is written; a target whose folder is
 * not in the root is refused (-ENOENT), a loop too (-ELOOP). An existing
 * file with the same bytes is left alone (its mode set):
 * R9P_INROOT_UNCHANGED. Else a new file is written beside it and renamed
 * over it (a special file there is replaced, not opened); the old file's
 * owner is kept when the caller may give it. */
int r9p_inroot_write(int rootfd, const char *rel, const char *data, size_t len,
		     mode_t mode, struct r9p_err *e);

/* REL becomes a symlink to TARGET (any previous file or link replaced, a
 * folder refused); R9P_INROOT_UNCHANGED when it already is. A link in
 * REL's place is not followed: the link is what is made (ln -sfn). */
int r9p_inroot_symlink(int rootfd, const char *rel, const char *target,
		       struct r9p_err *e);

/* REL removed when it is a symlink to TARGET (one made by an earlier run);
 * else R9P_INROOT_UNCHANGED. The link itself is what is looked at. */
int r9p_inroot_unlink_link(int rootfd, const char *rel, const char *target,
			   struct r9p_err *e);

/* REL removed when it is a file or a symlink (never a folder, never what
 * a link points to: rm takes a name away, not the file it names);
 * R9P_INROOT_UNCHANGED when absent. */
int r9p_inroot_remove(int rootfd, const char *rel, struct r9p_err *e);

/* `mkroot9p-convert in DIR OP ARGS...` (mkroot/inrootcli.c): ARGV from
 * "in"; prints one word of what it did, returns the exit status. */
int r9p_inroot_main(int argc, char **argv);

#endif
