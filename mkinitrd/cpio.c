/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/cpio.c - collect entries and write a deterministic newc cpio.
 *
 * Collecting and emitting are separate: adds only record, write sorts and
 * emits. One function (emit_header) formats every header, one (emit)
 * does every write and checks it, so padding and offsets live in one place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mkinitrd/cpio.h"
#include "mkinitrd/util.h"

#define NEWC_MAGIC "070701"
#define NEWC_HDR_LEN 110
#define TRAILER "TRAILER!!!"

static const struct {
	unsigned mode;
	char mark;
} types[R9P_CPIO_NTYPES] = {
	[R9P_CPIO_FILE]    = { S_IFREG,  '-' },
	[R9P_CPIO_DIR]     = { S_IFDIR,  'd' },
	[R9P_CPIO_SYMLINK] = { S_IFLNK,  'l' },
	[R9P_CPIO_CHAR]    = { S_IFCHR,  'c' },
	[R9P_CPIO_BLOCK]   = { S_IFBLK,  'b' },
	[R9P_CPIO_FIFO]    = { S_IFIFO,  'p' },
};

struct emitter {
	r9p_cpio_sink sink;
	void *ctx;
	uint64_t off;
};

/* Header fields in on-disk order; uid, gid and the file's device are 0. */
struct newc_fields {
	uint32_t ino, mode, nlink, mtime, filesize, rmajor, rminor, namesize;
};

unsigned r9p_cpio_type_mode(enum r9p_cpio_type type)
{
	return types[type].mode;
}

char r9p_cpio_type_char(enum r9p_cpio_type type)
{
	return types[type].mark;
}

void r9p_cpio_init(struct r9p_cpio *c)
{
	memset(c, 0, sizeof(*c));
}

void r9p_cpio_free(struct r9p_cpio *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].path);
		free(c->v[i].data);
	}
	free(c->v);
	r9p_cpio_init(c);
}

/* Strip leading '/', refuse empty, ".", ".." and empty components. */
static int normalize(const char *path, char **out)
{
	const char *p, *comp;
	size_t len;

	while (*path == '/')
		path++;
	if (!*path)
		return -EINVAL;
	for (comp = p = path;; p++) {
		if (*p != '/' && *p)
			continue;
		len = (size_t)(p - comp);
		if (len == 0 || (len == 1 && comp[0] == '.') ||
		    (len == 2 && comp[0] == '.' && comp[1] == '.'))
			return -EINVAL;
		if (!*p)
			break;
		comp = p + 1;
	}
	*out = xstrdup(path);
	return 0;
}

static struct r9p_cpio_entry *find(struct r9p_cpio *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].path, path) == 0)
			return &c->v[i];
	return NULL;
}

/* Record one entry; takes ownership of data whatever happens. */
static int add(struct r9p_cpio *c, const char *path, enum r9p_cpio_type type,
	       unsigned perm, unsigned char *data, size_t size)
{
	struct r9p_cpio_entry *e;
	char *norm;
	int err;

	err = normalize(path, &norm);
	if (err)
		goto fail;
	e = find(c, norm);
	if (e) {
		free(norm);
		if (e->type != R9P_CPIO_DIR || type != R9P_CPIO_DIR) {
			err = -EEXIST;
			goto fail;
		}
		e->perm = perm & 07777;
		return 0;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	e = &c->v[c->n++];
	memset(e, 0, sizeof(*e));
	e->path = norm;
	e->type = type;
	e->perm = perm & 07777;
	e->data = data;
	e->size = size;
	return 0;
fail:
	free(data);
	return err;
}

int r9p_cpio_add_dir(struct r9p_cpio *c, const char *path, unsigned perm)
{
	return add(c, path, R9P_CPIO_DIR, perm, NULL, 0);
}

int r9p_cpio_add_file(struct r9p_cpio *c, const char *path, unsigned perm,
		      unsigned char *data, size_t size)
{
	return add(c, path, R9P_CPIO_FILE, perm, data, size);
}

int r9p_cpio_add_symlink(struct r9p_cpio *c, const char *path,
			 const char *target)
{
	if (!*target)
		return -EINVAL;
	return add(c, path, R9P_CPIO_SYMLINK, 0777,
		   (unsigned char *)xstrdup(target), strlen(target));
}

int r9p_cpio_add_node(struct r9p_cpio *c, const char *path,
		      enum r9p_cpio_type type, unsigned perm,
		      unsigned rmajor, unsigned rminor)
{
	int err;

	if (type != R9P_CPIO_CHAR && type != R9P_CPIO_BLOCK &&
	    type != R9P_CPIO_FIFO)
		return -EINVAL;
	err = add(c, path, type, perm, NULL, 0);
	if (!err) {
		c->v[c->n - 1].rmajor = rmajor;
		c->v[c->n - 1].rminor = rminor;
	}
	return err;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct r9p_cpio_entry *)a)->path,
		      ((const struct r9p_cpio_entry *)b)->path);
}

static struct r9p_cpio_entry *lookup_sorted(struct r9p_cpio *c,
					    const char *path)
{
	struct r9p_cpio_entry key;

	key.path = (char *)path;
	return bsearch(&key, c->v, c->n, sizeof(*c->v), cmp_entry);
}

/*
 * Add every missing ancestor as a 0755 directory, then sort. A byte-wise
 * sort puts a parent before its children: the parent is their prefix.
 */
static int complete_and_sort(struct r9p_cpio *c)
{
	size_t i, n = c->n;
	char *dir, *slash;
	int err;

	for (i = 0; i < n; i++) {
		dir = xstrdup(c->v[i].path);
		while ((slash = strrchr(dir, '/'))) {
			*slash = '\0';
			if (find(c, dir))
				continue;
			err = r9p_cpio_add_dir(c, dir, 0755);
			if (err) {
				free(dir);
				return err;
			}
		}
		free(dir);
	}
	if (c->n)	/* an empty archive has no array: qsort wants one */
		qsort(c->v, c->n, sizeof(*c->v), cmp_entry);
	return 0;
}

/*
 * nlink: 1 for non-directories, 2 + subdirectories for directories.
 * Also refuses an entry whose parent is not a directory.
 */
static int count_links(struct r9p_cpio *c)
{
	struct r9p_cpio_entry *parent;
	char *dir, *slash;
	size_t i;
	int err = 0;

	for (i = 0; i < c->n; i++)
		c->v[i].nlink = c->v[i].type == R9P_CPIO_DIR ? 2 : 1;
	for (i = 0; !err && i < c->n; i++) {
		dir = xstrdup(c->v[i].path);
		slash = strrchr(dir, '/');
		if (slash) {
			*slash = '\0';
			parent = lookup_sorted(c, dir);
			if (!parent || parent->type != R9P_CPIO_DIR)
				err = -ENOTDIR;
			else if (c->v[i].type == R9P_CPIO_DIR)
				parent->nlink++;
		}
		free(dir);
	}
	return err;
}

static int emit(struct emitter *e, const void *buf, size_t len)
{
	int err;

	if (!len)
		return 0;
	err = e->sink(e->ctx, buf, len);
	if (err)
		return err;
	e->off += len;
	return 0;
}

/* newc aligns headers and file data to 4 bytes. */
static int emit_pad(struct emitter *e)
{
	static const char zeros[4];

	return emit(e, zeros, (size_t)((4 - e->off % 4) % 4));
}

static int emit_header(struct emitter *e, const struct newc_fields *f,
		       const char *name)
{
	char hdr[NEWC_HDR_LEN + 1];
	int err;

	snprintf(hdr, sizeof(hdr),
		 "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 NEWC_MAGIC, f->ino, f->mode, 0u, 0u, f->nlink, f->mtime,
		 f->filesize, 0u, 0u, f->rmajor, f->rminor, f->namesize, 0u);
	err = emit(e, hdr, NEWC_HDR_LEN);
	if (!err)
		err = emit(e, name, f->namesize);	/* with its NUL */
	if (!err)
		err = emit_pad(e);
	return err;
}

static int emit_entry(struct emitter *e, const struct r9p_cpio_entry *x,
		      uint32_t ino, uint32_t mtime)
{
	struct newc_fields f;
	int err;

	if (x->size > UINT32_MAX)
		return -EFBIG;
	f.ino = ino;
	f.mode = types[x->type].mode | x->perm;
	f.nlink = x->nlink;
	f.mtime = mtime;
	f.filesize = (uint32_t)x->size;
	f.rmajor = x->rmajor;
	f.rminor = x->rminor;
	f.namesize = (uint32_t)strlen(x->path) + 1;
	err = emit_header(e, &f, x->path);
	if (!err)
		err = emit(e, x->data, x->size);
	if (!err)
		err = emit_pad(e);
	return err;
}

int r9p_cpio_write(struct r9p_cpio *c, uint32_t mtime, r9p_cpio_sink sink,
		   void *ctx, uint64_t *total)
{
	struct emitter e = { sink, ctx, 0 };
	struct newc_fields trailer = { 0, 0, 1, 0, 0, 0, 0, sizeof(TRAILER) };
	size_t i;
	int err;

	err = complete_and_sort(c);
	if (!err)
		err = count_links(c);
	/* Inode numbers by position: same input, same numbers. */
	for (i = 0; !err && i < c->n; i++)
		err = emit_entry(&e, &c->v[i], (uint32_t)(i + 1), mtime);
	if (!err)
		err = emit_header(&e, &trailer, TRAILER);
	if (!err && total)
		*total = e.off;
	return err;
}
