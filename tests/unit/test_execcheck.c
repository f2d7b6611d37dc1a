/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_execcheck.c - an init that is there but cannot run is
 * refused, with the missing file named, before anything is wiped.
 *
 * Fake root trees in a temp dir: hand-made ELF headers (64/32-bit, both
 * byte orders) with or without PT_INTERP, #! scripts, absolute symlinks
 * that resolve only inside the root, and hostile ones that would reach
 * this machine's own /bin/dash or /usr/bin/env if the check let them out
 * (absolute, ../ escapes, loops, /proc/self/root). Each case runs through
 * openat2 and through the walk kernels before 5.6 get, and again as
 * nobody: the check runs in the calling process with no privilege (no
 * chroot); only that last part needs root, and is skipped without it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/array.h"
#include "init/execcheck.h"
#include "init/switchroot.h"
#include "tests/unit/t.h"

static char base[] = "/tmp/r9p-exec-XXXXXX";

/* Store V in N bytes at P, big-endian when MSB. */
static void put_n(unsigned char *p, int n, unsigned long long v, int msb)
{
	int i;

	for (i = 0; i < n; i++)
		p[msb ? n - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

static void write_file(const char *rel, const void *data, size_t n,
		       mode_t mode)
{
	char p[300];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, data, n) != (ssize_t)n)
		fprintf(stderr, "cannot write %s\n", p);
	if (fd >= 0)
		close(fd);
	chmod(p, mode);
}

/* An ELF file: a PT_LOAD, then PT_INTERP -> INTERP when not NULL. */
static void elf(const char *rel, int is64, int msb, int type,
		const char *interp, mode_t mode)
{
	unsigned char b[512];
	size_t eh = is64 ? 64 : 52, ph = is64 ? 56 : 32, off;
	int nph = interp ? 2 : 1, w = is64 ? 8 : 4;

	memset(b, 0, sizeof(b));
	memcpy(b, "\177ELF", 4);
	b[4] = is64 ? 2 : 1;
	b[5] = msb ? 2 : 1;
	b[6] = 1;
	put_n(b + 16, 2, type, msb);
	put_n(b + 18, 2, is64 ? 62 : 3, msb);
	put_n(b + 20, 4, 1, msb);
	put_n(b + (is64 ? 32 : 28), w, eh, msb);	/* e_phoff */
	put_n(b + (is64 ? 52 : 40), 2, eh, msb);	/* e_ehsize */
	put_n(b + (is64 ? 54 : 42), 2, ph, msb);
	put_n(b + (is64 ? 56 : 44), 2, nph, msb);
	put_n(b + eh, 4, 1, msb);			/* PT_LOAD */
	off = eh + nph * ph;
	if (interp) {
		unsigned char *p = b + eh + ph;

		put_n(p, 4, 3, msb);			/* PT_INTERP */
		put_n(p + (is64 ? 8 : 4), w, off, msb);
		put_n(p + (is64 ? 32 : 16), w, strlen(interp) + 1, msb);
		memcpy(b + off, interp, strlen(interp) + 1);
		off += strlen(interp) + 1;
	}
	write_file(rel, b, off, mode);
}

static void text(const char *rel, const char *s, mode_t mode)
{
	write_file(rel, s, strlen(s), mode);
}

static void mk(const char *rel)
{
	char p[300];

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	mkdir(p, 0755);
}

static void ln(const char *target, const char *rel)
{
	char p[300];

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	if (symlink(target, p) < 0)
		fprintf(stderr, "cannot link %s\n", p);
}

struct exec_case {
	const char *init;
	int err;		/* the -errno wanted */
	const char *why;	/* the reason wanted, exactly */
};

static const struct exec_case cases[] = {
	{ "/bin/static", 0, "" },
	{ "/bin/dyn-good", 0, "" },	/* interpreter via an absolute link */
	{ "/bin/dyn32", 0, "" },
	{ "/bin/dynbe", 0, "" },
	{ "/bin/script", 0, "" },
	{ "/bin/script-args", 0, "" },	/* "#! /bin/sh -e" */
	{ "/bin/script-chain", 0, "" },	/* script -> script -> static */
	{ "/sbin/init-good", 0, "" },	/* absolute link inside the root */
	{ "/bin/dyn-missing", -ENOENT,
	  "its ELF interpreter /lib64/ld-linux-x86-64.so.2 is missing" },
	{ "/bin/dyn32-missing", -ENOENT,
	  "its ELF interpreter /lib/ld-linux.so.2 is missing" },
	{ "/bin/dynbe-missing", -ENOENT,
	  "its ELF interpreter /lib64/ld64.so.2 is missing" },
	{ "/sbin/init", -ENOENT,
	  "its ELF interpreter /lib64/ld-linux-x86-64.so.2 is missing" },
	{ "/bin/script-missing", -ENOENT,
	  "its #! interpreter /usr/bin/python3 is missing" },
	{ "/bin/script-dyn-missing", -ENOENT,
	  "its #! interpreter /bin/dyn-missing: its ELF interpreter "
	  "/lib64/ld-linux-x86-64.so.2 is missing" },
	{ "/bin/loop", -ELOOP,
	  "its #! interpreter /bin/loop: its #! interpreter /bin/loop: its "
	  "#! interpreter /bin/loop: its #! interpreter /bin/loop: more than "
	  "4 levels of #! interpreters" },
	{ "/bin/dyn-notelf", -ELIBBAD,
	  "its ELF interpreter /lib/notelf is not an ELF file" },
	{ "/bin/dyn-ldnoexec", -EACCES,
	  "its ELF interpreter /lib/ld-noexec is not an executable file" },
	{ "/bin/noexec", -EACCES, "Permission denied" },
	{ "/bin/text", -ENOEXEC, "neither an ELF executable nor a #! script" },
	{ "/bin/shebang-empty", -ENOEXEC, "its #! line names no interpreter" },
	{ "/bin/core", -ENOEXEC, "an ELF file the kernel cannot load" },
	{ "/etc", -EACCES, "not a regular file" },
	{ "/no/such/init", -ENOENT, "No such file or directory" },
	/* Hostile trees: each target exists on this machine, not in the
	 * root; a check that leaves the root would pass them. */
	{ "/bin/esc-dotdot", -ENOENT, "its ELF interpreter "
	  "/../../../../../../bin/dash is missing" },
	{ "/bin/esc-rel", -ENOENT,
	  "its ELF interpreter /lib/ld-up is missing" },
	{ "/bin/esc-abs", -ENOENT,
	  "its #! interpreter /lib/sh-abs is missing" },
	{ "/bin/esc-proc", -ENOENT,
	  "its ELF interpreter /lib/ld-proc is missing" },
	{ "/etc/hostroot/bin/dash", -ENOENT, "No such file or directory" },
	{ "/../../../usr/bin/env", -ENOENT, "No such file or directory" },
	{ "/../../bin/static", 0, "" },	/* ".." stops at the top */
	{ "/etc/up/etc/up/bin/script", 0, "" },	/* a ".." link, twice */
	{ "/bin/dyn-loop", -ELOOP, NULL },	/* NULL: strerror(ELOOP) */
	{ "/sbin/init-loop", -ELOOP, NULL },
};

static void make_tree(void)
{
	static const char *const dirs[] = {
		"bin", "sbin", "lib", "lib64", "etc", "usr", "usr/bin", "empty"
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		mk(dirs[i]);
	elf("bin/static", 1, 0, 2, NULL, 0755);
	elf("lib/ld-real.so", 1, 0, 3, NULL, 0755);
	ln("/lib/ld-real.so", "lib64/ld-link.so");
	elf("bin/dyn-good", 1, 0, 3, "/lib64/ld-link.so", 0755);
	elf("bin/dyn32", 0, 0, 2, "/lib/ld-real.so", 0755);
	elf("bin/dynbe", 1, 1, 2, "/lib/ld-real.so", 0755);
	elf("bin/dyn-missing", 1, 0, 3, "/lib64/ld-linux-x86-64.so.2", 0755);
	elf("bin/dyn32-missing", 0, 0, 2, "/lib/ld-linux.so.2", 0755);
	elf("bin/dynbe-missing", 1, 1, 2, "/lib64/ld64.so.2", 0755);
	text("lib/notelf", "#!/bin/static\n", 0755);
	elf("bin/dyn-notelf", 1, 0, 2, "/lib/notelf", 0755);
	elf("lib/ld-noexec", 1, 0, 3, NULL, 0644);
	elf("bin/dyn-ldnoexec", 1, 0, 2, "/lib/ld-noexec", 0755);
	elf("bin/noexec", 1, 0, 2, NULL, 0644);
	elf("bin/core", 1, 0, 4, NULL, 0755);
	ln("static", "bin/sh");
	text("bin/script", "#!/bin/sh\necho hi\n", 0755);
	text("bin/script-args", "#! /bin/sh -e\n", 0755);
	text("bin/script-chain", "#!/bin/script\n", 0755);
	text("bin/script-missing", "#!/usr/bin/python3\nprint(1)\n", 0755);
	text("bin/script-dyn-missing", "#!/bin/dyn-missing\n", 0755);
	text("bin/loop", "#!/bin/loop\n", 0755);
	text("bin/text", "echo no shebang\n", 0755);
	text("bin/shebang-empty", "#!  \n", 0755);
	ln("/bin/dyn-missing", "sbin/init");
	ln("/bin/script", "sbin/init-good");

	elf("bin/esc-dotdot", 1, 0, 3, "/../../../../../../bin/dash", 0755);
	ln("../../../../../../../usr/bin/env", "lib/ld-up");
	elf("bin/esc-rel", 1, 0, 3, "/lib/ld-up", 0755);
	ln("/bin/dash", "lib/sh-abs");
	text("bin/esc-abs", "#!/lib/sh-abs\n", 0755);
	ln("/proc/self/root/bin/dash", "lib/ld-proc");
	elf("bin/esc-proc", 1, 0, 3, "/lib/ld-proc", 0755);
	ln("../../../../../../..", "etc/hostroot");
	ln("..", "etc/up");
	ln("loop-b", "lib/loop-a");
	ln("/lib/loop-a", "lib/loop-b");
	elf("bin/dyn-loop", 1, 0, 3, "/lib/loop-a", 0755);
	ln("init-loop", "sbin/init-loop");
}

/* The case's reason: its text, or strerror(ELOOP) (libc's words). */
static const char *want_why(const struct exec_case *c, char *buf, size_t n)
{
	if (c->why)
		return c->why;
	if (c->init[1] == 'b')	/* the loop is the interpreter's */
		snprintf(buf, n, "its ELF interpreter /lib/loop-a: %s",
			 strerror(ELOOP));
	else
		snprintf(buf, n, "%s", strerror(ELOOP));
	return buf;
}

/* One case as i9p_init_check does it, through the walk when WALK; WHY
 * (LEN bytes) gets the failure's why, "" on success. */
static int check_one(const char *init, int walk, char *why, size_t len)
{
	struct r9p_err e;
	int fd, err;

	if (!walk) {
		err = i9p_init_check(base, init, &e);
	} else {
		fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		err = i9p_exec_check(fd, init, I9P_EXEC_WALK, &e);
		close(fd);
		if (err && !*e.why)
			snprintf(e.why, sizeof(e.why), "%s", strerror(-err));
	}
	snprintf(why, len, "%s", err ? e.why : "");
	return err;
}

/* Every case both ways; the number that did not give what they should.
 * QUIET: count only (the child that runs as nobody prints its own). */
static int run_cases(int quiet)
{
	char why[600], want[200];
	int walk, bad = 0;
	size_t i;

	for (walk = 0; walk < 2; walk++)
		for (i = 0; i < ARRAY_SIZE(cases); i++) {
			const struct exec_case *c = &cases[i];
			const char *w = want_why(c, want, sizeof(want));
			int err = check_one(c->init, walk, why, sizeof(why));
			int ok = err == c->err && strcmp(why, w) == 0;

			bad += !ok;
			if (quiet) {
				if (!ok)
					fprintf(stderr, "FAIL as nobody (%s): "
						"%s: %d \"%s\", want %d \"%s\"\n",
						walk ? "walk" : "openat2",
						c->init, err, why, c->err, w);
				continue;
			}
			CHECK(err == c->err, "%s (%s): %d (%s), want %d",
			      c->init, walk ? "walk" : "openat2", err, why,
			      c->err);
			CHECK_STR(why, w, c->init);
		}
	return bad;
}

/* The whole table again in a child that is nobody: no chroot, no
 * privilege, same verdicts. */
static void run_as_nobody(void)
{
	int status;
	pid_t pid;

	if (geteuid() != 0) {
		SKIP("becoming nobody needs root: the table ran as uid %d",
		     (int)geteuid());
		return;
	}
	pid = fork();
	if (pid == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(255);
		_exit(run_cases(1) > 254 ? 254 : run_cases(1));
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)
	      && WEXITSTATUS(status) == 0, "as nobody: %d cases differ "
	      "(255: cannot become nobody)", WEXITSTATUS(status));
}

int main(void)
{
	struct r9p_err e, passed;
	char root[300];
	const char *init;

	SETUP(mkdtemp(base) != NULL, "mkdtemp: %s", strerror(errno));
	SETUP(chmod(base, 0755) == 0, "chmod %s: %s", base, strerror(errno));
	make_tree();
	run_cases(0);
	run_as_nobody();
	/* The failure's record: its step and code beside the why. */
	CHECK(i9p_init_check(base, "/bin/dyn-missing", &e) == -ENOENT &&
	      e.code == -ENOENT && strcmp(e.why, "its ELF interpreter "
	      "/lib64/ld-linux-x86-64.so.2 is missing") == 0,
	      "record: %d \"%s\"", e.code, e.why);
	CHECK(e.step && *e.step && e.try_ && !*e.try_, "step \"%s\"",
	      e.step ? e.step : "(null)");

	/* The kernel's list: /sbin/init is there but cannot run, /bin/sh can:
	 * /bin/sh is taken and PASSED tells why /sbin/init was passed over. */
	init = i9p_init_choose(base, "", &e, &passed);
	CHECK(init && strcmp(init, "/bin/sh") == 0, "default: %s",
	      init ? init : "(null)");
	CHECK_STR(passed.why, "/sbin/init: its ELF interpreter "
		  "/lib64/ld-linux-x86-64.so.2 is missing", "passed over");
	init = i9p_init_choose(base, "/bin/script-missing", &e, &passed);
	CHECK(!init && errno == ENOENT, "requested: errno %d", errno);
	CHECK_STR(e.why, "its #! interpreter /usr/bin/python3 is missing",
		  "requested");
	snprintf(root, sizeof(root), "%s/empty", base);
	init = i9p_init_choose(root, "", &e, &passed);
	CHECK(!init && errno == ENOENT, "empty root: errno %d", errno);
	CHECK_STR(e.why, "No such file or directory", "empty root");
	/* A real dynamic binary of this machine: its real PT_INTERP. */
	e.why[0] = '\0';
	CHECK(i9p_init_check("/", "/bin/sh", &e) == 0,
	      "this machine's /bin/sh: %s", e.why);

	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
		CHECK(system(cmd) == 0, "clean up %s", base);
	}
	return t_done("execcheck");
}
