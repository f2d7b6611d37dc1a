// SPDX-License-Identifier: MIT
/*
 * init/early.c - what a PID 1 in the initramfs sets up first: the API
 * filesystems and the log's outputs (init9p and payload9p).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "init/early.h"
#include "init/log.h"

static const struct {
	const char *fstype, *dir;
	unsigned long flags;
} early_mounts[] = {
	{ "proc",	"/proc",	MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ "sysfs",	"/sys",		MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ "devtmpfs",	"/dev",		MS_NOSUID },
};

void i9p_setup_early(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(early_mounts); i++) {
		mkdir(early_mounts[i].dir, 0755);
		/* EBUSY: the kernel mounted it already (devtmpfs.mount=1). */
		if (mount(early_mounts[i].fstype, early_mounts[i].dir,
			  early_mounts[i].fstype, early_mounts[i].flags,
			  NULL) < 0 && errno != EBUSY)
			i9p_error("cannot mount %s on %s: %s",
				  early_mounts[i].fstype, early_mounts[i].dir,
				  strerror(errno));
	}
	/* Without a /dev/console node the kernel starts us with no fds. */
	if (fcntl(2, F_GETFD) < 0)
		i9p_log_open_console();
	i9p_log_open_kmsg();
}
