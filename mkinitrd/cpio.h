/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/cpio.h - the cpio "newc" archive: collect entries, then emit.
 *
 * Collecting (r9p_cpio_add_*) only records entries; r9p_cpio_write adds
 * missing parent directories, sorts by path and writes a deterministic
 * archive: root:root, one mtime, inode numbers by position, TRAILER!!!.
 * Paths are given with or without a leading '/'; they are stored
 * without it. Functions return 0 or -errno.
 */
#ifndef R9P_MKINITRD_CPIO_H
#define R9P_MKINITRD_CPIO_H

#include <stddef.h>
#include <stdint.h>

enum r9p_cpio_type {
	R9P_CPIO_FILE,
	R9P_CPIO_DIR,
	R9P_CPIO_SYMLINK,
	R9P_CPIO_CHAR,
	R9P_CPIO_BLOCK,
	R9P_CPIO_FIFO,
	R9P_CPIO_NTYPES
};

struct r9p_cpio_entry {
	char *path;                /* no leading '/' */
	enum r9p_cpio_type type;
	unsigned perm;             /* permission bits, 07777 */
	unsigned rmajor, rminor;   /* device nodes */
	unsigned char *data;       /* file contents or symlink target (owned) */
	size_t size;
	unsigned nlink;            /* computed by r9p_cpio_write */
};

struct r9p_cpio {
	struct r9p_cpio_entry *v;
	size_t n, cap;
};

/* Where the archive bytes go: returns 0 or -errno. */
typedef int (*r9p_cpio_sink)(void *ctx, const void *buf, size_t len);

void r9p_cpio_init(struct r9p_cpio *c);
void r9p_cpio_free(struct r9p_cpio *c);

/* A directory may be added twice (the later mode wins); other paths once. */
int r9p_cpio_add_dir(struct r9p_cpio *c, const char *path, unsigned perm);
/* Takes ownership of data (malloc'd), also when it fails. */
int r9p_cpio_add_file(struct r9p_cpio *c, const char *path, unsigned perm,
		      unsigned char *data, size_t size);
int r9p_cpio_add_symlink(struct r9p_cpio *c, const char *path,
			 const char *target);
int r9p_cpio_add_node(struct r9p_cpio *c, const char *path,
		      enum r9p_cpio_type type, unsigned perm,
		      unsigned rmajor, unsigned rminor);

/* The S_IF* bits of a type, and its one-letter ls(1) mark. */
unsigned r9p_cpio_type_mode(enum r9p_cpio_type type);
char r9p_cpio_type_char(enum r9p_cpio_type type);

/*
 * Complete parents, sort, and write the archive to sink. *total gets
 * the number of bytes written (may be NULL).
 */
int r9p_cpio_write(struct r9p_cpio *c, uint32_t mtime, r9p_cpio_sink sink,
		   void *ctx, uint64_t *total);

/* Reading (cpio_read.c): one parsed header; name and data point into buf. */
struct r9p_cpio_hdr {
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize;
	uint32_t major, minor, rmajor, rminor, namesize;
	const char *name;
	const unsigned char *data;
};

/* Called per entry (not for the trailer); nonzero stops the parse. */
typedef int (*r9p_cpio_visit)(void *ctx, const struct r9p_cpio_hdr *h);

/* Does buf start like a newc header ("070701" or "070702")? */
int r9p_cpio_is_newc(const unsigned char *buf, size_t len);

/*
 * Parse one archive starting at *pos up to its trailer (and the padding
 * after it). *pos advances past it; on error it is left at the header
 * that failed. Returns 0, -EBADMSG (not newc / truncated / bad field)
 * or what visit returned.
 */
int r9p_cpio_parse(const unsigned char *buf, size_t len, size_t *pos,
		   r9p_cpio_visit visit, void *ctx);

#endif
