#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/mkinitrd/test.sh - mkinitrd9p against a real unpacked kernel.
#
# Needs KERNEL_BASE (a root holding lib/modules/KVER or usr/lib/modules/KVER,
# depmod done) and KVER; without them, or without that tree, it fails (one
# failure: nothing was tested). Optional:
# MKINITRD9P (default build/mkinitrd9p), INIT9P (default build/klibc/init9p,
# else /bin/busybox as a stand-in static /init), CLOUD_BASE + CLOUD_KVER
# (a kernel without 9p, e.g. Debian's cloud flavour, to check the refusal).
# Ends with "mkinitrd: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
mk=${MKINITRD9P:-$top/build/mkinitrd9p}
case $mk in /*) ;; *) mk=$PWD/$mk ;; esac
# shellcheck source=tests/lib/check.sh
. "$top/tests/lib/check.sh"
finish() { t_done mkinitrd; exit $?; }

if [ -z "${KERNEL_BASE:-}" ] || [ -z "${KVER:-}" ]; then
	fail "KERNEL_BASE and KVER name an unpacked kernel (got '${KERNEL_BASE:-}' '${KVER:-}'): scripts/fetch-kernel.sh --env bookworm prints them"
	finish
fi
if [ ! -d "$KERNEL_BASE/lib/modules/$KVER" ] && [ ! -d "$KERNEL_BASE/usr/lib/modules/$KVER" ]; then
	fail "kernel tree there: neither $KERNEL_BASE/lib/modules/$KVER nor $KERNEL_BASE/usr/lib/modules/$KVER is a directory"
	finish
fi
if [ ! -x "$mk" ]; then
	fail "mkinitrd9p built ($mk)"
	finish
fi
init=${INIT9P:-$top/build/klibc/init9p}
[ -f "$init" ] || init=/bin/busybox

# Debian 12's kernel (6.1, under lib/modules): the order DESIGN.md records.
case $KVER in 6.1.*) debian12=1 ;; *) debian12=0 ;; esac
[ -d "$KERNEL_BASE/lib/modules/$KVER" ] || debian12=0
# The plan: 67 checks on every kernel (the loops' counts included: 5
# compressions, 3 --list comparisons, 2 hostile inputs of 3 checks), 2
# more on Debian 12's, 4 more with a cloud kernel to refuse.
plan=67
[ "$debian12" = 0 ] || plan=$((plan + 2))
[ -z "${CLOUD_BASE:-}" ] || [ -z "${CLOUD_KVER:-}" ] || plan=$((plan + 4))
t_plan "$plan"

t=$(mktemp -d /tmp/mkinitrd-test.XXXXXX)
trap 'rm -rf "$t"' EXIT
gen() { "$mk" -k "$KVER" -b "$KERNEL_BASE" --init "$init" "$@" 2>>"$t/log"; }

# Reproducible: two runs, byte for byte, for every compression.
for c in gzip zstd xz none gzip:9; do
	gen -o "$t/a.$c" --compress=$c && gen -o "$t/b.$c" --compress=$c
	check "two $c runs give identical images" cmp -s "$t/a.$c" "$t/b.$c"
done
gen -o "$t/default"
check "the default compression is zstd (DESIGN.md, \"Compression\")" \
	grep -q "^mkinitrd9p: wrote $t/default (.* KiB compressed / .* KiB, zstd) for $KVER in [0-9]* ms" "$t/log"
check "the default is --compress=zstd:6, byte for byte" \
	sh -c "\"\$0\" -k '$KVER' -b '$KERNEL_BASE' --init '$init' --compress=zstd:6 -o '$t/z6' 2>/dev/null && cmp -s '$t/default' '$t/z6'" "$mk"
gen -o "$t/bad" --compress=zstd:20 2>/dev/null
check "--compress=zstd:20 is refused with the ranges" \
	grep -q "^mkinitrd9p: --compress: the level is out of range (gzip 1-9, zstd 1-19, xz 0-9, none none): zstd:20" "$t/log"
img=$t/a.gzip
check "image mode is 0644" test "$(stat -c %a "$img")" = 644
check "no OUT.tmp left behind" test ! -e "$img.tmp"
check "no temporary file left beside OUT" test "$(find "$t" -mindepth 1 -maxdepth 1 -name '.*' | wc -l)" -eq 0
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
else
	t_skip 2 "--rescue-shell: no /bin/busybox here (apt-get install busybox-static)"
fi

# Hostile output directory: links planted where the old code wrote
# (OUT.tmp) and at OUT itself must be replaced or ignored, never followed.
mkdir "$t/plant"
printf 'victim\n' >"$t/victim"
chmod 600 "$t/victim"
ln -s "$t/victim" "$t/plant/out.img.tmp"
ln -s "$t/victim" "$t/plant/out2.img"
gen -o "$t/plant/out.img"
gen -o "$t/plant/out2.img"
check "planted links: victim content unchanged" \
	test "$(cat "$t/victim")" = victim
check "planted links: victim mode unchanged (600)" \
	test "$(stat -c %a "$t/victim")" = 600
check "planted OUT.tmp: the image is written to OUT" cmp -s "$t/plant/out.img" "$t/default"
check "planted OUT.tmp: the planted link is left alone" \
	test "$(readlink "$t/plant/out.img.tmp")" = "$t/victim"
check "link planted at OUT: replaced by the image" \
	sh -c "test -f '$t/plant/out2.img' && test ! -L '$t/plant/out2.img' && cmp -s '$t/plant/out2.img' '$t/default'"
# shellcheck disable=SC2012 # ls's sorted listing of names the test made
check "no temporary file left in OUT's directory" \
	test "$(ls -A "$t/plant" | tr '\n' ' ')" = "out.img out.img.tmp out2.img "

# Hostile inputs: a device that never ends, a FIFO nobody writes. The
# memory bound keeps a broken build from eating the machine.
mkfifo "$t/fifo"
for input in /dev/zero "$t/fifo"; do
	label=${input#"$t/"}
	# shellcheck disable=SC3045 # Debian's sh (dash) has ulimit -v
	(ulimit -v 4000000; timeout 20 "$mk" -k "$KVER" -b "$KERNEL_BASE" \
		--init "$input" -o "$t/bad.img") 2>"$t/err"
	rc=$?
	check "--init $label exits 1 at once (exit $rc)" test "$rc" -eq 1
	check "--init $label refused by name as not a regular file" \
		grep -q "read init $input: not a regular file" "$t/err"
	check "--init $label left no image" test ! -e "$t/bad.img"
done
if [ -x /bin/busybox ]; then
	# shellcheck disable=SC3045 # Debian's sh (dash) has ulimit -v
	(ulimit -v 4000000; timeout 20 "$mk" -k "$KVER" -b "$KERNEL_BASE" \
		--init "$init" --rescue-shell="$t/fifo" -o "$t/bad.img") 2>"$t/err"
	rc=$?
	check "--rescue-shell=FIFO exits 1 at once (exit $rc)" test "$rc" -eq 1
	check "--rescue-shell=FIFO refused by name" \
		grep -q "read rescue shell $t/fifo: not a regular file" "$t/err"
else
	t_skip 2 "--rescue-shell=FIFO: no /bin/busybox here (apt-get install busybox-static)"
fi

# A kernel tree whose 9p module is a FIFO: refused, not waited on.
for pre in lib usr/lib; do
	[ -d "$KERNEL_BASE/$pre/modules/$KVER" ] && break
done
mkdir -p "$t/ktree/$pre/modules"
cp -rs "$KERNEL_BASE/$pre/modules/$KVER" "$t/ktree/$pre/modules/"
rel=$(sed -n 's,^\([^:]*/9p\.ko[^:]*\):.*,\1,p' "$KERNEL_BASE/$pre/modules/$KVER/modules.dep")
rm -f "$t/ktree/$pre/modules/$KVER/$rel"
mkfifo "$t/ktree/$pre/modules/$KVER/$rel"
timeout 20 "$mk" -k "$KVER" -b "$t/ktree" --init "$init" -o "$t/bad.img" 2>"$t/err"
rc=$?
check "a FIFO as module exits 1 at once (exit $rc)" test "$rc" -eq 1
check "a FIFO as module is refused by name" \
	grep -q "read module .*/$rel: not a regular file" "$t/err"
rm -rf "$t/ktree"

# Hostile image for --list: an escape sequence in names, and a gzip
# that claims more than the 1024 MiB --list allows (5 MB on disk).
esc=$(printf '\033')
mkdir "$t/esc"
(cd "$t/esc" && : >"evil${esc}[31mred" && ln -s "to${esc}]0;title${esc}\\" "link" &&
	printf '%s\n' "evil${esc}[31mred" link | cpio -o -H newc --quiet) >"$t/esc.cpio"
"$mk" --list "$t/esc.cpio" >"$t/list.esc" 2>>"$t/log"
check "--list of escape names succeeds" test $? -eq 0
check "--list prints no raw ESC byte" sh -c "! grep -q '$esc' '$t/list.esc'"
check "--list shows ESC as backslash 033" grep -q ' evil\\033\[31mred$' "$t/list.esc"
check "--list escapes link targets too" grep -q ' link -> to\\033]0;title\\033\\\\$' "$t/list.esc"
head -c 1025M /dev/zero | gzip -1 >"$t/bomb.img"
# shellcheck disable=SC3045 # Debian's sh (dash) has ulimit -v
(ulimit -v 4000000; timeout 60 "$mk" --list "$t/bomb.img") >/dev/null 2>"$t/err"
rc=$?
check "--list of a gzip bomb exits 1 (exit $rc)" test "$rc" -eq 1
check "--list of a gzip bomb names the limit" \
	grep -q "bomb.img at offset 0: gzip segment: more than 1024 MiB after decompression" "$t/err"
rm -f "$t/bomb.img"

# Errors: a kernel that is not there, usage, a kernel without 9p.
"$mk" -k 0.0.0-none -b "$KERNEL_BASE" -o "$t/none.img" --init "$init" 2>"$t/err"
check "missing KVER exits 1" test $? -eq 1
check "missing KVER names both paths tried" \
	sh -c "grep -q 'lib/modules/0.0.0-none nor .*usr/lib/modules/0.0.0-none' '$t/err'"
check "missing KVER lists the kernels there" grep -q "$KVER" "$t/err"
"$mk" -o "$t/x.img" 2>/dev/null
check "usage error exits 2" test $? -eq 2
if [ -n "${CLOUD_BASE:-}" ] && [ -n "${CLOUD_KVER:-}" ]; then
	"$mk" -k "$CLOUD_KVER" -b "$CLOUD_BASE" -o "$t/cloud.img" --init "$init" --fstype 9p 2>"$t/err"
	check "kernel without 9p, --fstype 9p: exits 1" test $? -eq 1
	check "kernel without 9p is refused by name, virtiofs named" \
		grep -q "has no 9p filesystem.*cannot boot a 9p root.*--fstype virtiofs" "$t/err"
	"$mk" -k "$CLOUD_KVER" -b "$CLOUD_BASE" -o "$t/cloud.img" --init "$init" 2>"$t/err"
	check "kernel without 9p: auto makes a virtiofs image" \
		grep -q "(a virtiofs root)" "$t/err"
	check "the virtiofs image loads virtio_pci, fuse, virtiofs" \
		sh -c "'$mk' --list '$t/cloud.img' | grep -q 'kernel/fs/fuse/virtiofs.ko'"
fi
"$mk" -k "$KVER" -b "$KERNEL_BASE" -o "$t/x.img" --init "$init" --fstype ext4 2>"$t/err"
check "--fstype ext4 is a usage error" test $? -eq 2
# A kernel whose config lacks CONFIG_RD_ZSTD: the default falls back to
# gzip (said), an explicit --compress=zstd is refused before writing.
nozstd=$t/nozstd
mkdir -p "$nozstd/boot" "$nozstd/lib" "$nozstd/usr/lib"
sed 's/^CONFIG_RD_ZSTD=y$/# CONFIG_RD_ZSTD is not set/' "$KERNEL_BASE/boot/config-$KVER" >"$nozstd/boot/config-$KVER"
# Debian 13's kernel package keeps its modules under usr/lib (merged /usr).
for d in lib usr/lib; do
	[ -d "$KERNEL_BASE/$d/modules" ] && ln -s "$KERNEL_BASE/$d/modules" "$nozstd/$d/modules"
done
"$mk" -k "$KVER" -b "$nozstd" -o "$t/nozstd.img" --init "$init" 2>"$t/err"
check "no CONFIG_RD_ZSTD: the default writes gzip and says why" \
	sh -c "grep -q 'has no CONFIG_RD_ZSTD=y: writing gzip instead of zstd' '$t/err' && '$mk' --list '$t/nozstd.img' | grep -q '^# segment 1 at offset 0: gzip'"
"$mk" -k "$KVER" -b "$nozstd" -o "$t/nozstd2.img" --init "$init" --compress=zstd 2>"$t/err"
check "no CONFIG_RD_ZSTD: --compress=zstd exits 1" test $? -eq 1
check "no CONFIG_RD_ZSTD: --compress=zstd is refused by name, no image" \
	sh -c "grep -q 'cannot unpack a zstd image (.*has no CONFIG_RD_ZSTD=y): use --compress' '$t/err' && test ! -e '$t/nozstd2.img'"
finish
