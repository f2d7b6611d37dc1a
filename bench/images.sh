#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/images.sh - build every initrd the benchmark compares, N times each,
# and report its figures: compressed and uncompressed size, file count,
# build time, and whether two builds are byte-identical.
#
# Images (all for the fetched Debian kernel; the machine's own
# initramfs-tools and dracut configuration is neither read nor changed):
#   busybox         the hand-written busybox-shell baseline (busybox-initrd.sh)
#   itools-stock    initramfs-tools as a fresh Debian 12 has it (MODULES=most),
#                   9p modules added to the modules file (the howto's way)
#   dracut-stock    dracut --no-hostonly with its 95virtfs, no systemd
#   init9p          mkinitrd9p + init9p (klibc)
#   itools-root9p   initramfs-tools (MODULES=most) with root9p's hooks
#   dracut-root9p   dracut --no-hostonly with 90root9p, no systemd
#   dracut-sd-root9p  the same with systemd in the initrd (95virtfs alone
#                   cannot boot a 9p root with it, so it has no stock twin);
#                   built once whatever N is
# Every build runs with SOURCE_DATE_EPOCH set (dracut also --reproducible):
# each tool's reproducible mode, so "identical" asks whether it works.
set -eu
cd "$(dirname "$0")/.."
. scripts/distro-images.sh

prog=images
O=${O:-build}
ALL="busybox itools-stock dracut-stock init9p itools-root9p dracut-root9p dracut-sd-root9p"

usage() {
	cat <<EOF
usage: bench/images.sh [-n N] [--lean] [--only "NAME..."] -o DIR [--csv FILE]

Build each image N times (default 3; one at a time, rounds interleaved)
into DIR/NAME.img and print its figures; DIR/NAME.list is its listing.
Build time is given as wall clock and as CPU (user + system of all its
processes). Builds never run side by side: on a host of shared CPUs each
would take twice the CPU.
--lean builds the distro images the tests' way (initramfs-tools
MODULES=list, dracut without kernel-modules, i18n, lvm, crypt ...): a
quick run's images, not what a distro ships.
Needs KVER, KERNEL_BASE and MODDIR from scripts/fetch-kernel.sh --env, and
root (mkinitramfs runs in a private mount namespace).
Images: $ALL
EOF
}
. bench/lib.sh

n=3 out="" csv="" only=$ALL lean=0
while [ $# -gt 0 ]; do
	case $1 in
	-n) [ $# -ge 2 ] || die "-n needs a number"; n=$2; shift ;;
	--lean) lean=1 ;;
	-o) [ $# -ge 2 ] || die "-o needs a directory"; out=$2; shift ;;
	--csv) [ $# -ge 2 ] || die "--csv needs a file"; csv=$2; shift ;;
	--only) [ $# -ge 2 ] || die "--only needs image names"; only=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
[[ $n =~ ^[1-9][0-9]*$ ]] || die "-n '$n' is not a positive number"
[ -n "$out" ] || die "no output directory: give -o DIR"
for v in KVER KERNEL_BASE MODDIR; do
	[ -n "${!v:-}" ] || die "$v is not set: eval \"\$(scripts/fetch-kernel.sh --env bookworm)\" first"
done
for i in $only; do
	[[ " $ALL " == *" $i "* ]] || die "unknown image '$i' (images: $ALL)"
done
[ "$(id -u)" = 0 ] || die "run as root: mkinitramfs runs in a private mount namespace"
{ [ -x "$O/mkinitrd9p" ] && [ -x "$O/klibc/init9p" ]; } || die "$O/mkinitrd9p or $O/klibc/init9p missing: run make"

mkdir -p "$out/logs"
work=$out/work
rm -rf "$work"
mkdir -p "$work"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}

# What the root9p images are built from: `make install`'s tree, as a
# distribution package would lay it out.
make -s install O="$O" PREFIX=/usr DESTDIR="$work/stage" >/dev/null
export ROOT9P_MOUNT9P=$work/stage/usr/lib/root9p/mount9p
# --lean: the tests' configurations, quick to build and boot: MODULES=list
# (the modules file and what hooks add) and dracut without its big groups.
itools_lines=() omit=""
[ "$lean" = 0 ] || { itools_lines=(MODULES=list) omit=$DRACUT_LEAN_OMIT; }
itools_conf "$work/conf-stock" "${itools_lines[@]}"
printf '%s\n' 9p 9pnet 9pnet_virtio virtio_pci >>"$work/conf-stock/modules"
itools_conf "$work/conf-root9p" "${itools_lines[@]}"
dracut_tree "$work/tree" hooks/dracut/90root9p
mkdir -p "$work/dracut/conf"
echo 'reproducible="yes"' >"$work/dracut/conf/reproducible.conf"

# build NAME FILE: one build of image NAME into FILE.
build() {
	case $1 in
	busybox) bench/busybox-initrd.sh "$KVER" "$KERNEL_BASE" "$2" ;;
	init9p) "$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/klibc/init9p" -o "$2" ;;
	itools-stock) itools_image "$2" "$work/conf-stock" ;;
	itools-root9p) itools_image "$2" "$work/conf-root9p" "$work/stage" ;;
	dracut-stock) dracut_image "$2" script virtfs "$omit" "" "$work/dracut" ;;
	dracut-root9p) dracut_image "$2" script root9p "$omit" "$work/tree" "$work/dracut" ;;
	dracut-sd-root9p) dracut_image "$2" systemd root9p "$omit" "$work/tree" "$work/dracut" ;;
	esac
}

# build_one NAME ROUND: one timed build; its row (name round status wall_ms
# cpu_ms bytes sha256-prefix) on stdout. CPU is user + system of every
# process of the build.
build_one() {
	local name=$1 round=$2 img=$work/$1.$2.img blog=$out/logs/$1.build$2.log rc=0 TIMEFORMAT='%R %U %S'
	local wall user sys cpu
	{ time build "$name" "$img" >"$blog" 2>&1; } 2>"$img.time" || rc=$?
	read -r wall user sys <"$img.time"
	wall=$(awk -v w="$wall" 'BEGIN { printf "%d", w * 1000 }')
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')
	if [ $rc != 0 ] || [ ! -s "$img" ]; then
		log "$name build $round failed (rc $rc): see $blog"
		printf '%s\t%s\tfailed\t%s\t%s\t-\t-\n' "$name" "$round" "$wall" "$cpu"
		return
	fi
	printf '%s\t%s\tok\t%s\t%s\t%s\t%s\n' "$name" "$round" "$wall" "$cpu" "$(stat -c %s "$img")" \
		"$(sha256sum <"$img" | cut -c1-16)"
	log "$name build $round: $wall ms wall, $cpu ms CPU"
}

# dracut-sd-root9p is beyond the issue's six and as slow to build as the
# other dracut images: one build, so the full run stays within its time.
once=" dracut-sd-root9p "
rows=$out/builds.tsv
for round in $(seq "$n"); do
	for name in $only; do
		[ "$round" = 1 ] || [[ $once != *" $name "* ]] || continue
		build_one "$name" "$round"
	done
done >"$rows"

# Keep the first good build as NAME.img, its listing (mkinitrd9p --list
# reads every newc initrd, Debian's concatenated early + main ones too) as
# NAME.list.
for name in $only; do
	for round in $(seq "$n"); do
		if [ -s "$work/$name.$round.img" ]; then
			mv "$work/$name.$round.img" "$out/$name.img"
			"$O/mkinitrd9p" --list "$out/$name.img" >"$out/$name.list" 2>"$out/logs/$name.list.err" || true
			break
		fi
	done
done
rm -rf "$work"

if [ -n "$csv" ]; then
	{
		echo "image,build,status,wall_ms,cpu_ms,bytes,sha256_prefix"
		tr '\t' , <"$rows" | sed 's/,-/,/g'
	} >"$csv"
fi

# The table. Uncompressed size: the segments' "-> N bytes" of the listing;
# files: its regular files.
kind="stock configurations"
[ "$lean" = 0 ] || kind="LEAN configurations (MODULES=list, dracut without its big groups)"
echo "images for Linux $KVER, $kind: $n build(s) each, one at a time, SOURCE_DATE_EPOCH set"
for name in $only; do
	list=$out/$name.list
	if [ -s "$list" ]; then
		awk '/^# segment/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^bytes/ && $(i - 1) == "->") u += $i }
			/^-/ { f++ } END { printf "%d %d\n", u, f }' "$list"
	else
		echo "- -"
	fi | { read -r u f; printf '%s\t%s\t%s\n' "$name" "$u" "$f"; }
done >"$out/figures.tsv"
awk -F '\t' -v ref=init9p "$AWK_STATS"'
function kib(b) { return b == "-" || b == "" ? "-" : sprintf("%.0f", b / 1024) }
function sec(ms) { return ms == "-" ? "-" : sprintf("%.1f", ms / 1000) }
function times(a, b) { return (a == "-" || b == "-" || b + 0 == 0) ? "-" : sprintf("%.0f", a / b) }
FILENAME ~ /figures/ { unc[$1] = $2; files[$1] = $3; next }
{
	if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 }
	if ($3 != "ok") { failed[$1]++; next }
	wall[$1] = wall[$1] " " $4; cpu[$1] = cpu[$1] " " $5
	if (!($1 in size)) size[$1] = $6
	sums[$1] = sums[$1] " " $7; nb[$1]++
}
END {
	fmt = "%-17s %10s %9s %6s %8s %8s %6s %9s %7s %7s\n"
	printf fmt, "image", "image KiB", "cpio KiB", "files", "build s", "CPU s", "builds", "identical", "size", "CPU"
	printf fmt, "", "", "", "", "median", "median", "", "", "/init9p", "/init9p"
	for (i = 1; i <= k; i++) {
		m = order[i]
		same = "-"
		if (nb[m] >= 2) { split(sums[m], s, " "); same = "yes"; for (j in s) if (s[j] != s[1]) same = "no" }
		printf fmt, m, kib(size[m]), kib(unc[m]), files[m] == "" ? "-" : files[m], sec(median(wall[m])), \
			sec(median(cpu[m])), nb[m] + 0, same, times(size[m], size[ref]), times(median(cpu[m]), median(cpu[ref]))
		if (failed[m]) printf "  (%s: %d build(s) failed, see the logs)\n", m, failed[m]
	}
	print "image KiB: as written (compressed); cpio KiB: its archives unpacked; files: regular files"
}' "$out/figures.tsv" "$rows"
