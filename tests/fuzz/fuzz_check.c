/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_check.c - libFuzzer target for `mount9p --check`'s
 * output (r9p_rootcmd_check), which the hooks eval in /bin/sh.
 *
 * Invariants (rootcmd.h, mount9p(8)): every line is R9P_NAME='...' where
 * the value is single-quoted text and '\'' pairs only, so that eval gives
 * back exactly the value and runs nothing; the names come in the
 * documented order, each once (R9P_ROOT first; R9P_ERROR and R9P_TRY
 * after a refusal; nothing more for a root not root9p's); and each value
 * is the engine's own setting, computed here from r9p_root_config. A
 * small parser of sh's single quotes reads the output, no shell is run.
 *
 * The output goes to a memory stream for the call (stdout is swapped,
 * glibc lets it be assigned), the engine's messages to /dev/null
 * (stderr too): libFuzzer and the sanitizers write to fd 2 and keep it.
 */
#include <errno.h>

#include "engine/root.h"
#include "mount9p/rootcmd.h"
#include "tests/fuzz/fuzz.h"

#define NAMES_MAX 16
#define VALUE_MAX 20000

static const char *const kernels[] = {
	"6.1.0-28-amd64", "6.6.58", "6.12.38+deb13-amd64", "6.19-rc1",
	"not-a-kernel",
};

/* The names of a 9p root's lines, in order. */
static const char *const ok_names[] = {
	"R9P_ROOT", "R9P_TAG", "R9P_FSTYPE", "R9P_OPTIONS", "R9P_TIMEOUT",
	"R9P_TMP", "R9P_TMP_DISK", "R9P_SWAP", "R9P_MODULES", "R9P_DEBUG",
	"R9P_OVERLAY", "R9P_MOUNTS",
};

struct line {
	char name[32];
	char *value;	/* malloc'd, what eval would set */
};

/*
 * One NAME='...'('\''...)* line of OUT at *POS, as sh reads it: quoted
 * text is taken as it is, \' outside the quotes is a quote, anything
 * else outside them (an expansion, a blank, a second word) breaks the
 * invariant. Returns 0 at the end of OUT, else 1 with L filled.
 */
static int read_line(const char *out, size_t len, size_t *pos,
		     struct line *l)
{
	size_t p = *pos, n = 0, v = 0;

	if (p >= len)
		return 0;
	while (p < len && ((out[p] >= 'A' && out[p] <= 'Z') ||
			   out[p] == '_' || (out[p] >= '0' && out[p] <= '9'))) {
		NEED(n < sizeof(l->name) - 1);
		l->name[n++] = out[p++];
	}
	l->name[n] = '\0';
	NEED(n > 0 && p < len && out[p] == '=');
	p++;
	l->value = malloc(len - p + 1);
	NEED(l->value != NULL);
	for (;;) {
		NEED(p < len);
		if (out[p] == '\n') {
			p++;
			break;
		}
		if (out[p] == '\\') {
			NEED(p + 1 < len && out[p + 1] == '\'');
			l->value[v++] = '\'';
			p += 2;
			continue;
		}
		NEED(out[p] == '\'');	/* nothing unquoted but \' */
		for (p++; p < len && out[p] != '\''; p++)
			l->value[v++] = out[p];
		NEED(p < len);
		p++;
	}
	l->value[v] = '\0';
	*pos = p;
	return 1;
}

/* What the engine decided, by the way --check decides it. */
static int expected(const char *text, const char *release, char *want[],
		    const char *names[], int *nwant)
{
	static struct r9p_cmdline c;
	static struct r9p_root r;
	static char buf[NAMES_MAX][VALUE_MAX];
	struct r9p_err f;
	struct r9p_kernel k;
	char flags[128];
	int err, i;

	r9p_cmdline_parse(text, &c);
	if (r9p_kernel_parse(release, &k) < 0)
		k.major = k.minor = 0;
	err = r9p_root_config(&c, &k, 0, &r, &f);
	for (i = 0; i < NAMES_MAX; i++) {
		want[i] = buf[i];
		buf[i][0] = '\0';
	}
	names[0] = "R9P_ROOT";
	snprintf(buf[0], VALUE_MAX, "%s",
		 err == 1 || (err < 0 && !r.is9p) ? "no" : "yes");
	*nwant = 1;
	if (err > 0)
		return err;
	if (err < 0) {
		names[1] = "R9P_ERROR";
		snprintf(buf[1], VALUE_MAX, "cannot %s: %s", f.step, f.why);
		names[2] = "R9P_TRY";
		snprintf(buf[2], VALUE_MAX, "%s", f.try_);
		*nwant = 3;
		return err;
	}
	for (i = 0; i < (int)(sizeof(ok_names) / sizeof(ok_names[0])); i++)
		names[i] = ok_names[i];
	*nwant = i;
	r9p_opts_flags(&r.opts, flags, sizeof(flags));
	snprintf(buf[1], VALUE_MAX, "%s", r.tag);
	snprintf(buf[2], VALUE_MAX, "%s", r9p_root_fstype(&r));
	snprintf(buf[3], VALUE_MAX, "%s%s%s", flags,
		 *flags && *r.opts.data ? "," : "", r.opts.data);
	snprintf(buf[4], VALUE_MAX, "%lld", r.timeout_ms < 0 ? -1 :
		 r.timeout_ms / 1000);
	r9p_tmp_describe(&r.tmp, buf[5], VALUE_MAX);
	snprintf(buf[6], VALUE_MAX, "%s", r.tmp_disk.spec);
	snprintf(buf[7], VALUE_MAX, "%s", r.swap.spec);
	snprintf(buf[8], VALUE_MAX, "%s", r.modules);
	snprintf(buf[9], VALUE_MAX, "%s", r.debug ? "1" : "0");
	r9p_upper_value(&r.upper, buf[10], VALUE_MAX);
	r9p_extra_describe(&r.extras, buf[11], VALUE_MAX);
	return 0;
}

/* Run --check on TEXT with stdout into a memory stream: the output. */
static char *run_check(const char *text, const char *release, size_t *len,
		       int *code)
{
	static FILE *sink;
	struct r9p_rootcmd rc = { .cmdline = text, .kernel = release };
	FILE *out_stream, *keep_out = stdout, *keep_err = stderr;
	char *out = NULL;

	if (!sink)
		sink = fopen("/dev/null", "w");
	out_stream = open_memstream(&out, len);
	NEED(sink && out_stream);
	stdout = out_stream;
	stderr = sink;
	*code = r9p_rootcmd_check(&rc);
	stdout = keep_out;
	stderr = keep_err;
	NEED(fclose(out_stream) == 0);
	return out;
}

/* Byte 0 picks the kernel release, the rest is the command line. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct line lines[NAMES_MAX + 1];
	static int once;
	const char *names[NAMES_MAX], *release;
	char *want[NAMES_MAX], *text, *out;
	size_t len, pos = 0;
	int n = 0, nwant, err, code, i;

	if (!once++)	/* no tag, no device: the same answers on any host */
		r9p_tags_set_sysfs("/nonexistent/root9p-fuzz-sysfs");
	if (size < 1)
		return 0;
	release = kernels[data[0] % (sizeof(kernels) / sizeof(kernels[0]))];
	text = fuzz_text(data + 1, size - 1);
	err = expected(text, release, want, names, &nwant);
	out = run_check(text, release, &len, &code);
	NEED(memchr(out, '\0', len) == NULL);	/* no NUL in the output */
	while (n <= NAMES_MAX && read_line(out, len, &pos, &lines[n]))
		n++;
	NEED(n == nwant);
	for (i = 0; i < n; i++) {
		NEED(strcmp(lines[i].name, names[i]) == 0);
		NEED(strcmp(lines[i].value, want[i]) == 0);
		free(lines[i].value);
	}
	NEED(err < 0 ? code == R9P_EXIT_REFUSED || code == R9P_EXIT_SYSTEM :
	     code == R9P_EXIT_OK);
	free(out);
	free(text);
	return 0;
}
