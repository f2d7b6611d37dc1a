/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/image.c - assemble the entries of the initrd.
 *
 * Only collects (the cpio writer sorts and emits): the skeleton from a
 * table, /init, each module decompressed to plain .ko (the guest has no
 * decompressor), and root9p.load, the order init9p loads them in.
 * The kernel tree's architecture is that of its modules (their ELF
 * header): an init9p built for another one is refused, since the guest
 * could not run it.
 */
#include <elf.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "mkinitrd/decompress.h"
#include "mkinitrd/elf.h"
#include "mkinitrd/image.h"
#include "mkinitrd/util.h"

#define CONSOLE_MAJOR 5
#define CONSOLE_MINOR 1

/* The steps of a struct r9p_err of this file (see image.h). */
#define FIND_STEP "find init9p"
#define COLLECT_STEP "collect the image's files"

/* Mount points and /dev/console: what init9p expects before it runs. */
static const struct {
	const char *path;
	enum r9p_cpio_type type;
	unsigned perm, rmajor, rminor;
} skeleton[] = {
	{ "dev", R9P_CPIO_DIR, 0755, 0, 0 },
	{ "dev/console", R9P_CPIO_CHAR, 0600, CONSOLE_MAJOR, CONSOLE_MINOR },
	{ "proc", R9P_CPIO_DIR, 0755, 0, 0 },
	{ "sys", R9P_CPIO_DIR, 0755, 0, 0 },
	{ "root", R9P_CPIO_DIR, 0700, 0, 0 },
	{ "run", R9P_CPIO_DIR, 0755, 0, 0 },
	{ "tmp", R9P_CPIO_DIR, 01777, 0, 0 },
};

/* Tried in order, relative to mkinitrd9p's own directory. */
static const char *const init_near_exe[] = {
	"klibc/init9p", "musl/init9p", "glibc/init9p", "aarch64-klibc/init9p",
	"aarch64-glibc/init9p",
	"init9p",
};

/* What to build when init9p does not match the tree's machine. */
static const char *build_hint(int machine)
{
	switch (machine) {
	case EM_AARCH64: return "make ARCH=aarch64 LIBC=glibc";
	case EM_X86_64: return "make";
	default: return "make ARCH=... LIBC=glibc";
	}
}

/* 1 if the file at path is an ELF file for machine (or machine <= 0). */
static int init_fits(const char *path, int machine)
{
	unsigned char *buf;
	size_t len;
	int m;

	if (machine <= 0)
		return 1;
	if (r9p_read_file(path, &buf, &len))
		return 0;
	m = r9p_elf_machine(buf, len);
	free(buf);
	return m == machine;
}

int r9p_image_find_init(int machine, char **path, struct r9p_err *e)
{
	char exe[4096], *dir, *cand, *tried = xstrdup(""), *t;
	ssize_t n;
	size_t i;
	int other = 0;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	dir = n > 0 ? dirname(exe) : NULL;
	for (i = 0; i <= ARRAY_SIZE(init_near_exe); i++) {
		if (i < ARRAY_SIZE(init_near_exe))
			cand = dir ? xasprintf("%s/%s", dir, init_near_exe[i]) : NULL;
		else
			cand = xstrdup(LIBEXECDIR "/init9p");
		if (!cand)
			continue;
		if (access(cand, R_OK) == 0 && init_fits(cand, machine)) {
			free(tried);
			*path = cand;
			return 0;
		}
		other |= access(cand, R_OK) == 0;
		t = xasprintf("%s%s%s", tried, *tried ? ", " : "", cand);
		free(tried);
		free(cand);
		tried = t;
	}
	if (other)
		r9p_errf(e, FIND_STEP, -ENOENT, NULL,
			 "find init9p: none of %s is built for %s, the "
			 "kernel tree's machine: build one (%s) or give "
			 "--init PATH", tried, r9p_elf_machine_name(machine),
			 build_hint(machine));
	else
		r9p_errf(e, FIND_STEP, -ENOENT, NULL,
			 "find init9p: not in %s: build it (make) or give "
			 "--init PATH", tried);
	free(tried);
	return -ENOENT;
}

static int add_init(struct r9p_cpio *c, const char *init, int tree_machine,
		    int verbose, struct r9p_err *e)
{
	unsigned char *buf;
	size_t len;
	int err, machine;

	err = r9p_read_file(init, &buf, &len);
	if (err) {
		r9p_errf(e, COLLECT_STEP, err, NULL,
			 "read init %s: %s: give --init the path of "
			 "init9p", init, r9p_read_strerror(err));
		return err;
	}
	machine = r9p_elf_machine(buf, len);
	if (machine > 0 && tree_machine > 0 && machine != tree_machine) {
		r9p_errf(e, COLLECT_STEP, -ENOEXEC, NULL,
			 "init9p %s is %s, the kernel tree is %s: build "
			 "init9p for %s (%s) and give it with --init",
			 init, r9p_elf_machine_name(machine),
			 r9p_elf_machine_name(tree_machine),
			 r9p_elf_machine_name(tree_machine),
			 build_hint(tree_machine));
		free(buf);
		return -ENOEXEC;
	}
	/* Only a warning: a script with #! and a static shell also works. */
	if (r9p_elf_is_static(buf, len) == 0)
		fprintf(stderr, "mkinitrd9p: warning: %s is dynamically linked;"
			" the initrd has no libraries, so it will not start\n",
			init);
	if (verbose)
		fprintf(stderr, "mkinitrd9p: /init <- %s (%zu bytes)\n", init,
			len);
	err = r9p_cpio_add_file(c, "init", 0755, buf, len);
	if (err)
		r9p_errf(e, COLLECT_STEP, err, NULL,
			 "add /init: %s", strerror(-err));
	return err;
}

/* Read one module, decompressing .ko.xz/.ko.zst/.ko.gz by their magic. */
static int read_module(const struct r9p_module *m, unsigned char **out,
		       size_t *outlen, struct r9p_err *e)
{
	unsigned char *raw, *plain;
	size_t len, plen, used;
	enum r9p_comp comp;
	int err;

	err = r9p_read_file(m->path, &raw, &len);
	if (err) {
		r9p_errf(e, COLLECT_STEP, err, NULL,
			 "read module %s: %s: %s", m->path,
			 r9p_read_strerror(err),
			 err == -EINVAL || err == -EFBIG
			 ? "the kernel tree must hold module files "
			   "(check where it came from)"
			 : "is the kernel tree complete? (rerun depmod)");
		return err;
	}
	comp = r9p_comp_detect(raw, len, NULL);
	if (comp != R9P_COMP_NONE) {
		/* Decompressed, a module obeys the same bound as a plain one. */
		err = r9p_decompress(comp, raw, len, R9P_READ_MAX, &plain,
				     &plen, &used);
		free(raw);
		if (err) {
			r9p_errf(e, COLLECT_STEP, err, NULL,
				 "decompress module %s (%s): %s",
				 m->path, r9p_comp_name(comp),
				 err == -EFBIG ? "more than "
				 R9P_READ_MAX_TEXT " after decompression"
				 ", the limit for one input file"
					       : strerror(-err));
			return err;
		}
		raw = plain;
		len = plen;
	}
	if (!r9p_elf_is_elf(raw, len)) {
		free(raw);
		r9p_errf(e, COLLECT_STEP, -ENOEXEC, NULL,
			 "read module %s: not an ELF file (nor a "
			 "gzip/xz/zstd one holding it)", m->path);
		return -ENOEXEC;
	}
	*out = raw;
	*outlen = len;
	return 0;
}

/* Adds the modules; *machine gets the ELF machine of the first one
 * (0 when there are none: every module is built in). */
static int add_modules(struct r9p_cpio *c, const struct r9p_image_opts *o,
		       int *machine, struct r9p_err *e)
{
	const struct r9p_modset *ms = o->ms;
	const struct r9p_module *m;
	unsigned char *buf;
	char *path, *list = xstrdup(""), *t;
	size_t i, len;
	int err = 0;

	for (i = 0; i < ms->n; i++) {
		m = &ms->v[ms->order[i]];
		err = read_module(m, &buf, &len, e);
		if (err)
			break;
		if (!*machine)
			*machine = r9p_elf_machine(buf, len);
		if (o->verbose)
			fprintf(stderr, "mkinitrd9p: module %s <- %s (%zu bytes)\n",
				m->name, m->path, len);
		path = xasprintf("lib/modules/%s/%s", o->kver, m->relpath);
		err = r9p_cpio_add_file(c, path, 0644, buf, len);
		if (err) {
			r9p_errf(e, COLLECT_STEP, err, NULL,
				 "add /%s: %s", path, strerror(-err));
			free(path);
			break;
		}
		free(path);
		t = xasprintf("%s%s\n", list, m->relpath);
		free(list);
		list = t;
	}
	if (!err) {
		path = xasprintf("lib/modules/%s/root9p.load", o->kver);
		err = r9p_cpio_add_file(c, path, 0644, (unsigned char *)list,
					strlen(list));
		list = NULL;	/* owned by the archive now */
		if (err)
			r9p_errf(e, COLLECT_STEP, err, NULL,
				 "add /%s: %s", path, strerror(-err));
		free(path);
	}
	free(list);
	return err;
}

int r9p_image_tree_machine(const struct r9p_modset *ms)
{
	struct r9p_err unread;	/* collecting reads it again, says why */
	unsigned char *buf;
	size_t len;
	int machine;

	if (!ms->n)
		return 0;
	if (read_module(&ms->v[ms->order[0]], &buf, &len, &unread))
		return 0;
	machine = r9p_elf_machine(buf, len);
	free(buf);
	return machine > 0 ? machine : 0;
}

int r9p_image_collect(struct r9p_cpio *c, const struct r9p_image_opts *o,
		      struct r9p_err *e)
{
	size_t i;
	int err = 0, machine = 0;

	for (i = 0; !err && i < ARRAY_SIZE(skeleton); i++) {
		if (skeleton[i].type == R9P_CPIO_DIR)
			err = r9p_cpio_add_dir(c, skeleton[i].path,
					       skeleton[i].perm);
		else
			err = r9p_cpio_add_node(c, skeleton[i].path,
						skeleton[i].type,
						skeleton[i].perm,
						skeleton[i].rmajor,
						skeleton[i].rminor);
		if (err)
			r9p_errf(e, COLLECT_STEP, err, NULL,
				 "add /%s: %s", skeleton[i].path,
				 strerror(-err));
	}
	/* The modules first: they tell the machine init9p must be built for
	 * (the cpio writer sorts the entries anyway). */
	if (!err)
		err = add_modules(c, o, &machine, e);
	if (!err)
		err = add_init(c, o->init, machine, o->verbose, e);
	if (!err && o->rescue)
		err = r9p_image_add_rescue(c, o->rescue, o->init, o->verbose,
					   e);
	if (!err && o->scratch)
		err = r9p_image_add_scratch(c, o->scratch_helper, o->init,
					    o->verbose, e);
	return err;
}
