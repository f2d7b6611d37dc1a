#!/bin/bash
# SPDX-License-Identifier: MIT
# scripts/host-env.sh - another Debian release as the host, on this machine.
#
# Builds (once, cached in $ROOT9P_CACHE/hostenv) an mmdebstrap tree of a
# Debian release with the host side root9p meets there: QEMU, the Rust
# virtiofsd, libvirt's QEMU driver, dracut, initramfs-tools and a
# toolchain to build root9p. `run` executes a command inside that tree,
# in a private mount namespace: the machine's /dev, /proc, /sys, the
# checkout and the cache are bind-mounted at their own paths, so the
# tree's QEMU boots the same kernels and roots as the machine's, and
# nothing is installed on the machine itself.
set -euo pipefail

prog=host-env
CACHE=${ROOT9P_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/root9p}
MIRROR=${ROOT9P_MIRROR:-http://deb.debian.org/debian}
SUITE=trixie
# What the host tools use on a Debian host, and the toolchain that builds
# root9p there. Changing the list changes the tree's key: a new tree.
PKGS=(qemu-system-x86 qemu-utils virtiofsd libvirt-daemon libvirt-daemon-driver-qemu
	libvirt-clients dracut-core initramfs-tools busybox-static klibc-utils libklibc-dev
	gcc make libc6-dev libkmod-dev pkg-config zstd libzstd-dev liblzma-dev zlib1g-dev
	cpio xz-utils kmod e2fsprogs libblkid-dev musl-tools ca-certificates procps
	util-linux)

usage() {
	cat <<EOF
usage: scripts/host-env.sh [--suite SUITE] build
       scripts/host-env.sh [--suite SUITE] path
       scripts/host-env.sh [--suite SUITE] run [--] CMD [ARGS...]

A Debian SUITE (default trixie, Debian 13) host tree for root9p's host
tools, made with mmdebstrap from Debian's archive and cached in
$CACHE/hostenv (a few minutes the first time; about 1 GiB).
  build   make the tree unless it is cached; print its path
  path    print the cached tree's path (fails when it is not built)
  run     run CMD inside the tree (as root, in a private mount namespace;
          the current folder, the cache, /dev, /proc, /sys and /var/tmp are
          the machine's, at the same paths). Exits with CMD's status.
EOF
}

log() { echo "$prog: $*" >&2; }
die() { log "$*"; exit 1; }

# The tree's name: the suite and a hash of what goes into it.
tree_path() {
	local key
	key=$(printf '%s\n' "$SUITE" "$MIRROR" "${PKGS[@]}" | sha256sum | cut -c1-12)
	echo "$CACHE/hostenv/$SUITE-$key"
}

# build: mmdebstrap into a temporary folder beside the tree, then rename,
# so a tree that exists is whole. One builder at a time (flock).
build() {
	local tree tmp start
	tree=$(tree_path)
	mkdir -p "$CACHE/hostenv"
	exec 8>"$CACHE/hostenv/.lock"
	flock 8
	if [ -f "$tree/.root9p-hostenv" ]; then
		echo "$tree"
		return 0
	fi
	[ "$(id -u)" = 0 ] || die "build: mmdebstrap needs root"
	command -v mmdebstrap >/dev/null || die "mmdebstrap not found: apt-get install mmdebstrap"
	tmp=$(mktemp -d "$CACHE/hostenv/.build.XXXXXX")
	start=$(date +%s)
	log "building the $SUITE host tree in $tree (mmdebstrap, a few minutes)"
	# mmdebstrap, not debootstrap: apt fetches the ~400 packages in
	# parallel (debootstrap's one-by-one wget took over 20 minutes here).
	if ! mmdebstrap --mode=root --variant=minbase \
		--include="$(IFS=,; echo "${PKGS[*]}")" "$SUITE" "$tmp/root" "$MIRROR" \
		>"$tmp/mmdebstrap.log" 2>&1 </dev/null; then
		tail -n 20 "$tmp/mmdebstrap.log" >&2
		rm -rf --one-file-system "$tmp"
		die "build: mmdebstrap of $SUITE failed (network, mirror or package names?)"
	fi
	# The machine's identity is no part of the tree; its apt lists and
	# package files are not needed to run it.
	rm -f "$tmp/root/etc/machine-id" "$tmp/root/etc/hostname"
	rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/lib/apt/lists/"*_Packages
	printf '%s\n' "$SUITE" "${PKGS[@]}" >"$tmp/root/.root9p-hostenv"
	mv -T "$tmp/root" "$tree"
	rm -rf --one-file-system "$tmp"
	log "built in $(($(date +%s) - start)) s: $(du -sh "$tree" | cut -f1)"
	echo "$tree"
}

# run CMD...: inside the tree. The bind mounts are made in a new mount
# namespace (they vanish with it), then pivot_root and the command with a
# clean environment but for the few variables tests pass on.
run() {
	local tree here
	tree=$(tree_path)
	[ -f "$tree/.root9p-hostenv" ] || die "no $SUITE host tree in $CACHE/hostenv: run scripts/host-env.sh build"
	[ $# -gt 0 ] || die "run: no command"
	[ "$(id -u)" = 0 ] || die "run: needs root (chroot and mount namespace)"
	here=$(pwd -P)
	case $here in
	/ | /dev* | /proc* | /sys*) die "run: from the checkout, not from $here" ;;
	esac
	# shellcheck disable=SC2016 # the inner script expands its own arguments
	exec unshare -m --propagation private /bin/bash -c '
		set -eu
		tree=$1 here=$2 cache=$3
		shift 3
		# The tree a mount of its own: chroot leaves the root on a
		# directory that is no mount point, and pivot_root(2) then fails
		# with EINVAL (the Rust virtiofsd'"'"'s --sandbox=namespace: "Error
		# entering sandbox: CleanMount(... Invalid argument)").
		mount --bind "$tree" "$tree"
		for d in /dev /proc /sys /var/tmp; do
			mkdir -p "$tree$d"
			mount --rbind "$d" "$tree$d"
		done
		# its own /run (libvirt, QEMU pid files) and /tmp
		mount -t tmpfs -o mode=0755 tmpfs "$tree/run"
		mount -t tmpfs -o mode=1777 tmpfs "$tree/tmp"
		for d in "$cache" "$here"; do
			mkdir -p "$tree$d"
			mount --bind "$d" "$tree$d"
		done
		# pivot_root, not chroot: the kernel refuses a user namespace
		# to a chrooted process (clone(2): EPERM), and the Rust
		# virtiofsd run by an ordinary user sandboxes itself in one.
		cd "$tree"
		pivot_root . .
		umount -l .
		cd "$here"
		exec /usr/bin/env -i \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME="${HOME:-/root}" ROOT9P_CACHE="$cache" CI="${CI:-}" TERM="${TERM:-dumb}" \
			TMPDIR=/var/tmp LANG=C.UTF-8 /bin/sh -c "cd \"\$1\" && shift && exec \"\$@\"" sh "$here" "$@"
	' host-env "$tree" "$here" "$CACHE" "$@"
}

while [ $# -gt 0 ]; do
	case $1 in
	--suite) [ $# -ge 2 ] || die "--suite needs a value"; SUITE=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) break ;;
	esac
done
case ${1:-} in
build) build ;;
path)
	t=$(tree_path)
	[ -f "$t/.root9p-hostenv" ] || die "no $SUITE host tree: run scripts/host-env.sh build"
	echo "$t"
	;;
run)
	shift
	[ "${1:-}" != -- ] || shift
	run "$@"
	;;
*) usage >&2; exit 2 ;;
esac
