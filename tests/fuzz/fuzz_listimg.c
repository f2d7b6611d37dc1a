/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_listimg.c - libFuzzer target for the whole of
 * mkinitrd9p --list (r9p_list_image_max): zero padding, segments, gzip/
 * xz/zstd streams, archives, and the escaping of what it prints.
 *
 * The input is the image, handed over as a memfd path. Invariants: it
 * ends with 0, or an error and a message; what it prints is printable
 * ASCII and newlines only (no byte of an image reaches a terminal as a
 * control); a listing ends with "# N entries" and N entry lines. And
 * r9p_list_put_escaped's output unescapes to the very bytes it was given.
 */
#define _GNU_SOURCE	/* memfd_create */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mkinitrd/listimg.h"
#include "tests/fuzz/fuzz.h"

#define LIST_MAX ((size_t)1 << 20)	/* the smallest bound it takes */

static int printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != '\n' && (s[i] < 0x20 || s[i] > 0x7e))
			return 0;
	return 1;
}

/* Undo \\ and \ooo; returns the length, -1 for anything else. */
static long unescape(const char *s, size_t len, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (s[i] != '\\') {
			out[n++] = s[i];
			continue;
		}
		if (i + 1 < len && s[i + 1] == '\\') {
			out[n++] = '\\';
			i++;
		} else if (i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' &&
			   s[i + 2] >= '0' && s[i + 2] <= '7' &&
			   s[i + 3] >= '0' && s[i + 3] <= '7') {
			out[n++] = (char)((s[i + 1] - '0') << 6 |
					  (s[i + 2] - '0') << 3 |
					  (s[i + 3] - '0'));
			i += 3;
		} else {
			return -1;
		}
	}
	return (long)n;
}

static void check_escape(const uint8_t *data, size_t size)
{
	char *text = NULL, *back;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	NEED(f != NULL);
	r9p_list_put_escaped(f, (const char *)data, size);
	NEED(fclose(f) == 0);
	NEED(printable(text, len) && !memchr(text, '\n', len));
	back = malloc(len + 1);
	NEED(back != NULL);
	NEED(unescape(text, len, back) == (long)size);
	NEED(!size || memcmp(back, data, size) == 0);
	free(back);
	free(text);
}

static void check_listing(const char *text, size_t len)
{
	const char *p = text, *nl, *last = NULL;
	unsigned long lines = 0, entries;
	int segs;

	NEED(len > 0 && text[len - 1] == '\n');
	for (; p < text + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(text + len - p));
		NEED(nl != NULL);
		if (*p != '#')
			lines++;
		last = p;
	}
	NEED(sscanf(last, "# %lu entries in %d segment", &entries,
		    &segs) == 2);
	NEED(entries == lines && segs >= 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct r9p_err e;
	char *text = NULL;
	size_t len = 0;
	FILE *out;
	int rc;

	if (fd < 0) {
		fd = memfd_create("fuzz-image", MFD_CLOEXEC);
		NEED(fd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	NEED(ftruncate(fd, 0) == 0);
	NEED(pwrite(fd, data, size, 0) == (ssize_t)size);
	out = open_memstream(&text, &len);
	NEED(out != NULL);
	rc = r9p_list_image_max(path, out, LIST_MAX, &e);
	NEED(fclose(out) == 0);
	NEED(rc <= 0);
	NEED(printable(text, len));
	if (rc == 0)
		check_listing(text, len);
	else
		NEED(e.code == rc && strlen(e.why) > 0 &&
		     memchr(e.why, '\0', sizeof(e.why)));
	free(text);
	check_escape(data, size < 512 ? size : 512);
	return 0;
}
