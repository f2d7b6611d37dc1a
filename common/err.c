/* SPDX-License-Identifier: MIT */
/*
 * common/err.c - r9p_errf(), the one way a failure is written down (see
 * common/err.h for who fills a struct r9p_err and who prints it).
 */
#include <stdarg.h>
#include <stdio.h>

#include "common/err.h"

void r9p_escape_controls(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in && o + 1 < len; in++) {
		unsigned char ch = (unsigned char)*in;

		if (ch >= 0x20 && ch != 0x7f) {
			out[o++] = (char)ch;
			continue;
		}
		if (o + 5 > len)
			break;
		snprintf(out + o, len - o, "\\x%02x", ch);
		o += 4;
	}
	out[o] = '\0';
}

int r9p_errf(struct r9p_err *e, const char *step, int code, const char *try_,
	     const char *fmt, ...)
{
	char raw[sizeof(e->why)];
	va_list ap;

	e->step = step;
	e->code = code;
	e->try_ = try_ ? try_ : "";
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	r9p_escape_controls(raw, e->why, sizeof(e->why));
	return -1;
}
