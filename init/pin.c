/* SPDX-License-Identifier: MIT */
/*
 * init/pin.c - root9p-pin: hold the 9p root's busiest directories so
 * their dentries stay cached (init/pin.h says why).
 *
 * The pin re-executes itself from a sealed memfd copy of init9p, so that
 * nothing of the initramfs stays mapped once /init is deleted; it holds
 * no path on another mount, and gives up every capability once its
 * paths are open.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "init/compat.h"
#include "init/pin.h"

#ifndef O_PATH
#define O_PATH 010000000	/* some klibc headers lack it */
#endif
/* linux/memfd.h and linux/fcntl.h, which not every libc's headers pull
 * in (and klibc's fcntl.h clashes with linux/fcntl.h). */
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x0001U
#define MFD_ALLOW_SEALING 0x0002U
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif
#ifndef PR_CAPBSET_DROP
#define PR_CAPBSET_DROP 24
#endif
#ifndef PR_SET_NO_NEW_PRIVS
#define PR_SET_NO_NEW_PRIVS 38
#endif

#define CAP_LAST_MAX 63		/* capability numbers tried for the bounding set */
#define COPY_BUF 16384		/* bytes per read of init9p's executable */
#define FD_CLOSE_MAX 64		/* inherited descriptors closed */

/*
 * What every exec and every boot of a systemd or sysvinit guest walks
 * through: the merged-/usr links (held as links: O_NOFOLLOW) and the
 * directories behind them, /etc, and the configuration directories
 * systemd, udev, tmpfiles and kmod read at each boot. Relative to the
 * root, no link inside a path, so the child's chroot resolves them as
 * the guest will. Entries the root lacks are skipped.
 */
static const char *const pin_paths[] = {
	"bin", "sbin", "lib", "lib32", "lib64", "libx32",
	"usr", "usr/bin", "usr/sbin", "usr/lib", "usr/lib64", "usr/share",
	"usr/lib/systemd", "usr/lib/systemd/system",
	"usr/lib/systemd/system-generators", "usr/lib/udev",
	"usr/lib/udev/rules.d", "usr/lib/tmpfiles.d", "usr/lib/modprobe.d",
	"usr/lib/modules", "usr/lib/sysctl.d", "usr/lib/sysusers.d",
	"etc", "etc/systemd", "etc/systemd/system", "etc/udev",
	"etc/udev/rules.d", "etc/modprobe.d", "etc/tmpfiles.d",
	"var", "var/lib", "var/lib/systemd",
};

/*
 * Nothing the pin does needs a privilege once its paths are open: the
 * bounding set first (dropping from it needs CAP_SETPCAP, which capset
 * then takes away), then every set, then no_new_privs so that no exec
 * could give any back. Best effort: the pins work either way.
 */
static void pin_drop_privileges(void)
{
	int cap;

	for (cap = 0; cap <= CAP_LAST_MAX; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno == EINVAL)
			break;	/* past the kernel's last capability */
	i9p_capset_none();
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* The child: chroot to DFD, hold the list, never return. */
static void i9p_pin_hold(int dfd)
{
	struct stat root, st;
	size_t i;
	int fd;

	/* Killed like any other process at shutdown: PID 1's ignored
	 * signals are not ours. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	/* Lowest priority: on one vCPU the real init's exec goes first;
	 * the pins are in place long before systemd loads its units. */
	setpriority(PRIO_PROCESS, 0, 19);
	if (fchdir(dfd) < 0 || chroot(".") < 0 || stat("/", &root) < 0)
		_exit(1);
	/* Nothing inherited stays open: not the console, not the root. */
	for (fd = 0; fd < FD_CLOSE_MAX; fd++)
		close(fd);
	for (i = 0; i < ARRAY_SIZE(pin_paths); i++) {
		fd = open(pin_paths[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
		/* A path on another mount (a root9p.mount= share, or under
		 * one) is let go: held, it could never be unmounted. Each 9p
		 * and virtiofs mount is a superblock of its own, so st_dev
		 * tells; a mount ID needs statx or /proc, neither of which a
		 * klibc pin in a root just switched to can count on. */
		if (fd >= 0 && (fstat(fd, &st) < 0 || st.st_dev != root.st_dev))
			close(fd);
	}
	pin_drop_privileges();
	/* Named in ps -e and top once it holds them all: the name says the
	 * pins are in place (the boot tests wait for it). */
	prctl(PR_SET_NAME, (unsigned long)I9P_PIN_NAME, 0, 0, 0);
	for (;;)
		pause();
}

/* EXE (init9p's executable) copied into a sealed memfd: the memfd, or
 * -errno. */
static int sealed_copy(int exe)
{
	char buf[COPY_BUF];
	ssize_t n;
	int mfd = i9p_memfd_create(I9P_PIN_NAME, MFD_CLOEXEC |
				   MFD_ALLOW_SEALING);
	int err = 0;

	if (mfd < 0)
		return mfd;
	while (!err && (n = read(exe, buf, sizeof(buf))) != 0)
		if (n < 0 || write(mfd, buf, n) != n)
			err = -(errno ? errno : EIO);
	if (!err && fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
			  F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		err = -errno;
	if (err) {
		close(mfd);
		return err;
	}
	return mfd;
}

/*
 * The forked child maps init9p's text from the initramfs's /init, which
 * the switch deletes: those pages would stay for the life of the system.
 * So it executes a sealed copy (memfd, no /proc needed) with DFD's number
 * as its one argument; i9p_pin_main takes over there. When that cannot
 * be done (klibc on an architecture without the memfd stubs), it holds
 * from here, mapping the deleted /init as before.
 */
static void pin_child(int dfd, int exe)
{
	char num[16], *argv[] = { I9P_PIN_NAME, num, NULL }, *envp[] = { NULL };
	int mfd = exe >= 0 ? sealed_copy(exe) : -EBADF;

	if (mfd >= 0 && fcntl(dfd, F_SETFD, 0) == 0) {
		snprintf(num, sizeof(num), "%d", dfd);
		i9p_fexecve(mfd, argv, envp);
		fcntl(dfd, F_SETFD, FD_CLOEXEC);
	}
	i9p_pin_hold(dfd);
}

int i9p_pin_main(int argc, char **argv)
{
	struct stat st;
	char *end;
	long dfd;

	if (argc != 2)
		return 2;
	dfd = strtol(argv[1], &end, 10);
	if (*end || end == argv[1] || dfd < 0 || dfd >= FD_CLOSE_MAX ||
	    fstat((int)dfd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: %s: not the new root's descriptor; this "
			"program is started by init9p only\n", I9P_PIN_NAME,
			argv[1]);
		return 2;
	}
	i9p_pin_hold((int)dfd);
	return 1;	/* not reached */
}

pid_t i9p_pin_start(const char *newroot)
{
	pid_t pid;
	int dfd, exe, err;

	dfd = open(newroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	/* Opened here, while /proc is still the initramfs's: the child
	 * runs at nice 19, maybe after the switch moved /proc. */
	exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	/* Not r9p_spawn_run(): the child is never waited for (it holds the
	 * old root for the life of the system) and execs from a memfd. */
	pid = fork();
	if (pid == 0)
		pin_child(dfd, exe);
	err = errno;
	if (exe >= 0)
		close(exe);
	close(dfd);
	return pid < 0 ? -err : pid;
}
