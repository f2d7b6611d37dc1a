#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/scratch.sh - /tmp on tmpfs, on a scratch disk (#18) and on 9p, side
# by side: iobench's sequential write and reads, and the time init9p takes
# to find the scratch disk by LABEL= and mount it.
#
#   bench/scratch.sh [-n N] [--size MIB]
#
# One tiny root (scripts/mkroot-tiny.sh) and one init9p image built with
# mkinitrd9p --scratch, Debian 12's kernel, QEMU TCG; per round three boots
# with bench/iobench.c as init: dir=/tmp on init9p's tmpfs, dir=/tmp on a
# 1 GiB ext4 scratch disk (root9p.tmp=LABEL=scr; a raw sparse image with
# cache=unsafe, as run9p --scratch attaches it), dir=/root9p-bench on the 9p
# root (root9p's default msize=512000,cache=mmap). Prints medians; never
# judges pass/fail.
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
RUN9P=${RUN9P:-scripts/run9p}
n=3 size=64
while [ $# -gt 0 ]; do
	case $1 in
	-n) n=${2:?-n needs a number}; shift ;;
	--size) size=${2:?--size needs MiB}; shift ;;
	-h | --help) sed -n '3,16p' "$0"; exit 0 ;;
	*) echo "scratch: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done

eval "$(scripts/fetch-kernel.sh --env bookworm)"
work=$(mktemp -d "${TMPDIR:-/var/tmp}/root9p-bench-scratch.XXXXXX")
trap 'rm -rf --one-file-system "$work/root" "$work"/*.img' EXIT
echo "scratch bench: work dir $work (logs kept)"
"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/klibc/init9p" --scratch \
	-o "$work/scratch.img" 2>/dev/null
scripts/mkroot-tiny.sh "$work/root" >/dev/null
mkdir -p "$work/root/root9p-bench"
cp "$O/iobench" "$work/root/root9p-bench/iobench"
truncate -s 1G "$work/disk.img"
mkfs.ext4 -q -F -L scr "$work/disk.img"

# boot NAME DIR [KEY]: one iobench boot; its console in $work/NAME.log.
boot() {
	local qa=()
	if [ -n "${3:-}" ]; then
		# shellcheck disable=SC2054 # QEMU's commas
		local d=(-drive "file=$work/disk.img,format=raw,if=none,id=scr,cache=unsafe,discard=unmap"
			-device virtio-blk-pci,drive=scr)
		if "$RUN9P" --help 2>/dev/null | grep -q -- '--qemu ARG'; then
			for a in "${d[@]}"; do qa+=(--qemu "$a"); done
		else
			qa=(-- "${d[@]}")
		fi
	fi
	"$RUN9P" --accel tcg --timeout 600 --passthrough-as-root -k "$KERNEL_IMAGE" \
		-i "$work/scratch.img" -r "$work/root" -m 512M --cmdline \
		"root=fsRoot rw rootfstype=9p console=ttyS0 ${3:-} init=/root9p-bench/iobench -- dir=$2 size=$size files=1" \
		"${qa[@]}" </dev/null >"$work/$1.log" 2>&1 || true
}

# rate LOG WORKLOAD: iobench's MiB/s, "-" if absent.
rate() {
	tr -d '\r' <"$1" | sed -n "s/.*iobench: $2: .* = \([0-9.]*\) MiB\/s.*/\1/p" | head -n 1 | grep . || echo -
}
ms_of() { tr -d '\r' <"$1" | sed -n "s|.*init9p: $2 in \([0-9]*\) ms.*|\1|p" | head -n 1 | grep . || echo -; }

: >"$work/results"
for r in $(seq 1 "$n"); do
	for p in tmpfs disk 9p; do
		case $p in
		tmpfs) boot "$p-$r" /tmp ;;
		disk) boot "$p-$r" /tmp root9p.tmp=LABEL=scr ;;
		9p) boot "$p-$r" /root9p-bench ;;
		esac
		log=$work/$p-$r.log
		printf '%s %s %s %s %s %s\n' "$p" "$(rate "$log" seqwrite)" "$(rate "$log" seqread-cold)" \
			"$(rate "$log" seqread-warm)" "$(ms_of "$log" 'found LABEL=scr on /dev/vd[a-z] (ext4)')" \
			"$(ms_of "$log" 'mounted /dev/vd[a-z] (ext4) on /root/tmp')" >>"$work/results"
	done
done

med() { grep -v '^-$' | sort -n | awk '{ v[NR] = $1 } END { if (!NR) print "-"; else print v[int((NR + 1) / 2)] }'; }
echo "/tmp throughput, MiB/s (median of $n; ${size} MiB, 1 MiB writes + fsync; TCG, 512M guest)"
printf '  %-8s %10s %14s %14s\n' where seqwrite seqread-cold seqread-warm
for p in tmpfs disk 9p; do
	printf '  %-8s %10s %14s %14s\n' "$p" \
		"$(awk -v p=$p '$1 == p { print $2 }' "$work/results" | med)" \
		"$(awk -v p=$p '$1 == p { print $3 }' "$work/results" | med)" \
		"$(awk -v p=$p '$1 == p { print $4 }' "$work/results" | med)"
done
echo "scratch disk: find by LABEL= (blkid9p) $(awk '$1 == "disk" { print $5 }' "$work/results" | med) ms," \
	"mount $(awk '$1 == "disk" { print $6 }' "$work/results" | med) ms (medians; per boot: $(awk '$1 == "disk" { printf "%s+%s ", $5, $6 }' "$work/results"))"
