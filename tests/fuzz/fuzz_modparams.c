/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_modparams.c - libFuzzer target for the module
 * parameters init9p takes from the command line (r9p_cmdline_modparams:
 * "9p.debug=1 9pnet_virtio.x="a b"" -> what finit_module() gets).
 *
 * Invariants: the output is NUL-terminated within the length given and
 * nothing is written past it (the buffer is exactly that long, for ASan);
 * -E2BIG only when the parameters really do not fit, else the same bytes
 * a big buffer gets; and the output, split again as the kernel splits
 * module parameters, gives back the very parameters and values.
 */
#include <errno.h>

#include "common/array.h"
#include "engine/cmdline.h"
#include "tests/fuzz/fuzz.h"

#define BIG (4 * R9P_CMDLINE_MAX)

static const char *const modules[] = {
	"9p", "9pnet_virtio", "9pnet-virtio", "virtio_pci", "netfs", "a",
};
#define NMODULES ARRAY_SIZE(modules)

/* Is key "MODULE.param" of module M ('-' and '_' alike)? */
static const char *param_of(const char *key, const char *m)
{
	const char *dot = strchr(key, '.');
	size_t i, n;

	if (!dot || dot == key)
		return NULL;
	n = (size_t)(dot - key);
	if (strlen(m) != n)
		return NULL;
	for (i = 0; i < n; i++) {
		char x = key[i] == '-' ? '_' : key[i];
		char y = m[i] == '-' ? '_' : m[i];

		if (x != y)
			return NULL;
	}
	return dot + 1;
}

/*
 * Split OUT again with the kernel's rules and compare with the
 * parameters of M in C. Parameters whose name is empty, "--", starts
 * with '=' or holds a blank or a quote, or whose value holds a quote,
 * have no faithful spelling:
 * the comparison is skipped for lines that have one.
 */
static void check_resplit(const struct r9p_cmdline *c, const char *m,
			  const char *out)
{
	static struct r9p_cmdline again;
	const char *p;
	int i, n = 0;

	if (c->nparams >= 256)
		return;
	for (i = 0; i < c->nparams; i++) {
		p = param_of(c->key[i], m);
		if (!p)
			continue;
		if (!*p || *p == '=' || strcmp(p, "--") == 0 ||
		    fuzz_has_kspace(p) || strchr(p, '"') ||
		    (c->val[i] && strchr(c->val[i], '"')))
			return;
	}
	NEED(r9p_cmdline_parse(out, &again) == 0);
	for (i = 0; i < c->nparams; i++) {
		p = param_of(c->key[i], m);
		if (!p)
			continue;
		NEED(n < again.nparams);
		NEED(strcmp(again.key[n], p) == 0);
		NEED(!again.val[n] == !c->val[i]);
		NEED(!c->val[i] || strcmp(again.val[n], c->val[i]) == 0);
		n++;
	}
	NEED(n == again.nparams);
}

/*
 * Byte 0 picks the module, bytes 1-2 the output length (0-1023), the
 * rest is the command line.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct r9p_cmdline c;
	static char big[BIG];
	const char *m;
	size_t len;
	char *text, *out;
	int rc, rc_big;

	if (size < 3)
		return 0;
	m = modules[data[0] % NMODULES];
	len = ((size_t)data[1] << 8 | data[2]) % 1024;
	text = fuzz_text(data + 3, size - 3);
	r9p_cmdline_parse(text, &c);

	rc_big = r9p_cmdline_modparams(&c, m, big, sizeof(big));
	NEED(rc_big >= 0 && (size_t)rc_big < sizeof(big));
	NEED(strlen(big) == (size_t)rc_big);

	/* exactly len bytes (one for len 0, which must stay untouched) */
	out = malloc(len ? len : 1);
	NEED(out != NULL);
	out[0] = 'X';
	rc = r9p_cmdline_modparams(&c, m, out, len);
	NEED(rc == -E2BIG || rc >= 0);
	if (len == 0) {
		NEED(out[0] == 'X');
		NEED(rc == -E2BIG || rc == 0);
	} else if (rc >= 0) {
		NEED((size_t)rc < len && memchr(out, '\0', len) != NULL);
		NEED(strlen(out) == (size_t)rc);
		NEED(strcmp(out, big) == 0);
	}
	if (rc == -E2BIG)
		NEED((size_t)rc_big >= len);
	else
		NEED(rc == rc_big);
	check_resplit(&c, m, big);
	free(out);
	free(text);
	return 0;
}
