/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/modules.c - the one file that talks to libkmod.
 *
 * One kmod_ctx on the kernel's module directory with no modprobe.d
 * config (the image must depend on the kernel tree only, not on the
 * host), lookups by name or alias, dependency lists, unref everything.
 */
#include <errno.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "engine/root.h"
#include "mkinitrd/loadlist.h"
#include "mkinitrd/modules.h"
#include "mkinitrd/util.h"

/* The step of a struct r9p_err of this file (its why says the rest). */
#define MODULES_STEP "resolve the modules"

/* What a 9p root cannot boot without: the root engine's list
 * (r9p_root_modules), the one the hooks get from mount9p --modules. */
#define NREQUIRED ((size_t)R9P_ROOT_NMODULES)

static const char *const comp_suffixes[] = { ".ko.xz", ".ko.zst", ".ko.gz" };

/* The closure under construction; mods[i] belongs to ms->v[i]. */
struct resolver {
	struct kmod_ctx *ctx;
	struct r9p_modset *ms;
	struct kmod_module **mods;
	const char *dir;
	size_t cap;
	size_t *roots;
	size_t nroots;
};

static void log_kmod(void *data, int priority, const char *file, int line,
		     const char *fn, const char *format, va_list args)
{
	(void)data; (void)priority; (void)file; (void)line; (void)fn;
	fputs("mkinitrd9p: libkmod: ", stderr);
	vfprintf(stderr, format, args);
}

/* The image path: relative to dir, compression suffix replaced by .ko. */
static char *image_relpath(const char *dir, const char *path)
{
	size_t dl = strlen(dir), i, pl, sl;
	const char *rel, *slash;
	char *out;

	if (strncmp(path, dir, dl) == 0 && path[dl] == '/') {
		rel = path + dl + 1;
		out = xstrdup(rel);
	} else {
		/* modules.dep may name files outside the tree. */
		slash = strrchr(path, '/');
		out = xasprintf("extra/%s", slash ? slash + 1 : path);
	}
	pl = strlen(out);
	for (i = 0; i < ARRAY_SIZE(comp_suffixes); i++) {
		sl = strlen(comp_suffixes[i]);
		if (pl > sl && strcmp(out + pl - sl, comp_suffixes[i]) == 0) {
			strcpy(out + pl - sl, ".ko");
			break;
		}
	}
	return out;
}

/* Index of mod in the closure, adding it (with a ref) if new. */
static size_t add_module(struct resolver *r, struct kmod_module *mod)
{
	struct r9p_modset *ms = r->ms;
	const char *name = kmod_module_get_name(mod);
	struct r9p_module *m;
	size_t i;

	for (i = 0; i < ms->n; i++)
		if (strcmp(ms->v[i].name, name) == 0)
			return i;
	if (ms->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		ms->v = xrealloc(ms->v, r->cap * sizeof(*ms->v));
		r->mods = xrealloc(r->mods, r->cap * sizeof(*r->mods));
	}
	m = &ms->v[ms->n];
	memset(m, 0, sizeof(*m));
	m->name = xstrdup(name);
	m->path = xstrdup(kmod_module_get_path(mod));
	m->relpath = image_relpath(r->dir, m->path);
	r->mods[ms->n] = kmod_module_ref(mod);
	return ms->n++;
}

/* Add the modules of list (skipping built-ins) as dependencies of m. */
static void add_deps(struct resolver *r, size_t m, struct kmod_list *list)
{
	struct kmod_list *l;
	struct kmod_module *dep;
	size_t d;

	kmod_list_foreach(l, list) {
		dep = kmod_module_get_module(l);
		if (kmod_module_get_path(dep)) {
			d = add_module(r, dep);
			r->ms->v[m].deps = xrealloc(r->ms->v[m].deps,
				(r->ms->v[m].ndeps + 1) * sizeof(size_t));
			r->ms->v[m].deps[r->ms->v[m].ndeps++] = d;
		}
		kmod_module_unref(dep);
	}
}

/*
 * Look a name up: 1 if found as module(s) (added as roots), 0 if it is
 * built in, -ENOENT if unknown, other -errno on failure.
 */
static int lookup_root(struct resolver *r, const char *name)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_module *mod;
	int err, found = -ENOENT;

	err = kmod_module_new_from_lookup(r->ctx, name, &list);
	if (err < 0)
		return err;
	kmod_list_foreach(l, list) {
		mod = kmod_module_get_module(l);
		if (kmod_module_get_path(mod)) {
			r->roots = xrealloc(r->roots,
					    (r->nroots + 1) * sizeof(size_t));
			r->roots[r->nroots++] = add_module(r, mod);
			found = 1;
		} else if (found < 0) {
			found = 0;	/* no file: modules.builtin has it */
		}
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	return found;
}

/* Grow the closure breadth-first: hard deps, then "pre:" softdeps. */
static int close_over_deps(struct resolver *r)
{
	struct kmod_list *deps, *pre, *post;
	size_t i;
	int err;

	for (i = 0; i < r->ms->n; i++) {
		deps = kmod_module_get_dependencies(r->mods[i]);
		add_deps(r, i, deps);
		kmod_module_unref_list(deps);
		pre = post = NULL;
		err = kmod_module_get_softdeps(r->mods[i], &pre, &post);
		if (err < 0)
			return err;
		add_deps(r, i, pre);
		kmod_module_unref_list(pre);
		kmod_module_unref_list(post);
	}
	return 0;
}

static void add_builtin(struct r9p_modset *ms, const char *name)
{
	ms->builtin = xrealloc(ms->builtin,
			       (ms->nbuiltin + 1) * sizeof(*ms->builtin));
	ms->builtin[ms->nbuiltin++] = xstrdup(name);
}

/* 1 when NAME is a module or a built-in of the tree (nothing added). */
static int has_module(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_list *list = NULL;
	int found;

	if (kmod_module_new_from_lookup(ctx, name, &list) < 0)
		return 0;
	found = list != NULL;
	kmod_module_unref_list(list);
	return found;
}

/* Say which of the required modules the kernel lacks, and what to use. */
char *r9p_modules_explain_missing(const struct r9p_root_module *const *req,
				  const int *missing, const char *dir,
				  const char *kver, int virtiofs)
{
	char *what = xstrdup(""), *names = xstrdup(""), *cfg = xstrdup("");
	char *t, *msg;
	size_t i, k = 0;

	/* The filesystem first: it is the part people look for. */
	for (i = NREQUIRED; i-- > 0;) {
		if (!missing[i])
			continue;
		t = xasprintf("%s%sno %s", what, k ? ", " : "", req[i]->what);
		free(what);
		what = t;
		t = xasprintf("%s%s%s", names, k ? ", " : "", req[i]->name);
		free(names);
		names = t;
		t = xasprintf("%s%s%s", cfg, k ? ", " : "", req[i]->config);
		free(cfg);
		cfg = t;
		k++;
	}
	msg = xasprintf("kernel %s has %s (module%s %s not found in %s and "
			"not built in): this kernel cannot boot a %s root; use "
			"a kernel with %s (e.g. Debian's linux-image-amd64)%s",
			kver, what, k > 1 ? "s" : "", names, dir,
			virtiofs ? "virtiofs" : "9p", cfg, virtiofs ? "" :
			", or --fstype virtiofs for a kernel with virtiofs");
	free(what);
	free(names);
	free(cfg);
	return msg;
}

int r9p_modset_order(struct r9p_modset *ms, const size_t *roots,
		     size_t nroots, struct r9p_err *e)
{
	struct r9p_lnode *nodes = xmalloc(ms->n * sizeof(*nodes));
	size_t i, at = 0;
	int err;

	for (i = 0; i < ms->n; i++) {
		nodes[i].name = ms->v[i].name;
		nodes[i].deps = ms->v[i].deps;
		nodes[i].ndeps = ms->v[i].ndeps;
	}
	ms->order = xmalloc(ms->n * sizeof(*ms->order));
	err = r9p_loadlist_order(nodes, ms->n, roots, nroots, ms->order, &at);
	if (err == -ELOOP)
		r9p_errf(e, MODULES_STEP, err, NULL,
			 "module %s depends on itself through its "
			 "dependencies: check modules.dep/softdeps",
			 ms->v[at].name);
	else if (err)
		r9p_errf(e, MODULES_STEP, err, NULL,
			 "ordering modules: %s", strerror(-err));
	free(nodes);
	return err;
}

int r9p_modules_resolve(struct r9p_modset *ms, const char *dir,
			const char *kver, int mmio, int *fs,
			const char *const *extra, size_t nextra,
			struct r9p_err *e)
{
	static const char *const no_config[] = { NULL };
	const struct r9p_root_module *req[NREQUIRED];
	struct resolver r;
	int missing[NREQUIRED] = { 0 }, nmissing = 0, found, err = 0;
	const char *name;
	char *msg;
	size_t i;

	memset(ms, 0, sizeof(*ms));
	memset(&r, 0, sizeof(r));
	r.ms = ms;
	r.dir = dir;
	r.ctx = kmod_new(dir, no_config);
	if (!r.ctx) {
		r9p_errf(e, MODULES_STEP, -ENOMEM, NULL,
			 "open module index in %s: libkmod failed", dir);
		return -ENOMEM;
	}
	kmod_set_log_fn(r.ctx, log_kmod, NULL);
	/* A kernel without 9p but with virtiofs (Debian 12's cloud kernel)
	 * gets a virtiofs image; a 9p kernel a 9p one, as before. */
	if (*fs == R9P_MODS_AUTO) {
		int has9p = has_module(r.ctx, "9p");
		int hasvfs = has_module(r.ctx, "virtiofs");

		*fs = !has9p && hasvfs ? R9P_MODS_VIRTIOFS : R9P_MODS_9P;
		ms->auto_other = has9p && hasvfs;
	}
	/* The bus driver is the first entry; virtio-mmio replaces it. */
	for (i = 0; i < NREQUIRED; i++)
		req[i] = *fs == R9P_MODS_VIRTIOFS ? &r9p_root_virtiofs_modules[i] :
			 &r9p_root_modules[i];
	if (mmio)
		req[0] = &r9p_root_mmio_bus;
	for (i = 0; i < NREQUIRED + nextra; i++) {
		name = i < NREQUIRED ? req[i]->name : extra[i - NREQUIRED];
		found = lookup_root(&r, name);
		if (found == -ENOENT && i < NREQUIRED) {
			missing[i] = 1;
			nmissing++;
		} else if (found == -ENOENT) {
			r9p_errf(e, MODULES_STEP, -ENOENT, NULL,
				 "module %s not found in %s (no module, "
				 "alias or built-in has that name): see "
				 "%s/modules.order for names", name, dir,
				 dir);
			err = -ENOENT;
			goto out;
		} else if (found < 0) {
			r9p_errf(e, MODULES_STEP, found, NULL,
				 "look up module %s in %s: %s", name,
				 dir, strerror(-found));
			err = found;
			goto out;
		} else if (found == 0) {
			add_builtin(ms, name);
		}
	}
	if (nmissing) {
		msg = r9p_modules_explain_missing(req, missing, dir, kver,
						  *fs == R9P_MODS_VIRTIOFS);
		r9p_errf(e, MODULES_STEP, -ENOENT, NULL, "%s", msg);
		free(msg);
		err = -ENOENT;
		goto out;
	}
	err = close_over_deps(&r);
	if (err) {
		r9p_errf(e, MODULES_STEP, err, NULL,
			 "read dependencies in %s: %s", dir,
			 strerror(-err));
		goto out;
	}
	err = r9p_modset_order(ms, r.roots, r.nroots, e);
out:
	for (i = 0; i < ms->n; i++)
		kmod_module_unref(r.mods[i]);
	free(r.mods);
	free(r.roots);
	kmod_unref(r.ctx);
	return err;
}

void r9p_modset_free(struct r9p_modset *ms)
{
	size_t i;

	for (i = 0; i < ms->n; i++) {
		free(ms->v[i].name);
		free(ms->v[i].path);
		free(ms->v[i].relpath);
		free(ms->v[i].deps);
	}
	for (i = 0; i < ms->nbuiltin; i++)
		free(ms->builtin[i]);
	free(ms->v);
	free(ms->order);
	free(ms->builtin);
	memset(ms, 0, sizeof(*ms));
}

int r9p_module_file_deps(const char *path, char **depends, char **softdep)
{
	static const char *const no_config[] = { NULL };
	struct kmod_ctx *ctx = kmod_new("/nonexistent", no_config);
	struct kmod_module *mod = NULL;
	struct kmod_list *info = NULL, *l;
	const char *key, *val;
	char *t;
	int err;

	*depends = xstrdup("");
	*softdep = xstrdup("");
	if (!ctx)
		return -ENOMEM;
	kmod_set_log_fn(ctx, log_kmod, NULL);
	err = kmod_module_new_from_path(ctx, path, &mod);
	if (err >= 0)
		err = kmod_module_get_info(mod, &info);
	if (err < 0)
		goto out;
	err = 0;
	kmod_list_foreach(l, info) {
		key = kmod_module_info_get_key(l);
		val = kmod_module_info_get_value(l);
		if (!val)
			continue;
		/* Several softdep= lines join with spaces; depends= is one. */
		if (!strcmp(key, "depends")) {
			free(*depends);
			*depends = xstrdup(val);
		} else if (!strcmp(key, "softdep")) {
			t = xasprintf("%s %s", *softdep, val);
			free(*softdep);
			*softdep = t;
		}
	}
out:
	kmod_module_info_free_list(info);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return err;
}
