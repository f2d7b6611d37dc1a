# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# scripts/distro-images.sh - build Debian's initramfs-tools and dracut images
# for a fetched kernel (scripts/fetch-kernel.sh) without changing the machine.
# Sourced by the tests (tests/boot/initramfs-tools.sh, tests/boot/dracut.sh)
# and the benchmarks (bench/images.sh), so both build images the same way.
#
# Callers set KVER, KERNEL_BASE and MODDIR (fetch-kernel.sh --env) and run
# as root (mount namespaces). Every function returns the tool's status and
# sends the tool's output to stdout/stderr: the caller redirects it.
#
#   itools_conf DIR [LINE...]        a CONFDIR for mkinitramfs -d
#   itools_image OUT CONFDIR [STAGE] mkinitramfs, in a private mount namespace
#   dracut_tree DIR [MODULE...]      a dracutbasedir: the machine's, plus modules
#   dracut_image OUT KIND ADD OMIT TREE WORK   dracut --no-hostonly

# itools_conf DIR [LINE...]: a CONFDIR like a fresh Debian 12 install's
# /etc/initramfs-tools (MODULES=most, zstd), with LINEs added to
# initramfs.conf (later assignments win: e.g. MODULES=list), no resume
# device (the host's swap is no guest's) and an empty modules file.
itools_conf() {
	local dir=$1 line
	shift
	mkdir -p "$dir/conf.d" "$dir/hooks" "$dir/scripts"
	{
		printf '%s\n' MODULES=most BUSYBOX=auto KEYMAP=n COMPRESS=zstd \
			DEVICE= NFSROOT=auto RUNSIZE=10% FSTYPE=auto
		for line in "$@"; do echo "$line"; done
	} >"$dir/initramfs.conf"
	echo RESUME=none >"$dir/conf.d/resume"
	: >"$dir/modules"
}

# itools_image OUT CONFDIR [STAGE]: mkinitramfs -d CONFDIR -o OUT $KVER.
# STAGE is a `make install PREFIX=/usr DESTDIR=STAGE` tree: its
# usr/share/initramfs-tools is laid over the machine's and its mount9p put
# where the hook looks. Without STAGE the image is stock initramfs-tools.
# Nothing outside OUT is written: the mounts live in a private namespace,
# the writable layer in OUT.ov (removed afterwards).
itools_image() {
	local out=$1 conf=$2 stage=${3:-} rc
	rm -rf "$out.ov"
	unshare -m sh -euc '
		stage=$1 conf=$2 out=$3 kver=$4 kbase=$5 ov=$6
		mount --make-rprivate /
		# A read-only overlay: our files over the real ones, nothing written.
		if [ -n "$stage" ]; then
			mount -t overlay root9p-it -o "lowerdir=$stage/usr/share/initramfs-tools:/usr/share/initramfs-tools" \
				/usr/share/initramfs-tools
		fi
		# mkinitramfs reads /lib/modules/KVER and /boot/config-KVER at fixed
		# places: /lib gets a writable overlay (upper layer in $ov) for the
		# mount point, and the fetched kernel is bound there.
		lib=$(readlink -f /lib)
		mkdir -p "$ov/up" "$ov/wk"
		mount -t overlay root9p-it -o "lowerdir=$lib,upperdir=$ov/up,workdir=$ov/wk" "$lib"
		mkdir -p "$lib/modules/$kver"
		# (usr/lib/modules in Debian 13 kernel packages)
		kmods=$kbase/lib/modules/$kver
		[ -d "$kmods" ] || kmods=$kbase/usr/lib/modules/$kver
		mount --bind "$kmods" "$lib/modules/$kver"
		mount --bind "$kbase/boot" /boot
		# The hook looks for mount9p (and blkid9p beside it) where make
		# install PREFIX=/usr put them (/usr/lib is the overlaid /lib on a
		# merged-/usr system).
		if [ -n "$stage" ]; then
			mkdir -p /usr/lib/root9p
			cp "$stage/usr/lib/root9p/mount9p" /usr/lib/root9p/mount9p
			[ ! -e "$stage/usr/lib/root9p/blkid9p" ] ||
				cp "$stage/usr/lib/root9p/blkid9p" /usr/lib/root9p/blkid9p
		fi
		mkinitramfs -d "$conf" -o "$out" "$kver"
	' sh "$stage" "$conf" "$out" "$KVER" "$KERNEL_BASE" "$out.ov" && rc=0 || rc=$?
	rm -rf "$out.ov"
	return "$rc"
}

# dracut_tree DIR [MODULE...]: a dracut module tree (dracutbasedir) of
# links to the machine's /usr/lib/dracut, plus copies of the MODULE
# directories (e.g. hooks/dracut/90root9p). The machine's tree is only read.
dracut_tree() {
	local dir=$1 f
	shift
	mkdir -p "$dir/modules.d"
	for f in /usr/lib/dracut/*; do
		[ "${f##*/}" = modules.d ] || ln -sfn "$f" "$dir/"
	done
	for f in /usr/lib/dracut/modules.d/*; do
		ln -sfn "$f" "$dir/modules.d/"
	done
	for f in "$@"; do
		rm -rf "$dir/modules.d/${f##*/}"
		cp -r "$f" "$dir/modules.d/"
	done
}

# systemd's own initrd modules: dracut adds them when systemd is installed.
DRACUT_SYSTEMD_MODS="systemd systemd-initrd dracut-systemd"
# What a lean image leaves out: the big modules of a generic image (every
# storage driver, keymaps, LVM, RAID, crypto) take minutes to gather and
# have no part in a 9p boot.
# shellcheck disable=SC2034 # for the scripts that source this
DRACUT_LEAN_OMIT="kernel-modules kernel-modules-extra i18n console-setup crypt dm dmraid lvm mdraid nvdimm"

# dracut_image OUT KIND ADD OMIT TREE WORK: a generic image (--no-hostonly)
# of KIND systemd (systemd in the initrd) or script (dracut's shell init),
# with the ADD modules and without the OMIT ones, from module tree TREE
# (dracut_tree; "" for the machine's own). WORK holds an empty confdir and
# the tmpdir: the machine's /etc/dracut.conf* are not read. The caller's
# environment reaches the modules (e.g. ROOT9P_MOUNT9P for 90root9p).
dracut_image() {
	local out=$1 kind=$2 add=$3 omit=$4 tree=$5 work=$6
	# dracut fails rather than leave out systemd when the host has it
	if [ "$kind" = script ]; then omit="$omit $DRACUT_SYSTEMD_MODS"; else add="$add $DRACUT_SYSTEMD_MODS"; fi
	mkdir -p "$work/conf" "$work/tmp"
	dracutbasedir=${tree:-/usr/lib/dracut} \
		dracut --no-hostonly --kver "$KVER" --kmoddir "$MODDIR" \
		-c /dev/null --confdir "$work/conf" --tmpdir "$work/tmp" --force \
		${add:+--add "$add"} ${omit:+--omit "$omit"} "$out"
}
