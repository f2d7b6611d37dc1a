/* SPDX-License-Identifier: MIT */
/*
 * init/modrun.c - load root9p.load's modules, two chains at a time when
 * the guest has the CPUs for it.
 *
 * virtio_pci's finit_module() runs the device probe, the largest single
 * cost of the boot; the 9p chain (netfs, fscache, 9pnet, 9p) needs no
 * device. With 2 or more online CPUs a child process (fork: klibc has no
 * threads) loads the bus driver's chain while PID 1 loads the modules
 * that need none of it; what needs both (9pnet_virtio) follows. On one
 * CPU a second process only adds switches: the list order is kept
 * (DESIGN.md, "Parallel module loading", has the numbers). Either way the
 * failure reported is the one a sequential load would have hit first.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/root.h"
#include "init/log.h"
#include "init/modinfo.h"
#include "init/modload.h"
#include "init/modplan.h"

#define BIT(i) (1ULL << (i))

/* What a set of modules came to; the child sends it back whole. */
struct outcome {
	int err;
	int loaded;
	size_t at;		/* index of the failed module */
	char failed[I9P_MODNAME_MAX];
	char hint[I9P_HINT_MAX];
};

/* Modules names compare with '-' and '_' alike, as modprobe's do. */
static int same_module(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') &&
				  (*b == '-' || *b == '_')))
			return 0;
	return *a == *b;
}

static size_t find_name(const struct i9p_modlist *ml, const char *name)
{
	size_t i;

	for (i = 0; i < ml->n; i++)
		if (same_module(ml->name[i], name))
			return i;
	return ml->n;
}

/* "0-1,3" from /sys: the number of online CPUs, 1 when unreadable. */
static int online_cpus(void)
{
	char buf[128], *p = buf, *end;
	long a, b;
	int fd = open("/sys/devices/system/cpu/online", O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int cpus = 0;

	if (fd < 0)
		return 1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	while (*p >= '0' && *p <= '9') {
		a = b = strtol(p, &end, 10);
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		cpus += b >= a ? (int)(b - a + 1) : 1;
		p = *end == ',' ? end + 1 : end;
	}
	return cpus > 0 ? cpus : 1;
}

/* DEPS[i] from each module's "depends=". Names the list does not hold
 * (built in, or loaded already) are no edge; a module that cannot be
 * read has none either: loading it fails and says why, in its turn. */
static void read_deps(const struct i9p_modlist *ml, unsigned long long *deps)
{
	char names[512], *p, *name;
	size_t i, j;

	for (i = 0; i < ml->n; i++) {
		deps[i] = 0;
		if (i9p_modinfo_depends(ml->path[i], names, sizeof(names)) < 0)
			continue;
		for (p = names; (name = strsep(&p, ",")) != NULL;)
			if (*name && (j = find_name(ml, name)) < ml->n)
				deps[i] |= BIT(j);
	}
}

static void load_set(const struct r9p_cmdline *c, const struct i9p_modlist *ml,
		     unsigned long long mask, struct outcome *o)
{
	struct i9p_modload r;
	size_t i;

	memset(&r, 0, sizeof(r));
	for (i = 0; i < ml->n && !o->err; i++) {
		if (mask != ~0ULL && !(mask & BIT(i)))
			continue;
		o->err = i9p_module_load(c, ml->path[i], &r);
		if (o->err) {
			o->at = i;
			snprintf(o->failed, sizeof(o->failed), "%s", r.failed);
			snprintf(o->hint, sizeof(o->hint), "%s", r.hint);
		}
	}
	o->loaded += r.loaded;
}

/* The child's outcome, or a failure of the child itself. */
static void collect(int fd, pid_t pid, const struct i9p_modlist *ml,
		    unsigned long long mask, struct outcome *o)
{
	size_t got = 0;
	ssize_t n;
	int status;

	while (got < sizeof(*o) &&
	       ((n = read(fd, (char *)o + got, sizeof(*o) - got)) > 0 ||
		(n < 0 && errno == EINTR)))
		got += n > 0 ? (size_t)n : 0;
	close(fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got == sizeof(*o))
		return;
	memset(o, 0, sizeof(*o));
	o->err = -EIO;
	for (o->at = 0; o->at < ml->n && !(mask & BIT(o->at)); o->at++)
		;
	snprintf(o->failed, sizeof(o->failed), "%s",
		 o->at < ml->n ? ml->path[o->at] : "module loader");
	snprintf(o->hint, sizeof(o->hint),
		 "the loading process died: check dmesg for the kernel's "
		 "reason");
}

/* The names of MASK's modules, for the debug log. */
static void names_of(const struct i9p_modlist *ml, unsigned long long mask,
		     char *out, size_t len)
{
	size_t i, n = 0;

	*out = '\0';
	for (i = 0; i < ml->n && n < len; i++)
		if (mask & BIT(i))
			n += snprintf(out + n, len - n, "%s%s", n ? " " : "",
				      ml->name[i]);
}

/* The bus driver's index in ML (virtio_pci, or virtio_mmio), or n. */
static size_t find_bus(const struct i9p_modlist *ml)
{
	size_t i = find_name(ml, r9p_root_modules[0].name);

	return i < ml->n ? i : find_name(ml, r9p_root_mmio_bus.name);
}

/* 1 with P filled in when ML should load in two processes, else 0; says
 * why not in the debug log. */
static int plan(const struct r9p_cmdline *c, const struct i9p_modlist *ml,
		int cpus, struct i9p_modplan *p)
{
	static unsigned long long deps[I9P_MODS_MAX];
	size_t bus;

	if (!strcmp(c->modload, "sequential"))
		return 0;
	if (*c->modload && strcmp(c->modload, "parallel") &&
	    strcmp(c->modload, "auto"))
		i9p_warn("warning: root9p.modload=%s: not auto, parallel or "
			 "sequential; taken as auto", c->modload);
	if (cpus < 2 && strcmp(c->modload, "parallel"))
		return 0;
	if (ml->n > I9P_MODS_MAX || (bus = find_bus(ml)) >= ml->n) {
		i9p_debug("modules: no bus driver among %zu: one at a time",
			  ml->n);
		return 0;
	}
	read_deps(ml, deps);
	return i9p_modplan_split(deps, ml->n, bus, p) == 1;
}

/* Two processes; -1 (nothing loaded) when fork() is refused. */
static int run_parallel(const struct r9p_cmdline *c,
			const struct i9p_modlist *ml,
			const struct i9p_modplan *p, struct outcome *mine)
{
	struct outcome child;
	int fds[2], loaded;
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	memset(&child, 0, sizeof(child));
	/* A fork without an exec (the child loads modules itself and sends
	 * its outcome back): nothing for r9p_spawn_run(). */
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		load_set(c, ml, p->bus, &child);
		_exit(write(fds[1], &child, sizeof(child)) ==
		      (ssize_t)sizeof(child) ? 0 : 1);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -1;
	}
	load_set(c, ml, p->beside, mine);
	collect(fds[0], pid, ml, p->bus, &child);
	/* The failure a sequential load would have met first. */
	if (child.err && (!mine->err || child.at < mine->at)) {
		loaded = mine->loaded;
		*mine = child;
		child.loaded = loaded;
	}
	mine->loaded += child.loaded;
	if (!mine->err)
		load_set(c, ml, p->after, mine);
	return 0;
}

int i9p_modlist_run(const struct r9p_cmdline *c, const struct i9p_modlist *ml,
		    struct i9p_modload *r)
{
	static char how[40];
	struct outcome o;
	struct i9p_modplan p;
	char a[256], b[256], after[256];
	int cpus = online_cpus(), par = plan(c, ml, cpus, &p);

	memset(&o, 0, sizeof(o));
	snprintf(how, sizeof(how), "%s on %d CPU%s",
		 par ? "parallel" : "sequential", cpus, cpus == 1 ? "" : "s");
	if (par) {
		names_of(ml, p.bus, a, sizeof(a));
		names_of(ml, p.beside, b, sizeof(b));
		names_of(ml, p.after, after, sizeof(after));
		i9p_debug("modules: %s: [%s] beside [%s], then [%s]", how, a,
			  b, after);
		if (run_parallel(c, ml, &p, &o) < 0) {
			i9p_debug("modules: fork: %s: one at a time",
				  strerror(errno));
			par = 0;
			snprintf(how, sizeof(how), "sequential on %d CPU%s",
				 cpus, cpus == 1 ? "" : "s");
		}
	}
	if (!par) {
		i9p_debug("modules: %s: %zu in list order", how, ml->n);
		load_set(c, ml, ~0ULL, &o);
	}
	r->how = how;
	r->loaded = o.loaded;
	memcpy(r->failed, o.failed, sizeof(r->failed));
	memcpy(r->hint, o.hint, sizeof(r->hint));
	return o.err;
}
