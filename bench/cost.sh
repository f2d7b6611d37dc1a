#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/cost.sh - `make bench-cost`: issue 28's figures in one run, each
# part at its quickest useful size, with the host's load before and after
# every part and the two absolute goals as met/missed lines:
#
#   own    init9p's own steps (bench/boottime.sh, root9p.debug; goal <= 20
#          ms), 3 boots of init9p with root9p.debug and without (what the
#          debug lines cost: the "to exec" column) beside bench/bareinit's
#          image (the floor: the same syscalls, no check) and the busybox
#          baseline, then the two init9p and the floor alone with QEMU and
#          run9p under chrt -f 10
#   host   run9p's own host time before QEMU (bench/loop.sh --host-only;
#          goal <= 100 ms warm), as the host is and under chrt -f 10, as
#          a dry run and to QEMU's exec in a real run (--host-exec: the
#          goal's figure)
#   floor  Debian kernel / kbuild / fragment / no initrd (bench/floor.sh -n 1)
#   ioalt  9p none/mmap/loose, virtiofs none/auto/always, an ext4 image,
#          with the boots to multi-user.target (bench/ioalt.sh --quick)
#   scale  1 2 4 8 Debian guests on one lower with tmpfs overlays and 8
#          copies as plain roots, over 9p and over virtiofs (Debian 13's
#          host tree: QEMU 10, the Rust virtiofsd, one per guest)
#          (bench/scale.sh -N "1 2 4 8" --copies-N 8 --fs "9p virtiofs";
#          fewer copies when the disk has no room for 8; 9p alone, said
#          so, without the Debian 13 tree or with DIR outside /var/tmp
#          and the checkout, which that tree cannot see)
#
#   bench/cost.sh [--parts "own host floor ioalt scale"] [-o DIR]
#
# chrt -f 10 (real time, FIFO) stands in for a quiet host on a shared one:
# one guest at a time, a few seconds each. About an hour on a loaded
# 2-CPU host, most of it ioalt's and scale's Debian boots. Not part of
# `make check` (that runs bench/run.sh --smoke). As root. Everything goes
# to DIR (default results/cost-DATE, not committed): report.txt and each
# part's CSV and logs. Performance only: the goal lines judge figures,
# nothing here fails but a part that could not run.
set -eu
prog=cost
cd "$(dirname "$0")/.."
. bench/lib.sh
O=${O:-build}
export O

all_parts="own host floor ioalt scale"
parts=$all_parts out=""
while [ $# -gt 0 ]; do
	case $1 in
	--parts) [ $# -ge 2 ] || die "--parts needs a list; try: --parts \"$all_parts\""; parts=$2; shift ;;
	-o) [ $# -ge 2 ] || die "-o needs a directory"; out=$2; shift ;;
	*) die "usage: bench/cost.sh [--parts \"$all_parts\"] [-o DIR]" ;;
	esac
	shift
done
bench_words_in --parts part "$parts" "$all_parts"
[ "$(id -u)" = 0 ] || die "run as root (9p passthrough, virtiofsd, chrt -f 10); try: sudo make bench-cost"
chrt -f 10 true 2>/dev/null || die "run under chrt -f 10: not allowed here (SCHED_FIFO); try: a host that allows real-time scheduling to root"

[ -n "$out" ] || out=results/cost-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out/goals.txt"

# load WHEN PART: the host's load average, as uptime prints it.
load() { echo "load $1 $2: $(uptime | sed 's/.*load average: //') ($(date -u +%H:%M:%S) UTC)"; }

# csv_median FILE IMAGE COLUMN: the median of COLUMN over boottime.sh's
# good boots of IMAGE; "-" for none.
csv_median() {
	awk -F, -v img="$2" -v col="$3" "$AWK_STATS"'
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		c && $1 == img && $3 == "ok" && $c ~ /^[0-9.]+$/ { l = l " " $c }
		END { print median(l) }' "$1"
}

# goal WHAT VALUE LIMIT: a met/missed line, printed and kept for the end
# (the parts run in subshells).
goal() {
	local line
	if [ "$2" = - ]; then
		line="goal: $1 <= $3 ms: not measured"
	else
		line=$(awk -v w="$1" -v v="$2" -v l="$3" 'BEGIN {
			printf "goal: %s <= %d ms: %s ms, %s\n", w, l, v, v <= l ? "met" : sprintf("missed (x%.1f)", v / l) }')
	fi
	echo "$line" | tee -a "$out/goals.txt"
}

# part_own: boottime's own-steps table, then the same image under chrt.
part_own() {
	local d=$out/own rt=$out/own/run9p-rt
	mkdir -p "$d"
	scripts/mkroot-tiny.sh "$d/root" >/dev/null
	bench/busybox-initrd.sh "$KVER" "$KERNEL_BASE" "$d/busybox.img" >/dev/null 2>"$d/busybox.log" ||
		die "make $d/busybox.img: busybox-initrd.sh failed; try: see $d/busybox.log"
	"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/klibc/init9p" -o "$d/init9p.img" 2>"$d/mkinitrd9p.log" ||
		die "make $d/init9p.img: mkinitrd9p failed; try: see $d/mkinitrd9p.log"
	# the floor: the same modules and list, bareinit as /init
	"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/klibc/bareinit" -o "$d/bare.img" 2>"$d/mkinitrd9p-bare.log" ||
		die "make $d/bare.img: mkinitrd9p failed; try: see $d/mkinitrd9p-bare.log"
	bench/boottime.sh -n 3 -k "$KERNEL_IMAGE" -r "$d/root" --csv "$d/boot.csv" --logs "$d/logs" \
		"init9p-debug=$d/init9p.img:root9p.debug" "bare=$d/bare.img" "init9p=$d/init9p.img" \
		"busybox=$d/busybox.img"
	# run9p and its QEMU in the real-time class: a wrapper as RUN9P.
	printf '#!/bin/sh\nexec chrt -f 10 %s "$@"\n' "$PWD/scripts/run9p" >"$rt"
	chmod 755 "$rt"
	echo
	echo "-- the same init9p under chrt -f 10 (QEMU and run9p real time: a quiet host's stand-in)"
	RUN9P=$rt bench/boottime.sh -n 3 -k "$KERNEL_IMAGE" -r "$d/root" --csv "$d/boot-rt.csv" \
		--logs "$d/logs-rt" "init9p-debug=$d/init9p.img:root9p.debug" "bare=$d/bare.img" "init9p=$d/init9p.img"
	echo
	goal "init9p's own steps, median of 3 as the host is" "$(csv_median "$d/boot.csv" init9p-debug own_ms)" 20
	goal "init9p's own steps, median of 3 under chrt -f 10" "$(csv_median "$d/boot-rt.csv" init9p-debug own_ms)" 20
	# not a goal: what the same syscalls cost with no check (bareinit)
	echo "the floor (bench/bareinit's own steps), median of 3: $(csv_median "$d/boot.csv" bare own_ms) ms" \
		"as the host is, $(csv_median "$d/boot-rt.csv" bare own_ms) ms under chrt -f 10" | tee -a "$out/goals.txt"
	rm -rf "$d/root" "$d"/*.img
}

# host_median TEXT: the median of loop.sh's "run9p host ms" line.
host_median() { sed -n 's/^run9p host ms ([^)]*): \([0-9]*\) .*/\1/p' <<<"$1" | head -n 1; }

part_host() {
	local a b c d
	a=$(bench/loop.sh --host-only --host-runs 7 --logs "$out/host")
	echo "$a"
	b=$(bench/loop.sh --host-only --host-runs 7 --host-rt --logs "$out/host-rt")
	echo "$b"
	c=$(bench/loop.sh --host-only --host-runs 7 --host-exec --logs "$out/host-exec")
	echo "$c"
	d=$(bench/loop.sh --host-only --host-runs 7 --host-exec --host-rt --logs "$out/host-exec-rt")
	echo "$d"
	echo
	goal "run9p's host time to QEMU's exec, warm, median of 7 as the host is" "$(host_median "$c" || true)" 100
	goal "run9p's host time to QEMU's exec, warm, median of 7 under chrt -f 10" "$(host_median "$d" || true)" 100
}

part_floor() {
	bench/floor.sh -n 1 --csv "$out/floor.csv" --logs "$out/floor-logs"
}

part_ioalt() {
	nice -n 10 bench/ioalt.sh --quick -o "$out/ioalt"
}

# scale: 8 copies need 8 trees on disk (plus the lower and its twin in
# ioalt's folder, gone by then); fewer when the disk has no room. Both
# transports boot the same copies, one batch after the other: no more room.
part_scale() {
	local avail need=750 copies=8 fs="9p virtiofs"
	avail=$(df -Pm "$out" | awk 'NR == 2 { print $4 }')
	while [ "$copies" -gt 1 ] && [ $(((copies + 1) * need + 1024)) -gt "$avail" ]; do copies=$((copies / 2)); done
	echo "disk: $avail MiB free in $(df -P "$out" | awk 'NR == 2 { print $6 }'); a copy of the tree is ~650 MiB: $copies copies"
	[ "$copies" = 8 ] || echo "(8 copies need $((9 * need + 1024)) MiB: $copies instead)"
	if ! scripts/host-env.sh path >/dev/null 2>&1; then
		fs=9p
		echo "virtiofs rows skipped: no Debian 13 host tree (QEMU 10, the Rust virtiofsd); try: scripts/host-env.sh build"
	else
		case $(cd "$out" && pwd -P)/ in
		/var/tmp/* | "$(pwd -P)"/*) ;;
		*) fs=9p
			echo "virtiofs rows skipped: $out is outside /var/tmp and the checkout, which the Debian 13 host tree sees; try: -o /var/tmp/cost" ;;
		esac
	fi
	nice -n 10 bench/scale.sh -N "1 2 4 8" --copies-N "$copies" --fs "$fs" -o "$out/scale"
}

main() {
	local p t rc
	echo "root9p cost bench (issue 28): parts $parts; $(nproc) host CPUs; $(date -u '+%Y-%m-%d %H:%M UTC')"
	make -s all
	env_text=$(scripts/fetch-kernel.sh --env bookworm)
	eval "$env_text"
	export KVER KERNEL_BASE MODDIR
	echo "Linux $KVER (Debian 12), QEMU $(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p') TCG"
	for p in $parts; do
		echo
		echo "== $p"
		load before "$p"
		t=$SECONDS rc=0
		# a subshell: a part that dies ends itself, not the run
		case $p in
		own) (part_own) || rc=$? ;;
		host) (part_host) || rc=$? ;;
		floor) (part_floor) || rc=$? ;;
		ioalt) (part_ioalt) || rc=$? ;;
		scale) (part_scale) || rc=$? ;;
		esac
		[ "$rc" = 0 ] || echo "($p: exit $rc; see $out)"
		load after "$p"
		echo "$p: $((SECONDS - t)) s"
	done
	echo
	echo "== goals"
	cat "$out/goals.txt" 2>/dev/null || echo "(no goal part run)"
	echo "cost bench done in $SECONDS s; results in $out"
}

main 2>&1 | tee "$out/report.txt"
exit "${PIPESTATUS[0]}"
