/* SPDX-License-Identifier: MIT */
/*
 * init/execcheck.c - check that an init can really be executed, before
 * the initramfs (and with it the rescue shell) is wiped.
 *
 * Only what makes execve() fail is read: the ELF header and program
 * headers for PT_INTERP (32- or 64-bit, either byte order), or the #!
 * line, parsed as fs/binfmt_script.c does. Shared libraries are the
 * loader's business and are not followed. Every path is resolved inside
 * the root open as a directory fd, in this process: openat2() with
 * RESOLVE_IN_ROOT, or a walk of one component at a time that does the
 * same where the kernel has no openat2 (before 5.6).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init/compat.h"
#include "init/execcheck.h"

/* The kernel reads this much of a file to pick a binfmt (5.1+). */
/* The step of a struct r9p_err of this file (init9p says its own). */
#define CHECK_STEP "check that the init can run"
#define HEAD_SIZE 256
#define INTERP_MAX 4096		/* PATH_MAX, the kernel's PT_INTERP limit */
#ifndef O_PATH
#define O_PATH 010000000	/* glibc without _GNU_SOURCE, some klibc */
#endif
#define PT_INTERP 3
#define ET_EXEC 2
#define ET_DYN 3
/* The kernel's limit on symlinks in one lookup (MAXSYMLINKS). */
#define LINKS_MAX 40

/* Where paths are resolved, and how. */
struct root {
	int fd;			/* the root, a directory */
	struct stat st;		/* its identity, for ".." at the top */
	int walk;		/* resolve with walk_in_root, never openat2 */
};

struct head {
	unsigned char b[HEAD_SIZE];
	size_t n;
};

static int check_exec(struct root *r, const char *path, int depth,
		      struct r9p_err *e);

/* N bytes at P as an unsigned number, big-endian when MSB. */
static uint64_t get(const unsigned char *p, int n, int msb)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[msb ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

static int is_elf(const struct head *h)
{
	return h->n >= 4 && memcmp(h->b, "\177ELF", 4) == 0;
}

/* Is DIR the root itself? ".." there stays there, as in a chroot. */
static int at_top(const struct root *r, int dir)
{
	struct stat st;

	return fstat(dir, &st) == 0 && st.st_dev == r->st.st_dev &&
	       st.st_ino == r->st.st_ino;
}

/* Put the link's target in front of what is left of the path in BUF. */
static int splice_link(int fd, char *buf, size_t size, const char *rest)
{
	char target[INTERP_MAX];
	ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
	size_t k = strlen(rest);

	if (n < 0)
		return -errno;
	if (n == 0)
		return -ENOENT;		/* as the kernel reads "" */
	if ((size_t)n + 1 + k + 1 > size)
		return -ENAMETOOLONG;
	memmove(buf + n + 1, rest, k + 1);
	memcpy(buf, target, (size_t)n);
	buf[n] = '/';
	return 0;
}

/*
 * PATH opened with FLAGS as if R were "/": one component at a time with
 * O_NOFOLLOW, every symlink read and spliced in, an absolute target or
 * ".." at the top starting again from R. A magic link (/proc/self/root)
 * is read as the text it shows, so it cannot leave R either. A trailing
 * "/" is not checked: an init is never named with one. fd or -errno.
 */
static int walk_in_root(const struct root *r, const char *path, int flags)
{
	char buf[2 * INTERP_MAX], *p = buf, *end;
	int dir = -1, fd, links = 0, err = 0;
	struct stat st;

	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	for (;;) {
		if (dir < 0 || *p == '/') {	/* absolute: from the top */
			if (dir >= 0)
				close(dir);
			dir = dup(r->fd);
			if (dir < 0)
				return -errno;
		}
		while (*p == '/')
			p++;
		if (!*p)
			break;	/* ends on a directory: DIR itself */
		end = p + strcspn(p, "/");
		if (*end)
			*end++ = '\0';
		if (!strcmp(p, ".") || !strcmp(p, "..")) {
			if (p[1] == '.' && !at_top(r, dir)) {
				fd = openat(dir, "..", O_PATH | O_DIRECTORY |
					    O_CLOEXEC);
				if (fd < 0) {
					err = -errno;
					break;
				}
				close(dir);
				dir = fd;
			}
			/* no jump back to the top for what follows */
			while (*end == '/')
				end++;
			p = end;
			continue;
		}
		fd = openat(dir, p, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0) {
			err = -errno;
			if (fd >= 0)
				close(fd);
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			err = ++links > LINKS_MAX ? -ELOOP :
			      splice_link(fd, buf, sizeof(buf), end);
			close(fd);
			if (err)
				break;
			p = buf;	/* an absolute target restarts above */
			continue;
		}
		while (*end == '/')
			end++;
		if (!*end) {	/* the last component: open it as asked */
			close(fd);
			fd = openat(dir, p, flags | O_NOFOLLOW | O_CLOEXEC);
			close(dir);
			return fd < 0 ? -errno : fd;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(fd);
			err = -ENOTDIR;
			break;
		}
		close(dir);
		dir = fd;
		p = end;
	}
	if (err) {
		close(dir);
		return err;
	}
	fd = openat(dir, ".", flags | O_CLOEXEC);
	close(dir);
	return fd < 0 ? -errno : fd;
}

/* PATH opened with FLAGS inside R: openat2 once the kernel has it. */
static int open_in_root(struct root *r, const char *path, int flags)
{
	int fd;

	if (!r->walk) {
		fd = i9p_openat2_in_root(r->fd, path, flags | O_CLOEXEC);
		/* EAGAIN: a rename raced with ".."; the walk has no such
		 * limit. */
		if (fd == -EAGAIN)
			return walk_in_root(r, path, flags);
		if (fd != -ENOSYS)
			return fd;
		r->walk = 1;	/* before 5.6: walk from now on */
	}
	return walk_in_root(r, path, flags);
}

/* May this process execute the regular file open (O_PATH) as FD? As
 * access(X_OK): faccessat2 on the fd (5.8+, sees noexec mounts too);
 * before, the mode bits as the kernel reads them for this process. */
static int exec_allowed(int fd, const struct stat *st)
{
	int err = i9p_faccess_fd(fd, X_OK);

	if (err != -ENOSYS && err != -EINVAL)
		return err;
	if (geteuid() == 0)
		return st->st_mode & 0111 ? 0 : -EACCES;
	if (st->st_uid == geteuid())
		return st->st_mode & 0100 ? 0 : -EACCES;
	if (st->st_gid == getegid())
		return st->st_mode & 0010 ? 0 : -EACCES;
	return st->st_mode & 0001 ? 0 : -EACCES;
}

/* PATH in R: its status in *ST, and O_PATH fd, or -errno. */
static int stat_in_root(struct root *r, const char *path, struct stat *st)
{
	int fd = open_in_root(r, path, O_PATH);

	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* Open PATH and read its head; *FD stays open for more reads. */
static int read_head(struct root *r, const char *path, struct head *h,
		     int *fd)
{
	ssize_t n;

	*fd = open_in_root(r, path, O_RDONLY);
	if (*fd < 0)
		return *fd;
	n = read(*fd, h->b, sizeof(h->b));
	if (n < 0) {
		n = -errno;
		close(*fd);
		*fd = -1;
		return (int)n;
	}
	h->n = (size_t)n;
	return 0;
}

/*
 * The PT_INTERP path of the ELF file open as FD into INTERP ("" for a
 * static binary). -ENOEXEC when the headers are not what the kernel
 * takes (load_elf_binary's checks on the parts read here).
 */
static int elf_interp(int fd, const struct head *h, char *interp)
{
	int is64 = h->b[4] == 2, msb = h->b[5] == 2;
	uint64_t phoff, off, size;
	unsigned phentsize, phnum, i, type;
	unsigned char ph[56];

	*interp = '\0';
	if ((h->b[4] != 1 && !is64) || (h->b[5] != 1 && !msb) ||
	    h->n < (is64 ? 64u : 52u))
		return -ENOEXEC;
	type = get(h->b + 16, 2, msb);
	if (type != ET_EXEC && type != ET_DYN)
		return -ENOEXEC;
	phoff = get(h->b + (is64 ? 32 : 28), is64 ? 8 : 4, msb);
	phentsize = get(h->b + (is64 ? 54 : 42), 2, msb);
	phnum = get(h->b + (is64 ? 56 : 44), 2, msb);
	if (phentsize != (is64 ? 56u : 32u) || phnum == 0 ||
	    phnum * phentsize > 65536)
		return -ENOEXEC;
	for (i = 0; i < phnum; i++) {
		if (pread(fd, ph, phentsize, phoff + (uint64_t)i * phentsize) !=
		    (ssize_t)phentsize)
			return -ENOEXEC;
		if (get(ph, 4, msb) != PT_INTERP)
			continue;
		off = get(ph + (is64 ? 8 : 4), is64 ? 8 : 4, msb);
		size = get(ph + (is64 ? 32 : 16), is64 ? 8 : 4, msb);
		/* As the kernel: 2..PATH_MAX bytes, NUL-terminated. */
		if (size < 2 || size > INTERP_MAX ||
		    pread(fd, interp, size, off) != (ssize_t)size ||
		    interp[size - 1] != '\0')
			return -ENOEXEC;
		return 0;
	}
	return 0;
}

/* The ELF interpreter must exist, be executable and be ELF itself. */
static int check_elf(struct root *r, int fd, const struct head *h,
		     struct r9p_err *e)
{
	char interp[INTERP_MAX];
	struct head ih;
	struct stat st;
	int ifd, pfd, err;

	err = elf_interp(fd, h, interp);
	if (err) {
		r9p_errf(e, CHECK_STEP, err, NULL,
			 "an ELF file the kernel cannot load");
		return err;
	}
	if (!*interp)
		return 0;	/* static */
	ifd = stat_in_root(r, interp, &st);
	if (ifd < 0) {
		err = ifd;
		if (err == -ENOENT || err == -ENOTDIR)
			r9p_errf(e, CHECK_STEP, err, NULL,
				 "its ELF interpreter %s is missing", interp);
		else
			r9p_errf(e, CHECK_STEP, err, NULL,
				 "its ELF interpreter %s: %s", interp,
				 strerror(-err));
		return err;
	}
	err = S_ISREG(st.st_mode) ? exec_allowed(ifd, &st) : -EACCES;
	if (err) {
		close(ifd);
		r9p_errf(e, CHECK_STEP, -EACCES, NULL,
			 "its ELF interpreter %s is not an executable file",
			 interp);
		return -EACCES;
	}
	/* IFD held open: the second lookup finds the dentries cached. */
	pfd = ifd;
	err = read_head(r, interp, &ih, &ifd);
	close(pfd);
	if (ifd >= 0)
		close(ifd);
	if (err || !is_elf(&ih)) {
		r9p_errf(e, CHECK_STEP, err ? err : -ELIBBAD, NULL,
			 "its ELF interpreter %s is not an ELF file", interp);
		return err ? err : -ELIBBAD;
	}
	return 0;
}

static int spacetab(char c)
{
	return c == ' ' || c == '\t';
}

/* The interpreter of a #! line, as fs/binfmt_script.c reads it. */
static int script_interp(const struct head *h, char *interp, size_t len)
{
	const char *p = (const char *)h->b + 2, *end;
	const char *nl = memchr(h->b, '\n', h->n);
	size_t n;

	end = nl ? nl : (const char *)h->b + h->n;
	while (p < end && spacetab(*p))
		p++;
	for (n = 0; p + n < end && !spacetab(p[n]) && p[n]; n++)
		;
	/* No newline and the name runs to the end: it may be cut. */
	if (n == 0 || n >= len || (!nl && p + n == end && h->n == HEAD_SIZE))
		return -ENOEXEC;
	memcpy(interp, p, n);
	interp[n] = '\0';
	return 0;
}

static int check_script(struct root *r, const struct head *h, int depth,
			struct r9p_err *e)
{
	char interp[HEAD_SIZE];
	struct r9p_err sub;
	int err;

	if (script_interp(h, interp, sizeof(interp)) < 0) {
		r9p_errf(e, CHECK_STEP, -ENOEXEC, NULL,
			 "its #! line names no interpreter");
		return -ENOEXEC;
	}
	if (depth >= I9P_EXEC_DEPTH) {
		r9p_errf(e, CHECK_STEP, -ELOOP, NULL,
			 "more than %d levels of #! interpreters",
			 I9P_EXEC_DEPTH);
		return -ELOOP;
	}
	err = check_exec(r, interp, depth + 1, &sub);
	if (!err)
		return 0;
	if (!*sub.why)
		r9p_errf(e, CHECK_STEP, err, NULL, "its #! interpreter %s is "
			 "missing", interp);
	else
		r9p_errf(e, CHECK_STEP, err, NULL, "its #! interpreter %s: %s",
			 interp, sub.why);
	return err;
}

static int check_exec(struct root *r, const char *path, int depth,
		      struct r9p_err *e)
{
	struct head h;
	struct stat st;
	int pfd, fd = -1, err;

	pfd = stat_in_root(r, path, &st);
	if (pfd < 0) {
		/* E->why "" when PATH is not there: the caller says so. */
		if (pfd != -ENOENT && pfd != -ENOTDIR)
			r9p_errf(e, CHECK_STEP, pfd, NULL, "%s",
				 strerror(-pfd));
		else
			r9p_errf(e, CHECK_STEP, pfd, NULL, "%s", "");
		return pfd;
	}
	/* PFD stays open until PATH is read: its dentries then stay cached,
	 * and the second lookup costs no 9p walk (cache=none and mmap drop
	 * unused dentries). */
	err = S_ISREG(st.st_mode) ? exec_allowed(pfd, &st) : -EACCES;
	if (!err)
		err = read_head(r, path, &h, &fd);
	close(pfd);
	if (!S_ISREG(st.st_mode)) {
		r9p_errf(e, CHECK_STEP, -EACCES, NULL, "not a regular file");
		return -EACCES;
	}
	if (err) {
		r9p_errf(e, CHECK_STEP, err, NULL, "%s", strerror(-err));
		return err;
	}
	if (is_elf(&h)) {
		err = check_elf(r, fd, &h, e);
	} else if (h.n >= 2 && h.b[0] == '#' && h.b[1] == '!') {
		err = check_script(r, &h, depth, e);
	} else {
		err = -ENOEXEC;
		r9p_errf(e, CHECK_STEP, err, NULL,
			 "neither an ELF executable nor a #! script");
	}
	close(fd);
	return err;
}

int i9p_exec_check(int rootfd, const char *path, unsigned flags,
		   struct r9p_err *e)
{
	struct root r;

	if (fstat(rootfd, &r.st) < 0) {
		r9p_errf(e, CHECK_STEP, -errno, NULL, "%s", strerror(errno));
		return e->code;
	}
	r.fd = rootfd;
	r.walk = !!(flags & I9P_EXEC_WALK);
	return check_exec(&r, path, 0, e);
}
