/* SPDX-License-Identifier: MIT */
/*
 * mkroot/qxattr.c - read and write QEMU's user.virtfs.* xattrs of one file.
 *
 * A file is named by directory fd + name and reached through
 * /proc/self/fd/DIRFD/NAME with the l*xattr calls, as QEMU itself does: the
 * directory is pinned by its fd and the last component is never followed.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "common/array.h"
#include "mkroot/qxattr.h"

#define X_UID	"user.virtfs.uid"
#define X_GID	"user.virtfs.gid"
#define X_MODE	"user.virtfs.mode"
#define X_RDEV	"user.virtfs.rdev"
#define X_PROBE	"user.mkroot9p.probe"

/* Host names of POSIX ACLs and the names QEMU's mapped model uses instead
 * (hw/9pfs/9p-posix-acl.c). */
static const struct {
	const char *host, *mapped;
} acl_names[] = {
	{ "system.posix_acl_access",  "user.virtfs.system.posix_acl_access" },
	{ "system.posix_acl_default", "user.virtfs.system.posix_acl_default" },
};

void r9p_qxattr_put32(unsigned char b[4], unsigned long v)
{
	int i;

	for (i = 0; i < 4; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

unsigned long r9p_qxattr_get32(const unsigned char b[4])
{
	unsigned long v = 0;
	int i;

	for (i = 3; i >= 0; i--)
		v = (v << 8) | b[i];
	return v;
}

void r9p_qxattr_put64(unsigned char b[8], unsigned long long v)
{
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

unsigned long long r9p_qxattr_get64(const unsigned char b[8])
{
	unsigned long long v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | b[i];
	return v;
}

static int at_path(char *buf, size_t len, int dirfd, const char *name)
{
	int n = snprintf(buf, len, "/proc/self/fd/%d/%s", dirfd, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Read a 4- or 8-byte attribute of PATH (or of FD when FD >= 0): 1 when
 * present, 0 when absent, -errno. */
static int get_num(const char *path, int fd, const char *attr, size_t size,
		   unsigned long long *v)
{
	unsigned char b[8] = { 0 };
	ssize_t n = fd >= 0 ? fgetxattr(fd, attr, b, size) : lgetxattr(path, attr, b, size);

	if (n < 0)
		return errno == ENODATA ? 0 : -errno;
	*v = size == 4 ? r9p_qxattr_get32(b) : r9p_qxattr_get64(b);
	return 1;
}

static int get_all(const char *path, int fd, struct r9p_qxattr *m)
{
	unsigned long long v;
	int err = get_num(path, fd, X_MODE, 4, &v);

	if (err <= 0)
		return err;
	m->mode = (mode_t)v;
	if (get_num(path, fd, X_UID, 4, &v) > 0)
		m->uid = (uid_t)v;
	if (get_num(path, fd, X_GID, 4, &v) > 0)
		m->gid = (gid_t)v;
	if (get_num(path, fd, X_RDEV, 8, &v) > 0) {
		m->rdev = (dev_t)v;
		m->has_rdev = 1;
	}
	return 1;
}

int r9p_qxattr_get(int dirfd, const char *name, struct r9p_qxattr *m)
{
	char path[PATH_MAX];
	int err = at_path(path, sizeof(path), dirfd, name);

	return err ? err : get_all(path, -1, m);
}

int r9p_qxattr_fget(int fd, struct r9p_qxattr *m)
{
	return get_all(NULL, fd, m);
}

/* One setter for both the path and the fd form: the fd one when FD >= 0. */
static int set_one(const char *path, int fd, const char *attr,
		   const unsigned char *b, size_t size)
{
	int r = fd >= 0 ? fsetxattr(fd, attr, b, size, 0) :
			  lsetxattr(path, attr, b, size, 0);

	return r < 0 ? -errno : 0;
}

static int set_all(const char *path, int fd, const struct r9p_qxattr *m)
{
	unsigned char b[8];
	int err;

	r9p_qxattr_put32(b, m->uid);
	err = set_one(path, fd, X_UID, b, 4);
	if (!err) {
		r9p_qxattr_put32(b, m->gid);
		err = set_one(path, fd, X_GID, b, 4);
	}
	if (!err && m->has_rdev) {
		r9p_qxattr_put64(b, (unsigned long long)m->rdev);
		err = set_one(path, fd, X_RDEV, b, 8);
	}
	if (!err) {
		r9p_qxattr_put32(b, m->mode);
		err = set_one(path, fd, X_MODE, b, 4);
	}
	return err;
}

int r9p_qxattr_set(int dirfd, const char *name, const struct r9p_qxattr *m)
{
	char path[PATH_MAX];
	int err = at_path(path, sizeof(path), dirfd, name);

	return err ? err : set_all(path, -1, m);
}

int r9p_qxattr_fset(int fd, const struct r9p_qxattr *m)
{
	return set_all(NULL, fd, m);
}

int r9p_qxattr_clear(int dirfd, const char *name)
{
	static const char *const attrs[] = { X_UID, X_GID, X_RDEV, X_MODE };
	char path[PATH_MAX];
	size_t i;
	int err = at_path(path, sizeof(path), dirfd, name);

	for (i = 0; !err && i < ARRAY_SIZE(attrs); i++)
		if (lremovexattr(path, attrs[i]) < 0 && errno != ENODATA)
			err = -errno;
	return err;
}

int r9p_qxattr_move_acls(int dirfd, const char *name, int to_mapped)
{
	char path[PATH_MAX], value[65536];
	const char *from, *to;
	size_t i;
	ssize_t n;
	int moved = 0, err = at_path(path, sizeof(path), dirfd, name);

	for (i = 0; !err && i < ARRAY_SIZE(acl_names); i++) {
		from = to_mapped ? acl_names[i].host : acl_names[i].mapped;
		to = to_mapped ? acl_names[i].mapped : acl_names[i].host;
		n = lgetxattr(path, from, value, sizeof(value));
		if (n < 0) {
			if (errno != ENODATA && errno != ENOTSUP)
				err = -errno;
			continue;
		}
		if (lsetxattr(path, to, value, (size_t)n, 0) < 0 ||
		    lremovexattr(path, from) < 0)
			err = -errno;
		else
			moved++;
	}
	return err ? err : moved;
}

int r9p_qxattr_probe(int dirfd)
{
	char path[PATH_MAX];
	int err = at_path(path, sizeof(path), dirfd, ".");

	if (err)
		return err;
	if (lsetxattr(path, X_PROBE, "1", 1, 0) < 0)
		return -errno;
	lremovexattr(path, X_PROBE);
	return 0;
}

int r9p_qxattr_has_caps(int dirfd, const char *name)
{
	char path[PATH_MAX];

	if (at_path(path, sizeof(path), dirfd, name))
		return 0;
	return lgetxattr(path, "security.capability", NULL, 0) > 0;
}
