#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/overlay.sh - what the lower layer's 9p cache mode does to the boot
# of an overlay root (root9p.overlay=tmpfs), beside the plain 9p root.
#
# One mkinitrd9p --overlay image, a tiny root, bench/boottime.sh's
# interleaved boots (A B C ... A B C) and its table: the initramfs phase
# ("Run /init" to the root's first line) per cache mode of the lower. The
# default lower cache mode (engine/overlay.h) was chosen from this table.
set -eu

prog=overlay
usage() {
	echo "usage: bench/overlay.sh [-n N] [-o DIR] [--modes \"none mmap loose fscache\"]" >&2
	exit 2
}
n=5 out="" modes="none mmap loose fscache"
while [ $# -gt 0 ]; do
	case $1 in
	-n) [ $# -ge 2 ] || usage; n=$2; shift ;;
	-o) [ $# -ge 2 ] || usage; out=$2; shift ;;
	--modes) [ $# -ge 2 ] || usage; modes=$2; shift ;;
	*) usage ;;
	esac
	shift
done
cd "$(dirname "$0")/.."
. bench/lib.sh
O=${O:-build}
[ "$(id -u)" = 0 ] || die "run as root (9p passthrough of a root-owned tree)"
eval "$(scripts/fetch-kernel.sh --env bookworm)"
[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/var/tmp}/root9p-bench-overlay.XXXXXX")
mkdir -p "$out"
img=$out/overlay.img
"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/klibc/init9p" --overlay -o "$img" 2>/dev/null ||
	die "mkinitrd9p --overlay failed"
scripts/mkroot-tiny.sh "$out/root" >/dev/null

flags=trans=virtio,version=9p2000.L,msize=512000
specs=("plain-mmap=$img:panic=-1 rootflags=$flags,cache=mmap")
for m in $modes; do
	specs+=("overlay-$m=$img:panic=-1 root9p.overlay=tmpfs rootflags=$flags,cache=$m")
done
echo "overlay root, lower cache modes: Linux $KVER, TCG, $n boots each, interleaved"
bench/boottime.sh -n "$n" -k "$KERNEL_IMAGE" -r "$out/root" --csv "$out/overlay.csv" \
	--logs "$out/logs" "${specs[@]}"
rm -rf "$out/root"
