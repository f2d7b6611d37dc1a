/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/cpio_read.c - parse newc archives from memory (for --list).
 *
 * Reads any newc archive, not only ours: "070701" and "070702" (crc)
 * headers, 4-byte alignment, up to TRAILER!!!. Never reads past len.
 */
#include <errno.h>
#include <string.h>

#include "mkinitrd/cpio.h"

#define NEWC_HDR_LEN 110
#define NEWC_FIELDS 13

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static int hexval(unsigned char ch)
{
	static const char digits[] = "0123456789abcdef";
	const char *p;

	if (ch >= 'A' && ch <= 'F')
		ch = (unsigned char)(ch - 'A' + 'a');
	p = ch ? strchr(digits, ch) : NULL;
	return p ? (int)(p - digits) : -1;
}

/* The 13 fields of 8 hex digits after the 6-byte magic. */
static int parse_fields(const unsigned char *p, uint32_t *f)
{
	int i, j, d;

	for (i = 0; i < NEWC_FIELDS; i++) {
		f[i] = 0;
		for (j = 0; j < 8; j++) {
			d = hexval(p[6 + i * 8 + j]);
			if (d < 0)
				return -EBADMSG;
			f[i] = f[i] << 4 | (uint32_t)d;
		}
	}
	return 0;
}

int r9p_cpio_is_newc(const unsigned char *buf, size_t len)
{
	return len >= 6 && (memcmp(buf, "070701", 6) == 0 ||
			    memcmp(buf, "070702", 6) == 0);
}

int r9p_cpio_parse(const unsigned char *buf, size_t len, size_t *pos,
		   r9p_cpio_visit visit, void *ctx)
{
	struct r9p_cpio_hdr h;
	uint32_t f[NEWC_FIELDS];
	size_t p = *pos, name_end, data_end;
	int err;

	for (;;) {
		if (len - p < NEWC_HDR_LEN || !r9p_cpio_is_newc(buf + p, len - p))
			return -EBADMSG;
		if (parse_fields(buf + p, f))
			return -EBADMSG;
		h.ino = f[0]; h.mode = f[1]; h.uid = f[2]; h.gid = f[3];
		h.nlink = f[4]; h.mtime = f[5]; h.filesize = f[6];
		h.major = f[7]; h.minor = f[8]; h.rmajor = f[9];
		h.rminor = f[10]; h.namesize = f[11];
		name_end = p + NEWC_HDR_LEN + h.namesize;
		/* The name must fit and end in its NUL. */
		if (h.namesize == 0 || h.namesize > len - p - NEWC_HDR_LEN ||
		    buf[name_end - 1] != '\0')
			return -EBADMSG;
		h.name = (const char *)buf + p + NEWC_HDR_LEN;
		data_end = align4(name_end);
		if (data_end > len || h.filesize > len - data_end)
			return -EBADMSG;
		h.data = buf + data_end;
		data_end += h.filesize;
		if (strcmp(h.name, "TRAILER!!!") == 0) {
			*pos = align4(data_end) <= len ? align4(data_end) : len;
			return 0;
		}
		err = visit(ctx, &h);
		if (err)
			return err;
		p = align4(data_end);
		if (p > len)
			return -EBADMSG;
		*pos = p;
	}
}
