#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/host/blkid9p-blank.sh - what blkid9p calls blank (#29.7), on real
# disk images attached to loop devices on the host: root9p.tmp=LABEL=x,mkfs
# formats only a disk judged blank, so every shape that holds data must be
# judged not blank.
#
#   tests/host/blkid9p-blank.sh [BLKID9P]   (default build/klibc/blkid9p)
#
# Needs root, losetup, mkfs.ext4, sfdisk (fdisk), blkid; without them every
# check is printed as skipped. Loop devices are detached and images removed
# on every exit. Ends with "blkid9p-blank: N passed, N failed, N skipped";
# fewer results than its plan fail the run.
set -u
B=${1:-build/klibc/blkid9p}
case $B in /*) ;; *) B=$PWD/$B ;; esac
cd "$(dirname "$0")/../.." || exit 2
. tests/boot/lib.sh
t_plan 10

LOOPS=()
DIR=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local l
	for l in "${LOOPS[@]}"; do losetup -d "$l" 2>/dev/null; done
	[ -z "$DIR" ] || rm -rf -- "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# attach IMAGE [losetup options]: a loop device for IMAGE, in LOOP.
attach() {
	local img=$1
	shift
	LOOP=$(losetup --find --show "$@" "$img") || return 1
	LOOPS+=("$LOOP")
}
# shellcheck disable=SC2317 # called through check
# verdict DEV: blkid9p blank's exit code (0 blank, 1 not) in VERDICT, its
# words in SAID.
verdict() { SAID=$("$B" blank "$1" 2>&1); VERDICT=$?; }
# is_verdict DEV WANT: blkid9p blank DEV exits WANT.
# shellcheck disable=SC2317 # called through check
is_verdict() { verdict "$1"; [ "$VERDICT" = "$2" ]; }
# blkid_finds_nothing DEV: util-linux's low-level probe finds no
# filesystem or partition table on DEV (the shape the test wants).
# shellcheck disable=SC2317 # called through check
blkid_finds_nothing() { ! blkid -p "$1" >/dev/null 2>&1; }
MIB=$((1024 * 1024))

finish() {
	t_done blkid9p-blank
	exit $?
}

missing=
[ "$(id -u)" = 0 ] || missing="root"
for t in losetup mkfs.ext4 sfdisk blkid; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
[ -x "$B" ] || missing="$missing $B (run make)"
if [ -n "$missing" ]; then
	t_skip 10 "needs ${missing# } (apt-get install util-linux e2fsprogs fdisk)"
	finish
fi
DIR=$(mktemp -d "${TMPDIR:-/var/tmp}/root9p-blank.XXXXXX") || exit 2

# A truly blank disk: formatting it is what ,mkfs is for.
truncate -s 64M "$DIR/blank.img"
attach "$DIR/blank.img" -r
check "a zeroed disk is blank" is_verdict "$LOOP" 0

# ext4 at 1 MiB with no partition table (a wiped table, or a tool's
# offset): nothing at offset 0, the first MiB zero.
truncate -s 64M "$DIR/offset.img"
mkfs.ext4 -q -F -L offdata -E offset=$MIB "$DIR/offset.img" 63M
attach "$DIR/offset.img" -r
check "ext4 at 1 MiB, no partition table: not blank" is_verdict "$LOOP" 1

# ext4 whose primary superblock magic is zeroed: libblkid sees nothing
# there, the backup superblocks still name the volume.
truncate -s 64M "$DIR/nomagic.img"
mkfs.ext4 -q -F -L backupdata "$DIR/nomagic.img"
printf '\0\0' | dd of="$DIR/nomagic.img" bs=1 seek=$((1024 + 56)) conv=notrunc status=none
attach "$DIR/nomagic.img" -r
check "(the shape) blkid -p finds no primary ext4 superblock" blkid_finds_nothing "$LOOP"
check "ext4 with its primary magic zeroed, backups intact: not blank" is_verdict "$LOOP" 1

# A valid GPT with an ext4 partition, its protective MBR zeroed.
truncate -s 64M "$DIR/gpt.img"
printf 'label: gpt\nstart=2048, type=L\n' | sfdisk -q "$DIR/gpt.img"
mkfs.ext4 -q -F -L gptdata -E offset=$((2048 * 512)) "$DIR/gpt.img" 60M
dd if=/dev/zero of="$DIR/gpt.img" bs=512 count=1 conv=notrunc status=none
attach "$DIR/gpt.img" -r
check "(the shape) blkid -p finds no partition table" blkid_finds_nothing "$LOOP"
check "a GPT with an ext4 partition, protective MBR zeroed: not blank" is_verdict "$LOOP" 1
# shellcheck disable=SC2317 # called through check
c_blkid9p_blank_says_what() { is_verdict "$LOOP" 1 && grep -q "gpt" <<<"$SAID"; }
check "blkid9p blank says what it found (the GPT)" c_blkid9p_blank_says_what

# Partitions the kernel knows (sysfs), the disk's table and data wiped
# since: the kernel still uses them, so not blank either.
truncate -s 64M "$DIR/parts.img"
printf 'label: gpt\nstart=2048, type=L\n' | sfdisk -q "$DIR/parts.img"
attach "$DIR/parts.img" -P
dd if=/dev/zero of="$LOOP" bs=1M count=1 conv=fsync status=none
dd if=/dev/zero of="$LOOP" bs=1M seek=63 count=1 conv=fsync status=none
if [ -e "/sys/class/block/${LOOP#/dev/}/${LOOP#/dev/}p1/partition" ]; then
	check "a disk with a partition in sysfs: not blank" is_verdict "$LOOP" 1
	# shellcheck disable=SC2317 # called through check
	c_blkid9p_blank_names_why() { is_verdict "$LOOP" 1 && grep -q "partition" <<<"$SAID"; }
	check "blkid9p blank names why a disk is not blank" c_blkid9p_blank_names_why
else
	skip "a disk with a partition in sysfs: this kernel made no ${LOOP#/dev/}p1 (no partition table support, CONFIG_EFI_PARTITION)"
	skip "blkid9p blank names why a disk is not blank (the same disk)"
fi

# blank-disks: loop devices are never candidates, whatever they hold.
# shellcheck disable=SC2317 # called through check
c_blank_disks_lists_loop() { ! "$B" blank-disks | grep -q "^/dev/loop"; }
check "blank-disks lists no loop device" c_blank_disks_lists_loop
finish
