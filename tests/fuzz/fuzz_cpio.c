/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_cpio.c - libFuzzer target for the newc reader
 * (r9p_cpio_parse, under mkinitrd9p --list) and, through a round trip,
 * the writer (r9p_cpio_write).
 *
 * The input is read as the lister reads an uncompressed segment: archives
 * separated by zeros. Invariants: every name and data span lies inside
 * the input (an exact-size copy, for ASan), names end in their NUL, the
 * position only moves forward and stays within the input, a visitor's
 * refusal comes back with the position at that header. Then the entries
 * read are written again with the project's writer and read back: each
 * one the writer accepted comes back once, with its type, mode bits,
 * device numbers and bytes; the only others are parent directories.
 */
#include <errno.h>
#include <sys/stat.h>

#include "common/array.h"
#include "mkinitrd/cpio.h"
#include "tests/fuzz/fuzz.h"

#define NEWC_HDR_LEN 110
#define KEEP_MAX 64		/* entries taken into the round trip */
#define STOP_CODE 4242

struct seen {
	char *path;
	enum r9p_cpio_type type;
	unsigned perm, rmajor, rminor;
	unsigned char *data;
	size_t size;
	int count;
};

struct reader {
	const unsigned char *buf;
	size_t len, last;	/* offset of the last header visited */
	unsigned long visits, stop_at;	/* refuse visit number stop_at */
	struct seen keep[KEEP_MAX];
	int nkeep;
};

static const struct {
	unsigned fmt;
	enum r9p_cpio_type type;
} types[] = {
	{ S_IFREG, R9P_CPIO_FILE }, { S_IFDIR, R9P_CPIO_DIR },
	{ S_IFLNK, R9P_CPIO_SYMLINK }, { S_IFCHR, R9P_CPIO_CHAR },
	{ S_IFBLK, R9P_CPIO_BLOCK }, { S_IFIFO, R9P_CPIO_FIFO },
};
#define NTYPES ARRAY_SIZE(types)

static void *dup_bytes(const void *p, size_t n)
{
	unsigned char *q = malloc(n + 1);

	NEED(q != NULL);
	if (n)
		memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

static int visit(void *ctx, const struct r9p_cpio_hdr *h)
{
	struct reader *r = ctx;
	const unsigned char *end = r->buf + r->len;
	const unsigned char *name = (const unsigned char *)h->name;
	size_t at, i;

	NEED(name >= r->buf + NEWC_HDR_LEN && name < end);
	NEED(h->namesize >= 1 && h->namesize <= (size_t)(end - name));
	NEED(name[h->namesize - 1] == '\0');
	NEED(strcmp(h->name, "TRAILER!!!") != 0);
	NEED(h->data >= name + h->namesize && h->data <= end);
	NEED(h->filesize <= (size_t)(end - h->data));
	at = (size_t)(name - r->buf) - NEWC_HDR_LEN;
	NEED(r9p_cpio_is_newc(r->buf + at, r->len - at));
	NEED(r->visits == 0 || at > r->last);
	r->last = at;
	if (++r->visits == r->stop_at)
		return STOP_CODE;
	for (i = 0; i < NTYPES && types[i].fmt != (h->mode & S_IFMT); i++)
		;
	if (i < NTYPES && r->nkeep < KEEP_MAX) {
		struct seen *s = &r->keep[r->nkeep++];

		memset(s, 0, sizeof(*s));
		s->path = dup_bytes(h->name, strlen(h->name));
		s->type = types[i].type;
		s->perm = h->mode & 07777;
		s->rmajor = h->rmajor;
		s->rminor = h->rminor;
		s->data = dup_bytes(h->data, h->filesize);
		s->size = h->filesize;
	}
	return 0;
}

/* Read archives separated by zeros, as the lister does. */
static void read_all(struct reader *r)
{
	size_t pos = 0, before;
	int err;

	while (pos < r->len && r->buf[pos] == 0)
		pos++;
	while (pos < r->len) {
		before = pos;
		err = r9p_cpio_parse(r->buf, r->len, &pos, visit, r);
		NEED(pos >= before && pos <= r->len);
		if (err == STOP_CODE) {
			NEED(pos == r->last);
			return;
		}
		NEED(err == 0 || err == -EBADMSG);
		if (err)
			return;
		NEED(pos > before);
		while (pos < r->len && r->buf[pos] == 0)
			pos++;
	}
}

struct sink {
	unsigned char *p;
	size_t len, cap;
};

static int to_memory(void *ctx, const void *buf, size_t len)
{
	struct sink *s = ctx;

	if (s->cap - s->len < len) {
		s->cap = (s->cap + len) * 2;
		s->p = realloc(s->p, s->cap);
		NEED(s->p != NULL);
	}
	memcpy(s->p + s->len, buf, len);
	s->len += len;
	return 0;
}

struct back {
	struct seen *want;
	int nwant;
};

static int compare(void *ctx, const struct r9p_cpio_hdr *h)
{
	struct back *b = ctx;
	struct seen *w = NULL;
	int i;

	NEED(h->uid == 0 && h->gid == 0);
	for (i = 0; i < b->nwant && !w; i++)
		if (strcmp(b->want[i].path, h->name) == 0)
			w = &b->want[i];
	if (!w) {	/* a parent the writer added */
		NEED((h->mode & S_IFMT) == S_IFDIR);
		return 0;
	}
	w->count++;
	NEED((h->mode & S_IFMT) == r9p_cpio_type_mode(w->type));
	NEED((h->mode & 07777) == w->perm);
	NEED(h->filesize == w->size);
	NEED(!w->size || memcmp(h->data, w->data, w->size) == 0);
	if (w->type == R9P_CPIO_CHAR || w->type == R9P_CPIO_BLOCK)
		NEED(h->rmajor == w->rmajor && h->rminor == w->rminor);
	return 0;
}

static struct seen *find(struct seen *v, int n, const char *path)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].path, path) == 0)
			return &v[i];
	return NULL;
}

/* Add what was read to a writer; remember what it accepted. */
static int add_all(struct r9p_cpio *c, struct reader *r, struct seen *want)
{
	int i, n = 0, err;
	struct seen *s, *w;
	const char *path;

	for (i = 0; i < r->nkeep; i++) {
		s = &r->keep[i];
		switch (s->type) {
		case R9P_CPIO_FILE:
			err = r9p_cpio_add_file(c, s->path, s->perm,
						dup_bytes(s->data, s->size),
						s->size);
			break;
		case R9P_CPIO_DIR:	/* any data of a directory is dropped */
			err = r9p_cpio_add_dir(c, s->path, s->perm);
			s->size = 0;
			break;
		case R9P_CPIO_SYMLINK:
			/* the target is a C string: up to its first NUL */
			s->size = strlen((char *)s->data);
			err = r9p_cpio_add_symlink(c, s->path,
						   (char *)s->data);
			s->perm = 0777;
			break;
		default:
			err = r9p_cpio_add_node(c, s->path, s->type, s->perm,
						s->rmajor, s->rminor);
			s->size = 0;
			break;
		}
		if (err)
			continue;
		path = s->path;
		while (*path == '/')
			path++;
		w = find(want, n, path);
		if (w) {	/* a directory again: its later mode wins */
			NEED(w->type == R9P_CPIO_DIR &&
			     s->type == R9P_CPIO_DIR);
			w->perm = s->perm;
			continue;
		}
		want[n] = *s;
		want[n].path = (char *)path;
		want[n].count = 0;
		n++;
	}
	return n;
}

static void round_trip(struct reader *r)
{
	struct seen want[KEEP_MAX];
	struct back b = { want, 0 };
	struct sink s = { NULL, 0, 0 };
	struct r9p_cpio c;
	uint64_t total = 0;
	size_t pos = 0;
	int i;

	r9p_cpio_init(&c);
	b.nwant = add_all(&c, r, want);
	for (i = 0; i < b.nwant; i++)
		/* A top-level "TRAILER!!!" ends any newc reader (the kernel's
		 * too); no caller of the writer adds one. */
		if (strcmp(want[i].path, "TRAILER!!!") == 0)
			goto out;
	if (r9p_cpio_write(&c, 0, to_memory, &s, &total) != 0)
		goto out;	/* e.g. a file where a parent must be */
	NEED(total == s.len && s.len % 4 == 0);
	NEED(r9p_cpio_parse(s.p, s.len, &pos, compare, &b) == 0);
	NEED(pos == s.len);
	for (i = 0; i < b.nwant; i++)
		NEED(want[i].count == 1);
out:
	r9p_cpio_free(&c);
	free(s.p);
}

/* Byte 0: which visit refuses (0: none); the rest is the archive. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct reader r;
	unsigned char *buf;
	int i;

	if (size < 1)
		return 0;
	memset(&r, 0, sizeof(r));
	r.len = size - 1;
	/* exactly len bytes: a read past them is an ASan report */
	buf = malloc(r.len ? r.len : 1);
	NEED(buf != NULL);
	if (r.len)
		memcpy(buf, data + 1, r.len);
	r.buf = buf;
	r.stop_at = data[0] < 16 ? data[0] : 0;
	read_all(&r);
	if (!r.stop_at)
		round_trip(&r);
	for (i = 0; i < r.nkeep; i++) {
		free(r.keep[i].path);
		free(r.keep[i].data);
	}
	free(buf);
	return 0;
}
