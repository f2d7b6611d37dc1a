/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_extramount.c - libFuzzer target for root9p.mount=
 * values: one entry (r9p_extra_parse_one), all of a command line's
 * (r9p_extra_parse) and their --check form (r9p_extra_describe).
 *
 * Invariants (extramount.h): an accepted entry has the value's tag (up to
 * the first ':', one r9p_tag_check takes) and its path, absolute, not "/",
 * shorter than R9P_EXTRA_PATH_MAX, with no empty (but a final), "." or
 * ".." part; its options are the option library's normalized ones (they
 * parse back to themselves); the --check form of an entry parses back to
 * the same entry; a refusal is -EINVAL with a message that names the
 * value; a command line keeps at most R9P_CMDLINE_MOUNTS entries, those
 * that pass one by one, in order, and warns once per entry left out.
 */
#include <errno.h>

#include "engine/extramount.h"
#include "mount9p/tags.h"
#include "tests/fuzz/fuzz.h"

static const struct r9p_kernel kernels[] = {
	{ 6, 1 }, { 6, 6 }, { 6, 12 }, { 6, 19 }, { 0, 0 },
};

/* Absolute, not "/", no empty part but a final one, no "." or "..". */
static void check_path(const char *path)
{
	const char *p = path + 1, *end;

	NEED(path[0] == '/' && path[1] != '\0');
	NEED(strlen(path) < R9P_EXTRA_PATH_MAX && !strchr(path, ':'));
	while (*p) {
		end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		NEED(end > p);
		NEED(strncmp(p, ".", (size_t)(end - p)) != 0 || end - p > 1);
		NEED(strncmp(p, "..", (size_t)(end - p)) != 0 || end - p > 2);
		p = *end ? end + 1 : end;
	}
}

static void check_accepted(const char *value, const struct r9p_kernel *k,
			   const struct r9p_extra *e)
{
	static struct r9p_extra again;
	static struct r9p_extras one;
	static char form[R9P_DATA_MAX + 400];
	size_t tlen = strlen(e->tag), plen = strlen(e->path);
	struct r9p_diags d;
	struct r9p_err err;

	r9p_diags_init(&d);
	NEED(tlen > 0 && tlen < sizeof(e->tag) && !strchr(e->tag, ':'));
	NEED(r9p_tag_check(e->tag, &d) == 0);
	NEED(strncmp(value, e->tag, tlen) == 0 && value[tlen] == ':');
	NEED(strncmp(value + tlen + 1, e->path, plen) == 0);
	NEED(value[tlen + 1 + plen] == '\0' || value[tlen + 1 + plen] == ':');
	check_path(e->path);
	NEED(e->rdonly == 0 || e->rdonly == 1);
	NEED(strlen(e->data) < sizeof(e->data));
	/* --check's R9P_MOUNTS form of this one entry (the flags, then the
	 * data: so the data reparses to itself too) */
	one.n = 1;
	one.m[0] = *e;
	r9p_extra_describe(&one, form, sizeof(form));
	NEED(strlen(form) < sizeof(form) - 1);
	NEED(r9p_extra_parse_one(form, k, &again, &err) == 0);
	NEED(strcmp(again.tag, e->tag) == 0 && strcmp(again.path, e->path) == 0);
	NEED(again.rdonly == e->rdonly && again.mflags == e->mflags);
	NEED(strcmp(again.data, e->data) == 0);
}

static void check_one(const char *value, const struct r9p_kernel *k)
{
	static struct r9p_extra e;
	struct r9p_err err;
	int rc;

	memset(&e, 'Z', sizeof(e));
	rc = r9p_extra_parse_one(value, k, &e, &err);
	NEED(rc == 0 || rc == -EINVAL);
	if (rc == 0) {
		check_accepted(value, k, &e);
	} else {
		NEED(err.code == rc && err.step && *err.step);
		NEED(memchr(err.why, '\0', sizeof(err.why)) != NULL);
		NEED(strncmp(err.why, "root9p.mount=", 13) == 0);
	}
}

/* The text as a command line: the entries kept are those that pass. */
static void check_cmdline(const char *text, const struct r9p_kernel *k)
{
	static struct r9p_cmdline c;
	static struct r9p_extras x;
	static struct r9p_extra e;
	struct r9p_diags d;
	struct r9p_err err;
	int i, n = 0, refused = 0;

	r9p_cmdline_parse(text, &c);
	r9p_diags_init(&d);
	NEED(c.nmounts >= 0 && c.nmounts <= R9P_CMDLINE_MOUNTS);
	NEED(r9p_extra_parse(&c, k, &x, &d) == x.n);
	NEED(x.n >= 0 && x.n <= c.nmounts);
	for (i = 0; i < c.nmounts; i++) {
		if (r9p_extra_parse_one(c.mounts[i], k, &e, &err) < 0) {
			refused++;
			continue;
		}
		NEED(strcmp(x.m[n].tag, e.tag) == 0 &&
		     strcmp(x.m[n].path, e.path) == 0 &&
		     strcmp(x.m[n].data, e.data) == 0);
		n++;
	}
	NEED(n == x.n);
	NEED(d.n + d.dropped == refused + (c.nmounts_dropped > 0));
	NEED(d.nerr == 0);
}

/* Byte 0 picks the kernel profile and what the rest is: one root9p.mount=
 * value, or a command line (bit 6); its bit 7 and low bits sized a
 * message buffer before struct r9p_err (kept: the corpus means the same). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct r9p_kernel *k;
	char *text;

	if (size < 1)
		return 0;
	k = &kernels[data[0] % (sizeof(kernels) / sizeof(kernels[0]))];
	text = fuzz_text(data + 1, size - 1);
	if (data[0] & 0x40)
		check_cmdline(text, k);
	else
		check_one(text, k);
	free(text);
	return 0;
}
