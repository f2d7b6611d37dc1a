/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_mkroot_hostile.c - the converter on trees that fight back.
 *
 * A bind mount of the same filesystem inside the tree (same st_dev) must not
 * be entered; a symlink with two names must keep one inode when the run is
 * stopped between its names and resumed (both directions); user.virtfs.*
 * values that ask for a set-uid file or a block device must not make them
 * real on the way back to passthrough. mkroot9p's writes (mkroot/inroot.h)
 * must not follow a symlink of the tree above the path (etc -> the host);
 * a link in the written file's place is the root's own name for a file and
 * is written through, kept, and followed inside the root only (absolute,
 * ../../.., dangling, a loop); no reader resolves a link out of the root.
 * Needs root (mount, mknod, chown) and a TMPDIR with user xattrs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "mkroot/convert.h"
#include "mkroot/inroot.h"
#include "mkroot/qxattr.h"
#include "tests/unit/t.h"

static char base[256];

static const char *at(const char *rel)
{
	static char buf[4][1024];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", base, rel);
	return buf[i];
}

static int put(const char *rel, const char *text, mode_t mode)
{
	int fd = open(at(rel), O_WRONLY | O_CREAT | O_TRUNC, mode);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -1 : chmod(at(rel), mode);
}

static int convert(const char *rel, int to_mapped)
{
	struct r9p_conv c;
	int err;

	memset(&c, 0, sizeof(c));
	c.to_mapped = to_mapped;
	c.owner_uid = 4321;
	c.owner_gid = 4321;
	c.self_is_root = 1;
	err = r9p_convert_tree(&c, at(rel));
	r9p_convert_free(&c);
	return err;
}

/* The same in a child limited to NOFILE descriptors: it stops (fails) where
 * the tree is deeper than that, as a run killed there would. */
static int convert_limited(const char *rel, int to_mapped, rlim_t nofile)
{
	struct rlimit rl = { nofile, nofile };
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		fclose(stderr);	/* the expected "Too many open files" */
		_exit(setrlimit(RLIMIT_NOFILE, &rl) == 0 && convert(rel, to_mapped) == 0 ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int has_mapped_mode(const char *rel)
{
	char b[4];

	return lgetxattr(at(rel), "user.virtfs.mode", b, sizeof(b)) == 4;
}

/* 1: a bind mount (and a bind-mounted file) of the same filesystem. */
static void test_bind_mount(void)
{
	struct stat st;

	SETUP(mkdir(at("outside"), 0755) == 0 && put("outside/victim", "host\n", 0644) == 0 &&
	      put("outside-file", "host file\n", 0644) == 0 &&
	      mkdir(at("bt"), 0755) == 0 && mkdir(at("bt/mnt"), 0755) == 0 &&
	      put("bt/f", "tree\n", 0644) == 0 && put("bt/own", "tree\n", 0644) == 0,
	      "the bind-mount tree: %s", strerror(errno));
	SETUP(mount(at("outside"), at("bt/mnt"), NULL, MS_BIND, NULL) == 0 &&
	      mount(at("outside-file"), at("bt/f"), NULL, MS_BIND, NULL) == 0,
	      "bind mounts: %s", strerror(errno));
	CHECK(lstat(at("bt/mnt/victim"), &st) == 0 && lstat(at("bt"), &st) == 0,
	      "the bind mount is in place");
	CHECK(convert("bt", 1) == 0, "convert the tree with bind mounts inside");
	CHECK(has_mapped_mode("bt/own"), "the tree's own file is converted");
	CHECK(lstat(at("outside/victim"), &st) == 0 && st.st_uid == 0 &&
	      (st.st_mode & 07777) == 0644 && !has_mapped_mode("outside/victim"),
	      "a file under the bind mount (outside the tree) is untouched: owner %u mode %o",
	      st.st_uid, st.st_mode & 07777);
	CHECK(lstat(at("outside"), &st) == 0 && st.st_uid == 0 &&
	      (st.st_mode & 07777) == 0755 && !has_mapped_mode("outside"),
	      "the bind-mounted directory itself is untouched: owner %u mode %o",
	      st.st_uid, st.st_mode & 07777);
	CHECK(lstat(at("outside-file"), &st) == 0 && st.st_uid == 0 &&
	      (st.st_mode & 07777) == 0644 && !has_mapped_mode("outside-file"),
	      "a bind-mounted file is untouched: owner %u mode %o", st.st_uid,
	      st.st_mode & 07777);
	umount2(at("bt/f"), MNT_DETACH);
	umount2(at("bt/mnt"), MNT_DETACH);
}

/* Names in DIR in readdir order (the walk's order): is A before B? */
static int before(const char *dir, const char *a, const char *b)
{
	DIR *d = opendir(at(dir));
	struct dirent *de;
	int ia = -1, ib = -1, i = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, a))
			ia = i;
		if (!strcmp(de->d_name, b))
			ib = i;
		i++;
	}
	closedir(d);
	return ia >= 0 && ib >= 0 && ia < ib;
}

/* hl/NAME (a symlink) comes before hl/deep (deeper than the child's
 * descriptor limit), which holds its second name. */
static int make_link_tree(char *name, size_t len)
{
	char path[1024] = "hl/deep";
	int i;

	if (mkdir(at("hl"), 0755) < 0 || mkdir(at(path), 0755) < 0)
		return -1;
	for (i = 0; i < 40; i++) {
		strncat(path, "/d", sizeof(path) - strlen(path) - 1);
		if (mkdir(at(path), 0755) < 0)
			return -1;
	}
	/* the walk's order is the directory's: pick a name that comes first */
	for (i = 0; i < 200; i++) {
		snprintf(name, len, "hl/a%d", i);
		if (symlink("../target", at(name)) < 0)
			return -1;
		if (before("hl", name + 3, "deep"))
			break;
		unlink(at(name));
	}
	if (i == 200)
		return -1;
	strncat(path, "/b", sizeof(path) - strlen(path) - 1);
	return link(at(name), at(path));
}

static int same_file(const char *a, const char *b, struct stat *sa)
{
	struct stat sb;

	return lstat(at(a), sa) == 0 && lstat(at(b), &sb) == 0 &&
	       sa->st_ino == sb.st_ino && sa->st_nlink == 2;
}

/* 1: hard links across a stopped and resumed run. */
static void test_resume_links(void)
{
	const char *b = "hl/deep/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/"
			"d/d/d/d/d/d/d/d/d/d/b";
	char name[64];
	struct stat st;

	SETUP(make_link_tree(name, sizeof(name)) == 0, "the hard-link tree: %s", strerror(errno));
	CHECK(same_file(name, b, &st) && S_ISLNK(st.st_mode), "two names of one symlink");
	CHECK(convert_limited("hl", 1, 16) != 0, "to mapped-xattr: the run stops in hl/deep");
	CHECK(lstat(at(name), &st) == 0 && S_ISREG(st.st_mode),
	      "... after rewriting the first name (%s)", name);
	CHECK(convert("hl", 1) == 0, "to mapped-xattr: the run resumed");
	CHECK(same_file(name, b, &st) && S_ISREG(st.st_mode) && has_mapped_mode(b),
	      "to mapped-xattr: both names are one mapped file again (links %lu)",
	      (unsigned long)st.st_nlink);
	CHECK(convert_limited("hl", 0, 16) != 0, "to passthrough: the run stops in hl/deep");
	CHECK(lstat(at(name), &st) == 0 && S_ISLNK(st.st_mode),
	      "... after rebuilding the first name");
	CHECK(convert("hl", 0) == 0, "to passthrough: the run resumed");
	CHECK(same_file(name, b, &st) && S_ISLNK(st.st_mode),
	      "to passthrough: both names are one symlink again (links %lu)",
	      (unsigned long)st.st_nlink);
	CHECK(access(at("hl/" R9P_CONV_TMP), F_OK) < 0 &&
	      access(at("hl/.mkroot9p-convert.links"), F_OK) < 0, "no leftovers");
}

/* user.virtfs.* as a guest would write them under mapped-xattr. */
static int guest_wrote(const char *rel, mode_t mode, uid_t uid, dev_t rdev)
{
	struct r9p_qxattr m = { uid, 0, mode, rdev, S_ISBLK(mode) || S_ISCHR(mode) };
	int dfd = open(base, O_RDONLY | O_DIRECTORY), err;

	if (dfd < 0 || put(rel, "", 0600) < 0 || chown(at(rel), 4321, 4321) < 0)
		return -1;
	err = r9p_qxattr_set(dfd, rel, &m);
	close(dfd);
	return err;
}

/* 2: a guest's set-uid root shell and world-writable disk. */
static void test_privileged(void)
{
	struct r9p_qxattr m;
	struct stat st;
	int dfd;

	SETUP(mkdir(at("pv"), 0700) == 0 && guest_wrote("pv/rootshell", S_IFREG | 04755, 0, 0) == 0 &&
	      guest_wrote("pv/setgid", S_IFREG | 02755, 0, 0) == 0 &&
	      guest_wrote("pv/disk", S_IFBLK | 0666, 0, makedev(8, 0)) == 0 &&
	      guest_wrote("pv/tty", S_IFCHR | 0666, 0, makedev(4, 1)) == 0 &&
	      guest_wrote("pv/plain", S_IFREG | 0644, 0, 0) == 0 &&
	      guest_wrote("pv/fifo", S_IFIFO | 0600, 0, 0) == 0,
	      "the guest's files: %s", strerror(errno));
	CHECK(convert("pv", 0) == 0, "to passthrough");
	CHECK(lstat(at("pv/rootshell"), &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 &&
	      !(st.st_mode & (S_ISUID | S_ISGID)), "no set-uid root file: mode %o", st.st_mode);
	CHECK(lstat(at("pv/setgid"), &st) == 0 && !(st.st_mode & (S_ISUID | S_ISGID)),
	      "no set-gid file: mode %o", st.st_mode);
	CHECK(lstat(at("pv/disk"), &st) == 0 && S_ISREG(st.st_mode) &&
	      (st.st_mode & 07777) == 0600, "no block device 8:0: mode %o", st.st_mode);
	CHECK(lstat(at("pv/tty"), &st) == 0 && S_ISREG(st.st_mode), "no char device: mode %o",
	      st.st_mode);
	dfd = open(at("pv"), O_RDONLY | O_DIRECTORY);
	memset(&m, 0, sizeof(m));
	CHECK(dfd >= 0 && r9p_qxattr_get(dfd, "disk", &m) == 1 && m.mode == (S_IFBLK | 0666),
	      "the withheld device keeps its user.virtfs.mode");
	memset(&m, 0, sizeof(m));
	CHECK(dfd >= 0 && r9p_qxattr_get(dfd, "rootshell", &m) == 1 && m.mode == (S_IFREG | 04755),
	      "the file keeps its user.virtfs.mode (set-uid) for a later mapped-xattr");
	if (dfd >= 0)
		close(dfd);
	CHECK(lstat(at("pv/plain"), &st) == 0 && (st.st_mode & 07777) == 0644 && st.st_uid == 0 &&
	      !has_mapped_mode("pv/plain"), "an ordinary file is converted as before");
	CHECK(lstat(at("pv/fifo"), &st) == 0 && S_ISFIFO(st.st_mode), "a fifo is made real");
}

/* The bytes of REL (at most 255), or "" when it cannot be read. */
static const char *slurp(const char *rel)
{
	static char buf[256];
	int fd = open(at(rel), O_RDONLY | O_NOFOLLOW);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	return buf;
}

/* mkroot9p's writes in a root "ir" whose links point out of it ("out", a
 * sibling standing for the host) or at files of its own. */
static void test_inroot(void)
{
	struct r9p_err e;
	char out[R9P_INROOT_PATH_MAX], outabs[1100], mirror[1200];
	struct stat st, dst;
	int root = -1, err;

	snprintf(outabs, sizeof(outabs), "%s", at("out"));
	snprintf(mirror, sizeof(mirror), "ir%s", outabs);
	if (mkdir(at("ir"), 0755) || mkdir(at("ir/etc"), 0755) || mkdir(at("ir/usr"), 0755) || mkdir(at("ir/out"), 0755) ||
	    mkdir(at("ir/etc/default"), 0755) ||
	    mkdir(at("out"), 0755) || put("out/passwd", "host\n", 0644) ||
	    put("out/hosts", "host\n", 0644) || put("ir/etc/locale.conf", "LANG=fr\n", 0644) ||
	    put("ir/usr/os-release", "ID=debian\n", 0644) ||
	    symlink(outabs, at("ir/hostetc")) || symlink("../../../out", at("ir/up")) ||
	    symlink("../usr/os-release", at("ir/etc/hostname")) ||
	    symlink("../locale.conf", at("ir/etc/default/locale")) ||
	    symlink(at("out/hosts"), at("ir/etc/hosts")) || symlink("usr", at("ir/lib")) ||
	    symlink("../../../../../../../../out/passwd", at("ir/etc/passwd")) ||
	    symlink("/etc/made", at("ir/etc/dangling")) ||
	    symlink("/nowhere/made", at("ir/etc/nowhere")) ||
	    symlink("loop2", at("ir/etc/loop1")) || symlink("/etc/loop1", at("ir/etc/loop2")) ||
	    symlink("/nowhere", at("ir/dangling")) ||
	    r9p_inroot_open(at("ir"), &root, &e) ||
	    r9p_inroot_mkdir(root, outabs, 0755, &e)) {
		SKIP("cannot build the hostile root for mkroot9p's writes: %s", strerror(errno));
		return;
	}
	/* above the path: a link to the host, absolute or by .. */
	err = r9p_inroot_write(root, "/hostetc/passwd", "pwned\n", 6, 0644, &e);
	CHECK(err == -ELOOP && !strcmp(slurp("out/passwd"), "host\n"),
	      "a write through an absolute link to the host is refused (%d)", err);
	err = r9p_inroot_write(root, "up/passwd", "pwned\n", 6, 0644, &e);
	CHECK(err == -ELOOP && !strcmp(slurp("out/passwd"), "host\n"),
	      "a write through a ../.. link is refused (%d)", err);
	err = r9p_inroot_mkdir(root, "/hostetc/new/deeper", 0755, &e);
	CHECK(err == -ELOOP && lstat(at("out/new"), &st) < 0,
	      "mkdir -p through a link to the host is refused, nothing made there (%d)", err);
	err = r9p_inroot_symlink(root, "/up/evil", "/bin/sh", &e);
	CHECK(err == -ELOOP && lstat(at("out/evil"), &st) < 0,
	      "a symlink made through a link is refused (%d)", err);
	err = r9p_inroot_mkdir(root, "/lib/modules", 0755, &e);
	CHECK(err == -ELOOP && lstat(at("ir/usr/modules"), &st) < 0,
	      "even the root's own link (lib -> usr) is not followed by a mkdir (%d)", err);
	/* the last name: the root's own link written through, kept */
	err = r9p_inroot_write(root, "/etc/default/locale", "LANG=C.UTF-8\n", 13, 0644, &e);
	CHECK(err == 0 && !strcmp(slurp("ir/etc/locale.conf"), "LANG=C.UTF-8\n") &&
	      lstat(at("ir/etc/default/locale"), &st) == 0 && S_ISLNK(st.st_mode),
	      "a relative link in the written file's place: its target written, the link kept (%d)", err);
	err = r9p_inroot_write(root, "/etc/hostname", "guest\n", 6, 0644, &e);
	CHECK(err == 0 && !strcmp(slurp("ir/usr/os-release"), "guest\n") &&
	      lstat(at("ir/etc/hostname"), &st) == 0 && S_ISLNK(st.st_mode),
	      "a ../ link to another folder of the root: written there, the link kept (%d)", err);
	snprintf(out, sizeof(out), "%s/hosts", mirror);
	err = r9p_inroot_write(root, "/etc/hosts", "127.0.0.1 localhost\n", 20, 0644, &e);
	CHECK(err == 0 && !strcmp(slurp("out/hosts"), "host\n") &&
	      !strcmp(slurp(out), "127.0.0.1 localhost\n") &&
	      lstat(at("ir/etc/hosts"), &st) == 0 && S_ISLNK(st.st_mode),
	      "an absolute link naming a host file: resolved in the root, the host file untouched (%d)", err);
	err = r9p_inroot_write(root, "/etc/passwd", "root:x:0:0\n", 11, 0644, &e);
	CHECK(err == 0 && !strcmp(slurp("out/passwd"), "host\n") &&
	      !strcmp(slurp("ir/out/passwd"), "root:x:0:0\n") &&
	      lstat(at("ir/etc/passwd"), &st) == 0 && S_ISLNK(st.st_mode),
	      "a link escaping by ../../..: .. stops at the root, written there (%d)", err);
	err = r9p_inroot_write(root, "/etc/dangling", "new\n", 4, 0644, &e);
	CHECK(err == 0 && !strcmp(slurp("ir/etc/made"), "new\n") &&
	      lstat(at("ir/etc/dangling"), &st) == 0 && S_ISLNK(st.st_mode),
	      "a dangling link to a folder of the root: its target made, the link kept (%d)", err);
	err = r9p_inroot_write(root, "/etc/nowhere", "new\n", 4, 0644, &e);
	CHECK(err == -ENOENT && lstat(at("ir/etc/nowhere"), &st) == 0 && S_ISLNK(st.st_mode) &&
	      lstat(at("ir/nowhere"), &st) < 0 && !strcmp(e.step, R9P_INROOT_STEP_TARGET),
	      "a dangling link to a folder the root lacks: refused, nothing made (%d: %s)", err, e.step);
	err = r9p_inroot_write(root, "/etc/loop1", "x\n", 2, 0644, &e);
	CHECK(err == -ELOOP && lstat(at("ir/etc/loop1"), &st) == 0 && S_ISLNK(st.st_mode) &&
	      !strcmp(e.step, R9P_INROOT_STEP_LOOP),
	      "a loop in the written file's place: -ELOOP, the links kept (%d: %s)", err, e.step);
	err = r9p_inroot_remove(root, "/hostetc", &e);
	CHECK(err == 0 && lstat(at("ir/hostetc"), &st) < 0 && stat(at("out/passwd"), &st) == 0,
	      "remove takes the link away, not what it points to (%d)", err);
	/* nothing to do: nothing touched */
	CHECK(r9p_inroot_write(root, "/etc/motd", "guest\n", 6, 0644, &e) == 0 &&
	      lstat(at("ir/etc/motd"), &st) == 0 && S_ISREG(st.st_mode), "a new file is made");
	stat(at("ir/etc"), &dst);
	sleep(1);
	err = r9p_inroot_write(root, "/etc/motd", "guest\n", 6, 0600, &e);
	CHECK(err == R9P_INROOT_UNCHANGED && stat(at("ir/etc/motd"), &st) == 0 &&
	      (st.st_mode & 07777) == 0600,
	      "the same bytes: unchanged, only the mode set (%d)", err);
	CHECK(stat(at("ir/etc"), &st) == 0 && st.st_mtime == dst.st_mtime,
	      "the same bytes: the folder's mtime kept");
	CHECK(chown(at("ir/etc/motd"), 0, 42) == 0 && chmod(at("ir/etc/motd"), 0640) == 0 &&
	      r9p_inroot_write(root, "etc/motd", "other\n", 6, R9P_INROOT_KEEP_MODE, &e) == 0 &&
	      stat(at("ir/etc/motd"), &st) == 0 && st.st_gid == 42 &&
	      (st.st_mode & 07777) == 0640,
	      "keep: a rewritten file keeps its owner and mode (/etc/shadow's root:shadow 0640)");
	/* links made and taken back: only the helper's own */
	CHECK(r9p_inroot_symlink(root, "etc/mask", "/dev/null", &e) == 0 &&
	      r9p_inroot_symlink(root, "etc/mask", "/dev/null", &e) == R9P_INROOT_UNCHANGED &&
	      r9p_inroot_unlink_link(root, "etc/mask", "/dev/zero", &e) == R9P_INROOT_UNCHANGED &&
	      lstat(at("ir/etc/mask"), &st) == 0,
	      "a link made twice is made once; one to another target is not removed");
	CHECK(r9p_inroot_symlink(root, "/etc", "x", &e) == -EISDIR,
	      "a folder is never replaced by a link");
	/* reading: the tree's links followed inside it only */
	CHECK(r9p_inroot_resolve(root, "/lib/modules/6.1", out, sizeof(out), &e) == 0 &&
	      !strcmp(out, "/usr/modules/6.1"), "resolve: lib -> usr inside the root (%s)", out);
	CHECK(r9p_inroot_resolve(root, "/up/passwd", out, sizeof(out), &e) == 0 &&
	      !strcmp(out, "/out/passwd"), "resolve: .. stops at the root (%s)", out);
	CHECK(r9p_inroot_resolve(root, "/dangling/x", out, sizeof(out), &e) == -ENOENT,
	      "resolve: a link to nothing is no path");
	close(root);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char cmd[600];

	snprintf(base, sizeof(base), "%s/test_mkroot_hostile.XXXXXX", tmp ? tmp : "/tmp");
	if (geteuid() != 0 || !mkdtemp(base)) {
		SKIP("the converter's hostile-tree tests need root and a writable TMPDIR");
		return t_done("test_mkroot_hostile");
	}
	/* bind mounts stay in a mount namespace of our own, whatever happens */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		SKIP("no private mount namespace (%s): bind-mount test", strerror(errno));
	} else {
		test_bind_mount();
	}
	test_resume_links();
	test_privileged();
	test_inroot();
	snprintf(cmd, sizeof(cmd), "rm -rf --one-file-system '%s'", base);
	CHECK(system(cmd) == 0, "clean up");
	return t_done("test_mkroot_hostile");
}
