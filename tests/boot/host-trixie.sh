#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/boot/host-trixie.sh - Debian 13 as the host (#27): root9p built
# with trixie's gcc and klibc (O=build/trixie) and run by trixie's QEMU 10
# and Rust virtiofsd, inside the cached trixie tree (scripts/host-env.sh:
# chroot in a private mount namespace; nothing installed on the machine).
#
#   tests/boot/host-trixie.sh [--kernels "bookworm trixie"]
#
# On the machine it makes or reuses the tree, fetches the kernels into the
# shared cache (the tree has no apt sources for them) and runs itself in
# the tree (--inside). There it says which host it is (INFO lines), builds,
# runs `make unit`, boots a tiny probe root on each kernel through
# scripts/run9p: 9p (passthrough, mapped-xattr as an ordinary user through
# QEMU 10's -run-with user=), --ro, the loop (-- CMD) plain and under
# --overlay tmpfs, and virtiofs with the Rust virtiofsd; and runs the
# unlink probe on each 9p server and on virtiofs, against QEMU 7.2's
# known answer. Needs root (chroot). Ends with
# "host-trixie: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
KERNELS="bookworm trixie"
. tests/boot/lib.sh
NAME=host-trixie
# QEMU 7.2's 9p server on an unlinked open file (Debian 12, measured by
# tests/boot/mkroot9p.sh): the one call that fails is ftruncate.
UNLINK_72="fstat ok read ok write ok ftruncate failed: No such file or directory"

# Checks of one kernel: 2 images, 9p passthrough 6, mapped-xattr 3, --ro 3,
# the loop 3, the loop with --overlay tmpfs 2, virtiofs 4, virtiofs as an
# ordinary user 6 (vfsuser_kernel).
PER_KERNEL=$((2 + 6 + 3 + 3 + 3 + 2 + 4 + 6))
# Once: the probe roots, the dry runs of QEMU's user option and of the
# virtiofs daemon, the user's virtiofs root and its dry runs (vfsuser_once).
ONCE=$((3 + 4))

# --- on the machine: the tree, the kernels, then the suite inside -----------
outside() {
	local tree k env_text
	LOG=
	if [ "$(id -u)" != 0 ]; then
		t_plan 1
		skip "$NAME: the trixie tree runs through chroot: run as root"
		t_done $NAME
		exit
	fi
	# The first run builds the tree (mmdebstrap, minutes); later ones reuse it.
	if ! tree=$(scripts/host-env.sh build); then
		t_plan 1
		fail "$NAME: make the trixie host tree (scripts/host-env.sh build; its messages above)"
		t_done $NAME
		exit 1
	fi
	WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/root9p-$NAME.XXXXXX") || exit 2
	# QEMU runs as an ordinary user for mapped-xattr: it must reach the root.
	chmod 0755 "$WORK"
	for k in $KERNELS; do
		if env_text=$(scripts/fetch-kernel.sh --env "$k"); then
			printf '%s\n' "$env_text" >"$WORK/$k.env"
		else
			echo "$NAME: fetch the $k kernel failed (message above)" >&2
		fi
	done
	exec scripts/host-env.sh run -- tests/boot/host-trixie.sh --inside "$tree" "$WORK" "$KERNELS"
}

# --- inside the tree ---------------------------------------------------------

# info WHAT TEXT: which host this is, for the log (never a check).
info() { echo "INFO $1: $2"; }

host_identity() {
	local qv
	info host "Debian $(cat /etc/debian_version) in $TREE"
	qv=$(qemu-system-x86_64 --version | head -n 1)
	info qemu "$qv"
	info virtiofsd "$( (command -v virtiofsd || echo /usr/libexec/virtiofsd) | head -n 1) $(/usr/libexec/virtiofsd --version 2>&1 | head -n 1)"
	info dracut "$(dpkg-query -W -f '${Version}' dracut-core)"
	info initramfs-tools "$(dpkg-query -W -f '${Version}' initramfs-tools)"
	info gcc "$(gcc -dumpfullversion)"
	info klibc "$(dpkg-query -W -f '${Version}' libklibc-dev)"
	info libvirt "$(dpkg-query -W -f '${Version}' libvirt-daemon)"
	check "the host is Debian 13 (/etc/debian_version 13.x)" grep -q '^13\.' /etc/debian_version
	QEMU_MAJOR=$(sed -n 's/^QEMU emulator version \([0-9]*\)\..*/\1/p' <<<"$qv")
	check "its QEMU is 10.x" [ "${QEMU_MAJOR:-0}" = 10 ]
	local help
	help=$(qemu-system-x86_64 -help)
	case $(grep -c '^-runas' <<<"$help"):$(grep -c '^-run-with.*user=' <<<"$help") in
	0:0) info qemu-options "neither -runas nor -run-with user=: QEMU cannot drop root" ;;
	0:*) info qemu-options "-runas is gone: -run-with user= drops root (run9p uses it)" ;;
	*:0) info qemu-options "-runas only (before 9.1): run9p uses it" ;;
	*) info qemu-options "-runas still listed beside -run-with user= (run9p uses the latter)" ;;
	esac
}

# build_and_unit: root9p with trixie's toolchain in $O, then `make unit`
# there, its counts as this suite's.
build_and_unit() {
	local line p f s
	LOG=$WORK/logs/build.log
	c_build_trixie_gcc_klibc() { nice -n 10 make -j2 O="$O" all "$O/klibc/unlinkprobe" "$O/mkroot9p-convert" >"$LOG" 2>&1; }
	check "build with trixie's gcc and klibc (make O=$O)" c_build_trixie_gcc_klibc
	LOG=$WORK/logs/unit.log
	nice -n 10 make -s O="$O" unit >"$LOG" 2>&1
	line=$(t_result "$LOG")
	if [ -z "$line" ]; then
		fail "make unit O=$O: no closing line"
		return
	fi
	read -r p f s <<<"$line"
	T_PASS=$((T_PASS + p)) T_FAIL=$((T_FAIL + f)) T_SKIP=$((T_SKIP + s))
	echo "  make unit O=$O: $p passed, $f failed, $s skipped (counted here)"
	[ "$f" = 0 ] || grep -E '^ *FAIL' "$LOG" | sed 's/^/  unit: /'
}

# unlink_report LABEL: the unlink probe's four answers, said against
# QEMU 7.2's; true when all four were reported.
unlink_report() {
	local got
	got=$(probe unlink | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "$UNLINK_72" ]; then
		info "unlink $1" "$got (as QEMU 7.2's 9p)"
	else
		info "unlink $1" "$got (QEMU 7.2's 9p: $UNLINK_72)"
	fi
	[ "$(probe unlink | grep -cE '^(fstat|read|write|ftruncate) (ok|failed)')" = 4 ]
}

# The probe roots: root's (passthrough, virtiofs) and an ordinary user's
# copy (mapped-xattr: QEMU runs as the tree's owner).
make_roots() {
	LOG=
	ROOT=$WORK/root
	UROOT=$WORK/root-user
	c_tiny_probe_roots_made() {
		scripts/mkroot-tiny.sh "$ROOT" "$O/klibc/mount9p" "$O/klibc/unlinkprobe" >/dev/null &&
			cp -a "$ROOT" "$UROOT" &&
			MKROOT9P_CONVERT=$PWD/$O/mkroot9p-convert scripts/mkroot9p convert "$UROOT" --to mapped-xattr --owner 65534:65534 >"$LOGDIR/convert.log" 2>&1
	}
	check "the tiny probe roots are made (root's and uid 65534's)" c_tiny_probe_roots_made
}

# dry_runs IMG VIMG: the commands run9p would run, with real files (it
# checks the kernel and the initrd first).
dry_runs() {
	local out
	LOG=
	out=$("$RUN9P" --dry-run --accel tcg -k "$KERNEL_IMAGE" -i "$1" -r "$UROOT" 2>&1)
	c_qemu_10_told_run() { grep -q -- "-run-with user=65534:65534" <<<"$out" && ! grep -q -- " -runas " <<<"$out"; }
	check "QEMU 10 is told -run-with user=65534:65534, not -runas" c_qemu_10_told_run
	out=$("$RUN9P" --dry-run --accel tcg -k "$KERNEL_IMAGE" -i "$2" -r "$ROOT" --fs virtiofs --passthrough-as-root 2>&1)
	c_run9p_picks_trixie_rust() { grep -qE "^/usr/libexec/virtiofsd --socket-path=.* --shared-dir=.* --sandbox=namespace" <<<"$out"; }
	check "run9p picks trixie's Rust virtiofsd (--shared-dir, --sandbox=namespace)" c_run9p_picks_trixie_rust
}

# run_loop NAME RUN9P-ARGS...: the loop, stdout, stderr and exit code apart.
run_loop() {
	local name=$1
	shift
	echo "run $name"
	LOG=$LOGDIR/$name.err
	RC=0
	"$RUN9P" --accel tcg --timeout "$BOOT_TIMEOUT" --passthrough-as-root "$@" </dev/null \
		>"$LOGDIR/$name.out" 2>"$LOGDIR/$name.err" || RC=$?
	OUT=$(cat "$LOGDIR/$name.out")
	ERR=$(grep -v '^run9p: warning: --passthrough-as-root' "$LOGDIR/$name.err")
}

one_kernel() {
	local img=$WORK/$K.img vimg=$WORK/$K-vfs.img token mi before
	cache_words "$KVER"
	LOG=$LOGDIR/$K-mkinitrd.log
	c_mkinitrd9p_trixie_build_makes() { "$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/klibc/init9p" --modules=overlay -o "$img" 2>"$LOG"; }
	check "$K: mkinitrd9p (trixie build) makes a 9p image with overlay" c_mkinitrd9p_trixie_build_makes
	c_mkinitrd9p_trixie_build_makes_2() { "$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/klibc/init9p" --fstype=virtiofs -o "$vimg" 2>>"$LOG"; }
	check "$K: mkinitrd9p (trixie build) makes a virtiofs image" c_mkinitrd9p_trixie_build_makes_2
	if [ "$DRY_DONE" = 0 ]; then
		dry_runs "$img" "$vimg"
		DRY_DONE=1
	fi

	# 9p, passthrough (QEMU as root), /tmp on the 9p root for the probe.
	token=pt-$K-$RANDOM
	rm -f "$ROOT/out/written"
	boot "$K-9p" -k "$KERNEL_IMAGE" -i "$img" -r "$ROOT" -a "root9p.tmp=off probe.token=$token panic=-1"
	mi=$(mountinfo_of /)
	check "$K 9p: the guest ran the probe to the end" probe_is "done" yes
	check "$K 9p: / is 9p from tag fsRoot, rw" grep -qE '^[0-9]+ [0-9]+ [0-9:]+ / / rw.* - 9p fsRoot ' <<<"$mi"
	check "$K 9p: msize clamped to the virtio maximum (512000)" grep -q 'msize=512000' <<<"$mi"
	check "$K 9p: init9p said what it mounted" \
		grep -qE "init9p: mounted fsRoot on /root in [0-9]+ ms \(rw msize=512000 cache=$CACHE_WORD" <(console)
	c_9p_guest_write_reached() { [ "$(cat "$ROOT/out/written" 2>/dev/null)" = "$token" ]; }
	check "$K 9p: the guest's write reached the host" c_9p_guest_write_reached
	check "$K 9p: the unlink probe answered on QEMU 10's 9p root (passthrough)" unlink_report "$K 9p passthrough"

	# 9p, mapped-xattr: QEMU drops to the tree's owner (-run-with user=).
	token=mx-$K-$RANDOM
	rm -f "$UROOT/out/written"
	boot "$K-mapped" -k "$KERNEL_IMAGE" -i "$img" -r "$UROOT" --security-model mapped-xattr \
		-a "root9p.tmp=off probe.token=$token panic=-1"
	c_mapped_xattr_probe_ran() { probe_is "done" yes && grep -qE " / / rw.* - 9p fsRoot " <<<"$(mountinfo_of /)"; }
	check "$K mapped-xattr: the probe ran on a rw 9p root" c_mapped_xattr_probe_ran
	c_mapped_xattr_write_reached() { [ "$(cat "$UROOT/out/written" 2>/dev/null)" = "$token" ] && [ "$(stat -c %u "$UROOT/out/written")" = 65534 ]; }
	check "$K mapped-xattr: the write reached the host as QEMU's user 65534" c_mapped_xattr_write_reached
	check "$K mapped-xattr: the unlink probe answered (QEMU 10, mapped-xattr)" unlink_report "$K 9p mapped-xattr"

	# --ro: QEMU serves the share read-only; nothing changes.
	rm -f "$ROOT/out/written"
	before=$(treesum "$ROOT")
	boot "$K-ro" -k "$KERNEL_IMAGE" -i "$img" -r "$ROOT" --ro -a "probe.token=ro panic=-1"
	check "$K ro: / is mounted read-only" grep -qE '^[0-9]+ [0-9]+ [0-9:]+ / / ro' <<<"$(mountinfo_of /)"
	check "$K ro: the guest could not write" probe_is write failed
	c_ro_root_directory_unchanged() { [ "$before" = "$(treesum "$ROOT")" ] && [ ! -e "$ROOT/out/written" ]; }
	check "$K ro: the root directory is unchanged" c_ro_root_directory_unchanged

	# The loop: CMD's exit code, stdout and stderr apart.
	run_loop "$K-loop" -k "$KERNEL_IMAGE" --modules "$MODDIR" -r "$ROOT" -- \
		sh -c 'echo out; echo err >&2; exit 7'
	check "$K loop: -- sh -c '...; exit 7' exits 7" [ "$RC" = 7 ]
	check "$K loop: stdout is exactly 'out'" [ "$OUT" = out ]
	check "$K loop: stderr is exactly 'err'" [ "$ERR" = err ]

	# The loop over a tmpfs overlay: the guest writes, the host keeps its files.
	before=$(treesum "$ROOT")
	run_loop "$K-overlay" -k "$KERNEL_IMAGE" --modules "$MODDIR" -r "$ROOT" --overlay tmpfs -- \
		sh -c 'echo changed >/etc/hostname && cat /etc/hostname && awk "\$5 == \"/\" { print \$9 }" /proc/self/mountinfo'
	c_overlay_overlay_guest_write() {
		[ "$RC" = 0 ] && [ "$OUT" = "changed
overlay" ]
	}
	check "$K overlay: / is overlay in the guest and its write worked" c_overlay_overlay_guest_write
	c_overlay_root_directory_unchanged() { [ "$before" = "$(treesum "$ROOT")" ] && [ "$(cat "$ROOT/etc/hostname")" = tiny9p ]; }
	check "$K overlay: the root directory is unchanged" c_overlay_root_directory_unchanged

	# virtiofs with trixie's Rust virtiofsd (as root: --passthrough-as-root).
	token=vfs-$K-$RANDOM
	rm -f "$ROOT/out/written"
	boot "$K-virtiofs" -k "$KERNEL_IMAGE" -i "$vimg" -r "$ROOT" --fs virtiofs \
		-a "probe.token=$token panic=-1"
	c_virtiofs_virtiofs_from_tag() { probe_is "done" yes && grep -qE " / / rw.* - virtiofs fsRoot " <<<"$(mountinfo_of /)"; }
	check "$K virtiofs: / is virtiofs from tag fsRoot, rw, the probe ran" c_virtiofs_virtiofs_from_tag
	c_virtiofs_guest_write_reached() { [ "$(cat "$ROOT/out/written" 2>/dev/null)" = "$token" ]; }
	check "$K virtiofs: the guest's write reached the host" c_virtiofs_guest_write_reached
	check "$K virtiofs: the unlink probe answered (Rust virtiofsd)" unlink_report "$K virtiofs"
	c_virtiofs_virtiofsd_was_stopped() { ! pgrep -f "virtiofsd.*$ROOT" >/dev/null; }
	check "$K virtiofs: virtiofsd was stopped with the guest" c_virtiofs_virtiofsd_was_stopped
}

# --- virtiofs as an ordinary user (the Rust virtiofsd's user namespace) ---
# uid 65534 runs run9p (setpriv: no passwd entry needed) on a copy of the
# probe root that it owns; its own run9p cache, kernel and images, which
# it can read. The root's init says what the guest sees and does.
VFSU=65534:65534

# vfsuser_once: the root, the kernel files for the user, and the dry runs
# of the daemon's command line (as the user; as root for the user's tree).
# shellcheck disable=SC2034 # out: read by the evals
vfsuser_once() {
	local out
	LOG=
	VROOT=$WORK/root-vfsuser
	c_user_virtiofs_root_uid_65534() { vfsuser_root "$VROOT"; }
	check "the user's virtiofs root (uid 65534's copy, its own init)" c_user_virtiofs_root_uid_65534
	out=$(vfsuser_run9p --dry-run -k "$VK" -i "$VIMG" -r "$VROOT" --fs virtiofs 2>&1)
	c_user_virtiofsd_sandbox_namespace_maps() { grep -qE "^/usr/libexec/virtiofsd .*--sandbox=namespace .*--uid-map=:0:65534:1: --gid-map=:0:65534:1:" <<<"$out"; }
	check "as a user: virtiofsd --sandbox=namespace maps the user to the guest's root" c_user_virtiofsd_sandbox_namespace_maps
	out=$("$RUN9P" --dry-run --accel tcg -k "$VK" -i "$VIMG" -r "$VROOT" --fs virtiofs 2>&1)
	c_root_virtiofsd_drops_tree_owner() { grep -qE "^setpriv --reuid=65534 --regid=65534 --clear-groups -- /usr/libexec/virtiofsd .*--uid-map=:0:65534:1:" <<<"$out"; }
	check "as root: virtiofsd drops to the tree's owner (setpriv), with the same maps" c_root_virtiofsd_drops_tree_owner
	out=$(vfsuser_run9p --dry-run -k "$VK" -i "$VIMG" -r "$VROOT" --fs auto 2>&1)
	c_user_fs_auto_picks_virtiofs() { grep -q "^run9p: --fs auto: virtiofs: .* has virtiofs and /usr/libexec/virtiofsd can serve" <<<"$out" &&
			grep -q " rootfstype=virtiofs" <<<"$out"; }
	check "as a user: --fs auto picks virtiofs (virtiofs in the kernel, the Rust daemon) and says so" c_user_fs_auto_picks_virtiofs
}

# vfsuser_root DIR: the probe root, owned by $VFSU, with /usr/bin/env and
# an init that reports ownership and a write (probe.remount: after
# making / rw again, as a guest told ro may).
vfsuser_root() {
	cp -a "$ROOT" "$1" && mkdir -p "$1/usr/bin" && ln "$1/bin/busybox" "$1/usr/bin/env" &&
		cat >"$1/sbin/init" <<'INIT' && chown -R "$VFSU" "$1"
#!/bin/sh
export PATH=/bin:/sbin
say() { echo "<5>@@ $*" >/dev/kmsg; }
mount -t proc proc /proc
while read -r id parent devno fsroot mnt rest; do
	[ "$mnt" = / ] && say mountinfo "$id $parent $devno $fsroot $mnt $rest"
done </proc/self/mountinfo
say own "$(stat -c %u:%g /usr/bin/env /etc/passwd | tr '\n' ' ')"
if grep -q probe.remount /proc/cmdline; then
	mount -o remount,rw / 2>/dev/null
	say remount "$?"
fi
if err=$( (echo made >/out/made) 2>&1); then
	say write ok
	say made "$(stat -c %u:%g /out/made)"
	sync
else
	say write "failed: $err"
fi
say done yes
poweroff -f
INIT
}

# vfsuser_run9p ARGS...: run9p as $VFSU with its own cache.
vfsuser_run9p() {
	setpriv --reuid="${VFSU%:*}" --regid="${VFSU#*:}" --clear-groups -- \
		env HOME=/nonexistent ROOT9P_CACHE="$WORK/cache-vfsuser" \
		"$RUN9P" --accel tcg "$@"
}

# vfsuser_boot NAME RUN9P-ARGS...: boot as $VFSU (LOG, RC as boot does).
vfsuser_boot() {
	local name=$1
	shift
	LOG=$LOGDIR/$name.log
	echo "boot $name (uid ${VFSU%:*})"
	vfsuser_run9p --timeout "$BOOT_TIMEOUT" "$@" </dev/null >"$LOG" 2>&1 && RC=0 || RC=$?
}

# vfsuser_files IMG: the kernel (and its config: PVH), the virtiofs image
# where the user can read them (VK, VIMG).
vfsuser_files() {
	VK=$WORK/vfsuser-$K/${KERNEL_IMAGE##*/}
	VIMG=$WORK/vfsuser-$K/virtiofs.img
	mkdir -p "$WORK/vfsuser-$K" "$WORK/cache-vfsuser" && chown "$VFSU" "$WORK/cache-vfsuser" &&
		cp "$KERNEL_IMAGE" "$VK" && cp "$1" "$VIMG" &&
		{ [ ! -f "$KERNEL_BASE/boot/config-$KVER" ] || cp "$KERNEL_BASE/boot/config-$KVER" "${VK%/*}/"; } &&
		chmod -R a+rX "$WORK/vfsuser-$K"
}

# vfsuser_kernel: the demonstration of #27: an ordinary user's tree boots
# over virtiofs; the guest's root owns the system files and what it
# makes; on the host all of it stays the user's (nothing of root's);
# --ro: the guest's write fails (EROFS) and nothing changes.
vfsuser_kernel() {
	local before
	rm -f "$VROOT/out/made"
	vfsuser_boot "$K-vfsuser" -k "$VK" -i "$VIMG" -r "$VROOT" --fs virtiofs -a "panic=-1"
	c_vfs_user_tree_uid_65534() { probe_is "done" yes && grep -qE " / / rw.* - virtiofs fsRoot " <<<"$(mountinfo_of /)"; }
	check "$K vfs user: a tree of uid 65534 boots over virtiofs, run9p run by that user" c_vfs_user_tree_uid_65534
	check "$K vfs user: the guest sees /usr/bin/env and /etc/passwd as 0:0" probe_is own "0:0 0:0 "
	c_vfs_user_file_guest_root() { probe_is write ok && probe_is made 0:0; }
	check "$K vfs user: a file the guest's root makes is 0:0 in the guest" c_vfs_user_file_guest_root
	c_vfs_user_host_that_file() { [ "$(stat -c %u:%g "$VROOT/out/made" 2>/dev/null)" = "$VFSU" ]; }
	check "$K vfs user: on the host that file is the user's ($VFSU)" c_vfs_user_host_that_file
	c_vfs_user_after_guest_wrote() { [ -e "$VROOT/out/made" ] && [ -z "$(find "$VROOT" \( -uid 0 -o -gid 0 \) -print -quit)" ]; }
	check "$K vfs user: after the guest wrote, nothing under the tree is root's on the host (find -uid 0 -o -gid 0)" c_vfs_user_after_guest_wrote
	rm -f "$VROOT/out/made"
	# shellcheck disable=SC2034 # read by the eval below
	before=$(treesum "$VROOT")
	vfsuser_boot "$K-vfsuser-ro" -k "$VK" -i "$VIMG" -r "$VROOT" --fs virtiofs --ro -a "probe.remount panic=-1"
	c_vfs_user_ro_guest_write() { probe_is "done" yes && probe_has write "^failed: .*Read-only file system" &&
			[ ! -e "$VROOT/out/made" ] && [ "$before" = "$(treesum "$VROOT")" ]; }
	check "$K vfs user --ro: the guest's write fails (EROFS, / made rw again) and nothing changes" c_vfs_user_ro_guest_write
}

inside() {
	TREE=$1 WORK=$2 KERNELS=$3
	LOGDIR=$WORK/logs
	mkdir -p "$LOGDIR"
	T_CLEAN=(root root-user root-vfsuser 'vfsuser-*' cache-vfsuser '*.img')
	t_traps
	echo "$NAME: work dir $WORK"
	O=build/trixie
	# run9p's loop finds its programs in the trixie build, not build/.
	export MKINITRD9P=$PWD/$O/mkinitrd9p PAYLOAD9P=$PWD/$O/klibc/payload9p
	host_identity
	build_and_unit
	local nk
	nk=$(wc -w <<<"$KERNELS")
	t_plan $((T_PASS + T_FAIL + T_SKIP + ONCE + nk * PER_KERNEL))
	make_roots
	DRY_DONE=0 VFSU_DONE=0
	for K in $KERNELS; do
		if [ ! -f "$WORK/$K.env" ]; then
			fail "$K: the kernel was not fetched on the machine"
			t_skip $((PER_KERNEL - 1)) "$K: no kernel"
			continue
		fi
		# shellcheck disable=SC1090 # fetch-kernel.sh's assignments
		. "$WORK/$K.env"
		one_kernel
		vfsuser_files "$WORK/$K-vfs.img"
		if [ "$VFSU_DONE" = 0 ]; then
			vfsuser_once
			VFSU_DONE=1
		fi
		vfsuser_kernel
	done
	[ "$DRY_DONE" = 1 ] || t_skip 2 "run9p's dry runs: no kernel to give it"
	[ "$VFSU_DONE" = 1 ] || t_skip 4 "the user's virtiofs root and dry runs: no kernel"
	t_done $NAME
}

if [ "${1:-}" = --inside ]; then
	[ $# = 4 ] || { echo "usage: $0 --inside TREE WORK KERNELS" >&2; exit 2; }
	inside "$2" "$3" "$4"
else
	t_options "$0 [--kernels LIST]" "$@"
	outside
fi
