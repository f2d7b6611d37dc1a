// SPDX-License-Identifier: MIT
/*
 * engine/extramount.c - root9p.mount=TAG:/path[:opts]: check each entry
 * with the option library, then mount it in the new root, walking the
 * path one folder at a time without following a link (a root is a host
 * tree: a link in it must not lead a mount out of it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/extramount.h"
#include "engine/root.h"
#include "mount9p/mount.h"
#include "mount9p/tags.h"

#ifndef O_PATH
#define O_PATH 010000000	/* klibc's headers lack it */
#endif

/* The step of r9p_extra_parse_one's struct r9p_err. */
#define MOUNT_STEP "use root9p.mount"

/* "/a/b": absolute, not "/" itself, no empty, "." or ".." part. */
static const char *path_problem(const char *p, size_t n)
{
	size_t i = 0, start;

	if (n == 0 || p[0] != '/')
		return "is not an absolute path";
	if (n >= R9P_EXTRA_PATH_MAX)
		return "is too long";
	if (n == 1)
		return "is the root itself";
	while (i < n) {
		start = ++i;	/* past the '/' */
		while (i < n && p[i] != '/')
			i++;
		if (i == start && i < n)
			return "has an empty part (//)";
		if ((i - start == 1 && p[start] == '.') ||
		    (i - start == 2 && p[start] == '.' && p[start + 1] == '.'))
			return "has a . or .. part";
	}
	return NULL;
}

int r9p_extra_parse_one(const char *value, const struct r9p_kernel *k,
			struct r9p_extra *x, struct r9p_err *e)
{
	static struct r9p_opts o;	/* large; PID 1's stack is small */
	const char *colon = strchr(value, ':'), *path, *end, *why;
	struct r9p_diags d;
	size_t plen;

	memset(x, 0, sizeof(*x));
	if (!colon || colon == value) {
		r9p_errf(e, MOUNT_STEP, -EINVAL, NULL,
			 "root9p.mount=%s: write TAG:/path[:options]",
			 value);
		return e->code;
	}
	if ((size_t)(colon - value) >= sizeof(x->tag)) {
		r9p_errf(e, MOUNT_STEP, -EINVAL, NULL,
			 "root9p.mount=%s: the tag is too long", value);
		return e->code;
	}
	memcpy(x->tag, value, colon - value);
	r9p_diags_init(&d);
	if (r9p_tag_check(x->tag, &d) < 0) {
		r9p_errf(e, MOUNT_STEP, -EINVAL, NULL,
			 "root9p.mount=%s: %s", value, d.d[0].text);
		return e->code;
	}
	path = colon + 1;
	end = strchr(path, ':');
	plen = end ? (size_t)(end - path) : strlen(path);
	why = path_problem(path, plen);
	if (why) {
		r9p_errf(e, MOUNT_STEP, -EINVAL, NULL,
			 "root9p.mount=%s: the path \"%.*s\" %s; "
			 "write an absolute path in the root such as /mnt/data",
			 value, (int)plen, path, why);
		return e->code;
	}
	memcpy(x->path, path, plen);
	if (r9p_opts_parse(end ? end + 1 : "", k, R9P_DEFAULTS, &o) < 0) {
		for (why = "refused", plen = 0; plen < (size_t)o.diags.n; plen++)
			if (o.diags.d[plen].level == R9P_ERR) {
				why = o.diags.d[plen].text;
				break;
			}
		r9p_errf(e, MOUNT_STEP, -EINVAL, NULL,
			 "root9p.mount=%s: %s (mount9p --explain -o "
			 "OPTS says what this kernel takes)", value, why);
		return e->code;
	}
	x->mflags = o.mflags;
	x->rdonly = o.rdonly == 1;
	snprintf(x->data, sizeof(x->data), "%s", o.data);
	return 0;
}

int r9p_extra_parse(const struct r9p_cmdline *c, const struct r9p_kernel *k,
		    struct r9p_extras *x, struct r9p_diags *d)
{
	struct r9p_err e;
	int i;

	x->n = 0;
	for (i = 0; i < c->nmounts; i++) {
		if (r9p_extra_parse_one(c->mounts[i], k, &x->m[x->n], &e) == 0)
			x->n++;
		else
			r9p_diag_add(d, R9P_WARN, "%s; that share is not "
				     "mounted", e.why);
	}
	if (c->nmounts_dropped)
		r9p_diag_add(d, R9P_WARN, "more than %d root9p.mount= "
			     "values: the last %d are not mounted",
			     R9P_CMDLINE_MOUNTS, c->nmounts_dropped);
	return x->n;
}

char *r9p_extra_describe(const struct r9p_extras *x, char *buf, size_t len)
{
	static struct r9p_opts o;	/* large; only its flags are used */
	char flags[128];
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < x->n && used < len; i++) {
		/* Every mount flag the entry keeps (nosuid, noexec ...), not
		 * only ro: the data string does not hold them. rw is the
		 * default, left unsaid. */
		o.mflags = x->m[i].mflags;
		o.rdonly = x->m[i].rdonly ? 1 : -1;
		r9p_opts_flags(&o, flags, sizeof(flags));
		used += snprintf(buf + used, len - used, "%s%s:%s:%s%s%s",
				 i ? " " : "", x->m[i].tag, x->m[i].path, flags,
				 *flags && *x->m[i].data ? "," : "",
				 x->m[i].data);
	}
	return buf;
}

/* WHY of open_in_root: NEWROOT, the part (at most R9P_EXTRA_PATH_MAX)
 * and strerror. */
#define OPEN_WHY_MAX 400

/* NEWROOT/PATH opened folder by folder, never through a link: an fd, or
 * -errno with WHY saying which part. */
static int open_in_root(const char *newroot, const char *path, char *why,
			size_t len)
{
	char part[R9P_EXTRA_PATH_MAX];
	const char *p = path + 1, *end;
	int fd, next;

	fd = open(newroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "%s: %s", newroot, strerror(errno));
		return -errno;
	}
	while (*p) {
		end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		snprintf(part, sizeof(part), "%.*s", (int)(end - p), p);
		next = openat(fd, part, O_PATH | O_DIRECTORY | O_NOFOLLOW |
			      O_CLOEXEC);
		if (next < 0) {
			int err = errno;

			snprintf(why, len, "%.*s %s in the root", (int)(end - path),
				 path, err == ENOENT ? "does not exist (make the "
				 "folder in the root)" : err == ENOTDIR ||
				 err == ELOOP ? "is a symbolic link or not a "
				 "folder (links are not followed)" :
				 strerror(err));
			close(fd);
			return -err;
		}
		close(fd);
		fd = next;
		p = *end ? end + 1 : end;
	}
	return fd;
}

static void mount_one(const struct r9p_extra *e, const char *newroot,
		      long long timeout_ms, r9p_say_fn say, void *ctx)
{
	static struct r9p_opts o;
	char why[OPEN_WHY_MAX], target[64], tags[512];
	long long t = r9p_now_ms();
	int fd, err = 0, tries;

	/* trans=tcp: TAG is the server's address, not a virtio tag; the
	 * mount below retries a refused connection instead. */
	if (strncmp(e->data, "trans=tcp", 9) || (e->data[9] && e->data[9] != ','))
		err = r9p_wait_tag(e->tag, timeout_ms, NULL, NULL);
	if (err) {
		r9p_root_sayf(say, ctx, R9P_SAY_WARN, "warning: root9p.mount: mount tag "
		     "\"%s\" for %s not found after %lld s (tags present: %s); "
		     "the boot goes on without it", e->tag, e->path,
		     timeout_ms / 1000, r9p_tags_describe(tags, sizeof(tags)));
		return;
	}
	fd = open_in_root(newroot, e->path, why, sizeof(why));
	if (fd < 0) {
		r9p_root_sayf(say, ctx, R9P_SAY_WARN, "warning: root9p.mount: cannot "
		     "mount %s on %s: %s; the boot goes on without it", e->tag,
		     e->path, why);
		return;
	}
	memset(&o, 0, sizeof(o));
	o.mflags = e->mflags;
	o.rdonly = e->rdonly;
	snprintf(o.data, sizeof(o.data), "%s", e->data);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	err = r9p_mount(e->tag, target, &o, timeout_ms, &tries);
	close(fd);
	if (err)
		r9p_root_sayf(say, ctx, R9P_SAY_WARN, "warning: root9p.mount: mount -t "
		     "9p -o %s %s %s: %s (%s); the boot goes on without it",
		     e->data, e->tag, e->path, strerror(-err),
		     r9p_mount_hint(err));
	else
		r9p_root_sayf(say, ctx, R9P_SAY_INFO, "mounted %s on %s in %lld ms "
		     "(%s%s)", e->tag, e->path, r9p_now_ms() - t,
		     e->rdonly ? "ro," : "", e->data);
}

void r9p_root_mount_extra(const struct r9p_root *r, const char *newroot,
			  r9p_say_fn say, void *ctx)
{
	int i;

	for (i = 0; i < r->extras.n; i++)
		mount_one(&r->extras.m[i], newroot, r->timeout_ms, say, ctx);
}
