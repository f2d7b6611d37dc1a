/* SPDX-License-Identifier: MIT */
/*
 * mount9p/opttab.h - the 9p option table: one row per option, with the
 * kernels that take it, its value kind and a one-line meaning.
 *
 * Data only (opttab.c); opts.c and optval.c apply it. Versions are packed
 * as R9P_KV(major, minor); max_kv 0 means "still taken by the newest".
 * A new kernel rule is a new row or a new min/max, not new code.
 */
#ifndef R9P_OPTTAB_H
#define R9P_OPTTAB_H

#include "mount9p/kernel.h"

#define R9P_KV(major, minor)	((major) * 1000u + (minor))
/* fs/9p switched cache= to a bitmask and dropped the bare cache words. */
#define R9P_KV_CACHEBITS	R9P_KV(6, 4)
/* Its bits (fs/9p/v9fs.h, enum p9_cache_bits). */
enum {
	R9P_CACHE_READAHEAD = 0x01, R9P_CACHE_META = 0x02,
	R9P_CACHE_WRITEBACK = 0x04, R9P_CACHE_LOOSE = 0x08,
	R9P_CACHE_FSCACHE = 0x80,
};
/* 9p moved to the new mount API (fs_parser): stricter values. */
#define R9P_KV_NEWAPI		R9P_KV(6, 19)

enum r9p_kind {
	R9P_K_FLAG,		/* no value: nodevmap, posixacl */
	R9P_K_NUM,		/* unsigned number, C base: 10, 0x16, 010 */
	R9P_K_ID,		/* a uid/gid: a number, never 4294967295 */
	R9P_K_HEX,		/* debug: a hex mask */
	R9P_K_STR,		/* non-empty text: uname, aname, cachetag */
	R9P_K_CACHE,		/* cache=MODE */
	R9P_K_CACHEWORD,	/* bare loose|fscache|mmap: cache=WORD */
	R9P_K_ACCESS,		/* access=user|any|client|UID */
	R9P_K_TRANS,		/* trans=NAME */
	R9P_K_VERSION,		/* version=9p2000|9p2000.u|9p2000.L */
	R9P_K_NOEXTEND,		/* noextend: version=9p2000 */
	R9P_K_SOURCE,		/* source=: the new API's mount source */
	R9P_K_MFLAG,		/* generic word: becomes mount(2) flags */
	R9P_K_FSTAB,		/* mount(8)/fstab word: never the kernel's */
};

/* Transports, as a mask for the options only some of them read. */
#define R9P_T_VIRTIO	0x01
#define R9P_T_TCP	0x02
#define R9P_T_UNIX	0x04
#define R9P_T_FD	0x08
#define R9P_T_RDMA	0x10
#define R9P_T_XEN	0x20
#define R9P_T_USBG	0x40

struct r9p_optdef {
	const char *name;
	unsigned char kind;	/* enum r9p_kind */
	unsigned char trans;	/* R9P_T_* that read it; 0: any transport */
	unsigned min_kv, max_kv;
	unsigned long min;	/* R9P_K_NUM: smallest value taken */
	unsigned long max;	/* R9P_K_NUM: largest, 0: what the parser takes */
	unsigned long set, clear; /* R9P_K_MFLAG: MS_* bits */
	const char *meaning;
};

struct r9p_namedef {		/* a value of cache=, trans=, version= */
	const char *name;
	unsigned bits;		/* cache: 6.4+ bitmask; trans: max msize */
	unsigned char tmask;	/* trans: its R9P_T_* bit */
	unsigned min_kv, max_kv;
	const char *meaning;
};

/* Packs K for the tables ({0, 0}, an unknown kernel, reads as 6.1). */
unsigned r9p_kv(const struct r9p_kernel *k);
int r9p_kv_in(unsigned kv, unsigned min_kv, unsigned max_kv);

extern const struct r9p_optdef r9p_optdefs[];
extern const unsigned r9p_noptdefs;
extern const struct r9p_namedef r9p_cachemodes[], r9p_transports[],
	r9p_versions[], r9p_accessmodes[];
extern const unsigned r9p_ncachemodes, r9p_ntransports, r9p_nversions,
	r9p_naccessmodes;

/* The row for NAME taken by kernel KV; with ANY, by any kernel. */
const struct r9p_optdef *r9p_optdef_find(const char *name, unsigned kv,
					 int any);
/* The value NAME of table T (N rows) valid for KV, or NULL. */
const struct r9p_namedef *r9p_namedef_find(const struct r9p_namedef *t,
					   unsigned n, const char *name,
					   unsigned kv);
/* "a, b, c": the values of T valid for KV, for messages. */
char *r9p_namedef_list(const struct r9p_namedef *t, unsigned n, unsigned kv,
		       char *buf, size_t len);
/* The 6.4+ bits of cache=CACHE (a name, read with 6.4's names on older
 * kernels, or a number), 0 for none or empty, -1 for neither. */
long r9p_cache_bits(const char *cache, unsigned kv);
/* Whether the kernel keeps unused dentries of a mount with cache=CACHE. */
int r9p_cache_keeps_dentries(const char *cache, unsigned kv);
/* Words for a 6.4+ cache bitmask: "readahead, writeback". */
char *r9p_cache_bits_words(unsigned bits, char *buf, size_t len);
/* The closest of NAMES to WORD by edit distance, or NULL. */
const char *r9p_closest(const char *word, const char *const *names,
			unsigned n);

#endif
