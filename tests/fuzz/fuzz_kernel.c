/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_kernel.c - libFuzzer target for kernel release strings
 * (r9p_kernel_parse: uname -r, mount9p --kernel, a kernel tree's name).
 *
 * Invariants: a release accepted gives the numbers it starts with, one
 * of the usual shape (M.m, then anything but a digit) is accepted, the
 * name of a profile parses back to it, names fit any buffer, and
 * r9p_kernel_at_least orders profiles as (major, minor) pairs do.
 */
#include <errno.h>

#include "mount9p/kernel.h"
#include "tests/fuzz/fuzz.h"

/* Decimal digits at *p, at most 4 of them; -1 when none or more. */
static long digits(const char **p)
{
	long v = 0;
	int n = 0;

	while (**p >= '0' && **p <= '9') {
		if (++n > 4)
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	return n ? v : -1;
}

/* "M.m" followed by a non-digit, M and m of 1-4 digits: {M, m}. */
static int usual(const char *s, struct r9p_kernel *k)
{
	long major, minor;

	major = digits(&s);
	if (major < 0 || *s++ != '.')
		return 0;
	minor = digits(&s);
	if (minor < 0)
		return 0;
	k->major = (unsigned)major;
	k->minor = (unsigned)minor;
	return 1;
}

static void check_name(const struct r9p_kernel *k, size_t len)
{
	static char whole[64];
	struct r9p_kernel back;
	char *buf = malloc(len);

	NEED(buf != NULL);
	NEED(r9p_kernel_name(k, whole, sizeof(whole)) == whole);
	NEED(strlen(whole) < sizeof(whole) - 1);
	if (k->major && strncmp(whole, "Linux ", 6) == 0) {
		NEED(r9p_kernel_parse(whole + 6, &back) == 0);
		NEED(back.major == k->major && back.minor == k->minor);
	}
	NEED(r9p_kernel_name(k, buf, len) == buf);
	NEED(memchr(buf, '\0', len) != NULL);
	NEED(strncmp(buf, whole, strlen(buf)) == 0);
	free(buf);
}

/* Byte 0 sizes a name buffer (1-64), bytes 1-2 a version to compare
 * with, the rest is the release. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct r9p_kernel k = { 0, 0 }, want, other;
	char *release;
	int rc;

	if (size < 3)
		return 0;
	release = fuzz_text(data + 3, size - 3);
	rc = r9p_kernel_parse(release, &k);
	NEED(rc == 0 || rc == -EINVAL);
	if (usual(release, &want)) {
		NEED(rc == 0);
		NEED(k.major == want.major && k.minor == want.minor);
	}
	if (rc == 0) {
		/* the numbers it gave are the ones the text starts with */
		const char *p = release;
		unsigned long major = strtoul(p, (char **)&p, 10);

		NEED(*release >= '0' && *release <= '9');
		NEED(major == k.major && *p == '.');
		NEED(p[1] >= '0' && p[1] <= '9');
		NEED(strtoul(p + 1, NULL, 10) == k.minor);
		other.major = data[1] % 8;
		other.minor = data[2] % 32;
		NEED(r9p_kernel_at_least(&k, other.major, other.minor) ==
		     (k.major > other.major ||
		      (k.major == other.major && k.minor >= other.minor)));
		check_name(&k, (size_t)data[0] % 64 + 1);
	} else {
		other.major = data[1];
		other.minor = data[2];
		check_name(&other, (size_t)data[0] % 64 + 1);
	}
	free(release);
	return 0;
}
