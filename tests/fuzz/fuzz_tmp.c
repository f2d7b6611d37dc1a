/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_tmp.c - libFuzzer target for root9p.tmp= values
 * (r9p_tmp_parse) and their description (r9p_tmp_describe).
 *
 * Invariants: messages and descriptions are NUL-terminated within the
 * length given, nothing is written past it (exact-size buffers, for
 * ASan); an accepted value keeps nosuid, nodev and mode=1777 unless it
 * says otherwise (the last of suid/nosuid, dev/nodev wins); and the
 * description of an accepted value parses back to the same settings.
 */
#include <errno.h>
#include <sys/mount.h>

#include "tmpfs/tmpfs.h"
#include "tests/fuzz/fuzz.h"

/* What the value says last about a flag: 1 ON word, 0 OFF word, -1 none. */
static int last_word(const char *value, const char *on, const char *off)
{
	char *copy = strdup(value), *p = copy, *item;
	int last = -1;

	NEED(copy != NULL);
	while ((item = strsep(&p, ",")) != NULL) {
		if (strcmp(item, on) == 0)
			last = 1;
		else if (strcmp(item, off) == 0)
			last = 0;
	}
	free(copy);
	return last;
}

static int has_mode(const char *value)
{
	return strncmp(value, "mode=", 5) == 0 || strstr(value, ",mode=");
}

static void check_accepted(const char *value, const struct r9p_tmp *t)
{
	NEED(memchr(t->data, '\0', sizeof(t->data)) != NULL);
	if (strcmp(value, "off") == 0) {
		NEED(!t->on);
		return;
	}
	if (!t->on)
		return;
	NEED(!!(t->mflags & MS_NOSUID) ==
	     (last_word(value, "nosuid", "suid") != 0));
	NEED(!!(t->mflags & MS_NODEV) ==
	     (last_word(value, "nodev", "dev") != 0));
	if (!has_mode(value))
		NEED(strncmp(t->data, "mode=1777", 9) == 0 &&
		     (t->data[9] == '\0' || t->data[9] == ','));
}

/* Descriptions into buffers of every small size are prefixes of the
 * whole one. */
static void check_describe(const struct r9p_tmp *t, const char *whole,
			   int len)
{
	char *buf = malloc((size_t)len);

	NEED(buf != NULL);
	NEED(r9p_tmp_describe(t, buf, len) == buf);
	NEED(memchr(buf, '\0', (size_t)len) != NULL);
	NEED(strncmp(buf, whole, strlen(buf)) == 0);
	NEED(strlen(buf) == ((size_t)len - 1 < strlen(whole)
			     ? (size_t)len - 1 : strlen(whole)));
	free(buf);
}

static void check_round_trip(const char *value, const struct r9p_tmp *t,
			     const char *desc)
{
	static struct r9p_tmp again;
	struct r9p_err e;
	int rc;

	/* Only when the defaults are all in: a description lists the flags
	 * that are set, and suid/dev would come back as the defaults. */
	if (t->on && (t->mflags & (MS_NOSUID | MS_NODEV)) !=
		     (MS_NOSUID | MS_NODEV))
		return;
	rc = r9p_tmp_parse(desc, &again, &e);
	/* a longer text may hit the length limit; nothing else may fail */
	NEED(rc == 0 || (rc == -EINVAL && strlen(desc) > strlen(value)));
	if (rc)
		return;
	NEED(again.on == t->on && again.mflags == t->mflags);
	NEED(strcmp(again.data, t->data) == 0);
}

/* Byte 0 is unused (it sized a message buffer before struct r9p_err;
 * kept so the corpus means the same), byte 1 sizes the description
 * buffer (1-256), the rest is the value. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct r9p_tmp t;
	static char whole[1024];
	struct r9p_err e;
	int desclen, rc;
	char *value;

	if (size < 2)
		return 0;
	desclen = data[1] + 1;
	value = fuzz_text(data + 2, size - 2);
	rc = r9p_tmp_parse(value, &t, &e);
	NEED(rc == 0 || rc == -EINVAL);
	if (rc == 0) {
		check_accepted(value, &t);
		NEED(r9p_tmp_describe(&t, whole, sizeof(whole)) == whole);
		NEED(strlen(whole) < sizeof(whole) - 1);
		check_describe(&t, whole, desclen);
		check_round_trip(value, &t, whole);
	} else {
		NEED(e.code == -EINVAL && strcmp(e.step, "use root9p.tmp") == 0);
		NEED(strncmp(e.why, "root9p.tmp=", 11) == 0);
		NEED(memchr(e.why, '\0', sizeof(e.why)) != NULL);
	}
	free(value);
	return 0;
}
