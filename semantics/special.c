/* SPDX-License-Identifier: MIT */
/*
 * semantics/special.c - the special group: a FIFO passes bytes, a unix
 * socket bound in the folder accepts a connection (systemd, X, ssh-agent
 * bind theirs on the root), a device node (char 1:3, /dev/null) made with
 * mknod opens as the device, a 4095-byte symlink target comes back whole,
 * O_NOFOLLOW refuses a symlink, and O_TMPFILE + linkat gives a file a
 * name (systemd and journald write files so). 9p's mapped modes keep
 * special files as regular files with their type in an xattr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/un.h>

#include "semantics/sem.h"

#define LONG_TARGET 4095	/* PATH_MAX - 1: the longest target Linux keeps */

static void probe_fifo(const struct sem_ctx *c)
{
	char buf[8];
	struct stat st;
	int fd;

	if (mkfifoat(c->runfd, "fifo", 0644) < 0) {
		sem_fail("special.fifo", errno, "mkfifo");
		return;
	}
	if (fstatat(c->runfd, "fifo", &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISFIFO(st.st_mode)) {
		sem_fail("special.fifo", errno, "the fifo is not a FIFO after mkfifo");
		return;
	}
	/* O_RDWR on a FIFO never blocks on Linux: one process is both ends */
	fd = openat(c->runfd, "fifo", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		sem_fail("special.fifo", errno, "open the FIFO");
		return;
	}
	if (write(fd, "fifo!", 5) != 5)
		sem_fail("special.fifo", errno, "write into the FIFO");
	else if (read(fd, buf, sizeof(buf)) != 5 || memcmp(buf, "fifo!", 5))
		sem_fail("special.fifo", errno, "read the FIFO's bytes back");
	else
		sem_pass("special.fifo", "mkfifo, 5 bytes through it");
	close(fd);
}

static void probe_socket(const struct sem_ctx *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int srv = -1, cli = -1, acc = -1;
	char buf[8];

	/* bind takes a path of at most 107 bytes: go there and bind "sock" */
	if (fchdir(c->runfd) < 0) {
		sem_fail("special.socket", errno, "chdir into the run folder");
		return;
	}
	strcpy(sa.sun_path, "sock");
	srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cli = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv < 0 || cli < 0) {
		sem_fail("special.socket", errno, "socket AF_UNIX");
	} else if (bind(srv, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		sem_fail("special.socket", errno, "bind a unix socket in the folder");
	} else if (listen(srv, 1) < 0 || connect(cli, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		sem_fail("special.socket", errno, "connect to the socket bound in the folder");
	} else if ((acc = accept4(srv, NULL, NULL, SOCK_CLOEXEC)) < 0) {
		sem_fail("special.socket", errno, "accept");
	} else if (write(cli, "sock", 4) != 4 || read(acc, buf, sizeof(buf)) != 4) {
		sem_fail("special.socket", errno, "pass bytes through the connection");
	} else {
		sem_pass("special.socket", "bound, connected, 4 bytes passed");
	}
	if (acc >= 0)
		close(acc);
	if (cli >= 0)
		close(cli);
	if (srv >= 0)
		close(srv);
	if (chdir("/") < 0)
		return;
}

static void probe_mknod(const struct sem_ctx *c)
{
	struct statvfs sv;
	struct stat st;
	char buf[4];
	int fd;

	if (mknodat(c->runfd, "null", S_IFCHR | 0666, makedev(1, 3)) < 0) {
		sem_fail("special.mknod", errno, "mknod c 1 3");
		return;
	}
	if (fstatat(c->runfd, "null", &st, AT_SYMLINK_NOFOLLOW) < 0) {
		sem_fail("special.mknod", errno, "stat the node");
		return;
	}
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
		sem_fail("special.mknod", 0, "mode %06o rdev %u:%u, want a char device 1:3",
			 (unsigned)st.st_mode, major(st.st_rdev), minor(st.st_rdev));
		return;
	}
	if (fstatvfs(c->runfd, &sv) == 0 && (sv.f_flag & ST_NODEV)) {
		sem_skip("special.mknod", "the filesystem is mounted nodev: made, not opened");
		return;
	}
	fd = openat(c->runfd, "null", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		sem_fail("special.mknod", errno, "open the char 1:3 node");
		return;
	}
	if (write(fd, "gone", 4) != 4 || read(fd, buf, sizeof(buf)) != 0)
		sem_fail("special.mknod", 0, "the node does not behave as /dev/null");
	else
		sem_pass("special.mknod", "char 1:3 made, opened, behaves as /dev/null");
	close(fd);
}

static void probe_symlink(const struct sem_ctx *c)
{
	char *target = malloc(LONG_TARGET + 1), *got = malloc(LONG_TARGET + 2);
	ssize_t n;
	size_t i;

	if (!target || !got) {
		sem_fail("special.symlink_long", ENOMEM, "buffers");
		goto out;
	}
	/* short components: a long target, not a long name */
	for (i = 0; i < LONG_TARGET; i++)
		target[i] = i % 8 == 7 ? '/' : (char)('a' + i % 7);
	target[LONG_TARGET] = 0;
	if (symlinkat(target, c->runfd, "longlink") < 0) {
		sem_fail("special.symlink_long", errno, "symlink with a %d-byte target", LONG_TARGET);
		goto out;
	}
	n = readlinkat(c->runfd, "longlink", got, LONG_TARGET + 2);
	if (n < 0)
		sem_fail("special.symlink_long", errno, "readlink");
	else if (n != LONG_TARGET || memcmp(got, target, LONG_TARGET))
		sem_fail("special.symlink_long", 0, "readlink gave %zd bytes, want the %d written",
			 n, LONG_TARGET);
	else
		sem_pass("special.symlink_long", "a %d-byte target read back whole", LONG_TARGET);
out:
	free(target);
	free(got);
}

static void probe_nofollow(const struct sem_ctx *c)
{
	int fd = sem_make_file(c, "target", 0644, "t\n", 2);

	if (fd < 0 || symlinkat("target", c->runfd, "link") < 0) {
		sem_fail("special.nofollow", fd < 0 ? -fd : errno, "make target and link");
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	fd = openat(c->runfd, "link", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		sem_fail("special.nofollow", 0, "O_NOFOLLOW opened a symlink");
		close(fd);
	} else if (errno != ELOOP) {
		sem_fail("special.nofollow", errno, "O_NOFOLLOW on a symlink, want ELOOP");
	} else {
		sem_pass("special.nofollow", "ELOOP on a symlink");
	}
}

static void probe_tmpfile(const struct sem_ctx *c)
{
#ifdef O_TMPFILE
	static const char data[] = "made by O_TMPFILE, named by linkat\n";
	char proc[64];
	int fd, err;

	fd = openat(c->runfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
	if (fd < 0) {
		sem_fail("special.tmpfile", errno, "open O_TMPFILE in the folder");
		return;
	}
	err = sem_pwrite_all(fd, data, sizeof(data) - 1, 0);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (err)
		sem_fail("special.tmpfile", -err, "write the O_TMPFILE file");
	else if (linkat(AT_FDCWD, proc, c->runfd, "tmpfile", AT_SYMLINK_FOLLOW) < 0)
		sem_fail("special.tmpfile", errno, "linkat %s to a name", proc);
	else
		sem_pass("special.tmpfile", "O_TMPFILE written, then named by linkat");
	close(fd);
	sem_host_sha256(c, "special.tmpfile", "tmpfile", data, sizeof(data) - 1);
#else
	sem_skip("special.tmpfile", "not built with O_TMPFILE");
	(void)c;
#endif
}

void sem_special(const struct sem_ctx *c)
{
	probe_fifo(c);
	probe_socket(c);
	probe_mknod(c);
	probe_symlink(c);
	probe_nofollow(c);
	probe_tmpfile(c);
}
