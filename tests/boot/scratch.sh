#!/bin/bash
# tests/boot/scratch.sh - scratch disks found by LABEL= or UUID= (#18):
# /tmp and swap on virtio-blk disks through init9p's image made with
# mkinitrd9p --scratch (the blkid9p helper), under QEMU TCG on Debian
# 12's kernel and a tiny root.
#
#   tests/boot/scratch.sh [--libc klibc|musl|glibc]
#
# Checks from inside the guest (its /proc/self/mountinfo, /proc/swaps,
# the unlink probe, a file larger than its RAM) and from the host (the
# disk images' files, labels and checksums). Ends with "scratch: N
# passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
LIBC=klibc
while [ $# -gt 0 ]; do
	case $1 in
	--libc) LIBC=$2; shift 2 ;;
	*) echo "usage: $0 [--libc L]" >&2; exit 2 ;;
	esac
done
O=${O:-build}
. tests/boot/lib.sh

t_workdir scratch "scratch disk tests ($LIBC)" 'root' '*.disk'
T_CLEAN_PASSED=('*.img')

# mkdisk FILE SIZE LABEL [ext4|swap]
mkdisk() {
	rm -f "$1"
	truncate -s "$2" "$1" || return 1
	case ${4:-ext4} in
	swap) mkswap -q -L "$3" "$1" >/dev/null ;;
	*) mkfs.ext4 -q -F -L "$3" "$1" ;;
	esac
}

# The guest side: what /tmp is, the unlink probe on it, swap, and with
# probe.big=MiB a file that large written to /tmp; then power off.
write_probe() {
	mkdir -p "$ROOT/probe"
	cat >"$ROOT/probe/scratch" <<'EOF'
#!/bin/sh
say() { echo "<5>@@ $*" > /dev/kmsg; }
[ -e /proc/self ] || mount -t proc proc /proc
while read -r id parent devno fsroot mnt rest; do
	[ "$mnt" = /tmp ] && say mountinfo "$id $parent $devno $fsroot $mnt $rest"
done </proc/self/mountinfo
say tmpmode "$(stat -c %a /tmp)"
/bin/unlinkprobe /tmp | while IFS= read -r l; do say unlink "$l"; done
say swaps "$(awk 'NR > 1 { print $1 }' /proc/swaps | tr '\n' ' ')"
say memkb "$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)"
big=$(sed -n 's/.*probe\.big=\([0-9]*\).*/\1/p' /proc/cmdline)
if [ -n "$big" ]; then
	if dd if=/dev/zero of=/tmp/big bs=1M count="$big" 2>/dev/null && sync; then
		say big "$(stat -c %s /tmp/big)"
	else
		say big failed
	fi
fi
echo "$(sed -n 's/.*probe\.token=\([^ ]*\).*/\1/p' /proc/cmdline)" >/tmp/marker
sync
say done yes
poweroff -f
EOF
	chmod 0755 "$ROOT/probe/scratch"
}

# The overlay's guest side: where / and the upper are, what the previous
# boot left in /etc/ovdisk, then this boot's token there.
write_ovprobe() {
	cat >"$ROOT/probe/ovdisk" <<'EOF'
#!/bin/sh
say() { echo "<5>@@ $*" > /dev/kmsg; }
while read -r id parent devno fsroot mnt rest; do
	case $mnt in
	/) say rootmi "$id $parent $devno $fsroot $mnt $rest" ;;
	/run/root9p/rw) say rwmi "$id $parent $devno $fsroot $mnt $rest" ;;
	esac
done </proc/self/mountinfo
say prev "$(cat /etc/ovdisk 2>/dev/null || echo none)"
sed -n 's/.*ov\.token=\([^ ]*\).*/\1/p' /proc/cmdline >/etc/ovdisk
say now "$(cat /etc/ovdisk)"
sync
say done yes
poweroff -f
EOF
	chmod 0755 "$ROOT/probe/ovdisk"
}

CMD="root=fsRoot rootfstype=9p rw console=ttyS0 init=/probe/scratch"

# /tmp mounted from DEV_RE (a regex on the mountinfo source) as ext4.
tmp_on_disk() {
	grep -qE " /tmp rw,nosuid,nodev[^ ]* .*- ext4 $1 " <<<"$(probe mountinfo)"
}

# run9p --scratch on a new image: made, labelled, used for /tmp; the
# unlink probe passes there and a file larger than the guest's 256 MiB
# of RAM is written; reused as it is on a second boot.
case_run9p() {
	local disk=$WORK/scr.img mb=320 img_sum
	rm -f "$disk"
	boot run9p-scratch -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" -m 256M \
		--scratch "1G:scr:$disk" -a "init=/probe/scratch probe.big=$mb probe.token=first"
	# shellcheck disable=SC2317 # called through check
	c_run9p_scratch_disk_image() { [ "$(blkid -s LABEL -o value "$disk" 2>/dev/null || e2label "$disk")" = scr ]; }
	check "run9p --scratch: the disk image was made and labelled scr" c_run9p_scratch_disk_image
	check "run9p --scratch: the key reached the command line" \
		grep -q 'root9p.tmp=LABEL=scr' "$LOG"
	check "run9p --scratch: init9p found the disk and mounted it on /tmp" \
		grep -qE 'init9p: mounted /dev/vd[a-z] \(ext4\) on /root/tmp in [0-9]+ ms' <(console)
	check "run9p --scratch: /tmp is the ext4 disk, rw,nosuid,nodev" tmp_on_disk '/dev/vd[a-z]'
	check "run9p --scratch: /tmp has mode 1777" probe_is tmpmode 1777
	# shellcheck disable=SC2317 # called through check
	c_run9p_scratch_unlink_probe() { [ "$(probe unlink | grep -c " ok$")" -ge 4 ] && ! probe unlink | grep -q failed; }
	check "run9p --scratch: the unlink probe passes on the disk (fstat, read, write, ftruncate)" c_run9p_scratch_unlink_probe
	# shellcheck disable=SC2317 # called through check
	c_run9p_scratch_guest_has() { [ "$(probe memkb)" -lt $((mb * 1024)) ]; }
	check "run9p --scratch: the guest has less RAM than the file (${mb} MiB)" c_run9p_scratch_guest_has
	check "run9p --scratch: a ${mb} MiB file was written to /tmp" \
		probe_is big $((mb * 1024 * 1024))
	# shellcheck disable=SC2317 # called through check
	c_run9p_scratch_host_sees() { debugfs -R "stat /big" "$disk" 2>/dev/null | grep -q "Size: $((mb * 1024 * 1024))"; }
	check "run9p --scratch: the host sees the file on the disk image" c_run9p_scratch_host_sees
	check "run9p --scratch: nothing went into the root's own /tmp" \
		[ ! -e "$ROOT/tmp/big" ]
	img_sum=$(debugfs -R "cat /marker" "$disk" 2>/dev/null)
	boot run9p-scratch-again -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" \
		--scratch "1G:scr:$disk" -a "init=/probe/scratch probe.token=second"
	# shellcheck disable=SC2317 # called through check
	c_run9p_scratch_existing_image() {
		grep -q "reusing $disk" "$LOG" && [ "$img_sum" = first ] &&
			debugfs -R "stat /big" "$disk" 2>/dev/null | grep -q "Size:"
	}
	check "run9p --scratch: an existing image is reused, not formatted" c_run9p_scratch_existing_image
	check "run9p --scratch: the reused disk is on /tmp again" tmp_on_disk '/dev/vd[a-z]'
}

# run9p refuses a symbolic link or a non-file at FILE, and a bad label,
# before QEMU (--dry-run: nothing runs).
case_run9p_refuses() {
	local out
	ln -sf /etc/passwd "$WORK/link.disk"
	mkdir -p "$WORK/dir.disk"
	# shellcheck disable=SC2317 # called through check
	scratch_refused() {
		out=$("$RUN9P" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" --passthrough-as-root \
			--dry-run --scratch "$1" 2>&1) && return 1
		grep -qF -- "$2" <<<"$out"
	}
	check "run9p --scratch: a symbolic link is refused" \
		scratch_refused "64M:x:$WORK/link.disk" "is a symbolic link"
	check "run9p --scratch: a folder is refused" \
		scratch_refused "64M:x:$WORK/dir.disk" "exists and is not a regular file"
	check "run9p --scratch: a bad label is refused" \
		scratch_refused "64M:a,b" "LABEL must be"
	check "run9p --scratch: a bad size is refused" \
		scratch_refused "lots:x" "SIZE must be"
	# shellcheck disable=SC2317 # called through check
	c_run9p_scratch_link_target() { [ -L "$WORK/link.disk" ] && head -n 1 /etc/passwd | grep -q "^root:"; }
	check "run9p --scratch: the link's target is untouched" c_run9p_scratch_link_target
}

# The same disks in both orders: /tmp goes on the labelled one, found by
# UUID= in one boot; swap by LABEL= on a third disk.
case_order() {
	local scr=$WORK/order-scr.img other=$WORK/order-other.img swp=$WORK/order-swap.img uuid
	{ mkdisk "$scr" 64M scr && mkdisk "$other" 32M other && mkdisk "$swp" 32M swp swap; } ||
		{ fail "device order: make the disks"; return; }
	uuid=$(blkid -s UUID -o value "$scr")
	mapfile -t QARGS < <(disk_args d1 "$other"; disk_args d2 "$scr"; disk_args d3 "$swp")
	qemu_args "${QARGS[@]}"
	boot order-after -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" \
		--cmdline "$CMD root9p.tmp=LABEL=scr root9p.swap=LABEL=swp" "${QARGS[@]}"
	check "device order: scratch second (vdb): /tmp is vdb" tmp_on_disk /dev/vdb
	check "device order: swap by LABEL=swp is on (vdc)" probe_has swaps '/dev/vdc'
	check "device order: init9p said how long finding took" \
		grep -qE 'init9p: found LABEL=scr on /dev/vdb \(ext4\) in [0-9]+ ms' <(console)
	mapfile -t QARGS < <(disk_args d1 "$scr"; disk_args d2 "$other")
	qemu_args "${QARGS[@]}"
	boot order-before -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" \
		--cmdline "$CMD root9p.tmp=UUID=$uuid probe.token=uuid" "${QARGS[@]}"
	check "device order: scratch first (vda), by UUID=: /tmp is vda" tmp_on_disk /dev/vda
	# shellcheck disable=SC2317 # called through check
	c_device_order_disk_labelled() { ! debugfs -R "ls /" "$other" 2>/dev/null | grep -q marker; }
	check "device order: the disk labelled other was left alone" c_device_order_disk_labelled
	# shellcheck disable=SC2317 # called through check
	c_device_order_marker_went() { [ "$(debugfs -R "cat /marker" "$scr" 2>/dev/null)" = uuid ]; }
	check "device order: the marker went to the scratch disk" c_device_order_marker_went
}

# A label that is not there: the message lists what is; /tmp falls back
# to the tmpfs; the disks are untouched. Swap on a disk that is not swap
# is left alone.
case_missing() {
	local scr=$WORK/miss-scr.img before
	mkdisk "$scr" 64M present || { fail "missing label: make the disk"; return; }
	before=$(sha256sum <"$scr")
	mapfile -t QARGS < <(disk_args d1 "$scr")
	qemu_args "${QARGS[@]}"
	boot missing -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" \
		--cmdline "$CMD root9p.tmp=LABEL=nosuch root9p.swap=LABEL=present root9p.timeout=2" "${QARGS[@]}"
	check "missing label: the message lists the disks found" \
		grep -qE 'init9p: warning: cannot use root9p.tmp=LABEL=nosuch: no disk with LABEL=nosuch after 2 s; disks with a file system: /dev/vda ext4 LABEL=present UUID=[0-9a-f-]+' <(console)
	check "missing label: says what to try" has "try: attach the disk, check its label"
	check "missing label: /tmp is the default tmpfs" \
		grep -qE ' /tmp rw,nosuid,nodev[^ ]* .*- tmpfs ' <<<"$(probe mountinfo)"
	check "missing label: root9p.swap on an ext4 disk is refused" \
		has "root9p.swap=LABEL=present: /dev/vda holds ext4, not swap: left alone"
	check "missing label: the boot went on" probe_is "done" yes
	check "missing label: the disk image is unchanged (checksum)" \
		[ "$before" = "$(sha256sum <"$scr")" ]
}

# The default image has no helper: a disk asked for is a warning naming
# mkinitrd9p --scratch, and /tmp gets the tmpfs.
case_no_helper() {
	local scr=$WORK/nohelper.img
	mkdisk "$scr" 64M scr || { fail "no helper: make the disk"; return; }
	mapfile -t QARGS < <(disk_args d1 "$scr")
	qemu_args "${QARGS[@]}"
	boot no-helper -k "$KERNEL_IMAGE" -i "$IMG_PLAIN" -r "$ROOT" \
		--cmdline "$CMD root9p.tmp=LABEL=scr" "${QARGS[@]}"
	# shellcheck disable=SC2317 # called through check
	c_helper_warning_says_so() { has "no blkid9p helper in this image" && has "try: put blkid9p in the image (mkinitrd9p --scratch"; }
	check "no helper: the warning says so and names mkinitrd9p --scratch" c_helper_warning_says_so
	check "no helper: /tmp is the default tmpfs" \
		grep -qE ' /tmp rw,nosuid,nodev[^ ]* .*- tmpfs ' <<<"$(probe mountinfo)"
}

# root9p.tmp=LABEL=x,mkfs: with no disk labelled x, the one blank disk is
# formatted (busybox's mke2fs, from --rescue-shell) and used; a disk with
# a foreign file system beside it, or alone, is never touched.
case_mkfs() {
	local blank=$WORK/blank.img foreign=$WORK/foreign.img sum
	rm -f "$blank" "$foreign"
	{ truncate -s 64M "$blank" && truncate -s 32M "$foreign" &&
		busybox mkdosfs "$foreign" >/dev/null 2>&1; } ||
		{ fail "mkfs: make the disks"; return; }
	sum=$(sha256sum <"$foreign")
	mapfile -t QARGS < <(disk_args d1 "$foreign"; disk_args d2 "$blank")
	qemu_args "${QARGS[@]}"
	boot mkfs-blank -k "$KERNEL_IMAGE" -i "$IMG_MKFS" -r "$ROOT" \
		--cmdline "$CMD root9p.tmp=LABEL=fresh,mkfs root9p.timeout=2 probe.token=fresh" "${QARGS[@]}"
	check "mkfs: the blank disk (vdb) was formatted, and said so" \
		has "root9p.tmp=LABEL=fresh,mkfs: no disk had the label: formatted /dev/vdb, the one blank disk (no signature)"
	check "mkfs: /tmp is the new file system on vdb" \
		grep -qE ' /tmp rw,nosuid,nodev[^ ]* .*- ext[234] /dev/vdb ' <<<"$(probe mountinfo)"
	# shellcheck disable=SC2317 # called through check
	c_mkfs_host_sees_label() {
		[ "$(blkid -s LABEL -o value "$blank")" = fresh ] &&
			[ "$(debugfs -R "cat /marker" "$blank" 2>/dev/null)" = fresh ]
	}
	check "mkfs: the host sees LABEL=fresh and the guest's file on it" c_mkfs_host_sees_label
	check "mkfs: the foreign (vfat) disk beside it is unchanged (checksum)" \
		[ "$sum" = "$(sha256sum <"$foreign")" ]
	mapfile -t QARGS < <(disk_args d1 "$foreign")
	qemu_args "${QARGS[@]}"
	boot mkfs-foreign -k "$KERNEL_IMAGE" -i "$IMG_MKFS" -r "$ROOT" \
		--cmdline "$CMD root9p.tmp=LABEL=other,mkfs root9p.timeout=2" "${QARGS[@]}"
	check "mkfs: a disk with a foreign file system is refused, with the disks listed" \
		grep -qE 'cannot use root9p.tmp=LABEL=other: no disk with LABEL=other, and no blank disk \(one with no signature at all\) to format; disks with a file system: /dev/vda vfat' <(console)
	check "mkfs: the foreign disk is unchanged (checksum)" \
		[ "$sum" = "$(sha256sum <"$foreign")" ]
	check "mkfs: /tmp fell back to the tmpfs" \
		grep -qE ' /tmp rw,nosuid,nodev[^ ]* .*- tmpfs ' <<<"$(probe mountinfo)"
}

# root9p.overlay=LABEL=ovl: the upper and work folders on a scratch disk;
# a second boot with the same disk sees the first one's change; the host
# tree never changes.
case_overlay() {
	local disk=$WORK/ovl.img before
	mkdisk "$disk" 64M ovl || { fail "overlay: make the disk"; return; }
	before=$(treesum "$ROOT")
	mapfile -t QARGS < <(disk_args d1 "$disk")
	qemu_args "${QARGS[@]}"
	boot overlay-1 -k "$KERNEL_IMAGE" -i "$IMG_OVL" -r "$ROOT" --cmdline \
		"root=fsRoot rootfstype=9p rw console=ttyS0 init=/probe/ovdisk root9p.overlay=LABEL=ovl ov.token=one" "${QARGS[@]}"
	# shellcheck disable=SC2317 # called through check
	c_overlay_disk_overlay_upper() {
		grep -qE " / rw[^ ]* .*- overlay overlay .*upperdir=/run/root9p/rw/upper" <<<"$(probe rootmi)" &&
			grep -qE " - ext4 /dev/vda " <<<"$(probe rwmi)"
	}
	check "overlay on disk: / is the overlay, its upper on the ext4 disk" c_overlay_disk_overlay_upper
	# shellcheck disable=SC2317 # called through check
	c_overlay_disk_first_boot() { probe_is prev none && probe_is now one; }
	check "overlay on disk: the first boot found nothing and wrote its token" c_overlay_disk_first_boot
	# shellcheck disable=SC2317 # called through check
	c_overlay_disk_change_disk() { [ "$(debugfs -R "cat /upper/etc/ovdisk" "$disk" 2>/dev/null)" = one ]; }
	check "overlay on disk: the change is in the disk's upper/ (host: debugfs)" c_overlay_disk_change_disk
	check "overlay on disk: the host tree is unchanged" [ "$before" = "$(treesum "$ROOT")" ]
	boot overlay-2 -k "$KERNEL_IMAGE" -i "$IMG_OVL" -r "$ROOT" --cmdline \
		"root=fsRoot rootfstype=9p rw console=ttyS0 init=/probe/ovdisk root9p.overlay=LABEL=ovl ov.token=two" "${QARGS[@]}"
	# shellcheck disable=SC2317 # called through check
	c_overlay_disk_reboot_same() { probe_is prev one && probe_is now two; }
	check "overlay on disk: a reboot with the same disk sees the change" c_overlay_disk_reboot_same
	check "overlay on disk: the host tree is still unchanged" [ "$before" = "$(treesum "$ROOT")" ]
}

# SCRATCH_CASES="overlay mkfs": only those (a quicker look by hand).
CASES=${SCRATCH_CASES:-run9p run9p_refuses order missing no_helper mkfs overlay}
# The plan: the images and the root, 6 checks, then each case's.
plan=6
for c in $CASES; do
	case $c in
	run9p) plan=$((plan + 12)) ;;
	run9p_refuses) plan=$((plan + 5)) ;;
	order | missing | overlay) plan=$((plan + 6)) ;;
	no_helper) plan=$((plan + 2)) ;;
	mkfs) plan=$((plan + 7)) ;;
	*) echo "scratch: run case $c: no such case" >&2
	   echo "scratch: try: SCRATCH_CASES from: run9p run9p_refuses order missing no_helper mkfs overlay" >&2
	   exit 2 ;;
	esac
done
t_plan "$plan"

if ! env_text=$(scripts/fetch-kernel.sh --env bookworm); then
	fail "bookworm: fetch the kernel"
	t_skip_rest "no bookworm kernel"
	t_done scratch
	exit
fi
eval "$env_text"
IMG=$WORK/scratch.img
IMG_PLAIN=$WORK/plain.img
IMG_MKFS=$WORK/mkfs.img
IMG_OVL=$WORK/overlay.img
ROOT=$WORK/root
LOG=
check "mkinitrd9p --scratch builds the image" \
	"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/$LIBC/init9p" --scratch -o "$IMG"
check "mkinitrd9p --scratch --rescue-shell builds the image (busybox's mke2fs)" \
	"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/$LIBC/init9p" --scratch --rescue-shell -o "$IMG_MKFS"
check "mkinitrd9p --scratch --overlay builds the image" \
	"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/$LIBC/init9p" --scratch --overlay -o "$IMG_OVL"
check "mkinitrd9p builds the plain image" \
	"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/$LIBC/init9p" -o "$IMG_PLAIN"
c_scratch_image_has_bin() {
	"$O/mkinitrd9p" --list "$IMG" | grep -q "bin/blkid9p" &&
		"$O/mkinitrd9p" --list "$IMG" | grep -q "virtio_blk.ko" &&
		"$O/mkinitrd9p" --list "$IMG" | grep -q "/ext4.ko" &&
		! "$O/mkinitrd9p" --list "$IMG_PLAIN" | grep -qE "blkid9p|virtio_blk|ext4"
}
check "the scratch image has /bin/blkid9p, virtio_blk and ext4; the plain one none of them" c_scratch_image_has_bin
echo "  sizes: plain $(stat -c %s "$IMG_PLAIN") bytes, --scratch $(stat -c %s "$IMG") bytes"
check "the tiny probe root is made" \
	scripts/mkroot-tiny.sh "$ROOT" "$O/$LIBC/mount9p" "$O/$LIBC/unlinkprobe"
write_probe
write_ovprobe
for c in $CASES; do
	"case_$c"
done
t_done scratch
