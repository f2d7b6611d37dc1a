/* SPDX-License-Identifier: MIT */
/*
 * init/rescue.c - failure path and break points of init9p.
 *
 * The order follows initramfs-tools' panic(): panic=N reboots (what an
 * unattended machine wants), else the rescue shell when the image has one
 * (mkinitrd9p --rescue-shell) and rd.shell/root9p.shell is not 0, else a
 * wait that says so on the console.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init/compat.h"
#include "init/log.h"
#include "init/rescue.h"

#define SHELL "/bin/sh"

/* Run the image's shell on the console; 0 when it ran, -errno if not. */
static int run_shell(const char *why)
{
	pid_t pid, w;
	int status;

	if (access(SHELL, X_OK) < 0)
		return -errno;
	i9p_error("starting a rescue shell (%s); exit it to try the boot again",
		why);
	i9p_log_drain();
	/* Not r9p_spawn_run(): the shell needs a session and the console as
	 * its terminal, and PID 1 reaps every orphan while it waits. */
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		static char *const argv[] = { "sh", "-i", NULL };
		static char *const envp[] = {
			"PATH=/bin:/sbin:/usr/bin:/usr/sbin",
			"PS1=(init9p) # ", "TERM=linux", "HOME=/", NULL
		};

		/* A session of its own with the console as controlling
		 * terminal, so Ctrl-C reaches the shell's children. */
		setsid();
		ioctl(0, TIOCSCTTY, (void *)1);	/* klibc wants a pointer */
		execve(SHELL, argv, envp);
		_exit(127);
	}
	/* As PID 1 we also reap whatever else ends meanwhile. */
	do {
		w = wait(&status);
	} while (w != pid && !(w < 0 && errno == ECHILD));
	return 0;
}

static int shell_allowed(const struct r9p_cmdline *c)
{
	return c->shell != 0;
}

void i9p_fail(const struct r9p_cmdline *c, const char *what,
	      const char *why, const char *try_)
{
	i9p_error("cannot %s: %s", what, why);
	if (try_ && *try_)
		i9p_error("try: %s", try_);

	if (c->has_panic && c->panic != 0) {
		if (c->panic > 0) {
			i9p_error("rebooting in %ld s (panic=%ld)", c->panic,
				c->panic);
			i9p_log_drain();
			sleep((unsigned)c->panic);
		}
		i9p_log_drain();
		i9p_reboot();
	}
	if (!shell_allowed(c))
		i9p_error("rescue shell turned off (rd.shell=0 or root9p.shell=0); "
			"waiting. Fix the kernel command line and reboot.");
	else if (run_shell(what) == 0)
		return;
	else
		i9p_error("no rescue shell in this image (mkinitrd9p "
			"--rescue-shell adds one); waiting. Fix the kernel "
			"command line and reboot.");
	i9p_log_drain();
	for (;;) {
		/* Reap orphans and sleep; nothing else will happen. */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		sleep(60);
	}
}

void i9p_break(const char *point)
{
	char why[64];
	int err;

	strcpy(why, "break=");
	strncat(why, point, sizeof(why) - strlen(why) - 1);
	err = run_shell(why);
	if (err)
		i9p_warn("break=%s: no shell in this image (%s); going on",
			point, strerror(-err));
}
