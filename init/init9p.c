/* SPDX-License-Identifier: MIT */
/*
 * init/init9p.c - the PID 1 of root9p's initrd: mount a 9p root, put a
 * tmpfs on its /tmp, switch to it.
 *
 * This file only orchestrates (DESIGN.md, "Boot sequence"): the root step
 * (command line, options, tag, mount, /tmp) is engine/root.c's, the same
 * code `mount9p --root` runs for the distro hooks. Each step logs its
 * duration; a failed step returns what failed and why, main() reports it
 * in one place (i9p_fail) and, if a rescue shell ran, boots again.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common/array.h"
#include "common/steps.h"
#include "engine/cmdline.h"
#include "engine/root.h"
#include "init/early.h"
#include "init/log.h"
#include "init/modload.h"
#include "init/net.h"
#include "init/pin.h"
#include "init/rescue.h"
#include "init/switchroot.h"
#include "mount9p/effective.h"
#include "mount9p/mount.h"
#include "mount9p/mountinfo.h"
#include "mount9p/opttab.h"

#define NEWROOT "/root"

#ifdef __KLIBC__
#define LIBC_NAME "klibc"
#elif defined(__GLIBC__)
#define LIBC_NAME "glibc"
#else
#define LIBC_NAME "musl"
#endif

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

/* root9p.modules plus the modules the settings add: as long as the
 * engine's own list that it ends in (struct r9p_root's modules). */
#define WANT_MODULES_MAX 512
/* The "steps in ms" line: the steps' names and numbers. */
#define STEPS_LINE_MAX 256

struct boot {
	struct r9p_cmdline cmd;
	struct r9p_kernel kernel;
	struct r9p_root root;
	char *const *argv;
	char hint[I9P_HINT_MAX];	/* a module's hint, for the failure
					 * report */
	char modules[WANT_MODULES_MAX];	/* root9p.modules plus what the
					 * settings need */
	long long t0;
	long long mark[R9P_STEP_N];	/* when each step ended (r9p_now_ms) */
};

/* The engine's messages, through init9p's log (kmsg priorities). */
static void say(void *ctx, int level, const char *text)
{
	const struct boot *b = ctx;

	if (level <= R9P_SAY_ERR)
		i9p_error("%s", text);
	else if (level == R9P_SAY_WARN)
		i9p_warn("%s", text);
	else if (level < R9P_SAY_DEBUG)
		i9p_log("%s", text);
	else if (b->cmd.debug)
		i9p_log("%s", text);
}

static void maybe_break(const struct boot *b, const char *point)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(break_points); i++) {
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

/* The command line and what it asks of the root: 0, -1 (F filled), or 1
 * when it is refused but the root is mounted already (taken as it is). */
static int read_config(struct boot *b, struct r9p_err *f)
{
	if (r9p_root_load_cmdline(NULL, &b->cmd, say, b, f) < 0)
		return -1;
	i9p_log_set_debug(b->cmd.debug);
	if (r9p_kernel_running(&b->kernel) < 0)
		b->kernel.major = b->kernel.minor = 0;
	/* This image mounts 9p roots only: "not 9p" is a failure too. */
	if (r9p_root_config(&b->cmd, &b->kernel, R9P_ROOT_ASSUME_9P, &b->root,
			    f) != 0) {
		r9p_root_say_diags(&b->root.diags, say, b);
		/* Refused, but a rescue shell mounted the root by hand:
		 * 1, go on with it. */
		return r9p_root_adopt(NEWROOT, f, say, b) == 0 ? 1 : -1;
	}
	r9p_root_say_diags(&b->root.diags, say, b);
	return 0;
}

/* The image's modules, and root9p.modules' unless LIST_ONLY. */
static int load_modules(struct boot *b, int list_only, struct r9p_err *f)
{
	const char *extra = b->cmd.modules;
	struct i9p_modload r;
	long long t = r9p_now_ms();
	int err;

	maybe_break(b, "modules");
	b->cmd.modules = list_only ? "" : r9p_root_wanted_modules(&b->cmd,
				b->modules, sizeof(b->modules));
	err = i9p_modules_load(&b->cmd, &r);
	b->cmd.modules = extra;
	if (err) {
		/* modload's hint lives in R: copy it where F can point. */
		snprintf(b->hint, sizeof(b->hint), "%s", r.hint);
		return r9p_errf(f, "load a module", 0, b->hint, "%s: %s",
				r.failed, strerror(-err));
	}
	i9p_log("loaded %d modules in %lld ms (%s)", r.loaded,
		r9p_now_ms() - t, r.how ? r.how : "none listed");
	return 0;
}

/* Is NEWROOT a mount point already (a rescue shell mounted the root by
 * hand)? Its st_dev against the initramfs's: no mountinfo read. When it
 * is, the engine's mount step reads mountinfo to say what is there;
 * when not, the engine is told so and skips that read. */
static int newroot_mounted(void)
{
	struct stat root, st;

	return stat("/", &root) == 0 && stat(NEWROOT, &st) == 0 &&
	       st.st_dev != root.st_dev;
}

/* Tag, break=mount, mount, /tmp: the engine's steps with our breaks. */
static int mount_root(struct boot *b, struct r9p_err *f)
{
	long long t = r9p_now_ms();

	maybe_break(b, "premount");
	mkdir(NEWROOT, 0755);
	/* A rescue shell may have mounted it already: no wait then. */
	b->root.newroot_free = !newroot_mounted();
	if (b->root.newroot_free) {
		if (r9p_root_wait(&b->root, say, b, f) < 0)
			return -1;
		maybe_break(b, "mount");
	}
	b->mark[R9P_STEP_WAIT] = r9p_now_ms();
	if (r9p_root_mount(&b->root, NEWROOT, t, say, b, f) < 0)
		return -1;
	b->mark[R9P_STEP_MOUNT] = r9p_now_ms();
	r9p_root_mount_tmp(&b->root, NEWROOT, say, b);
	r9p_root_mount_extra(&b->root, NEWROOT, say, b);
	b->mark[R9P_STEP_TMP] = r9p_now_ms();
	return 0;
}

/* "steps in ms: early 12, command line 3, ..., wipe 7; own 31;
 * mountinfo reads 3" (root9p.debug; common/steps.h): each step from the
 * end of the one before, early from init9p's start. */
static void log_steps(const struct boot *b)
{
	char line[STEPS_LINE_MAX];
	long long own = r9p_steps_line(line, sizeof(line), b->t0, b->mark);

	i9p_debug("steps in ms: %s; own %lld; mountinfo reads %u", line, own,
		  r9p_mountinfo_reads());
}

/*
 * root9p-pin (init/pin.h) for a 9p root whose dentries the kernel drops
 * when unused: not with a cache mode that keeps them (loose, fscache, a
 * 6.4+ bitmask with the metadata or loose bit), not for virtiofs (its own
 * timeouts) or an overlay (its lower is loose), not with root9p.pin=0.
 */
static pid_t start_pin(const struct boot *b)
{
	pid_t pid;

	if (b->cmd.pin == 0 || b->root.virtiofs ||
	    b->root.upper.kind != R9P_UPPER_NONE ||
	    r9p_cache_keeps_dentries(b->root.opts.cache, r9p_kv(&b->kernel)))
		return 0;
	pid = i9p_pin_start(NEWROOT);
	if (pid < 0)
		i9p_warn("warning: cannot start root9p-pin (%s): lookups on "
			 "the 9p root walk every directory again",
			 strerror(-pid));
	else
		i9p_debug("root9p-pin (pid %d) keeps the root's directories "
			  "in the dentry cache (root9p.pin=0: off)", (int)pid);
	return pid;
}

static int boot_once(struct boot *b, struct r9p_err *f)
{
	struct r9p_err unusable, passed;	/* the init's check */
	const char *init;
	pid_t pin;

	struct r9p_err modf;
	int cfg;

	cfg = read_config(b, f);
	b->mark[R9P_STEP_CONFIG] = r9p_now_ms();
	maybe_break(b, "top");
	/* A refused command line still gets the image's modules: the rescue
	 * shell then sees the tags and can mount the root by hand. */
	if (cfg < 0) {
		memset(&modf, 0, sizeof(modf));
		load_modules(b, 1, &modf);
		return -1;
	}
	if (load_modules(b, cfg == 1, f) < 0)
		return -1;
	b->mark[R9P_STEP_MODULES] = r9p_now_ms();
	/* ip=: a root or share over trans=tcp needs the network. */
	if (i9p_net_start(b->cmd.ip, b->root.timeout_ms, f) < 0)
		return -1;
	if (mount_root(b, f) < 0)
		return -1;

	/* Checked before the wipe: an init whose ELF or #! interpreter is
	 * missing must fail while the initramfs (and its shell) is there. */
	init = i9p_init_choose(NEWROOT, b->cmd.init, &unusable, &passed);
	if (init && *passed.why)
		i9p_warn("warning: %s", passed.why);
	if (!init) {
		return r9p_errf(f, "find the init to run", 0,
				"set init= to an executable of the root, or "
				"install an init system in it",
				"%s in the root: %s", *b->cmd.init ?
				b->cmd.init : "none of /sbin/init, /etc/init, "
				"/bin/init, /bin/sh", unusable.why);
	}
	b->mark[R9P_STEP_INIT] = r9p_now_ms();
	maybe_break(b, "bottom");
	pin = start_pin(b);
	b->mark[R9P_STEP_PIN] = r9p_now_ms();
	i9p_log("starting %s after %lld ms", init, r9p_now_ms() - b->t0);
	if (i9p_switch_prepare(NEWROOT, f) == 0) {
		b->mark[R9P_STEP_WIPE] = r9p_now_ms();
		log_steps(b);
		i9p_switch_exec(init, (char **)b->argv, f);
	}
	if (pin > 0)	/* a retry after the rescue shell starts its own */
		kill(pin, SIGKILL);
	return -1;
}

int main(int argc, char **argv)
{
	static struct boot b;
	struct utsname u;

	b.t0 = r9p_now_ms();
	b.argv = argv;
	/* root9p-pin, re-executed from its memfd copy (init/pin.c). */
	if (getpid() != 1 && argc > 0 && strcmp(argv[0], I9P_PIN_NAME) == 0)
		return i9p_pin_main(argc, argv);
	if (getpid() != 1) {
		fprintf(stderr, "init9p: must run as PID 1 from an initramfs "
			"(see mkinitrd9p); to try 9p mounts, use mount9p\n");
		return 2;
	}
	i9p_setup_early();
	uname(&u);
	i9p_log("root9p %s (%s) on Linux %s", R9P_VERSION, LIBC_NAME,
		u.release);
	b.mark[R9P_STEP_EARLY] = r9p_now_ms();
	/* The one failure exit: say what failed, then reboot, rescue shell
	 * (and try again) or wait, as the command line says. */
	for (;;) {
		struct r9p_err f;

		memset(&f, 0, sizeof(f));
		if (boot_once(&b, &f) < 0)
			i9p_fail(&b.cmd, f.step, f.why, f.try_);
	}
}
