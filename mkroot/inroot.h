/* SPDX-License-Identifier: MIT */
/*
 * mkroot/inroot.h - the writes scripts/mkroot9p makes into a root directory.
 *
 * Every operation takes the root as a directory fd and a path REL inside it
 * (a leading / is the root's own). Writes never follow a symlink: the
 * folders above REL are opened with openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_SYMLINKS), so a link in the tree (etc -> /etc, a guest's
 * trap) is refused with -ELOOP instead of leading out of the root, and the
 * last component is replaced by rename, never written through. Reads
 * (r9p_inroot_resolve) follow the tree's own links the way a chroot would,
 * and never leave the root (RESOLVE_IN_ROOT). Each returns 0 or a positive
 * "nothing to do" code, or -errno with *STEP naming the step that failed.
 */
#ifndef R9P_INROOT_H
#define R9P_INROOT_H

#include <stddef.h>
#include <sys/types.h>

/* Outcomes that change nothing. */
#define R9P_INROOT_UNCHANGED 1

/* The mode argument of r9p_inroot_write that keeps an existing file's. */
#define R9P_INROOT_KEEP_MODE ((mode_t)-1)

/* A path of the tree printed by r9p_inroot_resolve: PATH_MAX is enough. */
#define R9P_INROOT_PATH_MAX 4096

/* DIR as the root: an O_PATH directory fd in *ROOTFD, DIR itself never
 * through a symlink. */
int r9p_inroot_open(const char *dir, int *rootfd, const char **step);

/* REL resolved inside the root as a chroot would (the tree's links
 * followed, none leading out; a missing last component allowed), written
 * to OUT as a path from the root with a leading /. */
int r9p_inroot_resolve(int rootfd, const char *rel, char *out, size_t len,
		       const char **step);

/* mkdir -p REL: each missing folder made with MODE (the folders above it
 * 0755); an existing folder is kept as it is; a symlink anywhere refused. */
int r9p_inroot_mkdir(int rootfd, const char *rel, mode_t mode, const char **step);

/* REL holds DATA (LEN bytes) with MODE (R9P_INROOT_KEEP_MODE: the old
 * file's, 0644 when new); the folder above must exist. An existing file
 * with the same bytes is left alone (its mode set): R9P_INROOT_UNCHANGED.
 * Else a new file is written beside it and renamed over it (a symlink or
 * a special file there is replaced, not followed); the old file's owner is
 * kept when the caller may give it. */
int r9p_inroot_write(int rootfd, const char *rel, const char *data, size_t len,
		     mode_t mode, const char **step);

/* REL becomes a symlink to TARGET (any previous file or link replaced, a
 * folder refused); R9P_INROOT_UNCHANGED when it already is. */
int r9p_inroot_symlink(int rootfd, const char *rel, const char *target,
		       const char **step);

/* REL removed when it is a symlink to TARGET (one made by an earlier run);
 * else R9P_INROOT_UNCHANGED. */
int r9p_inroot_unlink_link(int rootfd, const char *rel, const char *target,
			   const char **step);

/* REL removed when it is a file or a symlink (never a folder, never what
 * a link points to); R9P_INROOT_UNCHANGED when absent. */
int r9p_inroot_remove(int rootfd, const char *rel, const char **step);

/* `mkroot9p-convert in DIR OP ARGS...` (mkroot/inrootcli.c): ARGV from
 * "in"; prints one word of what it did, returns the exit status. */
int r9p_inroot_main(int argc, char **argv);

#endif
