/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_mkroot.c - the mapped-xattr converter on a real tree.
 *
 * Byte images of the user.virtfs.* values, then a tree with every kind of
 * entry (set-uid file, hard links, symlinks in and out of the tree, a
 * device node, a fifo, another owner) converted to mapped-xattr, checked,
 * converted again (nothing to do), and back to passthrough: every lstat
 * field that matters must be what it was. Needs root (mknod, chown) and a
 * TMPDIR with user xattrs; otherwise the tree part is one SKIP.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "common/array.h"
#include "mkroot/convert.h"
#include "mkroot/qxattr.h"
#include "tests/unit/t.h"

static char root[256];

/* The tree: path, kind ('f' file, 'd' dir, 'l' symlink, 'h' hard link,
 * 'c' char device, 'p' fifo), mode, target, uid, gid. */
static const struct ent {
	const char *path;
	char kind;
	mode_t mode;
	const char *target;
	uid_t uid;
	gid_t gid;
} tree[] = {
	{ "etc",		'd', 0755, NULL,	 0,  0 },
	{ "etc/shadow",		'f', 0640, NULL,	 0, 42 },
	{ "bin",		'd', 0755, NULL,	 0,  0 },
	{ "bin/su",		'f', 04755, NULL,	 0,  0 },
	{ "bin/su2",		'h', 0,    "bin/su",	 0,  0 },
	{ "sbin",		'l', 0,    "bin",	 0,  0 },
	{ "bin/out",		'l', 0,    "/etc",	 0,  0 },
	{ "bin/out2",		'h', 0,    "bin/out",	 0,  0 },
	{ "dev",		'd', 0755, NULL,	 0,  0 },
	{ "dev/null",		'c', 0666, NULL,	 0,  0 },
	{ "dev/fifo",		'p', 0620, NULL,	 0,  5 },
	{ "home",		'd', 0700, NULL,      1000, 1000 },
	{ "home/" R9P_CONV_TMP,	'f', 0600, NULL,	 0,  0 },
};
#define N_TREE ARRAY_SIZE(tree)

static const char *at(const char *rel)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s", root, rel);
	return buf;
}

static int make_tree(void)
{
	char other[512];
	size_t i;
	int fd, err = 0;

	for (i = 0; i < N_TREE && !err; i++) {
		const struct ent *e = &tree[i];
		const char *p = at(e->path);

		switch (e->kind) {
		case 'd': err = mkdir(p, e->mode); break;
		case 'f':
			fd = open(p, O_WRONLY | O_CREAT | O_EXCL, e->mode);
			err = fd < 0 || write(fd, e->path, strlen(e->path)) < 0;
			if (fd >= 0)
				close(fd);
			break;
		case 'l': err = symlink(e->target, p); break;
		case 'h':
			snprintf(other, sizeof(other), "%s/%s", root, e->target);
			err = link(other, p);
			break;
		case 'c': err = mknod(p, S_IFCHR | e->mode, makedev(1, 3)); break;
		case 'p': err = mknod(p, S_IFIFO | e->mode, 0); break;
		}
		if (!err && e->kind != 'h')
			err = lchown(p, e->uid, e->gid) || (e->kind != 'l' && chmod(p, e->mode));
	}
	return err;
}

static void snapshot(struct stat *sts)
{
	size_t i;

	for (i = 0; i < N_TREE; i++)
		if (lstat(at(tree[i].path), &sts[i]) < 0)
			memset(&sts[i], 0, sizeof(sts[i]));
}

static int convert(int to_mapped, struct r9p_conv *c)
{
	int err;

	memset(c, 0, sizeof(*c));
	c->to_mapped = to_mapped;
	c->owner_uid = 4321;
	c->owner_gid = 4321;
	c->self_is_root = 1;
	c->allow_privileged = 1;	/* the set-uid file and device are the test's own */
	err = r9p_convert_tree(c, root);
	r9p_convert_free(c);
	return err;
}

static void test_bytes(void)
{
	unsigned char b[8];

	r9p_qxattr_put32(b, 0120777);
	CHECK(b[0] == 0xff && b[1] == 0xa1 && b[2] == 0 && b[3] == 0, "mode bytes");
	CHECK(r9p_qxattr_get32(b) == 0120777, "mode round trip");
	r9p_qxattr_put64(b, makedev(1, 3));
	CHECK(b[0] == 3 && b[1] == 1 && r9p_qxattr_get64(b) == makedev(1, 3), "rdev bytes");
}

static void check_mapped(void)
{
	struct r9p_qxattr m;
	struct stat st, s2;
	char buf[64];
	int dfd = open(root, O_RDONLY | O_DIRECTORY);
	ssize_t n;

	CHECK(lstat(at("dev/null"), &st) == 0 && S_ISREG(st.st_mode) &&
	      st.st_uid == 4321 && (st.st_mode & 07777) == 0600, "device is a 0600 file");
	CHECK(r9p_qxattr_get(dfd, "dev/null", &m) == 1 && m.mode == (S_IFCHR | 0666) &&
	      m.has_rdev && m.rdev == makedev(1, 3), "device metadata: mode %o", m.mode);
	CHECK(r9p_qxattr_get(dfd, "bin/su", &m) == 1 && m.mode == (S_IFREG | 04755) &&
	      m.uid == 0, "set-uid kept in the xattr");
	CHECK(r9p_qxattr_get(dfd, "etc/shadow", &m) == 1 && m.gid == 42, "group kept");
	CHECK(r9p_qxattr_get(dfd, "home", &m) == 1 && m.uid == 1000, "other owner kept");
	n = readlink(at("sbin"), buf, sizeof(buf));
	CHECK(n < 0 && errno == EINVAL, "symlink is no symlink on the host");
	CHECK(r9p_qxattr_get(dfd, "sbin", &m) == 1 && m.mode == (S_IFLNK | 0777), "symlink mode");
	n = -1;
	{
		int fd = open(at("bin/out"), O_RDONLY);

		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf));
			close(fd);
		}
	}
	CHECK(n == 4 && !memcmp(buf, "/etc", 4), "symlink file holds its target");
	CHECK(lstat(at("bin/out"), &st) == 0 && lstat(at("bin/out2"), &s2) == 0 &&
	      st.st_ino == s2.st_ino && st.st_nlink == 2, "hard-linked symlink stays linked");
	CHECK(lgetxattr("/etc", "user.virtfs.mode", buf, sizeof(buf)) < 0,
	      "the symlink's target outside the tree was not touched");
	CHECK(lstat(at("home/" R9P_CONV_TMP), &st) < 0, "leftover temp file removed");
	CHECK(lstat(root, &st) == 0 && st.st_uid == 4321 && (st.st_mode & 07777) == 0700,
	      "the root itself is converted");
	close(dfd);
}

int main(void)
{
	struct stat before[N_TREE], after[N_TREE];
	struct r9p_conv c;
	const char *tmp = getenv("TMPDIR");
	size_t i;

	test_bytes();
	snprintf(root, sizeof(root), "%s/test_mkroot.XXXXXX", tmp ? tmp : "/tmp");
	if (geteuid() != 0) {
		SKIP("the tree round trip needs root (mknod, chown)");
		return t_done("test_mkroot");
	}
	SETUP(mkdtemp(root) != NULL, "mkdtemp %s: %s", root, strerror(errno));
	if (setxattr(root, "user.root9p.probe", "1", 1, 0) < 0 &&
	    (errno == ENOTSUP || errno == EOPNOTSUPP)) {
		SKIP("the tree round trip needs user xattrs, %s has none", root);
		rmdir(root);
		return t_done("test_mkroot");
	}
	removexattr(root, "user.root9p.probe");
	SETUP(make_tree() == 0, "make the tree: %s", strerror(errno));
	snapshot(before);
	CHECK(convert(1, &c) == 0, "to mapped-xattr");
	CHECK(c.rewritten == 4 && c.relinked == 1, "rewritten %lu relinked %lu",
	      c.rewritten, c.relinked);
	check_mapped();
	CHECK(convert(1, &c) == 0 && c.rewritten == 0 && c.meta == 0 && c.already == c.entries,
	      "second run does nothing (%lu of %lu already)", c.already, c.entries);
	CHECK(convert(0, &c) == 0, "back to passthrough");
	snapshot(after);
	for (i = 0; i < N_TREE; i++) {
		if (!strcmp(tree[i].path, "home/" R9P_CONV_TMP))
			continue;
		CHECK(before[i].st_mode == after[i].st_mode && before[i].st_uid == after[i].st_uid &&
		      before[i].st_gid == after[i].st_gid && before[i].st_rdev == after[i].st_rdev &&
		      before[i].st_nlink == after[i].st_nlink && before[i].st_size == after[i].st_size,
		      "%s: mode %o->%o owner %u:%u->%u:%u links %lu->%lu", tree[i].path,
		      before[i].st_mode, after[i].st_mode, before[i].st_uid, before[i].st_gid,
		      after[i].st_uid, after[i].st_gid, (unsigned long)before[i].st_nlink,
		      (unsigned long)after[i].st_nlink);
	}
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		CHECK(system(cmd) == 0, "clean up");
	}
	return t_done("test_mkroot");
}
