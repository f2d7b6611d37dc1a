/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/loadlist.c - topological order of modules, deterministic.
 *
 * Depth-first post-order with three colours: a node met again while it
 * is still on the path (grey) closes a cycle. Dependencies are visited
 * in name order, so the result does not depend on how modules.dep or
 * libkmod happened to list them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mkinitrd/loadlist.h"
#include "mkinitrd/util.h"

enum colour { WHITE, GREY, BLACK };

struct walk {
	const struct r9p_lnode *nodes;
	size_t n;
	unsigned char *colour;
	size_t *order;
	size_t done;
	size_t cycle_at;
};

/* The dependency of node with the smallest name greater than after's. */
static int next_dep(const struct walk *w, const struct r9p_lnode *node,
		    const char *after, size_t *dep)
{
	const char *best = NULL, *name;
	size_t i;

	for (i = 0; i < node->ndeps; i++) {
		name = w->nodes[node->deps[i]].name;
		if (after && strcmp(name, after) <= 0)
			continue;
		if (!best || strcmp(name, best) < 0) {
			best = name;
			*dep = node->deps[i];
		}
	}
	return best != NULL;
}

static int visit(struct walk *w, size_t i)
{
	const struct r9p_lnode *node = &w->nodes[i];
	const char *after = NULL;
	size_t dep, k;
	int err;

	if (w->colour[i] == BLACK)
		return 0;
	if (w->colour[i] == GREY) {
		w->cycle_at = i;
		return -ELOOP;
	}
	for (k = 0; k < node->ndeps; k++)
		if (node->deps[k] >= w->n)
			return -EINVAL;
	w->colour[i] = GREY;
	while (next_dep(w, node, after, &dep)) {
		err = visit(w, dep);
		if (err)
			return err;
		after = w->nodes[dep].name;
	}
	w->colour[i] = BLACK;
	w->order[w->done++] = i;
	return 0;
}

/* Index of the unvisited node with the smallest name, or n. */
static size_t first_white(const struct walk *w)
{
	size_t i, best = w->n;

	for (i = 0; i < w->n; i++)
		if (w->colour[i] == WHITE &&
		    (best == w->n ||
		     strcmp(w->nodes[i].name, w->nodes[best].name) < 0))
			best = i;
	return best;
}

int r9p_loadlist_order(const struct r9p_lnode *nodes, size_t n,
		       const size_t *roots, size_t nroots,
		       size_t *order, size_t *cycle_at)
{
	struct walk w = { nodes, n, NULL, order, 0, 0 };
	size_t i;
	int err = 0;

	w.colour = xmalloc(n);
	memset(w.colour, WHITE, n);
	for (i = 0; !err && i < nroots; i++)
		err = roots[i] < n ? visit(&w, roots[i]) : -EINVAL;
	while (!err && (i = first_white(&w)) < n)
		err = visit(&w, i);
	if (err == -ELOOP && cycle_at)
		*cycle_at = w.cycle_at;
	free(w.colour);
	return err;
}
