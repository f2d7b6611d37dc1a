/* SPDX-License-Identifier: MIT */
/*
 * mkroot/qxattr.h - QEMU's security_model=mapped-xattr metadata on one file.
 *
 * QEMU (hw/9pfs/9p-local.c, local_set_xattrat/local_lstat) keeps what the
 * guest sees in four user xattrs, little-endian: user.virtfs.uid, .gid and
 * .mode (4 bytes; mode with the S_IF* type bits) and .rdev (8 bytes, the
 * host's dev_t encoding). Files are named by a directory fd and a name and
 * never followed when they are symlinks.
 */
#ifndef R9P_QXATTR_H
#define R9P_QXATTR_H

#include <sys/types.h>

struct r9p_qxattr {
	uid_t uid;
	gid_t gid;
	mode_t mode;		/* type and permission bits the guest sees */
	dev_t rdev;
	int has_rdev;		/* written for device nodes, fifos, sockets */
};

/* Little-endian byte images, as QEMU stores them (pure, for the tests). */
void r9p_qxattr_put32(unsigned char b[4], unsigned long v);
unsigned long r9p_qxattr_get32(const unsigned char b[4]);
void r9p_qxattr_put64(unsigned char b[8], unsigned long long v);
unsigned long long r9p_qxattr_get64(const unsigned char b[8]);

/*
 * Read the metadata of NAME in DIRFD into M. Returns 1 when it has
 * user.virtfs.mode (the file was converted), 0 when it has none, or -errno.
 * Absent fields keep M's values: fill M from lstat first, as QEMU does.
 */
int r9p_qxattr_get(int dirfd, const char *name, struct r9p_qxattr *m);
/* The same for an open file (not an O_PATH fd). */
int r9p_qxattr_fget(int fd, struct r9p_qxattr *m);

/* Write all fields, mode last (mode is what marks a file converted). */
int r9p_qxattr_set(int dirfd, const char *name, const struct r9p_qxattr *m);
int r9p_qxattr_fset(int fd, const struct r9p_qxattr *m);

/* Remove user.virtfs.uid/gid/rdev and mode (last). Returns 0 or -errno. */
int r9p_qxattr_clear(int dirfd, const char *name);

/*
 * Move POSIX ACLs between their host names (system.posix_acl_*) and the
 * names QEMU's mapped model keeps them under (user.virtfs.system.posix_acl_*):
 * TO_MAPPED 1 moves to the user.virtfs names, 0 back. Returns the number
 * moved or -errno.
 */
int r9p_qxattr_move_acls(int dirfd, const char *name, int to_mapped);

/* Does the filesystem of DIRFD keep user xattrs? 0, or -errno (ENOTSUP ...). */
int r9p_qxattr_probe(int dirfd);

/* 1 when NAME carries security.capability (lost by a chown), else 0. */
int r9p_qxattr_has_caps(int dirfd, const char *name);

#endif
