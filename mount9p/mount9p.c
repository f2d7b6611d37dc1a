/* SPDX-License-Identifier: MIT */
/*
 * mount9p/mount9p.c - the mount9p command: check, explain and mount 9p.
 *
 *   mount9p [-o OPTS] [--timeout S] [-n] [--kernel REL] [--no-defaults] TAG DIR
 *   mount9p --root DIR | --check | --modules
 *           [--cmdline TEXT | --cmdline-file FILE] [--kmsg]
 *   mount9p --tags
 *   mount9p --explain [-o OPTS] [--kernel REL] [--no-defaults]
 * Arguments are parsed by hand from a table: klibc has no getopt_long.
 * Exit codes are in usage() and mount9p.8.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "mount9p/diag.h"
#include "mount9p/effective.h"
#include "mount9p/exit.h"
#include "mount9p/kernel.h"
#include "mount9p/mount.h"
#include "mount9p/mountinfo.h"
#include "mount9p/opts.h"
#include "mount9p/rootcmd.h"
#include "mount9p/tags.h"
#include "mount9p/virtiofs.h"

#ifndef R9P_VERSION
#define R9P_VERSION "unknown"
#endif

/* The exit codes are the root engine's too (mount9p/exit.h). */
enum {
	EXIT_OK = R9P_EXIT_OK,
	EXIT_REFUSED = R9P_EXIT_REFUSED,
	EXIT_USAGE = R9P_EXIT_USAGE,
	EXIT_NOTAG = R9P_EXIT_NOTAG,
	EXIT_MOUNT = R9P_EXIT_MOUNT,
	EXIT_SYSTEM = R9P_EXIT_SYSTEM,
};

enum mode { MODE_MOUNT, MODE_TAGS, MODE_EXPLAIN, MODE_HELP, MODE_VERSION,
	    MODE_ROOT, MODE_CHECK, MODE_MODULES };

struct args {
	enum mode mode;
	char opts[4096];	/* every -o, joined with ',' */
	long timeout_s;
	int dry_run, no_defaults;
	int virtiofs;		/* --explain -t virtiofs */
	const char *kernel;
	struct r9p_rootcmd root;	/* --cmdline, --kmsg for the root modes */
	const char *pos[2];	/* TAG DIR */
	int npos;
};

typedef int (*arg_fn)(struct args *a, const char *value);

/* -t 9p|virtiofs: which option table --explain reads. */
static int set_type(struct args *a, const char *v)
{
	if (strcmp(v, "9p") && strcmp(v, "virtiofs")) {
		fprintf(stderr, "mount9p: -t %s: give 9p or virtiofs\n", v);
		return -1;
	}
	a->virtiofs = strcmp(v, "virtiofs") == 0;
	return 0;
}

static int set_opts(struct args *a, const char *v)
{
	size_t used = strlen(a->opts);

	if (used + strlen(v) + 2 > sizeof(a->opts)) {
		fprintf(stderr, "mount9p: -o: the options are too long\n");
		return -1;
	}
	snprintf(a->opts + used, sizeof(a->opts) - used, "%s%s",
		 used ? "," : "", v);
	return 0;
}

static int set_timeout(struct args *a, const char *v)
{
	char *end;

	errno = 0;
	a->timeout_s = strtol(v, &end, 10);
	if (errno || end == v || *end || a->timeout_s < 0) {
		fprintf(stderr, "mount9p: --timeout %s: give whole seconds, "
			"0 or more\n", v);
		return -1;
	}
	return 0;
}

static int set_kernel(struct args *a, const char *v)
{
	struct r9p_kernel k;

	if (r9p_kernel_parse(v, &k) < 0) {
		fprintf(stderr, "mount9p: --kernel %s: give a release such as "
			"6.1 or 6.12.38\n", v);
		return -1;
	}
	a->kernel = v;
	a->root.kernel = v;
	return 0;
}

/* Text and file are two options: one that guessed (a file when one of
 * that name existed) read a file planted in the current folder. */
static int set_cmdline(struct args *a, const char *v)
{
	if (a->root.cmdline_file) {
		fprintf(stderr, "mount9p: --cmdline %s: --cmdline-file is "
			"given too; give one of them\n", v);
		return -1;
	}
	a->root.cmdline = v;
	return 0;
}

static int set_cmdline_file(struct args *a, const char *v)
{
	if (a->root.cmdline) {
		fprintf(stderr, "mount9p: --cmdline-file %s: --cmdline is "
			"given too; give one of them\n", v);
		return -1;
	}
	a->root.cmdline_file = v;
	return 0;
}

static int set_kmsg(struct args *a, const char *v)
{
	(void)v;
	a->root.kmsg = 1;
	return 0;
}

/* Fake sysfs and procfs trees, for tests: never from the environment. */
static int set_sysfs(struct args *a, const char *v)
{
	(void)a;
	r9p_tags_set_sysfs(v);
	return 0;
}

static int set_proc(struct args *a, const char *v)
{
	(void)a;
	r9p_mountinfo_set_proc(v);
	return 0;
}

static int set_dry(struct args *a, const char *v)
{
	(void)v;
	a->dry_run = 1;
	return 0;
}

static int set_nodefaults(struct args *a, const char *v)
{
	(void)v;
	a->no_defaults = 1;
	return 0;
}

static int set_mode(struct args *a, enum mode m)
{
	if (a->mode != MODE_MOUNT && a->mode != m) {
		fprintf(stderr, "mount9p: --root, --check, --modules, --tags, "
			"--explain, --help and --version go alone\n");
		return -1;
	}
	a->mode = m;
	return 0;
}

/* An option sets a field through SET, or, with SET NULL, picks MODE. */
static const struct {
	const char *shrt, *lng;
	int takes_value;
	arg_fn set;
	enum mode mode;
} argdefs[] = {
	{ "-o", "--options", 1, set_opts, 0 },
	{ NULL, "--timeout", 1, set_timeout, 0 },
	{ NULL, "--kernel", 1, set_kernel, 0 },
	{ "-t", "--type", 1, set_type, 0 },
	{ "-n", "--dry-run", 0, set_dry, 0 },
	{ NULL, "--no-defaults", 0, set_nodefaults, 0 },
	{ NULL, "--root", 0, NULL, MODE_ROOT },
	{ NULL, "--check", 0, NULL, MODE_CHECK },
	{ NULL, "--modules", 0, NULL, MODE_MODULES },
	{ NULL, "--cmdline", 1, set_cmdline, 0 },
	{ NULL, "--cmdline-file", 1, set_cmdline_file, 0 },
	{ NULL, "--kmsg", 0, set_kmsg, 0 },
	{ NULL, "--sysfs", 1, set_sysfs, 0 },
	{ NULL, "--proc", 1, set_proc, 0 },
	{ NULL, "--tags", 0, NULL, MODE_TAGS },
	{ NULL, "--explain", 0, NULL, MODE_EXPLAIN },
	{ "-h", "--help", 0, NULL, MODE_HELP },
	{ "-V", "--version", 0, NULL, MODE_VERSION },
};
#define NARGDEFS ARRAY_SIZE(argdefs)

static void usage(FILE *f)
{
	fprintf(f,
"usage: mount9p [-o OPTS] [--timeout S] [-n|--dry-run] [--kernel RELEASE]\n"
"               [--no-defaults] TAG DIR\n"
"       mount9p --root DIR [--cmdline TEXT | --cmdline-file FILE] [--kmsg]\n"
"       mount9p --check | --modules [--cmdline TEXT | --cmdline-file FILE]\n"
"               [--kernel RELEASE]\n"
"       mount9p --tags\n"
"       mount9p --explain [-o OPTS] [--kernel RELEASE] [--no-defaults]\n"
"       mount9p --help | --version\n"
"\n"
"Check 9p mount options against a kernel, wait for the virtio-9p mount tag\n"
"TAG, mount it on DIR (retrying the kernel's early ENOENT) and show what the\n"
"kernel really did with the options.\n"
"\n"
"  -o OPTS          9p options and mount flags, comma-separated (repeatable)\n"
"  --timeout S      seconds to wait for the tag and retry the mount (10)\n"
"  -n, --dry-run    check and show the mount(2) call, do not mount\n"
"  --kernel RELEASE check against this kernel (default: the running one)\n"
"  --no-defaults    do not add trans=virtio,version=9p2000.L,msize=512000,\n"
"                   cache=mmap for the keys not given\n"
"  --root DIR       the whole root step of a 9p-root boot, as init9p does it:\n"
"                   root=, rootfstype=, rootflags=, ro/rw, rootwait,\n"
"                   rootdelay=, root9p.* from the kernel command line; wait\n"
"                   for the tag, mount, read back, tmpfs on DIR/tmp\n"
"  --check          only check that command line; print the result as\n"
"                   sh-quoted R9P_*=VALUE lines (R9P_ROOT=yes|no, R9P_TAG,\n"
"                   R9P_OPTIONS, R9P_TIMEOUT, R9P_TMP, R9P_MODULES, or\n"
"                   R9P_ERROR and R9P_TRY)\n"
"  --modules        the modules a 9p root needs, with root9p.modules=\n"
"  --cmdline TEXT   TEXT is the command line (default /proc/cmdline)\n"
"  --cmdline-file FILE  the command line read from FILE\n"
"  --kmsg           messages to the kernel log (/dev/kmsg), as init9p's\n"
"  --tags           list the mount tags: tag, device, mounted or not\n"
"  --explain        print the option string the kernel gets, one line per\n"
"                   option with its meaning, then the warnings; with\n"
"                   -t virtiofs, virtiofs' options (dax, dax=MODE, the\n"
"                   generic words) instead of 9p's\n"
"\n"
"Exit status: 0 done; 1 options or tag refused; 2 usage; 3 tag not found\n"
"before the timeout; 4 mount failed; 5 sysfs or /proc unreadable.\n"
"--sysfs DIR and --proc DIR read fake trees instead of /sys and /proc.\n");
}

/* The argdef for ARG ("-o", "--timeout=5"); *VALUE gets an inline value. */
static int find_argdef(const char *arg, const char **value)
{
	size_t len = strcspn(arg, "=");
	unsigned i;

	*value = NULL;
	for (i = 0; i < NARGDEFS; i++) {
		if (argdefs[i].lng && !strncmp(arg, argdefs[i].lng, len) &&
		    strlen(argdefs[i].lng) == len) {
			if (arg[len] == '=')
				*value = arg + len + 1;
			return (int)i;
		}
		if (argdefs[i].shrt && !strncmp(arg, argdefs[i].shrt, 2)) {
			if (arg[2] && argdefs[i].takes_value)
				*value = arg + 2;	/* -oOPTS */
			else if (arg[2])
				continue;
			return (int)i;
		}
	}
	return -1;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	const char *value;
	int i, d, only_pos = 0;

	memset(a, 0, sizeof(*a));
	a->timeout_s = R9P_ROOT_TIMEOUT_S;
	for (i = 1; i < argc; i++) {
		if (only_pos || argv[i][0] != '-' || !argv[i][1]) {
			if (a->npos == 2) {
				fprintf(stderr, "mount9p: too many arguments "
					"at %s\n", argv[i]);
				return -1;
			}
			a->pos[a->npos++] = argv[i];
			continue;
		}
		if (!strcmp(argv[i], "--")) {
			only_pos = 1;
			continue;
		}
		d = find_argdef(argv[i], &value);
		if (d < 0) {
			fprintf(stderr, "mount9p: unknown option %s\n", argv[i]);
			return -1;
		}
		if (argdefs[d].takes_value && !value) {
			if (++i >= argc) {
				fprintf(stderr, "mount9p: %s needs a value\n",
					argv[i - 1]);
				return -1;
			}
			value = argv[i];
		} else if (!argdefs[d].takes_value && value) {
			fprintf(stderr, "mount9p: %s takes no value\n", argv[i]);
			return -1;
		}
		if ((argdefs[d].set ? argdefs[d].set(a, value) :
		     set_mode(a, argdefs[d].mode)) < 0)
			return -1;
	}
	if ((a->mode == MODE_MOUNT && a->npos != 2) ||
	    (a->mode == MODE_ROOT && a->npos != 1) ||
	    (a->mode != MODE_MOUNT && a->mode != MODE_ROOT && a->npos)) {
		fprintf(stderr, "mount9p: %s\n", a->mode == MODE_MOUNT ?
			"give a TAG and a DIR" : a->mode == MODE_ROOT ?
			"--root takes one DIR" : "no TAG or DIR with this mode");
		return -1;
	}
	return 0;
}

static void print_diags(FILE *f, const struct r9p_diags *d)
{
	int i;

	for (i = 0; i < d->n; i++)
		fprintf(f, "mount9p: %s: %s\n", r9p_level_name(d->d[i].level),
			d->d[i].text);
	if (d->dropped)
		fprintf(f, "mount9p: note: %d more messages not shown\n",
			d->dropped);
}

static int pick_kernel(const struct args *a, struct r9p_kernel *k)
{
	int err = a->kernel ? r9p_kernel_parse(a->kernel, k) :
		  r9p_kernel_running(k);

	if (err < 0) {
		fprintf(stderr, "mount9p: warning: cannot tell the kernel "
			"release: checking as for 6.1\n");
		k->major = 6;
		k->minor = 1;
	}
	return 0;
}

static int do_tags(void)
{
	struct r9p_tag tags[R9P_TAGS_MAX];
	int n = r9p_tags_list(tags, R9P_TAGS_MAX), i;

	if (n < 0) {
		fprintf(stderr, "mount9p: error: read the virtio devices in "
			"sysfs: %s\n", strerror(-n));
		return EXIT_SYSTEM;
	}
	if (!r9p_tags_driver_present())
		fprintf(stderr, "mount9p: no 9pnet_virtio driver in sysfs: "
			"load it (modprobe 9pnet_virtio) or give the guest a "
			"virtio-9p device\n");
	else if (!n)
		fprintf(stderr, "mount9p: no virtio-9p mount tags\n");
	for (i = 0; i < n; i++)
		printf("%s\t%s\t%s\n", tags[i].tag, tags[i].device,
		       tags[i].mounted ? "mounted" : "not mounted");
	return EXIT_OK;
}

static void print_line(void *ctx, const char *key, const char *value,
		       const char *meaning)
{
	char opt[64];

	(void)ctx;
	snprintf(opt, sizeof(opt), "%s%s%s", key, value ? "=" : "",
		 value ? value : "");
	printf("  %-22s %s\n", opt, meaning);
}

static int do_explain(const struct args *a)
{
	struct r9p_kernel k;
	struct r9p_opts o;
	char kname[24];
	int err;

	pick_kernel(a, &k);
	err = a->virtiofs ? r9p_virtiofs_opts_parse(a->opts, &k, &o) :
	      r9p_opts_parse(a->opts, &k, a->no_defaults ? 0 : R9P_DEFAULTS,
			     &o);
	printf("%s\n", o.data);
	printf("# for %s%s\n", r9p_kernel_name(&k, kname, sizeof(kname)),
	       a->virtiofs ? ", virtiofs" : "");
	if (a->virtiofs)
		r9p_virtiofs_opts_explain(&o, print_line, NULL);
	else
		r9p_opts_explain(&o, &k, print_line, NULL);
	r9p_opts_explain_flags(&o, print_line, NULL);
	print_diags(stdout, &o.diags);
	if (err)
		printf("mount9p: %s would refuse this mount\n", kname);
	return err ? EXIT_REFUSED : EXIT_OK;
}

static void say_waiting(void *ctx, const char *tag, long long waited)
{
	char tags[512];

	(void)ctx;
	fprintf(stderr, "mount9p: still waiting for mount tag %s after %lld s "
		"(present: %s)\n", tag, waited / 1000,
		r9p_tags_describe(tags, sizeof(tags)));
}

/* After the mount: what the kernel shows, and what differs. */
static void report(const char *dir, const struct r9p_opts *o,
		   const struct r9p_kernel *k)
{
	struct r9p_effective e;
	struct r9p_diags notes;
	int err = r9p_effective_read(dir, &e);

	if (err) {
		fprintf(stderr, "mount9p: warning: read the mount back from "
			"mountinfo: %s\n", strerror(-err));
		return;
	}
	printf("%s on %s type %s (%s)\n", e.source, dir, e.fstype,
	       e.mount_opts);
	printf("9p options: %s\n", e.super_opts);
	r9p_diags_init(&notes);
	r9p_effective_compare(o, &e, k, &notes);
	print_diags(stdout, &notes);
}

static int do_mount(const struct args *a)
{
	const char *tag = a->pos[0], *dir = a->pos[1];
	long long t0, limit = a->timeout_s * 1000LL;
	struct r9p_diags tagdiags;
	struct r9p_kernel k;
	struct r9p_opts o;
	char flags[128], tags[512];
	int err, tries;

	pick_kernel(a, &k);
	err = r9p_opts_parse(a->opts, &k, a->no_defaults ? 0 : R9P_DEFAULTS,
			     &o);
	print_diags(stderr, &o.diags);
	r9p_diags_init(&tagdiags);
	err |= r9p_tag_check(tag, &tagdiags);
	print_diags(stderr, &tagdiags);
	if (err)
		return EXIT_REFUSED;
	if (a->dry_run) {
		r9p_opts_flags(&o, flags, sizeof(flags));
		printf("mount(\"%s\", \"%s\", \"9p\", 0x%lx%s%s%s, \"%s\")\n",
		       tag, dir, r9p_mount_flags(&o), *flags ? " /* " : "",
		       flags, *flags ? " */" : "", o.data);
		return EXIT_OK;
	}
	t0 = r9p_now_ms();
	err = r9p_wait_tag(tag, limit, say_waiting, NULL);
	if (err == -ETIMEDOUT) {
		fprintf(stderr, "mount9p: error: mount tag %s not found after "
			"%ld s (present: %s)\n", tag, a->timeout_s,
			r9p_tags_describe(tags, sizeof(tags)));
		return EXIT_NOTAG;
	}
	if (err) {
		fprintf(stderr, "mount9p: error: look for mount tag %s: %s\n",
			tag, strerror(-err));
		return EXIT_SYSTEM;
	}
	/* what is left of the timeout; never < 0, which means "forever" */
	limit -= r9p_now_ms() - t0;
	err = r9p_mount(tag, dir, &o, limit > 0 ? limit : 0, &tries);
	if (err) {
		r9p_opts_flags(&o, flags, sizeof(flags));
		fprintf(stderr, "mount9p: error: mount -t 9p -o %s%s%s %s %s: "
			"%s (%d %s)\nmount9p: hint: %s\n",
			flags, *flags ? "," : "", o.data, tag, dir, strerror(-err),
			tries, tries == 1 ? "try" : "tries",
			r9p_mount_hint(err));
		return EXIT_MOUNT;
	}
	report(dir, &o, &k);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct args a;

	if (parse_args(argc, argv, &a) < 0) {
		fprintf(stderr, "mount9p: see mount9p --help\n");
		return EXIT_USAGE;
	}
	switch (a.mode) {
	case MODE_HELP:
		usage(stdout);
		return EXIT_OK;
	case MODE_VERSION:
		printf("mount9p (root9p) %s\n", R9P_VERSION);
		return EXIT_OK;
	case MODE_TAGS:
		return do_tags();
	case MODE_EXPLAIN:
		return do_explain(&a);
	case MODE_ROOT:
		return r9p_rootcmd_root(&a.root, a.pos[0]);
	case MODE_CHECK:
		return r9p_rootcmd_check(&a.root);
	case MODE_MODULES:
		return r9p_rootcmd_modules(&a.root);
	case MODE_MOUNT:
		break;
	}
	return do_mount(&a);
}
