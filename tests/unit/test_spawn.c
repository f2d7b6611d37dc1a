/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_spawn.c - r9p_spawn_run(): exit statuses, a signal, a
 * missing program, stdin from a file, output cut at the bound (read to
 * the end, or killed), each end in the error struct; and r9p_errf(), the
 * way that struct is filled (common/err.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/array.h"
#include "common/spawn.h"
#include "tests/unit/t.h"

#define SH "/bin/sh"
#define SMALL 16		/* a bound the output passes */
#define BIG 4096

struct run_case {
	const char *what;
	const char *script;	/* for sh -c; NULL: run MISSING */
	unsigned flags;
	size_t out_size;	/* 0: no capture */
	int want_rc;
	int want_code;		/* E->code when WANT_RC is -1 */
	int want_status;
	int want_signal;
	int want_over;
	const char *want_out;	/* the start of OUT, NULL: not checked */
	const char *want_why;	/* NULL: not checked */
};

#define MISSING "/nonexistent/r9p-spawn-test"

static const struct run_case cases[] = {
	{ "true", "exit 0", 0, 0, 0, 0, 0, 0, 0, NULL, NULL },
	{ "false", "exit 1", 0, 0, -1, 1, 1, 0, 0, NULL,
	  SH ": exited with status 1" },
	{ "status 127 is a status", "exit 127", 0, 0, -1, 127, 127, 0, 0,
	  NULL, NULL },
	{ "a signal", "kill -TERM $$", 0, 0, -1, 128 + 15, -1, 15, 0, NULL,
	  SH ": killed by signal 15" },
	{ "a missing program", NULL, 0, 0, -1, -ENOENT, 127, 0, 0, NULL,
	  MISSING ": No such file or directory" },
	{ "captured", "echo hello", 0, BIG, 0, 0, 0, 0, 0, "hello\n", NULL },
	{ "captured, then exit 3", "echo x; exit 3", 0, BIG, -1, 3, 3, 0, 0,
	  "x\n", NULL },
	{ "past the bound: cut, read to the end",
	  "i=0; while [ $i -lt 2000 ]; do echo 0123456789; i=$((i+1)); done",
	  0, SMALL, 0, 0, 0, 0, 1, "0123456789\n0123", NULL },
	{ "past the bound: killed", "while :; do echo 0123456789; done",
	  R9P_SPAWN_KILL_OVER, SMALL, -1, -EFBIG, -1, 9, 1,
	  "0123456789\n0123", SH ": more than 15 bytes of output" },
};

static void run_one(const struct run_case *c)
{
	char out[BIG], *argv[4];
	struct r9p_spawn s = { .in_fd = -1 };
	struct r9p_err e;
	int rc;

	if (c->script) {
		argv[0] = SH;
		argv[1] = "-c";
		argv[2] = (char *)c->script;
		argv[3] = NULL;
	} else {
		argv[0] = MISSING;
		argv[1] = NULL;
	}
	if (c->out_size) {
		s.out = out;
		s.out_size = c->out_size;
	}
	s.flags = c->flags;
	memset(&e, 0, sizeof(e));
	rc = r9p_spawn_run(argv, &s, &e);
	CHECK(rc == c->want_rc, "%s: rc %d, want %d (%s)", c->what, rc,
	      c->want_rc, e.why);
	if (c->want_rc < 0)
		CHECK(e.code == c->want_code, "%s: code %d, want %d", c->what,
		      e.code, c->want_code);
	CHECK(s.status == c->want_status, "%s: status %d, want %d", c->what,
	      s.status, c->want_status);
	CHECK(s.signal == c->want_signal, "%s: signal %d, want %d", c->what,
	      s.signal, c->want_signal);
	CHECK(s.out_over == c->want_over, "%s: out_over %d", c->what,
	      s.out_over);
	if (c->want_out) {
		CHECK_STR(out, c->want_out, c->what);
		CHECK(s.out_len == strlen(out), "%s: out_len %lu", c->what,
		      (unsigned long)s.out_len);
	}
	if (c->want_why) {
		CHECK_STR(e.why, c->want_why, c->what);
		CHECK_STR(e.step, "run a program", c->what);
	}
}

/* stdin from a file, stdout captured: cat gives the file back. */
static void run_stdin(void)
{
	char path[] = "/tmp/test_spawn.XXXXXX", out[BIG];
	char *argv[] = { "/bin/cat", NULL };
	struct r9p_spawn s = { .out = out, .out_size = sizeof(out) };
	struct r9p_err e;
	int fd = mkstemp(path);

	SETUP(fd >= 0, "mkstemp: %s", strerror(errno));
	SETUP(write(fd, "from stdin\n", 11) == 11 && lseek(fd, 0, SEEK_SET) == 0,
	      "write %s: %s", path, strerror(errno));
	s.in_fd = fd;
	CHECK(r9p_spawn_run(argv, &s, &e) == 0, "cat: %s", e.why);
	CHECK_STR(out, "from stdin\n", "cat from IN_FD");
	close(fd);
	unlink(path);
}

/* r9p_errf: -1, every field, a NULL try as "", control bytes as \xNN,
 * a long why cut inside the struct. */
static void run_errf(void)
{
	char long_arg[2 * R9P_WHY_MAX];
	struct r9p_err e;

	CHECK(r9p_errf(&e, "do it", -EIO, NULL, "a%cb %d", 0x1b, 7) == -1,
	      "r9p_errf returns -1");
	CHECK_STR(e.why, "a\\x1bb 7", "control byte escaped");
	CHECK_STR(e.step, "do it", "step");
	CHECK_STR(e.try_, "", "NULL try");
	CHECK(e.code == -EIO, "code %d", e.code);
	memset(long_arg, 'x', sizeof(long_arg) - 1);
	long_arg[sizeof(long_arg) - 1] = '\0';
	r9p_errf(&e, "do it", 1, "try this", "%s", long_arg);
	CHECK(strlen(e.why) == R9P_WHY_MAX - 1, "long why: %lu bytes",
	      (unsigned long)strlen(e.why));
	CHECK_STR(e.try_, "try this", "try");
}

int main(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_one(&cases[i]);
	run_stdin();
	run_errf();
	return t_done("test_spawn");
}
