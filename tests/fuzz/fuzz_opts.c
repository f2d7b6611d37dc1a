/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_opts.c - libFuzzer target for the 9p option parser and
 * the mountinfo line reader (clang -fsanitize=fuzzer,address,undefined).
 *
 * Besides "no crash, leak or UB", it checks what the callers rely on:
 * the return value matches the errors recorded, the data string fits, and
 * normalizing is stable (parsing the normalized string gives it back).
 * Any broken rule aborts, which libFuzzer reports with the input.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "mount9p/effective.h"
#include "mount9p/mountinfo.h"
#include "mount9p/opts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct r9p_kernel kernels[] = {
	{ 6, 1 }, { 6, 6 }, { 6, 12 }, { 6, 19 }, { 0, 0 },
};

static void need(int ok)
{
	if (!ok)
		abort();
}

static void count(void *ctx, const char *key, const char *value,
		  const char *meaning)
{
	need(key && meaning && strlen(meaning) < R9P_DIAG_LEN);
	(void)value;
	(*(int *)ctx)++;
}

static void check_opts(const char *text, const struct r9p_kernel *k,
		       unsigned flags)
{
	static struct r9p_opts o, again;
	char buf[256];
	int rc, lines = 0, i;

	rc = r9p_opts_parse(text, k, flags, &o);
	need(rc == 0 || rc == -EINVAL);
	need((rc < 0) == (o.diags.nerr > 0));
	need(strlen(o.data) < sizeof(o.data));
	need(o.diags.n <= R9P_DIAG_MAX);
	for (i = 0; i < o.diags.n; i++)
		need(strlen(o.diags.d[i].text) < R9P_DIAG_LEN);
	/* a refused mount always shows an error */
	if (rc < 0) {
		for (i = 0; i < o.diags.n && o.diags.d[i].level != R9P_ERR; i++)
			;
		need(i < o.diags.n);
	}
	r9p_opts_explain(&o, k, count, &lines);
	r9p_opts_explain_flags(&o, count, &lines);
	r9p_opts_flags(&o, buf, sizeof(buf));
	if (rc == 0) {
		need(r9p_opts_parse(o.data, k, flags, &again) == 0);
		need(strcmp(o.data, again.data) == 0);
		need(again.msize == o.msize && !strcmp(again.cache, o.cache));
	}
}

static void check_mountinfo(const char *text)
{
	static char line[8192];
	static struct r9p_opts o;
	struct r9p_effective e;
	struct r9p_mountinfo mi;
	struct r9p_diags d;
	struct r9p_kernel k = { 6, 12 };

	memcpy(line, text, strlen(text) + 1);
	if (r9p_mountinfo_parse(line, &mi) == 0)
		need(mi.fstype && mi.source && mi.super_opts && mi.mount_point);
	memcpy(line, text, strlen(text) + 1);
	if (r9p_effective_parse_line(line, &e) < 0)
		return;
	r9p_opts_parse("msize=5000000,posixacl,ro,cache=loose", &k,
		       R9P_DEFAULTS, &o);
	r9p_diags_init(&d);
	r9p_effective_compare(&o, &e, &k, &d);
	need(d.n <= R9P_DIAG_MAX);
}

/*
 * The first byte picks the kernel profile and R9P_DEFAULTS, the rest is
 * the option string; the whole input is also tried as a mountinfo line.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[8192];
	const struct r9p_kernel *k;
	unsigned flags;

	if (size < 1 || size >= sizeof(text))
		return 0;
	k = &kernels[data[0] % ARRAY_SIZE(kernels)];
	flags = data[0] & 0x80 ? R9P_DEFAULTS : 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';	/* an embedded NUL just ends the string */
	check_opts(text, k, flags);
	memcpy(text, data, size);
	text[size] = '\0';
	check_mountinfo(text);
	return 0;
}
