/* SPDX-License-Identifier: MIT */
/*
 * mount9p/diag.h - the messages a check or a mount produces.
 *
 * Parsing, validation and read-back never print: they append diagnostics
 * to a caller-owned r9p_diags, and each program (init9p, mount9p, the
 * hooks) decides where the text goes. Texts are complete sentences that
 * name the input and what to do, without the "mount9p:" prefix.
 */
#ifndef R9P_DIAG_H
#define R9P_DIAG_H

#define R9P_DIAG_MAX 32
#define R9P_DIAG_LEN 256

enum r9p_level { R9P_INFO, R9P_WARN, R9P_ERR };

struct r9p_diag {
	enum r9p_level level;
	char text[R9P_DIAG_LEN];
};

struct r9p_diags {
	int n;			/* entries used in d[] */
	int nerr;		/* how many of them are R9P_ERR */
	int dropped;		/* entries that did not fit */
	struct r9p_diag d[R9P_DIAG_MAX];
};

/* Empty D. */
void r9p_diags_init(struct r9p_diags *d);

/* Append one message (printf format); counts errors; never fails. */
void r9p_diag_add(struct r9p_diags *d, enum r9p_level level,
		  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "error", "warning" or "note". */
const char *r9p_level_name(enum r9p_level level);

#endif
