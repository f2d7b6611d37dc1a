/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/rescue.c - the optional rescue shell: busybox and its applets.
 *
 * Runs `BUSYBOX --list` on the host to learn the applets (through
 * qemu-user, qemu-ARCH-static or qemu-ARCH, when the busybox is for another
 * machine than mkinitrd9p itself), links each one as /bin/NAME -> busybox,
 * and adds /bin/mount9p when a static mount9p sits next to the init9p being
 * packed (the guest build puts both there).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/array.h"
#include "mkinitrd/elf.h"
#include "mkinitrd/image.h"
#include "mkinitrd/util.h"

#define CAPTURE_MAX (1024 * 1024)

/* qemu-user's name for a machine: qemu-NAME-static, qemu-NAME. */
static const struct {
	int machine;
	const char *name;
} qemu_names[] = {
	{ EM_AARCH64, "aarch64" }, { EM_X86_64, "x86_64" }, { EM_386, "i386" },
	{ EM_ARM, "arm" }, { EM_RISCV, "riscv64" },
};

/* The ELF machine of a file, or -EINVAL (unreadable, not ELF). */
static int file_machine(const char *path)
{
	unsigned char *buf;
	size_t len;
	int m;

	if (r9p_read_file(path, &buf, &len))
		return -EINVAL;
	m = r9p_elf_machine(buf, len);
	free(buf);
	return m;
}

/* NAME's path in $PATH (malloc'd), or NULL. */
static char *find_in_path(const char *name)
{
	const char *p = getenv("PATH"), *end;
	struct stat st;
	char *path;

	for (; p && *p; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		path = xasprintf("%.*s/%s", (int)(end - p), p, name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(path, X_OK) == 0)
			return path;
		free(path);
	}
	return NULL;
}

/* qemu-user's name for machine ("aarch64"), or NULL. */
static const char *qemu_name(int machine)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(qemu_names); i++)
		if (qemu_names[i].machine == machine)
			return qemu_names[i].name;
	return NULL;
}

/* The qemu-user that runs programs of machine here (malloc'd), or NULL. */
static char *find_qemu(int machine)
{
	const char *q = qemu_name(machine);
	char name[64], *path;

	if (!q)
		return NULL;
	snprintf(name, sizeof(name), "qemu-%s-static", q);
	path = find_in_path(name);
	if (!path) {
		snprintf(name, sizeof(name), "qemu-%s", q);
		path = find_in_path(name);
	}
	return path;
}

/* Run argv[0] with argv, collect its stdout (NUL-terminated, bounded). */
static int run_capture(char *const argv[], char **out)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t r;
	int fds[2], status, err = 0;
	pid_t pid;

	if (pipe(fds) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0) {
		if (dup2(fds[1], STDOUT_FILENO) >= 0)
			execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 16384;
			buf = xrealloc(buf, cap);
		}
		r = read(fds[0], buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			err = -errno;
		if (r <= 0)
			break;
		len += (size_t)r;
		/* An applet list is a few KiB: do not read a flood forever. */
		if (len > CAPTURE_MAX) {
			err = -EFBIG;
			kill(pid, SIGKILL);
			break;
		}
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			break;
	if (!err && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		err = -ENOEXEC;
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* An applet name becomes a file name: refuse anything path-like. */
static int applet_ok(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0 && strcmp(name, "busybox") != 0;
}

static int add_applets(struct r9p_cpio *c, const char *busybox,
		       int verbose, char **why)
{
	char *argv[] = { (char *)busybox, "--list", NULL, NULL };
	char *list = NULL, *line, *next, *path, *qemu = NULL;
	int err, n = 0, have_sh = 0, bb_machine, host_machine;

	/* A busybox for another machine (an arm64 tree on x86) lists its
	 * applets through qemu-user; same machine or unknown: run it. */
	bb_machine = file_machine(busybox);
	host_machine = file_machine("/proc/self/exe");
	if (bb_machine > 0 && host_machine > 0 && bb_machine != host_machine) {
		qemu = find_qemu(bb_machine);
		if (!qemu) {
			*why = xasprintf("run %s --list: it is for %s, this "
					 "host is %s: apt-get install "
					 "qemu-user-static (qemu-%s-static "
					 "lists its applets)", busybox,
					 r9p_elf_machine_name(bb_machine),
					 r9p_elf_machine_name(host_machine),
					 qemu_name(bb_machine) ? qemu_name(bb_machine)
							       : "ARCH");
			return -ENOEXEC;
		}
		argv[0] = qemu;
		argv[1] = (char *)busybox;
		argv[2] = "--list";
	}
	err = run_capture(argv, &list);
	if (err) {
		*why = xasprintf("run %s%s%s --list: %s: is it busybox? (apt-get "
				 "install busybox-static)", qemu ? qemu : "",
				 qemu ? " " : "", busybox,
				 err == -ENOEXEC ? "it failed" :
				 err == -EFBIG ? "more than 1 MiB of output"
					       : strerror(-err));
		free(qemu);
		return err;
	}
	free(qemu);
	for (line = list; !err && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!applet_ok(line))
			continue;
		have_sh |= strcmp(line, "sh") == 0;
		path = xasprintf("bin/%s", line);
		err = r9p_cpio_add_symlink(c, path, "busybox");
		if (err)
			*why = xasprintf("add /%s: %s", path, strerror(-err));
		free(path);
		n++;
	}
	free(list);
	if (!err && !have_sh) {
		err = r9p_cpio_add_symlink(c, "bin/sh", "busybox");
		if (err)
			*why = xasprintf("add /bin/sh: %s", strerror(-err));
	}
	if (!err && verbose)
		fprintf(stderr, "mkinitrd9p: rescue shell: %d applets of %s\n",
			n, busybox);
	return err;
}

/* /bin/mount9p from next to init, only if it can run in the initrd. */
static int add_mount9p(struct r9p_cpio *c, const char *init, int verbose,
		       char **why)
{
	char *copy = xstrdup(init), *path;
	unsigned char *buf;
	size_t len;
	int err;

	path = xasprintf("%s/mount9p", dirname(copy));
	free(copy);
	err = r9p_read_file(path, &buf, &len);
	if (err || r9p_elf_is_static(buf, len) != 1) {
		if (verbose)
			fprintf(stderr, "mkinitrd9p: no static %s: rescue shell "
				"without mount9p\n", path);
		if (!err)
			free(buf);
		free(path);
		return 0;
	}
	if (verbose)
		fprintf(stderr, "mkinitrd9p: /bin/mount9p <- %s\n", path);
	free(path);
	err = r9p_cpio_add_file(c, "bin/mount9p", 0755, buf, len);
	if (err)
		*why = xasprintf("add /bin/mount9p: %s", strerror(-err));
	return err;
}

int r9p_image_add_rescue(struct r9p_cpio *c, const char *busybox,
			 const char *init, int verbose, char **why)
{
	unsigned char *buf;
	size_t len;
	int err;

	err = r9p_read_file(busybox, &buf, &len);
	if (err) {
		*why = xasprintf("read rescue shell %s: %s: apt-get install "
				 "busybox-static, or give --rescue-shell=PATH",
				 busybox, r9p_read_strerror(err));
		return err;
	}
	if (r9p_elf_is_static(buf, len) == 0) {
		free(buf);
		*why = xasprintf("use %s as rescue shell: it is dynamically "
				 "linked: use a static busybox "
				 "(busybox-static)", busybox);
		return -ENOEXEC;
	}
	err = r9p_cpio_add_file(c, "bin/busybox", 0755, buf, len);
	if (err) {
		*why = xasprintf("add /bin/busybox: %s", strerror(-err));
		return err;
	}
	err = add_applets(c, busybox, verbose, why);
	if (!err)
		err = add_mount9p(c, init, verbose, why);
	return err;
}
