/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz.h - what every libFuzzer target here shares.
 *
 * NEED(cond) states an invariant: when it breaks, the target prints the
 * condition and aborts, which libFuzzer reports with the input that did it.
 * fuzz_text copies the input into a NUL-terminated buffer of its own size,
 * so that ASan sees any read past the end of the text.
 */
#ifndef R9P_FUZZ_H
#define R9P_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NEED(cond) \
	((cond) ? (void)0 : fuzz_broken(__FILE__, __LINE__, #cond))

static inline void fuzz_broken(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
	abort();
}

/* A malloc'd copy of data with a NUL after it (an inner NUL ends the
 * string early, as it would for the C callers). */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Does S hold a byte the kernel's isspace() takes (lib/ctype.c: \t-\r,
 * ' ', 0xa0)? Those end a word of the command line. */
static inline int fuzz_has_kspace(const char *s)
{
	for (; *s; s++)
		if (*s == ' ' || (*s >= '\t' && *s <= '\r') ||
		    (unsigned char)*s == 0xa0)
			return 1;
	return 0;
}

#endif
