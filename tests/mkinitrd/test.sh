#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/mkinitrd/test.sh - mkinitrd9p against a real unpacked kernel.
#
# Needs KERNEL_BASE (a root holding lib/modules/KVER or usr/lib/modules/KVER,
# depmod done) and KVER; prints a skip line without them. Optional:
# MKINITRD9P (default build/mkinitrd9p), INIT9P (default build/klibc/init9p,
# else /bin/busybox as a stand-in static /init), CLOUD_BASE + CLOUD_KVER
# (a kernel without 9p, e.g. Debian's cloud flavour, to check the refusal).
# Ends with "mkinitrd: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
mk=${MKINITRD9P:-$top/build/mkinitrd9p}
case $mk in /*) ;; *) mk=$PWD/$mk ;; esac
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
finish() { echo "mkinitrd: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

if [ -z "${KERNEL_BASE:-}" ] || [ -z "${KVER:-}" ]; then
	echo "mkinitrd: skip: set KERNEL_BASE and KVER to an unpacked kernel"
	finish
fi
if [ ! -x "$mk" ]; then
	bad "mkinitrd9p built ($mk)"
	finish
fi
init=${INIT9P:-$top/build/klibc/init9p}
[ -f "$init" ] || init=/bin/busybox

t=$(mktemp -d /tmp/mkinitrd-test.XXXXXX)
trap 'rm -rf "$t"' EXIT
gen() { "$mk" -k "$KVER" -b "$KERNEL_BASE" --init "$init" "$@" 2>>"$t/log"; }

# Reproducible: two runs, byte for byte, for every compression.
for c in gzip zstd xz none; do
	gen -o "$t/a.$c" --compress=$c && gen -o "$t/b.$c" --compress=$c
	check "two $c runs give identical images" cmp -s "$t/a.$c" "$t/b.$c"
done
img=$t/a.gzip
check "image mode is 0644" test "$(stat -c %a "$img")" = 644
check "no OUT.tmp left behind" test ! -e "$img.tmp"
check "summary line names the image" \
	grep -q "^mkinitrd9p: wrote $img (.* KiB compressed / .* KiB, gzip) for $KVER in [0-9]* ms" "$t/log"

# What is inside, seen by --list and by GNU cpio.
"$mk" --list "$img" >"$t/list" 2>>"$t/log"
check "--list reads the image" test -s "$t/list"
check "--list says gzip" grep -q '^# segment 1 at offset 0: gzip' "$t/list"
zcat "$img" | (cd "$t" && mkdir x && cd x && cpio -idm --quiet 2>/dev/null)
load=$t/x/lib/modules/$KVER/root9p.load
check "root9p.load listed" grep -q " lib/modules/$KVER/root9p.load\$" "$t/list"
check "root9p.load extracted" test -s "$load"
nload=$(wc -l <"$load")
nko=$(grep -c '\.ko$' "$t/list")
check "one .ko per load-list line ($nko, $nload)" test "$nko" -eq "$nload"
missing=0
while read -r rel; do
	grep -q " lib/modules/$KVER/$rel\$" "$t/list" || missing=$((missing + 1))
done <"$load"
check "every load-list module is in the image" test "$missing" -eq 0
check "9p.ko and 9pnet_virtio.ko in the load list" \
	sh -c "grep -q '/9p.ko\$' '$load' && grep -q '/9pnet_virtio.ko\$' '$load'"
# Debian 12's kernel (6.1, under lib/modules): the order DESIGN.md records.
case $KVER in 6.1.*) debian12=1 ;; *) debian12=0 ;; esac
[ -d "$KERNEL_BASE/lib/modules/$KVER" ] || debian12=0
if [ "$debian12" = 1 ]; then
	want="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci 9pnet 9pnet_virtio netfs fscache 9p"
	got=$(sed 's,.*/,,; s,\.ko$,,' "$load" | tr '\n' ' ' | sed 's/ $//')
	check "6.1 load order is the one DESIGN.md records ($got)" test "$got" = "$want"
	check "--list has the 10 module lines" test "$nko" -eq 10
fi
zcat "$img" | cpio -t --quiet 2>/dev/null | sort >"$t/cpio-t"
grep -v '^#' "$t/list" |
	sed -E 's/^.* [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} //; s/ -> .*//' |
	sort >"$t/list-names"
check "cpio -t and --list name the same entries" cmp -s "$t/cpio-t" "$t/list-names"
check "/init is 0755" grep -q '^-rwxr-xr-x .* init$' "$t/list"
check "/dev/console is char 5,1" grep -q '^crw------- .* 5, 1 .* dev/console$' "$t/list"
check "/tmp is 1777" grep -q '^drwxrwxrwt .* tmp$' "$t/list"
check "everything root:root" sh -c "grep -v '^#' '$t/list' | awk '\$3 != 0 || \$4 != 0 {bad=1} END {exit bad}'"
mod=$(grep '/9p.ko$' "$load")
src=
for f in "$KERNEL_BASE"/lib/modules/"$KVER"/"$mod"* "$KERNEL_BASE"/usr/lib/modules/"$KVER"/"$mod"*; do
	[ -e "$f" ] && src=$f && break
done
case $src in
*.xz) xz -dc "$src" >"$t/9p.ko" ;;
*.zst) zstd -qdc "$src" >"$t/9p.ko" ;;
*.gz) zcat "$src" >"$t/9p.ko" ;;
*) cp "$src" "$t/9p.ko" ;;
esac
check "9p.ko in the image is the kernel's, decompressed" cmp -s "$t/9p.ko" "$t/x/lib/modules/$KVER/$mod"

# Host tools read the other compressions too.
check "zstdcat | cpio -t" sh -c "zstdcat '$t/a.zstd' | cpio -t --quiet >/dev/null 2>&1"
check "xzcat | cpio -t" sh -c "xzcat '$t/a.xz' | cpio -t --quiet >/dev/null 2>&1"
check "cpio -t of the uncompressed image" sh -c "cpio -t --quiet <'$t/a.none' >/dev/null 2>&1"
grep -v '^#' "$t/list" >"$t/list-body"
for c in zstd xz none; do
	"$mk" --list "$t/a.$c" >"$t/list.$c" 2>>"$t/log"
	check "--list of $c shows the same entries" \
		sh -c "grep -v '^#' '$t/list.$c' | cmp -s - '$t/list-body'"
done

# A Debian-style concatenation: an early cpio, zero padding, our image.
(cd "$t/x" && echo init | cpio -o -H newc --quiet) >"$t/cat.img"
head -c 512 /dev/zero >>"$t/cat.img"
cat "$img" >>"$t/cat.img"
"$mk" --list "$t/cat.img" >"$t/list.cat" 2>>"$t/log"
check "--list reads a concatenated image" grep -q '^# segment 2 at offset [0-9]*: gzip' "$t/list.cat"

# SOURCE_DATE_EPOCH sets every mtime; bad values are refused.
SOURCE_DATE_EPOCH=1700000000 gen -o "$t/sde.img"
check "SOURCE_DATE_EPOCH=1700000000 dates entries 2023-11-14" \
	sh -c "'$mk' --list '$t/sde.img' | grep -q ' 2023-11-14 22:13 init\$'"
SOURCE_DATE_EPOCH=soon gen -o "$t/sde2.img"
check "SOURCE_DATE_EPOCH=soon refused" test $? -eq 1
check "SOURCE_DATE_EPOCH=soon left no image" test ! -e "$t/sde2.img"

# Rescue shell.
if [ -x /bin/busybox ]; then
	gen -o "$t/rescue.img" --rescue-shell
	"$mk" --list "$t/rescue.img" >"$t/list.rescue" 2>>"$t/log"
	check "--rescue-shell adds bin/busybox" grep -q '^-rwxr-xr-x .* bin/busybox$' "$t/list.rescue"
	check "--rescue-shell adds bin/sh -> busybox" grep -q ' bin/sh -> busybox$' "$t/list.rescue"
fi

# Errors: a kernel that is not there, usage, a kernel without 9p.
"$mk" -k 0.0.0-none -b "$KERNEL_BASE" -o "$t/none.img" --init "$init" 2>"$t/err"
check "missing KVER exits 1" test $? -eq 1
check "missing KVER names both paths tried" \
	sh -c "grep -q 'lib/modules/0.0.0-none nor .*usr/lib/modules/0.0.0-none' '$t/err'"
check "missing KVER lists the kernels there" grep -q "$KVER" "$t/err"
"$mk" -o "$t/x.img" 2>/dev/null
check "usage error exits 2" test $? -eq 2
if [ -n "${CLOUD_BASE:-}" ] && [ -n "${CLOUD_KVER:-}" ]; then
	"$mk" -k "$CLOUD_KVER" -b "$CLOUD_BASE" -o "$t/cloud.img" --init "$init" 2>"$t/err"
	check "kernel without 9p exits 1" test $? -eq 1
	check "kernel without 9p is refused by name" \
		grep -q "has no 9p filesystem.*cannot boot a 9p root" "$t/err"
fi
finish
