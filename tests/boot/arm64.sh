#!/bin/bash
# tests/boot/arm64.sh - arm64 guests: init9p and mount9p cross-built for
# aarch64 (klibc from scripts/cross-klibc.sh, or glibc static with Debian's
# cross toolchain), the option library's unit tests under qemu-user,
# mkinitrd9p on Debian 12's arm64 kernel tree, and boots of that kernel
# under qemu-system-aarch64 (TCG) on a busybox-static:arm64 probe root, over
# virtio-9p-pci and virtio-mmio, and into the rescue shell.
#
#   tests/boot/arm64.sh [--libc klibc|glibc]      (default klibc)
#
# Needs gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, qemu-system-arm and
# qemu-user-static (scripts/deps.sh), dpkg-dev for klibc's source; the
# kernel and busybox come from scripts/fetch-kernel.sh (arm64 through a
# private apt configuration).
#
# Ends with "arm64: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
O=${O:-build}
MAKE=${MAKE:-make}
ARCH=aarch64
LIBC=klibc
case ${1:-} in
--libc) LIBC=${2:-}; shift 2 ;;
--libc=*) LIBC=${1#--libc=}; shift ;;
esac
case $LIBC in
klibc|glibc) ;;
*) echo "usage: $0 [--libc klibc|glibc]" >&2; exit 2 ;;
esac
GO=$O/$ARCH-$LIBC
# The unit tests need the mount flags klibc's headers lack: always glibc.
GU=$O/$ARCH-glibc
QEMU_USER=${QEMU_USER:-qemu-aarch64-static}
# TCG emulating arm64 on a shared x86 host: give the boots more room.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}
. tests/boot/lib.sh

t_workdir arm64 "arm64 tests" 'root-*'
LOG=
# The option library's unit tests run under qemu-user, one check each.
UNITS=(opts root cmdline tags effective)
# The plan: the build and the ELF 2, the units, the images and the x86
# refusal 7, case_howto 16 (check_9p_root's 10 among them) for pci and
# for mmio, the mismatch 2, the rescue image 3 and its boot 2.
t_plan $((2 + ${#UNITS[@]} + 7 + 2 * 16 + 2 + 3 + 2))

# Printed at the end: what the issue asks to measure.
MEASURES=()
measure() { MEASURES+=("$*"); }

# The cross builds: one check, nothing else can run without them. The
# glibc build always (the unit tests, and its size to compare).
{ "$MAKE" -s "$O/mkinitrd9p" &&
	{ [ "$LIBC" != klibc ] || scripts/cross-klibc.sh; } &&
	"$MAKE" -s ARCH=$ARCH LIBC=glibc "$GU/init9p" "$GU/mount9p" cross-unit &&
	"$MAKE" -s ARCH="$ARCH" LIBC="$LIBC" "$GO/init9p" "$GO/mount9p"; } \
	>"$LOGDIR/build.log" 2>&1
c_make_arch_libc_builds() { [ -x "$GO/init9p" ] && [ -x "$GO/mount9p" ] && [ -x "$GU/test_opts" ] && [ -x "$O/mkinitrd9p" ]; }
check "make ARCH=$ARCH LIBC=$LIBC builds init9p, mount9p (and LIBC=glibc the unit tests)" c_make_arch_libc_builds
[ -x "$GO/init9p" ] || { cat "$LOGDIR/build.log"; t_done arm64; exit 1; }
c_init9p_static_aarch64_elf() { LC_ALL=C readelf -h "$GO/init9p" | grep -q "AArch64" && ! LC_ALL=C readelf -l "$GO/init9p" | grep -q INTERP; }
check "init9p is a static aarch64 ELF" c_init9p_static_aarch64_elf
for l in klibc glibc; do
	[ -x "$O/$ARCH-$l/init9p" ] &&
		measure "init9p $ARCH-$l: $(stat -c %s "$O/$ARCH-$l/init9p") bytes; mount9p: $(stat -c %s "$O/$ARCH-$l/mount9p") bytes"
done

# The option library's unit tests, built for aarch64, under qemu-user.
# unit_ok RC RESULT: exit 0, at least one check passed and none failed.
unit_ok() {
	local p f
	read -r p f _ <<<"$2"
	[ "$1" = 0 ] && [ "${p:-0}" -gt 0 ] && [ "${f:-1}" = 0 ]
}
for t in "${UNITS[@]}"; do
	out=$("$QEMU_USER" "$GU/test_$t" 2>&1) && rc=0 || rc=$?
	printf '%s\n' "$out" >"$LOGDIR/unit-$t.log"
	res=$(t_result <<<"$out")
	check "unit test_$t under $QEMU_USER: ${res:-no closing line} passed/failed/skipped (exit $rc)" \
		unit_ok "$rc" "$res"
done

if ! env_text=$(scripts/fetch-kernel.sh --env arm64) ||
	! bbdir=$(scripts/fetch-kernel.sh --deb busybox-static arm64); then
	fail "fetch Debian 12's linux-image-arm64 and busybox-static:arm64"
	t_done arm64
	exit 1
fi
eval "$env_text"
BUSYBOX=$bbdir/bin/busybox
CACHE_SHOWN=,mmap,
IMG_PCI=$WORK/arm64-pci.img
IMG_MMIO=$WORK/arm64-mmio.img

# mkinitrd9p on the foreign tree: modules by the tree, init9p by its machine.
c_mkinitrd9p_refuses_x86_64() {
	! "$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/mkinitrd9p" -o "$WORK/wrong.img" 2>"$LOGDIR/wrong.log" &&
		grep -qF "init9p $O/mkinitrd9p is x86-64, the kernel tree is aarch64: build init9p for aarch64 (make ARCH=aarch64 LIBC=glibc)" "$LOGDIR/wrong.log" &&
		[ ! -e "$WORK/wrong.img" ]
}
check "mkinitrd9p refuses an x86-64 init9p for the aarch64 tree, saying what to build" c_mkinitrd9p_refuses_x86_64
c_mkinitrd9p_without_init_takes() {
	"$O/mkinitrd9p" -v -k "$KVER" -b "$KERNEL_BASE" -o "$WORK/auto.img" 2>&1 |
		grep -qE "^mkinitrd9p: /init <- .*/$ARCH-(klibc|glibc)/init9p "
}
check "mkinitrd9p without --init takes the aarch64 init9p for the aarch64 tree" c_mkinitrd9p_without_init_takes
check "mkinitrd9p builds the pci image" \
	"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$GO/init9p" -o "$IMG_PCI"
check "mkinitrd9p builds the mmio image (--transport mmio)" \
	"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$GO/init9p" --transport mmio -o "$IMG_MMIO"
"$O/mkinitrd9p" --list "$IMG_PCI" >"$LOGDIR/pci.list" 2>&1
"$O/mkinitrd9p" --list "$IMG_MMIO" >"$LOGDIR/mmio.list" 2>&1
c_pci_image_virtio_pci() { for m in virtio_pci 9pnet_virtio 9p netfs fscache; do grep -q "/$m\.ko" "$LOGDIR/pci.list" || return 1; done; ! grep -q "/virtio_mmio\.ko" "$LOGDIR/pci.list"; }
check "pci image: virtio_pci, 9pnet_virtio, 9p, netfs, fscache; no virtio_mmio" c_pci_image_virtio_pci
c_mmio_image_virtio_mmio() { grep -q "/virtio_mmio\.ko" "$LOGDIR/mmio.list" && ! grep -q "/virtio_pci\.ko" "$LOGDIR/mmio.list" && grep -q "/9pnet_virtio\.ko" "$LOGDIR/mmio.list"; }
check "mmio image: virtio_mmio instead of virtio_pci" c_mmio_image_virtio_mmio
measure "image (gzip): pci $(stat -c %s "$IMG_PCI" 2>/dev/null) bytes, mmio $(stat -c %s "$IMG_MMIO" 2>/dev/null) bytes"
c_run9p_refuses_transport_mmio() {
	! "$RUN9P" --dry-run -k "$KERNEL_IMAGE" -i "$IMG_PCI" -r "$WORK" --transport mmio 2>"$LOGDIR/mmio-x86.err" &&
		grep -q "transport mmio needs --arch aarch64" "$LOGDIR/mmio-x86.err"
}
check "run9p refuses --transport mmio on x86_64, naming --arch aarch64" c_run9p_refuses_transport_mmio

# The kernel's "Run /init" to the probe's first line, on the kernel's clock.
initramfs_ms() {
	tr -d '\r' <"$LOG" | awk '
		/ Run \/init as init process/ { sub(/^\[ */, ""); a = $1 + 0 }
		/realinit: started/ { sub(/^\[ */, ""); b = $1 + 0 }
		END { if (a && b) printf "%d", (b - a) * 1000; else printf "?" }'
}

# howto TRANSPORT IMAGE: the howto's command line (console=ttyAMA0).
case_howto() {
	local tr=$1 img=$2 root=$WORK/root-$1 token before
	check "$tr: the busybox-static:arm64 probe root is made" \
		scripts/mkroot-tiny.sh --busybox "$BUSYBOX" "$root" "$GO/mount9p"
	token=arm64-$tr-$RANDOM-$$
	before=$(treesum "$root")
	boot "arm64-$tr" --arch aarch64 --transport "$tr" -k "$KERNEL_IMAGE" -i "$img" -r "$root" \
		--cmdline "root=fsRoot rw rootfstype=9p rootflags=$HOWTO_FLAGS console=ttyAMA0 probe.token=$token"
	check_9p_root "arm64 $tr"
	check "arm64 $tr: init9p logged the mount with its options" \
		grep -qE "init9p: mounted fsRoot on /root in [0-9]+ ms \(rw msize=512000 cache=mmap posixacl\)" <(console)
	c_arm64_guest_write_reached() { [ "$(cat "$root/out/written" 2>/dev/null)" = "$token" ]; }
	check "arm64 $tr: the guest's write reached the host" c_arm64_guest_write_reached
	check "arm64 $tr: nothing else changed in the root directory" \
		[ "$before" = "$(treesum "$root")" ]
	check "arm64 $tr: mount9p --tags in the guest lists fsRoot as mounted" \
		probe_has tags 'fsRoot.*virtio[0-9]+.*mounted'
	check "arm64 $tr: QEMU ended by itself (poweroff, not the timeout)" [ "$RC" = 0 ]
	measure "initramfs phase ($tr, TCG): $(initramfs_ms) ms (Run /init -> realinit: started)"
}

case_howto pci "$IMG_PCI"
case_howto mmio "$IMG_MMIO"

# The module set follows the transport: a pci image on an mmio machine has
# no bus driver for the 9p device, so init9p names the tag it did not find.
boot "arm64-mismatch" --arch aarch64 --transport mmio -k "$KERNEL_IMAGE" -i "$IMG_PCI" -r "$WORK/root-mmio" \
	--cmdline "root=fsRoot rw rootfstype=9p console=ttyAMA0 root9p.timeout=2 panic=1"
check "pci image on virtio-mmio: init9p reports the tag missing (no bus driver)" \
	has 'mount tag "fsRoot" not found after 2 s'
c_pci_image_virtio_mmio() { hasnt "Kernel panic" && [ "$RC" -ne 124 ]; }
check "pci image on virtio-mmio: no kernel panic, QEMU ended by itself" c_pci_image_virtio_mmio

# The rescue shell from an arm64 busybox: mkinitrd9p lists its applets
# through qemu-user; a missing tag opens the shell on the console.
IMG_RESCUE=$WORK/arm64-rescue.img
c_mkinitrd9p_rescue_shell_without() {
	! PATH=/nonexistent "$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$GO/init9p" --rescue-shell="$BUSYBOX" -o "$WORK/noqemu.img" 2>"$LOGDIR/noqemu.log" &&
		grep -qF "it is for aarch64, this host is x86-64: apt-get install qemu-user-static (qemu-aarch64-static lists its applets)" "$LOGDIR/noqemu.log"
}
check "mkinitrd9p --rescue-shell without qemu-user names the package to install" c_mkinitrd9p_rescue_shell_without
check "mkinitrd9p --rescue-shell with the arm64 busybox (applets through qemu-user)" \
	"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$GO/init9p" --rescue-shell="$BUSYBOX" -o "$IMG_RESCUE"
"$O/mkinitrd9p" --list "$IMG_RESCUE" >"$LOGDIR/rescue.list" 2>&1
c_rescue_image_busybox_applets() { for f in busybox sh ls poweroff mount9p; do grep -qE "(^| |/)bin/$f( |$)" "$LOGDIR/rescue.list" || return 1; done; }
check "rescue image: busybox, its applets (sh, ls, poweroff) and mount9p" c_rescue_image_busybox_applets
boot_bg "arm64-rescue" --arch aarch64 -k "$KERNEL_IMAGE" -i "$IMG_RESCUE" -r "$WORK/root-pci" \
	--cmdline "root=nosuchtag rootfstype=9p console=ttyAMA0 root9p.timeout=1"
if shell_open "starting a rescue shell" 240 2; then
	send 'echo RESCUE-$((6*7)); poweroff -f'
fi
stop_bg 120
check "arm64 rescue: a missing tag opens the shell, which runs commands" has "RESCUE-42"
check "arm64 rescue: QEMU ended by itself (poweroff -f)" [ "$RC" = 0 ]

echo "measurements:"
printf '  %s\n' "${MEASURES[@]}"
t_done arm64
