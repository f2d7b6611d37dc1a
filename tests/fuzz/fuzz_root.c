/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_root.c - libFuzzer target for the root engine's whole
 * config step: a command line split (r9p_cmdline_parse) and decided
 * (r9p_root_config), as init9p and mount9p --root/--check do it.
 *
 * Invariants (root.h, cmdline.h and the parsers' headers): the result is
 * 0, 1 or -1; 1 only for a command line that names no root of root9p's;
 * a failure has a non-empty, printable step and reason, a try text and an
 * exit code; a success has a non-empty tag from root= of the fstype's
 * length (9p: < R9P_TAG_MAX, virtiofs: <= R9P_VIRTIOFS_TAG_MAX), rootflags the
 * fstype's option parser takes, normalized (they reparse to themselves),
 * ro/rw as the precedence says (rootflags, then ro/rw, then ro; an
 * overlay's lower always ro), a timeout of 0 to R9P_SECONDS_MAX seconds
 * (-1: rootwait) as root9p.timeout/rootdelay give it, a module list of
 * names modprobe takes that starts with the fstype's own, /tmp, swap and
 * the overlay as their parsers read them, at most R9P_CMDLINE_MOUNTS
 * shares, and no error among its messages.
 */
#include <errno.h>

#include "engine/root.h"
#include "mount9p/mount.h"
#include "mount9p/opttab.h"
#include "tests/fuzz/fuzz.h"

static const struct r9p_kernel kernels[] = {
	{ 6, 1 }, { 6, 6 }, { 6, 12 }, { 6, 19 }, { 0, 0 },
};

/* Printable: no control byte (UTF-8's bytes from 0x80 are fine). */
static int printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static void check_fail(const struct r9p_err *f)
{
	NEED(f->step && *f->step && printable(f->step));
	NEED(memchr(f->why, '\0', sizeof(f->why)) != NULL);
	NEED(*f->why && printable(f->why));
	NEED(f->try_ && printable(f->try_));
	NEED(f->code >= R9P_EXIT_REFUSED &&
	     f->code <= R9P_EXIT_SYSTEM && f->code != R9P_EXIT_USAGE);
}

/* Words separated by single spaces, each a module name modprobe takes,
 * the fstype's own modules first. */
static void check_modules(const struct r9p_root *r)
{
	const struct r9p_root_module *mods = r->virtiofs ?
		r9p_root_virtiofs_modules : r9p_root_modules;
	const char *p = r->modules, *end;
	int i;

	NEED(memchr(r->modules, '\0', sizeof(r->modules)) != NULL);
	for (i = 0; *p; i++) {
		end = strchr(p, ' ');
		if (!end)
			end = p + strlen(p);
		NEED(end > p && *p != '-');
		NEED(strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-") == (size_t)(end - p));
		if (i < R9P_ROOT_NMODULES)
			NEED(strlen(mods[i].name) == (size_t)(end - p) &&
			     strncmp(p, mods[i].name, (size_t)(end - p)) == 0);
		p = *end ? end + 1 : end;
	}
	NEED(i >= R9P_ROOT_NMODULES);
	if (r->upper.kind != R9P_UPPER_NONE)
		NEED(strstr(r->modules, " overlay") != NULL);
}

static long long want_timeout(const struct r9p_cmdline *c)
{
	long s = c->timeout >= 0 ? c->timeout : R9P_ROOT_TIMEOUT_S;

	if (c->rootwait)
		return -1;
	if (c->rootdelay > s)
		s = c->rootdelay;
	return (long long)(s > R9P_SECONDS_MAX ? R9P_SECONDS_MAX : s) * 1000;
}

static void check_opts(const struct r9p_cmdline *c,
		       const struct r9p_kernel *k, const struct r9p_root *r)
{
	static struct r9p_opts o, again;
	int said;

	if (r->virtiofs) {
		NEED(r9p_virtiofs_opts_parse(c->rootflags, k, &o) == 0);
		NEED(r9p_virtiofs_opts_parse(r->opts.data, k, &again) == 0);
	} else {
		NEED(r9p_opts_parse(c->rootflags, k, R9P_DEFAULTS, &o) == 0);
		NEED(r9p_opts_parse(r->opts.data, k, R9P_DEFAULTS, &again) == 0);
		NEED(r->opts.msize > 0 && *r->opts.trans && *r->opts.version);
	}
	NEED(strcmp(again.data, r->opts.data) == 0);
	NEED(r->opts.mflags == o.mflags);
	/* rootflags' ro/rw, else ro/rw, else read-only */
	said = o.rdonly >= 0 ? o.rdonly : c->rdonly >= 0 ? c->rdonly : 1;
	if (r->upper.kind == R9P_UPPER_NONE) {
		NEED(r->opts.rdonly == said);
	} else {
		NEED(r->opts.rdonly == 1 && r->overlay_rdonly == said);
	}
}

static void check_ok(const struct r9p_cmdline *c, const struct r9p_kernel *k,
		     const struct r9p_root *r)
{
	static struct r9p_scratch disk;
	static struct r9p_upper u;
	size_t tlen = strlen(r->tag);
	struct r9p_err e;
	int i;

	NEED(r->is9p == 1 && r->virtiofs == r9p_root_is_virtiofs(c));
	NEED(strcmp(r9p_root_fstype(r), r->virtiofs ? "virtiofs" : "9p") == 0);
	/* the tag is root='s value, or what follows virtfs:/virtiofs: */
	NEED(r->tag >= c->root && r->tag + tlen == c->root + strlen(c->root));
	NEED(tlen > 0 && (r->virtiofs ? tlen <= R9P_VIRTIOFS_TAG_MAX :
			  tlen < R9P_TAG_MAX));
	check_opts(c, k, r);
	NEED(r->timeout_ms == want_timeout(c));
	NEED(r->timeout_ms == -1 ||
	     (r->timeout_ms >= 0 && r->timeout_ms <= R9P_SECONDS_MAX * 1000LL));
	check_modules(r);
	NEED(r->tmp_checked == 1 && r->debug == c->debug);
	NEED(r9p_scratch_parse("root9p.tmp", c->tmp, 1, &disk, &e) >= 0);
	NEED(strcmp(disk.spec, r->tmp_disk.spec) == 0 &&
	     disk.mkfs == r->tmp_disk.mkfs);
	NEED(!*c->swap || (r9p_scratch_parse("root9p.swap", c->swap, 0, &disk,
					     &e) == 1 &&
			   strcmp(disk.spec, r->swap.spec) == 0));
	NEED(*c->swap || !*r->swap.spec);
	NEED(r9p_upper_parse(c->overlay, &u, &e) == 0);
	NEED(u.kind == r->upper.kind && strcmp(u.tag, r->upper.tag) == 0);
	NEED(r->extras.n >= 0 && r->extras.n <= R9P_CMDLINE_MOUNTS &&
	     r->extras.n <= c->nmounts);
	NEED(r->diags.nerr == 0 && r->diags.n <= R9P_DIAG_MAX);
	for (i = 0; i < r->diags.n; i++)
		NEED(strlen(r->diags.d[i].text) < R9P_DIAG_LEN);
}

/* Byte 0 picks the kernel profile and R9P_ROOT_ASSUME_9P (bit 7), the
 * rest is the command line. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct r9p_cmdline c;
	static struct r9p_root r;
	static int once;
	const struct r9p_kernel *k;
	struct r9p_err f;
	unsigned flags;
	char *text;
	int rc;

	if (!once++)	/* no tag, no device: the same answers on any host */
		r9p_tags_set_sysfs("/nonexistent/root9p-fuzz-sysfs");
	if (size < 1)
		return 0;
	k = &kernels[data[0] % (sizeof(kernels) / sizeof(kernels[0]))];
	flags = data[0] & 0x80 ? R9P_ROOT_ASSUME_9P : 0;
	text = fuzz_text(data + 1, size - 1);
	r9p_cmdline_parse(text, &c);
	rc = r9p_root_config(&c, k, flags, &r, &f);
	NEED(rc == 0 || rc == 1 || rc == -1);
	if (rc == 1)
		NEED(!r.is9p);
	if (rc != 0)
		check_fail(&f);
	else
		check_ok(&c, k, &r);
	free(text);
	return 0;
}
