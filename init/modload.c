/* SPDX-License-Identifier: MIT */
/*
 * init/modload.c - read root9p.load and finit_module() each entry
 * (modrun.c decides in which order and how many at a time).
 *
 * The list is taken as is: mkinitrd9p resolved the order from
 * modules.dep, so init9p needs no libkmod. Module parameters come from the
 * kernel command line (module.param=value), which the kernel itself only
 * applies to built-in code; for modules, modprobe would do it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "engine/scratch.h"
#include "init/compat.h"
#include "init/log.h"
#include "init/modload.h"
#include "mount9p/mount.h"

#define MODROOT "/lib/modules"

void i9p_module_name(const char *path, char *out, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strcspn(base, ".");
	if (n >= len)
		n = len - 1;
	memcpy(out, base, n);
	out[n] = '\0';
}

int i9p_module_load(const struct r9p_cmdline *c, const char *path,
		    struct i9p_modload *r)
{
	char name[64], params[512];
	long long t0 = r9p_now_ms();
	int fd, err;

	i9p_module_name(path, name, sizeof(name));
	if (r9p_cmdline_modparams(c, name, params, sizeof(params)) < 0) {
		snprintf(r->failed, sizeof(r->failed), "%s", path);
		snprintf(r->hint, sizeof(r->hint),
			 "shorten the %s.* parameters on the command line", name);
		return -E2BIG;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	err = i9p_finit_module(fd, params);
	close(fd);
	if (err == -EEXIST)
		err = 0;
	if (err)
		goto fail;
	r->loaded++;
	i9p_debug("loaded %s%s%s in %lld ms", name, *params ? " " : "", params,
		  r9p_now_ms() - t0);
	return 0;
fail:
	snprintf(r->failed, sizeof(r->failed), "%s", path);
	snprintf(r->hint, sizeof(r->hint), "%s",
		 err == -ENOEXEC || err == -EINVAL ?
		 "the module does not match this kernel: rebuild the image "
		 "with mkinitrd9p -k $(uname -r)" :
		 err == -ENOENT ? "the image is incomplete: rebuild it" :
		 "check dmesg for the kernel's reason");
	return err;
}

/* Search DIR recursively for NAME.ko; PATH gets the full path. */
static int find_module(const char *dir, const char *name, char *path,
		       size_t len)
{
	char sub[512], want[80];
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);
	int found = 0;

	if (!d)
		return 0;
	snprintf(want, sizeof(want), "%s.ko", name);
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		if (lstat(sub, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			found = find_module(sub, name, path, len);
		else if (strcmp(de->d_name, want) == 0) {
			snprintf(path, len, "%s", sub);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

/* The list's entries, as paths; 0, or -errno with R filled in. */
static int read_list(const char *kdir, struct i9p_modlist *ml,
		     struct i9p_modload *r)
{
	char list[300], line[512];
	FILE *f;

	ml->n = 0;
	snprintf(list, sizeof(list), "%s/root9p.load", kdir);
	f = fopen(list, "r");
	if (!f) {
		int err = -errno;

		/* No modules folder at all: a kernel with 9p built in. */
		if (errno == ENOENT && access(MODROOT, F_OK) < 0)
			return 0;
		snprintf(r->failed, sizeof(r->failed), "%s", list);
		snprintf(r->hint, sizeof(r->hint),
			 "the image was made for another kernel (see %s): "
			 "rebuild it with mkinitrd9p -k $(uname -r)", MODROOT);
		return err;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (ml->n == I9P_LIST_MAX) {
			fclose(f);
			snprintf(r->failed, sizeof(r->failed), "%s", list);
			snprintf(r->hint, sizeof(r->hint), "the image lists "
				 "more than %d modules: rebuild it with fewer",
				 I9P_LIST_MAX);
			return -E2BIG;
		}
		snprintf(ml->path[ml->n], sizeof(ml->path[0]), "%s/%s", kdir,
			 line);
		i9p_module_name(line, ml->name[ml->n], sizeof(ml->name[0]));
		ml->n++;
	}
	fclose(f);
	return 0;
}

/* Is NAME loaded already: in the image's list (loaded just before), or
 * built into the kernel or loaded (/sys/module/NAME)? The engine asks for
 * what the settings need (overlay, a scratch disk's ext4) by name; a
 * kernel with that built in has no module for it, and loading a module
 * twice costs a whole finit_module under TCG. */
static int have_module(const struct i9p_modlist *list, const char *name)
{
	char sysname[64 + sizeof("/sys/module/")], *q;
	size_t i;

	for (i = 0; i < list->n; i++)
		if (strcmp(list->name[i], name) == 0)
			return 1;
	snprintf(sysname, sizeof(sysname), "/sys/module/%s", name);
	for (q = sysname + sizeof("/sys/module/") - 1; *q; q++)
		if (*q == '-')
			*q = '_';
	return access(sysname, F_OK) == 0;
}

/* A scratch disk's driver and file system: the disk never fails the boot
 * (the engine falls back to the tmpfs and says why), so neither does an
 * image built without them. */
static int optional_module(const char *name)
{
	size_t i;

	for (i = 0; r9p_scratch_modules[i]; i++)
		if (strcmp(r9p_scratch_modules[i], name) == 0)
			return 1;
	return 0;
}

static int load_extra(const struct r9p_cmdline *c, const char *kdir,
		      const struct i9p_modlist *list, struct i9p_modload *r)
{
	char names[256], path[800], *p, *name;
	int err;

	snprintf(names, sizeof(names), "%s", c->modules);
	for (p = names; (name = strsep(&p, ",")) != NULL;) {
		if (!*name || have_module(list, name))
			continue;
		if (!find_module(kdir, name, path, sizeof(path))) {
			if (optional_module(name)) {
				i9p_warn("warning: the image has no %s module: "
					 "scratch disks need an image made "
					 "with mkinitrd9p --scratch", name);
				continue;
			}
			snprintf(r->failed, sizeof(r->failed), "%s", name);
			snprintf(r->hint, sizeof(r->hint),
				 "root9p.modules names a module the image does "
				 "not have: add it with mkinitrd9p --modules=%s",
				 name);
			return -ENOENT;
		}
		err = i9p_module_load(c, path, r);
		if (err)
			return err;
	}
	return 0;
}

int i9p_modules_load(const struct r9p_cmdline *c, struct i9p_modload *r)
{
	static struct i9p_modlist list;
	struct utsname u;
	char kdir[300];
	int err;

	memset(r, 0, sizeof(*r));
	if (uname(&u) < 0)
		return -errno;
	snprintf(kdir, sizeof(kdir), "%s/%s", MODROOT, u.release);
	err = read_list(kdir, &list, r);
	if (!err)
		err = i9p_modlist_run(c, &list, r);
	if (!err && *c->modules)
		err = load_extra(c, kdir, &list, r);
	return err;
}
