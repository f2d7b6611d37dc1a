#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/fakemachine-ns.sh - run Debian 12's fakemachine (0.0.4, qemu
# backend) on a host that has no kernel of its own to lend it: a
# container, or a VM like the one the bench runs on. fakemachine boots
# the host's kernel (/lib/modules/RELEASE/vmlinuz or /boot/vmlinuz-RELEASE,
# RELEASE the newest folder in /lib/modules when `uname -r` has none, its
# "docker" path) and refuses to start without /lib/systemd/systemd-resolved.
#
#   bench/fakemachine-ns.sh KERNEL_BASE KVER [fakemachine ARGS...]
#
# In a private mount namespace /usr/lib becomes a read-only overlay of
# (1) a folder holding modules/KVER/vmlinuz, (2) KERNEL_BASE's lib (the
# Debian kernel's modules), (3) systemd-resolved's files from Debian's
# package matching the host's systemd, and (4) the host's own /usr/lib. The
# host's /usr/lib, /boot and packages are not changed; the .deb and the
# kernel copy are kept in ~/.cache/root9p/fakemachine.
set -eu
[ $# -ge 2 ] || { echo "usage: bench/fakemachine-ns.sh KERNEL_BASE KVER [ARGS...]" >&2; exit 2; }
base=$1 kver=$2
shift 2
die() { echo "fakemachine-ns: $*" >&2; exit 1; }
command -v fakemachine >/dev/null || die "fakemachine is not installed (apt-get install fakemachine)"
[ "$(readlink /lib)" = usr/lib ] || die "this host's /lib is not merged into /usr/lib: the overlay below assumes it is"
mods=
for d in lib usr/lib; do
	[ -d "$base/$d/modules/$kver" ] && mods=$base/$d
done
[ -n "$mods" ] || die "no modules for $kver under $base (lib/modules or usr/lib/modules)"
[ -f "$base/boot/vmlinuz-$kver" ] || die "no kernel $base/boot/vmlinuz-$kver"

cache=${XDG_CACHE_HOME:-$HOME/.cache}/root9p/fakemachine
sdver=$(dpkg-query -W -f='${Version}' systemd) || die "systemd is not installed: fakemachine boots the host's systemd"
resolved=$cache/resolved-$sdver
if [ ! -x "$resolved/lib/systemd/systemd-resolved" ] && [ ! -x /lib/systemd/systemd-resolved ]; then
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/.dl.XXXXXX")
	(cd "$tmp" && apt-get download -q "systemd-resolved=$sdver" >/dev/null) ||
		die "apt-get download systemd-resolved=$sdver failed (run apt-get update)"
	dpkg-deb -x "$tmp"/systemd-resolved_*.deb "$tmp/x"
	rm -rf "$resolved"
	mv "$tmp/x" "$resolved"
	rm -rf "$tmp"
fi
kdir=$cache/kernel-$kver
if [ ! -f "$kdir/modules/$kver/vmlinuz" ]; then
	mkdir -p "$kdir/modules/$kver"
	cp "$base/boot/vmlinuz-$kver" "$kdir/modules/$kver/vmlinuz.tmp"
	mv "$kdir/modules/$kver/vmlinuz.tmp" "$kdir/modules/$kver/vmlinuz"
fi
layers=$kdir:$mods
[ ! -d "$resolved/lib" ] || layers+=:$resolved/lib
layers+=:/usr/lib
# shellcheck disable=SC2016 # expanded by the inner shell
exec unshare -m --propagation private sh -c '
	mount -t overlay -o "ro,lowerdir=$1" root9p-fakemachine /usr/lib || exit 1
	shift
	exec fakemachine "$@"' fakemachine-ns "$layers" "$@"
