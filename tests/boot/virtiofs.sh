#!/bin/bash
# tests/boot/virtiofs.sh - virtiofs roots (#16): run9p --fs virtiofs starts
# QEMU's virtiofsd, init9p mounts rootfstype=virtiofs from a mkinitrd9p
# --fstype virtiofs image, on Debian 12's kernel (6.1, virtiofs a module,
# tags not in sysfs), Debian 13's (6.12, virtiofs built in, tags in
# /sys/fs/virtiofs) and Debian 12's cloud kernel (no 9p: mkinitrd9p picks
# virtiofs itself). Checks from the guest (the probe's mountinfo, the
# unlink probe on the virtiofs /tmp) and the host (the file it wrote);
# failure paths: a missing tag, a refused option, no daemon.
#
#   tests/boot/virtiofs.sh [--kernels "bookworm trixie cloud"]
#
# Ends with "virtiofs: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
KERNELS="bookworm trixie cloud"
LIBC=klibc
. tests/boot/lib.sh
t_options "$0 [--libc L] [--kernels LIST]" "$@"
O=${O:-build}
. scripts/distro-images.sh

t_workdir virtiofs "virtiofs tests" 'root-*' stage base tmp conf '*.x'
T_CLEAN_PASSED=('*.img')

VFSD=/usr/lib/qemu/virtiofsd

# checks_for K: the checks of one kernel: 2, case_init9p 8, case_distro
# 7 twice, case_bad_tag 3 on 6.1 (2 where the tags are listed), and
# case_bad_opt's 2 on bookworm. The kernels' versions are Debian's:
# bookworm and cloud 6.1, trixie 6.12; another kernel's is not known
# before it is fetched, and the suite then has no plan.
checks_for() {
	case $1 in
	bookworm) echo $((2 + 8 + 14 + 3 + 2)) ;;
	cloud) echo $((2 + 8 + 14 + 3)) ;;
	trixie) echo $((2 + 8 + 14 + 2)) ;;
	*) return 1 ;;
	esac
}
# The plan: make install's 2, each kernel's, and case_run9p_errors' 6
# with the first kernel that runs.
# shellcheck disable=SC2086 # KERNELS is a list of words
[ -z "$KERNELS" ] || t_plan_kernels $((2 + 6)) checks_for $KERNELS

# The virtiofs root, as init9p left it: tag, options, rw, /tmp on the
# root (no tmpfs by default), unlinked-open files working there.
case_init9p() {
	local token=vfs-$K-$RANDOM
	rm -f "$ROOT/out/written"
	boot "$K-init9p" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" --fs virtiofs \
		-o dax=never,noatime -a "probe.token=$token panic=-1"
	check_vfs_root "$K init9p" "$token" init9p /root
	# The measurement the /tmp default rests on (tmpfs/unlinkprobe.c).
	c_init9p_unlinked_open_file() { [ "$(probe unlink | tr "\n" " ")" = "fstat ok read ok write ok ftruncate ok " ]; }
	check "$K init9p: unlinked-open file on virtiofs: fstat, read, write, ftruncate work" c_init9p_unlinked_open_file
	c_init9p_virtiofsd_was_stopped() { ! pgrep -f "virtiofsd.*$ROOT" >/dev/null; }
	check "$K init9p: virtiofsd was stopped with the guest" c_init9p_virtiofsd_was_stopped
	probe unlink | sed "s/^/  ($K unlink probe on virtiofs) /"
}

# check_vfs_root LABEL TOKEN WHO MNT: the facts of a virtiofs root with
# rootflags=dax=never,noatime, mounted by WHO (init9p, mount9p) on MNT.
check_vfs_root() {
	local l=$1 token=$2 who=$3 mnt=$4 mi
	mi=$(mountinfo_of /)
	check "$l: the guest ran the probe to the end" probe_is "done" yes
	check "$l: / is virtiofs from tag fsRoot" grep -qE ' - virtiofs fsRoot ' <<<"$mi"
	c_rootflags_reached_kernel_dax() { grep -q "dax=never" <<<"$mi" && grep -qE " / / rw,noatime" <<<"$mi"; }
	check "$l: rootflags reached the kernel (dax=never, noatime)" c_rootflags_reached_kernel_dax
	check "$l: $who said what it mounted" \
		grep -qE "$who: mounted fsRoot on $mnt in [0-9]+ ms \(virtiofs rw dax=never\)" <(console)
	c_tmp_stays_virtiofs_tmpfs() { [ -z "$(mountinfo_of /tmp)" ] && has "no tmpfs on $mnt/tmp: root9p.tmp=off"; }
	check "$l: /tmp stays on virtiofs (no tmpfs by default)" c_tmp_stays_virtiofs_tmpfs
	c_guest_write_reached_host() { [ "$(cat "$ROOT/out/written" 2>/dev/null)" = "$token" ]; }
	check "$l: the guest's write reached the host" c_guest_write_reached_host
}

# The distro images: same root, same facts, mount9p doing the step.
case_distro() {
	local kind=$1 img=$WORK/$K-$1.img mnt=/root token=vfs-$K-$1-$RANDOM
	[ "$kind" = itools ] || mnt=/sysroot
	LOG=$LOGDIR/$K-$kind.build.log
	check "$K $kind: the image is built" [ -s "$img" ]
	[ -s "$img" ] || return 0
	rm -f "$ROOT/out/written"
	boot "$K-$kind" -k "$KERNEL_IMAGE" -i "$img" -r "$ROOT" --fs virtiofs \
		--cmdline "root=fsRoot rootfstype=virtiofs rw rootflags=dax=never,noatime console=ttyS0 probe.token=$token panic=-1"
	check_vfs_root "$K $kind" "$token" mount9p "$mnt"
}

# A tag no device has: on 6.12 the tags are listed, on 6.1 the mount says.
case_bad_tag() {
	boot "$K-badtag" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" --fs virtiofs \
		--cmdline "root=nosuchtag rootfstype=virtiofs rw console=ttyS0 root9p.timeout=3 panic=-1"
	if [ "$TAGS_LISTED" = 1 ]; then
		check "$K bad tag: init9p names the tag and the tags present" \
			has 'virtiofs tag "nosuchtag" not found after 3 s; virtiofs: fsRoot'
	else
		check "$K bad tag: init9p says the mount found no such tag" \
			has 'mount -t virtiofs -o rw nosuchtag /root: Invalid argument'
		check "$K bad tag: with what to check (dmesg, tag=)" \
			has 'no virtiofs device has this tag'
	fi
	check "$K bad tag: no kernel panic" hasnt "Kernel panic"
}

# An option virtiofs refuses, explained before anything is mounted.
case_bad_opt() {
	boot "$K-badopt" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" --fs virtiofs \
		-o cache=always -a "panic=-1"
	check "$K bad option: init9p explains cache= is the daemon's" \
		has "cache=always: the cache mode is the daemon's (virtiofsd -o cache=auto|always|none; run9p --vfs-cache)"
	check "$K bad option: the root was not mounted" hasnt "init9p: mounted fsRoot"
}

# run9p's own failure paths: no guest boots.
case_run9p_errors() {
	local out
	out=$("$RUN9P" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" --fs virtiofs --virtiofsd /no/such/virtiofsd 2>&1)
	check "run9p: a missing daemon is named" \
		grep -q "virtiofsd '/no/such/virtiofsd' is not an executable file" <<<"$out"
	out=$("$RUN9P" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" --fs virtiofs 2>&1)
	check "run9p: as root, virtiofs needs --passthrough-as-root (and says why)" \
		grep -q "serve '$ROOT' over virtiofs as root with .*: .* the guest's root is root over the tree on the host" <<<"$out"
	out=$("$RUN9P" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" --fs virtiofs --passthrough-as-root --ro 2>&1)
	check "run9p: --ro is refused with QEMU's virtiofsd (it cannot enforce it)" \
		grep -q "cannot serve a tree read-only" <<<"$out"
	out=$("$RUN9P" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" --fs virtiofs --passthrough-as-root \
		--virtiofsd /bin/false --timeout 20 2>&1)
	check "run9p: a daemon that dies at once is reported" \
		grep -q "virtiofsd (/bin/false) ended before its socket appeared" <<<"$out"
	c_run9p_socket_directory_gone() { ! compgen -G "${TMPDIR:-/tmp}/run9p-vfs.*" >/dev/null; }
	check "run9p: and its socket directory is gone" c_run9p_socket_directory_gone
	out=$("$RUN9P" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" --fs virtiofs -t abcdefghijabcdefghijabcdefghijabcdefg 2>&1)
	check "run9p: a 37-byte virtiofs tag is refused" grep -q "QEMU takes at most 36" <<<"$out"
}

if [ ! -x "$VFSD" ] && ! command -v virtiofsd >/dev/null; then
	skip "virtiofs: no virtiofsd ($VFSD, package qemu-system-common)"
	t_skip_rest "virtiofs: the rest need virtiofsd"
	t_done virtiofs
	exit
fi
# --- the distro images: initramfs-tools and dracut (no systemd), all built
# first, side by side, from a `make install` tree as a package would be.
STAGE=$WORK/stage
check "make install PREFIX=/usr DESTDIR=... succeeds" \
	make -s install O="$O" LIBC="$LIBC" PREFIX=/usr DESTDIR="$STAGE"
check "install: scripts/virtiofs beside scripts/9p" \
	[ -f "$STAGE/usr/share/initramfs-tools/scripts/virtiofs" ]
itools_conf "$WORK/conf" MODULES=list
cp "$O/$LIBC/mount9p" "$WORK/mount9p"
dracut_tree "$WORK/base" hooks/dracut/90root9p
for K in $KERNELS; do
	env_text=$(scripts/fetch-kernel.sh --env "$K") || continue
	(
		eval "$env_text"
		itools_image "$WORK/$K-itools.img" "$WORK/conf" "$STAGE" \
			>"$LOGDIR/$K-itools.build.log" 2>&1
		mkdir -p "$WORK/dracut-$K"
		ROOT9P_MOUNT9P=$WORK/mount9p dracut_image "$WORK/$K-dracut.img" \
			script root9p "$DRACUT_LEAN_OMIT" "$WORK/base" "$WORK/dracut-$K" \
			>"$LOGDIR/$K-dracut.build.log" 2>&1
	) &
done
wait

first=1
for K in $KERNELS; do
	if ! env_text=$(scripts/fetch-kernel.sh --env "$K"); then
		fail "$K: fetch the kernel"
		[ -z "$T_PLAN" ] || t_skip $(($(checks_for "$K") - 1)) "$K: no kernel"
		continue
	fi
	eval "$env_text"
	IMG=$WORK/$K.img
	ROOT=$WORK/root-$K
	LOG=
	case $KVER in 6.1.*) TAGS_LISTED=0 ;; *) TAGS_LISTED=1 ;; esac
	fstype=--fstype=virtiofs
	[ "$K" != cloud ] || fstype=	# detected: the cloud kernel has no 9p
	c_mkinitrd9p_builds_virtiofs_image() {
		"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/$LIBC/init9p" ${fstype:+"$fstype"} -o "$IMG" 2>"$WORK/$K.mk" &&
			grep -q "(a virtiofs root)" "$WORK/$K.mk"
	}
	check "$K: mkinitrd9p builds a virtiofs image${fstype:+ ($fstype)}" c_mkinitrd9p_builds_virtiofs_image
	check "$K: the tiny probe root is made" \
		scripts/mkroot-tiny.sh "$ROOT" "$O/$LIBC/mount9p" "$O/$LIBC/unlinkprobe"
	[ $first = 0 ] || case_run9p_errors
	first=0
	case_init9p
	case_distro itools
	case_distro dracut
	case_bad_tag
	[ "$K" != bookworm ] || case_bad_opt
done
[ "$first" = 0 ] || [ -z "$T_PLAN" ] || t_skip 6 "run9p's virtiofs errors: no kernel ran"
t_done virtiofs
