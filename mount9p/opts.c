/* SPDX-License-Identifier: MIT */
/*
 * mount9p/opts.c - parse, check and normalize a 9p option string.
 *
 * Rules for odd input (the kernel's own behaviour in brackets):
 *  - items are split on ','; empty items (",,", a leading or trailing ',')
 *    are skipped [strsep loop: "if (!*p) continue"];
 *  - a key is the text before the first '='; keys are case-sensitive
 *    [match_token/fs_parse], so "MSIZE=" is an unknown key: warned about,
 *    with the lower-case spelling suggested;
 *  - a repeated key: the last value wins [each value overwrites the last]
 *    and the normalized string keeps it once, where the key first came;
 *  - numbers: decimal, 0x hex or 0 octal, all of the value [match_token
 *    %u is simple_strtoul(base 0), kstrtouint(base 0) from 6.19], so
 *    msize=0x1000 is 4096; anything else is refused (optval.c);
 *  - unknown keys are kept, unchanged and in place: the kernel ignores
 *    them, and dropping them here would hide what the user asked for;
 *  - generic words (ro, nosuid, noatime ...) become mount flags and leave
 *    the data string; fstab-only words (defaults, nofail ...) are dropped.
 * Normalized order: trans, version, msize, cache, then the rest in the
 * order given. Numbers are written in decimal (debug and cache bitmasks
 * in 0x hex), bare 6.1 cache words as cache=WORD, noextend as
 * version=9p2000.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "common/array.h"
#include "mount9p/opts.h"
#include "mount9p/optval.h"

#define TEXT_MAX	4096	/* the kernel copies one page of options */
#define ITEMS_MAX	128
#define NAMES_MAX	128	/* option names to suggest from (the table) */

struct item {
	const char *key;	/* canonical key: cache for "loose" ... */
	const char *given;	/* key as written */
	const char *val;	/* value as written, NULL: none */
	const struct r9p_optdef *def;	/* NULL: unknown to this kernel */
	int bad;		/* its value was refused */
	char norm[48];		/* normalized value, "" keeps val */
	unsigned long num;
};

struct parse {
	struct r9p_opts *o;
	unsigned kv;
	char kname[24];
	int n;
	struct item items[ITEMS_MAX];
	char text[TEXT_MAX];
};

/* The keys that lead the normalized string, and their defaults. */
static const struct {
	const char *key;
	const char *value;
	unsigned long num;
	unsigned bit;
} leading[] = {
	{ "trans", R9P_DEFAULT_TRANS, 0, R9P_DEF_TRANS },
	{ "version", R9P_DEFAULT_VERSION, 0, R9P_DEF_VERSION },
	{ "msize", "512000", R9P_DEFAULT_MSIZE, R9P_DEF_MSIZE },
	{ "cache", R9P_DEFAULT_CACHE, 0, R9P_DEF_CACHE },
};
#define NLEADING ARRAY_SIZE(leading)

static const char *value_of(const struct item *it)
{
	return it->norm[0] ? it->norm : it->val;
}

static struct item *find(struct parse *p, const char *key)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->items[i].key, key))
			return &p->items[i];
	return NULL;
}

static void show(char *buf, size_t len, const char *key, const char *val)
{
	snprintf(buf, len, "%s%s%s", key, val ? "=" : "", val ? val : "");
}

/* A warning for a key this kernel does not know: say why, and what fits. */
static void warn_unknown(struct parse *p, const char *key, const char *val)
{
	const struct r9p_optdef *any = r9p_optdef_find(key, p->kv, 1);
	const char *names[NAMES_MAX], *pick = NULL;
	char shown[96];
	unsigned i, m = 0;

	show(shown, sizeof(shown), key, val);
	if (any && any->kind == R9P_K_CACHEWORD) {
		r9p_diag_add(&p->o->diags, R9P_WARN, "%s: %s ignores the bare "
			     "word %s (bare cache words ended in 6.4); write "
			     "cache=%s", shown, p->kname, key, key);
		return;
	}
	if (any && any->min_kv > p->kv) {
		r9p_diag_add(&p->o->diags, R9P_WARN, "%s is not an option of %s "
			     "(it came in %u.%u): the kernel ignores it", shown,
			     p->kname, any->min_kv / 1000, any->min_kv % 1000);
		return;
	}
	for (i = 0; i < r9p_noptdefs && m < NAMES_MAX; i++) {
		const struct r9p_optdef *d = &r9p_optdefs[i];

		if (d->kind == R9P_K_FSTAB ||
		    !r9p_kv_in(p->kv, d->min_kv, d->max_kv))
			continue;
		if (!strcasecmp(d->name, key)) {
			r9p_diag_add(&p->o->diags, R9P_WARN, "%s: option names "
				     "are case-sensitive and %s ignores %s; did "
				     "you mean %s?", shown, p->kname, key,
				     d->name);
			return;
		}
		names[m++] = d->name;
	}
	if (*key)
		pick = r9p_closest(key, names, m);
	r9p_diag_add(&p->o->diags, R9P_WARN, "%s: unknown option, %s ignores "
		     "it%s%s%s", shown, p->kname, pick ? "; did you mean " : "",
		     pick ? pick : "", pick ? "?" : "");
}

/* Keep KEY once, at its first place, with the last value given. */
static struct item *keep(struct parse *p, const char *key)
{
	struct item *it = find(p, key);

	if (it)
		return it;
	if (p->n >= ITEMS_MAX) {
		r9p_diag_add(&p->o->diags, R9P_ERR, "more than %d options: "
			     "root9p takes at most %d", ITEMS_MAX, ITEMS_MAX);
		return NULL;
	}
	it = &p->items[p->n++];
	memset(it, 0, sizeof(*it));
	it->key = key;
	return it;
}

static void apply_mflag(struct r9p_opts *o, const struct r9p_optdef *d)
{
	if ((d->set | d->clear) & MS_RDONLY)
		o->rdonly = (d->set & MS_RDONLY) ? 1 : 0;
	o->mflags = (o->mflags | (d->set & ~(unsigned long)MS_RDONLY)) &
		    ~(d->clear & ~(unsigned long)MS_RDONLY);
}

/* A key given twice with two values: say which one counts. */
static void note_repeat(struct parse *p, const struct item *it,
			const struct r9p_optdef *d, const char *key,
			const char *val, const struct r9p_optval *v, int bad)
{
	char was[96], now[96];

	if (!it->given || it->bad || bad)
		return;
	show(was, sizeof(was), it->key, value_of(it));
	show(now, sizeof(now), it->key, v->norm[0] ? v->norm :
	     d && d->kind == R9P_K_CACHEWORD ? key : val);
	if (strcmp(was, now))
		r9p_diag_add(&p->o->diags, R9P_INFO, "%s is given more than "
			     "once: the last one, %s, wins over %s", it->key,
			     now, was);
}

static void take(struct parse *p, const char *key, const char *val)
{
	const struct r9p_optdef *d = r9p_optdef_find(key, p->kv, 0);
	struct r9p_optval v = { d, key, val, p->kv, p->kname, &p->o->diags,
				"", 0 };
	const char *canon = key;
	struct item *it;
	int bad = 0;

	if (d) {
		bad = r9p_optval_check(&v) < 0;
		if (d->kind == R9P_K_MFLAG) {
			if (!bad)
				apply_mflag(p->o, d);
			return;
		}
		if (d->kind == R9P_K_FSTAB) {
			r9p_diag_add(&p->o->diags, R9P_INFO, "%s is a mount(8)/"
				     "fstab word, not a kernel option: dropped",
				     key);
			return;
		}
		if (d->kind == R9P_K_CACHEWORD)
			canon = "cache";
		if (d->kind == R9P_K_NOEXTEND) {
			canon = "version";
			r9p_diag_add(&p->o->diags, R9P_INFO, "noextend is "
				     "version=9p2000 (legacy 9P2000)");
		}
	} else {
		warn_unknown(p, key, val);
	}
	it = keep(p, canon);
	if (!it)
		return;
	note_repeat(p, it, d, key, val, &v, bad);
	it->given = key;
	it->val = d && d->kind == R9P_K_CACHEWORD ? NULL : val;
	it->def = d;
	it->bad = bad;
	it->num = v.num;
	memcpy(it->norm, v.norm, sizeof(it->norm));
}

static void split(struct parse *p)
{
	char *rest = p->text, *item, *eq;

	while ((item = strsep(&rest, ",")) != NULL) {
		if (!*item)
			continue;
		eq = strchr(item, '=');
		if (eq)
			*eq++ = '\0';
		take(p, item, eq);
	}
}

static void add_defaults(struct parse *p)
{
	struct item *it;
	unsigned i;

	for (i = 0; i < NLEADING; i++) {
		if (find(p, leading[i].key))
			continue;
		it = keep(p, leading[i].key);
		if (!it)
			return;
		it->given = leading[i].key;
		it->val = leading[i].value;
		it->def = r9p_optdef_find(leading[i].key, p->kv, 1);
		it->num = leading[i].num;
		p->o->defaulted |= leading[i].bit;
	}
}

static void append(struct parse *p, size_t *used, const struct item *it)
{
	struct r9p_opts *o = p->o;
	const char *v = value_of(it);
	int n;

	if (*used >= sizeof(o->data))
		return;
	n = snprintf(o->data + *used, sizeof(o->data) - *used, "%s%s%s%s",
		     *used ? "," : "", it->key, v ? "=" : "", v ? v : "");
	*used += (size_t)n;
}

/* Leading keys first, then the rest in the order they came. */
static void build_data(struct parse *p)
{
	size_t used = 0;
	unsigned i;
	int j;

	for (i = 0; i < NLEADING; i++) {
		const struct item *it = find(p, leading[i].key);

		if (it)
			append(p, &used, it);
	}
	for (j = 0; j < p->n; j++) {
		for (i = 0; i < NLEADING; i++)
			if (!strcmp(p->items[j].key, leading[i].key))
				break;
		if (i == NLEADING)
			append(p, &used, &p->items[j]);
	}
	if (used >= sizeof(p->o->data)) {
		r9p_diag_add(&p->o->diags, R9P_ERR, "the normalized options "
			     "are %lu bytes; root9p takes at most %lu",
			     (unsigned long)used,
			     (unsigned long)sizeof(p->o->data) - 1);
		p->o->data[0] = '\0';
	}
}

static void copy_value(char *dst, size_t len, const struct item *it)
{
	snprintf(dst, len, "%s", it && value_of(it) ? value_of(it) : "");
}

static void summarize(struct parse *p)
{
	struct r9p_opts *o = p->o;
	const struct item *it = find(p, "msize");

	o->msize = it && !it->bad ? it->num : 0;
	copy_value(o->cache, sizeof(o->cache), find(p, "cache"));
	copy_value(o->trans, sizeof(o->trans), find(p, "trans"));
	copy_value(o->version, sizeof(o->version), find(p, "version"));
	copy_value(o->access, sizeof(o->access), find(p, "access"));
	o->posixacl = find(p, "posixacl") != NULL;
}

int r9p_opts_parse(const char *text, const struct r9p_kernel *k,
		   unsigned flags, struct r9p_opts *o)
{
	struct parse p;
	const char *keys[ITEMS_MAX];
	size_t len = text ? strlen(text) : 0;
	int i;

	memset(o, 0, sizeof(*o));
	o->rdonly = -1;
	r9p_diags_init(&o->diags);
	p.o = o;
	p.kv = r9p_kv(k);
	p.n = 0;
	r9p_kernel_name(k, p.kname, sizeof(p.kname));
	if (len >= TEXT_MAX) {
		r9p_diag_add(&o->diags, R9P_ERR, "the options are %lu bytes "
			     "long; the kernel takes at most %d",
			     (unsigned long)len, TEXT_MAX - 1);
		return -EINVAL;
	}
	memcpy(p.text, text ? text : "", len + 1);
	split(&p);
	if (flags & R9P_DEFAULTS)
		add_defaults(&p);
	build_data(&p);
	summarize(&p);
	for (i = 0; i < p.n; i++)
		keys[i] = p.items[i].bad ? "" : p.items[i].key;
	r9p_optcombo_check(o, p.kv, p.kname, keys, p.n);
	return o->diags.nerr ? -EINVAL : 0;
}
