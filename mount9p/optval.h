/* SPDX-License-Identifier: MIT */
/*
 * mount9p/optval.h - check one option's value the way the kernel reads it.
 *
 * Internal to mount9p: opts.c calls it for every known option. The result
 * is the value to put in the normalized string (numbers in one spelling)
 * plus diagnostics naming the option and what it accepts.
 */
#ifndef R9P_OPTVAL_H
#define R9P_OPTVAL_H

#include "mount9p/diag.h"
#include "mount9p/opttab.h"

struct r9p_optval {
	const struct r9p_optdef *def;
	const char *key;	/* as the user wrote it */
	const char *val;	/* NULL: no '=' at all */
	unsigned kv;		/* kernel, packed */
	const char *kname;	/* "Linux 6.1" */
	struct r9p_diags *diags;
	/* out */
	char norm[48];		/* normalized value; "" keeps VAL as given */
	unsigned long num;	/* numbers, cache bits */
};

/* Fills V->norm and V->num. Returns 0, or -EINVAL after an R9P_ERR. */
int r9p_optval_check(struct r9p_optval *v);

/*
 * Scans an unsigned number as the kernel's simple_strtoull does with BASE
 * 0 (0x.. hex, 0.. octal, else decimal) or 16. Returns the characters
 * used (0: none); *OVF is set when the value passes 64 bits.
 */
size_t r9p_scan_number(const char *s, unsigned base, unsigned long long *out,
		       int *ovf);

struct r9p_opts;

/*
 * Checks that need several options (transport-only options, msize above
 * the transport's maximum, posixacl without 9p2000.L ...) on the summary
 * in O; KEYS are the keys kept, "" for refused ones.
 */
void r9p_optcombo_check(struct r9p_opts *o, unsigned kv, const char *kname,
			const char *const *keys, int nkeys);

#endif
