/* SPDX-License-Identifier: MIT */
/*
 * init/switchroot.c - switch from the initramfs to the 9p root.
 *
 * rootfs cannot be pivot_root'ed away, so this is the switch_root dance
 * of klibc's run-init and busybox: MS_MOVE the new root onto "/", chroot
 * into it. The initramfs's files are deleted to give their memory back,
 * staying on rootfs's own device: by root9p-wipe, a child forked just
 * before the moves, while PID 1 goes on to the real init.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/array.h"
#include "init/execcheck.h"
#include "init/log.h"
#include "init/switchroot.h"

#ifndef O_PATH
#define O_PATH 010000000	/* glibc without _GNU_SOURCE, some klibc */
#endif
#define RAMFS_MAGIC 0x858458f6
#define TMPFS_MAGIC 0x01021994
#ifndef SCHED_IDLE
#define SCHED_IDLE 5		/* klibc's sched.h lacks it */
#endif

#define WIPE_NAME "root9p-wipe"	/* the background wipe's name in ps */
#define WIPE_LINE_MAX 128	/* its "removed N ... in M ms" line */
#define WIPE_FD_MAX 64		/* inherited descriptors it closes */

static const char *const api_mounts[] = { "/dev", "/proc", "/sys", "/run" };
static const char *const default_inits[] = {
	"/sbin/init", "/etc/init", "/bin/init", "/bin/sh"
};

/* The step of the struct r9p_err of an init check (init9p says its own). */
#define INIT_STEP "check the init"

/* The new root, open for the check: a directory fd that absolute
 * symlinks (/sbin/init -> /lib/systemd/systemd) and ELF interpreters
 * resolve in (init/execcheck.c), in this process: no fork, no chroot. */
static int open_root(const char *newroot)
{
	int fd = open(newroot, O_PATH | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int i9p_init_check(const char *newroot, const char *init, struct r9p_err *e)
{
	int err, rootfd;

	rootfd = open_root(newroot);
	if (rootfd < 0) {
		r9p_errf(e, INIT_STEP, rootfd, NULL, "%s", strerror(-rootfd));
		return rootfd;
	}
	err = i9p_exec_check(rootfd, init, 0, e);
	close(rootfd);
	if (err && !*e->why)	/* INIT itself is not there */
		r9p_errf(e, INIT_STEP, err, NULL, "%s", strerror(-err));
	return err;
}

const char *i9p_init_choose(const char *newroot, const char *requested,
			    struct r9p_err *e, struct r9p_err *passed)
{
	struct r9p_err reason;
	size_t i;
	int err, first = 0, rootfd;

	passed->why[0] = '\0';
	if (*requested) {
		err = i9p_init_check(newroot, requested, e);
		errno = -err;
		return err ? NULL : requested;
	}
	rootfd = open_root(newroot);
	if (rootfd < 0) {
		r9p_errf(e, INIT_STEP, rootfd, NULL, "%s", strerror(-rootfd));
		errno = -rootfd;
		return NULL;
	}
	/* As the kernel: the first that works; one that is there but cannot
	 * run is skipped, and the first such is what PASSED reports. */
	for (i = 0; i < ARRAY_SIZE(default_inits); i++) {
		err = i9p_exec_check(rootfd, default_inits[i], 0, &reason);
		if (!err) {
			close(rootfd);
			return default_inits[i];
		}
		if (*reason.why && !first) {
			first = -err;
			r9p_errf(passed, INIT_STEP, err, NULL, "%s: %s",
				 default_inits[i], reason.why);
		}
	}
	close(rootfd);
	if (first)
		r9p_errf(e, INIT_STEP, -first, NULL, "%s", passed->why);
	else
		r9p_errf(e, INIT_STEP, -ENOENT, NULL, "%s", strerror(ENOENT));
	errno = first ? first : ENOENT;
	return NULL;
}

/* The entry N of DFD, a directory of device DEV, emptied when it is one,
 * then removed; *COUNT counts it. 0 or -errno. */
static int nuke_entry(int dfd, const char *n, dev_t dev, int dry_run,
		      long *count)
{
	struct stat st;
	int sub, err = 0;

	if (fstatat(dfd, n, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	/* The guard of the whole file: another device is a mount (the 9p
	 * root, moved /dev ...), never entered. */
	if (st.st_dev != dev)
		return 0;
	if (S_ISDIR(st.st_mode)) {
		/* Judged by the directory as opened, not by the name: a
		 * mount made on it since the fstatat (PID 1 moves /dev,
		 * /proc, /sys, /run and the root while a background wipe
		 * runs) shows as another device here. */
		sub = openat(dfd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			     O_CLOEXEC);
		if (sub < 0)
			return -errno;
		if (fstat(sub, &st) < 0 || st.st_dev != dev) {
			close(sub);
			return 0;
		}
		err = i9p_nuke(sub, dev, dry_run, count);
		close(sub);
	}
	(*count)++;
	if (dry_run)
		return err;
	/* Relative to DFD, of DEV: a mount point's name gives EBUSY. */
	if (unlinkat(dfd, n, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0 &&
	    !err)
		err = -errno;
	return err;
}

int i9p_nuke(int dfd, dev_t dev, int dry_run, long *count)
{
	struct dirent *de;
	DIR *d;
	int fd, err = 0, e;

	fd = dup(dfd);
	if (fd < 0)
		return -errno;
	/* A dup shares the offset of an earlier walk (klibc: no rewinddir). */
	lseek(fd, 0, SEEK_SET);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d))) {
		const char *n = de->d_name;

		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
			continue;
		e = nuke_entry(dfd, n, dev, dry_run, count);
		err = err ? err : e;
	}
	closedir(d);
	return err;
}

/* E gets the switch's failure at STEP (ERR: -errno). Returns ERR. */
static int switch_fail(struct r9p_err *e, const char *step, int err)
{
	r9p_errf(e, "switch to the root", err, "this is a bug if the checks "
		 "above passed; please report it with this console log",
		 "%s: %s", step, strerror(-err));
	return err;
}

/* The checks that make the wipe safe; 0 or -errno with E filled. */
static int check_switch(const char *newroot, struct stat *rootst,
			struct r9p_err *e)
{
	struct statfs sfs;
	struct stat st;

	if (getpid() != 1)
		return switch_fail(e, "check that init9p is PID 1", -EPERM);
	if (statfs("/", &sfs) < 0 || stat("/", rootst) < 0)
		return switch_fail(e, "check the initramfs root", -errno);
	if ((unsigned long)sfs.f_type != RAMFS_MAGIC &&
	    (unsigned long)sfs.f_type != TMPFS_MAGIC)
		return switch_fail(e, "check the initramfs root", -EINVAL);
	if (stat(newroot, &st) < 0)
		return switch_fail(e, "check the new root", -errno);
	/* nothing mounted there: refuse to wipe */
	if (st.st_dev == rootst->st_dev)
		return switch_fail(e, "check the new root", -EXDEV);
	return 0;
}

static void move_api_mounts(const char *newroot, dev_t rootdev)
{
	char target[256];
	struct stat st;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(api_mounts); i++) {
		const char *m = api_mounts[i];

		if (stat(m, &st) < 0 || st.st_dev == rootdev)
			continue;	/* not mounted here */
		snprintf(target, sizeof(target), "%s%s", newroot, m);
		if (mount(m, target, NULL, MS_MOVE, NULL) == 0)
			continue;
		/* The root has no such folder: leave nothing mounted on the
		 * doomed initramfs. */
		i9p_warn("cannot move %s to %s: %s; unmounting it", m, target,
			strerror(errno));
		umount2(m, MNT_DETACH);
	}
}

/* Milliseconds, for the wipe's cost in the log (this file links into
 * host tests without the engine's r9p_now_ms). */
static long long now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* The wipe of the directory ROOTFD (rootfs's "/", of device DEV): the
 * count and time as LINE's text, "" when all went well, else why not. */
static void wipe(int rootfd, dev_t dev, char *line, size_t size)
{
	long long t = now_ms();
	long count = 0;
	int err = i9p_nuke(rootfd, dev, 0, &count);

	snprintf(line, size, "removed %ld initramfs entries in %lld ms",
		 count, now_ms() - t);
	if (err)	/* memory stays used, the boot goes on */
		i9p_warn("wiping the initramfs left files behind: %s",
			 strerror(-err));
}

/*
 * root9p-wipe, the forked child: it deletes the initramfs's files while
 * PID 1 goes on to the real init, at SCHED_IDLE so that it takes no CPU
 * time the boot wants. Its place is ROOTFD, rootfs's "/" opened before
 * the switch, and its root and working directory stay there: it holds
 * nothing of the new root. Its one line goes to KMSG (opened before the
 * switch: /dev is the new root's afterwards); the new init reaps it.
 */
static void wipe_child(int rootfd, int kmsg, dev_t dev)
{
	struct sched_param sp = { 0 };
	struct statfs sfs;
	char line[WIPE_LINE_MAX];
	int fd, n;

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	prctl(PR_SET_NAME, (unsigned long)WIPE_NAME, 0, 0, 0);
	sched_setscheduler(0, SCHED_IDLE, &sp);
	for (fd = 0; fd < WIPE_FD_MAX; fd++)
		if (fd != rootfd && fd != kmsg)
			close(fd);
	/* The checks of PID 1, again on the fd this child walks from. */
	if (fchdir(rootfd) < 0 || fstatfs(rootfd, &sfs) < 0 ||
	    ((unsigned long)sfs.f_type != RAMFS_MAGIC &&
	     (unsigned long)sfs.f_type != TMPFS_MAGIC))
		_exit(1);
	wipe(rootfd, dev, line, sizeof(line));
	n = strlen(line);
	/* init9p's log line, by hand: the log's /dev/kmsg path is gone. */
	if (kmsg >= 0) {
		char msg[WIPE_LINE_MAX + 32];

		n = snprintf(msg, sizeof(msg), "<6>init9p: %s (background)\n",
			     line);
		if (n > 0 && write(kmsg, msg, n) < 0)
			_exit(1);
	}
	_exit(0);
}

int i9p_switch_prepare(const char *newroot, struct r9p_err *e)
{
	struct stat rootst;
	char line[WIPE_LINE_MAX];
	pid_t pid;
	int rootfd, kmsg, err;

	err = check_switch(newroot, &rootst, e);
	if (err)
		return err;
	rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return switch_fail(e, "wipe the initramfs", -errno);
	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	move_api_mounts(newroot, rootst.st_dev);
	if (chdir(newroot) < 0) {
		err = -errno;
		close(rootfd);
		if (kmsg >= 0)
			close(kmsg);
		return switch_fail(e, "wipe the initramfs", err);
	}
	/* The wipe off the boot's path, forked where the in-process wipe
	 * ran: a failure up to here still finds the initramfs and its
	 * shell whole, and PID 1's next acts (MS_MOVE, chroot, exec) take
	 * few copy-on-write faults. ROOTFD holds rootfs's "/" whatever is
	 * mounted over it since. */
	pid = fork();
	if (pid == 0)
		wipe_child(rootfd, kmsg, rootst.st_dev);
	if (kmsg >= 0)
		close(kmsg);
	if (pid < 0) {	/* no child: the wipe in this process, as before */
		wipe(rootfd, rootst.st_dev, line, sizeof(line));
		i9p_log("%s", line);
	}
	close(rootfd);
	return 0;
}

int i9p_switch_exec(const char *init, char **argv, struct r9p_err *e)
{
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return switch_fail(e, "move the new root onto /", -errno);
	if (chroot(".") < 0 || chdir("/") < 0)
		return switch_fail(e, "chroot into the new root", -errno);

	/* The old /dev/console node is gone with the initramfs; reopen it
	 * from the moved devtmpfs so init gets a live console. */
	i9p_log_open_console();
	i9p_log_drain();
	argv[0] = (char *)init;
	execv(init, argv);
	return switch_fail(e, "exec the real init", -errno);
}
