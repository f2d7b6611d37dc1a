/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_cmdline.c - libFuzzer target for the kernel command-line
 * splitter (r9p_cmdline_parse), which init9p runs on /proc/cmdline.
 *
 * Invariants: every pointer it hands out lies in its own buffer (or is a
 * constant ""/"bottom"), words come in order and do not overlap, a key
 * given twice keeps its last value, and a line rebuilt from the words it
 * found splits into the same words again (the round trip).
 */
#include <errno.h>

#include "common/array.h"
#include "engine/cmdline.h"
#include "tests/fuzz/fuzz.h"

#define NPARAMS_MAX ((int)(sizeof(((struct r9p_cmdline *)0)->key) / \
			   sizeof(((struct r9p_cmdline *)0)->key[0])))

/* P points at a NUL-terminated string inside C->buf. */
static int in_buf(const struct r9p_cmdline *c, const char *p)
{
	const char *end = c->buf + sizeof(c->buf);

	return p >= c->buf && p < end && memchr(p, '\0', (size_t)(end - p));
}

/* A field: in the buffer, or one of the constants the parser uses. */
static void check_field(const struct r9p_cmdline *c, const char *p)
{
	NEED(p != NULL);
	if (!in_buf(c, p))
		NEED(strcmp(p, "") == 0 || strcmp(p, "bottom") == 0);
}

/* The value the last "NAME=..." word gave, "" when none (or bare). */
static const char *last_value(const struct r9p_cmdline *c, const char *name)
{
	const char *v = "";
	int i;

	for (i = 0; i < c->nparams; i++)
		if (strcmp(c->key[i], name) == 0)
			v = c->val[i] ? c->val[i] : "";
	return v;
}

static void check_structure(const struct r9p_cmdline *c, const char *text,
			    int rc)
{
	static const char *const strs[] = {
		"root", "rootfstype", "rootflags", "init", "root9p.tmp",
	};
	const char *fields[] = { c->root, c->rootfstype, c->rootflags,
				 c->init, c->tmp };
	size_t i;
	int j;

	NEED(rc == 0 || rc == -E2BIG);
	NEED((rc == -E2BIG) == (strlen(text) >= R9P_CMDLINE_MAX));
	NEED(memchr(c->buf, '\0', sizeof(c->buf)) != NULL);
	check_field(c, c->root);
	check_field(c, c->rootfstype);
	check_field(c, c->rootflags);
	check_field(c, c->init);
	check_field(c, c->tmp);
	check_field(c, c->modules);
	check_field(c, c->brk);
	NEED(c->rdonly >= -1 && c->rdonly <= 1);
	NEED(c->shell >= -1 && c->shell <= 1);
	NEED(c->debug == 0 || c->debug == 1);
	NEED(c->rootwait == 0 || c->rootwait == 1);
	NEED(c->has_panic == 0 || c->has_panic == 1);
	NEED(c->nparams >= 0 && c->nparams <= NPARAMS_MAX);
	for (j = 0; j < c->nparams; j++) {
		NEED(c->key[j] && in_buf(c, c->key[j]));
		/* the kernel's part ends at a bare "--" */
		NEED(c->val[j] || strcmp(c->key[j], "--") != 0);
		if (c->val[j])
			NEED(in_buf(c, c->val[j]) && c->val[j] > c->key[j]);
		if (j > 0)
			NEED(c->key[j] > (c->val[j - 1] ? c->val[j - 1]
							: c->key[j - 1]));
	}
	/* Last one wins (only when no word was dropped for want of room). */
	if (c->nparams < NPARAMS_MAX)
		for (i = 0; i < ARRAY_SIZE(strs); i++)
			NEED(strcmp(fields[i], last_value(c, strs[i])) == 0);
}

/* Can the word be written back so that it splits the same? */
static int plain(const char *s)
{
	return !strchr(s, '"');
}

/*
 * Write the words back the way a boot loader would: a word with a blank
 * in its key is quoted whole ("a b=c"), one with a blank in its value
 * gets the value quoted (k="v w"). Returns the length, or -1 when the
 * words cannot be written back unambiguously or do not fit.
 */
static int rebuild(const struct r9p_cmdline *c, char *out, size_t len)
{
	size_t used = 0;
	int i, w;

	out[0] = '\0';
	for (i = 0; i < c->nparams; i++) {
		const char *k = c->key[i], *v = c->val[i];

		if (!*k || !plain(k) || (v && !plain(v)))
			return -1;
		if (fuzz_has_kspace(k))
			w = snprintf(out + used, len - used, "%s\"%s%s%s\"",
				     used ? " " : "", k, v ? "=" : "",
				     v ? v : "");
		else if (v && fuzz_has_kspace(v))
			w = snprintf(out + used, len - used, "%s%s=\"%s\"",
				     used ? " " : "", k, v);
		else
			w = snprintf(out + used, len - used, "%s%s%s%s",
				     used ? " " : "", k, v ? "=" : "",
				     v ? v : "");
		if (w < 0 || (size_t)w >= len - used)
			return -1;
		used += (size_t)w;
	}
	return (int)used;
}

static void check_round_trip(const struct r9p_cmdline *c)
{
	static struct r9p_cmdline again;
	static char line[R9P_CMDLINE_MAX];
	int i;

	if (c->nparams >= NPARAMS_MAX || rebuild(c, line, sizeof(line)) < 0)
		return;
	NEED(r9p_cmdline_parse(line, &again) == 0);
	NEED(again.nparams == c->nparams);
	for (i = 0; i < c->nparams; i++) {
		NEED(strcmp(again.key[i], c->key[i]) == 0);
		NEED(!again.val[i] == !c->val[i]);
		NEED(!c->val[i] || strcmp(again.val[i], c->val[i]) == 0);
	}
	NEED(strcmp(again.root, c->root) == 0);
	NEED(strcmp(again.rootflags, c->rootflags) == 0);
	NEED(strcmp(again.tmp, c->tmp) == 0);
	NEED(strcmp(again.modules, c->modules) == 0);
	NEED(strcmp(again.brk, c->brk) == 0);
	NEED(again.rdonly == c->rdonly && again.shell == c->shell);
	NEED(again.rootdelay == c->rootdelay && again.timeout == c->timeout);
	NEED(again.has_panic == c->has_panic && again.panic == c->panic);
}

/* The whole input is one command line, as /proc/cmdline gives it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct r9p_cmdline c;
	char *text = fuzz_text(data, size);
	int rc;

	rc = r9p_cmdline_parse(text, &c);
	check_structure(&c, text, rc);
	if (rc == 0)
		check_round_trip(&c);
	free(text);
	return 0;
}
