/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_vfsopts.c - libFuzzer target for a virtiofs root's
 * rootflags (r9p_virtiofs_opts_parse) and their --explain (r9p_virtiofs_opts_explain).
 *
 * Invariants (virtiofs.h): the result is 0 or -EINVAL, -EINVAL exactly
 * when an error is recorded, and refused exactly when an option is not in
 * virtiofs' table (dax, dax=always|never|inode, a generic mount flag word,
 * a mount(8) word that is dropped); the data string is "" or the last
 * dax=MODE given; the normalized form (flags, then the data) parses back
 * to the same flags and data; messages fit their buffers.
 */
#include <errno.h>

#include "mount9p/opttab.h"
#include "mount9p/virtiofs.h"
#include "tests/fuzz/fuzz.h"

static const struct r9p_kernel kernels[] = {
	{ 6, 1 }, { 6, 6 }, { 6, 12 }, { 6, 19 }, { 0, 0 },
};

static const char *const dax_modes[] = { "always", "never", "inode" };

static const char *dax_mode(const char *val)
{
	size_t i;

	if (!val)
		return "always";
	for (i = 0; i < sizeof(dax_modes) / sizeof(dax_modes[0]); i++)
		if (strcmp(val, dax_modes[i]) == 0)
			return dax_modes[i];
	return NULL;
}

/*
 * Walk TEXT as virtiofs' table reads it: 1 when every option is in it,
 * with the last dax mode in *DAX (NULL when none), else 0.
 */
static int in_table(const char *text, unsigned kv, const char **dax)
{
	static char buf[8192];
	const struct r9p_optdef *d;
	char *rest = buf, *item, *eq;

	*dax = NULL;
	snprintf(buf, sizeof(buf), "%s", text);
	while ((item = strsep(&rest, ",")) != NULL) {
		if (!*item)
			continue;
		eq = strchr(item, '=');
		if (eq)
			*eq++ = '\0';
		if (strcmp(item, "dax") == 0) {
			if (!dax_mode(eq))
				return 0;
			*dax = dax_mode(eq);
			continue;
		}
		d = r9p_optdef_find(item, kv, 0);
		if (!d || (d->kind == R9P_K_MFLAG && eq) ||
		    (d->kind != R9P_K_MFLAG && d->kind != R9P_K_FSTAB))
			return 0;
	}
	return 1;
}

static void emit(void *ctx, const char *key, const char *value,
		 const char *meaning)
{
	NEED(strcmp(key, "dax") == 0 && value && dax_mode(value));
	NEED(meaning && *meaning);
	(*(int *)ctx)++;
}

static void check_normalized(const struct r9p_opts *o,
			     const struct r9p_kernel *k)
{
	static struct r9p_opts again;
	char flags[256], flags2[256], form[600];

	r9p_opts_flags(o, flags, sizeof(flags));
	NEED(strlen(flags) < sizeof(flags) - 1);
	snprintf(form, sizeof(form), "%s%s%s", flags,
		 *flags && *o->data ? "," : "", o->data);
	NEED(r9p_virtiofs_opts_parse(form, k, &again) == 0);
	NEED(strcmp(again.data, o->data) == 0);
	NEED(again.mflags == o->mflags && again.rdonly == o->rdonly);
	r9p_opts_flags(&again, flags2, sizeof(flags2));
	NEED(strcmp(flags, flags2) == 0);
}

/* Byte 0 picks the kernel profile, the rest is rootflags. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct r9p_opts o;
	const struct r9p_kernel *k;
	const char *dax;
	char *text, want[32];
	int rc, i, n = 0, ok;

	if (size < 1)
		return 0;
	k = &kernels[data[0] % (sizeof(kernels) / sizeof(kernels[0]))];
	text = fuzz_text(data + 1, size - 1);
	rc = r9p_virtiofs_opts_parse(text, k, &o);
	NEED(rc == 0 || rc == -EINVAL);
	NEED((rc < 0) == (o.diags.nerr > 0));
	NEED(o.diags.n >= 0 && o.diags.n <= R9P_DIAG_MAX);
	for (i = 0; i < o.diags.n; i++)
		NEED(strlen(o.diags.d[i].text) < R9P_DIAG_LEN);
	if (rc < 0) {
		for (i = 0; i < o.diags.n && o.diags.d[i].level != R9P_ERR; i++)
			;
		NEED(i < o.diags.n);
	}
	ok = strlen(text) < 4096 && in_table(text, r9p_kv(k), &dax);
	NEED((rc == 0) == ok);
	if (rc == 0) {
		snprintf(want, sizeof(want), "%s%s", dax ? "dax=" : "",
			 dax ? dax : "");
		NEED(strcmp(o.data, want) == 0);
		NEED(o.rdonly >= -1 && o.rdonly <= 1);
		check_normalized(&o, k);
		r9p_virtiofs_opts_explain(&o, emit, &n);
		NEED(n == (dax != NULL));
	}
	free(text);
	return 0;
}
