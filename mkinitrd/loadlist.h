/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/loadlist.h - order modules so dependencies load first.
 *
 * A pure function over a small graph (no I/O, no libkmod) so the order
 * can be tested with tables. The order is stable: depth-first from each
 * root in the order given, dependencies visited by name, each module
 * emitted after everything it depends on.
 */
#ifndef R9P_MKINITRD_LOADLIST_H
#define R9P_MKINITRD_LOADLIST_H

#include <stddef.h>

struct r9p_lnode {
	const char *name;
	const size_t *deps;	/* indices into the node array */
	size_t ndeps;
};

/*
 * Fill order[0..n) with node indices, dependencies first: roots (in
 * the order given) and what they need, then any node not reached, by
 * name. Returns 0, -EINVAL for an index out of range, or -ELOOP for a
 * dependency cycle, with *cycle_at (may be NULL) set to a node on it.
 */
int r9p_loadlist_order(const struct r9p_lnode *nodes, size_t n,
		       const size_t *roots, size_t nroots,
		       size_t *order, size_t *cycle_at);

#endif
