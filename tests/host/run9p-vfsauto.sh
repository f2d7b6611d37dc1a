#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/host/run9p-vfsauto.sh - run9p --fs auto's choice (#27) and the
# virtiofs daemon's user, with --dry-run: stand-in kernels (a boot header
# and a config-KVER, or a module tree), stand-in daemons (the Rust
# virtiofsd's --help and QEMU's C one's) and a stand-in QEMU; no boot.
# One check per branch of the choice, and the line run9p says it on.
# Files of "another user" belong to uid 4242; as root the tree is that
# user's, and the checks of an ordinary user run as 4242 (setpriv).
#
#   [RUN9P=path/to/run9p] [KEEP=1] tests/host/run9p-vfsauto.sh
#
# Ends with "run9p-vfsauto: N passed, N failed, N skipped"; fewer
# results than planned is a failure.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/boot/lib.sh
t_plan 16
RUN9P=$(realpath -- "$RUN9P")	# lib.sh: ${RUN9P:-scripts/run9p}
OTHER=4242
KV=6.1.0-r9pauto
KCACHE=${ROOT9P_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/root9p}/kernels

W=$(mktemp -d "${TMPDIR:-/tmp}/root9p-vfsauto.XXXXXX") || exit 2
trap '[ -n "${KEEP:-}" ] || rm -rf --one-file-system "$W"' EXIT
chmod 755 "$W"
echo "run9p-vfsauto: work dir $W"
export TMPDIR=$W

# --- stand-ins ---
cat >"$W/qemu" <<'EOF'
#!/bin/sh
exit 0
EOF
# The Rust virtiofsd's --help (the options run9p looks for), QEMU 7.2's
# C one's (no --shared-dir), and a Rust one too old for --uid-map.
printf '#!/bin/sh\necho "  --shared-dir <DIR>"; echo "  --uid-map <MAP>"; echo "  --inode-file-handles=<W>"\n' >"$W/vfs-rust"
printf '#!/bin/sh\necho "  -o source=PATH"\n' >"$W/vfs-c"
printf '#!/bin/sh\necho "  --shared-dir <DIR>"\n' >"$W/vfs-old"
# mkinitrd9p for the loop: writes the -o file.
cat >"$W/mkinitrd9p" <<'EOF'
#!/bin/sh
while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; shift; done
echo "a fake initrd" >"$out"
EOF
chmod 755 "$W/qemu" "$W/vfs-rust" "$W/vfs-c" "$W/vfs-old" "$W/mkinitrd9p"
export QEMU=$W/qemu ROOT9P_CACHE=$W/cache MKINITRD9P=$W/mkinitrd9p PAYLOAD9P=$W/mkinitrd9p

# kernel NAME CONFIG-LINES...: a boot header naming $KV in $W/NAME/, with
# config-$KV of CONFIG-LINES beside it (none: no config).
kernel() {
	local d=$W/$1
	shift
	mkdir -p "$d"
	head -c 2048 /dev/zero >"$d/vmlinuz"
	printf 'HdrS' | dd of="$d/vmlinuz" bs=1 seek=514 conv=notrunc status=none
	printf '\000\003' | dd of="$d/vmlinuz" bs=1 seek=526 conv=notrunc status=none
	printf '%s (fake)\000' "$KV" | dd of="$d/vmlinuz" bs=1 seek=1280 conv=notrunc status=none
	[ $# = 0 ] || printf '%s\n' "$@" >"$d/config-$KV"
}
kernel both CONFIG_9P_FS=m CONFIG_VIRTIO_FS=y
kernel cloud '# CONFIG_9P_FS is not set' CONFIG_VIRTIO_FS=m
kernel only9p CONFIG_9P_FS=y '# CONFIG_VIRTIO_FS is not set'
kernel neither CONFIG_EXT4_FS=y
kernel noconfig
# a module tree that has virtiofs as a module and 9p built in
M=$W/mods/lib/modules/$KV
mkdir -p "$M"
echo "kernel/fs/fuse/virtiofs.ko: kernel/fs/fuse/fuse.ko" >"$M/modules.dep"
echo "kernel/fs/9p/9p.ko" >"$M/modules.builtin"
: >"$W/initrd.img"
mkdir -p "$W/tree"
[ "$(id -u)" != 0 ] || chown "$OTHER:$OTHER" "$W/tree"

# auto KERNEL DAEMON ARGS...: run9p --fs auto --dry-run; stderr+stdout in
# OUT, status in RC.
auto() {
	local k=$1 d=$2
	shift 2
	OUT=$("$RUN9P" -k "$W/$k/vmlinuz" -i "$W/initrd.img" -r "$W/tree" --accel tcg --no-pvh \
		--dry-run --fs auto --virtiofsd "$W/$d" "$@" 2>&1) && RC=0 || RC=$?
}
# auto_loop KERNEL DAEMON ARGS...: the same for the loop (no -i).
auto_loop() {
	local k=$1 d=$2
	shift 2
	OUT=$("$RUN9P" -k "$W/$k/vmlinuz" --accel tcg --no-pvh \
		--dry-run --fs auto --virtiofsd "$W/$d" "$@" 2>&1) && RC=0 || RC=$?
}
# picked FS WORDS: run9p said "--fs auto: FS: ...WORDS..." on one line and
# booted with rootfstype=FS.
picked() {
	[ "$RC" = 0 ] && grep -qE "^run9p: --fs auto: $1: .*$2" <<<"$OUT" &&
		grep -q " rootfstype=$1" <<<"$OUT" &&
		[ "$(grep -c '^run9p: --fs auto' <<<"$OUT")" = 1 ]
}
refused() { [ "$RC" != 0 ] && grep -qF -- "$1" <<<"$OUT"; }
# as_other CMD...: CMD as uid 4242 when root, else as ourselves.
as_other() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=$OTHER --regid=$OTHER --clear-groups -- env HOME=/nonexistent "$@"
	else
		"$@"
	fi
}

auto both vfs-rust
c_both_rust_virtiofs_why() { picked virtiofs "config-$KV has virtiofs and $W/vfs-rust can serve"; }
check "both in the kernel, the Rust daemon: virtiofs, and why" c_both_rust_virtiofs_why
auto cloud vfs-rust
check "no 9p (a cloud kernel), the Rust daemon: virtiofs" picked virtiofs "has virtiofs"
auto only9p vfs-rust
check "no virtiofs in the kernel: 9p, saying so" picked 9p "has no virtiofs \(CONFIG_VIRTIO_FS\)"
auto neither vfs-rust
check "neither 9p nor virtiofs: refused, naming both" \
	refused "has neither 9p (CONFIG_9P_FS) nor virtiofs (CONFIG_VIRTIO_FS)"
auto_loop noconfig vfs-rust --modules "$W/mods" -r "$W/tree"
c_module_tree_virtiofs() { picked virtiofs "$M has virtiofs"; }
check "no config, a module tree with virtiofs.ko: virtiofs, from the tree" c_module_tree_virtiofs
auto noconfig vfs-rust
check "nothing says what the kernel has: 9p, saying so" picked 9p "nothing says whether kernel"
auto_loop both vfs-rust --host-root --modules "$W/mods"
check "--host-root keeps 9p (its overlay is 9p's)" picked 9p "are 9p's"
auto both vfs-old
check "a Rust daemon without --uid-map: 9p, saying so" picked 9p "has no --uid-map"
OUT=$(as_other "$RUN9P" -k "$W/both/vmlinuz" -i "$W/initrd.img" -r "$W/tree" --accel tcg --no-pvh \
	--dry-run --fs auto --virtiofsd "$W/vfs-c" 2>&1) && RC=0 || RC=$?
check "as a user, only QEMU's C daemon: 9p (it runs only as root)" picked 9p "runs only as root"
OUT=$(as_other "$RUN9P" -k "$W/cloud/vmlinuz" -i "$W/initrd.img" -r "$W/tree" --accel tcg --no-pvh \
	--dry-run --fs auto --virtiofsd "$W/vfs-c" 2>&1) && RC=0 || RC=$?
c_user_cloud_c_daemon_refused() {
	refused "has no 9p (CONFIG_9P_FS), and $W/vfs-c (QEMU's C virtiofsd) runs only as root" &&
		refused "run9p: try: the Rust virtiofsd"
}
check "as a user, a cloud kernel, only the C daemon: refused, naming the daemon and what to do" c_user_cloud_c_daemon_refused
OUT=$(as_other "$RUN9P" -k "$W/both/vmlinuz" -i "$W/initrd.img" -r "$W/tree" --accel tcg --no-pvh \
	--dry-run --fs virtiofs --virtiofsd "$W/vfs-c" 2>&1) && RC=0 || RC=$?
c_user_virtiofs_c_daemon_refused() {
	refused "(QEMU's C virtiofsd) as " && refused "it runs only as root" &&
		refused "try: the Rust virtiofsd, which runs as an ordinary user"
}
check "as a user, --fs virtiofs with the C daemon: refused, naming it and the Rust one" c_user_virtiofs_c_daemon_refused
OUT=$(as_other "$RUN9P" -k "$W/both/vmlinuz" -i "$W/initrd.img" -r "$W/tree" --accel tcg --no-pvh \
	--dry-run --fs virtiofs --ro --virtiofsd "$W/vfs-rust" 2>&1) && RC=0 || RC=$?
c_user_rust_maps_to_0() {
	[ "$RC" = 0 ] && grep -qE "^$W/vfs-rust .*--readonly --uid-map=:0:[0-9]+:1: --gid-map=:0:[0-9]+:1: &" <<<"$OUT" &&
		! grep -q -- --inode-file-handles <<<"$OUT"
}
check "as a user, the Rust daemon: maps the user to 0, --readonly for --ro, no file handles" c_user_rust_maps_to_0
if [ "$(id -u)" = 0 ]; then
	auto both vfs-rust --passthrough-as-root
	c_root_passthrough_daemon_root() {
		grep -qE "^$W/vfs-rust .*--modcaps=-mknod:-setfcap --inode-file-handles=prefer &" <<<"$OUT" &&
			! grep -q -- --uid-map <<<"$OUT"
	}
	check "as root with --passthrough-as-root: the daemon stays root, file handles preferred, no maps" c_root_passthrough_daemon_root
	chown 0:0 "$W/tree"
	OUT=$("$RUN9P" -k "$W/both/vmlinuz" -i "$W/initrd.img" -r "$W/tree" --accel tcg --no-pvh \
		--dry-run --fs virtiofs --virtiofsd "$W/vfs-rust" 2>&1) && RC=0 || RC=$?
	c_root_tree_of_root_refused() { refused "it is root's (0:0)" && refused "try: a tree owned by an ordinary user"; }
	check "as root, a tree of root's without --passthrough-as-root: refused, saying what to do" c_root_tree_of_root_refused
else
	skip "as root with --passthrough-as-root (runs as root only)"
	skip "as root, a tree of root's (runs as root only)"
fi

# mkinitrd9p --fstype auto on real Debian kernels (when the boot suites
# have fetched them): it says what it picked and why.
# mkauto NAME: mkinitrd9p on the cached kernel NAME (bookworm, cloud);
# its stderr in OUT; 2 when that kernel is not cached.
mkauto() {
	local KVER KERNEL_BASE
	[ -f "$KCACHE/$1.env" ] && [ -x build/mkinitrd9p ] || return 2
	# shellcheck disable=SC1090 # fetch-kernel.sh's assignments
	. "$KCACHE/$1.env"
	[ -d "$KERNEL_BASE/lib/modules/$KVER" ] || return 2
	OUT=$(build/mkinitrd9p -k "$KVER" -b "$KERNEL_BASE" -o "$W/$1.img" 2>&1) && RC=0 || RC=$?
}
if mkauto bookworm; then
	c_mkauto_debian_9p() {
		[ "$RC" = 0 ] && grep -q "^mkinitrd9p: --fstype auto: a 9p image (the kernel has virtiofs too: --modules=virtiofs" <<<"$OUT"
	}
	check "mkinitrd9p --fstype auto, Debian's kernel (both): 9p, saying virtiofs is there too" c_mkauto_debian_9p
else
	skip "mkinitrd9p --fstype auto, Debian's kernel (not cached: tests/boot fetch it)"
fi
if mkauto cloud; then
	c_mkauto_cloud_virtiofs() { [ "$RC" = 0 ] && grep -q "^mkinitrd9p: --fstype auto: a virtiofs image (the kernel has no 9p)" <<<"$OUT"; }
	check "mkinitrd9p --fstype auto, Debian's cloud kernel (no 9p): virtiofs, saying why" c_mkauto_cloud_virtiofs
else
	skip "mkinitrd9p --fstype auto, Debian's cloud kernel (not cached: tests/boot fetch it)"
fi
t_done run9p-vfsauto
