#!/bin/sh
# SPDX-License-Identifier: MIT
# scripts/deps.sh - install the Debian packages root9p builds and tests with.
#
# With --fstests also what `make fstests` needs. Installs only what
# dpkg-query says is missing; runs `apt-get update` only then.
# Non-interactive (works as root with no stdin, e.g. CI=true). As non-root it
# names the missing packages and fails. Prints one line on success.
set -eu

PKGS="qemu-system-x86 klibc-utils libklibc-dev musl-tools libkmod-dev
busybox-static cpio zstd xz-utils initramfs-tools dracut-core debootstrap mmdebstrap
clang libclang-rt-14-dev pkg-config zlib1g-dev liblzma-dev libzstd-dev
make gcc ca-certificates systemd openssl gnuplot-nox
qemu-system-arm qemu-user-static gcc-aarch64-linux-gnu libc6-dev-arm64-cross
linux-libc-dev-arm64-cross dpkg-dev perl libblkid-dev e2fsprogs util-linux fdisk
linux-source-6.1 flex bison bc libelf-dev fakemachine qemu-system-common
libvirt-clients libvirt-daemon-driver-qemu python3
debhelper lintian mandoc fakeroot man-db shellcheck sqlite3 git diod bats"
# --fstests (make fstests): what fstests runs in the guest, whose root is
# the host's / (xfs_io, getfattr, fio ...), and what building a checkout
# of it needs. Not for make check: its fstests test uses a stand-in tree.
FSTESTS_PKGS="xfsprogs attr acl bc psmisc gawk fio dbench quota uuid-runtime
xfslibs-dev uuid-dev libtool-bin automake libacl1-dev libaio-dev libgdbm-dev
libattr1-dev liburing-dev"
case ${1:-} in
"") ;;
--fstests) PKGS="$PKGS $FSTESTS_PKGS" ;;
*) echo "deps: read argument '$1': unknown" >&2; echo "deps: try: scripts/deps.sh [--fstests]" >&2; exit 2 ;;
esac

# One dpkg-query for all: it prints the known packages and fails on unknown ones.
# shellcheck disable=SC2086 # $PKGS is a list of package names
present=" $(dpkg-query -W -f '${Package} ${db:Status-Status}\n' $PKGS 2>/dev/null |
	awk '$2 == "installed" { printf "%s ", $1 }' || true)"
missing=""
for p in $PKGS; do
	case "$present" in
	*" $p "*) ;;
	*) missing="$missing $p" ;;
	esac
done
missing=${missing# }

if [ -z "$missing" ]; then
	echo "deps: all $(echo "$PKGS" | wc -w) packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: $missing" >&2
	echo "deps: as root, run: apt-get install $missing" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp "${TMPDIR:-/tmp}/root9p-deps.XXXXXX")
trap 'rm -f "$log"' EXIT
# shellcheck disable=SC2086 # $missing is a list of package names
# The lock timeout: another apt-get (a test installing its own packages)
# may hold the dpkg lock for a while; wait for it rather than fail.
if ! { apt-get -q -o DPkg::Lock::Timeout=900 update &&
	apt-get -q -y --no-install-recommends -o DPkg::Lock::Timeout=900 \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	install $missing; } >"$log" 2>&1 </dev/null; then
	tail -n 20 "$log" >&2
	echo "deps: apt-get failed installing: $missing" >&2
	echo "deps: check the network and /etc/apt/sources.list*, then run: apt-get install $missing" >&2
	exit 1
fi
echo "deps: installed $missing"
