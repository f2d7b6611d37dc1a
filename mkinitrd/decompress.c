/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/decompress.c - one-stream decoders over memory buffers.
 *
 * Each decoder stops at the end of its first stream (gzip member, xz
 * stream, zstd frame) instead of reading on: an initrd may hold more
 * archives after it, in another format. Output is bounded by the
 * caller's max: the input may come from anyone (--list).
 */
#include <errno.h>
#include <limits.h>
#include <lzma.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "common/array.h"
#include "mkinitrd/decompress.h"
#include "mkinitrd/util.h"

#define CHUNK (256 * 1024)

static const struct {
	enum r9p_comp comp;	/* R9P_COMP_NONE: known but not readable */
	const char *name;
	const char *magic;
	size_t len;
} magics[] = {
	{ R9P_COMP_GZIP, "gzip", "\x1f\x8b", 2 },
	{ R9P_COMP_XZ, "xz", "\xfd" "7zXZ\0", 6 },
	{ R9P_COMP_ZSTD, "zstd", "\x28\xb5\x2f\xfd", 4 },
	{ R9P_COMP_NONE, "bzip2", "BZh", 3 },
	{ R9P_COMP_NONE, "lz4", "\x02\x21\x4c\x18", 4 },
	{ R9P_COMP_NONE, "lzma", "\x5d\x00\x00", 3 },
	{ R9P_COMP_NONE, "lzo", "\x89LZO", 4 },
};

enum r9p_comp r9p_comp_detect(const unsigned char *buf, size_t len,
			      const char **other)
{
	size_t i;

	if (other)
		*other = NULL;
	for (i = 0; i < ARRAY_SIZE(magics); i++) {
		if (len < magics[i].len ||
		    memcmp(buf, magics[i].magic, magics[i].len) != 0)
			continue;
		if (magics[i].comp == R9P_COMP_NONE && other)
			*other = magics[i].name;
		return magics[i].comp;
	}
	return R9P_COMP_NONE;
}

/*
 * A growing output buffer that never holds more than max + 1 bytes: the
 * one byte over tells a stream that is too big (a few KiB of gzip can
 * claim gigabytes of zeros) from one that is exactly max long.
 */
struct outbuf {
	unsigned char *p;
	size_t len, cap, max;
};

static int grow(struct outbuf *o)
{
	size_t want;

	if (o->len > o->max)
		return -EFBIG;
	if (o->cap - o->len >= CHUNK || o->cap > o->max)
		return 0;
	want = o->cap ? o->cap * 2 : 4 * CHUNK;
	if (want > o->max)
		want = o->max + 1;
	o->p = xrealloc(o->p, want);
	o->cap = want;
	return 0;
}

static int gunzip(const unsigned char *in, size_t inlen, struct outbuf *o,
		  size_t *used)
{
	z_stream s;
	size_t room;
	int ret, err = 0;

	memset(&s, 0, sizeof(s));
	if (inflateInit2(&s, 15 + 16) != Z_OK)	/* gzip wrapper only */
		return -ENOMEM;
	s.next_in = (Bytef *)in;
	s.avail_in = (uInt)(inlen < UINT_MAX ? inlen : UINT_MAX);
	do {
		err = grow(o);
		if (err)
			break;
		room = o->cap - o->len;
		s.next_out = o->p + o->len;
		s.avail_out = (uInt)(room < UINT_MAX ? room : UINT_MAX);
		ret = inflate(&s, Z_NO_FLUSH);
		o->len = (size_t)(s.next_out - o->p);
		if (ret == Z_MEM_ERROR)
			err = -ENOMEM;
		else if (ret != Z_OK && ret != Z_STREAM_END &&
			 !(ret == Z_BUF_ERROR && s.avail_out == 0))
			err = -EBADMSG;	/* data error, or input ran out */
	} while (!err && ret != Z_STREAM_END);
	*used = (size_t)(s.next_in - in);
	inflateEnd(&s);
	return err;
}

#define XZ_MEMLIMIT (256ULL << 20)

static int unxz(const unsigned char *in, size_t inlen, struct outbuf *o,
		size_t *used)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret ret;
	int err = 0;

	/* A header may ask for any dictionary (4 GiB in 76 bytes): cap the
	 * decoder's memory. Kernel modules use 1 MiB, xz -9 64 MiB. */
	if (lzma_stream_decoder(&s, XZ_MEMLIMIT, 0) != LZMA_OK)
		return -ENOMEM;
	s.next_in = in;
	s.avail_in = inlen;
	do {
		err = grow(o);
		if (err)
			break;
		s.next_out = o->p + o->len;
		s.avail_out = o->cap - o->len;
		/* FINISH: all input is here, so running out is truncation. */
		ret = lzma_code(&s, LZMA_FINISH);
		o->len = (size_t)(s.next_out - o->p);
		if (ret == LZMA_MEM_ERROR || ret == LZMA_MEMLIMIT_ERROR)
			err = -ENOMEM;
		else if (ret != LZMA_OK && ret != LZMA_STREAM_END)
			err = -EBADMSG;
	} while (!err && ret != LZMA_STREAM_END);
	*used = (size_t)(s.next_in - in);
	lzma_end(&s);
	return err;
}

static int unzstd(const unsigned char *in, size_t inlen, struct outbuf *o,
		  size_t *used)
{
	ZSTD_DCtx *d;
	ZSTD_inBuffer ib = { in, inlen, 0 };
	ZSTD_outBuffer ob;
	size_t ret;
	int err = 0;

	d = ZSTD_createDCtx();
	if (!d)
		return -ENOMEM;
	do {
		err = grow(o);
		if (err)
			break;
		ob.dst = o->p;
		ob.size = o->cap;
		ob.pos = o->len;
		ret = ZSTD_decompressStream(d, &ob, &ib);
		o->len = ob.pos;
		if (ZSTD_isError(ret))
			err = -EBADMSG;
		else if (ret && ib.pos == ib.size && ob.pos < ob.size)
			err = -EBADMSG;	/* frame not finished, no input left */
	} while (!err && ret != 0);
	*used = ib.pos;
	ZSTD_freeDCtx(d);
	return err;
}

static int (*const decoders[R9P_COMP_NCOMP])(const unsigned char *, size_t,
					     struct outbuf *, size_t *) = {
	[R9P_COMP_GZIP] = gunzip,
	[R9P_COMP_XZ] = unxz,
	[R9P_COMP_ZSTD] = unzstd,
};

int r9p_decompress(enum r9p_comp comp, const unsigned char *in, size_t inlen,
		   size_t max, unsigned char **out, size_t *outlen,
		   size_t *used)
{
	struct outbuf o = { NULL, 0, 0, max };
	int err;

	if (comp >= R9P_COMP_NCOMP || !decoders[comp] || max >= SIZE_MAX)
		return -EINVAL;
	*used = 0;
	err = decoders[comp](in, inlen, &o, used);
	/* A stream may end right after its one byte too many. */
	if (!err && o.len > max)
		err = -EFBIG;
	if (err) {
		free(o.p);
		return err;
	}
	*out = o.p;
	*outlen = o.len;
	return 0;
}
