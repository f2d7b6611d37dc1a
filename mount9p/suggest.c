/* SPDX-License-Identifier: MIT */
/*
 * mount9p/suggest.c - "did you mean": the closest known word to a typo.
 *
 * Optimal string alignment distance (insert, delete, substitute, swap two
 * neighbours), so "cahce" is one step from "cache". A word only counts as
 * close when the distance is small next to its length; a word that only
 * differs in case wins over any other.
 */
#include <string.h>

#include "mount9p/opttab.h"

#define WORD_MAX 32

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}

/* The distance of A and B, or anything above LIMIT once it must be. */
static unsigned distance(const char *a, const char *b, unsigned limit)
{
	unsigned d[WORD_MAX + 1][WORD_MAX + 1], row_min;
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la > WORD_MAX || lb > WORD_MAX)
		return WORD_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		row_min = d[i][0];
		for (j = 1; j <= lb; j++) {
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
				       d[i - 1][j - 1] + (a[i - 1] != b[j - 1]));
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
			if (d[i][j] < row_min)
				row_min = d[i][j];
		}
		/* a swap reaches back two rows, so stop one row later */
		if (i > 1 && row_min > limit + 1)
			return limit + 1;
	}
	return d[la][lb];
}

const char *r9p_closest(const char *word, const char *const *names,
			unsigned n)
{
	size_t len = strlen(word);
	unsigned best = WORD_MAX, i, dist;
	const char *pick = NULL;
	/* One typo in a short word, two in a longer one. */
	unsigned limit = len <= 4 ? 1 : 2;

	/* Case first: "MMAP" is mmap, "9p2000.l" is 9p2000.L. */
	for (i = 0; i < n; i++)
		if (!strcasecmp(word, names[i]) && strcmp(word, names[i]))
			return names[i];
	for (i = 0; i < n; i++) {
		size_t nlen = strlen(names[i]);

		/* the distance is at least the difference in length */
		if ((len > nlen ? len - nlen : nlen - len) > limit)
			continue;
		dist = distance(word, names[i], limit);
		if (dist < best) {
			best = dist;
			pick = names[i];
		}
	}
	return best > 0 && best <= limit ? pick : NULL;
}
