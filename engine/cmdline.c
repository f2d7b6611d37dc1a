/* SPDX-License-Identifier: MIT */
/*
 * engine/cmdline.c - split /proc/cmdline the way the kernel does and pick
 * out the keys init9p acts on.
 *
 * The splitting mirrors lib/cmdline.c next_arg(): words end at the
 * kernel's isspace() bytes, a double quote toggles "inside quotes", a
 * leading quote of a word or of a value is stripped with its closing one.
 * Keys are matched through one table; later occurrences overwrite
 * earlier ones.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "engine/cmdline.h"

enum kind { K_STR, K_LONG, K_BOOL, K_RO, K_RW, K_PANIC, K_BREAK, K_MOUNT };

struct key {
	const char *name;
	enum kind kind;
	size_t off;		/* where in struct r9p_cmdline */
};

#define OFF(f) offsetof(struct r9p_cmdline, f)

static const struct key keys[] = {
	{ "root",		K_STR,	 OFF(root) },
	{ "rootfstype",		K_STR,	 OFF(rootfstype) },
	{ "rootflags",		K_STR,	 OFF(rootflags) },
	{ "ro",			K_RO,	 OFF(rdonly) },
	{ "rw",			K_RW,	 OFF(rdonly) },
	{ "init",		K_STR,	 OFF(init) },
	{ "rootwait",		K_BOOL,	 OFF(rootwait) },
	{ "rootdelay",		K_LONG,	 OFF(rootdelay) },
	{ "panic",		K_PANIC, OFF(panic) },
	{ "root9p.timeout",	K_LONG,	 OFF(timeout) },
	{ "root9p.tmp",		K_STR,	 OFF(tmp) },
	{ "root9p.swap",	K_STR,	 OFF(swap) },
	{ "root9p.shell",	K_BOOL,	 OFF(shell) },
	{ "rd.shell",		K_BOOL,	 OFF(shell) },
	{ "root9p.debug",	K_BOOL,	 OFF(debug) },
	{ "root9p.pin",		K_BOOL,	 OFF(pin) },
	{ "root9p.modules",	K_STR,	 OFF(modules) },
	{ "root9p.modload",	K_STR,	 OFF(modload) },
	{ "break",		K_BREAK, OFF(brk) },
	{ "rd.break",		K_BREAK, OFF(brk) },
	{ "root9p.overlay",	K_STR,	 OFF(overlay) },
	{ "root9p.mount",	K_MOUNT, OFF(mounts) },
	{ "ip",			K_STR,	 OFF(ip) },
};

/*
 * The kernel's isspace() (lib/ctype.c's _ctype, bytes as unsigned char):
 * \t \n \v \f \r, space, and 0xa0 (Latin-1 no-break space, _S|_SP).
 * Not the libc's: that one depends on the locale and says no to 0xa0.
 */
static int kspace(char ch)
{
	unsigned char c = (unsigned char)ch;

	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

static char *skip_spaces(char *p)
{
	while (kspace(*p))
		p++;
	return p;
}

/* One word of the kernel's splitting; returns the next position. */
static char *next_arg(char *args, char **param, char **val)
{
	size_t i, equals = 0;
	int in_quote = 0, quoted = 0;

	if (*args == '"') {
		args++;
		in_quote = quoted = 1;
	}
	for (i = 0; args[i]; i++) {
		if (kspace(args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*param = args;
	*val = NULL;
	if (equals) {
		args[equals] = '\0';
		*val = args + equals + 1;
		/* Don't include quotes in the value, as the kernel. */
		if (**val == '"') {
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i]) {
		args[i] = '\0';
		i++;
	}
	return skip_spaces(args + i);
}

/* "1", "", absent -> 1; "0", "no", "off", "false" -> 0. */
static int parse_bool(const char *v)
{
	static const char *const no[] = { "0", "no", "off", "false", "n" };
	size_t i;

	if (!v)
		return 1;
	for (i = 0; i < ARRAY_SIZE(no); i++)
		if (strcmp(v, no[i]) == 0)
			return 0;
	return 1;
}

/*
 * Whole seconds: DFLT when absent or malformed (not all digits, as
 * kstrtoint refuses it), else clamped to +-R9P_SECONDS_MAX, so that
 * seconds * 1000 fits in a long long and in a 32-bit long.
 */
static long parse_seconds(const char *v, long dflt)
{
	char *end;
	long n;

	if (!v || !*v)
		return dflt;
	errno = 0;
	n = strtol(v, &end, 10);
	if (*end || end == v || (errno && errno != ERANGE))
		return dflt;
	if (n > R9P_SECONDS_MAX)	/* also ERANGE's LONG_MAX */
		return R9P_SECONDS_MAX;
	if (n < -R9P_SECONDS_MAX)
		return -R9P_SECONDS_MAX;
	return n;
}

/* rootdelay=, root9p.timeout=: a negative value means absent too. */
static long parse_wait(const char *v)
{
	long n = parse_seconds(v, -1);

	return n < 0 ? -1 : n;
}

static void apply(struct r9p_cmdline *c, const struct key *k, const char *v)
{
	char *field = (char *)c + k->off;

	switch (k->kind) {
	case K_STR:
		*(const char **)field = v ? v : "";
		break;
	case K_LONG:
		*(long *)field = parse_wait(v);
		break;
	case K_BOOL:
		*(int *)field = parse_bool(v);
		break;
	case K_RO:
	case K_RW:
		if (!v)
			*(int *)field = k->kind == K_RO;
		break;
	case K_PANIC:
		c->has_panic = 1;
		/* Malformed: 0, the kernel's default (no reboot); any
		 * negative reboots at once, as the kernel's panic=-1. */
		c->panic = parse_seconds(v, 0);
		if (c->panic < 0)
			c->panic = -1;
		break;
	case K_BREAK:
		/* A bare break/rd.break stops just before switching root. */
		*(const char **)field = v && *v ? v : "bottom";
		break;
	case K_MOUNT:
		/* Repeatable: each one is kept, in order (extramount.c). */
		if (c->nmounts < R9P_CMDLINE_MOUNTS)
			c->mounts[c->nmounts++] = v ? v : "";
		else
			c->nmounts_dropped++;
		break;
	}
}

int r9p_cmdline_parse(const char *text, struct r9p_cmdline *c)
{
	char *p, *param, *val;
	size_t i, n = strlen(text);
	int ret = 0;

	memset(c, 0, sizeof(*c));
	c->root = c->rootfstype = c->rootflags = c->init = "";
	c->tmp = c->swap = c->modules = c->modload = c->brk = c->overlay = "";
	c->ip = "";
	c->rdonly = -1;
	c->rootdelay = c->timeout = -1;
	c->shell = c->pin = -1;
	if (n >= sizeof(c->buf)) {
		n = sizeof(c->buf) - 1;
		ret = -E2BIG;
	}
	memcpy(c->buf, text, n);
	c->buf[n] = '\0';

	p = skip_spaces(c->buf);
	while (*p) {
		p = next_arg(p, &param, &val);
		/* "--" hands the rest to init; the kernel stops there too. */
		if (!val && strcmp(param, "--") == 0)
			break;
		if (c->nparams < R9P_CMDLINE_PARAMS) {
			c->key[c->nparams] = param;
			c->val[c->nparams++] = val;
		} else {
			c->ndropped++;	/* its key is still applied below */
		}
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			if (strcmp(param, keys[i].name) == 0)
				apply(c, &keys[i], val);
	}
	return ret;
}

static int has_space(const char *v)
{
	for (; *v; v++)
		if (kspace(*v))
			return 1;
	return 0;
}

/* Module names compare with '-' and '_' as one character. */
static int same_module(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char x = a[i] == '-' ? '_' : a[i];
		char y = b[i] == '-' ? '_' : b[i];

		if (x != y || !x)
			return 0;
	}
	return b[n] == '\0';
}

int r9p_cmdline_modparams(const struct r9p_cmdline *c, const char *module,
			  char *out, size_t len)
{
	size_t used = 0;
	int i, w;

	if (len)
		out[0] = '\0';
	for (i = 0; i < c->nparams; i++) {
		const char *k = c->key[i], *dot = strchr(k, '.');
		const char *v = c->val[i];
		const char *q;

		if (!dot || dot == k || !same_module(k, module, dot - k))
			continue;
		q = v && has_space(v) ? "\"" : "";
		w = snprintf(out + used, len - used, "%s%s%s%s%s%s",
			     used ? " " : "", dot + 1, v ? "=" : "", q,
			     v ? v : "", q);
		if (w < 0 || (size_t)w >= len - used)
			return -E2BIG;
		used += w;
	}
	return (int)used;
}
