/* SPDX-License-Identifier: MIT */
/*
 * init/execcheck.c - check that an init can really be executed, before
 * the initramfs (and with it the rescue shell) is wiped.
 *
 * Only what makes execve() fail is read: the ELF header and program
 * headers for PT_INTERP (32- or 64-bit, either byte order), or the #!
 * line, parsed as fs/binfmt_script.c does. Shared libraries are the
 * loader's business and are not followed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init/execcheck.h"

/* The kernel reads this much of a file to pick a binfmt (5.1+). */
#define HEAD_SIZE 256
#define INTERP_MAX 4096		/* PATH_MAX, the kernel's PT_INTERP limit */
#define PT_INTERP 3
#define ET_EXEC 2
#define ET_DYN 3

struct head {
	unsigned char b[HEAD_SIZE];
	size_t n;
};

static int check_exec(const char *path, int depth, char *why, size_t len);

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

/* Open PATH and read its head; *FD stays open for more reads. */
static int read_head(const char *path, struct head *h, int *fd)
{
	ssize_t r;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	r = read(*fd, h->b, sizeof(h->b));
	if (r < 0) {
		r = -errno;
		close(*fd);
		*fd = -1;
		return (int)r;
	}
	h->n = (size_t)r;
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
static int check_elf(int fd, const struct head *h, char *why, size_t len)
{
	char interp[INTERP_MAX];
	struct head ih;
	struct stat st;
	int ifd, err;

	err = elf_interp(fd, h, interp);
	if (err) {
		snprintf(why, len, "an ELF file the kernel cannot load");
		return err;
	}
	if (!*interp)
		return 0;	/* static */
	if (stat(interp, &st) < 0) {
		err = -errno;
		if (err == -ENOENT || err == -ENOTDIR)
			snprintf(why, len, "its ELF interpreter %s is missing",
				 interp);
		else
			snprintf(why, len, "its ELF interpreter %s: %s", interp,
				 strerror(-err));
		return err;
	}
	if (!S_ISREG(st.st_mode) || access(interp, X_OK) < 0) {
		snprintf(why, len, "its ELF interpreter %s is not an executable "
			 "file", interp);
		return -EACCES;
	}
	err = read_head(interp, &ih, &ifd);
	if (ifd >= 0)
		close(ifd);
	if (err || !is_elf(&ih)) {
		snprintf(why, len, "its ELF interpreter %s is not an ELF file",
			 interp);
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

static int check_script(const struct head *h, int depth, char *why,
			size_t len)
{
	char interp[HEAD_SIZE], sub[512];
	int err;

	if (script_interp(h, interp, sizeof(interp)) < 0) {
		snprintf(why, len, "its #! line names no interpreter");
		return -ENOEXEC;
	}
	if (depth >= I9P_EXEC_DEPTH) {
		snprintf(why, len, "more than %d levels of #! interpreters",
			 I9P_EXEC_DEPTH);
		return -ELOOP;
	}
	*sub = '\0';
	err = check_exec(interp, depth + 1, sub, sizeof(sub));
	if (!err)
		return 0;
	if (!*sub)
		snprintf(why, len, "its #! interpreter %s is missing", interp);
	else
		snprintf(why, len, "its #! interpreter %s: %s", interp, sub);
	return err;
}

static int check_exec(const char *path, int depth, char *why, size_t len)
{
	struct head h;
	struct stat st;
	int fd = -1, err;

	if (stat(path, &st) < 0) {
		err = -errno;
		/* WHY stays "" when PATH is not there: the caller says so. */
		if (err != -ENOENT && err != -ENOTDIR)
			snprintf(why, len, "%s", strerror(-err));
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, len, "not a regular file");
		return -EACCES;
	}
	err = access(path, X_OK) < 0 ? -errno : read_head(path, &h, &fd);
	if (err) {
		snprintf(why, len, "%s", strerror(-err));
		return err;
	}
	if (is_elf(&h)) {
		err = check_elf(fd, &h, why, len);
	} else if (h.n >= 2 && h.b[0] == '#' && h.b[1] == '!') {
		err = check_script(&h, depth, why, len);
	} else {
		snprintf(why, len, "neither an ELF executable nor a #! script");
		err = -ENOEXEC;
	}
	close(fd);
	return err;
}

int i9p_exec_check(const char *path, char *why, size_t len)
{
	char none[1];

	if (!len) {
		why = none;
		len = sizeof(none);
	}
	*why = '\0';
	return check_exec(path, 0, why, len);
}
