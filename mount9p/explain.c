/* SPDX-License-Identifier: MIT */
/*
 * mount9p/explain.c - what each option of a normalized string means on a
 * given kernel, for `mount9p --explain` and boot logs.
 *
 * Works on r9p_opts.data as r9p_opts_parse() left it, so the meaning is
 * that of the exact string the kernel gets. A cache= mode gets a second
 * line citing the semantics table's column for it (mount9p/semcite.h,
 * made from docs/semantics.csv).
 */
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "common/array.h"
#include "mount9p/opts.h"
#include "mount9p/optval.h"
#include "mount9p/semcite.h"

typedef void (*emit_fn)(void *ctx, const char *key, const char *value,
			const char *meaning);

static const char *name_meaning(const struct r9p_namedef *t, unsigned n,
				const char *v, unsigned kv)
{
	const struct r9p_namedef *m = r9p_namedef_find(t, n, v, kv);

	return m ? m->meaning : "not taken by this kernel";
}

static void cache_meaning(char *buf, size_t len, const char *v, unsigned kv)
{
	const struct r9p_namedef *m;
	unsigned long long bits;
	char words[96];
	int ovf;

	m = r9p_namedef_find(r9p_cachemodes, r9p_ncachemodes, v, kv);
	if (m && kv < R9P_KV_CACHEBITS) {
		snprintf(buf, len, "cache mode: %s", m->meaning);
	} else if (m) {
		snprintf(buf, len, "cache mode 0x%x (%s): %s", m->bits,
			 r9p_cache_bits_words(m->bits, words, sizeof(words)),
			 m->meaning);
	} else {
		r9p_scan_number(v, 0, &bits, &ovf);
		snprintf(buf, len, "cache bitmask: %s",
			 r9p_cache_bits_words((unsigned)bits, words,
					      sizeof(words)));
	}
}

static void meaning_of(char *buf, size_t len, const char *key, const char *v,
		       unsigned kv, const char *kname)
{
	const struct r9p_optdef *d = r9p_optdef_find(key, kv, 0);
	const struct r9p_optdef *any = r9p_optdef_find(key, kv, 1);

	struct r9p_diags scratch;
	struct r9p_optval check = { d, key, v, kv, kname, &scratch, "", 0 };

	r9p_diags_init(&scratch);
	if (d && r9p_optval_check(&check) < 0)
		snprintf(buf, len, "refused: %s", scratch.d[0].text);
	else if (!d && any && any->kind == R9P_K_CACHEWORD)
		snprintf(buf, len, "ignored by %s (bare cache words ended in "
			 "6.4; cache=%s is meant)", kname, key);
	else if (!d)
		snprintf(buf, len, "unknown to %s: the kernel ignores it", kname);
	else if (d->kind == R9P_K_CACHE && v)
		cache_meaning(buf, len, v, kv);
	else if (d->kind == R9P_K_TRANS && v)
		snprintf(buf, len, "transport: %s", name_meaning(r9p_transports,
			 r9p_ntransports, v, kv));
	else if (d->kind == R9P_K_VERSION && v)
		snprintf(buf, len, "protocol: %s", name_meaning(r9p_versions,
			 r9p_nversions, v, kv));
	else if (d->kind == R9P_K_ACCESS && v &&
		 !r9p_namedef_find(r9p_accessmodes, r9p_naccessmodes, v, kv))
		snprintf(buf, len, "access: only uid %s may use the mount", v);
	else if (d->kind == R9P_K_ACCESS && v)
		snprintf(buf, len, "access: %s", name_meaning(r9p_accessmodes,
			 r9p_naccessmodes, v, kv));
	else
		snprintf(buf, len, "%s", d->meaning);
}

static unsigned semcite_kv(const struct r9p_semcite *c)
{
	return R9P_KV(c->major, c->minor);
}

/*
 * The table's entry for cache=V on kernel KV: V's name, or on 6.4+ the
 * named mode with V's bits; the newest kernel the table ran that is not
 * newer than KV (else the oldest). NULL when the table has no column.
 */
static const struct r9p_semcite *semcite_find(const char *v, unsigned kv)
{
	const struct r9p_semcite *below = NULL, *oldest = NULL, *c;
	const struct r9p_namedef *m;
	unsigned long long bits;
	unsigned i;
	int ovf = 0;

	if (!v)
		return NULL;
	m = r9p_namedef_find(r9p_cachemodes, r9p_ncachemodes, v, kv);
	if (!m && kv >= R9P_KV_CACHEBITS &&
	    r9p_scan_number(v, 0, &bits, &ovf) == strlen(v) && !ovf)
		for (i = 0; i < r9p_ncachemodes && !m; i++)
			if (r9p_kv_in(kv, r9p_cachemodes[i].min_kv,
				      r9p_cachemodes[i].max_kv) &&
			    r9p_cachemodes[i].bits == bits)
				m = &r9p_cachemodes[i];
	if (!m)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(r9p_semcites); i++) {
		c = &r9p_semcites[i];
		if (strcmp(c->mode, m->name))
			continue;
		if (!oldest || semcite_kv(c) < semcite_kv(oldest))
			oldest = c;
		if (semcite_kv(c) <= kv &&
		    (!below || semcite_kv(c) > semcite_kv(below)))
			below = c;
	}
	return below ? below : oldest;
}

/* The citation line for cache=V into BUF; 0 when the table has none. */
static int semcite_line(char *buf, size_t len, const char *v, unsigned kv)
{
	const struct r9p_semcite *c = semcite_find(v, kv);

	if (!c)
		return 0;
	if (*c->differs)
		snprintf(buf, len, "measured: docs/semantics.md, column 9p-%s, "
			 "Linux %s: %u FAIL rows; unlike 9p-mmap: %s",
			 c->mode, c->kernel, c->fails, c->differs);
	else
		snprintf(buf, len, "measured: docs/semantics.md, column 9p-%s, "
			 "Linux %s: %u FAIL rows, each with its cause there",
			 c->mode, c->kernel, c->fails);
	return 1;
}

void r9p_opts_explain(const struct r9p_opts *o, const struct r9p_kernel *k,
		      emit_fn emit, void *ctx)
{
	static const struct { const char *key; unsigned bit; } defaults[] = {
		{ "trans", R9P_DEF_TRANS }, { "version", R9P_DEF_VERSION },
		{ "msize", R9P_DEF_MSIZE }, { "cache", R9P_DEF_CACHE },
	};
	char copy[R9P_DATA_MAX], meaning[R9P_DIAG_LEN], kname[24];
	char *rest = copy, *key, *v;
	unsigned kv = r9p_kv(k), i;
	size_t used;

	r9p_kernel_name(k, kname, sizeof(kname));
	snprintf(copy, sizeof(copy), "%s", o->data);
	while ((key = strsep(&rest, ",")) != NULL) {
		if (!*key)
			continue;
		v = strchr(key, '=');
		if (v)
			*v++ = '\0';
		meaning_of(meaning, sizeof(meaning), key, v, kv, kname);
		used = strlen(meaning);
		for (i = 0; i < ARRAY_SIZE(defaults); i++)
			if ((o->defaulted & defaults[i].bit) &&
			    !strcmp(key, defaults[i].key))
				snprintf(meaning + used, sizeof(meaning) - used,
					 " (root9p default)");
		emit(ctx, key, v, meaning);
		if (!strcmp(key, "cache") &&
		    semcite_line(meaning, sizeof(meaning), v, kv))
			emit(ctx, key, v, meaning);
	}
}

/* Calls FN for each mount flag word that O sets (ro/rw first). */
static void each_flag(const struct r9p_opts *o,
		      void (*fn)(void *ctx, const struct r9p_optdef *d),
		      void *ctx)
{
	unsigned i;

	for (i = 0; i < r9p_noptdefs; i++) {
		const struct r9p_optdef *d = &r9p_optdefs[i];

		if (d->kind != R9P_K_MFLAG)
			continue;
		if ((d->set | d->clear) & MS_RDONLY) {
			if (o->rdonly >= 0 &&
			    !!(d->set & MS_RDONLY) == o->rdonly)
				fn(ctx, d);
		} else if (d->set && (o->mflags & d->set) == d->set) {
			fn(ctx, d);
		}
	}
}

struct flagbuf {
	char *buf;
	size_t len, used;
};

static void add_word(void *ctx, const struct r9p_optdef *d)
{
	struct flagbuf *f = ctx;

	if (f->used < f->len)
		f->used += snprintf(f->buf + f->used, f->len - f->used, "%s%s",
				    f->used ? "," : "", d->name);
}

char *r9p_opts_flags(const struct r9p_opts *o, char *buf, size_t len)
{
	struct flagbuf f = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	each_flag(o, add_word, &f);
	return buf;
}

struct flagemit {
	emit_fn emit;
	void *ctx;
};

static void emit_word(void *ctx, const struct r9p_optdef *d)
{
	struct flagemit *f = ctx;
	char meaning[R9P_DIAG_LEN];

	snprintf(meaning, sizeof(meaning), "mount flag: %s", d->meaning);
	f->emit(f->ctx, d->name, NULL, meaning);
}

void r9p_opts_explain_flags(const struct r9p_opts *o, emit_fn emit,
			    void *ctx)
{
	struct flagemit f = { emit, ctx };

	each_flag(o, emit_word, &f);
}
