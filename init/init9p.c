/* SPDX-License-Identifier: MIT */
/*
 * init/init9p.c - the PID 1 of root9p's initrd: mount a 9p root, put a
 * tmpfs on its /tmp, switch to it.
 *
 * This file only orchestrates (DESIGN.md, "Boot sequence"): policy lives
 * in mount9p/ (options, tags, mounting) and tmpfs/. Each step logs its
 * duration; a failed step goes to i9p_fail() and, if a rescue shell ran,
 * the boot is tried again from the top.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "mount9p/cmdline.h"
#include "init/log.h"
#include "init/modload.h"
#include "init/rescue.h"
#include "init/switchroot.h"
#include "mount9p/effective.h"
#include "mount9p/mount.h"
#include "mount9p/opts.h"
#include "mount9p/tags.h"
#include "tmpfs/tmpfs.h"

#define NEWROOT "/root"
#define DEFAULT_TIMEOUT_S 10
#define ROOTWAIT_PERIOD_MS 5000

#ifdef __KLIBC__
#define LIBC_NAME "klibc"
#elif defined(__GLIBC__)
#define LIBC_NAME "glibc"
#else
#define LIBC_NAME "musl"
#endif

static const struct {
	const char *fstype, *dir;
	unsigned long flags;
} early_mounts[] = {
	{ "proc",	"/proc",	MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ "sysfs",	"/sys",		MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ "devtmpfs",	"/dev",		MS_NOSUID },
};

/* initramfs-tools' and dracut's break points, mapped to ours. */
static const struct {
	const char *name, *ours;
} break_points[] = {
	{ "top", "top" }, { "cmdline", "top" },
	{ "modules", "modules" }, { "pre-udev", "modules" },
	{ "pre-trigger", "modules" }, { "initqueue", "modules" },
	{ "premount", "premount" }, { "pre-mount", "premount" },
	{ "mount", "mount" },
	{ "bottom", "bottom" }, { "pre-pivot", "bottom" },
	{ "cleanup", "bottom" }, { "init", "bottom" },
};

struct boot {
	struct r9p_cmdline cmd;
	struct r9p_kernel kernel;
	struct r9p_opts opts;
	struct r9p_tmp tmp;
	char *const *argv;
	long long t0;
};

static void setup_early(void)
{
	size_t i;

	for (i = 0; i < sizeof(early_mounts) / sizeof(early_mounts[0]); i++) {
		mkdir(early_mounts[i].dir, 0755);
		if (mount(early_mounts[i].fstype, early_mounts[i].dir,
			  early_mounts[i].fstype, early_mounts[i].flags,
			  NULL) < 0 && errno != EBUSY)
			i9p_error("cannot mount %s on %s: %s", early_mounts[i].fstype,
				early_mounts[i].dir, strerror(errno));
	}
	/* Without a /dev/console node the kernel starts us with no fds. */
	if (fcntl(2, F_GETFD) < 0)
		i9p_log_open_console();
	i9p_log_open_kmsg();
}

static void maybe_break(const struct boot *b, const char *point)
{
	size_t i;

	for (i = 0; i < sizeof(break_points) / sizeof(break_points[0]); i++) {
		const char *p = b->cmd.brk, *end;

		/* break=a,b stops at each named point. */
		while (*p) {
			end = strchr(p, ',');
			if (!end)
				end = p + strlen(p);
			if ((size_t)(end - p) == strlen(break_points[i].name) &&
			    !strncmp(p, break_points[i].name, end - p) &&
			    !strcmp(break_points[i].ours, point)) {
				i9p_break(point);
				return;
			}
			p = *end ? end + 1 : end;
		}
	}
}

static void print_diags(const struct r9p_diags *d)
{
	int i;

	for (i = 0; i < d->n; i++) {
		if (d->d[i].level == R9P_WARN)
			i9p_warn("warning: %s", d->d[i].text);
		else if (d->d[i].level == R9P_INFO)
			i9p_log("note: %s", d->d[i].text);
	}
}

/* Read the command line and the root options; 0 or the failure shown. */
static int read_config(struct boot *b)
{
	char line[R9P_CMDLINE_MAX], msg[256];
	int fd, n, i;

	fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, line, sizeof(line) - 1);
	if (fd >= 0)
		close(fd);
	if (n < 0) {
		i9p_fail(&b->cmd, "read /proc/cmdline", strerror(errno),
			 "check that the kernel has CONFIG_PROC_FS");
		return -1;
	}
	line[n] = '\0';
	if (r9p_cmdline_parse(line, &b->cmd) < 0)
		i9p_warn("warning: the command line is longer than %d bytes; "
			"its tail is ignored", R9P_CMDLINE_MAX - 1);
	i9p_log_set_debug(b->cmd.debug);
	i9p_debug("command line: %s", line);

	if (*b->cmd.rootfstype && strcmp(b->cmd.rootfstype, "9p") != 0) {
		snprintf(msg, sizeof(msg), "rootfstype=%s: init9p mounts only "
			 "9p roots", b->cmd.rootfstype);
		i9p_fail(&b->cmd, "use the command line", msg,
			 "use rootfstype=9p, or boot this root with another "
			 "initrd");
		return -1;
	}
	if (!*b->cmd.root) {
		char tags[512];

		snprintf(msg, sizeof(msg), "no root= on the kernel command line "
			 "(mount tags present: %s)",
			 r9p_tags_describe(tags, sizeof(tags)));
		i9p_fail(&b->cmd, "find the root", msg,
			 "add root=TAG rootfstype=9p, TAG being QEMU's mount_tag");
		return -1;
	}
	if (r9p_kernel_running(&b->kernel) < 0)
		b->kernel.major = b->kernel.minor = 0;
	if (r9p_opts_parse(b->cmd.rootflags, &b->kernel, R9P_DEFAULTS,
			   &b->opts) < 0) {
		print_diags(&b->opts.diags);
		for (i = 0; i < b->opts.diags.n; i++)
			if (b->opts.diags.d[i].level == R9P_ERR)
				break;
		i9p_fail(&b->cmd, "use rootflags", b->opts.diags.d[i].text,
			 "fix rootflags= on the kernel command line "
			 "(mount9p --explain -o OPTS shows what a kernel takes)");
		return -1;
	}
	print_diags(&b->opts.diags);
	/* rootflags' own ro/rw wins, as in the kernel; else ro/rw; else the
	 * kernel's default, read-only. */
	if (b->opts.rdonly < 0)
		b->opts.rdonly = b->cmd.rdonly < 0 ? 1 : b->cmd.rdonly;
	if (r9p_tmp_parse(b->cmd.tmp, &b->tmp, msg, sizeof(msg)) < 0) {
		i9p_fail(&b->cmd, "use root9p.tmp", msg,
			 "use root9p.tmp=on, off or tmpfs options such as "
			 "size=50%,mode=1777");
		return -1;
	}
	return 0;
}

static int load_modules(struct boot *b)
{
	struct i9p_modload r;
	long long t = r9p_now_ms();
	char why[320];
	int err;

	maybe_break(b, "modules");
	err = i9p_modules_load(&b->cmd, &r);
	if (err) {
		snprintf(why, sizeof(why), "%s: %s", r.failed, strerror(-err));
		i9p_fail(&b->cmd, "load a module", why, r.hint);
		return -1;
	}
	i9p_log("loaded %d modules in %lld ms", r.loaded, r9p_now_ms() - t);
	return 0;
}

static void say_waiting(void *ctx, const char *tag, long long waited)
{
	char tags[512];

	(void)ctx;
	i9p_warn("still waiting for mount tag %s after %lld s (present: %s)",
		tag, waited / 1000, r9p_tags_describe(tags, sizeof(tags)));
}

static long long timeout_ms(const struct boot *b)
{
	long s = b->cmd.timeout >= 0 ? b->cmd.timeout : DEFAULT_TIMEOUT_S;

	if (b->cmd.rootwait)
		return -1;
	if (b->cmd.rootdelay > s)
		s = b->cmd.rootdelay;
	return (long long)s * 1000;
}

static int mount_root(struct boot *b)
{
	struct r9p_effective eff;
	struct r9p_diags notes;
	long long t = r9p_now_ms(), limit = timeout_ms(b), left;
	char why[600], tags[512];
	int err, tries;

	maybe_break(b, "premount");
	mkdir(NEWROOT, 0755);
	/* A rescue shell may have mounted it already. */
	if (r9p_effective_read(NEWROOT, &eff) == 0)
		return 0;
	err = r9p_wait_tag(b->cmd.root, limit,
			   b->cmd.rootwait ? say_waiting : NULL, NULL);
	if (err) {
		snprintf(why, sizeof(why), "mount tag \"%s\" not found after "
			 "%lld s; tags present: %s", b->cmd.root, limit / 1000,
			 r9p_tags_describe(tags, sizeof(tags)));
		i9p_fail(&b->cmd, "find the root", why,
			 "set root= to one of the tags present (QEMU's "
			 "mount_tag=), or raise root9p.timeout=");
		return -1;
	}
	i9p_debug("found mount tag %s in %lld ms", b->cmd.root,
		  r9p_now_ms() - t);
	maybe_break(b, "mount");
	left = limit < 0 ? -1 : limit - (r9p_now_ms() - t);
	/* Waiting may have used the budget up: still one try, no more
	 * (a negative timeout would retry forever). */
	err = r9p_mount(b->cmd.root, NEWROOT, &b->opts, left < 0 && limit >= 0 ?
			0 : left, &tries);
	if (err) {
		snprintf(why, sizeof(why), "mount -t 9p -o %s%s %s %s: %s "
			 "(%d tries)", b->opts.rdonly == 1 ? "ro," : "",
			 b->opts.data, b->cmd.root, NEWROOT, strerror(-err),
			 tries);
		i9p_fail(&b->cmd, "mount the root", why, r9p_mount_hint(-err));
		return -1;
	}
	if (r9p_effective_read(NEWROOT, &eff) < 0) {
		i9p_log("mounted %s on %s in %lld ms", b->cmd.root, NEWROOT,
			r9p_now_ms() - t);
		return 0;
	}
	i9p_log("mounted %s on %s in %lld ms (%s msize=%lu cache=%s%s)",
		b->cmd.root, NEWROOT, r9p_now_ms() - t, eff.rdonly ? "ro" : "rw",
		eff.msize, *eff.cache ? eff.cache : "none",
		eff.posixacl ? " posixacl" : "");
	r9p_diags_init(&notes);
	r9p_effective_compare(&b->opts, &eff, &b->kernel, &notes);
	print_diags(&notes);
	return 0;
}

static void mount_tmp(struct boot *b)
{
	long long t = r9p_now_ms();
	char reason[200];
	int err;

	err = r9p_tmp_mount(NEWROOT, &b->tmp, reason, sizeof(reason));
	if (err > 0)
		i9p_log("no tmpfs on %s/tmp: %s", NEWROOT, reason);
	else if (err < 0)	/* the root works without it: go on */
		i9p_warn("cannot mount tmpfs on %s/tmp (%s): %s; /tmp stays on "
			"9p", NEWROOT, b->tmp.data, strerror(-err));
	else
		i9p_log("mounted tmpfs on %s/tmp in %lld ms (%s)", NEWROOT,
			r9p_now_ms() - t, b->tmp.data);
}

static int boot_once(struct boot *b)
{
	const char *init, *step;
	char why[400];
	int err;

	if (read_config(b) < 0)
		return -1;
	maybe_break(b, "top");
	if (load_modules(b) < 0 || mount_root(b) < 0)
		return -1;
	mount_tmp(b);

	init = i9p_init_choose(NEWROOT, b->cmd.init);
	if (!init) {
		snprintf(why, sizeof(why), "%s in the root: %s",
			 *b->cmd.init ? b->cmd.init :
			 "none of /sbin/init, /etc/init, /bin/init, /bin/sh",
			 strerror(errno));
		i9p_fail(&b->cmd, "find the init to run", why,
			 "set init= to an executable of the root, or install "
			 "an init system in it");
		return -1;
	}
	maybe_break(b, "bottom");
	i9p_log("starting %s after %lld ms", init, r9p_now_ms() - b->t0);
	err = i9p_switch_root(NEWROOT, init, (char **)b->argv, &step);
	snprintf(why, sizeof(why), "%s: %s", step, strerror(-err));
	i9p_fail(&b->cmd, "switch to the root", why,
		 "this is a bug if the checks above passed; please report it "
		 "with this console log");
	return -1;
}

int main(int argc, char **argv)
{
	static struct boot b;
	struct utsname u;

	(void)argc;
	b.t0 = r9p_now_ms();
	b.argv = argv;
	if (getpid() != 1) {
		fprintf(stderr, "init9p: must run as PID 1 from an initramfs "
			"(see mkinitrd9p); to try 9p mounts, use mount9p\n");
		return 2;
	}
	setup_early();
	uname(&u);
	i9p_log("root9p %s (%s) on Linux %s", R9P_VERSION, LIBC_NAME,
		u.release);
	for (;;)
		boot_once(&b);
}
