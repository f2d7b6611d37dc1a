/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/kbuild.c - the modules of a kernel build tree after `make`,
 * without `make modules_install` (mkinitrd9p --kbuild DIR).
 *
 * Such a tree has no modules.dep: the modules are the lines of
 * DIR/modules.order (".ko", or ".o" from 6.2 on), the built-ins those of
 * DIR/modules.builtin, and each module's dependencies come from its own
 * modinfo (depends=, softdep= pre:), read through modules.c's libkmod
 * wrapper. So a developer's changed fs/9p/9p.ko is what goes in the image.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/root.h"
#include "mkinitrd/kbuild.h"
#include "mkinitrd/util.h"

/* The step of a struct r9p_err of this file (its why says the rest). */
#define KBUILD_STEP "resolve the build tree's modules"

#define NREQUIRED ((size_t)R9P_ROOT_NMODULES)

/* Names as the kernel has them: '-' is '_'. */
static char *module_name(const char *path)
{
	const char *base = strrchr(path, '/');
	char *n, *p;

	n = xstrdup(base ? base + 1 : path);
	p = strstr(n, ".ko");
	if (!p)
		p = strrchr(n, '.');
	if (p)
		*p = '\0';
	for (p = n; *p; p++)
		if (*p == '-')
			*p = '_';
	return n;
}

struct names {
	char **name, **rel;	/* rel: path in the tree, ".ko" */
	size_t n;
};

static void names_free(struct names *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->name[i]);
		free(t->rel[i]);
	}
	free(t->name);
	free(t->rel);
}

/* One line per module: "fs/9p/9p.ko", "kernel/fs/9p/9p.ko" or ".o". */
static int read_list(const char *tree, const char *file, struct names *t,
		     struct r9p_err *e)
{
	char *path = xasprintf("%s/%s", tree, file), line[4096], *rel;
	FILE *f = fopen(path, "re");
	size_t len;

	memset(t, 0, sizeof(*t));
	if (!f) {
		int err = -errno;

		r9p_errf(e, KBUILD_STEP, err, NULL,
			 "open %s: %s%s", path, strerror(-err),
			 err == -ENOENT && !strcmp(file, "modules.order") ?
			 ": run make (or make modules) in the tree first" :
			 "");
		free(path);
		return err;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		len = strlen(line);
		t->name = xrealloc(t->name, (t->n + 1) * sizeof(*t->name));
		t->rel = xrealloc(t->rel, (t->n + 1) * sizeof(*t->rel));
		t->name[t->n] = module_name(line);
		rel = line;
		if (!strncmp(rel, "kernel/", 7))
			rel += 7;
		if (len > 2 && !strcmp(line + len - 2, ".o"))
			t->rel[t->n] = xasprintf("%.*sko", (int)strlen(rel) - 1,
						 rel);
		else
			t->rel[t->n] = xstrdup(rel);
		t->n++;
	}
	fclose(f);
	free(path);
	return 0;
}

static long find(const struct names *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->name[i], name))
			return (long)i;
	return -1;
}

struct kres {
	struct r9p_modset *ms;
	const char *tree;
	struct names order, builtin;
};

/* The index of NAME in the set, added when new; -1 when not a module. */
static long add(struct kres *k, const char *name)
{
	struct r9p_modset *ms = k->ms;
	struct r9p_module *m;
	long o = find(&k->order, name);
	size_t i;

	if (o < 0)
		return -1;
	for (i = 0; i < ms->n; i++)
		if (!strcmp(ms->v[i].name, name))
			return (long)i;
	ms->v = xrealloc(ms->v, (ms->n + 1) * sizeof(*ms->v));
	m = &ms->v[ms->n];
	memset(m, 0, sizeof(*m));
	m->name = xstrdup(name);
	m->path = xasprintf("%s/%s", k->tree, k->order.rel[o]);
	m->relpath = xasprintf("kernel/%s", k->order.rel[o]);
	return (long)ms->n++;
}

/* Edges from module I to each name of LIST (split on SEPS), skipping
 * built-ins and softdep's "pre:"/"post:" words (post ones are not needed
 * before I: they stop at "post:"). */
static int add_edges(struct kres *k, size_t i, char *list, const char *seps,
		     struct r9p_err *e)
{
	char *name, *save = NULL, *dn;
	long d;

	for (name = strtok_r(list, seps, &save); name;
	     name = strtok_r(NULL, seps, &save)) {
		if (!strcmp(name, "pre:"))
			continue;
		if (!strcmp(name, "post:"))
			break;
		dn = module_name(name);
		d = add(k, dn);
		if (d < 0 && find(&k->builtin, dn) < 0) {
			r9p_errf(e, KBUILD_STEP, -ENOENT, NULL,
				 "module %s of the build tree %s needs "
				 "%s, which the tree neither lists in "
				 "modules.order nor builds in: rebuild "
				 "it (make modules)", k->ms->v[i].name,
				 k->tree, dn);
			free(dn);
			return -ENOENT;
		}
		free(dn);
		if (d < 0)
			continue;
		k->ms->v[i].deps = xrealloc(k->ms->v[i].deps,
			(k->ms->v[i].ndeps + 1) * sizeof(size_t));
		k->ms->v[i].deps[k->ms->v[i].ndeps++] = (size_t)d;
	}
	return 0;
}

static int close_over_deps(struct kres *k, struct r9p_err *e)
{
	char *deps, *soft;
	size_t i;
	int err = 0;

	/* ms->n grows while we walk: new modules get their turn. */
	for (i = 0; !err && i < k->ms->n; i++) {
		err = r9p_module_file_deps(k->ms->v[i].path, &deps, &soft);
		if (err)
			r9p_errf(e, KBUILD_STEP, err, NULL,
				 "read the modinfo of %s: %s",
				 k->ms->v[i].path, strerror(-err));
		if (!err)
			err = add_edges(k, i, deps, ",", e);
		if (!err)
			err = add_edges(k, i, soft, " ", e);
		free(deps);
		free(soft);
	}
	return err;
}

int r9p_kbuild_resolve(struct r9p_modset *ms, const char *tree, int mmio,
		       const char *const *extra, size_t nextra,
		       struct r9p_err *e)
{
	const struct r9p_root_module *req[NREQUIRED];
	int missing[NREQUIRED] = { 0 }, nmissing = 0, err;
	struct r9p_err none;	/* no modules.builtin is no failure */
	struct kres k;
	size_t i, *roots = NULL, nroots = 0;
	const char *name;
	char *n, *msg;
	long r;

	memset(ms, 0, sizeof(*ms));
	memset(&k, 0, sizeof(k));
	k.ms = ms;
	k.tree = tree;
	err = read_list(tree, "modules.order", &k.order, e);
	if (err)
		return err;
	/* No modules.builtin: nothing is built in that we ask for. */
	read_list(tree, "modules.builtin", &k.builtin, &none);
	for (i = 0; i < NREQUIRED; i++)
		req[i] = &r9p_root_modules[i];
	if (mmio)
		req[0] = &r9p_root_mmio_bus;
	for (i = 0; i < NREQUIRED + nextra; i++) {
		name = i < NREQUIRED ? req[i]->name : extra[i - NREQUIRED];
		n = module_name(name);
		r = add(&k, n);
		if (r >= 0) {
			roots = xrealloc(roots, (nroots + 1) * sizeof(*roots));
			roots[nroots++] = (size_t)r;
		} else if (find(&k.builtin, n) >= 0) {
			ms->builtin = xrealloc(ms->builtin, (ms->nbuiltin + 1) *
					       sizeof(*ms->builtin));
			ms->builtin[ms->nbuiltin++] = xstrdup(n);
		} else if (i < NREQUIRED) {
			missing[i] = 1;
			nmissing++;
		} else {
			r9p_errf(e, KBUILD_STEP, -ENOENT, NULL,
				 "module %s is neither in %s/modules.order "
				 "nor in modules.builtin: enable it in the "
				 "tree's .config and rebuild", name, tree);
			err = -ENOENT;
		}
		free(n);
		if (err)
			goto out;
	}
	if (nmissing) {
		msg = r9p_modules_explain_missing(req, missing, tree,
						  "of the build tree", 0);
		r9p_errf(e, KBUILD_STEP, -ENOENT, NULL, "%s", msg);
		free(msg);
		err = -ENOENT;
		goto out;
	}
	err = close_over_deps(&k, e);
	if (!err)
		err = r9p_modset_order(ms, roots, nroots, e);
out:
	free(roots);
	names_free(&k.order);
	names_free(&k.builtin);
	return err;
}
