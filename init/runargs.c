/* SPDX-License-Identifier: MIT */
/*
 * init/runargs.c - decode the command run9p hands to payload9p.
 *
 * The kernel command line splits on blanks and groups on double quotes,
 * so run9p writes each argument with every byte outside a plain set as
 * %XX and joins the arguments with ',' (root9p.run=ls,-l,%2Ftmp). This
 * file undoes that into an argv; it is pure so the unit tests and the
 * fuzzer can drive it.
 */
#include <errno.h>
#include <string.h>

#include "init/runargs.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int i9p_runargs_decode(const char *enc, struct i9p_runargs *r)
{
	size_t o = 0;
	const char *p;
	int hi, lo;

	memset(r, 0, sizeof(*r));
	if (!enc || !*enc)
		return -EINVAL;
	r->argv[r->argc++] = r->buf;
	for (p = enc; *p; p++) {
		/* Room for this byte and the NUL that ends the argument. */
		if (o + 2 > sizeof(r->buf))
			return -E2BIG;
		if (*p == ',') {
			if (r->argc >= I9P_RUNARGS_MAX)
				return -E2BIG;
			r->buf[o++] = '\0';
			r->argv[r->argc++] = r->buf + o;
			continue;
		}
		if (*p != '%') {
			r->buf[o++] = *p;
			continue;
		}
		hi = hexval(p[1]);
		lo = hi < 0 ? -1 : hexval(p[2]);
		/* A NUL would cut the argument short without anyone seeing. */
		if (lo < 0 || (hi == 0 && lo == 0))
			return -EINVAL;
		r->buf[o++] = (char)(hi << 4 | lo);
		p += 2;
	}
	r->buf[o] = '\0';
	r->argv[r->argc] = NULL;
	return 0;
}
