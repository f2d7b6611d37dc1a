/* SPDX-License-Identifier: MIT */
/*
 * bench/bareinit.c - a measuring stick, not an init: the floor of init9p's
 * own steps (issue 28). NEVER boot anything with it.
 *
 * As PID 1 of an image mkinitrd9p makes (--init), it makes only the
 * syscalls a 9p root needs, in init9p's order, with no check at all: no
 * refusal of a bad root, option or init, no wipe of the initramfs, no
 * rescue shell. What it costs is what the same syscalls cost the kernel
 * (under TCG, their first translation too); init9p's time above it is its
 * checks'. It logs "bare: steps in ms: ..." in the words of init9p's
 * root9p.debug line (init/init9p.c, log_steps) for bench/boottime.sh, then
 * execs /sbin/init. A failed step returns what failed to main(), which
 * logs it and powers the guest off (a bench boot then ends at once).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#ifndef __KLIBC__
#include <sys/syscall.h>
#endif
#include <sys/utsname.h>
#include <unistd.h>

#include "common/array.h"
#include "common/clock.h"
#include "common/steps.h"

#define NEWROOT "/root"
#define MODROOT "/lib/modules"
#define LOAD_LIST "root9p.load"	/* mkinitrd9p's list, init9p's too */
#define TAG_DIR "/sys/bus/virtio/drivers/9pnet_virtio"
#define POLL_US 20000		/* init9p's (mount9p/mount.c) */
#define TAG_WAIT_MS 30000	/* then the boot is a failed one */
#define CMDLINE_MAX 4096
#define LIST_MAX 16384
#define PATH_LEN 512
#define TAG_LEN 256
#define LINE_LEN 512

static const struct {
	const char *fstype, *dir;
	unsigned long flags;
} early_mounts[] = {
	{ "devtmpfs",	"/dev",		MS_NOSUID },
	{ "proc",	"/proc",	MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ "sysfs",	"/sys",		MS_NOSUID | MS_NODEV | MS_NOEXEC },
};

/* What failed: the step, its target, the errno. */
struct failure {
	const char *step;
	char target[PATH_LEN];
	int err;
};

static int kmsg = 2;	/* the console until /dev/kmsg is open */

/* One line in one write, at kmsg priority LEVEL (init9p's: 6 for its
 * steps line, 3 for an error). */
static void say(int level, const char *fmt, ...)
{
	char line[LINE_LEN];
	va_list ap;
	int n, pri;

	pri = snprintf(line, sizeof(line), "<%d>", level);
	n = pri + snprintf(line + pri, sizeof(line) - pri, "bare: ");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* the console takes no "<N>" */
	if (kmsg == 2)
		n -= pri;
	if (write(kmsg, kmsg == 2 ? line + pri : line, n) < 0)
		return;
}

#ifdef __KLIBC__
static void power_off(void) { reboot(RB_POWER_OFF, NULL); }
#else
static void power_off(void) { reboot(RB_POWER_OFF); }
#endif

/* -1, with F naming the failure. */
static int failed(struct failure *f, const char *step, const char *target,
		  int err)
{
	f->step = step;
	snprintf(f->target, sizeof(f->target), "%s", target);
	f->err = err;
	return -1;
}

/* A whole small file into BUF, NUL-terminated: 0, or -1 and F. */
static int read_file(const char *path, char *buf, size_t len,
		     struct failure *f)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return failed(f, "open", path, errno);
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return failed(f, "read", path, (int)-n);
	buf[n] = '\0';
	return 0;
}

/* root= and rootflags= of the command line (the last of each wins; no
 * quotes: run9p's rootflags have no blank). */
static void parse_cmdline(char *line, const char **root, const char **flags)
{
	char *w, *p = line;

	while ((w = strsep(&p, " \t\n")) != NULL) {
		if (!strcmp(w, "--"))
			break;
		if (!strncmp(w, "root=", 5))
			*root = w + 5;
		else if (!strncmp(w, "rootflags=", 10))
			*flags = w + 10;
	}
}

/* klibc links finit_module but declares it nowhere; musl and glibc
 * have no wrapper (init/compat.c, which bench/ may not include). */
#ifdef __KLIBC__
extern int finit_module(int fd, const char *params, int flags);
#else
static int finit_module(int fd, const char *params, int flags)
{
	return syscall(SYS_finit_module, fd, params, flags);
}
#endif

/* finit_module each entry of the image's list, in its order: 0, or -1
 * and F. */
static int load_modules(struct failure *f)
{
	static char list[LIST_MAX];
	char kdir[PATH_LEN], path[PATH_LEN * 2], *p = list, *line;
	struct utsname u;
	int fd, err;

	uname(&u);
	snprintf(kdir, sizeof(kdir), "%s/%s", MODROOT, u.release);
	snprintf(path, sizeof(path), "%s/%s", kdir, LOAD_LIST);
	if (read_file(path, list, sizeof(list), f) < 0)
		return -1;
	while ((line = strsep(&p, "\n")) != NULL) {
		if (!*line || *line == '#')
			continue;
		snprintf(path, sizeof(path), "%s/%s", kdir, line);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return failed(f, "open", path, errno);
		err = finit_module(fd, "", 0) < 0 && errno != EEXIST ? errno : 0;
		close(fd);
		if (err)
			return failed(f, "load", path, err);
	}
	return 0;
}

/* Is TAG among the 9p virtio devices' mount tags yet? (init9p's look:
 * the transport's folder, each virtioN's mount_tag.) */
static int tag_present(const char *tag)
{
	char path[PATH_LEN], have[TAG_LEN];
	struct dirent *de;
	int fd, found = 0;
	ssize_t n;
	DIR *d = opendir(TAG_DIR);

	if (!d)
		return 0;	/* 9pnet_virtio has no device yet */
	while (!found && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "virtio", 6) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/mount_tag", TAG_DIR,
			 de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, have, sizeof(have) - 1);
		close(fd);
		if (n <= 0)
			continue;
		have[n] = '\0';
		have[strcspn(have, "\n")] = '\0';
		found = !strcmp(have, tag);
	}
	closedir(d);
	return found;
}

/* init9p's "steps in ms" line, in its words (common/steps.h). */
static void log_steps(long long t0, const long long *mark)
{
	char line[LINE_LEN];
	long long own = r9p_steps_line(line, sizeof(line), t0, mark);

	say(6, "steps in ms: %s; own %lld", line, own);
}

/* The steps, each marked in MARK as it ends; then the switch and the
 * exec: returns only on a failure, -1 and F. */
static int boot(char **argv, long long t0, long long *mark, struct failure *f)
{
	static char cmdline[CMDLINE_MAX];
	const char *root = "", *flags = "";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(early_mounts); i++) {
		mkdir(early_mounts[i].dir, 0755);
		mount(early_mounts[i].fstype, early_mounts[i].dir,
		      early_mounts[i].fstype, early_mounts[i].flags, NULL);
	}
	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (kmsg < 0)
		kmsg = 2;
	mark[R9P_STEP_EARLY] = r9p_now_ms();

	if (read_file("/proc/cmdline", cmdline, sizeof(cmdline), f) < 0)
		return -1;
	parse_cmdline(cmdline, &root, &flags);
	mark[R9P_STEP_CONFIG] = r9p_now_ms();

	if (load_modules(f) < 0)
		return -1;
	mark[R9P_STEP_MODULES] = r9p_now_ms();

	/* The clock only after a miss: no syscall more when the tag is
	 * there at the first look. */
	mkdir(NEWROOT, 0755);
	while (!tag_present(root)) {
		if (r9p_now_ms() - mark[R9P_STEP_MODULES] > TAG_WAIT_MS)
			return failed(f, "find the mount tag", root, ETIMEDOUT);
		usleep(POLL_US);
	}
	mark[R9P_STEP_WAIT] = r9p_now_ms();

	if (mount(root, NEWROOT, "9p", 0, flags) < 0)
		return failed(f, "mount the root", root, errno);
	mark[R9P_STEP_MOUNT] = r9p_now_ms();

	if (mount("tmpfs", NEWROOT "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=1777") < 0)
		return failed(f, "mount tmpfs on", NEWROOT "/tmp", errno);
	mark[R9P_STEP_TMP] = r9p_now_ms();
	mark[R9P_STEP_INIT] = mark[R9P_STEP_PIN] = mark[R9P_STEP_TMP];

	/* init9p's "wipe" step moves the API mounts too; nothing is
	 * deleted here. */
	for (i = 0; i < ARRAY_SIZE(early_mounts); i++) {
		char to[PATH_LEN];

		snprintf(to, sizeof(to), "%s%s", NEWROOT, early_mounts[i].dir);
		if (mount(early_mounts[i].dir, to, NULL, MS_MOVE, NULL) < 0)
			return failed(f, "move", early_mounts[i].dir, errno);
	}
	mark[R9P_STEP_WIPE] = r9p_now_ms();
	log_steps(t0, mark);

	if (chdir(NEWROOT) < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 ||
	    chroot(".") < 0 || chdir("/") < 0)
		return failed(f, "switch to", NEWROOT, errno);
	argv[0] = "/sbin/init";
	execv(argv[0], argv);
	return failed(f, "exec", argv[0], errno);
}

int main(int argc, char **argv)
{
	static struct failure f;
	long long t0 = r9p_now_ms(), mark[R9P_STEP_N];

	(void)argc;
	if (getpid() != 1) {
		fprintf(stderr, "bareinit: run it as PID 1: it is a bench's "
			"measuring stick (bench/boottime.sh)\n");
		return 2;
	}
	boot(argv, t0, mark, &f);
	/* PID 1 must not exit: say what failed, then power off. */
	say(3, "cannot %s %s: %s", f.step, f.target, strerror(f.err));
	say(3, "try: boot init9p's image (mkinitrd9p without --init): "
	    "bareinit checks nothing, it only measures");
	sync();
	for (;;) {
		power_off();
		sleep(1);
	}
}
