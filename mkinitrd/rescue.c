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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "common/spawn.h"
#include "mkinitrd/elf.h"
#include "mkinitrd/image.h"
#include "mkinitrd/util.h"

/* The step of a struct r9p_err of this file (its why says the rest). */
#define RESCUE_STEP "add the rescue shell"

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

/* Run argv[0] with argv, collect its stdout (NUL-terminated, at most
 * CAPTURE_MAX bytes: an applet list is a few KiB, a flood is killed).
 * 0, -EFBIG past the bound, -ENOEXEC when it did not exit 0 (or could
 * not be started), or -errno. */
static int run_capture(char *const argv[], char **out)
{
	struct r9p_spawn s = { .in_fd = -1, .out_size = CAPTURE_MAX + 1,
			       .flags = R9P_SPAWN_KILL_OVER };
	struct r9p_err e;

	s.out = xmalloc(s.out_size);
	if (r9p_spawn_run(argv, &s, &e) == 0) {
		*out = s.out;
		return 0;
	}
	free(s.out);
	if (e.code == -EFBIG)
		return -EFBIG;
	return s.status >= 0 || s.signal ? -ENOEXEC : e.code;
}

/* An applet name becomes a file name: refuse anything path-like. */
static int applet_ok(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0 && strcmp(name, "busybox") != 0;
}

static int add_applets(struct r9p_cpio *c, const char *busybox,
		       int verbose, struct r9p_err *e)
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
			r9p_errf(e, RESCUE_STEP, -ENOEXEC, NULL,
				 "run %s --list: it is for %s, this "
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
		r9p_errf(e, RESCUE_STEP, err, NULL,
			 "run %s%s%s --list: %s: is it busybox? (apt-get "
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
			r9p_errf(e, RESCUE_STEP, err, NULL,
				 "add /%s: %s", path, strerror(-err));
		free(path);
		n++;
	}
	free(list);
	if (!err && !have_sh) {
		err = r9p_cpio_add_symlink(c, "bin/sh", "busybox");
		if (err)
			r9p_errf(e, RESCUE_STEP, err, NULL,
				 "add /bin/sh: %s", strerror(-err));
	}
	if (!err && verbose)
		fprintf(stderr, "mkinitrd9p: rescue shell: %d applets of %s\n",
			n, busybox);
	return err;
}

/* /bin/mount9p from next to init, only if it can run in the initrd. */
static int add_mount9p(struct r9p_cpio *c, const char *init, int verbose,
		       struct r9p_err *e)
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
		r9p_errf(e, RESCUE_STEP, err, NULL,
			 "add /bin/mount9p: %s", strerror(-err));
	return err;
}

int r9p_image_add_rescue(struct r9p_cpio *c, const char *busybox,
			 const char *init, int verbose, struct r9p_err *e)
{
	unsigned char *buf;
	size_t len;
	int err;

	err = r9p_read_file(busybox, &buf, &len);
	if (err) {
		r9p_errf(e, RESCUE_STEP, err, NULL,
			 "read rescue shell %s: %s: apt-get install "
			 "busybox-static, or give --rescue-shell=PATH",
			 busybox, r9p_read_strerror(err));
		return err;
	}
	if (r9p_elf_is_static(buf, len) == 0) {
		free(buf);
		r9p_errf(e, RESCUE_STEP, -ENOEXEC, NULL,
			 "use %s as rescue shell: it is dynamically "
			 "linked: use a static busybox "
			 "(busybox-static)", busybox);
		return -ENOEXEC;
	}
	err = r9p_cpio_add_file(c, "bin/busybox", 0755, buf, len);
	if (err) {
		r9p_errf(e, RESCUE_STEP, err, NULL,
			 "add /bin/busybox: %s", strerror(-err));
		return err;
	}
	err = add_applets(c, busybox, verbose, e);
	if (!err)
		err = add_mount9p(c, init, verbose, e);
	return err;
}
