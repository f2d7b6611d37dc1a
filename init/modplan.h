/* SPDX-License-Identifier: MIT */
/*
 * init/modplan.h - split the image's module list for parallel loading.
 *
 * A pure function over the list (names in load order, dependencies as
 * bit masks), so the split is tested with tables. The bus driver's chain
 * (virtio_ring, virtio, virtio_pci: its finit_module runs the device
 * probe) loads in one process, the modules that need none of it (netfs,
 * fscache, 9pnet, 9p) in another, and what needs both (9pnet_virtio)
 * after the two are done.
 */
#ifndef I9P_MODPLAN_H
#define I9P_MODPLAN_H

#include <stddef.h>

#define I9P_MODS_MAX 64		/* one bit per module in a mask */

struct i9p_modplan {
	unsigned long long bus;		/* the bus driver and its deps */
	unsigned long long beside;	/* needs nothing of bus */
	unsigned long long after;	/* the rest: needs both */
};

/*
 * Fill P from N modules (N <= I9P_MODS_MAX) in load order: DEPS[i] has
 * bit j set when module i needs module j directly; BUS is the index of
 * the bus driver. Returns 1 when both BUS's chain and the modules
 * beside it are non-empty (worth a second process), else 0 (P then says
 * everything is "after": load in list order). Returns -EINVAL for N too
 * large or BUS out of range.
 */
int i9p_modplan_split(const unsigned long long *deps, size_t n, size_t bus,
		      struct i9p_modplan *p);

#endif
