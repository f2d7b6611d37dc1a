// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_overlay.c - root9p.overlay= and root9p.mount= as the
 * root engine decides them (engine/upper.c, overlay.c's settings,
 * extramount.c): one row a command line or a value, what it must give.
 * Nothing is mounted; sysfs is an empty fake tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/array.h"
#include "engine/root.h"
#include "tests/unit/t.h"
#include "tests/unit/troot.h"

#define MODS "virtio_pci 9pnet_virtio 9p"

/* Whole command lines through r9p_root_config. */
static const struct {
	const char *cmdline;
	int ret;		/* r9p_root_config's */
	const char *overlay;	/* r9p_upper_value, or a piece of the why */
	const char *lower;	/* the 9p root's flags + data (a prefix) */
	int overlay_rdonly;
	const char *modules;
	const char *mounts;	/* r9p_extra_describe */
	const char *warning;	/* a piece of a diag, or NULL */
} rows[] = {
	/* no overlay: the root as before, rw as asked */
	{ "root=a rootfstype=9p rw", 0, "", "rw,trans=virtio,version=9p2000.L,"
	  "msize=512000,cache=mmap", 0, MODS, "", NULL },
	/* tmpfs: the lower is ro and caches (no cache= given) */
	{ "root=a rootfstype=9p rw root9p.overlay=tmpfs", 0, "tmpfs",
	  "ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose", 0,
	  MODS " overlay", "", NULL },
	/* a cache= of the user's own is kept */
	{ "root=a rootfstype=9p rw rootflags=cache=mmap root9p.overlay=tmpfs",
	  0, "tmpfs", "ro,trans=virtio,version=9p2000.L,msize=512000,cache=mmap",
	  0, NULL, "", NULL },
	/* rootflags=rw still leaves the lower read-only */
	{ "root=a rootfstype=9p rootflags=rw root9p.overlay=tmpfs", 0, "tmpfs",
	  "ro,", 0, NULL, "", NULL },
	/* ro: the overlay itself read-only */
	{ "root=a rootfstype=9p ro root9p.overlay=tmpfs", 0, "tmpfs", "ro,", 1,
	  NULL, "", NULL },
	/* a tag; root9p.modules come after overlay */
	{ "root=a rootfstype=9p rw root9p.overlay=guest1 root9p.modules=virtio_blk",
	  0, "guest1", "ro,", 0, MODS " overlay virtio_blk", "", NULL },
	/* the last value wins */
	{ "root=a rootfstype=9p root9p.overlay=x root9p.overlay=tmpfs", 0,
	  "tmpfs", "ro,", 1, NULL, "", NULL },
	/* bad values refuse the boot: nothing is mounted */
	{ "root=a rootfstype=9p root9p.overlay=a=b", -1,
	  "root9p.overlay=a=b: not \"tmpfs\", a 9p mount tag nor a disk", NULL,
	  0, NULL, NULL, NULL },
	/* a scratch disk (#18): its modules after overlay */
	{ "root=a rootfstype=9p rw root9p.overlay=LABEL=scr", 0, "LABEL=scr",
	  "ro,", 0, MODS " overlay virtio_blk ext4", "", NULL },
	{ "root=a rootfstype=9p rw root9p.overlay=UUID=1-2", 0, "UUID=1-2",
	  "ro,", 0, MODS " overlay virtio_blk ext4", "", NULL },
	{ "root=a rootfstype=9p root9p.overlay=LABEL=", -1,
	  "root9p.overlay=LABEL=: give one LABEL=name", NULL, 0, NULL, NULL,
	  NULL },
	{ "root=a rootfstype=9p root9p.overlay=LABEL=x,mkfs", -1,
	  ",mkfs is for root9p.tmp", NULL, 0, NULL, NULL, NULL },
	{ "root=a rootfstype=9p root9p.overlay=LABEL:x", -1,
	  "write root9p.overlay=tmpfs", NULL, 0, NULL, NULL, NULL },
	{ "root=a rootfstype=9p root9p.overlay=0123456789012345678901234567890"
	  "123456789012345678901234567890123456789", -1, "not \"tmpfs\"", NULL,
	  0, NULL, NULL, NULL },
	/* extra shares: kept in order with their options normalized */
	{ "root=a rootfstype=9p root9p.mount=data:/mnt/data "
	  "root9p.mount=src:/src:ro,cache=loose", 0, "", "ro,", 0, NULL,
	  "data:/mnt/data:trans=virtio,version=9p2000.L,msize=512000,cache=mmap "
	  "src:/src:ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose",
	  NULL },
	/* a bad one is a warning and left out; the boot goes on */
	{ "root=a rootfstype=9p root9p.mount=data:mnt root9p.mount=b:/b", 0, "",
	  "ro,", 0, NULL, "b:/b:trans=virtio,version=9p2000.L,msize=512000,"
	  "cache=mmap", "the path \"mnt\" is not an "
	  "absolute path" },
	{ "root=a rootfstype=9p root9p.mount=data:/m:cache=bogus", 0, "", "ro,",
	  0, NULL, "", "root9p.mount=data:/m:cache=bogus: " },
	{ "root=a rootfstype=9p root9p.mount=1:/1 root9p.mount=2:/2 "
	  "root9p.mount=3:/3 root9p.mount=4:/4 root9p.mount=5:/5 "
	  "root9p.mount=6:/6 root9p.mount=7:/7 root9p.mount=8:/8 "
	  "root9p.mount=9:/9", 0, "", "ro,", 0, NULL, NULL,
	  "more than 8 root9p.mount= values: the last 1 are not mounted" },
};

/* One value through r9p_extra_parse_one. */
static const struct {
	const char *value;
	int ok;
	const char *what;	/* path when ok, else a piece of the message */
} values[] = {
	{ "data:/mnt", 1, "/mnt" },
	{ "data:/a/b/c:ro", 1, "/a/b/c" },
	{ "data:/a/b/", 1, "/a/b/" },
	{ "data", 0, "write TAG:/path[:options]" },
	{ ":/mnt", 0, "write TAG:/path[:options]" },
	{ "data:", 0, "is not an absolute path" },
	{ "data:/", 0, "is the root itself" },
	{ "data:/a/../etc", 0, "has a . or .. part" },
	{ "data:/..", 0, "has a . or .. part" },
	{ "data:/a/./b", 0, "has a . or .. part" },
	{ "data:/a//b", 0, "has an empty part" },
	{ "data:/a..b/c.", 1, "/a..b/c." },
	{ "data:/mnt:msize=abc", 0, "root9p.mount=data:/mnt:msize=abc: " },
};

static int has_diag(const struct r9p_diags *d, const char *piece)
{
	int i;

	for (i = 0; i < d->n; i++)
		if (strstr(d->d[i].text, piece))
			return 1;
	return 0;
}

int main(void)
{
	char sys[] = "/tmp/r9p-ovl-XXXXXX", buf[2000], tmp[300];
	struct r9p_kernel k = { 6, 1 };
	static struct r9p_cmdline c;
	static struct r9p_root r;
	struct r9p_err f;
	struct r9p_extra e;
	struct r9p_upper u;
	size_t i;
	int ret;

	t_fake_sysfs(sys);
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		const char *line = rows[i].cmdline;

		if (!t_root_row(line, 0, rows[i].ret, &c, &r, &f))
			continue;
		ret = rows[i].ret;
		if (ret) {
			CHECK(strstr(f.why, rows[i].overlay) != NULL, "%s: why "
			      "\"%s\"", line, f.why);
			CHECK_STR(f.step, "use root9p.overlay", line);
			continue;
		}
		CHECK_STR(r9p_upper_value(&r.upper, tmp, sizeof(tmp)),
			  rows[i].overlay, line);
		snprintf(buf, sizeof(buf), "%s,%s", r.opts.rdonly == 1 ? "ro" :
			 "rw", r.opts.data);
		CHECK(strncmp(buf, rows[i].lower, strlen(rows[i].lower)) == 0,
		      "%s: lower \"%s\", want \"%s...\"", line, buf,
		      rows[i].lower);
		if (r.upper.kind != R9P_UPPER_NONE)
			CHECK(r.overlay_rdonly == rows[i].overlay_rdonly,
			      "%s: overlay_rdonly %d", line, r.overlay_rdonly);
		if (rows[i].modules)
			CHECK_STR(r.modules, rows[i].modules, line);
		if (rows[i].mounts)
			CHECK_STR(r9p_extra_describe(&r.extras, buf, sizeof(buf)),
				  rows[i].mounts, line);
		if (rows[i].warning)
			CHECK(has_diag(&r.diags, rows[i].warning), "%s: no "
			      "warning \"%s\"", line, rows[i].warning);
	}
	for (i = 0; i < ARRAY_SIZE(values); i++) {
		ret = r9p_extra_parse_one(values[i].value, &k, &e, &f);
		if (ret)
			snprintf(buf, sizeof(buf), "%s", f.why);
		CHECK((ret == 0) == values[i].ok, "%s: returned %d (%s)",
		      values[i].value, ret, ret ? buf : "");
		if ((ret == 0) != values[i].ok)
			continue;
		if (ret == 0)
			CHECK_STR(e.path, values[i].what, values[i].value);
		else
			CHECK(strstr(buf, values[i].what) != NULL, "%s: \"%s\"",
			      values[i].value, buf);
	}
	/* The upper's own options. */
	r9p_upper_parse("tmpfs", &u, &f);
	CHECK_STR(r9p_upper_overlay_opts(&u), ",redirect_dir=off", "tmpfs");
	r9p_upper_parse("guest", &u, &f);
	CHECK_STR(r9p_upper_overlay_opts(&u), ",redirect_dir=off", "tag");
	CHECK_STR(r9p_upper_describe(&u, buf, sizeof(buf)), "9p tag guest",
		  "describe");
	rmdir(sys);
	return t_done("test_overlay");
}
