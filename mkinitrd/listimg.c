/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/listimg.c - walk an initrd's segments and list their entries.
 *
 * The kernel's rule (init/initramfs.c): after each archive, skip zeros;
 * the next bytes are either a newc header or a compressed stream that
 * holds more archives. We follow it and print like `cpio -tv`, with one
 * header line per segment saying how it is stored. The image may come
 * from anyone: its decompressed size is bounded, and names are printed
 * escaped so that no byte of it reaches the terminal as a control.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/array.h"
#include "mkinitrd/cpio.h"
#include "mkinitrd/decompress.h"
#include "mkinitrd/listimg.h"
#include "mkinitrd/util.h"

/* The step of a struct r9p_err of this file (its why says the rest). */
#define LIST_STEP "list the image"

static const struct {
	unsigned fmt;
	char mark;
} file_types[] = {
	{ S_IFREG, '-' }, { S_IFDIR, 'd' }, { S_IFLNK, 'l' },
	{ S_IFCHR, 'c' }, { S_IFBLK, 'b' }, { S_IFIFO, 'p' },
	{ S_IFSOCK, 's' },
};

struct lister {
	FILE *out;
	unsigned long entries;
	size_t max, room;	/* decompressed bytes: allowed, still allowed */
};

void r9p_list_put_escaped(FILE *out, const char *s, size_t len)
{
	unsigned char ch;
	size_t i;

	for (i = 0; i < len; i++) {
		ch = (unsigned char)s[i];
		/* Only printable ASCII passes: ESC, C1 (0x9b = CSI), DEL
		 * and raw UTF-8 alike become \ooo, as ls -b prints them. */
		if (ch == '\\')
			fputs("\\\\", out);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(out, "\\%03o", ch);
		else
			fputc(ch, out);
	}
}

static void mode_string(uint32_t mode, char s[11])
{
	static const char rwx[] = "rwxrwxrwx";
	size_t i;

	s[0] = '?';
	for (i = 0; i < ARRAY_SIZE(file_types); i++)
		if ((mode & S_IFMT) == file_types[i].fmt)
			s[0] = file_types[i].mark;
	for (i = 0; i < 9; i++)
		s[1 + i] = mode & (0400u >> i) ? rwx[i] : '-';
	/* setuid, setgid, sticky replace the x of their triplet. */
	if (mode & S_ISUID)
		s[3] = mode & S_IXUSR ? 's' : 'S';
	if (mode & S_ISGID)
		s[6] = mode & S_IXGRP ? 's' : 'S';
	if (mode & S_ISVTX)
		s[9] = mode & S_IXOTH ? 't' : 'T';
	s[10] = '\0';
}

static int print_entry(void *ctx, const struct r9p_cpio_hdr *h)
{
	struct lister *l = ctx;
	char mode[11], size[32], date[32];
	time_t t = (time_t)h->mtime;
	struct tm tm;
	int is_link = (h->mode & S_IFMT) == S_IFLNK;

	mode_string(h->mode, mode);
	if ((h->mode & S_IFMT) == S_IFCHR || (h->mode & S_IFMT) == S_IFBLK)
		snprintf(size, sizeof(size), "%u, %u", h->rmajor, h->rminor);
	else
		snprintf(size, sizeof(size), "%u", h->filesize);
	if (gmtime_r(&t, &tm))
		strftime(date, sizeof(date), "%Y-%m-%d %H:%M", &tm);
	else
		snprintf(date, sizeof(date), "%u", h->mtime);
	fprintf(l->out, "%s %3u %-5u %-5u %10s %s ", mode, h->nlink, h->uid,
		h->gid, size, date);
	r9p_list_put_escaped(l->out, h->name, strlen(h->name));
	if (is_link) {
		fputs(" -> ", l->out);
		r9p_list_put_escaped(l->out, (const char *)h->data,
				     h->filesize);
	}
	fputc('\n', l->out);
	l->entries++;
	return 0;
}

static size_t skip_zeros(const unsigned char *buf, size_t len, size_t pos)
{
	while (pos < len && buf[pos] == 0)
		pos++;
	return pos;
}

/* List the archives in one decompressed segment; *bad: where it failed. */
static int list_archives(struct lister *l, const unsigned char *buf,
			 size_t len, size_t *bad)
{
	size_t pos = skip_zeros(buf, len, 0);
	int err;

	while (pos < len) {
		*bad = pos;
		err = r9p_cpio_parse(buf, len, &pos, print_entry, l);
		if (err) {
			*bad = pos;
			return err;
		}
		pos = skip_zeros(buf, len, pos);
	}
	return 0;
}

static char *peek(const unsigned char *buf, size_t len)
{
	return xasprintf("%02x %02x %02x %02x", len > 0 ? buf[0] : 0,
			 len > 1 ? buf[1] : 0, len > 2 ? buf[2] : 0,
			 len > 3 ? buf[3] : 0);
}

/* One compressed segment at pos: decompress, list, return its length. */
static int list_compressed(struct lister *l, const char *path,
			   const unsigned char *buf, size_t len, size_t pos,
			   enum r9p_comp comp, int seg, size_t *used,
			   struct r9p_err *e)
{
	unsigned char *plain;
	size_t plen, bad = 0;
	int err;

	err = r9p_decompress(comp, buf + pos, len - pos, l->room, &plain,
			     &plen, used);
	if (err == -EFBIG) {
		r9p_errf(e, LIST_STEP, err, NULL,
			 "read %s at offset %zu: %s segment: more than "
			 "%zu MiB after decompression, the limit of "
			 "--list for a whole image: not an initrd (a "
			 "decompression bomb?)", path, pos,
			 r9p_comp_name(comp), l->max >> 20);
		return err;
	}
	if (err) {
		r9p_errf(e, LIST_STEP, err, NULL,
			 "read %s at offset %zu: %s segment: %s", path,
			 pos, r9p_comp_name(comp),
			 err == -EBADMSG ? "corrupt or truncated data"
					 : strerror(-err));
		return err;
	}
	l->room -= plen;
	fprintf(l->out, "# segment %d at offset %zu: %s, %zu bytes -> %zu "
		"bytes\n", seg, pos, r9p_comp_name(comp), *used, plen);
	err = list_archives(l, plain, plen, &bad);
	if (err)
		r9p_errf(e, LIST_STEP, err, NULL,
			 "read %s at offset %zu: %s segment, offset "
			 "%zu after decompression: not a complete newc "
			 "cpio archive", path, pos,
			 r9p_comp_name(comp), bad);
	free(plain);
	return err;
}

/* One uncompressed archive at pos; *used gets its length. */
static int list_plain(struct lister *l, const char *path,
		      const unsigned char *buf, size_t len, size_t pos,
		      int seg, size_t *used, struct r9p_err *e)
{
	size_t end = pos;
	int err;

	fprintf(l->out, "# segment %d at offset %zu: uncompressed newc cpio\n",
		seg, pos);
	err = r9p_cpio_parse(buf, len, &end, print_entry, l);
	if (err) {
		r9p_errf(e, LIST_STEP, err, NULL,
			 "read %s at offset %zu: not a complete newc "
			 "cpio entry (truncated or corrupt)", path, end);
		return err;
	}
	*used = end - pos;
	return 0;
}

int r9p_list_image_max(const char *path, FILE *out, size_t max,
		       struct r9p_err *e)
{
	struct lister l = { out, 0, max, max };
	unsigned char *buf;
	const char *other;
	size_t len, pos, used;
	enum r9p_comp comp;
	int err, seg = 0;
	char *bytes;

	err = r9p_read_input(path, max, &buf, &len);
	if (err) {
		if (err == -EFBIG)
			r9p_errf(e, LIST_STEP, err, NULL,
				 "read %s: larger than "
				 "%zu MiB, the limit of --list for an image",
				 path, max >> 20);
		else
			r9p_errf(e, LIST_STEP, err, NULL, "read %s: %s", path,
				 r9p_read_strerror(err));
		return err;
	}
	pos = skip_zeros(buf, len, 0);
	while (!err && pos < len) {
		seg++;
		used = 0;
		comp = r9p_comp_detect(buf + pos, len - pos, &other);
		if (comp != R9P_COMP_NONE) {
			err = list_compressed(&l, path, buf, len, pos, comp, seg,
					      &used, e);
		} else if (r9p_cpio_is_newc(buf + pos, len - pos)) {
			err = list_plain(&l, path, buf, len, pos, seg, &used,
					 e);
		} else {
			bytes = peek(buf + pos, len - pos);
			err = -EBADMSG;
			if (other)
				r9p_errf(e, LIST_STEP, err, NULL, "read %s at "
					 "offset %zu: %s data: not supported "
					 "(only gzip, xz, zstd)", path, pos,
					 other);
			else
				r9p_errf(e, LIST_STEP, err, NULL, "read %s at "
					 "offset %zu: neither a newc cpio "
					 "archive nor gzip/xz/zstd data (bytes "
					 "%s)", path, pos, bytes);
			free(bytes);
		}
		pos = skip_zeros(buf, len, pos + used);
	}
	if (!err && seg == 0) {
		r9p_errf(e, LIST_STEP, -EBADMSG, NULL,
			 "read %s: empty (no archive in it)", path);
		err = -EBADMSG;
	}
	if (!err)
		fprintf(out, "# %lu entries in %d segment%s\n", l.entries, seg,
			seg == 1 ? "" : "s");
	free(buf);
	return err;
}

int r9p_list_image(const char *path, FILE *out, struct r9p_err *e)
{
	return r9p_list_image_max(path, out, R9P_LIST_MAX, e);
}
