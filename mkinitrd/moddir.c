/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/moddir.c - locate lib/modules/KVER under BASE, or say why not.
 *
 * A wrong -k or -b is the most common mistake, so the message lists the
 * kernel versions that do exist in both places tried.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "mkinitrd/moddir.h"
#include "mkinitrd/util.h"

/* The step of a struct r9p_err of this file (its why says the rest). */
#define MODDIR_STEP "find the modules"

/* Relative to BASE, in the order tried. */
static const char *const prefixes[] = { "", "/usr" };
#define NPREFIXES ARRAY_SIZE(prefixes)

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "DIR has a, b" (sorted), or "DIR has none". */
static char *describe_kvers(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL, *s, *t;
	size_t n = 0, i;

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = xstrdup(de->d_name);
	}
	if (d)
		closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	s = xasprintf("%s has %s", dir, n ? "" : "none");
	for (i = 0; i < n; i++) {
		t = xasprintf("%s%s%s", s, i ? ", " : "", v[i]);
		free(s);
		free(v[i]);
		s = t;
	}
	free(v);
	return s;
}

int r9p_moddir_find(const char *base, const char *kver, char **dir,
		    struct r9p_err *e)
{
	char *cand[NPREFIXES] = { NULL }, *have[NPREFIXES] = { NULL };
	char *path = NULL;
	size_t i, len = strlen(base), found = NPREFIXES;
	int err = -ENOENT;

	/* "/" and "x/" must not give "//lib" or "x//lib". */
	while (len > 0 && base[len - 1] == '/')
		len--;
	for (i = 0; i < NPREFIXES; i++) {
		cand[i] = xasprintf("%.*s%s/lib/modules/%s", (int)len, base,
				    prefixes[i], kver);
		if (found == NPREFIXES && is_dir(cand[i]))
			found = i;
	}
	if (found == NPREFIXES) {
		for (i = 0; i < NPREFIXES; i++) {
			path = xasprintf("%.*s%s/lib/modules", (int)len, base,
					 prefixes[i]);
			have[i] = describe_kvers(path);
			free(path);
		}
		path = NULL;
		r9p_errf(e, MODDIR_STEP, -ENOENT, NULL,
			 "no modules for kernel %s: neither %s nor %s "
			 "exists (%s; %s): check -k, or give -b the "
			 "root of an unpacked kernel", kver, cand[0],
			 cand[1], have[0], have[1]);
		goto out;
	}
	path = xasprintf("%s/modules.dep", cand[found]);
	if (access(path, R_OK) != 0) {
		free(path);
		/* depmod -b wants the directory that holds lib/modules. */
		path = xasprintf("%.*s%s", (int)len, base, prefixes[found]);
		r9p_errf(e, MODDIR_STEP, -ENOENT, NULL,
			 "no modules.dep in %s: run depmod -b %s %s",
			 cand[found], *path ? path : "/", kver);
		goto out;
	}
	*dir = cand[found];
	cand[found] = NULL;
	err = 0;
out:
	for (i = 0; i < NPREFIXES; i++) {
		free(cand[i]);
		free(have[i]);
	}
	free(path);
	return err;
}
