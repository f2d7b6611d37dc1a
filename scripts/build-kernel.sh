#!/bin/bash
# SPDX-License-Identifier: MIT
# scripts/build-kernel.sh - a small x86-64 kernel build tree from Debian's
# linux-source-6.1, for tests of `run9p --kernel BUILD_TREE` (no
# modules_install: 9p, 9pnet and 9pnet_virtio stay modules in the tree).
#
# tinyconfig plus what a 9p-root guest needs (64BIT, PCI, virtio-pci,
# virtio console, 8250 console, devtmpfs, proc/sysfs/tmpfs with xattrs,
# ELF and #! binaries, unix and inet sockets (9P_FS depends on INET), overlayfs, modules) and 9P as modules.
# The tree lands in $ROOT9P_CACHE/kbuild-6.1-VERSION-CONFIGHASH, built in a
# temporary folder and renamed under flock, so concurrent callers build it
# once. Prints the tree's path on stdout; --env prints KBUILD_DIR=... lines.
# --loop: the same tree with kconfig/root9p-loop.config applied by
# `run9p --kconfig` (9p, virtio, overlayfs... built in) and rebuilt, in
# $ROOT9P_CACHE/kbuild-loop-6.1-VERSION-HASH: a copy of the first tree, so
# make rebuilds only what the changed options touch.
set -eu

prog=build-kernel.sh
CACHE=${ROOT9P_CACHE:-$HOME/.cache/root9p}
SRC_TAR=${LINUX_SOURCE_TAR:-/usr/src/linux-source-6.1.tar.xz}
JOBS=${JOBS:-$(nproc)}

log() { echo "$prog: $*" >&2; }
die() {
	log "$*"
	exit 1
}

env_out=0 loop=0
for arg in "$@"; do
	case $arg in
	--env) env_out=1 ;;
	--loop) loop=1 ;;
	-h | --help)
		sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) die "unknown argument '$arg' (use --env, --loop or nothing)" ;;
	esac
done

# The options on top of tinyconfig. 9P as modules on purpose: the loop's
# test checks the guest runs the tree's own 9p.ko.
CONFIG_FRAGMENT='CONFIG_64BIT=y
CONFIG_PCI=y
CONFIG_PCI_MSI=y
CONFIG_VIRTIO_MENU=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_CONSOLE=y
CONFIG_TTY=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_PRINTK=y
CONFIG_PRINTK_TIME=y
CONFIG_BLK_DEV_INITRD=y
CONFIG_RD_GZIP=y
CONFIG_RD_ZSTD=y
CONFIG_DEVTMPFS=y
CONFIG_PROC_FS=y
CONFIG_SYSFS=y
CONFIG_SHMEM=y
CONFIG_TMPFS=y
CONFIG_TMPFS_XATTR=y
CONFIG_BINFMT_ELF=y
CONFIG_BINFMT_SCRIPT=y
CONFIG_MULTIUSER=y
CONFIG_FUTEX=y
CONFIG_EPOLL=y
CONFIG_SIGNALFD=y
CONFIG_TIMERFD=y
CONFIG_EVENTFD=y
CONFIG_POSIX_TIMERS=y
CONFIG_FILE_LOCKING=y
CONFIG_FHANDLE=y
CONFIG_NET=y
CONFIG_UNIX=y
CONFIG_INET=y
CONFIG_OVERLAY_FS=y
CONFIG_MODULES=y
CONFIG_MODULE_UNLOAD=y
CONFIG_MODULE_SRCVERSION_ALL=y
CONFIG_NETWORK_FILESYSTEMS=y
CONFIG_NET_9P=m
CONFIG_NET_9P_VIRTIO=m
CONFIG_9P_FS=m
CONFIG_9P_FS_POSIX_ACL=y'

[ -r "$SRC_TAR" ] || die "$SRC_TAR not found: apt-get install linux-source-6.1 (or set LINUX_SOURCE_TAR=)"
for tool in make gcc flex bison bc; do
	command -v $tool >/dev/null || die "$tool not found: apt-get install flex bison bc gcc make libelf-dev"
done
srcver=$(dpkg-query -W -f '${Version}' linux-source-6.1 2>/dev/null || stat -c %s "$SRC_TAR")
hash=$(printf '%s\n%s\n' "$srcver" "$CONFIG_FRAGMENT" | sha256sum | cut -c1-12)
tree=$CACHE/kbuild-6.1-$srcver-$hash

emit() {
	if [ $env_out = 1 ]; then
		printf 'KBUILD_DIR=%q\nKBUILD_BZIMAGE=%q\nKBUILD_KVER=%q\n' "$tree" \
			"$tree/arch/x86/boot/bzImage" "$(cat "$tree/include/config/kernel.release")"
	else
		echo "$tree"
	fi
}

# start_build: the path of $tree and exit when it is built; else take the
# build lock, look again (another caller may have built it meanwhile), and
# make the temporary folder $tmp (removed at exit) the build happens in.
start_build() {
	[ -f "$tree/.root9p-done" ] && { emit; exit 0; }
	mkdir -p "$CACHE"
	exec 9>"$CACHE/kbuild.lock"
	flock 9
	[ -f "$tree/.root9p-done" ] && { emit; exit 0; }
	tmp=$(mktemp -d "$CACHE/kbuild.tmp.XXXXXX")
	trap '[ -n "${KEEP_KBUILD_TMP:-}" ] || rm -rf "$tmp"' EXIT
	t0=$SECONDS
}

# build_publish SRC WHAT: build bzImage and modules in SRC (log in $tmp),
# mark it done with its build time, and rename it to $tree.
build_publish() {
	log "building with $JOBS jobs ($2)"
	make -C "$1" -s ARCH=x86_64 -j"$JOBS" bzImage modules >"$tmp/build.log" 2>&1 ||
		{ tail -n 30 "$tmp/build.log" >&2; die "kernel build failed (log above)"; }
	echo "$((SECONDS - t0))" >"$1/.root9p-build-seconds"
	touch "$1/.root9p-done"
	rm -rf "$tree"
	mv "$1" "$tree"
}

# --loop: the modular tree (built first if missing), copied, the loop's
# fragment applied through run9p --kconfig, rebuilt.
if [ $loop = 1 ]; then
	here=$(cd "$(dirname "$0")" && pwd)
	frag=$here/../kconfig/root9p-loop.config
	[ -r "$frag" ] || die "$frag not found: run scripts/build-kernel.sh from a root9p checkout"
	base=$("$0") || die "the modular tree (scripts/build-kernel.sh) could not be built"
	hash=$({ basename "$base"; cat "$frag"; } | sha256sum | cut -c1-12)
	tree=$CACHE/kbuild-loop-6.1-$srcver-$hash
	start_build
	log "copying $base into $tmp"
	cp -a "$base" "$tmp/src"
	rm -f "$tmp/src/.root9p-done" "$tmp/src/.root9p-build-seconds"
	# objtool's dependency files name the folder the tree was built in:
	# out of date there, make rebuilds objtool, and every object after
	# it (each .o depends on objtool). Point them at the copy.
	old=$(sed -n '1s|^cmd_\(/.*\)/tools/objtool/check\.o := .*|\1|p' "$tmp/src/tools/objtool/.check.o.cmd" 2>/dev/null)
	[ -z "$old" ] || grep -rlIZF -- "$old" "$tmp/src/tools" | xargs -0 -r sed -i "s|$old|$tmp/src|g"
	"$here/run9p" --kconfig "$tmp/src" || die "run9p --kconfig could not configure the copy (message above)"
	build_publish "$tmp/src" "bzImage and modules, only what the options change"
	log "built $tree in $((SECONDS - t0)) s (on top of $base)"
	emit
	exit 0
fi

start_build
log "unpacking $SRC_TAR into $tmp"
tar -C "$tmp" -xf "$SRC_TAR"
src=$(echo "$tmp"/linux-source-*)
[ -d "$src" ] || die "no linux-source-* folder in $SRC_TAR"
log "configuring (tinyconfig + $(grep -c . <<<"$CONFIG_FRAGMENT") options)"
printf '%s\n' "$CONFIG_FRAGMENT" >"$tmp/root9p.config"
make -C "$src" -s ARCH=x86_64 tinyconfig >/dev/null
(cd "$src" && ARCH=x86_64 scripts/kconfig/merge_config.sh -m .config "$tmp/root9p.config" >/dev/null)
make -C "$src" -s ARCH=x86_64 olddefconfig >/dev/null
for opt in CONFIG_RD_ZSTD=y CONFIG_9P_FS=m CONFIG_NET_9P_VIRTIO=m CONFIG_VIRTIO_PCI=y CONFIG_VIRTIO_CONSOLE=y CONFIG_DEVTMPFS=y; do
	grep -qx "$opt" "$src/.config" || die "the merged config lacks $opt (see $src/.config)"
done
build_publish "$src" "bzImage and modules"
log "built $tree in $((SECONDS - t0)) s"
emit
