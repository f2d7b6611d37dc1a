/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_runargs.c - libFuzzer target for the root9p.run=
 * decoder (i9p_runargs_decode), which payload9p runs on the command run9p
 * wrote on the kernel command line.
 *
 * Invariants: it returns 0, -EINVAL or -E2BIG, and exactly when the text
 * says so (0 for a well-formed text that fits, -E2BIG for one that does
 * not, never 0 for a bad %XX, an encoded NUL or ""); argc is 1 to
 * I9P_RUNARGS_MAX, argv is NULL-terminated and lies in its own buffer,
 * one argument per ','-part, each the part's bytes with %XX undone; and
 * the encoding of run9p (scripts/run9p-loop: loop_encode_argv) writes only
 * [A-Za-z0-9._/:+@=-], '%', hex digits and ',', and decodes back to the
 * same argv (the round trip, both from a decoded argv and from the input
 * split at NUL bytes as an argv).
 */
#include <errno.h>

#include "init/runargs.h"
#include "tests/fuzz/fuzz.h"

#define ENC_MAX (3 * 8192 + 1)	/* every byte as %XX, and the NUL */

/* The bytes run9p writes as they are (loop_encode's case). */
static int plain(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || strchr("._/:+@=-", c) != NULL;
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * What the text should decode to, computed apart: the well-formedness
 * (non-empty, every '%' then two hex digits, not %00), the number of
 * ','-parts and the bytes of buf it needs (decoded bytes plus a NUL per
 * argument).
 */
struct expect {
	int ok;
	size_t parts, used;
};

static struct expect expect_of(const char *enc)
{
	struct expect e = { *enc != '\0', 1, 1 };
	const char *p;

	for (p = enc; *p; p++) {
		e.used++;
		if (*p == ',') {
			e.parts++;
		} else if (*p == '%') {
			if (hex(p[1]) < 0 || hex(p[2]) < 0 ||
			    (hex(p[1]) == 0 && hex(p[2]) == 0)) {
				e.ok = 0;
				break;
			}
			p += 2;
		}
	}
	return e;
}

/* The part [P, END) with %XX undone equals ARG. */
static int part_is(const char *p, const char *end, const char *arg)
{
	for (; p < end; p++, arg++) {
		char c = *p;

		if (c == '%') {
			c = (char)(hex(p[1]) << 4 | hex(p[2]));
			p += 2;
		}
		if (*arg != c)
			return 0;
	}
	return *arg == '\0';
}

static void check_decoded(const char *enc, const struct i9p_runargs *r)
{
	const char *p = enc, *end;
	int i;

	NEED(r->argc >= 1 && r->argc <= I9P_RUNARGS_MAX);
	NEED(r->argv[r->argc] == NULL);
	for (i = 0; i < r->argc; i++) {
		NEED(r->argv[i] >= r->buf &&
		     r->argv[i] < r->buf + sizeof(r->buf));
		NEED(memchr(r->argv[i], '\0',
			    (size_t)(r->buf + sizeof(r->buf) - r->argv[i])));
		if (i > 0)
			NEED(r->argv[i] == r->argv[i - 1] +
					   strlen(r->argv[i - 1]) + 1);
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		NEED(part_is(p, end, r->argv[i]));
		p = *end ? end + 1 : end;
	}
	NEED(*p == '\0');
}

/* run9p's encoding of ARGC arguments into OUT (ENC_MAX bytes). */
static void encode(char *const *argv, int argc, char *out)
{
	static const char digits[] = "0123456789ABCDEF";
	const unsigned char *a;
	size_t o = 0;
	int i;

	for (i = 0; i < argc; i++) {
		if (i)
			out[o++] = ',';
		for (a = (const unsigned char *)argv[i]; *a; a++) {
			NEED(o + 4 < ENC_MAX);
			if (plain(*a)) {
				out[o++] = (char)*a;
				continue;
			}
			out[o++] = '%';
			out[o++] = digits[*a >> 4];
			out[o++] = digits[*a & 15];
		}
	}
	out[o] = '\0';
	for (i = 0; out[i]; i++)
		NEED(plain((unsigned char)out[i]) || out[i] == '%' ||
		     out[i] == ',');
}

/* ARGV encoded then decoded: the same arguments, or -E2BIG when they
 * do not fit (an empty single argument encodes to "", refused). */
static void check_round_trip(char *const *argv, int argc)
{
	static struct i9p_runargs again;
	static char enc[ENC_MAX];
	size_t need = 0;
	int i, rc;

	encode(argv, argc, enc);
	for (i = 0; i < argc; i++)
		need += strlen(argv[i]) + 1;
	rc = i9p_runargs_decode(enc, &again);
	if (!*enc) {
		NEED(rc == -EINVAL);
		return;
	}
	if (need > sizeof(again.buf) || argc > I9P_RUNARGS_MAX) {
		NEED(rc == -E2BIG);
		return;
	}
	NEED(rc == 0 && again.argc == argc);
	for (i = 0; i < argc; i++)
		NEED(strcmp(again.argv[i], argv[i]) == 0);
}

/* The input split at its NUL bytes: the argv of a `run9p -- CMD ARGS`. */
static void check_argv(const uint8_t *data, size_t size)
{
	static char *argv[I9P_RUNARGS_MAX + 2];
	static char text[8192 + 1];
	int argc = 0;
	size_t i;

	if (!size || size >= sizeof(text))
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	argv[argc++] = text;
	for (i = 0; i < size; i++)
		if (text[i] == '\0') {
			if (argc > I9P_RUNARGS_MAX)
				break;
			argv[argc++] = text + i + 1;
		}
	check_round_trip(argv, argc);
}

/* The whole input as root9p.run='s value, and split as an argv. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct i9p_runargs r;
	char *enc = fuzz_text(data, size);
	struct expect e = expect_of(enc);
	int rc;

	rc = i9p_runargs_decode(enc, &r);
	NEED(rc == 0 || rc == -EINVAL || rc == -E2BIG);
	if (e.ok && e.used <= sizeof(r.buf) && e.parts <= I9P_RUNARGS_MAX)
		NEED(rc == 0);
	else if (e.ok)
		NEED(rc == -E2BIG);
	else
		NEED(rc != 0);
	if (rc == 0) {
		NEED((size_t)r.argc == e.parts);
		check_decoded(enc, &r);
		check_round_trip(r.argv, r.argc);
	}
	free(enc);
	check_argv(data, size);
	return 0;
}
