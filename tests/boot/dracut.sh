#!/bin/bash
# tests/boot/dracut.sh - dracut 059 (Debian's dracut-core) images with
# root9p's dracut module, booted on a 9p root under QEMU TCG.
#
#   tests/boot/dracut.sh [--no-debian]
#
# First the cmdline hook on the host with dracut's own dracut-lib.sh. Then two images for Debian 12's kernel (no-hostonly; one
# with systemd, one with dracut's script init), both with 90root9p and the
# stock 95virtfs, built from a private copy of dracut's module tree
# (dracutbasedir): the machine's /usr/lib/dracut and /etc/dracut.conf* are
# only read, and checked unchanged at the end. Each image boots
# root=TAG rootfstype=9p, root=virtfs:TAG and a refused rootflags (dracut's
# emergency shell, driven over the console); the systemd image also boots a
# missing tag and a debootstrapped Debian (scripts/mkroot9p) to
# multi-user.target. Images are built by scripts/distro-images.sh (shared
# with bench/, which compares them with the stock 95virtfs images).
# Ends with "dracut: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
O=${O:-build}
. tests/boot/lib.sh
debian_args "$@"
. scripts/distro-images.sh

t_workdir dracut "dracut tests" root debian base tmp '*.img'
# The plan: the hook 7, the images 5, per image kind (script, systemd)
# howto 13, virtfs 9, overlay 3, badflags 6; notag 2, scratch 3, the
# machine's dracut 1; the generator's units 6; the Debian root 5 unless
# --no-debian.
t_plan $((7 + 5 + 2 * (13 + 9 + 3 + 6) + 2 + 3 + 1 + 6 + 5 * DEBIAN))

# What the machine's dracut reads: names, modes, sizes, times, contents.
dracut_sum() {
	find /usr/lib/dracut /etc/dracut.conf /etc/dracut.conf.d -printf '%p %y %m %s %T@ %l\n' 2>/dev/null | sort | md5sum
}

# build NAME systemd|script MODULES: $WORK/NAME.img; BUILD_S, SIZE.
declare -A BUILD_S SIZE
build() {
	local name=$1 t0 rc
	t0=$(date +%s%N)
	ROOT9P_MOUNT9P=$WORK/mount9p dracut_image "$WORK/$name.img" "$2" "$3" "$DRACUT_LEAN_OMIT" "$WORK/base" "$WORK" \
		>"$LOGDIR/$name.dracut.log" 2>&1 && rc=0 || rc=$?
	BUILD_S[$name]=$(awk -v n=$(($(date +%s%N) - t0)) 'BEGIN { printf "%.1f", n / 1e9 }')
	SIZE[$name]=$(stat -c %s "$WORK/$name.img" 2>/dev/null || echo 0)
	lsinitrd "$WORK/$name.img" 2>/dev/null >"$WORK/$name.list"
	[ "$rc" -eq 0 ] && [ "${SIZE[$name]}" -gt 0 ]
}
# in_img NAME PATH: the image has PATH.
in_img() { grep -qE " $2( -> .*)?\$" "$WORK/$1.list"; }

# Console lines without colours (systemd's status lines).
plain() { console | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'; }
said() { plain | grep -qE -- "$1"; }

# Every boot of the probe root: it ran, / is 9p from fsRoot, /tmp is tmpfs.
check_common() {
	local lbl=$1
	check "$lbl: the probe ran to the end" probe_is "done" yes
	check "$lbl: / is 9p from tag fsRoot" grep -qE ' - 9p fsRoot ' <<<"$(mountinfo_of /)"
	c_tmp_tmpfs_nosuid_nodev() { grep -qE " /tmp rw,nosuid,nodev[^ ]* .*- tmpfs " <<<"$(mountinfo_of /tmp)" && probe_is tmpmode 1777; }
	check "$lbl: /tmp is a tmpfs nosuid,nodev, mode 1777" c_tmp_tmpfs_nosuid_nodev
	check "$lbl: mount9p logged the tmpfs" said "mount9p: mounted tmpfs on /sysroot/tmp in [0-9]+ ms \(mode=1777,nosuid,nodev\)"
	c_real_init_pid_1() { probe_is pid 1 && probe_is initramfs_left 0; }
	check "$lbl: the real init is PID 1, nothing of the initramfs left" c_real_init_pid_1
}

# The howto's command line: rootflags honoured, the write reaches the host.
case_howto() {
	local img=$1 kind=$2 lbl="$2 root=fsRoot rootfstype=9p" token=dracut-$RANDOM-$$ before root_mi
	before=$(treesum "$ROOT")
	rm -f "$ROOT/out/written"
	boot "$kind-howto" -k "$KERNEL_IMAGE" -i "$WORK/$img.img" -r "$ROOT" --cmdline \
		"root=fsRoot rw rootfstype=9p rootflags=$HOWTO_FLAGS console=ttyS0 probe.token=$token"
	T_INIT[$img]=$(init_ms)
	root_mi=$(mountinfo_of /)
	check_common "$lbl"
	check "$lbl: msize shows the virtio clamp (512000)" grep -q 'msize=512000' <<<"$root_mi"
	check "$lbl: cache as 6.1 prints it (,mmap,)" grep -q ',mmap,' <<<"$root_mi"
	check "$lbl: posixacl" grep -q 'posixacl' <<<"$root_mi"
	check "$lbl: / is read-write" grep -qE '^[0-9]+ [0-9]+ [0-9:]+ / / rw' <<<"$root_mi"
	check "$lbl: mount9p's note on the msize clamp reached the console" \
		said 'mount9p: note: msize 5000000 requested, kernel uses 512000 \(virtio maximum\)'
	c_guest_write_reached_host() { [ "$(cat "$ROOT/out/written" 2>/dev/null)" = "$token" ]; }
	check "$lbl: the guest's write reached the host" c_guest_write_reached_host
	check "$lbl: nothing else changed in the root directory" [ "$before" = "$(treesum "$ROOT")" ]
	if [ "$kind" = systemd ]; then
		c_root9p_root_service_mounted() { said "mount9p: mounted fsRoot on /sysroot in [0-9]+ ms" && said "Finished root9p-root.service"; }
		check "$lbl: root9p-root.service mounted it through mount9p --root" c_root9p_root_service_mounted
	else
		c_dracut_init_mounted_through() { said "mount9p: mounted fsRoot on /sysroot in [0-9]+ ms" && has "dracut: Mounted root filesystem fsRoot"; }
		check "$lbl: dracut's init mounted it through root9p's hook" c_dracut_init_mounted_through
	fi
}

# An overlay root (#13) through the engine: the module-setup put overlay in.
case_overlay() {
	local img=$1 kind=$2 lbl="$2 root9p.overlay=tmpfs" before
	before=$(treesum "$ROOT")
	rm -f "$ROOT/out/written"
	boot "$kind-overlay" -k "$KERNEL_IMAGE" -i "$WORK/$img.img" -r "$ROOT" --cmdline \
		"root=fsRoot rw rootfstype=9p console=ttyS0 root9p.overlay=tmpfs rd.shell=0 rd.emergency=poweroff"
	check "$lbl: the image has overlayfs" in_img "$img" "usr/lib/modules/$KVER/kernel/fs/overlayfs/overlay.ko"
	check "$lbl: / is overlay on /run/root9p's layers, the lower 9p read-only" c_root_overlay_on_root9p_layers
	check "$lbl: the guest wrote, the host tree is unchanged" c_guest_wrote_host_unchanged
}

# root=virtfs:TAG (95virtfs's syntax, both modules in the image), read-only,
# rootflags honoured where 95virtfs would replace them.
case_virtfs() {
	local img=$1 kind=$2 lbl="$2 root=virtfs:fsRoot ro" before root_mi
	before=$(treesum "$ROOT")
	rm -f "$ROOT/out/written"
	boot "$kind-virtfs" -k "$KERNEL_IMAGE" -i "$WORK/$img.img" -r "$ROOT" --cmdline \
		"root=virtfs:fsRoot ro rootflags=cache=loose,msize=262144 console=ttyS0 probe.token=ro"
	root_mi=$(mountinfo_of /)
	check_common "$lbl"
	c_rootflags_honoured_msize_262144() { grep -q "msize=262144" <<<"$root_mi" && grep -q ",loose," <<<"$root_mi" && grep -q "trans=virtio" <<<"$root_mi"; }
	check "$lbl: rootflags honoured (msize=262144, loose), defaults added" c_rootflags_honoured_msize_262144
	c_read_only_guest_could() { grep -qE "^[0-9]+ [0-9]+ [0-9:]+ / / ro" <<<"$root_mi" && probe_is write failed; }
	check "$lbl: / is read-only, the guest could not write" c_read_only_guest_could
	c_root_directory_unchanged() { [ "$before" = "$(treesum "$ROOT")" ] && [ ! -e "$ROOT/out/written" ]; }
	check "$lbl: the root directory is unchanged" c_root_directory_unchanged
	check "$lbl: 95virtfs's mount hook stayed out (no remount)" hasnt "Remounting fsRoot"
}

# /tmp on a scratch disk by LABEL= (#18): mount9p --root runs blkid9p.
case_scratch() {
	local img=$1 kind=$2 lbl="$2 root9p.tmp=LABEL=scr"
	c_image_has_blkid9p_virtio() {
		in_img "$img" usr/sbin/blkid9p && grep -q "/virtio_blk.ko" "$WORK/$img.list" &&
		 grep -q "/ext4.ko" "$WORK/$img.list"
	}
	check "$lbl: the image has blkid9p, virtio_blk and ext4" c_image_has_blkid9p_virtio
	scratch_disk "$WORK/scr.disk" scr || fail "$lbl: make the disk"
	mapfile -t QARGS < <(disk_args d1 "$WORK/scr.disk")
	qemu_args "${QARGS[@]}"
	boot "$kind-scratch" -k "$KERNEL_IMAGE" -i "$WORK/$img.img" -r "$ROOT" --cmdline \
		"root=fsRoot rw rootfstype=9p console=ttyS0 root9p.tmp=LABEL=scr" "${QARGS[@]}"
	c_tmp_ext4_disk_nosuid() { grep -qE " /tmp rw,nosuid,nodev[^ ]* .*- ext4 /dev/vda " <<<"$(mountinfo_of /tmp)" && probe_is tmpmode 1777; }
	check "$lbl: /tmp is the ext4 disk, nosuid,nodev, mode 1777" c_tmp_ext4_disk_nosuid
	check "$lbl: mount9p found it and said so" said "mount9p: found LABEL=scr on /dev/vda \(ext4\)"
}

# A rootflags the kernel refuses: mount9p's message, dracut's emergency
# shell (driven over the console), nothing mounted, nothing changed.
case_badflags() {
	local img=$1 kind=$2 lbl="$2 bad rootflags" before prompt
	before=$(treesum "$ROOT")
	boot_bg "$kind-badflags" -k "$KERNEL_IMAGE" -i "$WORK/$img.img" -r "$ROOT" --cmdline \
		"root=fsRoot rw rootfstype=9p rootflags=cache=readahead console=ttyS0"
	if [ "$kind" = systemd ]; then prompt="Press Enter for maintenance"; else prompt="Dropping to debug shell."; fi
	if shell_open "$prompt" 200 2; then
		send 'echo SHELL-$((6*7)); cat /proc/mounts; echo END-$((6*7))'
		wait_for "END-42" 60
		send 'echo o > /proc/sysrq-trigger'
	fi
	stop_bg 30
	check "$lbl: stopped with mount9p's message" \
		said 'mount9p: cannot use rootflags: cache=readahead is not a cache mode of Linux 6.1 \(accepted: none, loose, fscache, mmap\)'
	check "$lbl: dracut's emergency shell ran commands" has "SHELL-42"
	c_nothing_mounted_sysroot() { has END-42 && ! said "^fsRoot /sysroot 9p"; }
	check "$lbl: nothing mounted on /sysroot" c_nothing_mounted_sysroot
	check "$lbl: no kernel panic" hasnt "Kernel panic"
	check "$lbl: the root directory is unchanged" [ "$before" = "$(treesum "$ROOT")" ]
	if [ "$kind" = systemd ]; then
		c_root9p_root_service_failed() { said "Failed to start root9p-root.service" && said "Entering emergency mode"; }
		check "$lbl: root9p-root.service failed, emergency mode" c_root9p_root_service_failed
	else
		check "$lbl: dracut said why it stopped" has "dracut: FATAL: mount9p: cannot use rootflags: cache=readahead"
	fi
}

# A tag that is not there (systemd image: root9p.timeout reaches mount9p
# through sysroot.mount): mount9p's message names the tags present.
case_notag() {
	local img=$1 kind=$2 lbl="$2 missing tag"
	boot "$kind-notag" -k "$KERNEL_IMAGE" -i "$WORK/$img.img" -r "$ROOT" --cmdline \
		"root=nosuchtag rootfstype=9p root9p.timeout=3 console=ttyS0 rd.shell=0 rd.emergency=poweroff"
	check "$lbl: mount9p waited root9p.timeout=3 s and named the tags present" \
		said 'mount9p: cannot find the root: mount tag "nosuchtag" not found after 3 s; tags present: fsRoot'
	c_rd_emergency_poweroff_ended() { [ "$RC" -ne 124 ] && hasnt "Kernel panic" && [ -z "$(probe pid)" ]; }
	check "$lbl: rd.emergency=poweroff ended the boot, no panic" c_rd_emergency_poweroff_ended
}

# A debootstrapped Debian (scripts/mkroot9p) with lib.sh's debian_probe:
# its "@@" lines reach the console through /dev/kmsg.
case_debian() {
	local deb=$WORK/debian lbl="systemd debian"
	if ! scripts/mkroot9p debian "$deb" >"$LOGDIR/mkroot9p.log" 2>&1; then
		LOG=$LOGDIR/mkroot9p.log
		fail "$lbl: scripts/mkroot9p debian builds the root"
		LOG=
		return
	fi
	debian_probe "$deb"
	BOOT_TIMEOUT=400 boot debian -k "$KERNEL_IMAGE" -i "$WORK/systemd.img" -r "$deb" --cmdline \
		"root=fsRoot rw rootfstype=9p rootflags=$HOWTO_FLAGS console=ttyS0"
	check "$lbl: the boot went through root9p-root.service (mount9p --root)" \
		said "mount9p: mounted fsRoot on /sysroot in [0-9]+ ms"
	check "$lbl: systemd reached multi-user.target" probe_is target active
	check "$lbl: / is 9p from fsRoot with the requested options" \
		grep -qE ' / rw,.* - 9p fsRoot .*posixacl.*msize=512000' <<<"$(mountinfo_of /)"
	check "$lbl: /tmp is root9p's tmpfs" grep -qE ' /tmp rw,nosuid,nodev[^ ]* .*- tmpfs ' <<<"$(mountinfo_of /tmp)"
	c_probe_powered_guest_off() { probe_is "done" yes && [ "$RC" -ne 124 ]; }
	check "$lbl: the probe powered the guest off" c_probe_powered_guest_off
	echo "  info $lbl: state $(probe state); failed units: $(probe failed); $(probe initrd)"
}

# --- the cmdline hook on the host, with dracut's real dracut-lib.sh ------------
# parse-root9p.sh as dracut's init sources it, in a private mount namespace
# where a file stands in for /proc/cmdline, /run is a tmpfs and /dev/kmsg a
# file, so die() and mount9p's --kmsg lines touch nothing of the machine.
# Prints rootok, whether the hook died, and the kmsg lines.
hook_run() {
	local d=$WORK/hookrun
	rm -rf "$d"
	mkdir -p "$d/bin" "$d/up" "$d/wk"
	printf '%s\n' "$1" >"$d/cmdline"
	: >"$d/kmsg"
	ln -sf "$WORK/mount9p" "$d/bin/mount9p"
	# dracut's 99base installs dracut-util as dracut-getarg
	ln -sf /usr/lib/dracut/dracut-util "$d/bin/dracut-getarg"
	unshare -m sh -c '
		d=$1 base=/usr/lib/dracut/modules.d/99base
		mount --make-rprivate /
		mount --bind "$d/cmdline" /proc/cmdline
		mount -t tmpfs none /run
		mount --bind "$d/kmsg" /dev/kmsg
		# the image'"'"'s /lib: the libraries where 99base puts them, the
		# hook folders; written into an overlay that ends with us
		lib=$(readlink -f /lib)
		mount -t overlay root9p-hook -o "lowerdir=$lib,upperdir=$d/up,workdir=$d/wk" "$lib"
		cp "$base/dracut-lib.sh" "$base/dracut-dev-lib.sh" "$lib/"
		mkdir -p "$lib/dracut/hooks/emergency" "$lib/dracut/hooks/shutdown-emergency"
		PATH="$d/bin:$PATH" bash -c "
			rootok=
			( . hooks/dracut/90root9p/parse-root9p.sh; echo \"rootok=\$rootok\" )
			echo \"exit=\$?\"
			[ -e /run/initramfs/.die ] && echo died"
		sed "s/^/kmsg: /" "$d/kmsg"' sh "$d" 2>&1
}
# hook_is CMDLINE PATTERN: the output of hook_run matches PATTERN (grep -E).
hook_is() { hook_run "$1" | grep -qE -- "$2"; }

# gen_run CMDLINE [VAR=VALUE...]: root9p-generator.sh on the host, as
# systemd runs it, in a private mount namespace where a file stands in for
# /proc/cmdline and one for /dev/kmsg; the VAR=VALUEs in its environment
# (the kernel hands unknown KEY=VALUE words to init's). Its units in
# $WORK/genrun/early; prints the generator's exit code.
# shellcheck disable=SC2016 # expanded by the inner sh
gen_run() {
	local d=$WORK/genrun cmd=$1
	shift
	rm -rf "$d"
	mkdir -p "$d/bin" "$d/early"
	printf '%s\n' "$cmd" >"$d/cmdline"
	: >"$d/kmsg"
	ln -sf "$WORK/mount9p" "$d/bin/mount9p"
	unshare -m sh -c '
		d=$1
		shift
		mount --make-rprivate /
		mount --bind "$d/cmdline" /proc/cmdline
		mount --bind "$d/kmsg" /dev/kmsg
		env "$@" PATH="$d/bin:$PATH" sh hooks/dracut/90root9p/root9p-generator.sh \
			"$d/normal" "$d/early" "$d/late"
		echo "exit=$?"' sh "$d" "$@" 2>&1
}
# gen_unit NAME KEY: how many KEY= lines the generated unit NAME has.
gen_unit() { grep -c "^$2=" "$WORK/genrun/early/$1"; }
# gen_clean: no generated unit holds a control byte but the line ends.
gen_clean() { ! LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]' "$WORK"/genrun/early/sysroot.mount "$WORK"/genrun/early/root9p-root.service; }

# #29.12: a value the engine refused never reaches a unit file: only
# what mount9p --check approved (the kernel keeps a newline inside
# double quotes, and any other control byte anywhere).
gen_checks() {
	local g=root9p-generator.sh nl='
'
	gen_run "root=fsRoot rootfstype=9p rootflags=aname=x" >/dev/null
	c_good_line_what_fsroot() {
		grep -qx "What=fsRoot" "$WORK/genrun/early/sysroot.mount" &&
		 grep -q "^Options=.*aname=x" "$WORK/genrun/early/sysroot.mount" &&
		 [ "$(gen_unit sysroot.mount Type)" = 1 ]
	}
	check "$g: a good line: What=fsRoot, the options, one Type=" c_good_line_what_fsroot
	gen_run "root=fsRoot rootfstype=9p \"rootflags=aname=x${nl}Type=ext4\"" >/dev/null
	c_rootflags_holding_newline_one() {
		[ "$(gen_unit sysroot.mount What)" = 1 ] && [ "$(gen_unit sysroot.mount Type)" = 1 ] &&
		 [ "$(gen_unit sysroot.mount Options)" = 0 ] && gen_clean
	}
	check "$g: rootflags holding a newline: one What=, one Type=, no Options=" c_rootflags_holding_newline_one
	c_refused_line_generator_ends() {
		gen_run "root=fsRoot rootfstype=9p \"rootflags=aname=x${nl}Type=ext4\"" | grep -qx exit=0 &&
		 [ -L "$WORK/genrun/early/initrd-root-fs.target.requires/sysroot.mount" ]
	}
	check "$g: a refused line: the generator ends well, the units linked" c_refused_line_generator_ends
	gen_run "\"root=fsRoot${nl}What=/dev/vda\" rootfstype=9p" >/dev/null
	c_root_holding_newline_what() { [ "$(gen_unit sysroot.mount What)" = 1 ] && grep -qx "What=root" "$WORK/genrun/early/sysroot.mount" && gen_clean; }
	check "$g: root= holding a newline: What=root only" c_root_holding_newline_what
	gen_run "root=fsRoot rootfstype=9p rootflags=aname=x$(printf '\001')" >/dev/null
	c_rootflags_holding_0x01_quotes() { [ "$(gen_unit sysroot.mount Options)" = 0 ] && gen_clean; }
	check "$g: rootflags holding 0x01 (no quotes needed): not written" c_rootflags_holding_0x01_quotes
	gen_run "root=fsRoot rootfstype=9p rootflags=msize=100" \
		"R9P_OPTIONS=x${nl}Type=ext4" "R9P_TAG=t${nl}What=/dev/vda" "R9P_MODULES=m${nl}ExecStart=/bin/sh" >/dev/null
	c_refused_line_writes_nothing() {
		[ "$(gen_unit sysroot.mount What)" = 1 ] && [ "$(gen_unit sysroot.mount Type)" = 1 ] &&
		 [ "$(gen_unit root9p-root.service ExecStart)" = 1 ] &&
		 [ "$(gen_unit sysroot.mount Options)" = 0 ] && gen_clean
	}
	check "$g: a refused line writes nothing inherited from the environment" c_refused_line_writes_nothing
}

hook_checks() {
	local d="parse-root9p.sh (dracut-lib.sh)"
	check "$d: root=TAG rootfstype=9p is ours: rootok=1" \
		hook_is "root=fsRoot rootfstype=9p" "^rootok=1\$"
	check "$d: root=virtfs:TAG is ours" hook_is "root=virtfs:fsRoot rw" "^rootok=1\$"
	check "$d: root=\"TAG\" (quoted) is ours" hook_is 'root="fsRoot" rootfstype=9p' "^rootok=1\$"
	c_ours_block_device_rootfstype() {
		hook_is "root=/dev/vda1" "^rootok=\$" && hook_is "root=fsRoot" "^rootok=\$" &&
		 hook_is "root=fsRoot rootfstype=ext4" "^rootok=\$"
	}
	check "$d: not ours: a block device, no rootfstype, another type" c_ours_block_device_rootfstype
	c_refused_rootflags_die_mount9p() {
		hook_is "root=fsRoot rootfstype=9p rootflags=msize=100" "^died\$" &&
		 hook_is "root=fsRoot rootfstype=9p rootflags=msize=100" "^kmsg: <24>dracut: FATAL: mount9p: cannot use rootflags: msize=100 is below the minimum 4096\$"
	}
	check "$d: refused rootflags: die() with mount9p's words" c_refused_rootflags_die_mount9p
	c_typo_warns_through_kernel() {
		hook_is "root=fsRoot rootfstype=9p rootflags=cahce=loose" "^kmsg: <4>mount9p: warning: cahce=loose: unknown option" &&
		 ! hook_is "root=fsRoot rootfstype=9p rootflags=cahce=loose" "^died\$"
	}
	check "$d: a typo warns through the kernel log and goes on" c_typo_warns_through_kernel
	check "$d: a bad root9p.modules is refused" \
		hook_is "root=fsRoot rootfstype=9p root9p.modules=-x" "^kmsg: <24>dracut: FATAL: mount9p: cannot use root9p.modules"
}

# --- setup ---------------------------------------------------------------------
declare -A T_INIT
if ! env_text=$(scripts/fetch-kernel.sh --env bookworm); then
	fail "fetch Debian 12's kernel"
	t_done dracut
	exit 1
fi
eval "$env_text"
# a private copy: a concurrent build must not swap it under dracut
cp "$O/klibc/mount9p" "$WORK/mount9p" || { fail "$O/klibc/mount9p exists (run make)"; t_done dracut; exit 1; }
# beside it, the scratch-disk helper the module takes too (#18)
cp "$O/klibc/blkid9p" "$WORK/blkid9p" || fail "$O/klibc/blkid9p exists (run make)"
hook_checks
gen_checks
ROOT=$WORK/root
scripts/mkroot-tiny.sh "$ROOT" "$WORK/mount9p" >/dev/null
sum_before=$(dracut_sum)
dracut_tree "$WORK/base" hooks/dracut/90root9p

IMAGES=(script systemd)
check "build the script image (root9p + virtfs, no systemd)" build script script "root9p virtfs"
check "build the systemd image (root9p + virtfs)" build systemd systemd "root9p virtfs"
for img in script systemd; do
	c_image_mount9p_mount_9p() {
		in_img "$img" usr/sbin/mount9p && in_img "$img" usr/sbin/mount.9p &&
		 in_img "$img" usr/lib/dracut/hooks/cmdline/30-parse-root9p.sh &&
		 in_img "$img" usr/lib/dracut/hooks/mount/10-mount-root9p.sh &&
		 in_img "$img" "usr/lib/modules/$KVER/kernel/net/9p/9pnet_virtio.ko"
	}
	check "$img image: mount9p, mount.9p, the hooks" c_image_mount9p_mount_9p
done
c_systemd_image_root9p_generator() {
	in_img systemd usr/lib/systemd/system-generators/root9p-generator &&
	 ! in_img script usr/lib/systemd/system-generators/root9p-generator
}
check "systemd image: root9p-generator; script image: none" c_systemd_image_root9p_generator

# --- boots ---------------------------------------------------------------------
for kind in script systemd; do
	[ -f "$WORK/$kind.img" ] || continue
	case_howto "$kind" "$kind"
	case_virtfs "$kind" "$kind"
	case_overlay "$kind" "$kind"
	case_badflags "$kind" "$kind"
done
[ -f "$WORK/systemd.img" ] && case_notag systemd systemd
[ -f "$WORK/systemd.img" ] && case_scratch systemd systemd
if [ "$DEBIAN" = 1 ] && [ -f "$WORK/systemd.img" ]; then
	if [ -x scripts/mkroot9p ]; then case_debian; else t_skip 5 "the Debian root: no scripts/mkroot9p"; fi
fi

LOG=
check "the machine's /usr/lib/dracut and /etc/dracut.conf* are unchanged" [ "$sum_before" = "$(dracut_sum)" ]

echo "=== images (bookworm $KVER): size, build time, Run /init to realinit (one boot)"
for img in "${IMAGES[@]}"; do
	printf '  %-14s %6s KiB  %5s s  %s ms\n' "$img" $((${SIZE[$img]:-0} / 1024)) "${BUILD_S[$img]:-?}" "${T_INIT[$img]:--}"
done
t_done dracut
