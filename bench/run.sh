#!/bin/sh
# bench/run.sh - `make bench`: the boot-time comparison of root9p's initrd
# (mkinitrd9p + init9p) with a hand-written busybox-shell initrd doing the
# same steps, on Debian 12's kernel, in one interleaved run.
#
#   bench/run.sh [--quick] [-n N]
#
# Results (console logs, CSV) go to results/ (not committed). Prints tables;
# judges nothing.
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
n=5
while [ $# -gt 0 ]; do
	case $1 in
	--quick) n=1; shift ;;
	-n) n=$2; shift 2 ;;
	*) echo "usage: $0 [--quick] [-n N]" >&2; exit 2 ;;
	esac
done

make -s all
env_text=$(scripts/fetch-kernel.sh --env bookworm)
eval "$env_text"
out=results/bench-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
scripts/mkroot-tiny.sh "$out/root"
bench/busybox-initrd.sh "$KVER" "$KERNEL_BASE" "$out/busybox.img"
"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/klibc/init9p" -o "$out/init9p.img"

echo "== images"
for img in busybox init9p; do
	printf '%-8s %8d bytes\n' "$img" "$(stat -c %s "$out/$img.img")"
done
echo
echo "== boot: Linux $KVER, $n boots per image, interleaved"
bench/boottime.sh -n "$n" -k "$KERNEL_IMAGE" -r "$out/root" --csv "$out/boot.csv" \
	--logs "$out/logs" init9p="$out/init9p.img" busybox="$out/busybox.img"
rm -rf "$out/root"
echo "results in $out"
