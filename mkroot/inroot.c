/* SPDX-License-Identifier: MIT */
/*
 * mkroot/inroot.c - write into a root directory that may fight back.
 *
 * The folders above a path are opened by the kernel with openat2() and
 * RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS: no symlink is followed, so none
 * the tree holds can lead a write out of it (or into another part of it
 * than the one named). The last component is handled with *at() calls
 * from that folder's fd; only a write follows it when it is a link, and
 * then inside the root (follow_last). Needs Linux 5.6 (openat2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>

#include "common/err.h"
#include "mkroot/inroot.h"

/* A file this large is not one mkroot9p writes: compared only up to it. */
#define INROOT_CMP_MAX (1 << 20)
/* The temporary name beside the target: prefix, then random hex. */
#define INROOT_TMP_PREFIX ".mkroot9p."
#define INROOT_TMP_TRIES 16
#define INROOT_FD_PATH_MAX 64
/* The links a write follows in its last name's place: the kernel's own
 * limit (MAXSYMLINKS), so a loop ends as it would in open(2). */
#define INROOT_MAX_HOPS 40

/* E filled for STEP, which failed with ERR (-errno); returns ERR. What
 * to try is the CLI's to say: its line names REL, which E cannot. */
static int fail(struct r9p_err *e, const char *step, int err)
{
	r9p_errf(e, step, err, NULL, "%s", strerror(-err));
	return err;
}

static int openat2_in(int rootfd, const char *rel, int flags, unsigned long long resolve)
{
	struct open_how how;
	int fd;

	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)flags | O_CLOEXEC;
	how.resolve = resolve | RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

/* Split REL into its folder (in DIR, "." for the root) and last name (in
 * NAME); the last name is a real name (not "", "." or ".."). */
static int split(const char *rel, char *dir, char *name, size_t len)
{
	size_t n;
	const char *slash;

	while (*rel == '/')
		rel++;
	n = strlen(rel);
	while (n && rel[n - 1] == '/')
		n--;
	if (n >= len)
		return -ENAMETOOLONG;
	memcpy(dir, rel, n);
	dir[n] = 0;
	slash = strrchr(dir, '/');
	snprintf(name, len, "%s", slash ? slash + 1 : dir);
	if (slash)
		dir[slash - dir] = 0;
	else
		strcpy(dir, ".");
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	return 0;
}

/* The folder above REL, as an O_PATH fd, resolved with RESOLVE (always
 * inside the root); NAME gets the last component. */
static int open_parent_how(int rootfd, const char *rel, char *name, size_t len,
			   unsigned long long resolve, struct r9p_err *e)
{
	char dir[R9P_INROOT_PATH_MAX];
	int fd, err = split(rel, dir, name, len);

	if (err)
		return fail(e, "take the path apart", err);
	fd = openat2_in(rootfd, dir, O_PATH | O_DIRECTORY, RESOLVE_IN_ROOT | resolve);
	if (fd >= 0)
		return fd;
	return fail(e, resolve & RESOLVE_NO_SYMLINKS ?
		    "open the folder above it (no symlink followed)" : R9P_INROOT_STEP_TARGET, fd);
}

/* The folder above REL, never through a symlink: every write's path. */
static int open_parent(int rootfd, const char *rel, char *name, size_t len,
		       struct r9p_err *e)
{
	return open_parent_how(rootfd, rel, name, len, RESOLVE_NO_SYMLINKS, e);
}

/* The host path of FD, from /proc/self/fd. */
static int fd_path(int fd, char *out, size_t len)
{
	char link[INROOT_FD_PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, out, len - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= len - 1)
		return -ENAMETOOLONG;
	out[n] = 0;
	return 0;
}

/* The path of FD (opened under ROOTFD) from the root, with a leading /
 * ("/" for the root itself): its host path with the root's cut off. */
static int path_in_root(int rootfd, int fd, char *out, size_t len, struct r9p_err *e)
{
	char root[R9P_INROOT_PATH_MAX], path[R9P_INROOT_PATH_MAX];
	size_t rlen;
	int err = fd_path(fd, path, sizeof(path));

	if (!err)
		err = fd_path(rootfd, root, sizeof(root));
	if (err)
		return fail(e, "read the path back from /proc/self/fd", err);
	rlen = strcmp(root, "/") ? strlen(root) : 0;
	if (strncmp(path, root, rlen) || (path[rlen] && path[rlen] != '/'))
		return fail(e, "find the root in the resolved path", -EXDEV);
	if ((size_t)snprintf(out, len, "%s", path[rlen] ? path + rlen : "/") >= len)
		return fail(e, "read the path back from /proc/self/fd", -ENAMETOOLONG);
	return 0;
}

/* The bytes of NAME in DIRFD equal DATA: 1, else 0 (not a regular file,
 * absent, or other bytes). */
static int same_bytes(int dirfd, const char *name, const char *data, size_t len,
		      struct stat *st)
{
	char buf[8192];
	size_t off = 0;
	ssize_t n;
	int fd, same = 0;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) || (size_t)st->st_size != len ||
	    len > INROOT_CMP_MAX)
		goto out;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (off + (size_t)n > len || memcmp(buf, data + off, (size_t)n))
			goto out;
		off += (size_t)n;
	}
	same = n == 0 && off == len;
out:
	close(fd);
	return same;
}

/*
 * REL with its last name followed while that is a symlink, written to OUT
 * as a path from the root that holds no link: the file a write to REL
 * means, the one `echo x >REL` in a chroot would change. REL's own
 * folders must be real ones (open_parent). A link's target is resolved by
 * the kernel with RESOLVE_IN_ROOT, links in its folders included: an
 * absolute target starts again at the root and .. stops there, so a link
 * of the tree (locale -> ../locale.conf, hosts -> /etc/passwd of the
 * host, ../../../x) names a file of the tree and following it never
 * leaves DIR; magic links (/proc/self/...) are refused. A target whose
 * folder is not in the root is -ENOENT, a loop -ELOOP.
 */
static int follow_last(int rootfd, const char *rel, char *out, size_t len,
		       struct r9p_err *e)
{
	char path[R9P_INROOT_PATH_MAX], dir[R9P_INROOT_PATH_MAX];
	char name[R9P_INROOT_PATH_MAX], target[R9P_INROOT_PATH_MAX];
	unsigned long long resolve = RESOLVE_NO_SYMLINKS;
	unsigned int hops;
	ssize_t n;
	int dirfd, err;

	if (strlen(rel) >= sizeof(path))
		return fail(e, "take the path apart", -ENAMETOOLONG);
	strcpy(path, rel);
	for (hops = 0;; hops++) {
		dirfd = open_parent_how(rootfd, path, name, sizeof(name), resolve, e);
		if (dirfd < 0)
			return dirfd;
		err = path_in_root(rootfd, dirfd, dir, sizeof(dir), e);
		n = err ? 0 : readlinkat(dirfd, name, target, sizeof(target) - 1);
		if (!err && n < 0 && errno != EINVAL && errno != ENOENT)
			err = fail(e, "read the symlink", -errno);
		close(dirfd);
		if (err)
			return err;
		if (!strcmp(dir, "/"))
			*dir = 0;
		if (n < 0) {	/* a file, a folder or nothing: REL's file */
			if ((size_t)snprintf(out, len, "%s/%s", dir, name) >= len)
				return fail(e, "follow the symlinks in its place", -ENAMETOOLONG);
			return 0;
		}
		if (hops == INROOT_MAX_HOPS)
			return fail(e, R9P_INROOT_STEP_LOOP, -ELOOP);
		target[n] = 0;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", *target == '/' ? "" : dir,
				     target) >= sizeof(path))
			return fail(e, "follow the symlinks in its place", -ENAMETOOLONG);
		resolve = 0;
	}
}

/* A new name beside the target in DIRFD: NAME gets it. */
static void tmp_name(char *name, size_t len, unsigned int i)
{
	snprintf(name, len, INROOT_TMP_PREFIX "%06x%02x",
		 (unsigned int)(getpid() ^ rand()) & 0xffffffU, i);
}

int r9p_inroot_open(const char *dir, int *rootfd, struct r9p_err *e)
{
	*rootfd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*rootfd < 0)
		return fail(e, "open the root (not a symlink)", -errno);
	return 0;
}

int r9p_inroot_resolve(int rootfd, const char *rel, char *out, size_t len,
		       struct r9p_err *e)
{
	char path[R9P_INROOT_PATH_MAX];
	char head[R9P_INROOT_PATH_MAX], tail[R9P_INROOT_PATH_MAX] = "";
	struct stat st;
	char *slash;
	int fd, err;

	if (strlen(rel) >= sizeof(head))
		return fail(e, "resolve it inside the root", -ENAMETOOLONG);
	strcpy(head, rel);
	/* The longest part that exists, resolved by the kernel; what is
	 * missing below it holds no link, so it is appended as it is. */
	while ((fd = openat2_in(rootfd, *head ? head : ".", O_PATH, RESOLVE_IN_ROOT)) == -ENOENT) {
		while ((slash = strrchr(head, '/')) && !slash[1])
			*slash = 0;
		if (!slash)
			slash = head - 1;
		if (!strcmp(slash + 1, ".."))
			return fail(e, "resolve it inside the root", -ENOENT);
		memmove(tail + strlen(slash + 1) + 1, tail, strlen(tail) + 1);
		tail[0] = '/';
		memcpy(tail + 1, slash + 1, strlen(slash + 1));
		slash[1] = 0;
		if (slash < head)
			*head = 0;
	}
	if (fd < 0)
		return fail(e, "resolve it inside the root", fd);
	/* The first missing name may be a link that points nowhere: its
	 * target is not the name, so there is no path to give. */
	if (*tail) {
		slash = strchr(tail + 1, '/');
		if (slash)
			*slash = 0;
		err = fstatat(fd, tail + 1, &st, AT_SYMLINK_NOFOLLOW) == 0;
		if (slash)
			*slash = '/';
		if (err) {
			close(fd);
			return fail(e, "follow a symlink that points to nothing in the root",
				    -ENOENT);
		}
	}
	err = path_in_root(rootfd, fd, path, sizeof(path), e);
	close(fd);
	if (err)
		return err;
	if ((size_t)snprintf(out, len, "%s%s", strcmp(path, "/") ? path : "", tail) >= len)
		return fail(e, "resolve it inside the root", -ENAMETOOLONG);
	if (!*out)
		snprintf(out, len, "/");
	return 0;
}

int r9p_inroot_mkdir(int rootfd, const char *rel, mode_t mode, struct r9p_err *e)
{
	char path[R9P_INROOT_PATH_MAX], *comp, *next, *save = NULL;
	int cur, sub, last;

	if (strlen(rel) >= sizeof(path))
		return fail(e, "take the path apart", -ENAMETOOLONG);
	strcpy(path, rel);
	cur = dup(rootfd);
	if (cur < 0)
		return fail(e, "dup the root", -errno);
	for (comp = strtok_r(path, "/", &save); comp; comp = next) {
		next = strtok_r(NULL, "/", &save);
		last = next == NULL;
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			close(cur);
			return fail(e, "take the path apart (no ..)", -EINVAL);
		}
		if (mkdirat(cur, comp, last ? mode : 0755) < 0 && errno != EEXIST) {
			fail(e, "mkdir", -errno);
			close(cur);
			return e->code;
		}
		/* What is there now, made by us or not, is entered only as a
		 * real folder: a symlink in its place is refused. */
		sub = openat2_in(cur, comp, O_PATH | O_DIRECTORY,
				 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
		close(cur);
		if (sub < 0)
			return fail(e, "enter the folder (no symlink followed)", sub);
		cur = sub;
	}
	close(cur);
	return 0;
}

int r9p_inroot_write(int rootfd, const char *rel, const char *data, size_t len,
		     mode_t mode, struct r9p_err *e)
{
	char name[R9P_INROOT_PATH_MAX], tmp[sizeof(INROOT_TMP_PREFIX) + 16];
	struct stat old;
	size_t off = 0;
	ssize_t n;
	unsigned int i;
	char real[R9P_INROOT_PATH_MAX];
	int dirfd, fd = -1, err = 0, had;

	/* A link of the root's own in REL's place is written through, not
	 * replaced (trixie's /etc/default/locale -> ../locale.conf must stay
	 * a link): follow_last says why that never leaves the root. The
	 * file it names is then replaced by rename like any other. */
	err = follow_last(rootfd, rel, real, sizeof(real), e);
	if (err)
		return err;
	dirfd = open_parent(rootfd, real, name, sizeof(name), e);
	if (dirfd < 0)
		return dirfd;
	if (same_bytes(dirfd, name, data, len, &old)) {
		if (mode != R9P_INROOT_KEEP_MODE && (old.st_mode & 07777) != mode &&
		    fchmodat(dirfd, name, mode, AT_SYMLINK_NOFOLLOW) < 0)
			err = fail(e, "chmod", -errno);
		close(dirfd);
		return err ? err : R9P_INROOT_UNCHANGED;
	}
	had = fstatat(dirfd, name, &old, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(old.st_mode);
	if (mode == R9P_INROOT_KEEP_MODE)
		mode = had ? old.st_mode & 07777 : 0644;
	for (i = 0; i < INROOT_TMP_TRIES && fd < 0; i++) {
		tmp_name(tmp, sizeof(tmp), i);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		err = fail(e, "create a new file beside it", -errno);
		goto out;
	}
	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n < 0) {
			err = fail(e, "write", -errno);
			goto drop;
		}
		off += (size_t)n;
	}
	/* The old file's owner (/etc/shadow's group) when we may give it. */
	if (had && geteuid() == 0 && fchown(fd, old.st_uid, old.st_gid) < 0) {
		err = fail(e, "chown", -errno);
		goto drop;
	}
	if (fchmod(fd, mode) < 0 || fsync(fd) < 0) {
		err = fail(e, "chmod and fsync", -errno);
		goto drop;
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		err = fail(e, "rename the new file over it", -errno);
		goto drop;
	}
	close(fd);
	close(dirfd);
	return 0;
drop:
	close(fd);
	unlinkat(dirfd, tmp, 0);
out:
	close(dirfd);
	return err;
}

/* link_to: 1 when NAME in DIRFD is a symbolic link to TARGET; 0 when it
 * is another link, something else or nothing. */
static int link_to(int dirfd, const char *name, const char *target)
{
	char cur[R9P_INROOT_PATH_MAX];
	ssize_t n = readlinkat(dirfd, name, cur, sizeof(cur) - 1);

	if (n < 0)
		return 0;
	cur[n] = 0;
	return !strcmp(cur, target);
}

int r9p_inroot_symlink(int rootfd, const char *rel, const char *target,
		       struct r9p_err *e)
{
	char name[R9P_INROOT_PATH_MAX];
	char tmp[sizeof(INROOT_TMP_PREFIX) + 16];
	struct stat st;
	unsigned int i;
	int dirfd, err = -EEXIST;

	dirfd = open_parent(rootfd, rel, name, sizeof(name), e);
	if (dirfd < 0)
		return dirfd;
	if (link_to(dirfd, name, target)) {
		close(dirfd);
		return R9P_INROOT_UNCHANGED;
	}
	/* (a link, even to a folder, is replaced; a folder is not) */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
		close(dirfd);
		return fail(e, "replace it (a folder is there)", -EISDIR);
	}
	for (i = 0; i < INROOT_TMP_TRIES && err == -EEXIST; i++) {
		tmp_name(tmp, sizeof(tmp), i);
		err = symlinkat(target, dirfd, tmp) < 0 ? -errno : 0;
	}
	if (err) {
		fail(e, "make the link beside it", err);
	} else if (renameat(dirfd, tmp, dirfd, name) < 0) {
		err = fail(e, "rename the link over it", -errno);
		unlinkat(dirfd, tmp, 0);
	}
	close(dirfd);
	return err;
}

int r9p_inroot_unlink_link(int rootfd, const char *rel, const char *target,
			   struct r9p_err *e)
{
	char name[R9P_INROOT_PATH_MAX];
	struct r9p_err above;
	int dirfd, err = R9P_INROOT_UNCHANGED;

	/* no folder above: no link either (E untouched, nothing failed) */
	dirfd = open_parent(rootfd, rel, name, sizeof(name), &above);
	if (dirfd == -ENOENT)
		return R9P_INROOT_UNCHANGED;
	if (dirfd < 0) {
		*e = above;
		return dirfd;
	}
	if (link_to(dirfd, name, target))
		err = unlinkat(dirfd, name, 0) < 0 ? fail(e, "unlink", -errno) : 0;
	close(dirfd);
	return err;
}

int r9p_inroot_remove(int rootfd, const char *rel, struct r9p_err *e)
{
	char name[R9P_INROOT_PATH_MAX];
	struct r9p_err above;
	int dirfd, err = 0;

	dirfd = open_parent(rootfd, rel, name, sizeof(name), &above);
	if (dirfd == -ENOENT)
		return R9P_INROOT_UNCHANGED;
	if (dirfd < 0) {
		*e = above;
		return dirfd;
	}
	/* unlinkat without AT_REMOVEDIR: a symlink itself, never a folder */
	if (unlinkat(dirfd, name, 0) < 0)
		err = errno == ENOENT ? R9P_INROOT_UNCHANGED : fail(e, "unlink", -errno);
	close(dirfd);
	return err;
}
