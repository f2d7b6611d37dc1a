#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/host/run9p-dryrun.sh - what run9p refuses, and what its QEMU
# command line says, with --dry-run: no QEMU, no kernel (empty stand-in
# files for -k and -i), seconds. The same refusals the boot suites check
# beside their boots (scratch.sh, mkroot9p.sh, arm64.sh), for make quick.
# The loop with no initrd (--initrd auto|none|own) on a stand-in kernel
# tree whose .config builds in what it needs: no -initrd, init= naming
# payload9p in the guest's root; refusals that say what is missing.
# Ends with "run9p-dryrun: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/lib/check.sh
. tests/lib/check.sh
RUN9P=${RUN9P:-scripts/run9p}
t_plan 19

W=$(mktemp -d "${TMPDIR:-/var/tmp}/root9p-dryrun.XXXXXX") || exit 2
cleanup() { rm -rf "$W"; }
# The loop's initrd (--initrd own) is built into a cache of the test's own.
export ROOT9P_CACHE=$W/cache
trap cleanup EXIT
: >"$W/vmlinuz"
: >"$W/initrd.img"
mkdir -p "$W/root" "$W/dir.disk"
ln -s /etc/passwd "$W/link.disk"

# dry ARGS...: run9p --dry-run on the stand-ins; output in OUT, status RC.
dry() {
	OUT=$("$RUN9P" -k "$W/vmlinuz" -i "$W/initrd.img" --dry-run "$@" 2>&1) && RC=0 || RC=$?
}
# refused MESSAGE ARGS...: run9p fails and says MESSAGE (a fixed string).
refused() {
	local msg=$1
	shift
	dry "$@"
	[ "$RC" != 0 ] && grep -qF -- "$msg" <<<"$OUT"
}
# says PATTERN ARGS...: run9p succeeds and its command line has PATTERN.
says() {
	local pat=$1
	shift
	dry "$@"
	[ "$RC" = 0 ] && grep -qF -- "$pat" <<<"$OUT"
}
link_intact() { [ -L "$W/link.disk" ] && head -n 1 /etc/passwd | grep -q '^root:'; }

R=(-r "$W/root" --passthrough-as-root)
check "--scratch: a symbolic link is refused" refused "is a symbolic link" "${R[@]}" --scratch "64M:x:$W/link.disk"
check "--scratch: the link's target is untouched" link_intact
check "--scratch: a folder is refused" refused "exists and is not a regular file" "${R[@]}" --scratch "64M:x:$W/dir.disk"
check "--scratch: a bad label is refused" refused "LABEL must be" "${R[@]}" --scratch "64M:a,b"
check "--scratch: a bad size is refused" refused "SIZE must be" "${R[@]}" --scratch "lots:x"
check "-r / is refused" refused "is the host's /" -r / --passthrough-as-root
check "-r /tmp/.. (resolving to /) is refused" refused "is the host's /" -r /tmp/.. --passthrough-as-root
check "a double quote in rootflags is refused" refused "has a double quote" "${R[@]}" -o 'cache=mmap"'
check "a newline in -a is refused" refused "outside printable ASCII" "${R[@]}" -a "$(printf 'a\nb')"
check "an unpaired double quote in -a is refused" refused "unpaired double quote" "${R[@]}" -a 'x="y'
check "two -a add up, in their order" says 'console=ttyS0\ one=1\ two=2' "${R[@]}" -a one=1 -a two=2
check "--ro: -fsdev ...,readonly=on" says 'readonly=on' "${R[@]}" --ro
check "--transport mmio on x86_64 is refused, naming --arch aarch64" \
	refused "transport mmio needs --arch aarch64" "${R[@]}" --transport mmio
if [ "$(id -u)" = 0 ]; then
	check "as root: passthrough without --passthrough-as-root is refused" \
		refused "Give --passthrough-as-root to mean it" -r "$W/root" --security-model passthrough
else
	skip "as root: passthrough without --passthrough-as-root is refused (runs as root only)"
fi

# --- the loop with no initrd ------------------------------------------------------
# ktree DIR [OPTION...]: a stand-in built kernel tree (no modules) whose
# .config builds in the loop's needs, but each OPTION given.
ktree() {
	local t=$1 o
	shift
	mkdir -p "$t/arch/x86/boot" "$t/include/config"
	: >"$t/Makefile"
	: >"$t/arch/x86/boot/bzImage"
	echo 6.1.0-stand-in >"$t/include/config/kernel.release"
	for o in 9P_FS NET_9P_VIRTIO VIRTIO_PCI VIRTIO_CONSOLE OVERLAY_FS TMPFS DEVTMPFS; do
		case " $* " in *" $o "*) ;; *) echo "CONFIG_$o=y" ;; esac
	done >"$t/.config"
}
# loopdry ARGS...: the loop's dry run (--accel tcg: no KVM probe).
loopdry() {
	OUT=$("$RUN9P" --accel tcg --dry-run "$@" 2>&1) && RC=0 || RC=$?
}
ktree "$W/kt"
ktree "$W/kt-noovl" OVERLAY_FS
payload=$(cd build/klibc 2>/dev/null && pwd -P)/payload9p
loopdry -k "$W/kt" -- true
c_loop_builtin_init_payload() {
	[ "$RC" = 0 ] && ! grep -qF -- " -initrd " <<<"$OUT" && grep -qF -- "\ init=$payload\ " <<<"$OUT"
}
check "loop, built-in kernel: no -initrd, init= the build tree's payload9p at its host path" c_loop_builtin_init_payload
loopdry -k "$W/kt" --initrd own -- true
c_initrd_own_no_init() { [ "$RC" = 0 ] && grep -qF -- " -initrd $W/cache/loop/" <<<"$OUT" && ! grep -qF -- "init=" <<<"$OUT"; }
check "... --initrd own: run9p's initrd, no init=" c_initrd_own_no_init
loopdry -k "$W/kt-noovl" --initrd none -- true
c_initrd_none_no_overlayfs() {
	[ "$RC" = 2 ] && grep -qF -- "boot with no initrd (--initrd none): $W/kt-noovl/.config does not build in CONFIG_OVERLAY_FS" <<<"$OUT" &&
		grep -qF "run9p: try: a kernel built with kconfig/root9p-loop.config" <<<"$OUT"
}
check "--initrd none, a kernel without overlayfs built in: exit 2, naming CONFIG_OVERLAY_FS" c_initrd_none_no_overlayfs
loopdry -k "$W/kt" -r "$W/root" --passthrough-as-root --initrd none -- true
c_initrd_none_root_no_payload() { [ "$RC" = 2 ] && grep -qF -- "the root '$W/root' holds no payload9p" <<<"$OUT"; }
check "--initrd none, -r DIR with no payload9p in it: refused, saying so" c_initrd_none_root_no_payload
mkdir -p "$W/root/usr/lib/root9p"
cp build/klibc/payload9p "$W/root/usr/lib/root9p/payload9p" 2>/dev/null
loopdry -k "$W/kt" -r "$W/root" --passthrough-as-root -- true
c_root_payload_no_initrd() {
	[ "$RC" = 0 ] && ! grep -qF -- " -initrd " <<<"$OUT" && grep -qF -- "\ init=/usr/lib/root9p/payload9p\ " <<<"$OUT"
}
check "-r DIR holding usr/lib/root9p/payload9p: no -initrd, init=/usr/lib/root9p/payload9p" c_root_payload_no_initrd
t_done run9p-dryrun
