/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_effective.c - read 9p mounts back from mountinfo and
 * compare them with the request.
 *
 * Samples follow the kernels' show_options: 6.1 prints the cache mode as
 * a bare word and sets dirsync; 6.12 prints "cache=0x5" (6.4-6.18 without
 * the %#x fix print "cache=5"); msize only when not the default (131072
 * on 6.1, 131096 from 6.2).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "common/array.h"
#include "tests/unit/t.h"
#include "mount9p/effective.h"
#include "mount9p/mountinfo.h"

static const char line61[] =
	"25 1 0:22 / /root rw,relatime shared:1 - 9p rootfs "
	"rw,dirsync,mmap,access=client,msize=512000,trans=virtio\n";
static const char line612[] =
	"26 1 0:23 / /data rw,relatime - 9p data "
	"rw,cache=0x5,access=client,msize=512000,trans=virtio\n";

static char root[4096];

static void mkdir_in(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	CHECK(mkdir(path, 0755) == 0, "mkdir %s", path);
}

static void write_mountinfo(void)
{
	char path[256];
	FILE *f;

	mkdir_in("proc");
	mkdir_in("proc/self");
	mkdir_in("root");
	mkdir_in("data");
	mkdir_in("a b");
	snprintf(path, sizeof(path), "%s/proc/self/mountinfo", root);
	f = fopen(path, "w");
	CHECK(f != NULL, "write %s", path);
	if (!f)
		return;
	fprintf(f, "22 1 0:21 / / rw - rootfs rootfs rw\n");
	fprintf(f, "25 22 0:22 / %s/root rw,relatime shared:1 - 9p rootfs "
		"rw,dirsync,mmap,access=client,msize=512000,trans=virtio\n", root);
	fprintf(f, "26 22 0:23 / %s/data rw,relatime - 9p data "
		"rw,cache=0x5,access=client,msize=512000,trans=virtio\n", root);
	/* a second mount on top of the first: the last line wins */
	fprintf(f, "27 25 0:24 / %s/root ro,nosuid - 9p other "
		"ro,cache=f,access=user,trans=virtio,version=9p2000.u\n", root);
	fprintf(f, "28 22 0:25 / %s/a\\040b rw - 9p spaced rw,trans=virtio\n",
		root);
	fclose(f);
	snprintf(path, sizeof(path), "%s/proc", root);
	r9p_mountinfo_set_proc(path);
}

static void test_read(void)
{
	struct r9p_effective e;
	char path[256];

	snprintf(path, sizeof(path), "%s/data", root);
	CHECK(r9p_effective_read(path, &e) == 0, "read %s", path);
	CHECK_STR(e.source, "data", "source");
	CHECK_STR(e.fstype, "9p", "fstype");
	CHECK_STR(e.mount_opts, "rw,relatime", "mount opts");
	CHECK_STR(e.super_opts, "rw,cache=0x5,access=client,msize=512000,"
		  "trans=virtio", "super opts");
	CHECK(e.msize == 512000, "msize %lu", e.msize);
	CHECK_STR(e.cache, "0x5", "cache as shown");
	CHECK(!e.rdonly && !e.posixacl, "rw, no acl");
	/* trailing slash and .. canonicalize to the same mount point */
	snprintf(path, sizeof(path), "%s/root/../data/", root);
	CHECK(r9p_effective_read(path, &e) == 0, "canonical path");
	snprintf(path, sizeof(path), "%s/root", root);
	CHECK(r9p_effective_read(path, &e) == 0, "stacked");
	CHECK_STR(e.source, "other", "the top mount");
	CHECK(e.rdonly == 1 && e.msize == 0, "ro, msize not shown");
	CHECK_STR(e.cache, "f", "cache=f, no 0x");
	snprintf(path, sizeof(path), "%s/a b", root);
	CHECK(r9p_effective_read(path, &e) == 0, "escaped mount point");
	CHECK_STR(e.source, "spaced", "\\040 is a space");
	CHECK(r9p_effective_read(root, &e) == -ENOENT, "not a mount point");
	CHECK(r9p_effective_read("/nonexistent/x", &e) == -ENOENT, "no dir");
}

static void test_parse_line(void)
{
	struct r9p_mountinfo mi;
	struct r9p_effective e;
	char line[512];
	static const char *const bad[] = {
		"", "1 2 3", "1 2 3 4 5 6", "1 2 3 4 5 6 no dash",
		"1 2 3 4 5 6 - 9p", "1 2 3 4 5 6 shared:1",
	};
	size_t i;

	snprintf(line, sizeof(line), "%s", line61);
	CHECK(r9p_effective_parse_line(line, &e) == 0, "6.1 line");
	CHECK_STR(e.cache, "mmap", "6.1 bare cache word");
	CHECK(e.msize == 512000 && !e.rdonly && !e.posixacl, "6.1 fields");
	snprintf(line, sizeof(line), "%s", "29 1 0:26 / /acl ro - 9p acl "
		 "rw,dirsync,access=client,posixacl,trans=virtio");
	CHECK(r9p_effective_parse_line(line, &e) == 0, "acl line");
	CHECK(e.posixacl && e.rdonly && !*e.cache && !e.msize, "acl fields");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(line, sizeof(line), "%s", bad[i]);
		CHECK(r9p_mountinfo_parse(line, &mi) == -EINVAL, "bad line "
		      "\"%s\"", bad[i]);
	}
	snprintf(line, sizeof(line), "1 2 0:1 / /a\\134b\\011c\\012 rw - 9p "
		 "t\\040x rw");
	CHECK(r9p_mountinfo_parse(line, &mi) == 0, "escapes");
	CHECK_STR(mi.mount_point, "/a\\b\tc\n", "\\134 \\011 \\012");
	CHECK_STR(mi.source, "t x", "source unescaped");
	CHECK_STR(mi.super_opts, "rw", "super opts");
	snprintf(line, sizeof(line), "1 2 0:1 / /a rw - 9p src");
	CHECK(r9p_mountinfo_parse(line, &mi) == 0 && !*mi.super_opts,
	      "no super opts");
}

/* Parse REQ for K, parse LINE, compare; the notes land in OUT. */
static void compare(const char *kernel, const char *req, unsigned flags,
		    const char *line, struct r9p_diags *out)
{
	struct r9p_kernel k;
	struct r9p_opts o;
	struct r9p_effective e;
	char buf[512];

	r9p_kernel_parse(kernel, &k);
	r9p_opts_parse(req, &k, flags, &o);
	snprintf(buf, sizeof(buf), "%s", line);
	CHECK(r9p_effective_parse_line(buf, &e) == 0, "line for %s", req);
	r9p_diags_init(out);
	r9p_effective_compare(&o, &e, &k, out);
}

static int has_note(const struct r9p_diags *d, const char *want)
{
	int i;

	for (i = 0; i < d->n; i++)
		if (d->d[i].level == R9P_INFO && !strcmp(d->d[i].text, want))
			return 1;
	for (i = 0; i < d->n; i++)
		fprintf(stderr, "    note: %s\n", d->d[i].text);
	return 0;
}

static void test_compare(void)
{
	struct r9p_diags d;

	compare("6.1", "msize=5000000", R9P_DEFAULTS, line61, &d);
	CHECK(has_note(&d, "msize 5000000 requested, kernel uses 512000 "
		       "(virtio maximum)"), "6.1 clamp");
	CHECK(d.n == 1, "6.1: only the clamp, got %d notes", d.n);
	compare("6.1", "", R9P_DEFAULTS, line61, &d);
	CHECK(d.n == 0, "6.1 defaults: as asked, got %d notes", d.n);
	compare("6.12", "", R9P_DEFAULTS, line612, &d);
	CHECK(has_note(&d, "cache=mmap shows as cache=0x5 (readahead, "
		       "writeback)"), "6.12 cache decoded");
	CHECK(d.n == 1, "6.12 defaults: one note, got %d", d.n);
	compare("6.6", "", R9P_DEFAULTS, "1 2 0:1 / /d rw - 9p d "
		"rw,cache=5,access=client,msize=512000,trans=virtio", &d);
	CHECK(has_note(&d, "cache=mmap shows as cache=5 (readahead, "
		       "writeback)"), "unfixed 6.6: cache=5");
	compare("6.6", "cache=loose", 0, "1 2 0:1 / /d rw - 9p d "
		"rw,cache=f,access=client,trans=virtio", &d);
	CHECK(has_note(&d, "cache=loose shows as cache=f (readahead, metadata, "
		       "writeback, loose)"), "loose is 0xf");
	compare("6.12", "cache=loose", R9P_DEFAULTS, line612, &d);
	CHECK(has_note(&d, "cache=loose requested, kernel uses cache=0x5 "
		       "(readahead, writeback)"), "cache differs");
	compare("6.1", "cache=loose", R9P_DEFAULTS, line61, &d);
	CHECK(has_note(&d, "cache=loose requested, kernel uses cache=mmap"),
	      "6.1 cache differs");
	compare("6.1", "cache=none", 0, "1 2 0:1 / /d rw - 9p d "
		"rw,sync,dirsync,access=client,trans=virtio", &d);
	CHECK(d.n == 0, "6.1 none shows nothing, got %d notes", d.n);
	compare("6.1", "posixacl,ro", R9P_DEFAULTS, line61, &d);
	CHECK(has_note(&d, "posixacl requested but not in effect (it needs "
		       "version=9p2000.L, access=client and "
		       "CONFIG_9P_FS_POSIX_ACL)"), "acl missing");
	CHECK(has_note(&d, "ro requested, mounted rw"), "ro/rw");
	compare("6.1", "version=9p2000.u,access=client", 0, "1 2 0:1 / /d rw "
		"- 9p d rw,access=user,trans=virtio", &d);
	CHECK(has_note(&d, "version=9p2000.u requested, kernel uses "
		       "version=9p2000.L"), "version");
	CHECK(has_note(&d, "access=client requested, kernel uses access=user"),
	      "access falls back");
	/* The default msize /proc/mounts leaves out: 128 KiB on 6.1,
	 * 128 KiB + 24 from 6.2. */
	compare("6.1", "msize=65536", 0, "1 2 0:1 / /d rw - 9p d "
		"rw,trans=virtio", &d);
	CHECK(has_note(&d, "msize 65536 requested, kernel uses 131072"),
	      "default msize not shown (6.1)");
	compare("6.12", "msize=65536", 0, "1 2 0:1 / /d rw - 9p d "
		"rw,trans=virtio", &d);
	CHECK(has_note(&d, "msize 65536 requested, kernel uses 131096"),
	      "default msize not shown (6.12)");
	compare("6.1", "msize=131072,noextend,trans=virtio", 0, "1 2 0:1 / /d "
		"rw - 9p d rw,trans=virtio,noextend", &d);
	CHECK(d.n == 0, "default msize and noextend match, got %d notes", d.n);
	compare("6.12", "msize=131096,trans=virtio", 0, "1 2 0:1 / /d "
		"rw - 9p d rw,trans=virtio", &d);
	CHECK(d.n == 0, "default msize on 6.12 matches, got %d notes", d.n);
}

int main(void)
{
	char cmd[4200];

	char tmp[64] = "/tmp/test_effective.XXXXXX";

	/* canonical, as the kernel writes mount points */
	if (!mkdtemp(tmp) || !realpath(tmp, root)) {
		perror("mkdtemp");
		return 1;
	}
	write_mountinfo();
	test_read();
	test_parse_line();
	test_compare();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK(system(cmd) == 0, "clean up");
	return t_done("test_effective");
}
