#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/compress.sh - mkinitrd9p's build time per compression, and what
# each costs the kernel to unpack: the sum chooses the default.
#
#   bench/compress.sh [-n BUILDS] [-b BOOTS] [--comps LIST] -k KERNEL_IMAGE -r ROOTDIR [-o DIR]
#
# KVER and KERNEL_BASE from scripts/fetch-kernel.sh --env. Builds every
# compression BUILDS times (default 5), interleaved, and reports the median
# wall time, the size, and (with BOOTS > 0, default 5) the median guest
# time from "Trying to unpack rootfs image" to "Freeing initrd memory"
# over BOOTS interleaved boots of each image (bench/boottime.sh, 1 vCPU).
# Times are wall clock on a possibly shared host: compare within one run.
set -eu
prog="compress"
. "$(dirname "$0")/lib.sh"

# The default first; then the others mkinitrd9p offers.
comps="zstd zstd:19 gzip gzip:9 xz xz:6 none"
builds=5 boots=5 kernel="" rootdir="" out=""
while [ $# -gt 0 ]; do
	case $1 in
	-n) builds=$2; shift ;;
	-b) boots=$2; shift ;;
	-k) kernel=$2; shift ;;
	-r) rootdir=$2; shift ;;
	-o) out=$2; shift ;;
	--comps) comps=$2; shift ;;
	*) die "usage: bench/compress.sh [-n BUILDS] [-b BOOTS] [--comps LIST] -k KERNEL_IMAGE -r ROOTDIR [-o DIR]" ;;
	esac
	shift
done
{ [ -n "${KVER:-}" ] && [ -n "${KERNEL_BASE:-}" ]; } || die "set KVER and KERNEL_BASE (scripts/fetch-kernel.sh --env bookworm)"
[[ $builds =~ ^[1-9][0-9]*$ ]] || die "-n '$builds' is not a positive number"
[[ $boots =~ ^[0-9]+$ ]] || die "-b '$boots' is not a number"
[ "$boots" = 0 ] || [ -f "$kernel" ] || die "give -k KERNEL_IMAGE to boot the images"
O=${O:-build}
mk=$O/mkinitrd9p
[ -x "$mk" ] || die "$mk not built: run make"
[ -n "$out" ] || out=$(mktemp -d /tmp/compress.XXXXXX)
mkdir -p "$out"

: >"$out/builds.tsv"
for _ in $(seq "$builds"); do
	for c in $comps; do
		img=$out/${c/:/-}.img
		t0=$(date +%s%N)
		"$mk" -k "$KVER" -b "$KERNEL_BASE" --compress="$c" -o "$img" 2>/dev/null </dev/null ||
			die "mkinitrd9p --compress=$c failed"
		t1=$(date +%s%N)
		printf '%s\t%s\t%s\n' "$c" $(((t1 - t0) / 1000000)) "$(stat -c %s "$img")" >>"$out/builds.tsv"
	done
done

unpack=$out/unpack.tsv
: >"$unpack"
if [ "$boots" -gt 0 ]; then
	specs=()
	for c in $comps; do specs+=("${c/:/-}=$out/${c/:/-}.img"); done
	bench/boottime.sh -n "$boots" -c 1 -k "$kernel" -r "$rootdir" --csv "$out/boot.csv" --timeout 300 \
		--logs "$out/boot-logs" "${specs[@]}" >"$out/boot.txt" 2>&1 || true
	# image,round,status,...,unpack_start_ms (12),unpack_end_ms (13)
	awk -F, 'NR > 1 && $3 == "ok" && $12 != "" && $13 != "" { print $1 "\t" $13 - $12 }' \
		"$out/boot.csv" >"$unpack"
fi

echo "mkinitrd9p for Linux $KVER: build wall time (median of $builds), size, and the"
echo "kernel's unpack time (median of $boots boots, 1 vCPU TCG; \"-\": not booted)"
awk -F '\t' "$AWK_STATS"'
	FILENAME == ARGV[1] { u[$1] = u[$1] " " $2; next }
	{ if (!($1 in t)) order[++n] = $1; t[$1] = t[$1] " " $2; sz[$1] = $3 }
	END {
		printf "%-9s %9s %9s %10s %10s\n", "compress", "build ms", "KiB", "unpack ms", "sum ms"
		for (i = 1; i <= n; i++) {
			c = order[i]; k = c; sub(/:/, "-", k)
			b = median(t[c]); un = median(u[k])
			printf "%-9s %9.0f %9.0f %10s %10s\n", c, b, sz[c] / 1024, \
				un == "-" ? "-" : sprintf("%.0f", un), un == "-" ? "-" : sprintf("%.0f", b + un)
		}
	}' "$unpack" "$out/builds.tsv"
