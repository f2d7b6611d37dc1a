/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/compress.c - streaming gzip/xz/zstd/none writer for the image.
 *
 * Every setting that could change the bytes is fixed here (levels, gzip
 * header fields, xz check, single-threaded zstd), so the same cpio gives
 * the same compressed file on any host.
 */
#include <errno.h>
#include <limits.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "mkinitrd/compress.h"
#include "mkinitrd/util.h"

#define OUT_BUF (128 * 1024)
#define GZIP_OS_UNIX 3

struct r9p_zout {
	enum r9p_comp comp;
	int level;
	int fd;
	uint64_t written;
	union {
		struct {
			z_stream s;
			gz_header head;	/* zlib keeps a pointer to it */
		} gz;
		lzma_stream xz;
		ZSTD_CCtx *zs;
	} u;
	unsigned char buf[OUT_BUF];
};

static int write_all(struct r9p_zout *z, const unsigned char *p, size_t n)
{
	ssize_t r;

	while (n) {
		r = write(z->fd, p, n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += r;
		n -= (size_t)r;
		z->written += (uint64_t)r;
	}
	return 0;
}

/* none */
static int none_init(struct r9p_zout *z)
{
	(void)z;
	return 0;
}

static int none_feed(struct r9p_zout *z, const unsigned char *in, size_t len,
		     int finish)
{
	(void)finish;
	return write_all(z, in, len);
}

static void none_end(struct r9p_zout *z)
{
	(void)z;
}

/* gzip */
static int gz_init(struct r9p_zout *z)
{
	memset(&z->u.gz, 0, sizeof(z->u.gz));
	if (deflateInit2(&z->u.gz.s, z->level, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	/* mtime 0, no name, a fixed OS byte: nothing from this host. */
	z->u.gz.head.os = GZIP_OS_UNIX;
	if (deflateSetHeader(&z->u.gz.s, &z->u.gz.head) != Z_OK) {
		deflateEnd(&z->u.gz.s);
		return -EIO;
	}
	return 0;
}

static int gz_feed(struct r9p_zout *z, const unsigned char *in, size_t len,
		   int finish)
{
	z_stream *s = &z->u.gz.s;
	size_t chunk;
	int ret, err;

	do {
		/* avail_in is an unsigned int: feed huge buffers in parts. */
		chunk = len < UINT_MAX ? len : UINT_MAX;
		s->next_in = (Bytef *)in;
		s->avail_in = (uInt)chunk;
		in += chunk;
		len -= chunk;
		do {
			s->next_out = z->buf;
			s->avail_out = OUT_BUF;
			ret = deflate(s, finish && !len ? Z_FINISH : Z_NO_FLUSH);
			if (ret == Z_STREAM_ERROR)
				return -EIO;
			err = write_all(z, z->buf, OUT_BUF - s->avail_out);
			if (err)
				return err;
		} while (s->avail_out == 0 ||
			 (finish && !len && ret != Z_STREAM_END));
	} while (len);
	return 0;
}

static void gz_end(struct r9p_zout *z)
{
	deflateEnd(&z->u.gz.s);
}

/* xz */
static int xz_init(struct r9p_zout *z)
{
	lzma_options_lzma opt;
	lzma_filter filters[2];
	lzma_stream init = LZMA_STREAM_INIT;

	z->u.xz = init;
	if (lzma_lzma_preset(&opt, (uint32_t)z->level))
		return -EIO;
	filters[0].id = LZMA_FILTER_LZMA2;
	filters[0].options = &opt;
	filters[1].id = LZMA_VLI_UNKNOWN;
	filters[1].options = NULL;
	switch (lzma_stream_encoder(&z->u.xz, filters, LZMA_CHECK_CRC32)) {
	case LZMA_OK:
		return 0;
	case LZMA_MEM_ERROR:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

static int xz_feed(struct r9p_zout *z, const unsigned char *in, size_t len,
		   int finish)
{
	lzma_stream *s = &z->u.xz;
	lzma_ret ret;
	int err;

	s->next_in = in;
	s->avail_in = len;
	do {
		s->next_out = z->buf;
		s->avail_out = OUT_BUF;
		ret = lzma_code(s, finish ? LZMA_FINISH : LZMA_RUN);
		if (ret != LZMA_OK && ret != LZMA_STREAM_END)
			return ret == LZMA_MEM_ERROR ? -ENOMEM : -EIO;
		err = write_all(z, z->buf, OUT_BUF - s->avail_out);
		if (err)
			return err;
	} while (s->avail_out == 0 || (finish && ret != LZMA_STREAM_END));
	return 0;
}

static void xz_end(struct r9p_zout *z)
{
	lzma_end(&z->u.xz);
}

/* zstd */
static int zs_init(struct r9p_zout *z)
{
	z->u.zs = ZSTD_createCCtx();
	if (!z->u.zs)
		return -ENOMEM;
	if (ZSTD_isError(ZSTD_CCtx_setParameter(z->u.zs,
			ZSTD_c_compressionLevel, z->level)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(z->u.zs,
			ZSTD_c_checksumFlag, 1))) {
		ZSTD_freeCCtx(z->u.zs);
		return -EIO;
	}
	return 0;
}

static int zs_feed(struct r9p_zout *z, const unsigned char *in, size_t len,
		   int finish)
{
	ZSTD_inBuffer ib = { in, len, 0 };
	ZSTD_outBuffer ob;
	size_t rem;
	int err;

	do {
		ob.dst = z->buf;
		ob.size = OUT_BUF;
		ob.pos = 0;
		rem = ZSTD_compressStream2(z->u.zs, &ob, &ib,
					   finish ? ZSTD_e_end : ZSTD_e_continue);
		if (ZSTD_isError(rem))
			return -EIO;
		err = write_all(z, z->buf, ob.pos);
		if (err)
			return err;
	} while (finish ? rem != 0 : ib.pos < ib.size);
	return 0;
}

static void zs_end(struct r9p_zout *z)
{
	ZSTD_freeCCtx(z->u.zs);
}

static const struct {
	const char *name;
	int level, min, max;	/* the default and the range taken */
	int (*init)(struct r9p_zout *z);
	int (*feed)(struct r9p_zout *z, const unsigned char *in, size_t len,
		    int finish);
	void (*end)(struct r9p_zout *z);
} codecs[R9P_COMP_NCOMP] = {
	/* The default levels are the measured best of build time plus the
	 * kernel's unpack time (DESIGN.md, "Compression"). */
	[R9P_COMP_NONE] = { "none", 0, 0, 0, none_init, none_feed, none_end },
	[R9P_COMP_GZIP] = { "gzip", 6, 1, 9, gz_init, gz_feed, gz_end },
	[R9P_COMP_XZ]   = { "xz", 0, 0, 9, xz_init, xz_feed, xz_end },
	[R9P_COMP_ZSTD] = { "zstd", 6, 1, 19, zs_init, zs_feed, zs_end },
};

const char *r9p_comp_name(enum r9p_comp comp)
{
	return comp < R9P_COMP_NCOMP ? codecs[comp].name : "unknown";
}

int r9p_comp_parse(const char *spec, enum r9p_comp *comp, int *level)
{
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	char *end;
	long l;
	int i;

	for (i = 0; i < R9P_COMP_NCOMP; i++) {
		if (strlen(codecs[i].name) != n ||
		    strncmp(spec, codecs[i].name, n) != 0)
			continue;
		*comp = (enum r9p_comp)i;
		*level = codecs[i].level;
		if (!colon)
			return 0;
		errno = 0;
		l = strtol(colon + 1, &end, 10);
		if (errno || end == colon + 1 || *end ||
		    l < codecs[i].min || l > codecs[i].max)
			return -ERANGE;
		*level = (int)l;
		return 0;
	}
	return -EINVAL;
}

int r9p_comp_level_range(enum r9p_comp comp, int *min, int *max)
{
	if (comp >= R9P_COMP_NCOMP)
		return -EINVAL;
	*min = codecs[comp].min;
	*max = codecs[comp].max;
	return codecs[comp].level;
}

int r9p_zout_open(struct r9p_zout **zp, enum r9p_comp comp, int fd)
{
	if (comp >= R9P_COMP_NCOMP)
		return -EINVAL;
	return r9p_zout_open_level(zp, comp, codecs[comp].level, fd);
}

int r9p_zout_open_level(struct r9p_zout **zp, enum r9p_comp comp, int level,
			int fd)
{
	struct r9p_zout *z;
	int err;

	if (comp >= R9P_COMP_NCOMP || level < codecs[comp].min ||
	    level > codecs[comp].max)
		return -EINVAL;
	z = xmalloc(sizeof(*z));
	z->comp = comp;
	z->level = level;
	z->fd = fd;
	z->written = 0;
	err = codecs[comp].init(z);
	if (err) {
		free(z);
		return err;
	}
	*zp = z;
	return 0;
}

int r9p_zout_write(void *ctx, const void *buf, size_t len)
{
	struct r9p_zout *z = ctx;

	return codecs[z->comp].feed(z, buf, len, 0);
}

int r9p_zout_finish(struct r9p_zout *z, uint64_t *written)
{
	int err;

	err = codecs[z->comp].feed(z, NULL, 0, 1);
	if (!err && written)
		*written = z->written;
	r9p_zout_free(z);
	return err;
}

void r9p_zout_free(struct r9p_zout *z)
{
	if (!z)
		return;
	codecs[z->comp].end(z);
	free(z);
}
