/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_cpio.c - the newc writer, byte for byte and round trip.
 *
 * Checks one archive against hand-computed bytes, extracts a mixed one
 * with the host's GNU cpio and compares what lands on disk, reads it
 * back with our own reader and the --list code, and checks that the
 * same input gives the same bytes, compressed or not.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/array.h"
#include "mkinitrd/compress.h"
#include "mkinitrd/cpio.h"
#include "mkinitrd/listimg.h"
#include "mkinitrd/util.h"
#include "tests/unit/t.h"

#define MTIME 1234567890u

static char tmpdir[64];

/* What the mixed archive holds, as the extracted tree must show it. */
static const struct want {
	const char *path;
	enum r9p_cpio_type type;
	unsigned perm;
	const char *data;	/* file contents or link target */
	unsigned rmajor, rminor, nlink;
} mixed[] = {
	{ "a", R9P_CPIO_DIR, 0755, NULL, 0, 0, 3 },	/* added as parent */
	{ "a/b", R9P_CPIO_DIR, 0755, NULL, 0, 0, 2 },
	{ "a/b/deep", R9P_CPIO_FILE, 0600, "deep\n", 0, 0, 1 },
	{ "bin", R9P_CPIO_DIR, 0755, NULL, 0, 0, 2 },
	{ "bin/sh", R9P_CPIO_SYMLINK, 0777, "tool", 0, 0, 1 },
	{ "bin/tool", R9P_CPIO_FILE, 0755, "12345", 0, 0, 1 },
	{ "dev", R9P_CPIO_DIR, 0755, NULL, 0, 0, 2 },
	{ "dev/console", R9P_CPIO_CHAR, 0600, NULL, 5, 1, 1 },
	{ "empty", R9P_CPIO_FILE, 0644, "", 0, 0, 1 },
	{ "etc", R9P_CPIO_DIR, 0700, NULL, 0, 0, 2 },
	{ "etc/hello", R9P_CPIO_FILE, 0644, "hello, world\n", 0, 0, 1 },
	{ "tmp", R9P_CPIO_DIR, 01777, NULL, 0, 0, 2 },
};
#define NMIXED ARRAY_SIZE(mixed)

static int fd_sink(void *ctx, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t r;

	while (len) {
		r = write(*(int *)ctx, p, len);
		if (r < 0)
			return -errno;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/* Add the entries of mixed[] in an order unlike the sorted one. */
static int build_mixed(struct r9p_cpio *c)
{
	size_t i;
	int err = 0;

	r9p_cpio_init(c);
	for (i = NMIXED; !err && i-- > 0;) {
		const struct want *w = &mixed[i];

		if (strcmp(w->path, "a") == 0 || strcmp(w->path, "a/b") == 0)
			continue;	/* left for the writer to add */
		switch (w->type) {
		case R9P_CPIO_DIR:
			err = r9p_cpio_add_dir(c, w->path, w->perm);
			break;
		case R9P_CPIO_FILE:
			err = r9p_cpio_add_file(c, w->path, w->perm,
				(unsigned char *)xstrdup(w->data),
				strlen(w->data));
			break;
		case R9P_CPIO_SYMLINK:
			err = r9p_cpio_add_symlink(c, w->path, w->data);
			break;
		default:
			err = r9p_cpio_add_node(c, w->path, w->type, w->perm,
						w->rmajor, w->rminor);
		}
	}
	return err;
}

/* Write c to path, through compression comp. */
static int write_archive(struct r9p_cpio *c, const char *path,
			 enum r9p_comp comp)
{
	struct r9p_zout *z;
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -errno;
	err = r9p_zout_open(&z, comp, fd);
	if (!err) {
		err = r9p_cpio_write(c, MTIME, r9p_zout_write, z, NULL);
		if (err)
			r9p_zout_free(z);
		else
			err = r9p_zout_finish(z, NULL);
	}
	close(fd);
	return err;
}

static void test_header_bytes(void)
{
	static const char want[] =
		"070701" "00000001" "000081ED" "00000000" "00000000"
		"00000001" "499602D2" "00000003" "00000000" "00000000"
		"00000000" "00000000" "00000005" "00000000" "init\0" "\0"
		"abc\0"
		"070701" "00000000" "00000000" "00000000" "00000000"
		"00000001" "00000000" "00000000" "00000000" "00000000"
		"00000000" "00000000" "0000000B" "00000000" "TRAILER!!!\0"
		"\0\0\0";
	struct r9p_cpio c;
	char path[128];
	unsigned char *got = NULL;
	size_t len = 0;
	int fd, err;

	snprintf(path, sizeof(path), "%s/one.cpio", tmpdir);
	r9p_cpio_init(&c);
	err = r9p_cpio_add_file(&c, "/init", 0755,
				(unsigned char *)xstrdup("abc"), 3);
	CHECK(err == 0, "add /init: %d", err);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	err = r9p_cpio_write(&c, MTIME, fd_sink, &fd, NULL);
	close(fd);
	CHECK(err == 0, "write one.cpio: %d", err);
	r9p_cpio_free(&c);
	err = r9p_read_file(path, &got, &len);
	CHECK(err == 0 && len == sizeof(want) - 1,
	      "one.cpio is %zu bytes, want %zu", len, sizeof(want) - 1);
	CHECK(len == sizeof(want) - 1 && memcmp(got, want, len) == 0,
	      "one.cpio bytes differ from the hand-computed ones");
	free(got);
}

static void test_bad_input(void)
{
	static const char *const bad[] = { "", "/", "..", "a/../b", "a//b",
					   "./a", "a/." };
	struct r9p_cpio c;
	size_t i;
	int err, fd;

	r9p_cpio_init(&c);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK(r9p_cpio_add_dir(&c, bad[i], 0755) == -EINVAL,
		      "path \"%s\" accepted", bad[i]);
	CHECK(r9p_cpio_add_file(&c, "f", 0644, NULL, 0) == 0, "add f");
	CHECK(r9p_cpio_add_file(&c, "/f", 0644, NULL, 0) == -EEXIST,
	      "second f accepted");
	CHECK(r9p_cpio_add_dir(&c, "d", 0755) == 0 &&
	      r9p_cpio_add_dir(&c, "d/", 0700) == -EINVAL &&
	      r9p_cpio_add_dir(&c, "d", 0700) == 0, "adding a dir twice");
	CHECK(r9p_cpio_add_symlink(&c, "l", "") == -EINVAL,
	      "empty symlink target accepted");
	CHECK(r9p_cpio_add_node(&c, "n", R9P_CPIO_FILE, 0644, 0, 0) ==
	      -EINVAL, "node of type file accepted");
	CHECK(r9p_cpio_add_file(&c, "f/x", 0644, NULL, 0) == 0, "add f/x");
	fd = open("/dev/null", O_WRONLY);
	err = r9p_cpio_write(&c, 0, fd_sink, &fd, NULL);
	close(fd);
	CHECK(err == -ENOTDIR, "file under a file: got %d, want -ENOTDIR", err);
	r9p_cpio_free(&c);
}

/* Our reader: every entry of mixed[], in order, as written. */
static int visit_count;

static int check_entry(void *ctx, const struct r9p_cpio_hdr *h)
{
	const struct want *w;
	size_t i = (size_t)visit_count++;

	(void)ctx;
	if (i >= NMIXED) {
		CHECK(0, "extra entry %s", h->name);
		return 0;
	}
	w = &mixed[i];
	CHECK_STR(h->name, w->path, "entry name");
	CHECK(h->mode == (r9p_cpio_type_mode(w->type) | w->perm),
	      "%s: mode %o", h->name, h->mode);
	CHECK(h->uid == 0 && h->gid == 0 && h->mtime == MTIME,
	      "%s: uid %u gid %u mtime %u", h->name, h->uid, h->gid, h->mtime);
	CHECK(h->ino == i + 1 && h->nlink == w->nlink,
	      "%s: ino %u nlink %u", h->name, h->ino, h->nlink);
	CHECK(h->rmajor == w->rmajor && h->rminor == w->rminor,
	      "%s: rdev %u:%u", h->name, h->rmajor, h->rminor);
	if (w->data)
		CHECK(h->filesize == strlen(w->data) &&
		      memcmp(h->data, w->data, h->filesize) == 0,
		      "%s: data differs", h->name);
	return 0;
}

static int ignore_entry(void *ctx, const struct r9p_cpio_hdr *h)
{
	(void)ctx;
	(void)h;
	return 0;
}

static void test_read_back(const char *path)
{
	unsigned char *buf;
	size_t len, pos = 0;
	int err;

	err = r9p_read_file(path, &buf, &len);
	CHECK(err == 0, "read %s: %d", path, err);
	if (err)
		return;
	visit_count = 0;
	err = r9p_cpio_parse(buf, len, &pos, check_entry, NULL);
	CHECK(err == 0 && pos == len, "parse: err %d, stopped at %zu of %zu",
	      err, pos, len);
	CHECK(visit_count == (int)NMIXED, "read %d entries, want %zu",
	      visit_count, NMIXED);
	pos = 0;
	CHECK(r9p_cpio_parse(buf, len - 20, &pos, ignore_entry, NULL) ==
	      -EBADMSG, "truncated archive accepted");
	free(buf);
}

/* The --list code on an image: its lines for a few entries. */
static void test_list(const char *path, const char *comp)
{
	static const char *const lines[] = {
		"lrwxrwxrwx   1 0     0              4 2009-02-13 23:31 "
		"bin/sh -> tool\n",
		"crw-------   1 0     0           5, 1 2009-02-13 23:31 "
		"dev/console\n",
		"drwxrwxrwt   2 0     0              0 2009-02-13 23:31 tmp\n",
		"drwxr-xr-x   3 0     0              0 2009-02-13 23:31 a\n",
		"# 12 entries in 1 segment\n",
	};
	char *out = NULL, head[128];
	struct r9p_err e = { .why = "" };
	size_t len = 0, i;
	FILE *f = open_memstream(&out, &len);
	int err;

	err = r9p_list_image(path, f, &e);
	fclose(f);
	CHECK(err == 0, "--list %s: %s", path, e.why);
	snprintf(head, sizeof(head), "# segment 1 at offset 0: %s", comp);
	CHECK(out && strncmp(out, head, strlen(head)) == 0,
	      "--list %s: first line: %.60s", path, out ? out : "");
	for (i = 0; out && i < ARRAY_SIZE(lines); i++)
		CHECK(strstr(out, lines[i]) != NULL, "--list %s: no line %s",
		      comp, lines[i]);
	free(out);
}

static void check_extracted(const char *root, int is_root)
{
	char path[256], link[64];
	struct stat st;
	unsigned char *buf;
	size_t i, len;
	ssize_t n;

	for (i = 0; i < NMIXED; i++) {
		const struct want *w = &mixed[i];

		snprintf(path, sizeof(path), "%s/%s", root, w->path);
		if (w->type == R9P_CPIO_CHAR && !is_root) {
			SKIP("extracted %s: not root, cpio could not mknod",
			     w->path);
			continue;
		}
		if (lstat(path, &st) < 0) {
			CHECK(0, "extracted %s missing: %s", w->path,
			      strerror(errno));
			continue;
		}
		CHECK((st.st_mode & S_IFMT) == r9p_cpio_type_mode(w->type),
		      "%s: type %o", w->path, st.st_mode & S_IFMT);
		if (w->type != R9P_CPIO_SYMLINK)
			CHECK((st.st_mode & 07777) == w->perm,
			      "%s: perm %o want %o", w->path,
			      st.st_mode & 07777, w->perm);
		if (w->type == R9P_CPIO_FILE) {
			CHECK(st.st_mtime == MTIME, "%s: mtime %ld", w->path,
			      (long)st.st_mtime);
			CHECK(r9p_read_file(path, &buf, &len) == 0 &&
			      len == strlen(w->data) &&
			      memcmp(buf, w->data, len) == 0,
			      "%s: contents differ", w->path);
			free(buf);
		} else if (w->type == R9P_CPIO_SYMLINK) {
			n = readlink(path, link, sizeof(link) - 1);
			link[n > 0 ? n : 0] = '\0';
			CHECK_STR(link, w->data, w->path);
		} else if (w->type == R9P_CPIO_CHAR) {
			CHECK(major(st.st_rdev) == w->rmajor &&
			      minor(st.st_rdev) == w->rminor,
			      "%s: rdev %u:%u", w->path, major(st.st_rdev),
			      minor(st.st_rdev));
		}
	}
}

static void test_round_trip(void)
{
	struct r9p_cpio c;
	char path[128], cmd[512];
	int is_root = geteuid() == 0, rc;

	snprintf(path, sizeof(path), "%s/mixed.cpio", tmpdir);
	CHECK(build_mixed(&c) == 0, "build mixed");
	CHECK(write_archive(&c, path, R9P_COMP_NONE) == 0, "write %s", path);
	r9p_cpio_free(&c);
	test_read_back(path);
	test_list(path, "uncompressed newc cpio");

	if (system("cpio --version >/dev/null 2>&1") != 0) {
		SKIP("extract with the host's cpio: no cpio here");
		return;
	}
	snprintf(cmd, sizeof(cmd), "mkdir %s/x && cd %s/x && cpio -idm "
		 "--no-absolute-filenames --quiet < %s 2>/dev/null", tmpdir,
		 tmpdir, path);
	rc = system(cmd);
	if (is_root)
		CHECK(rc == 0, "cpio -idm exited %d", rc);
	else	/* cpio fails on the device node it may not make */
		SKIP("cpio -idm exit status: not root, exited %d", rc);
	snprintf(path, sizeof(path), "%s/x", tmpdir);
	check_extracted(path, is_root);
}

/* Same entries, same bytes: raw and through every compressor. */
static void test_reproducible(void)
{
	static const char *const names[] = { "none", "gzip", "xz", "zstd" };
	struct r9p_cpio c;
	char p1[128], p2[128];
	unsigned char *b1, *b2;
	size_t l1, l2, i;
	enum r9p_comp comp;
	int level;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		r9p_comp_parse(names[i], &comp, &level);
		snprintf(p1, sizeof(p1), "%s/r1.%s", tmpdir, names[i]);
		snprintf(p2, sizeof(p2), "%s/r2.%s", tmpdir, names[i]);
		CHECK(build_mixed(&c) == 0 && write_archive(&c, p1, comp) == 0,
		      "write %s", p1);
		r9p_cpio_free(&c);
		CHECK(build_mixed(&c) == 0 && write_archive(&c, p2, comp) == 0,
		      "write %s", p2);
		r9p_cpio_free(&c);
		CHECK(r9p_read_file(p1, &b1, &l1) == 0 &&
		      r9p_read_file(p2, &b2, &l2) == 0 && l1 == l2 &&
		      memcmp(b1, b2, l1) == 0, "%s: two runs differ", names[i]);
		free(b1);
		free(b2);
		if (comp != R9P_COMP_NONE)
			test_list(p1, names[i]);
	}
}

/* --compress specs: name, level, and the errors. */
static void test_comp_parse(void)
{
	static const struct {
		const char *spec;
		int ret;
		enum r9p_comp comp;
		int level;
	} cases[] = {
		{ "gzip", 0, R9P_COMP_GZIP, 6 },
		{ "gzip:9", 0, R9P_COMP_GZIP, 9 },
		{ "gzip:1", 0, R9P_COMP_GZIP, 1 },
		{ "gzip:0", -ERANGE, R9P_COMP_GZIP, 0 },
		{ "gzip:10", -ERANGE, R9P_COMP_GZIP, 0 },
		{ "zstd", 0, R9P_COMP_ZSTD, 6 },
		{ "zstd:19", 0, R9P_COMP_ZSTD, 19 },
		{ "zstd:20", -ERANGE, R9P_COMP_ZSTD, 0 },
		{ "zstd:", -ERANGE, R9P_COMP_ZSTD, 0 },
		{ "zstd:3x", -ERANGE, R9P_COMP_ZSTD, 0 },
		{ "xz", 0, R9P_COMP_XZ, 0 },
		{ "xz:6", 0, R9P_COMP_XZ, 6 },
		{ "none", 0, R9P_COMP_NONE, 0 },
		{ "none:1", -ERANGE, R9P_COMP_NONE, 0 },
		{ "lz4", -EINVAL, R9P_COMP_NONE, 0 },
		{ "gzipx", -EINVAL, R9P_COMP_NONE, 0 },
		{ "", -EINVAL, R9P_COMP_NONE, 0 },
	};
	enum r9p_comp comp;
	size_t i;
	int ret, level;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		level = -1;
		ret = r9p_comp_parse(cases[i].spec, &comp, &level);
		CHECK(ret == cases[i].ret, "--compress=%s: returned %d, want %d",
		      cases[i].spec, ret, cases[i].ret);
		if (ret == 0)
			CHECK(comp == cases[i].comp && level == cases[i].level,
			      "--compress=%s: got %d:%d", cases[i].spec,
			      (int)comp, level);
	}
}

int main(void)
{
	char cmd[128];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_cpio.XXXXXX");
	SETUP(mkdtemp(tmpdir) != NULL, "mkdtemp %s: %s", tmpdir,
	      strerror(errno));
	test_header_bytes();
	test_bad_input();
	test_round_trip();
	test_reproducible();
	test_comp_parse();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_cpio: could not remove %s\n", tmpdir);
	return t_done("test_cpio");
}
