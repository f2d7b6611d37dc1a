/* SPDX-License-Identifier: MIT */
/*
 * mount9p/diag.c - collect the messages of a check or a mount.
 *
 * Appending never fails: past R9P_DIAG_MAX entries the message is counted
 * in ->dropped, except an error, which takes the place of the last
 * warning or note: a refused mount always shows why.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/array.h"
#include "mount9p/diag.h"

void r9p_diags_init(struct r9p_diags *d)
{
	memset(d, 0, sizeof(*d));
}

/* Make room for an error: callers show the first error as the reason. */
static void drop_last_non_error(struct r9p_diags *d)
{
	int i;

	for (i = d->n - 1; i >= 0; i--)
		if (d->d[i].level != R9P_ERR) {
			memmove(&d->d[i], &d->d[i + 1],
				(size_t)(d->n - i - 1) * sizeof(d->d[0]));
			d->n--;
			d->dropped++;
			return;
		}
}

void r9p_diag_add(struct r9p_diags *d, enum r9p_level level,
		  const char *fmt, ...)
{
	va_list ap;

	if (level == R9P_ERR)
		d->nerr++;
	if (d->n >= R9P_DIAG_MAX && level == R9P_ERR)
		drop_last_non_error(d);
	if (d->n >= R9P_DIAG_MAX) {
		d->dropped++;
		return;
	}
	d->d[d->n].level = level;
	va_start(ap, fmt);
	vsnprintf(d->d[d->n].text, R9P_DIAG_LEN, fmt, ap);
	va_end(ap);
	d->n++;
}

const char *r9p_level_name(enum r9p_level level)
{
	static const char *const names[] = {
		[R9P_INFO] = "note", [R9P_WARN] = "warning", [R9P_ERR] = "error",
	};

	return (unsigned)level < ARRAY_SIZE(names) ?
	       names[level] : "message";
}
