/* SPDX-License-Identifier: MIT */
/*
 * init/payload.c - payload9p, the PID 1 of `run9p -- CMD`'s image: mount
 * the 9p root, run one command in it, report its status, power off.
 *
 * No switch_root, no init system, no udev: the root step is the engine's
 * (engine/root.h, as in init9p), modules come from the image's load list
 * (init/modload.c), then /dev /proc /sys move into the root, we chroot,
 * cd to root9p.cwd and run root9p.run (init/runargs.c) with its stdin,
 * stdout and stderr on the virtio ports run9p named root9p.in, root9p.out
 * and root9p.err: run9p's own stdin and its stdout and stderr apart from
 * the kernel's console. Reading root9p.in returns 0 (EOF) once QEMU has
 * read the end of run9p's stdin and closed the port (virtio_console
 * reports a host that left). The port root9p.status gets one line per
 * event, which run9p reads for the exit code:
 *   start MS          the command is about to be executed (guest ms)
 *   notfound | noexec the command could not be executed (127 / 126)
 *   exit CODE MS      it ended (a signal N as 128+N)
 *   fail WHY          the root step failed: nothing ran
 * Without root9p.run: an interactive /bin/sh on the console.
 *
 * With no initramfs (run9p's no-initrd loop: the kernel mounted the 9p
 * root and runs us from it as init=), the same, on the root we are on:
 * no modules to load, a plain root used where it is, an overlay root
 * built over it (prepare_on_root) and entered as from the initramfs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/array.h"
#include "engine/overlay.h"
#include "engine/root.h"
#include "init/compat.h"
#include "init/early.h"
#include "init/log.h"
#include "init/modload.h"
#include "init/net.h"
#include "init/runargs.h"
#include "mount9p/mount.h"

#define NEWROOT "/root"
#define PORTS_DIR "/sys/class/virtio-ports"
#define PORT_WAIT_MS 10000
/* The initramfs is a ramfs or a tmpfs (switchroot.c checks the same). */
#define RAMFS_MAGIC 0x858458f6
#define TMPFS_MAGIC 0x01021994
/* /run as the engine's overlay.c makes it: it carries the layers. */
#define RUN_TMPFS_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)
#define RUN_TMPFS_OPTS "size=10%,mode=0755"
#define GUEST_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Buffer sizes. A status line can carry a root failure whole: its step,
 * its reason (the engine's R9P_WHY_MAX) and what to try. */
#define STATUS_LINE_MAX 900
/* A message naming a path of the root (root9p.cwd, the command) with
 * strerror; longer paths are cut, never overrun. */
#define PATH_MSG_MAX 600
/* A module's name with strerror, or a port's name with strerror. */
#define SHORT_MSG_MAX 400
/* A sysfs path: PORTS_DIR, a vportNpM name, "/name". */
#define SYSFS_PATH_MAX 300
/* Small files read whole: a port's name, /proc/uptime's two numbers;
 * and "/root" with an API mount's name. */
#define SMALL_MAX 64
/* root9p.modules plus the modules the settings add (overlay, a
 * scratch disk's driver): as in init9p. */
#define WANT_MODULES_MAX 512

/* The ports, by the names run9p gives them (-device virtserialport,name=). */
enum { PORT_IN, PORT_OUT, PORT_ERR, PORT_STATUS, NPORTS };
static const struct {
	const char *name;
	int flags;
} ports[NPORTS] = {
	[PORT_IN] = { "root9p.in", O_RDONLY },
	[PORT_OUT] = { "root9p.out", O_WRONLY },
	[PORT_ERR] = { "root9p.err", O_WRONLY },
	[PORT_STATUS] = { "root9p.status", O_WRONLY },
};

/* With no initramfs, an overlay root goes on the first of these folders
 * of the 9p root that exists: the root is read-only, nothing is made. */
static const char *const onroot_dirs[] = { "/root", "/mnt" };

struct run {
	const char *newroot;	/* NEWROOT, or on the root "/" or onroot_dirs */
	struct r9p_cmdline cmd;
	struct r9p_kernel kernel;
	struct r9p_root root;
	struct i9p_runargs args;
	int interactive;
	int port[NPORTS];
};

static void say(void *ctx, int level, const char *text)
{
	const struct run *r = ctx;

	if (level <= R9P_SAY_ERR)
		i9p_error("%s", text);
	else if (level == R9P_SAY_WARN)
		i9p_warn("%s", text);
	else if (level < R9P_SAY_DEBUG || r->cmd.debug)
		i9p_log("%s", text);
}

/* KEY's value, the last one given ("" if absent): keys the engine does
 * not know stay in key[]/val[]. */
static const char *cmdline_get(const struct r9p_cmdline *c, const char *key)
{
	int i;

	for (i = c->nparams; i-- > 0;)
		if (!strcmp(c->key[i], key))
			return c->val[i] ? c->val[i] : "";
	return "";
}

static void status(const struct run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One line on the status port: one write, so run9p reads it whole. */
static void status(const struct run *r, const char *fmt, ...)
{
	char line[STATUS_LINE_MAX];
	va_list ap;
	int n;

	if (r->port[PORT_STATUS] < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(r->port[PORT_STATUS], line, n) < 0)
		i9p_error("cannot write the status port: %s", strerror(errno));
}

/* Everything ends here: no process left, data on disk, QEMU told. */
static void __attribute__((noreturn)) power_off(void)
{
	kill(-1, SIGKILL);
	sync();
	/* run9p starts QEMU with -no-reboot: a reboot ends it, and needs no
	 * ACPI in the kernel, unlike a power-off. */
	i9p_reboot();
	for (;;)
		pause();
}

static void __attribute__((noreturn)) fail(struct run *r, const char *step,
					   const char *why, const char *try_)
{
	i9p_error("cannot %s: %s", step, why);
	if (try_ && *try_)
		i9p_error("try: %s", try_);
	status(r, "fail cannot %s: %s%s%s", step, why,
	       try_ && *try_ ? "; try: " : "", try_ ? try_ : "");
	power_off();
}

/* Guest ms since boot, for the status lines: /proc/uptime (the kernel
 * log's clock; klibc has no clock_gettime, r9p_now_ms is wall time). */
static long long uptime_ms(void)
{
	char buf[SMALL_MAX];
	long long s = 0, cs = 0;
	int fd = open("/proc/uptime", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	const char *p = buf;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (; *p >= '0' && *p <= '9'; p++)
		s = s * 10 + (*p - '0');
	if (*p == '.' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' &&
	    p[2] <= '9')
		cs = (p[1] - '0') * 10 + (p[2] - '0');
	return s * 1000 + cs * 10;
}

/* Which port NAME is (vport0p1 ...), from sysfs: no udev to make links;
 * opened with FLAGS (O_RDONLY or O_WRONLY). */
static int open_port(const char *name, int flags)
{
	char path[SYSFS_PATH_MAX], buf[SMALL_MAX];
	struct dirent *d;
	DIR *dir = opendir(PORTS_DIR);
	int fd = -1, nfd;
	ssize_t n;

	if (!dir)
		return -ENOENT;
	while (fd < 0 && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), PORTS_DIR "/%s/name", d->d_name);
		nfd = open(path, O_RDONLY | O_CLOEXEC);
		if (nfd < 0)
			continue;
		n = read(nfd, buf, sizeof(buf) - 1);
		close(nfd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (strcmp(buf, name))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", d->d_name);
		fd = open(path, flags | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
	}
	closedir(dir);
	return fd;
}

/* The four ports; they appear once virtio_console has probed. Opening
 * root9p.in lets QEMU start reading run9p's stdin into the guest. */
static void open_ports(struct run *r)
{
	long long end = r9p_now_ms() + PORT_WAIT_MS;
	char why[SHORT_MSG_MAX];
	int i, fd;

	for (i = 0; i < NPORTS; i++) {
		for (;;) {
			fd = open_port(ports[i].name, ports[i].flags);
			if (fd >= 0 || r9p_now_ms() >= end)
				break;
			usleep(20000);
		}
		if (fd < 0) {
			snprintf(why, sizeof(why), "virtio port %s: %s",
				 ports[i].name, strerror(-fd));
			fail(r, "open the command's ports", why,
			     "the kernel needs virtio_console "
			     "(CONFIG_VIRTIO_CONSOLE) and run9p's "
			     "virtserialport devices");
		}
		r->port[i] = fd;
	}
}

/* Started from the 9p root itself (init=), not from an initramfs? */
static int on_root(void)
{
	struct statfs sfs;

	return statfs("/", &sfs) == 0 &&
	       (unsigned long)sfs.f_type != RAMFS_MAGIC &&
	       (unsigned long)sfs.f_type != TMPFS_MAGIC;
}

/* On the root: where the engine's root step puts the root. A plain root
 * stays where the kernel mounted it ("/"). For an overlay, the engine
 * mounts the lower layer on R9P_OVERLAY_LOWER unless something is there
 * already, and the tag cannot be mounted twice: the kernel's mount of it
 * is bound there, on /run as a tmpfs, and the overlay goes on a folder
 * of the root. */
static const char *prepare_on_root(struct run *r)
{
	static const char *const dirs[] = { R9P_OVERLAY_DIR, R9P_OVERLAY_LOWER };
	char why[PATH_MSG_MAX];
	struct stat st;
	size_t i, d;

	if (r->root.upper.kind == R9P_UPPER_NONE)
		return "/";
	for (d = 0; d < ARRAY_SIZE(onroot_dirs); d++)
		if (stat(onroot_dirs[d], &st) == 0 && S_ISDIR(st.st_mode))
			break;
	if (d == ARRAY_SIZE(onroot_dirs))
		fail(r, "mount the overlay root", "the root has no /root or "
		     "/mnt folder to mount it on", "make /mnt in the root, or "
		     "boot with run9p's initrd (run9p --initrd own)");
	if (mount("tmpfs", "/run", "tmpfs", RUN_TMPFS_FLAGS,
		  RUN_TMPFS_OPTS) < 0) {
		snprintf(why, sizeof(why), "mount -t tmpfs tmpfs /run: %s",
			 strerror(errno));
		fail(r, "mount the overlay root", why, errno == ENOENT ?
		     "make /run in the root, or boot with run9p's initrd "
		     "(run9p --initrd own)" : "");
	}
	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		mkdir(dirs[i], 0755);
	if (mount("/", R9P_OVERLAY_LOWER, NULL, MS_BIND, NULL) < 0) {
		snprintf(why, sizeof(why), "mount --bind / %s: %s",
			 R9P_OVERLAY_LOWER, strerror(errno));
		fail(r, "mount the overlay root", why, "");
	}
	return onroot_dirs[d];
}

/* The API filesystems go with us into the root, when it has the folders. */
static void move_api_mounts(const char *newroot)
{
	static const char *const dirs[] = { "/dev", "/proc", "/sys", "/run" };
	char target[SMALL_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(target, sizeof(target), "%s%s", newroot, dirs[i]);
		/* /run is a mount only when the engine made one (overlay). */
		if (mount(dirs[i], target, NULL, MS_MOVE, NULL) < 0 &&
		    errno != EINVAL)
			i9p_warn("warning: cannot move %s into the root: %s "
				 "(the command runs without it)", dirs[i],
				 strerror(errno));
	}
}

static void enter_root(struct run *r)
{
	const char *cwd = "/";
	struct i9p_runargs dir;
	char why[PATH_MSG_MAX];

	if (strcmp(r->newroot, "/") &&
	    (chdir(r->newroot) < 0 || chroot(".") < 0)) {
		snprintf(why, sizeof(why), "%s: %s", r->newroot,
			 strerror(errno));
		fail(r, "enter the root", why, "");
	}
	if (*cmdline_get(&r->cmd, "root9p.cwd") &&
	    i9p_runargs_decode(cmdline_get(&r->cmd, "root9p.cwd"),
			       &dir) == 0 && dir.argc == 1)
		cwd = dir.argv[0];
	if (chdir(cwd) < 0) {
		snprintf(why, sizeof(why), "run9p: warning: cannot change to "
			 "%s in the guest (%s): running in /\n", cwd,
			 strerror(errno));
		if (r->port[PORT_ERR] >= 0 &&
		    write(r->port[PORT_ERR], why, strlen(why)) < 0)
			i9p_warn("%s", why);
		if (chdir("/") < 0)
			fail(r, "change to /", strerror(errno), "");
	}
}

/* In the child: fds 0-2, then the command. Never returns. */
static void __attribute__((noreturn)) exec_command(struct run *r)
{
	char msg[PATH_MSG_MAX];
	int fd, err;

	if (r->interactive) {
		/* A session of its own with the console as controlling
		 * terminal: job control and ^C work in the shell. */
		setsid();
		fd = open("/dev/console", O_RDWR);
		if (fd >= 0)
			ioctl(fd, TIOCSCTTY, 0);
	} else {
		/* run9p's stdin; PID 1 keeps its copy, closed on exec. */
		fd = r->port[PORT_IN];
	}
	if (fd >= 0 && fd != 0) {
		dup2(fd, 0);
		if (r->interactive)
			close(fd);
	}
	dup2(r->interactive ? 0 : r->port[PORT_OUT], 1);
	dup2(r->interactive ? 0 : r->port[PORT_ERR], 2);
	execvp(r->args.argv[0], r->args.argv);
	err = errno;
	status(r, "%s", err == ENOENT ? "notfound" : "noexec");
	snprintf(msg, sizeof(msg), "run9p: %s: %s in the guest%s\n",
		 r->args.argv[0], err == ENOENT ? "command not found" :
		 strerror(err), err == ENOENT ? " (PATH=" GUEST_PATH
		 ", in the guest's root)" : "");
	if (write(2, msg, strlen(msg)) < 0)
		i9p_error("%s", msg);
	_exit(err == ENOENT ? 127 : 126);
}

/* Run the command, reaping every orphan (we are PID 1) until it ends. */
static int run_command(struct run *r)
{
	pid_t pid, w;
	int st = 0;

	status(r, "start %lld", uptime_ms());
	/* Not r9p_spawn_run(): the child takes the console or run9p's ports
	 * and a PATH search, says itself why an exec failed, and PID 1
	 * reaps every orphan while it waits. */
	pid = fork();
	if (pid < 0)
		fail(r, "start the command", strerror(errno), "");
	if (pid == 0)
		exec_command(r);
	do {
		w = wait(&st);
	} while (w != pid && !(w < 0 && errno != EINTR));
	if (w < 0)
		return 125;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	static struct run r;
	static char shell[] = "/bin/sh";
	struct r9p_err f;
	struct i9p_modload ml;
	const char *enc;
	char why[SHORT_MSG_MAX], mods[WANT_MODULES_MAX];
	int i, err = 0, cfg, code, onroot;

	(void)argc;
	(void)argv;
	for (i = 0; i < NPORTS; i++)
		r.port[i] = -1;
	if (getpid() != 1) {
		fprintf(stderr, "payload9p: must run as PID 1 of run9p's "
			"image; use run9p -- CMD\n");
		return 2;
	}
	i9p_log_set_name("payload9p");
	onroot = on_root();
	i9p_setup_early();
	memset(&f, 0, sizeof(f));
	if (r9p_root_load_cmdline(NULL, &r.cmd, say, &r, &f) < 0)
		fail(&r, f.step, f.why, f.try_);
	i9p_log_set_debug(r.cmd.debug);
	if (r9p_kernel_running(&r.kernel) < 0)
		r.kernel.major = r.kernel.minor = 0;
	cfg = r9p_root_config(&r.cmd, &r.kernel, R9P_ROOT_ASSUME_9P, &r.root,
			      &f);
	r9p_root_say_diags(&r.root.diags, say, &r);
	enc = cmdline_get(&r.cmd, "root9p.run");
	r.interactive = !*enc;
	memset(&ml, 0, sizeof(ml));
	/* root9p.modules and what the settings need (overlay), as init9p:
	 * the loader passes over a module loaded already or built in. */
	r.cmd.modules = r9p_root_wanted_modules(&r.cmd, mods, sizeof(mods));
	if (!onroot)	/* no image, no modules: run9p saw them built in */
		err = i9p_modules_load(&r.cmd, &ml);
	/* Ports next (virtio_console is among the modules): any failure
	 * from here on is said on the status port too. */
	if (!r.interactive)
		open_ports(&r);
	if (err) {
		snprintf(why, sizeof(why), "%s: %s", ml.failed, strerror(-err));
		fail(&r, "load a module", why, ml.hint);
	}
	if (cfg != 0)
		fail(&r, f.step, f.why, f.try_);
	/* ip=: a share (or root) over trans=tcp needs the network. */
	if (i9p_net_start(r.cmd.ip, r.root.timeout_ms, &f) < 0)
		fail(&r, f.step, f.why, f.try_);
	r.newroot = NEWROOT;
	if (onroot)
		r.newroot = prepare_on_root(&r);
	else
		mkdir(NEWROOT, 0755);
	if (r9p_root_step(&r.root, r.newroot, say, &r, &f) < 0)
		fail(&r, f.step, f.why, f.try_);
	if (r.interactive) {
		r.args.argc = 1;
		r.args.argv[0] = shell;
	} else if (i9p_runargs_decode(enc, &r.args) < 0) {
		fail(&r, "read root9p.run", "not run9p's encoding",
		     "start the command with run9p -- CMD");
	}
	if (strcmp(r.newroot, "/"))
		move_api_mounts(r.newroot);
	enter_root(&r);
	setenv("PATH", GUEST_PATH, 1);
	setenv("HOME", "/root", 0);
	if (r.interactive)
		setenv("TERM", "linux", 0);
	code = run_command(&r);
	status(&r, "exit %d %lld", code, uptime_ms());
	power_off();
}
