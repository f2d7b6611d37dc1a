/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_overlay.c - libFuzzer target for root9p.overlay= values
 * (r9p_upper_parse) and what is made of them (r9p_upper_value,
 * r9p_upper_describe, r9p_upper_overlay_opts).
 *
 * Invariants (upper.h): "" is no overlay, "tmpfs" a tmpfs, LABEL=/UUID= a
 * disk exactly as scratch.c reads it (no ,mkfs), anything else a 9p tag
 * that r9p_tag_check takes, shorter than the tag buffer, without '=' or
 * ':', kept as given; a refusal is -EINVAL with a message that names
 * root9p.overlay=, NUL-terminated within its length; the command-line
 * form of an accepted value parses back to the same upper; descriptions
 * into small buffers are NUL-terminated prefixes of the whole one.
 */
#include <errno.h>

#include "engine/upper.h"
#include "mount9p/tags.h"
#include "tests/fuzz/fuzz.h"

#define PREFIX "root9p.overlay="

static int is_tag(const char *value)
{
	struct r9p_diags d;

	r9p_diags_init(&d);
	return strlen(value) < sizeof(((struct r9p_upper *)0)->tag) &&
	       !strchr(value, '=') && !strchr(value, ':') &&
	       r9p_tag_check(value, &d) == 0;
}

/* What the value should give: the kind, or -1 for a refusal. */
static int kind_of(const char *value, struct r9p_scratch *disk)
{
	struct r9p_err e;
	int rc;

	if (!*value)
		return R9P_UPPER_NONE;
	if (strcmp(value, "tmpfs") == 0)
		return R9P_UPPER_TMPFS;
	rc = r9p_scratch_parse("root9p.overlay", value, 0, disk, &e);
	if (rc)
		return rc == 1 ? R9P_UPPER_DISK : -1;
	return is_tag(value) ? R9P_UPPER_TAG : -1;
}

static void check_describe(const struct r9p_upper *u, size_t len)
{
	char whole[512], *buf = malloc(len);

	NEED(buf != NULL);
	NEED(r9p_upper_describe(u, whole, sizeof(whole)) == whole);
	NEED(strlen(whole) > 0 && strlen(whole) < sizeof(whole) - 1);
	NEED(r9p_upper_describe(u, buf, len) == buf);
	NEED(memchr(buf, '\0', len) != NULL);
	NEED(strncmp(buf, whole, strlen(buf)) == 0);
	NEED(strlen(buf) == (len - 1 < strlen(whole) ? len - 1 :
			     strlen(whole)));
	free(buf);
}

static void check_accepted(const char *value, const struct r9p_upper *u,
			   const struct r9p_scratch *disk)
{
	static struct r9p_upper again;
	char form[512];
	struct r9p_err e;

	NEED(r9p_upper_overlay_opts(u) != NULL);
	NEED((u->kind == R9P_UPPER_NONE) == !*r9p_upper_overlay_opts(u));
	if (u->kind == R9P_UPPER_TAG)
		NEED(strcmp(u->tag, value) == 0);
	else
		NEED(u->tag[0] == '\0');
	if (u->kind == R9P_UPPER_DISK)
		NEED(strcmp(u->disk.spec, disk->spec) == 0 && !u->disk.mkfs);
	else
		NEED(u->disk.spec[0] == '\0');
	/* the command-line form is the value (a disk's has no ,mkfs) */
	NEED(r9p_upper_value(u, form, sizeof(form)) == form);
	NEED(strcmp(form, value) == 0);
	NEED(r9p_upper_parse(form, &again, &e) == 0);
	NEED(again.kind == u->kind && strcmp(again.tag, u->tag) == 0 &&
	     strcmp(again.disk.spec, u->disk.spec) == 0);
}

/* Byte 0 is unused (it sized a message buffer before struct r9p_err;
 * kept so the corpus means the same), byte 1 sizes the description
 * buffer (1-256), the rest is the value. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct r9p_upper u;
	static struct r9p_scratch disk;
	struct r9p_err e;
	size_t desclen;
	char *value;
	int rc, want;

	if (size < 2)
		return 0;
	desclen = (size_t)data[1] + 1;
	value = fuzz_text(data + 2, size - 2);
	want = kind_of(value, &disk);
	memset(&u, 'Z', sizeof(u));
	rc = r9p_upper_parse(value, &u, &e);
	NEED(rc == 0 || rc == -EINVAL);
	NEED((rc == 0) == (want >= 0));
	if (rc == 0) {
		NEED((int)u.kind == want);
		check_accepted(value, &u, &disk);
		check_describe(&u, desclen);
	} else {
		NEED(e.code == -EINVAL && e.step && *e.step && e.try_);
		NEED(memchr(e.why, '\0', sizeof(e.why)) != NULL);
		NEED(strncmp(e.why, PREFIX, strlen(PREFIX)) == 0);
	}
	free(value);
	return 0;
}
