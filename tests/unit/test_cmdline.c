/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_cmdline.c - the kernel command-line splitter and the
 * keys init9p reads, table-driven.
 */
#include <stdio.h>
#include <string.h>

#include "common/array.h"
#include "engine/cmdline.h"
#include "tests/unit/t.h"

struct str_case {
	const char *line;
	const char *(*get)(const struct r9p_cmdline *c);
	const char *want;
};

static const char *g_root(const struct r9p_cmdline *c) { return c->root; }
static const char *g_flags(const struct r9p_cmdline *c) { return c->rootflags; }
static const char *g_init(const struct r9p_cmdline *c) { return c->init; }
static const char *g_type(const struct r9p_cmdline *c) { return c->rootfstype; }
static const char *g_tmp(const struct r9p_cmdline *c) { return c->tmp; }
static const char *g_brk(const struct r9p_cmdline *c) { return c->brk; }
static const char *g_mods(const struct r9p_cmdline *c) { return c->modules; }

static const struct str_case str_cases[] = {
	{ "root=fsRoot rw rootfstype=9p rootflags=trans=virtio,version=9p2000.L,"
	  "msize=5000000,cache=mmap,posixacl console=ttyS0", g_root, "fsRoot" },
	{ "root=fsRoot rw rootfstype=9p rootflags=trans=virtio,version=9p2000.L,"
	  "msize=5000000,cache=mmap,posixacl console=ttyS0", g_flags,
	  "trans=virtio,version=9p2000.L,msize=5000000,cache=mmap,posixacl" },
	{ "root=fsRoot rootfstype=9p", g_type, "9p" },
	{ "root=a root=b", g_root, "b" },			/* last wins */
	{ "root=a -- root=b", g_root, "a" },			/* -- ends */
	{ "root=\"my tag\" quiet", g_root, "my tag" },		/* quoted value */
	{ "\"root=x y\" quiet", g_root, "x y" },		/* quoted word */
	{ "rootflags=\"msize=8192,cache=loose\"", g_flags,
	  "msize=8192,cache=loose" },
	{ "init=/bin/sh\n", g_init, "/bin/sh" },		/* trailing \n */
	{ "  init=/sbin/init   rw  ", g_init, "/sbin/init" },
	{ "init=", g_init, "" },
	{ "root", g_root, "" },				/* bare word */
	{ "root=", g_root, "" },
	{ "root9p.tmp=off", g_tmp, "off" },
	{ "root9p.tmp=size=10%,mode=1777", g_tmp, "size=10%,mode=1777" },
	{ "break", g_brk, "bottom" },
	{ "break=premount", g_brk, "premount" },
	{ "rd.break=pre-mount", g_brk, "pre-mount" },
	{ "root9p.modules=a,b", g_mods, "a,b" },
	{ "root=a\troot=c", g_root, "c" },			/* tabs split */
	{ "xroot=a root=b", g_root, "b" },
	{ "root=x=y", g_root, "x=y" },				/* first = splits */
	/* Every byte the kernel's isspace() takes splits (lib/ctype.c). */
	{ "root=a\vroot=v", g_root, "v" },
	{ "root=a\froot=f", g_root, "f" },
	{ "root=a\rroot=r", g_root, "r" },
	{ "root=r\r", g_root, "r" },			/* CRLF-ended file */
	{ "root=a\xa0root=nbsp", g_root, "nbsp" },		/* 0xa0: _S|_SP */
	{ "\v\f\r\xa0 init=/x\xa0\r", g_init, "/x" },	/* leading, trailing */
	{ "root=\"a\vb\" x", g_root, "a\vb" },		/* quoted: kept */
	/* #29.12: the control bytes that reach a value (the root engine
	 * refuses them): isspace() ones inside quotes, the rest anywhere */
	{ "\"rootflags=a\nType=ext4\" x", g_flags, "a\nType=ext4" },
	{ "rootflags=\"a\tb\" x", g_flags, "a\tb" },
	{ "rootflags=a\x01" "b x", g_flags, "a\x01" "b" },
	{ "root=a\x1b" "b\x7f x", g_root, "a\x1b" "b\x7f" },
	{ "rootflags=a\nType=ext4", g_flags, "a" },		/* unquoted: splits */
	/* Not spaces for the kernel: kept inside the word. */
	{ "root=a\x85" "b", g_root, "a\x85" "b" },
	{ "root=a\x1c" "b", g_root, "a\x1c" "b" },
	{ "root=a\bb", g_root, "a\bb" },
};

struct num_case {
	const char *line;
	int rdonly, rootwait, shell, debug, has_panic;
	long rootdelay, panic, timeout;
};

static const struct num_case num_cases[] = {
	{ "",			-1, 0, -1, 0, 0, -1, 0, -1 },
	{ "ro",			 1, 0, -1, 0, 0, -1, 0, -1 },
	{ "rw",			 0, 0, -1, 0, 0, -1, 0, -1 },
	{ "ro rw",		 0, 0, -1, 0, 0, -1, 0, -1 },
	{ "rw ro",		 1, 0, -1, 0, 0, -1, 0, -1 },
	{ "rootwait rootdelay=30", -1, 1, -1, 0, 0, 30, 0, -1 },
	{ "rootdelay=abc",	-1, 0, -1, 0, 0, -1, 0, -1 },
	{ "panic=5",		-1, 0, -1, 0, 1, -1, 5, -1 },
	{ "panic=-1",		-1, 0, -1, 0, 1, -1, -1, -1 },
	{ "rd.shell=0",		-1, 0, 0, 0, 0, -1, 0, -1 },
	{ "root9p.shell",	-1, 0, 1, 0, 0, -1, 0, -1 },
	{ "root9p.debug root9p.timeout=3", -1, 0, -1, 1, 0, -1, 0, 3 },
	{ "root9p.timeout=3 root9p.timeout=7", -1, 0, -1, 0, 0, -1, 0, 7 },
	{ "ro=1",		-1, 0, -1, 0, 0, -1, 0, -1 },
	/* Huge values saturate (seconds * 1000 must not overflow). */
	{ "root9p.timeout=99999999999999999999999", -1, 0, -1, 0, 0, -1, 0,
	  R9P_SECONDS_MAX },
	{ "root9p.timeout=9223372036854775807", -1, 0, -1, 0, 0, -1, 0,
	  R9P_SECONDS_MAX },
	{ "root9p.timeout=1000001", -1, 0, -1, 0, 0, -1, 0, R9P_SECONDS_MAX },
	{ "root9p.timeout=1000000", -1, 0, -1, 0, 0, -1, 0, 1000000 },
	{ "rootdelay=4294967296", -1, 0, -1, 0, 0, R9P_SECONDS_MAX, 0, -1 },
	{ "panic=99999999999999999999", -1, 0, -1, 0, 1, -1,
	  R9P_SECONDS_MAX, -1 },
	/* Negative or malformed: the documented "absent" meaning. */
	{ "root9p.timeout=-5",	-1, 0, -1, 0, 0, -1, 0, -1 },
	{ "root9p.timeout=-99999999999999999999", -1, 0, -1, 0, 0, -1, 0, -1 },
	{ "rootdelay=-1",	-1, 0, -1, 0, 0, -1, 0, -1 },
	{ "root9p.timeout=5s",	-1, 0, -1, 0, 0, -1, 0, -1 },
	{ "root9p.timeout=",	-1, 0, -1, 0, 0, -1, 0, -1 },
	{ "root9p.timeout",	-1, 0, -1, 0, 0, -1, 0, -1 },
	{ "root9p.timeout=3 root9p.timeout=x", -1, 0, -1, 0, 0, -1, 0, -1 },
	{ "panic=abc",		-1, 0, -1, 0, 1, -1, 0, -1 },
	{ "panic=-99999999999999999999", -1, 0, -1, 0, 1, -1, -1, -1 },
	{ "panic=-30",		-1, 0, -1, 0, 1, -1, -1, -1 },
	{ "panic=0",		-1, 0, -1, 0, 1, -1, 0, -1 },
};

struct mod_case {
	const char *line, *module, *want;
};

static const struct mod_case mod_cases[] = {
	{ "9pnet.debug=1 9p.x=2", "9pnet", "debug=1" },
	{ "9pnet.debug=1 9p.x=2", "9p", "x=2" },
	{ "9pnet.debug=1 9p.x=2", "9pnet_virtio", "" },
	{ "virtio-pci.force_legacy=1", "virtio_pci", "force_legacy=1" },
	{ "virtio_pci.a=1 virtio-pci.b", "virtio_pci", "a=1 b" },
	{ "m.v=\"a b\"", "m", "m.v" },	/* replaced below: quoting */
	{ "m.x=1 -- m.y=2", "m", "x=1" },
	{ ".x=1 m.=2", "m", "=2" },
	{ "m.x=1\vm.y=2", "m", "x=1 y=2" },			/* \v splits */
};

struct count_case {
	int words;		/* "pN=N" words on the line */
	int nparams, ndropped;
};

static const struct count_case count_cases[] = {
	{ 0, 0, 0 },
	{ 255, 255, 0 },
	{ 256, 256, 0 },
	{ 257, 256, 1 },
	{ 300, 256, 44 },
};

int main(void)
{
	static struct r9p_cmdline c;
	char out[256], big[R9P_CMDLINE_MAX + 100];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(str_cases); i++) {
		CHECK(r9p_cmdline_parse(str_cases[i].line, &c) == 0, "%s",
		      str_cases[i].line);
		CHECK_STR(str_cases[i].get(&c), str_cases[i].want,
			  str_cases[i].line);
	}
	for (i = 0; i < ARRAY_SIZE(num_cases); i++) {
		const struct num_case *n = &num_cases[i];

		r9p_cmdline_parse(n->line, &c);
		CHECK(c.rdonly == n->rdonly && c.rootwait == n->rootwait &&
		      c.shell == n->shell && c.debug == n->debug &&
		      c.has_panic == n->has_panic &&
		      c.rootdelay == n->rootdelay && c.panic == n->panic &&
		      c.timeout == n->timeout,
		      "\"%s\": rdonly %d rootwait %d shell %d debug %d panic "
		      "%d/%ld rootdelay %ld timeout %ld", n->line, c.rdonly,
		      c.rootwait, c.shell, c.debug, c.has_panic, c.panic,
		      c.rootdelay, c.timeout);
	}
	for (i = 0; i < ARRAY_SIZE(mod_cases); i++) {
		const struct mod_case *m = &mod_cases[i];
		const char *want = m->want;

		if (strcmp(want, "m.v") == 0)
			want = "v=\"a b\"";
		r9p_cmdline_parse(m->line, &c);
		CHECK(r9p_cmdline_modparams(&c, m->module, out, sizeof(out)) >= 0,
		      "%s", m->line);
		CHECK_STR(out, want, m->line);
	}

	/* Words past R9P_CMDLINE_PARAMS are counted; their keys still act. */
	for (i = 0; i < ARRAY_SIZE(count_cases); i++) {
		const struct count_case *n = &count_cases[i];
		size_t used = 0;
		int w;

		big[0] = '\0';
		for (w = 0; w < n->words; w++)
			used += snprintf(big + used, sizeof(big) - used, "p%d=%d ",
					 w, w);
		CHECK(r9p_cmdline_parse(big, &c) == 0, "%d words", n->words);
		CHECK(c.nparams == n->nparams && c.ndropped == n->ndropped,
		      "%d words: nparams %d ndropped %d, want %d %d", n->words,
		      c.nparams, c.ndropped, n->nparams, n->ndropped);
	}
	/* root9p.pin: -1 when absent (init9p decides), a bool otherwise. */
	r9p_cmdline_parse("root=x", &c);
	CHECK(c.pin == -1, "pin absent: %d, want -1", c.pin);
	r9p_cmdline_parse("root9p.pin=0", &c);
	CHECK(c.pin == 0, "root9p.pin=0: %d", c.pin);
	r9p_cmdline_parse("root9p.pin=off root9p.pin", &c);
	CHECK(c.pin == 1, "root9p.pin last: %d, want 1", c.pin);

	strcpy(big, "");
	for (i = 0; i < 300; i++)
		strcat(big, "q ");
	strcat(big, "root=late m.p=1");
	r9p_cmdline_parse(big, &c);
	CHECK_STR(c.root, "late", "root= after 300 words");
	CHECK(c.ndropped == 46, "ndropped %d, want 46", c.ndropped);
	CHECK(r9p_cmdline_modparams(&c, "m", out, sizeof(out)) == 0,
	      "a dropped module parameter is not found");

	/* Saturated seconds times 1000 stay well inside a long long. */
	r9p_cmdline_parse("root9p.timeout=999999999999999999999999", &c);
	CHECK((long long)c.timeout * 1000 == 1000000000LL, "timeout ms %lld",
	      (long long)c.timeout * 1000);

	/* A value with a kernel space byte is quoted for the module. */
	r9p_cmdline_parse("m.v=\"a\vb\"", &c);
	CHECK(r9p_cmdline_modparams(&c, "m", out, sizeof(out)) > 0 &&
	      strcmp(out, "v=\"a\vb\"") == 0, "quoted \\v: %s", out);

	/* Too long: the head is still parsed, the caller is told. */
	memset(big, 'x', sizeof(big));
	memcpy(big, "root=t ", 7);
	big[sizeof(big) - 1] = '\0';
	CHECK(r9p_cmdline_parse(big, &c) < 0, "overlong line not reported");
	CHECK_STR(c.root, "t", "overlong line");

	/* A parameter string that does not fit is refused, not cut. */
	r9p_cmdline_parse("m.a=1 m.b=2", &c);
	CHECK(r9p_cmdline_modparams(&c, "m", out, 5) < 0, "short buffer");
	return t_done("cmdline");
}
