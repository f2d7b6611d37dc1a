/* SPDX-License-Identifier: MIT */
/*
 * semantics/own.c - the own group: chown and chgrp stick, set-id bits
 * follow Linux's rules (kept by chmod and by root's writes, cleared by
 * chown and by a non-root user's write), a sticky folder keeps the user
 * from removing root's file, umask shapes O_CREAT and mkdir modes, and
 * access()/faccessat answer for the user as open() would. A 9p server in
 * passthrough runs as root on the host and must enforce all of this
 * itself; mapped-xattr stores owner and mode in xattrs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>

#include "semantics/sem.h"

#define OTHER_GID 100	/* a group that is not root's nor the user's */

static int mode_of(const struct sem_ctx *c, const char *rel, struct stat *st)
{
	return fstatat(c->runfd, rel, st, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

static void probe_chown(const struct sem_ctx *c)
{
	struct stat st;
	int fd = sem_make_file(c, "owned", 0644, "x\n", 2), err;

	if (fd < 0) {
		sem_fail("own.chown", -fd, "create owned");
		return;
	}
	close(fd);
	if (fchownat(c->runfd, "owned", c->uid, c->uid, AT_SYMLINK_NOFOLLOW) < 0) {
		sem_fail("own.chown", errno, "chown %u:%u owned", (unsigned)c->uid, (unsigned)c->uid);
		return;
	}
	if ((err = mode_of(c, "owned", &st)))
		sem_fail("own.chown", -err, "stat owned");
	else if (st.st_uid != c->uid || st.st_gid != c->uid)
		sem_fail("own.chown", 0, "owner %u:%u after chown %u:%u", (unsigned)st.st_uid,
			 (unsigned)st.st_gid, (unsigned)c->uid, (unsigned)c->uid);
	else
		sem_pass("own.chown", "owner %u:%u", (unsigned)c->uid, (unsigned)c->uid);
	if (fchownat(c->runfd, "owned", (uid_t)-1, OTHER_GID, AT_SYMLINK_NOFOLLOW) < 0)
		sem_fail("own.chgrp", errno, "chgrp %d owned", OTHER_GID);
	else if ((err = mode_of(c, "owned", &st)))
		sem_fail("own.chgrp", -err, "stat owned");
	else if (st.st_uid != c->uid || st.st_gid != OTHER_GID)
		sem_fail("own.chgrp", 0, "owner %u:%u after chgrp %d", (unsigned)st.st_uid,
			 (unsigned)st.st_gid, OTHER_GID);
	else
		sem_pass("own.chgrp", "group %d, owner kept", OTHER_GID);
}

/* The user's write to a world-writable set-id file of root's. */
static int user_write(const struct sem_ctx *c, void *arg)
{
	int fd = openat(c->runfd, arg, O_WRONLY | O_APPEND | O_CLOEXEC);

	if (fd < 0)
		return errno;
	if (write(fd, "u\n", 2) != 2) {
		close(fd);
		return errno ? errno : EIO;
	}
	close(fd);
	return 0;
}

static void probe_setid(const struct sem_ctx *c)
{
	struct stat st;
	int fd = sem_make_file(c, "setid", 0755, "x\n", 2), err, r;

	if (fd < 0) {
		sem_fail("own.setid_chmod", -fd, "create setid");
		return;
	}
	if (fchmod(fd, 06755) < 0 || fstat(fd, &st) < 0)
		sem_fail("own.setid_chmod", errno, "chmod 6755 setid");
	else if ((st.st_mode & 07777) != 06755)
		sem_fail("own.setid_chmod", 0, "mode %04o after chmod 6755", (unsigned)(st.st_mode & 07777));
	else
		sem_pass("own.setid_chmod", "mode 6755 kept");

	/* root's write keeps the bits (CAP_FSETID) */
	if (write(fd, "r\n", 2) != 2 || fstat(fd, &st) < 0)
		sem_fail("own.setid_write_root", errno, "write as root");
	else if ((st.st_mode & 07777) != 06755)
		sem_fail("own.setid_write_root", 0, "mode %04o after root's write, want 6755",
			 (unsigned)(st.st_mode & 07777));
	else
		sem_pass("own.setid_write_root", "root's write keeps 6755");

	/* chown clears set-uid and (group-executable) set-gid */
	if (fchown(fd, c->uid, c->uid) < 0 || fstat(fd, &st) < 0)
		sem_fail("own.setid_chown", errno, "chown the 6755 file");
	else if ((st.st_mode & 07777) != 0755)
		sem_fail("own.setid_chown", 0, "mode %04o after chown, a local filesystem gives 0755",
			 (unsigned)(st.st_mode & 07777));
	else
		sem_pass("own.setid_chown", "chown cleared the set-id bits (0755)");
	close(fd);

	/* a user's write to root's set-id file must clear the bits, or the
	 * user has put code into a set-uid root program */
	fd = sem_make_file(c, "setid-w", 0755, "x\n", 2);
	if (fd < 0 || fchmod(fd, 06777) < 0) {
		sem_fail("own.setid_write_user", fd < 0 ? -fd : errno, "make setid-w 6777");
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	r = sem_child(c, 1, user_write, "setid-w");
	if (r)
		sem_fail("own.setid_write_user", r > 0 && r < 255 ? r : 0,
			 "uid %u could not write a 6777 file", (unsigned)c->uid);
	else if ((err = mode_of(c, "setid-w", &st)))
		sem_fail("own.setid_write_user", -err, "stat setid-w");
	else if ((st.st_mode & 07777) != 0777)
		sem_fail("own.setid_write_user", 0, "mode %04o after uid %u's write, want 0777",
			 (unsigned)(st.st_mode & 07777), (unsigned)c->uid);
	else
		sem_pass("own.setid_write_user", "the user's write cleared the set-id bits");
	sem_host(c, "own.setid_write_user", "setid-w", "mode=777");
}

/* As the user in the sticky folder: root's file cannot be removed or
 * renamed, the user's own can. 0 when so, else an errno or 200/201. */
static int sticky_user(const struct sem_ctx *c, void *arg)
{
	int fd;

	(void)arg;
	if (unlinkat(c->runfd, "sticky/roots", 0) == 0)
		return 200;
	if (errno != EPERM)
		return errno;
	if (renameat(c->runfd, "sticky/roots", c->runfd, "sticky/moved") == 0)
		return 201;
	if (errno != EPERM)
		return errno;
	fd = openat(c->runfd, "sticky/mine", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno;
	close(fd);
	if (unlinkat(c->runfd, "sticky/mine", 0) < 0)
		return errno;
	return 0;
}

static void probe_sticky(const struct sem_ctx *c)
{
	int fd, r;

	if (mkdirat(c->runfd, "sticky", 0755) < 0 ||
	    fchmodat(c->runfd, "sticky", 01777, 0) < 0) {
		sem_fail("own.sticky", errno, "make the folder sticky 1777");
		return;
	}
	fd = openat(c->runfd, "sticky/roots", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0 || fchmod(fd, 0666) < 0) {
		sem_fail("own.sticky", errno, "create sticky/roots");
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	r = sem_child(c, 1, sticky_user, NULL);
	if (r == 0)
		sem_pass("own.sticky", "uid %u cannot remove or rename root's file, can its own",
			 (unsigned)c->uid);
	else if (r == 200)
		sem_fail("own.sticky", 0, "uid %u removed root's file from a sticky folder",
			 (unsigned)c->uid);
	else if (r == 201)
		sem_fail("own.sticky", 0, "uid %u renamed root's file in a sticky folder",
			 (unsigned)c->uid);
	else
		sem_fail("own.sticky", r > 0 && r < 255 ? r : 0, "as uid %u in the sticky folder",
			 (unsigned)c->uid);
	sem_host(c, "own.sticky", "sticky/roots", "mode=666");
}

static void probe_umask(const struct sem_ctx *c)
{
	struct stat f, d;
	mode_t old = umask(027);
	int fd, err = 0;

	fd = openat(c->runfd, "masked", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0 || mkdirat(c->runfd, "masked-d", 0777) < 0)
		err = errno;
	umask(old);
	if (fd >= 0)
		close(fd);
	if (err) {
		sem_fail("own.umask", err, "create under umask 027");
		return;
	}
	if ((err = mode_of(c, "masked", &f)) || (err = mode_of(c, "masked-d", &d)))
		sem_fail("own.umask", -err, "stat what was created");
	else if ((f.st_mode & 07777) != 0640 || (d.st_mode & 07777) != 0750)
		sem_fail("own.umask", 0, "file %04o folder %04o under umask 027, want 0640 0750",
			 (unsigned)(f.st_mode & 07777), (unsigned)(d.st_mode & 07777));
	else
		sem_pass("own.umask", "O_CREAT 0666 gives 0640, mkdir 0777 gives 0750");
	sem_host(c, "own.umask", "masked", "mode=640");
	sem_host(c, "own.umask", "masked-d", "mode=750");
}

/* As the user: access and faccessat(AT_EACCESS) agree with open(). */
static int access_user(const struct sem_ctx *c, void *arg)
{
	(void)arg;
	if (faccessat(c->runfd, "closed", R_OK, 0) == 0 ||
	    faccessat(c->runfd, "closed", R_OK, AT_EACCESS) == 0)
		return 200;	/* said yes to a file open() refuses */
	if (errno != EACCES)
		return errno;
	if (faccessat(c->runfd, "open", R_OK, 0) < 0 ||
	    faccessat(c->runfd, "open", R_OK, AT_EACCESS) < 0)
		return errno == EACCES ? 201 : errno;
	if (faccessat(c->runfd, "open", W_OK, 0) == 0)
		return 202;
	return errno == EACCES ? 0 : errno;
}

static void probe_access(const struct sem_ctx *c)
{
	static const char *const why[] = {
		"access said R_OK for a 0640 file of root's",
		"access refused R_OK for a 0644 file",
		"access said W_OK for a 0644 file of root's",
	};
	int fd, r;

	fd = sem_make_file(c, "closed", 0640, "x\n", 2);
	if (fd >= 0) {
		close(fd);
		fd = sem_make_file(c, "open", 0644, "x\n", 2);
	}
	if (fd < 0) {
		sem_fail("own.access", -fd, "create closed and open");
		return;
	}
	close(fd);
	r = sem_child(c, 1, access_user, NULL);
	if (r == 0)
		sem_pass("own.access", "uid %u: R_OK refused on 0640, granted on 0644, W_OK refused",
			 (unsigned)c->uid);
	else if (r >= 200 && r <= 202)
		sem_fail("own.access", 0, "uid %u: %s", (unsigned)c->uid, why[r - 200]);
	else
		sem_fail("own.access", r > 0 && r < 255 ? r : 0, "as uid %u", (unsigned)c->uid);
}

void sem_own(const struct sem_ctx *c)
{
	probe_chown(c);
	probe_setid(c);
	probe_sticky(c);
	probe_umask(c);
	probe_access(c);
}
