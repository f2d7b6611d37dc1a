/* SPDX-License-Identifier: MIT */
/*
 * engine/rootcmd.c - `mount9p --root DIR`, `--check`, `--modules`: the
 * root engine for shell hooks and generators.
 *
 * Hooks never parse human-readable text: --check prints KEY=VALUE lines
 * quoted for sh (eval them), --root does the step itself and exits with
 * mount9p's codes. Messages are the engine's own, prefixed "mount9p: ",
 * on stderr or, with --kmsg, in the kernel log with init9p's priorities.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/root.h"
#include "mount9p/rootcmd.h"

/* A line to /dev/kmsg: "<N>mount9p: ", a say line (R9P_SAY_MAX), "\n". */
#define KMSG_LINE_MAX (R9P_SAY_MAX + 200)
/* A --check value: R9P_OPTIONS (the mount flags, 128 at most, "," and
 * the 9p data) or R9P_ERROR ("cannot STEP: " and a R9P_WHY_MAX why). */
#define CHECK_VALUE_MAX (R9P_DATA_MAX + 160)

struct out {
	int kmsg;
	const struct r9p_cmdline *cmd;	/* root9p.debug, once parsed */
};

static void say(void *ctx, int level, const char *text)
{
	const struct out *o = ctx;
	char line[KMSG_LINE_MAX];
	int n, fd;

	if (level >= R9P_SAY_DEBUG && !o->cmd->debug)
		return;
	if (o->kmsg) {
		/* A fresh open a line: kmsg rate-limits each open file. */
		n = snprintf(line, sizeof(line), "<%d>mount9p: %s\n",
			     level >= R9P_SAY_DEBUG ? R9P_SAY_INFO : level, text);
		fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			int ok = n > 0 && write(fd, line, n) == n;

			close(fd);
			if (ok)
				return;
		}
	}
	fprintf(stderr, "mount9p: %s\n", text);
}

/* The command line: rc->cmdline's text, rc->cmdline_file's content or
 * /proc/cmdline. Never guessed from what exists on disk. */
static int load(const struct r9p_rootcmd *rc, struct r9p_cmdline *c,
		struct out *o, struct r9p_err *f)
{
	if (rc->cmdline)
		return r9p_root_parse_cmdline(rc->cmdline, c, say, o);
	return r9p_root_load_cmdline(rc->cmdline_file, c, say, o, f);
}

static int kernel_of(const struct r9p_rootcmd *rc, struct r9p_kernel *k)
{
	int err = rc->kernel ? r9p_kernel_parse(rc->kernel, k) :
		  r9p_kernel_running(k);

	if (err < 0)
		k->major = k->minor = 0;	/* "this kernel": newest rules */
	return 0;
}

/* Load, check: 0, 1 (not a 9p root) or -1, as r9p_root_config. */
static int config(const struct r9p_rootcmd *rc, unsigned flags,
		  struct r9p_cmdline *c, struct r9p_root *r, struct out *o,
		  struct r9p_err *f)
{
	struct r9p_kernel k;
	int err;

	memset(r, 0, sizeof(*r));
	memset(f, 0, sizeof(*f));
	if (load(rc, c, o, f) < 0)
		return -1;
	kernel_of(rc, &k);
	err = r9p_root_config(c, &k, flags, r, f);
	return err;
}

static void say_fail(const struct r9p_err *f, struct out *o)
{
	char text[R9P_SAY_MAX];

	snprintf(text, sizeof(text), "cannot %s: %s", f->step, f->why);
	say(o, R9P_SAY_ERR, text);
	if (*f->try_) {
		snprintf(text, sizeof(text), "try: %s", f->try_);
		say(o, R9P_SAY_ERR, text);
	}
}

/* KEY='VALUE' with ' written as '\'' : safe for eval in any sh. */
static void put(const char *key, const char *value)
{
	const char *p;

	printf("%s='", key);
	for (p = value; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*p);
	}
	fputs("'\n", stdout);
}

int r9p_rootcmd_root(const struct r9p_rootcmd *rc, const char *dir)
{
	static struct r9p_cmdline c;
	static struct r9p_root r;
	struct r9p_err f;
	struct out o = { rc->kmsg, &c };
	/* Asked to mount a 9p root: no rootfstype= means 9p (boot=9p). */
	int err = config(rc, R9P_ROOT_ASSUME_9P, &c, &r, &o, &f);

	r9p_root_say_diags(&r.diags, say, &o);
	/* A root mounted by hand in a rescue shell is taken as it is. */
	if (err != 0 && r9p_root_adopt(dir, &f, say, &o) == 0)
		err = 0;
	if (err == 0)
		err = r9p_root_step(&r, dir, say, &o, &f);
	if (err == 0)
		return R9P_EXIT_OK;
	say_fail(&f, &o);
	/* For the hook's panic/die: the same words, on stdout. */
	printf("mount9p: cannot %s: %s\n", f.step, f.why);
	if (*f.try_)
		printf("mount9p: try: %s\n", f.try_);
	return f.code ? f.code : R9P_EXIT_REFUSED;
}

int r9p_rootcmd_check(const struct r9p_rootcmd *rc)
{
	static struct r9p_cmdline c;
	static struct r9p_root r;
	struct r9p_err f;
	struct out o = { rc->kmsg, &c };
	static char mounts[R9P_CMDLINE_MOUNTS * R9P_EXTRA_DESCRIBED_MAX];
	char flags[128], opts[CHECK_VALUE_MAX], tmp[300], n[24];
	int err = config(rc, 0, &c, &r, &o, &f);

	r9p_root_say_diags(&r.diags, say, &o);
	put("R9P_ROOT", err == 1 || (err < 0 && !r.is9p) ? "no" : "yes");
	if (err > 0)
		return R9P_EXIT_OK;	/* not ours: nothing to say */
	if (err < 0) {
		say_fail(&f, &o);
		snprintf(opts, sizeof(opts), "cannot %s: %s", f.step, f.why);
		put("R9P_ERROR", opts);
		put("R9P_TRY", f.try_);
		return f.code;
	}
	r9p_opts_flags(&r.opts, flags, sizeof(flags));
	snprintf(opts, sizeof(opts), "%s%s%s", flags,
		 *flags && *r.opts.data ? "," : "", r.opts.data);
	put("R9P_TAG", r.tag);
	put("R9P_FSTYPE", r9p_root_fstype(&r));
	put("R9P_OPTIONS", opts);
	snprintf(n, sizeof(n), "%lld", r.timeout_ms < 0 ? -1 :
		 r.timeout_ms / 1000);
	put("R9P_TIMEOUT", n);
	put("R9P_TMP", r9p_tmp_describe(&r.tmp, tmp, sizeof(tmp)));
	/* A scratch disk for /tmp (R9P_TMP is then its fallback), swap. */
	put("R9P_TMP_DISK", r.tmp_disk.spec);
	put("R9P_SWAP", r.swap.spec);
	put("R9P_MODULES", r.modules);
	put("R9P_DEBUG", r.debug ? "1" : "0");
	put("R9P_OVERLAY", r9p_upper_value(&r.upper, tmp, sizeof(tmp)));
	put("R9P_MOUNTS", r9p_extra_describe(&r.extras, mounts,
					     sizeof(mounts)));
	return R9P_EXIT_OK;
}

int r9p_rootcmd_modules(const struct r9p_rootcmd *rc)
{
	static struct r9p_cmdline c;
	struct r9p_err f;
	struct out o = { rc->kmsg, &c };
	char modules[512], want[300];

	memset(&f, 0, sizeof(f));
	if (load(rc, &c, &o, &f) < 0 ||
	    r9p_root_module_list_for(r9p_root_is_virtiofs(&c),
				     r9p_root_wanted_modules(&c, want,
				     sizeof(want)), modules, sizeof(modules),
				     &f) < 0) {
		say_fail(&f, &o);
		return f.code;
	}
	printf("%s\n", modules);
	return R9P_EXIT_OK;
}
