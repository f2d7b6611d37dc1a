#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/kernels.sh - init9p's initramfs phase against the busybox-shell
# initrd on Debian 12's and 13's kernels, with 1 and 2 vCPUs: init9p as
# it chooses (parallel module loading on 2 vCPUs), init9p forced
# sequential (root9p.modload=sequential), init9p with root9p.debug (its
# per-step table), and the busybox baseline; interleaved boots.
#
#   bench/kernels.sh [-n BOOTS] [--kernels "bookworm trixie"] [--cpus "1 2"] -o DIR
#
# One bench/boottime.sh table per kernel and vCPU count; ratios are to
# init9p within that table. no_timer_check: under a loaded TCG host the
# kernel's IO-APIC timer check can fail and panic before /init (seen here).
set -eu
prog=kernels
. "$(dirname "$0")/lib.sh"

boots=5 kernels="bookworm trixie" cpus_list="1 2" out=""
while [ $# -gt 0 ]; do
	case $1 in
	-n) boots=$2; shift ;;
	--kernels) kernels=$2; shift ;;
	--cpus) cpus_list=$2; shift ;;
	-o) out=$2; shift ;;
	*) die "usage: bench/kernels.sh [-n BOOTS] [--kernels LIST] [--cpus LIST] -o DIR" ;;
	esac
	shift
done
[ -n "$out" ] || die "give -o DIR"
O=${O:-build}
mkdir -p "$out"
root=$out/root
scripts/mkroot-tiny.sh "$root" >/dev/null || die "scripts/mkroot-tiny.sh $root failed"
for k in $kernels; do
	env_text=$(scripts/fetch-kernel.sh --env "$k") || { echo "($k: no kernel, see scripts/fetch-kernel.sh)"; continue; }
	(
		eval "$env_text"
		"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" -o "$out/$k-init9p.img" 2>/dev/null ||
			die "mkinitrd9p for $KVER failed"
		bench/busybox-initrd.sh "$KVER" "$KERNEL_BASE" "$out/$k-busybox.img" 2>/dev/null ||
			die "busybox-initrd.sh for $KVER failed"
		for c in $cpus_list; do
			echo
			echo "== $k ($KVER), $c vCPU"
			bench/boottime.sh -n "$boots" -c "$c" -k "$KERNEL_IMAGE" -r "$root" \
				--csv "$out/$k-cpus$c.csv" --logs "$out/$k-cpus$c-logs" \
				"init9p=$out/$k-init9p.img:panic=-1 no_timer_check" \
				"init9p-seq=$out/$k-init9p.img:panic=-1 no_timer_check root9p.modload=sequential" \
				"init9p-debug=$out/$k-init9p.img:panic=-1 no_timer_check root9p.debug" \
				"busybox=$out/$k-busybox.img:panic=-1 no_timer_check" || echo "(boottime failed)"
		done
	)
done
rm -rf "$root" "$out"/*.img
