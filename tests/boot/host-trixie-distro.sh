#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/boot/host-trixie-distro.sh - what a Debian 13 host brings beside
# QEMU (#27), inside the cached trixie tree (scripts/host-env.sh): the
# libvirt virtiofs domain of `run9p --libvirt-xml` booted by trixie's
# libvirtd and its QEMU driver, which starts the Rust virtiofsd itself;
# and images made by trixie's own mkinitramfs and dracut with root9p's
# hooks installed (in the tree's private namespace only), booted on
# trixie's kernel. Checks from inside the guest (the probe's mountinfo)
# and from the host (the file it wrote, the processes left).
#
#   tests/boot/host-trixie-distro.sh
#
# libvirtd runs in the tree's private mount namespace with its own /run;
# its /etc/libvirt, /var/lib/libvirt, /var/log/libvirt and
# /var/cache/libvirt are copies in the work dir mounted over the tree's,
# so the shared tree is never written. Needs root (chroot). Ends with
# "host-trixie-distro: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/boot/lib.sh
. scripts/distro-images.sh
NAME=host-trixie-distro
O=build/trixie
# The plan: the build 2; libvirt 7; initramfs-tools 1 + 6 + 3 (9p and
# virtiofs); dracut 1 + 6.
PLAN=$((2 + 7 + 10 + 7))
# initramfs-tools' udev and dracut's systemd under TCG on a loaded
# machine: 150 s is not enough (the mount came at 90-130 s guest time).
# (scripts/host-env.sh passes no BOOT_TIMEOUT in.)
BOOT_TIMEOUT=400
LV_TIMEOUT=$BOOT_TIMEOUT

# --- on the machine: the tree, the kernel, then the suite inside -------------
outside() {
	LOG=
	if [ "$(id -u)" != 0 ]; then
		t_plan $PLAN
		t_skip_rest "$NAME: the trixie tree runs through chroot: run as root"
		t_done $NAME
		exit
	fi
	if ! scripts/host-env.sh build >/dev/null; then
		t_plan $PLAN
		fail "$NAME: make the trixie host tree (scripts/host-env.sh build; its messages above)"
		t_skip_rest "no trixie tree"
		t_done $NAME
		exit 1
	fi
	WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/root9p-$NAME.XXXXXX") || exit 2
	# QEMU runs as libvirt-qemu: it must reach the kernel and the image.
	chmod 0755 "$WORK"
	if ! scripts/fetch-kernel.sh --env trixie >"$WORK/trixie.env"; then
		t_plan $PLAN
		fail "$NAME: fetch the trixie kernel (message above)"
		t_skip_rest "no trixie kernel"
		t_done $NAME
		exit 1
	fi
	exec scripts/host-env.sh run -- tests/boot/host-trixie-distro.sh --inside "$WORK"
}

# --- inside the tree ---------------------------------------------------------

# build: root9p with trixie's toolchain, and `make install` into a stage
# (what the packages install: the hooks, mount9p in /usr/lib/root9p).
build_stage() {
	LOG=$LOGDIR/build.log
	c_build_with_trixie_gcc_klibc() { nice -n 10 make -j2 O="$O" all >"$LOG" 2>&1; }
	check "build with trixie's gcc and klibc (make O=$O)" c_build_with_trixie_gcc_klibc
	# shellcheck disable=SC2034 # read by the eval below and the images' sections
	STAGE=$WORK/stage
	c_make_install_prefix_usr_destdir() { make -s install O="$O" PREFIX=/usr DESTDIR="$STAGE" >>"$LOG" 2>&1; }
	check "make install PREFIX=/usr DESTDIR=stage (O=$O)" c_make_install_prefix_usr_destdir
}

# lv_cleanup: one path for what the libvirt section starts: the domain,
# then libvirtd; QEMU or virtiofsd left behind are named, then killed.
LVD_PID='' LV_NAME=''
lv_cleanup() {
	if [ -n "$LVD_PID" ]; then
		virsh -q -c qemu:///system destroy "$LV_NAME" >/dev/null 2>&1
		kill "$LVD_PID" 2>/dev/null
		wait "$LVD_PID" 2>/dev/null
		LVD_PID=
	fi
	local left
	left=$(pgrep -f "qemu-system.*$LV_NAME|virtiofsd.*$WORK" || true)
	if [ -n "$left" ]; then
		echo "$NAME: killing what libvirt left: $left" >&2
		# shellcheck disable=SC2086 # one pid a word
		kill -9 $left 2>/dev/null
	fi
	return 0
}

# lv_private: libvirt's configuration and state as copies in $WORK mounted
# over the tree's (this is the tree's private mount namespace); qemu.conf
# without cgroups (no systemd-machined here), QEMU's mount namespace, or
# virtlogd (QEMU's output to a file).
lv_private() {
	local d
	for d in /etc/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt; do
		mkdir -p "$WORK/lv$d"
		cp -a "$d/." "$WORK/lv$d/" && mount --bind "$WORK/lv$d" "$d" || return 1
	done
	printf '%s\n' 'stdio_handler = "file"' 'cgroup_controllers = [ ]' 'namespaces = [ ]' \
		>>/etc/libvirt/qemu.conf
}

# lv_wait_socket SECONDS: until libvirtd answers.
lv_wait_socket() {
	local n=0
	while ! virsh -q -c qemu:///system version >/dev/null 2>&1; do
		n=$((n + 1))
		[ "$n" -lt $(($1 * 2)) ] && kill -0 "$LVD_PID" 2>/dev/null || return 1
		sleep 0.5
	done
}

# libvirt: run9p's virtiofs domain, booted by libvirtd (#27).
section_libvirt() {
	# shellcheck disable=SC2034 # img, token, qemu_log: read by the eval'd checks
	local img=$WORK/vfs.img xml=$WORK/vfs.xml token=lv-$RANDOM-$$ n qemu_log
	ROOT=$WORK/root-lv
	scripts/mkroot-tiny.sh "$ROOT" "$O/klibc/mount9p" >/dev/null
	# QEMU runs as libvirt-qemu: a kernel it can read (the cache is root's).
	cp "$KERNEL_IMAGE" "$WORK/vmlinuz" && chmod 0644 "$WORK/vmlinuz"
	LOG=$LOGDIR/lv-run9p.log
	c_libvirt_run9p_fs_virtiofs_libvirt() { "$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/klibc/init9p" --fstype=virtiofs -o "$img" 2>"$LOG" &&
			"$RUN9P" -k "$WORK/vmlinuz" -i "$img" -r "$ROOT" --accel tcg --fs virtiofs --passthrough-as-root \
				--libvirt-xml "$xml" --libvirt-serial "$WORK/lv-console.log" \
				-a "probe.token=$token probe.hold panic=-1 no_timer_check" 2>>"$LOG" &&
			grep -q "<domain type=.qemu.>" "$xml"; }
	check "libvirt: run9p --fs virtiofs --libvirt-xml writes a TCG domain (type qemu)" c_libvirt_run9p_fs_virtiofs_libvirt
	LV_NAME=$(sed -n 's:.*<name>\(.*\)</name>.*:\1:p' "$xml")
	LOG=$LOGDIR/libvirtd.log
	if ! lv_private; then
		fail "libvirt: libvirt's state copied into the work dir and mounted"
		t_skip 5 "libvirt: no private libvirt state"
		return
	fi
	libvirtd >"$LOG" 2>&1 &
	LVD_PID=$!
	check "libvirt: libvirtd (trixie's $(dpkg-query -W -f '${Version}' libvirt-daemon)) answers on its own /run" \
		lv_wait_socket 60
	LOG=$LOGDIR/lv-create.log
	if ! virsh -c qemu:///system create "$xml" >"$LOG" 2>&1; then
		fail "libvirt: virsh -c qemu:///system create takes the domain"
		t_skip 4 "libvirt: no domain"
		return
	fi
	pass "libvirt: virsh -c qemu:///system create takes the domain"
	LOG=$WORK/lv-console.log
	echo "boot libvirt-virtiofs (libvirtd, QEMU driver, Rust virtiofsd)"
	n=0
	while [ $n -lt $((LV_TIMEOUT * 2)) ] && ! grep -qs '@@ hold' "$LOG"; do
		sleep 0.5; n=$((n + 1))
	done
	echo "  libvirt: create to the probe's hold: $((n / 2)) s"
	# shellcheck disable=SC2034 # read by the eval'd check
	qemu_log=/var/log/libvirt/qemu/$LV_NAME.log
	cp /var/log/libvirt/qemu/* "$LOGDIR/" 2>/dev/null
	c_libvirt_qemu_under_tcg_with() { grep -q -- "-accel tcg" "$qemu_log" && grep -q "vhost-user-fs-pci" "$qemu_log" &&
			pgrep -f "virtiofsd.*$ROOT" >/dev/null; }
	check "libvirt: QEMU under TCG with a vhost-user-fs device, virtiofsd started by libvirt" c_libvirt_qemu_under_tcg_with
	c_libvirt_virtiofs_from_tag_fsroot() { has "@@ hold" && grep -qE " / / rw.* - virtiofs fsRoot " <<<"$(mountinfo_of /)"; }
	check "libvirt: / is virtiofs from tag fsRoot, rw; the probe ran" c_libvirt_virtiofs_from_tag_fsroot
	c_libvirt_guest_write_reached_host() { [ "$(cat "$ROOT/out/written" 2>/dev/null)" = "$token" ]; }
	check "libvirt: the guest's write reached the host" c_libvirt_guest_write_reached_host
	LOG=$LOGDIR/lv-destroy.log
	c_libvirt_virsh_destroy_ends_no() { virsh -c qemu:///system destroy "$LV_NAME" >"$LOG" 2>&1 && sleep 1 &&
			! pgrep -f "qemu-system.*$LV_NAME" >/dev/null && ! pgrep -f "virtiofsd.*$ROOT" >/dev/null; }
	check "libvirt: virsh destroy ends it; no QEMU, no virtiofsd left" c_libvirt_virsh_destroy_ends_no
	lv_cleanup
}

# --- trixie's own initramfs-tools and dracut ---------------------------------

# boot_howto NAME IMG RUN9P-ARGS...: the howto's command line on $ROOT,
# with a fresh token; the caller's ARGS come first (--fs). no_timer_check:
# a TCG guest on a loaded machine can fail x86's IO-APIC timer check and
# panic at once (as run9p's loop and tests/boot/modload.sh say).
boot_howto() {
	local n=$1 img=$2
	shift 2
	TOKEN=$n-$RANDOM-$$
	rm -f "$ROOT/out/written"
	boot "$n" -k "$KERNEL_IMAGE" -i "$img" -r "$ROOT" "$@" --cmdline \
		"root=fsRoot rw rootfstype=${FSTYPE:-9p} rootflags=${FLAGS:-$HOWTO_FLAGS} console=ttyS0 probe.token=$TOKEN panic=-1 no_timer_check"
}

# check_howto LABEL SYSROOT: what the kernel mounted, from inside the guest
# (the probe's mountinfo), after boot_howto: the probe ran, / is 9p from
# fsRoot with the howto's rootflags as this kernel shows them, root9p's
# hook mounted it (mount9p's report), /tmp is its tmpfs, the write
# reached the host.
check_howto() {
	local lbl=$1 sysroot=$2 mi
	mi=$(mountinfo_of /)
	c_probe_ran_end_real_init() { probe_is "done" yes && probe_is pid 1; }
	check "$lbl: the probe ran to the end, the real init as PID 1" c_probe_ran_end_real_init
	check "$lbl: / is 9p from tag fsRoot, rw" grep -qE '^[0-9]+ [0-9]+ [0-9:]+ / / rw.* - 9p fsRoot ' <<<"$mi"
	c_rootflags_msize_clamped_512000_cache() { grep -q "msize=512000" <<<"$mi" && grep -q -- "$CACHE_SHOWN" <<<"$mi" && grep -q posixacl <<<"$mi"; }
	check "$lbl: the rootflags: msize clamped to 512000, cache as 6.12 shows it ($CACHE_SHOWN), posixacl" c_rootflags_msize_clamped_512000_cache
	check "$lbl: root9p's hook mounted it (mount9p's report)" \
		grep -qE "mount9p: mounted fsRoot on $sysroot in [0-9]+ ms" <(console)
	c_tmp_mount9p_tmpfs_mode_1777() { grep -qE " /tmp rw,nosuid,nodev[^ ]* .*- tmpfs " <<<"$(mountinfo_of /tmp)" && probe_is tmpmode 1777; }
	check "$lbl: /tmp is mount9p's tmpfs, mode 1777" c_tmp_mount9p_tmpfs_mode_1777
	c_guest_write_reached_host() { [ "$(cat "$ROOT/out/written" 2>/dev/null)" = "$TOKEN" ]; }
	check "$lbl: the guest's write reached the host" c_guest_write_reached_host
}

# itools: trixie's mkinitramfs with root9p's hooks laid over the tree's
# /usr/share/initramfs-tools (scripts/distro-images.sh: a private
# namespace, as `make install` would put them), MODULES=list.
section_itools() {
	local img=$WORK/it.img
	LOG=$LOGDIR/it.mkinitramfs.log
	itools_conf "$WORK/itconf" MODULES=list
	c_itools_image_root9p_hook() { itools_image "$img" "$WORK/itconf" "$STAGE" >"$LOG" 2>&1 &&
			lsinitramfs "$img" >"$WORK/it.list" 2>/dev/null &&
			grep -qx "usr/sbin/mount9p" "$WORK/it.list" && grep -qx "scripts/9p" "$WORK/it.list"; }
	check "initramfs-tools $(dpkg-query -W -f '${Version}' initramfs-tools): mkinitramfs builds an image with root9p's hook" c_itools_image_root9p_hook
	SIZES+=("initramfs-tools $(stat -c %s "$img" 2>/dev/null || echo 0)")
	if [ ! -s "$img" ]; then
		t_skip $((6 + 3)) "initramfs-tools: no image"
		return
	fi
	boot_howto it-9p "$img"
	check_howto "initramfs-tools 9p" /root
	# The same image, a virtiofs root (the hook adds virtiofs; boot=
	# is chosen from rootfstype), served by the Rust virtiofsd.
	FSTYPE=virtiofs FLAGS=dax=never boot_howto it-virtiofs "$img" --fs virtiofs
	check "initramfs-tools virtiofs: the probe ran to the end" probe_is "done" yes
	check "initramfs-tools virtiofs: / is virtiofs from tag fsRoot, rw, dax=never" \
		grep -qE '^[0-9]+ [0-9]+ [0-9:]+ / / rw.* - virtiofs fsRoot rw,dax=never' <<<"$(mountinfo_of /)"
	c_initramfs_tools_virtiofs_guest_write() { [ "$(cat "$ROOT/out/written" 2>/dev/null)" = "$TOKEN" ]; }
	check "initramfs-tools virtiofs: the guest's write reached the host" c_initramfs_tools_virtiofs_guest_write
}

# dracut: trixie's dracut with 90root9p beside the tree's modules, a
# generic image with systemd in it (the tree has systemd, as a trixie
# host does) and without the big storage modules.
section_dracut() {
	local img=$WORK/dracut.img
	LOG=$LOGDIR/dracut.log
	dracut_tree "$WORK/base" hooks/dracut/90root9p
	c_dracut_systemd_image_90root9p() { ROOT9P_MOUNT9P=$STAGE/usr/sbin/mount9p \
			dracut_image "$img" systemd root9p "$DRACUT_LEAN_OMIT" "$WORK/base" "$WORK" >"$LOG" 2>&1 &&
			lsinitrd "$img" >"$WORK/dracut.list" 2>/dev/null && grep -qE " usr/sbin/mount9p\$" "$WORK/dracut.list" &&
			grep -q "root9p-generator" "$WORK/dracut.list"; }
	check "dracut $(dpkg-query -W -f '${Version}' dracut-core): builds a systemd image with 90root9p" c_dracut_systemd_image_90root9p
	SIZES+=("dracut $(stat -c %s "$img" 2>/dev/null || echo 0)")
	if [ ! -s "$img" ]; then
		t_skip 6 "dracut: no image"
		return
	fi
	boot_howto dracut-9p "$img"
	check_howto "dracut 9p" /sysroot
}

inside() {
	WORK=$1
	LOGDIR=$WORK/logs
	mkdir -p "$LOGDIR"
	T_CLEAN=('root-*' stage '*.img' lv vmlinuz)
	trap 'lv_cleanup; t_cleanup' EXIT
	echo "$NAME: work dir $WORK"
	t_plan $PLAN
	# shellcheck disable=SC1091 # fetch-kernel.sh's assignments
	. "$WORK/trixie.env"
	cache_words "$KVER"
	build_stage
	section_libvirt
	ROOT=$WORK/root-it
	scripts/mkroot-tiny.sh "$ROOT" "$STAGE/usr/sbin/mount9p" >/dev/null
	SIZES=()
	section_itools
	section_dracut
	LOG=
	echo "=== trixie's images for $KVER (B)"
	printf '  %s\n' "${SIZES[@]}"
	t_done $NAME
}

if [ "${1:-}" = --inside ]; then
	[ $# = 2 ] || { echo "usage: $0 --inside WORK" >&2; exit 2; }
	inside "$2"
else
	[ $# = 0 ] || { echo "usage: $0" >&2; exit 2; }
	outside
fi
