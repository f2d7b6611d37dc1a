/* SPDX-License-Identifier: MIT */
/*
 * common/err.h - the one failure idiom of root9p's C: a failed step, its
 * reason and what to try, carried back to the one place that reports it.
 *
 * Contract. The caller owns a struct r9p_err (on its stack, no heap) and
 * passes it down. A function that fails fills it once, with r9p_errf(),
 * at the point that knows the reason, and returns -1 (or what its header
 * says); `return r9p_errf(e, ...);` is the usual line. The struct is valid
 * only after such a failure return: a success leaves it as it was. Only
 * the outermost caller prints it, once ("cannot STEP: WHY", then
 * "try: TRY" when TRY is not empty); code in between passes it on and
 * never prints it or fills it a second time.
 */
#ifndef R9P_ERR_H
#define R9P_ERR_H

#include <stddef.h>

/*
 * R9P_WHY_MAX: a failure's reason: one sentence quoting a diag, a tag list
 * or a path, and strerror. vsnprintf cuts a longer one, never overruns.
 */
#define R9P_WHY_MAX 700

struct r9p_err {
	const char *step;	/* "mount the root": static text */
	char why[R9P_WHY_MAX];	/* one line, control bytes escaped */
	const char *try_;	/* static text, "" when there is nothing to try */
	int code;		/* the caller's code (an exit status, -errno):
				 * each function's header says which */
};

/*
 * Fill E: STEP, CODE, TRY_ (NULL: "") and the formatted why, its control
 * bytes written as \xNN (a why quotes the command line or a file, and a
 * byte such as ESC must not reach the console). Returns -1.
 */
int r9p_errf(struct r9p_err *e, const char *step, int code, const char *try_,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* IN into OUT (LEN > 0 bytes) with its control bytes as \xNN, cut to fit. */
void r9p_escape_controls(const char *in, char *out, size_t len);

#endif
