/* SPDX-License-Identifier: MIT */
/*
 * engine/cmdline.h - the kernel command line, read once into one struct.
 *
 * Splitting follows the kernel's next_arg(): the kernel's isspace() bytes
 * separate (space \t \n \v \f \r and 0xa0), double quotes group and
 * are stripped, "--" ends the kernel's part. A key given twice keeps its
 * last value, as the kernel and klibc's getarg do.
 */
#ifndef R9P_CMDLINE_H
#define R9P_CMDLINE_H

#include <stddef.h>

#define R9P_CMDLINE_MAX 4096
#define R9P_CMDLINE_PARAMS 256	/* words kept in key[]/val[] */
#define R9P_CMDLINE_MOUNTS 8	/* root9p.mount= entries kept */

/*
 * The largest number of seconds kept from rootdelay=, root9p.timeout=,
 * panic= (about 11.5 days); larger values, ERANGE included, become this,
 * so seconds * 1000 fits in a long long (and in a 32-bit long).
 */
#define R9P_SECONDS_MAX 1000000L

struct r9p_cmdline {
	const char *root;	/* root= tag, "" if absent */
	const char *rootfstype;	/* "" if absent */
	const char *rootflags;	/* "" if absent */
	int rdonly;		/* 1 "ro", 0 "rw", -1 neither (kernel: ro) */
	const char *init;	/* init=, "" if absent */
	int rootwait;		/* wait forever for the tag */
	/* Seconds, 0..R9P_SECONDS_MAX; -1 if absent, negative or not a
	 * number. */
	long rootdelay;
	int has_panic;		/* panic= given */
	/* Seconds, 0..R9P_SECONDS_MAX; -1 for any negative (reboot at
	 * once); 0 (no reboot) if absent or not a number. */
	long panic;
	long timeout;		/* root9p.timeout=, as rootdelay */
	const char *tmp;	/* root9p.tmp=, "" if absent (means on) */
	const char *swap;	/* root9p.swap=LABEL=x|UUID=y, "" if absent */
	int shell;		/* -1 unset, else root9p.shell / rd.shell */
	int debug;		/* root9p.debug */
	int pin;		/* root9p.pin: -1 unset (init9p decides), 0, 1 */
	const char *modules;	/* root9p.modules=a,b, "" if absent */
	/* root9p.modload=auto|parallel|sequential, "" if absent (auto) */
	const char *modload;
	const char *brk;	/* break= / rd.break point, "" none */
	const char *overlay;	/* root9p.overlay=, "" if absent */
	const char *ip;		/* ip= (the kernel's syntax), "" if absent */
	/* root9p.mount=TAG:/path[:opts], in order; more than
	 * R9P_CMDLINE_MOUNTS are counted in nmounts_dropped. */
	int nmounts, nmounts_dropped;
	const char *mounts[R9P_CMDLINE_MOUNTS];

	/* Everything split, for module.param=value look-ups: the first
	 * R9P_CMDLINE_PARAMS words. */
	int nparams;
	const char *key[R9P_CMDLINE_PARAMS];
	const char *val[R9P_CMDLINE_PARAMS];	/* NULL for a bare word */
	/* Words past those not kept in key[]/val[] (the keys above are
	 * still read from them; a module.param= among them is lost): the
	 * caller warns when > 0. */
	int ndropped;
	char buf[R9P_CMDLINE_MAX];
};

/*
 * Split TEXT (a copy is kept in C->buf) and fill C. Unknown keys are
 * kept in key[]/val[] only. Returns 0, or -E2BIG when TEXT does not fit
 * (the tail is dropped, the rest is still parsed).
 */
int r9p_cmdline_parse(const char *text, struct r9p_cmdline *c);

/*
 * Collect the "MODULE.param=value" entries for MODULE ('-' and '_' are
 * the same, as for modprobe) into OUT as "param=value ...", quoting
 * values with blanks. Returns the length, or -E2BIG.
 */
int r9p_cmdline_modparams(const struct r9p_cmdline *c, const char *module,
			  char *out, size_t len);

#endif
