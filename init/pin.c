/* SPDX-License-Identifier: MIT */
/*
 * init/pin.c - root9p-pin: hold the 9p root's busiest directories so
 * their dentries stay cached (init/pin.h says why).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/array.h"
#include "init/pin.h"

#ifndef O_PATH
#define O_PATH 010000000	/* some klibc headers lack it */
#endif

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

/* The child: chroot to DFD, hold the list, never return. */
static void i9p_pin_hold(int dfd)
{
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
	if (fchdir(dfd) < 0 || chroot(".") < 0)
		_exit(1);
	/* Nothing inherited stays open: not the console, not the root. */
	for (fd = 0; fd < 64; fd++)
		close(fd);
	for (i = 0; i < ARRAY_SIZE(pin_paths); i++)
		open(pin_paths[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
	/* Named in ps -e and top once it holds them all: the name says the
	 * pins are in place (the boot tests wait for it). */
	prctl(PR_SET_NAME, (unsigned long)"root9p-pin", 0, 0, 0);
	for (;;)
		pause();
}

pid_t i9p_pin_start(const char *newroot)
{
	pid_t pid;
	int dfd, err;

	dfd = open(newroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	pid = fork();
	if (pid == 0)
		i9p_pin_hold(dfd);
	err = errno;
	close(dfd);
	return pid < 0 ? -err : pid;
}
