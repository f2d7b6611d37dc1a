/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/main.c - mkinitrd9p: the command line of the initrd generator.
 *
 * Parses options, then drives the parts: modules.c (what to load),
 * image.c (what goes in), cpio.c + compress.c (the bytes), and
 * outfile.c, which writes them to a file nobody else can name and then
 * renames it to OUT, so a failure never leaves half an image and a link
 * planted next to OUT is never followed.
 * Exit status: 0 done, 1 failed, 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/array.h"
#include "common/clock.h"
#include "engine/scratch.h"
#include "mkinitrd/compress.h"
#include "mkinitrd/cpio.h"
#include "mkinitrd/image.h"
#include "mkinitrd/kbuild.h"
#include "mkinitrd/kconfig.h"
#include "mkinitrd/listimg.h"
#include "mkinitrd/moddir.h"
#include "mkinitrd/modules.h"
#include "mkinitrd/outfile.h"
#include "mkinitrd/util.h"

#ifndef R9P_VERSION
#define R9P_VERSION "unknown"
#endif

#define DEFAULT_RESCUE "/bin/busybox"

enum { OPT_INIT = 256, OPT_COMPRESS, OPT_RESCUE, OPT_MODULES, OPT_LIST,
       OPT_VERSION, OPT_TRANSPORT, OPT_OVERLAY, OPT_KBUILD, OPT_NOMODULES,
       OPT_SCRATCH, OPT_FSTYPE };

static const struct option long_opts[] = {
	{ "kver", required_argument, NULL, 'k' },
	{ "base", required_argument, NULL, 'b' },
	{ "output", required_argument, NULL, 'o' },
	{ "init", required_argument, NULL, OPT_INIT },
	{ "compress", required_argument, NULL, OPT_COMPRESS },
	{ "rescue-shell", optional_argument, NULL, OPT_RESCUE },
	{ "modules", required_argument, NULL, OPT_MODULES },
	{ "transport", required_argument, NULL, OPT_TRANSPORT },
	{ "scratch", optional_argument, NULL, OPT_SCRATCH },
	{ "overlay", no_argument, NULL, OPT_OVERLAY },
	{ "fstype", required_argument, NULL, OPT_FSTYPE },
	{ "list", required_argument, NULL, OPT_LIST },
	{ "kbuild", required_argument, NULL, OPT_KBUILD },
	{ "no-modules", no_argument, NULL, OPT_NOMODULES },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static const char usage_text[] =
"usage: mkinitrd9p -k KVER [-b BASEDIR] -o OUT [options]\n"
"       mkinitrd9p --kbuild TREE -o OUT [options]\n"
"       mkinitrd9p --list IMAGE\n"
"\n"
"Write an initrd that boots a root filesystem shared over virtio-9p.\n"
"\n"
"  -k, --kver KVER          kernel version (a directory under lib/modules)\n"
"  -b, --base BASEDIR       root holding lib/modules/KVER or usr/lib/modules/KVER\n"
"                           (default /; e.g. an unpacked kernel package)\n"
"      --kbuild TREE        modules straight from a kernel build tree after make\n"
"                           (no modules_install): TREE/modules.order and\n"
"                           modules.builtin, dependencies from each module's\n"
"                           modinfo; -k defaults to its kernel.release\n"
"      --no-modules         no modules at all: for a kernel with 9p, 9pnet_virtio\n"
"                           and virtio_pci built in (-k still names it)\n"
"  -o, --output OUT         image to write (to an unnamed or randomly named\n"
"                           file in OUT's directory, then renamed to OUT)\n"
"      --init PATH          init9p to put at /init (default: the first one built\n"
"                           for the kernel tree's machine next to mkinitrd9p,\n"
"                           then " LIBEXECDIR ")\n"
"      --compress=C[:LEVEL] zstd (default, level 6), gzip (6), xz (0) or none;\n"
"                           e.g. gzip:9, zstd:19, xz:6 for smaller, slower\n"
"      --rescue-shell[=BB]  add a static busybox (default " DEFAULT_RESCUE ")\n"
"                           as /bin/sh and its applets, plus a static mount9p\n"
"                           found next to init9p\n"
"      --modules=a,b        more modules (names or aliases) and their deps\n"
"      --overlay            add overlayfs (for root9p.overlay=; DESIGN.md,\n"
"                           \"Overlay roots\", says why it is not the default)\n"
"      --transport=T        the bus of the guest's virtio-9p device: pci\n"
"                           (default; virtio-9p-pci) or mmio (virtio-9p-device\n"
"                           on qemu -M virt): its bus driver goes in the image\n"
"      --scratch[=HELPER]   scratch disks by LABEL=/UUID= (root9p.tmp=LABEL=x,\n"
"                           root9p.swap=...): the static blkid9p helper\n"
"                           (default: next to init9p), virtio_blk and ext4\n"
"      --fstype=F           the root's filesystem: 9p, virtiofs (virtio_pci,\n"
"                           fuse, virtiofs go in) or auto (default: 9p when\n"
"                           the kernel has it, else virtiofs; says which)\n"
"      --list IMAGE         print the contents of any newc initrd\n"
"  -v, --verbose            say what goes in and where it comes from\n"
"  -h, --help               this text\n"
"      --version            print the version\n"
"\n"
"SOURCE_DATE_EPOCH (seconds) sets the mtime of every entry (default 0).\n";

struct opts {
	const char *kver, *base, *out, *init, *rescue, *list, *kbuild, *scratch_helper;
	int scratch;
	int no_modules;		/* --no-modules */
	char kver_buf[256];	/* --kbuild's kernel.release */
	enum r9p_comp comp;
	int level;
	int comp_given;		/* --compress was given */
	const char **modules;
	size_t nmodules;
	int verbose;
	int mmio;	/* --transport=mmio */
	int fs;		/* --fstype: enum r9p_mods_fs */
};

static const struct {
	const char *name;
	int fs;
} fstypes[] = {
	{ "auto", R9P_MODS_AUTO },
	{ "9p", R9P_MODS_9P },
	{ "virtiofs", R9P_MODS_VIRTIOFS },
};

/* --fstype's word: 0 with *FS set, or -1. */
static int parse_fstype(const char *arg, int *fs)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fstypes); i++)
		if (!strcmp(arg, fstypes[i].name)) {
			*fs = fstypes[i].fs;
			return 0;
		}
	return -1;
}

/* Split "a,b" into names (empty ones dropped); the strings are kept. */
static void add_module_names(struct opts *o, char *arg)
{
	char *name;

	while ((name = strsep(&arg, ","))) {
		if (!*name)
			continue;
		o->modules = xrealloc(o->modules,
				      (o->nmodules + 1) * sizeof(*o->modules));
		o->modules[o->nmodules++] = name;
	}
}

static void add_module_name(struct opts *o, const char *name)
{
	o->modules = xrealloc(o->modules,
			      (o->nmodules + 1) * sizeof(*o->modules));
	o->modules[o->nmodules++] = name;
}

static int usage_error(const char *msg, const char *what)
{
	fprintf(stderr, "mkinitrd9p: %s%s%s\nTry 'mkinitrd9p --help'.\n", msg,
		what ? " " : "", what ? what : "");
	return 2;
}

/* The kernel must unpack what we write: its config (BASE/boot/config-KVER
 * or the build tree's .config) names the decompressors it has. The default
 * (zstd) falls back to gzip for a kernel without CONFIG_RD_ZSTD; a
 * --compress the kernel cannot unpack is refused. No config, or one
 * without CONFIG_BLK_DEV_INITRD=y: no check. */
static int check_compression(struct opts *o)
{
	const char *sym = r9p_kconfig_rd_symbol(o->comp);
	struct r9p_kconfig k;
	char *path;
	int has;

	if (!sym)
		return 0;
	path = o->kbuild ? xasprintf("%s/.config", o->kbuild) :
	       xasprintf("%s/boot/config-%s", o->base, o->kver);
	/* A config that does not say the kernel takes an initramfs at all
	 * (a fragment, a test's stand-in) says nothing about decompressors. */
	has = r9p_kconfig_read(path, &k) < 0 || !k.initrd || k.rd[o->comp];
	if (!has && !o->comp_given && k.rd[R9P_COMP_GZIP]) {
		fprintf(stderr, "mkinitrd9p: %s has no %s=y: writing gzip "
			"instead of zstd\n", path, sym);
		r9p_comp_parse("gzip", &o->comp, &o->level);
		has = 1;
	}
	if (!has)
		fprintf(stderr, "mkinitrd9p: kernel %s cannot unpack a %s "
			"image (%s has no %s=y): use --compress with one it "
			"has (gzip, xz, zstd or none)\n", o->kver,
			r9p_comp_name(o->comp), path, sym);
	free(path);
	return has ? 0 : -ENOEXEC;
}

/* -k for --kbuild TREE: TREE/include/config/kernel.release, as make
 * wrote it. 0, or -1 with a message. */
static int kbuild_release(struct opts *o)
{
	char *path = xasprintf("%s/include/config/kernel.release", o->kbuild);
	FILE *f = fopen(path, "re");
	int ok = f && fgets(o->kver_buf, sizeof(o->kver_buf), f);

	if (f)
		fclose(f);
	o->kver_buf[strcspn(o->kver_buf, "\n")] = '\0';
	if (!ok || !*o->kver_buf) {
		fprintf(stderr, "mkinitrd9p: --kbuild %s: cannot read %s: it "
			"is no kernel build tree after make (run make there, "
			"or give -k KVER)\n", o->kbuild, path);
		free(path);
		return -1;
	}
	free(path);
	o->kver = o->kver_buf;
	return 0;
}

/* 0 ok, else the exit status to leave with (help/version: -1). */
static int parse_args(int argc, char **argv, struct opts *o)
{
	size_t i;
	int c, err;

	memset(o, 0, sizeof(*o));
	o->base = "/";
	/* zstd: the least build + unpack time (DESIGN.md, "Compression"). */
	r9p_comp_parse("zstd", &o->comp, &o->level);
	o->fs = R9P_MODS_AUTO;
	opterr = 0;	/* one message, ours */
	while ((c = getopt_long(argc, argv, ":k:b:o:vh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'k': o->kver = optarg; break;
		case 'b': o->base = optarg; break;
		case 'o': o->out = optarg; break;
		case 'v': o->verbose = 1; break;
		case OPT_INIT: o->init = optarg; break;
		case OPT_LIST: o->list = optarg; break;
		case OPT_KBUILD: o->kbuild = optarg; break;
		case OPT_NOMODULES: o->no_modules = 1; break;
		case OPT_MODULES: add_module_names(o, optarg); break;
		case OPT_OVERLAY: {
			/* strsep needs a string of its own */
			static char overlay[] = "overlay";

			add_module_names(o, overlay);
			break;
		}
		case OPT_TRANSPORT:
			if (strcmp(optarg, "pci") && strcmp(optarg, "mmio"))
				return usage_error("--transport takes pci or "
						   "mmio, not", optarg);
			o->mmio = strcmp(optarg, "mmio") == 0;
			break;
		case OPT_SCRATCH:
			o->scratch = 1;
			o->scratch_helper = optarg;
			for (i = 0; r9p_scratch_modules[i]; i++)
				add_module_name(o, r9p_scratch_modules[i]);
			break;
		case OPT_FSTYPE:
			if (parse_fstype(optarg, &o->fs))
				return usage_error("--fstype takes 9p, virtiofs "
						   "or auto, not", optarg);
			break;
		case OPT_RESCUE:
			o->rescue = optarg ? optarg : DEFAULT_RESCUE;
			break;
		case OPT_COMPRESS:
			o->comp_given = 1;
			err = r9p_comp_parse(optarg, &o->comp, &o->level);
			if (err == -ERANGE)
				return usage_error("--compress: the level is out "
						   "of range (gzip 1-9, zstd 1-19, "
						   "xz 0-9, none none):", optarg);
			if (err)
				return usage_error("--compress takes zstd, gzip, "
						   "xz or none, not", optarg);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		case OPT_VERSION:
			printf("mkinitrd9p %s\n", R9P_VERSION);
			return -1;
		case ':':
			return usage_error("missing value for",
					   argv[optind - 1]);
		default:
			return usage_error("unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument", argv[optind]);
	if (o->list)
		return 0;
	if (o->kbuild && (o->no_modules || strcmp(o->base, "/")))
		return usage_error("--kbuild takes the modules from the tree: "
				   "no -b or --no-modules with it", NULL);
	if (o->kbuild && !o->kver && kbuild_release(o) < 0)
		return 1;
	if (!o->kver || !*o->kver || strchr(o->kver, '/'))
		return usage_error("-k KVER is required (a kernel version, e.g. "
				   "6.1.0-25-amd64)", NULL);
	if (!o->out || !*o->out)
		return usage_error("-o OUT is required", NULL);
	return 0;
}

/* SOURCE_DATE_EPOCH, checked: digits only and within newc's 32 bits. */
static int source_date(uint32_t *mtime)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	unsigned long long v = 0;
	const char *p;

	*mtime = 0;
	if (!s)
		return 0;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > 0xffffffffULL)
			break;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (!*s || *p || v > 0xffffffffULL) {
		fprintf(stderr, "mkinitrd9p: SOURCE_DATE_EPOCH=%s: not a number "
			"of seconds (digits only, at most 4294967295): fix or "
			"unset it\n", s);
		return -EINVAL;
	}
	*mtime = (uint32_t)v;
	return 0;
}

/* Compress and write the archive to a new file, then put it at out. */
static int write_image(struct r9p_cpio *c, const struct opts *o,
		       uint32_t mtime, uint64_t *raw, uint64_t *packed)
{
	struct r9p_outfile f;
	struct r9p_zout *z = NULL;
	struct r9p_err e;
	int err;

	err = r9p_outfile_open(&f, o->out, 0644, 0, &e);
	if (err)
		goto fail;
	err = r9p_zout_open_level(&z, o->comp, o->level, f.fd);
	if (!err)
		err = r9p_cpio_write(c, mtime, r9p_zout_write, z, raw);
	if (!err) {
		err = r9p_zout_finish(z, packed);
		z = NULL;
	}
	if (err) {
		r9p_outfile_abort(&f);
		r9p_errf(&e, "write", err, NULL, "write %s: %s", o->out,
			 strerror(-err));
		goto fail;
	}
	err = r9p_outfile_commit(&f, &e);
	if (!err)
		return 0;
fail:
	r9p_zout_free(z);
	fprintf(stderr, "mkinitrd9p: %s%s\n", e.why,
		err == -ENOSPC ? ": free some space" :
		err == -ENOENT || err == -EACCES ?
		": check that the output directory exists and is writable" :
		err == -EEXIST ? ": someone keeps taking the temporary "
		"names: write into a directory only you can write to" : "");
	return err;
}

static void print_plan(const struct r9p_modset *ms, const char *dir)
{
	size_t i;

	fprintf(stderr, "mkinitrd9p: modules from %s, load order:", dir);
	for (i = 0; i < ms->n; i++)
		fprintf(stderr, " %s", ms->v[ms->order[i]].name);
	fputc('\n', stderr);
	for (i = 0; i < ms->nbuiltin; i++)
		fprintf(stderr, "mkinitrd9p: %s is built into the kernel\n",
			ms->builtin[i]);
}

static uint64_t kib(uint64_t bytes)
{
	return (bytes + 512) / 1024;
}

static int generate(const struct opts *o)
{
	long long t0 = r9p_now_ms();
	uint64_t raw = 0, packed = 0;
	struct r9p_image_opts io;
	struct r9p_modset ms;
	struct r9p_cpio c;
	char *dir = NULL, *init = NULL, sizes[96];
	struct r9p_err e;
	int fs = o->fs;
	size_t i, files = 0;
	uint32_t mtime;
	int err;

	memset(&ms, 0, sizeof(ms));
	r9p_cpio_init(&c);
	err = source_date(&mtime);
	if (err)
		return err;
	if (o->kbuild) {
		dir = xstrdup(o->kbuild);
		err = r9p_kbuild_resolve(&ms, dir, o->mmio, o->modules,
					 o->nmodules, &e);
	} else if (o->no_modules) {
		dir = xstrdup("(no modules)");
		err = 0;
	} else {
		err = r9p_moddir_find(o->base, o->kver, &dir, &e);
		if (!err)
			err = r9p_modules_resolve(&ms, dir, o->kver, o->mmio,
						  &fs, o->modules, o->nmodules,
						  &e);
	}
	if (!err && o->fs == R9P_MODS_AUTO && !o->kbuild && !o->no_modules)
		fprintf(stderr, "mkinitrd9p: --fstype auto: a %s image (%s)\n",
			fs == R9P_MODS_VIRTIOFS ? "virtiofs" : "9p",
			fs == R9P_MODS_VIRTIOFS ? "the kernel has no 9p" :
			ms.auto_other ? "the kernel has virtiofs too: "
			"--modules=virtiofs adds it for rootfstype=virtiofs, "
			"--fstype virtiofs makes a virtiofs image" :
			"the kernel has no virtiofs");
	if (!err && o->verbose)
		print_plan(&ms, dir);
	if (!err)
		err = o->init ? 0 : r9p_image_find_init(
			r9p_image_tree_machine(&ms), &init, &e);
	if (!err) {
		io.kver = o->kver;
		io.init = o->init ? o->init : init;
		io.rescue = o->rescue;
		io.scratch = o->scratch;
		io.scratch_helper = o->scratch_helper;
		io.ms = &ms;
		io.verbose = o->verbose;
		err = r9p_image_collect(&c, &io, &e);
	}
	/* mkinitrd9p's messages are one line, "ACTION TARGET: WHY: what to
	 * try", which scripts and tests match: E->why holds all of it. */
	if (err)
		fprintf(stderr, "mkinitrd9p: %s\n", e.why);
	if (!err)
		err = write_image(&c, o, mtime, &raw, &packed);
	if (!err) {
		for (i = 0; i < c.n; i++)
			files += c.v[i].type == R9P_CPIO_FILE;
		if (o->comp == R9P_COMP_NONE)
			snprintf(sizes, sizeof(sizes), "%llu KiB, uncompressed",
				 (unsigned long long)kib(raw));
		else
			snprintf(sizes, sizeof(sizes), "%llu KiB compressed / "
				 "%llu KiB, %s", (unsigned long long)kib(packed),
				 (unsigned long long)kib(raw),
				 r9p_comp_name(o->comp));
		fprintf(stderr, "mkinitrd9p: wrote %s (%zu files, %zu entries, "
			"%s) for %s in %lld ms (a %s root)\n", o->out, files,
			c.n, sizes, o->kver,
			r9p_now_ms() - t0,
			fs == R9P_MODS_VIRTIOFS ? "virtiofs" : "9p");
	}
	free(dir);
	free(init);
	r9p_cpio_free(&c);
	r9p_modset_free(&ms);
	return err;
}

int main(int argc, char **argv)
{
	struct r9p_err e;
	struct opts o;
	int rc;

	rc = parse_args(argc, argv, &o);
	if (rc) {
		free(o.modules);
		return rc < 0 ? 0 : rc;
	}
	if (o.list) {
		rc = r9p_list_image(o.list, stdout, &e);
		if (rc)
			fprintf(stderr, "mkinitrd9p: %s\n", e.why);
	} else {
		rc = check_compression(&o);
		if (!rc)
			rc = generate(&o);
	}
	free(o.modules);
	if (fflush(stdout) != 0) {
		perror("mkinitrd9p: write standard output");
		rc = -EIO;
	}
	return rc ? 1 : 0;
}
