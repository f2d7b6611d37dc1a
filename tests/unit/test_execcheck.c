/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_execcheck.c - an init that is there but cannot run is
 * refused, with the missing file named, before anything is wiped.
 *
 * Fake root trees in a temp dir: hand-made ELF headers (64/32-bit, both
 * byte orders) with or without PT_INTERP, #! scripts, absolute symlinks
 * that resolve only inside the root. The check chroots in a child, so
 * this needs root; otherwise it counts one SKIP and checks nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
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
}

int main(void)
{
	char why[600], root[300];
	const char *init;
	size_t i;

	if (geteuid() != 0) {
		SKIP("the check chroots, which needs root: %zu cases not run",
		     ARRAY_SIZE(cases));
		return t_done("execcheck");
	}
	CHECK(mkdtemp(base) != NULL, "mkdtemp");
	make_tree();
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct exec_case *c = &cases[i];
		int err = i9p_init_check(base, c->init, why, sizeof(why));

		CHECK(err == c->err, "%s: %d (%s), want %d", c->init, err, why,
		      c->err);
		CHECK_STR(why, c->why, c->init);
	}
	/* A short buffer is cut, never overrun; none at all is fine. */
	CHECK(i9p_init_check(base, "/bin/dyn-missing", why, 10) == -ENOENT &&
	      strcmp(why, "its ELF i") == 0, "short buffer: \"%s\"", why);
	CHECK(i9p_init_check(base, "/bin/dyn-missing", NULL, 0) == -ENOENT,
	      "no buffer");

	/* The kernel's list: /sbin/init is there but cannot run, /bin/sh can:
	 * /bin/sh is taken and WHY tells why /sbin/init was passed over. */
	init = i9p_init_choose(base, "", why, sizeof(why));
	CHECK(init && strcmp(init, "/bin/sh") == 0, "default: %s",
	      init ? init : "(null)");
	CHECK_STR(why, "/sbin/init: its ELF interpreter "
		  "/lib64/ld-linux-x86-64.so.2 is missing", "passed over");
	init = i9p_init_choose(base, "/bin/script-missing", why,
				   sizeof(why));
	CHECK(!init && errno == ENOENT, "requested: errno %d", errno);
	CHECK_STR(why, "its #! interpreter /usr/bin/python3 is missing",
		  "requested");
	snprintf(root, sizeof(root), "%s/empty", base);
	init = i9p_init_choose(root, "", why, sizeof(why));
	CHECK(!init && errno == ENOENT, "empty root: errno %d", errno);
	CHECK_STR(why, "No such file or directory", "empty root");
	/* A real dynamic binary of this machine: its real PT_INTERP. */
	CHECK(i9p_init_check("/", "/bin/sh", why, sizeof(why)) == 0,
	      "this machine's /bin/sh: %s", why);

	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
		CHECK(system(cmd) == 0, "clean up %s", base);
	}
	return t_done("execcheck");
}
