/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_decompress.c - libFuzzer target for the gzip/xz/zstd
 * stream decoders (r9p_comp_detect, r9p_decompress) that mkinitrd9p
 * --list runs on any image it is given.
 *
 * Invariants: a format is only recognised by its magic; a decoder never
 * reads past its input (an exact-size copy, for ASan) nor returns more
 * than max bytes; a stream that decoded says how much input it took, and
 * that much alone decodes to the same bytes (it ends where its format
 * says); the bound is exact (max = its length passes, one less is -EFBIG).
 */
#include <errno.h>

#include "common/array.h"
#include "mkinitrd/decompress.h"
#include "tests/fuzz/fuzz.h"

#define BIG_MAX ((size_t)1 << 20)

static const struct {
	enum r9p_comp comp;
	const char *magic;
	size_t len;
} magics[] = {
	{ R9P_COMP_GZIP, "\x1f\x8b", 2 },
	{ R9P_COMP_XZ, "\xfd" "7zXZ\0", 6 },
	{ R9P_COMP_ZSTD, "\x28\xb5\x2f\xfd", 4 },
};

static void check_detect(const unsigned char *in, size_t len,
			 enum r9p_comp comp, const char *other)
{
	size_t i;

	NEED(comp < R9P_COMP_NCOMP);
	NEED(!other || comp == R9P_COMP_NONE);
	for (i = 0; i < ARRAY_SIZE(magics); i++)
		if (magics[i].comp == comp)
			NEED(len >= magics[i].len &&
			     memcmp(in, magics[i].magic, magics[i].len) == 0);
}

static int decode(enum r9p_comp comp, const unsigned char *in, size_t len,
		  size_t max, unsigned char **out, size_t *outlen,
		  size_t *used)
{
	int rc;

	*out = NULL;
	*outlen = *used = 0;
	rc = r9p_decompress(comp, in, len, max, out, outlen, used);
	NEED(rc == 0 || rc == -EBADMSG || rc == -EFBIG || rc == -ENOMEM);
	if (rc == 0) {
		NEED(*used > 0 && *used <= len);
		NEED(*outlen <= max);
		NEED(*out != NULL || *outlen == 0);
	}
	return rc;
}

/* Byte 0: the bound (0: 1 MiB, else byte * 97) and, when the rest has
 * no known magic, which decoder to try anyway. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *in, *out, *again;
	size_t len, max, outlen, used, len2, used2;
	const char *other;
	enum r9p_comp comp;
	int rc;

	if (size < 1)
		return 0;
	len = size - 1;
	in = malloc(len ? len : 1);
	NEED(in != NULL);
	if (len)
		memcpy(in, data + 1, len);
	max = data[0] ? (size_t)data[0] * 97 : BIG_MAX;
	comp = r9p_comp_detect(in, len, &other);
	check_detect(in, len, comp, other);
	if (comp == R9P_COMP_NONE)
		comp = (enum r9p_comp)(R9P_COMP_GZIP + data[0] % 3);

	rc = decode(comp, in, len, max, &out, &outlen, &used);
	if (rc == 0) {
		/* the stream alone, and the exact bound */
		NEED(decode(comp, in, used, outlen, &again, &len2,
			    &used2) == 0);
		NEED(used2 == used && len2 == outlen);
		NEED(!outlen || memcmp(again, out, outlen) == 0);
		free(again);
		if (outlen) {
			NEED(decode(comp, in, len, outlen - 1, &again, &len2,
				    &used2) == -EFBIG);
			free(again);
		}
	} else if (rc == -EFBIG && max < BIG_MAX) {
		rc = decode(comp, in, len, BIG_MAX, &again, &len2, &used2);
		NEED(rc != 0 || len2 > max);
		free(again);
	}
	free(out);
	free(in);
	return 0;
}
