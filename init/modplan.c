/* SPDX-License-Identifier: MIT */
/*
 * init/modplan.c - which modules load beside the bus driver's chain.
 *
 * Closures over bit masks: the list is at most I9P_MODS_MAX long and in
 * load order, so one pass from the end settles who needs the bus chain.
 */
#include <errno.h>

#include "init/modplan.h"

#define BIT(i) (1ULL << (i))

/* Everything module I needs, itself included. */
static unsigned long long closure(const unsigned long long *deps, size_t n,
				  size_t i)
{
	unsigned long long seen = BIT(i), grow;
	size_t j;

	/* A fixed point: at most N rounds, each adding a module. */
	do {
		grow = seen;
		for (j = 0; j < n; j++)
			if (seen & BIT(j))
				grow |= deps[j];
	} while (grow != seen && (seen = grow, 1));
	return seen;
}

int i9p_modplan_split(const unsigned long long *deps, size_t n, size_t bus,
		      struct i9p_modplan *p)
{
	unsigned long long all = 0;
	size_t i;

	if (n > I9P_MODS_MAX || bus >= n)
		return -EINVAL;
	all = n == I9P_MODS_MAX ? ~0ULL : BIT(n) - 1;
	p->bus = closure(deps, n, bus) & all;
	p->beside = 0;
	for (i = 0; i < n; i++)
		if (!(closure(deps, n, i) & p->bus))
			p->beside |= BIT(i);
	p->after = all & ~p->bus & ~p->beside;
	if (p->bus && p->beside)
		return 1;
	p->bus = p->beside = 0;
	p->after = all;
	return 0;
}
