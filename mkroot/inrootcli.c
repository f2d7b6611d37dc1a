/* SPDX-License-Identifier: MIT */
/*
 * mkroot/inrootcli.c - `mkroot9p-convert in DIR OP ARGS...`: the writes of
 * scripts/mkroot9p into a root directory (mkroot/inroot.h), one a run.
 *
 * Prints one word of what was done (wrote, unchanged, made, linked,
 * removed) and exits 0; 1 with "mkroot9p-convert: OP REL: STEP: why" and a
 * try: line when the tree refuses; 2 on bad arguments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "common/array.h"
#include "common/err.h"
#include "mkroot/inroot.h"

/* The most mkroot9p writes in one file (a unit, /etc/shadow). */
#define INROOT_STDIN_MAX (4 << 20)

static const char usage_text[] =
	"usage: mkroot9p-convert in DIR resolve REL\n"
	"       mkroot9p-convert in DIR mkdir REL [MODE]\n"
	"       mkroot9p-convert in DIR write REL MODE|keep   (the bytes on stdin)\n"
	"       mkroot9p-convert in DIR symlink REL TARGET\n"
	"       mkroot9p-convert in DIR unlink-link REL TARGET\n"
	"       mkroot9p-convert in DIR remove REL\n"
	"REL is a path inside the root DIR. Writes follow no symlink above REL;\n"
	"write follows a link in REL's place inside DIR (the link kept), the\n"
	"others act on REL itself; resolve follows the tree's links as a chroot\n"
	"would, never out of DIR.\n";

struct op {
	const char *name;
	int nargs_min, nargs_max;	/* after REL */
};

static const struct op ops[] = {
	{ "resolve", 0, 0 },	{ "mkdir", 0, 1 },	{ "write", 1, 1 },
	{ "symlink", 1, 1 },	{ "unlink-link", 1, 1 },	{ "remove", 0, 0 },
};

static int parse_mode(const char *s, mode_t *mode)
{
	char *end;
	unsigned long m;

	if (!strcmp(s, "keep")) {
		*mode = R9P_INROOT_KEEP_MODE;
		return 0;
	}
	errno = 0;
	m = strtoul(s, &end, 8);
	if (errno || end == s || *end || m > 07777)
		return -1;
	*mode = (mode_t)m;
	return 0;
}

/* All of stdin into a malloc'd *BUF, at most INROOT_STDIN_MAX bytes. */
static int read_stdin(char **buf, size_t *len)
{
	size_t cap = 8192;
	ssize_t n;

	*len = 0;
	*buf = malloc(cap);
	if (!*buf)
		return -ENOMEM;
	while ((n = read(0, *buf + *len, cap - *len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		*len += (size_t)n;
		if (*len == cap) {
			char *more;

			if (cap >= INROOT_STDIN_MAX)
				return -EFBIG;
			cap *= 2;
			more = realloc(*buf, cap);
			if (!more)
				return -ENOMEM;
			*buf = more;
		}
	}
	return 0;
}

/* Run OP on REL: the word to print in *DONE, or -errno with E filled. */
static int run_op(int rootfd, const char *op, const char *rel, char **args,
		  const char **done, struct r9p_err *e)
{
	char out[R9P_INROOT_PATH_MAX], *data = NULL;
	size_t len;
	mode_t mode = 0755;
	int err;

	if (!strcmp(op, "resolve")) {
		err = r9p_inroot_resolve(rootfd, rel, out, sizeof(out), e);
		if (!err)
			printf("%s\n", out);
		*done = NULL;
		return err;
	}
	if ((!strcmp(op, "mkdir") || !strcmp(op, "write")) && args[0] &&
	    parse_mode(args[0], &mode)) {
		r9p_errf(e, "read the mode (octal, or keep)", -EINVAL, NULL, "%s",
			 strerror(EINVAL));
		return e->code;
	}
	if (!strcmp(op, "mkdir")) {
		*done = "made";
		if (mode == R9P_INROOT_KEEP_MODE)
			mode = 0755;
		return r9p_inroot_mkdir(rootfd, rel, mode, e);
	}
	if (!strcmp(op, "write")) {
		err = read_stdin(&data, &len);
		if (err)
			r9p_errf(e, "read stdin", err, NULL, "%s", strerror(-err));
		else
			err = r9p_inroot_write(rootfd, rel, data, len, mode, e);
		free(data);
		*done = err == R9P_INROOT_UNCHANGED ? "unchanged" : "wrote";
		return err;
	}
	if (!strcmp(op, "symlink")) {
		err = r9p_inroot_symlink(rootfd, rel, args[0], e);
		*done = err == R9P_INROOT_UNCHANGED ? "unchanged" : "linked";
		return err;
	}
	if (!strcmp(op, "unlink-link"))
		err = r9p_inroot_unlink_link(rootfd, rel, args[0], e);
	else
		err = r9p_inroot_remove(rootfd, rel, e);
	*done = err == R9P_INROOT_UNCHANGED ? "unchanged" : "removed";
	return err;
}

int r9p_inroot_main(int argc, char **argv)
{
	const char *dir, *op, *rel, *done = NULL;
	struct r9p_err e;
	size_t i;
	int nargs, rootfd, err;

	if (argc < 4) {
		fputs(usage_text, stderr);
		return 2;
	}
	dir = argv[1];
	op = argv[2];
	rel = argv[3];
	nargs = argc - 4;
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strcmp(ops[i].name, op))
			break;
	if (i == ARRAY_SIZE(ops) || nargs < ops[i].nargs_min || nargs > ops[i].nargs_max) {
		fprintf(stderr, "mkroot9p-convert: in %s: '%s' with %d arguments is not an "
			"operation\n%s", dir, op, nargs, usage_text);
		return 2;
	}
	umask(0);	/* modes are set exactly */
	err = r9p_inroot_open(dir, &rootfd, &e);
	if (!err) {
		err = run_op(rootfd, op, rel, argv + 4, &done, &e);
		close(rootfd);
	}
	/* the one place a failure is told: the operation, the path, the
	 * step and why, then what to try (by the code and the step; the
	 * line names REL) */
	if (err < 0) {
		fprintf(stderr, "mkroot9p-convert: %s %s in %s: %s: %s\n", op, rel, dir, e.step,
			e.why);
		if (err == -ELOOP && !strcmp(e.step, R9P_INROOT_STEP_LOOP))
			fprintf(stderr, "mkroot9p-convert: try: the symlinks in the place of %s "
				"lead back to themselves: replace %s by a file or a link to one\n",
				rel, rel);
		else if (err == -ENOENT && !strcmp(e.step, R9P_INROOT_STEP_TARGET))
			fprintf(stderr, "mkroot9p-convert: try: %s is a symlink to a folder the "
				"root does not have: make that folder in the root or replace "
				"%s by a file\n", rel, rel);
		else if (err == -ELOOP || err == -EXDEV)
			fprintf(stderr, "mkroot9p-convert: try: %s crosses a symlink in the tree; "
				"mkroot9p writes only through real folders: replace the link by "
				"a folder or name the path the link points to\n", rel);
		else if (err == -EINVAL)
			fprintf(stderr, "mkroot9p-convert: try: a path of names inside the root "
				"(no .., not the root itself) and an octal mode\n");
		return 1;
	}
	if (done)
		printf("%s\n", done);
	return 0;
}
