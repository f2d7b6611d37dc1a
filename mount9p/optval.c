/* SPDX-License-Identifier: MIT */
/*
 * mount9p/optval.c - value rules of each option kind, per kernel.
 *
 * Before 6.19 (lib/parser.c) a number that does not match its pattern
 * makes the kernel skip the option silently, and match_int() refuses
 * values above INT_MAX. From 6.19 (fs_parser) the kernel refuses bad
 * values and takes up to UINT_MAX. root9p refuses every malformed value
 * on every kernel: a silently skipped option is never what was meant.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/array.h"
#include "mount9p/optval.h"

#define INT_MAX_U	2147483647UL
#define UINT_MAX_U	4294967295UL
/* lib/parser.c copies a number into char[NUMBER_BUF_LEN] = 24 bytes. */
#define NUMBER_BUF_LEN	24

typedef int (*check_fn)(struct r9p_optval *v);

static int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : 99;
}

size_t r9p_scan_number(const char *s, unsigned base, unsigned long long *out,
		       int *ovf)
{
	const char *p = s;
	unsigned long long v = 0;
	int d;

	*ovf = 0;
	/* _parse_integer_fixup_radix() */
	if (base == 0) {
		if (p[0] == '0' && tolower((unsigned char)p[1]) == 'x' &&
		    isxdigit((unsigned char)p[2])) {
			base = 16;
			p += 2;
		} else {
			base = p[0] == '0' ? 8 : 10;
		}
	} else if (base == 16 && p[0] == '0' &&
		   tolower((unsigned char)p[1]) == 'x') {
		p += 2;
	}
	for (; (d = digit_value(*p)) < (int)base; p++) {
		if (v > (~0ULL - (unsigned)d) / base)
			*ovf = 1;
		v = v * base + (unsigned)d;
	}
	*out = v;
	if (p == s + 2 && base == 16 && s[0] == '0')
		return 0;	/* a bare "0x" is no number */
	return (size_t)(p - s);
}

static int need_value(struct r9p_optval *v, const char *what)
{
	if (v->val && *v->val)
		return 0;
	r9p_diag_add(v->diags, R9P_ERR, "%s%s needs a value (%s=%s)", v->key,
		     v->val ? "=" : "", v->key, what);
	return -EINVAL;
}

/* "; did you mean X?" for WORD among the values of T, or "". */
static const char *suggest(char *buf, size_t len, const char *word,
			   const struct r9p_namedef *t, unsigned n, unsigned kv)
{
	const char *names[16];
	const char *pick;
	unsigned i, m = 0;

	for (i = 0; i < n && m < 16; i++)
		if (r9p_kv_in(kv, t[i].min_kv, t[i].max_kv))
			names[m++] = t[i].name;
	pick = r9p_closest(word, names, m);
	if (!pick)
		return "";
	snprintf(buf, len, "; did you mean %s?", pick);
	return buf;
}

static int check_none(struct r9p_optval *v)
{
	(void)v;
	return 0;
}

/* Flags and the words that stand for a value (loose, noextend, ro). */
static int check_flag(struct r9p_optval *v)
{
	if (v->val) {
		r9p_diag_add(v->diags, R9P_ERR, "%s=%s: %s takes no value; "
			     "write %s", v->key, v->val, v->key, v->key);
		return -EINVAL;
	}
	if (v->def->kind == R9P_K_CACHEWORD)
		snprintf(v->norm, sizeof(v->norm), "%s", v->key);
	else if (v->def->kind == R9P_K_NOEXTEND)
		snprintf(v->norm, sizeof(v->norm), "9p2000");
	return 0;
}

static int check_num(struct r9p_optval *v)
{
	unsigned long long n;
	unsigned long max = v->kv >= R9P_KV_NEWAPI ? UINT_MAX_U : INT_MAX_U;
	size_t len, used;
	int ovf;

	if (need_value(v, "NUMBER"))
		return -EINVAL;
	len = strlen(v->val);
	used = r9p_scan_number(v->val, 0, &n, &ovf);
	if (!used || used != len) {
		r9p_diag_add(v->diags, R9P_ERR, "%s=%s is not a number (%s "
			     "takes decimal, 0x hex or 0 octal digits only)",
			     v->key, v->val, v->key);
		return -EINVAL;
	}
	if (v->def->max && v->def->max < max)
		max = v->def->max;
	if (v->def->kind == R9P_K_ID && max == UINT_MAX_U)
		max--;		/* (uid_t)-1 is the invalid uid */
	if (ovf || n > max || (v->kv < R9P_KV_NEWAPI && len >= NUMBER_BUF_LEN)) {
		r9p_diag_add(v->diags, R9P_ERR, "%s=%s is out of range (%s "
			     "takes at most %lu)", v->key, v->val, v->kname, max);
		return -EINVAL;
	}
	if (n < v->def->min) {
		r9p_diag_add(v->diags, R9P_ERR, "%s=%s is below the minimum "
			     "%lu", v->key, v->val, v->def->min);
		return -EINVAL;
	}
	if (v->val[0] == '0' && len > 1 && tolower((unsigned char)v->val[1]) != 'x')
		r9p_diag_add(v->diags, R9P_WARN, "%s=%s starts with 0: the "
			     "kernel reads it as octal, %llu", v->key, v->val, n);
	v->num = (unsigned long)n;
	snprintf(v->norm, sizeof(v->norm), "%llu", n);
	return 0;
}

/*
 * debug=: before 6.19 the token is "debug=%x" but the value is then read
 * by match_int() in C base (10 unless 0x/0), so "debug=1f" is 1 and
 * "debug=ff" is refused; from 6.19 fsparam_u32hex reads it as hex.
 */
static int check_hex(struct r9p_optval *v)
{
	unsigned long long hex, c;
	size_t len, used;
	int ovf, ovf2;

	if (need_value(v, "0xMASK"))
		return -EINVAL;
	len = strlen(v->val);
	used = r9p_scan_number(v->val, 16, &hex, &ovf);
	if (!used || used != len) {
		r9p_diag_add(v->diags, R9P_ERR, "%s=%s is not a hex mask (e.g. "
			     "%s=0x1f)", v->key, v->val, v->key);
		return -EINVAL;
	}
	if (v->kv >= R9P_KV_NEWAPI) {
		c = hex;
	} else {
		used = r9p_scan_number(v->val, 0, &c, &ovf2);
		ovf |= ovf2;
		if (!used) {
			r9p_diag_add(v->diags, R9P_ERR, "%s=%s: %s reads debug "
				     "as a C number and refuses it; write "
				     "%s=0x%s", v->key, v->val, v->kname,
				     v->key, v->val);
			return -EINVAL;
		}
		if (used != len)
			r9p_diag_add(v->diags, R9P_WARN, "%s=%s: %s reads it "
				     "as %llu; write %s=0x%s for that mask",
				     v->key, v->val, v->kname, c, v->key, v->val);
	}
	if (ovf || c > (v->kv >= R9P_KV_NEWAPI ? UINT_MAX_U : INT_MAX_U)) {
		r9p_diag_add(v->diags, R9P_ERR, "%s=%s is out of range",
			     v->key, v->val);
		return -EINVAL;
	}
	v->num = (unsigned long)c;
	snprintf(v->norm, sizeof(v->norm), "0x%llx", c);
	return 0;
}

static int check_str(struct r9p_optval *v)
{
	return need_value(v, "TEXT");
}

/* 6.1: a word. 6.4+: a word or kstrtoint(s, 0) of a bitmask. */
static int check_cache(struct r9p_optval *v)
{
	const struct r9p_namedef *m;
	unsigned long long n = 0;
	char list[128], hint[64];
	size_t used = 0;
	int ovf = 1;

	if (need_value(v, "MODE"))
		return -EINVAL;
	m = r9p_namedef_find(r9p_cachemodes, r9p_ncachemodes, v->val, v->kv);
	if (m) {
		v->num = m->bits;
		snprintf(v->norm, sizeof(v->norm), "%s", m->name);
		return 0;
	}
	if (v->kv >= R9P_KV_CACHEBITS)
		used = r9p_scan_number(v->val, 0, &n, &ovf);
	if (used && used == strlen(v->val) && !ovf && n <= INT_MAX_U) {
		v->num = (unsigned long)n;
		snprintf(v->norm, sizeof(v->norm), "0x%llx", n);
		if (n & ~0x8fULL)
			r9p_diag_add(v->diags, R9P_WARN, "cache=%s sets bits "
				     "%s does not define (known: 0x1 readahead, "
				     "0x2 metadata, 0x4 writeback, 0x8 loose, "
				     "0x80 fscache)", v->val, v->kname);
		return 0;
	}
	r9p_namedef_list(r9p_cachemodes, r9p_ncachemodes, v->kv, list,
			 sizeof(list));
	hint[0] = '\0';
	/* A mode of the other era is no typo: say only what this one takes. */
	if (!r9p_namedef_find(r9p_cachemodes, r9p_ncachemodes, v->val,
			      v->kv < R9P_KV_CACHEBITS ? R9P_KV_CACHEBITS : 0))
		suggest(hint, sizeof(hint), v->val, r9p_cachemodes,
			r9p_ncachemodes, v->kv);
	r9p_diag_add(v->diags, R9P_ERR, "cache=%s is not a cache mode of %s "
		     "(accepted: %s%s)%s", v->val, v->kname, list,
		     v->kv >= R9P_KV_CACHEBITS ? " or a bitmask such as 0x5" : "",
		     hint);
	return -EINVAL;
}

/* A value of a name table: trans=, version=. */
static int check_name(struct r9p_optval *v, const struct r9p_namedef *t,
		      unsigned n, const char *what)
{
	char list[128], hint[64];

	if (need_value(v, "NAME"))
		return -EINVAL;
	if (r9p_namedef_find(t, n, v->val, v->kv))
		return 0;
	r9p_namedef_list(t, n, v->kv, list, sizeof(list));
	hint[0] = '\0';
	r9p_diag_add(v->diags, R9P_ERR, "%s=%s is not %s of %s (accepted: "
		     "%s)%s", v->key, v->val, what, v->kname, list,
		     suggest(hint, sizeof(hint), v->val, t, n, v->kv));
	return -EINVAL;
}

static int check_trans(struct r9p_optval *v)
{
	return check_name(v, r9p_transports, r9p_ntransports, "a transport");
}

static int check_version(struct r9p_optval *v)
{
	return check_name(v, r9p_versions, r9p_nversions, "a protocol version");
}

/* user|any|client, else kstrtouint(s, 10) of a valid uid. */
static int check_access(struct r9p_optval *v)
{
	unsigned long long uid;
	char hint[64];
	int ovf;

	if (need_value(v, "MODE"))
		return -EINVAL;
	if (r9p_namedef_find(r9p_accessmodes, r9p_naccessmodes, v->val, v->kv))
		return 0;
	if (isdigit((unsigned char)v->val[0])) {
		size_t used = r9p_scan_number(v->val, 10, &uid, &ovf);

		if (used == strlen(v->val) && !ovf && uid < UINT_MAX_U) {
			v->num = (unsigned long)uid;
			return 0;
		}
	}
	hint[0] = '\0';
	r9p_diag_add(v->diags, R9P_ERR, "access=%s is not an access mode "
		     "(accepted: user, any, client or a decimal uid)%s", v->val,
		     suggest(hint, sizeof(hint), v->val, r9p_accessmodes,
			     r9p_naccessmodes, v->kv));
	return -EINVAL;
}

/* From 6.19 "source" is a real key, and a second source is refused. */
static int check_source(struct r9p_optval *v)
{
	r9p_diag_add(v->diags, R9P_ERR, "%s%s%s: %s refuses a second mount "
		     "source (the tag is the source); remove it", v->key,
		     v->val ? "=" : "", v->val ? v->val : "", v->kname);
	return -EINVAL;
}

static const check_fn checks[] = {
	[R9P_K_FLAG] = check_flag,	[R9P_K_NUM] = check_num,
	[R9P_K_ID] = check_num,		[R9P_K_HEX] = check_hex,
	[R9P_K_STR] = check_str,	[R9P_K_CACHE] = check_cache,
	[R9P_K_CACHEWORD] = check_flag,	[R9P_K_ACCESS] = check_access,
	[R9P_K_TRANS] = check_trans,	[R9P_K_VERSION] = check_version,
	[R9P_K_NOEXTEND] = check_flag,	[R9P_K_SOURCE] = check_source,
	[R9P_K_MFLAG] = check_flag,	[R9P_K_FSTAB] = check_none,
};

int r9p_optval_check(struct r9p_optval *v)
{
	v->norm[0] = '\0';
	v->num = 0;
	if (v->def->kind >= ARRAY_SIZE(checks))
		return -EINVAL;
	return checks[v->def->kind](v);
}
