/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_cmdline.c - the kernel command-line splitter and the
 * keys init9p reads, table-driven.
 */
#include <stdio.h>
#include <string.h>

#include "mount9p/cmdline.h"
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
};

int main(void)
{
	static struct r9p_cmdline c;
	char out[256], big[R9P_CMDLINE_MAX + 100];
	size_t i;

	for (i = 0; i < sizeof(str_cases) / sizeof(str_cases[0]); i++) {
		CHECK(r9p_cmdline_parse(str_cases[i].line, &c) == 0, "%s",
		      str_cases[i].line);
		CHECK_STR(str_cases[i].get(&c), str_cases[i].want,
			  str_cases[i].line);
	}
	for (i = 0; i < sizeof(num_cases) / sizeof(num_cases[0]); i++) {
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
	for (i = 0; i < sizeof(mod_cases) / sizeof(mod_cases[0]); i++) {
		const struct mod_case *m = &mod_cases[i];
		const char *want = m->want;

		if (strcmp(want, "m.v") == 0)
			want = "v=\"a b\"";
		r9p_cmdline_parse(m->line, &c);
		CHECK(r9p_cmdline_modparams(&c, m->module, out, sizeof(out)) >= 0,
		      "%s", m->line);
		CHECK_STR(out, want, m->line);
	}

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
