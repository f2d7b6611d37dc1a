/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_scratch.c - libFuzzer target for the scratch-disk values
 * root9p.tmp=LABEL=x|UUID=y[,mkfs] and root9p.swap= (r9p_scratch_parse)
 * and for r9p_scratch_wanted, which picks the image's modules from them.
 *
 * Invariants (scratch.h): 0 exactly when the value starts with neither
 * LABEL= nor UUID= (and then the spec is ""); 1 with a spec that is the
 * value less a final ",mkfs", a non-empty name, no comma, shorter than
 * the spec buffer, ",mkfs" only where MKFS_OK and for a LABEL=; -EINVAL
 * with a message that names the key, NUL-terminated within its length
 * (nothing written when the length is 0); the spec (and ",mkfs") parses
 * back to the same disk; r9p_scratch_wanted agrees with the parser.
 */
#include <errno.h>

#include "engine/scratch.h"
#include "tests/fuzz/fuzz.h"

static const char *const keys[] = {
	"root9p.tmp", "root9p.swap", "root9p.overlay", "",
};

static int names_disk(const char *value)
{
	return strncmp(value, "LABEL=", 6) == 0 ||
	       strncmp(value, "UUID=", 5) == 0;
}

static void check_disk(const char *value, int mkfs_ok,
		       const struct r9p_scratch *s)
{
	static struct r9p_scratch again;
	char back[sizeof(s->spec) + 8];
	struct r9p_err e;
	size_t n = strlen(s->spec);

	NEED(n < sizeof(s->spec) && names_disk(s->spec));
	NEED(n > (s->spec[0] == 'L' ? 6u : 5u));	/* a name after the = */
	NEED(!strchr(s->spec, ','));
	NEED(strncmp(value, s->spec, n) == 0);
	NEED(strcmp(value + n, s->mkfs ? ",mkfs" : "") == 0);
	NEED(!s->mkfs || (mkfs_ok && s->spec[0] == 'L'));
	snprintf(back, sizeof(back), "%s%s", s->spec, s->mkfs ? ",mkfs" : "");
	NEED(r9p_scratch_parse("root9p.tmp", back, mkfs_ok, &again, &e) == 1);
	NEED(strcmp(again.spec, s->spec) == 0 && again.mkfs == s->mkfs);
}

/* The failure: a step, -EINVAL, and a why that begins "KEY=". */
static void check_err(const char *key, const struct r9p_err *e)
{
	char head[64];

	NEED(e->step && *e->step && e->code == -EINVAL && e->try_);
	NEED(memchr(e->why, '\0', sizeof(e->why)) != NULL);
	snprintf(head, sizeof(head), "%s=", key);
	NEED(strncmp(e->why, head, strlen(head)) == 0);
}

/* Byte 0 is unused (it sized a message buffer before struct r9p_err;
 * kept so the corpus means the same), byte 1 picks the key (bits 1-2)
 * and MKFS_OK (bit 0), the rest is the value. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct r9p_scratch s;
	const char *key;
	struct r9p_err e;
	char *value;
	int mkfs_ok, rc;

	if (size < 2)
		return 0;
	mkfs_ok = data[1] & 1;
	key = keys[(data[1] >> 1) % (sizeof(keys) / sizeof(keys[0]))];
	value = fuzz_text(data + 2, size - 2);
	memset(&s, 'Z', sizeof(s));
	rc = r9p_scratch_parse(key, value, mkfs_ok, &s, &e);
	NEED(rc == 0 || rc == 1 || rc == -EINVAL);
	NEED((rc == 0) == !names_disk(value));
	if (rc == 0)
		NEED(s.spec[0] == '\0' && s.mkfs == 0);
	else if (rc == 1)
		check_disk(value, mkfs_ok, &s);
	else
		check_err(key, &e);
	NEED(r9p_scratch_wanted(value, "", "") ==
	     (r9p_scratch_parse("", value, 1, &s, &e) == 1));
	NEED(r9p_scratch_wanted("", value, "") ==
	     (r9p_scratch_parse("", value, 0, &s, &e) == 1));
	NEED(r9p_scratch_wanted("", "", value) ==
	     r9p_scratch_wanted("", value, ""));
	free(value);
	return 0;
}
