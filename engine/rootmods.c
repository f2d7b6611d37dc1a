/* SPDX-License-Identifier: MIT */
/*
 * engine/rootmods.c - the modules a 9p root needs: the one list that
 * init9p's image (mkinitrd9p), mount9p --modules and so the distro hooks
 * take. Data only, so mkinitrd9p links it without the rest of the engine.
 */
#include "engine/root.h"

/* The transport's bus driver, the 9p transport, the filesystem, in the
 * order they are loaded; their dependencies (9pnet, netfs, virtio_ring
 * ...) come from the kernel's modules.dep, never from here. */
const struct r9p_root_module r9p_root_modules[R9P_ROOT_NMODULES] = {
	{ "virtio_pci", "virtio PCI driver", "CONFIG_VIRTIO_PCI" },
	{ "9pnet_virtio", "9p virtio transport", "CONFIG_NET_9P_VIRTIO" },
	{ "9p", "9p filesystem", "CONFIG_9P_FS" },
};

/* A virtiofs root (rootfstype=virtiofs): fuse is virtiofs' dependency
 * and comes with it; named so a kernel without it is refused by name. */
const struct r9p_root_module r9p_root_virtiofs_modules[R9P_ROOT_NMODULES] = {
	{ "virtio_pci", "virtio PCI driver", "CONFIG_VIRTIO_PCI" },
	{ "fuse", "FUSE", "CONFIG_FUSE_FS" },
	{ "virtiofs", "virtiofs filesystem", "CONFIG_VIRTIO_FS" },
};

/* virtio-mmio machines (qemu -M virt with virtio-*-device): this bus
 * driver takes virtio_pci's place in an image made for them. */
const struct r9p_root_module r9p_root_mmio_bus = {
	"virtio_mmio", "virtio MMIO driver", "CONFIG_VIRTIO_MMIO"
};

/* A scratch disk (root9p.tmp/swap=LABEL=x): the virtio-blk driver and
 * the file system run9p --scratch makes (mkfs.ext4); mkinitrd9p --scratch
 * adds them, and the engine loads them when a disk is asked for. */
const char *const r9p_scratch_modules[] = { "virtio_blk", "ext4", NULL };
