#!/bin/bash
# SPDX-License-Identifier: MIT
# scripts/cross-klibc.sh - cross-build Debian 12's klibc for aarch64 guests and
# cache it, so `make ARCH=aarch64 LIBC=klibc` has a klcc (Debian ships no cross
# klibc). Fetches the source package with `apt-get source` through a private apt
# configuration (deb-src only, its own lists and cache: the machine's sources
# and dpkg architectures are left alone), unpacks it with dpkg-source, builds it
# with gcc-aarch64-linux-gnu on linux-libc-dev-arm64-cross's UAPI headers.
#
#   scripts/cross-klibc.sh          print the klcc path, building it if missing
#
# Installs into ${ROOT9P_CACHE:-~/.cache/root9p}/klibc-aarch64 (bin/klcc);
# idempotent: a finished install (its .done stamp) is reused. Progress on stderr,
# the klcc path on stdout.
set -eu
CACHE=${ROOT9P_CACHE:-$HOME/.cache/root9p}
DEST=$CACHE/klibc-aarch64
SUITE=bookworm
CROSS=aarch64-linux-gnu-
# linux-libc-dev-arm64-cross's UAPI headers; the glibc headers beside them
# must not be seen by klibc, so only these directories are linked in.
UAPI=/usr/aarch64-linux-gnu/include
UAPI_DIRS="asm asm-generic drm linux misc mtd rdma scsi sound video xen"

log() { echo "cross-klibc: $*" >&2; }
die() { echo "cross-klibc: $*" >&2; exit 1; }

done_already() {
	[ -f "$DEST/.done" ] && [ -x "$DEST/bin/klcc" ] && echo "$DEST/bin/klcc"
}
done_already && exit 0
# One build at a time; a second caller waits, then takes the first one's.
mkdir -p "$CACHE"
exec 9>"$CACHE/klibc-aarch64.lock"
flock 9
done_already && exit 0

for c in apt-get dpkg-source perl make flock "${CROSS}gcc"; do
	command -v "$c" >/dev/null ||
		die "$c not found: apt-get install dpkg-dev perl make gcc-aarch64-linux-gnu"
done
{ [ -d "$UAPI/linux" ] && [ -d "$UAPI/asm" ]; } ||
	die "$UAPI/linux missing: apt-get install linux-libc-dev-arm64-cross"
[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] ||
	die "debian-archive-keyring.gpg missing: apt-get install debian-archive-keyring"

# The mirror the host already uses for $SUITE (deb lines only, from apt itself).
# shellcheck disable=SC2016 # $(...) here is apt's format syntax
mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Identifier: Packages' |
	awk -v s="$SUITE" '$2 == s { print $1; exit }')
[ -n "$mirror" ] || die "no $SUITE source in the host's apt configuration to fetch klibc's source from"

WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/root9p-klibc.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
apt=$CACHE/apt-src-$SUITE
mkdir -p "$apt/parts" "$apt/lists/partial" "$apt/cache/archives/partial"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $SUITE main" \
	>"$apt/sources.list"
APT_OPTS="-o Dir::Etc::SourceList=$apt/sources.list -o Dir::Etc::SourceParts=$apt/parts
-o Dir::Etc::Preferences=$apt/parts/none -o Dir::Etc::PreferencesParts=$apt/parts
-o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache"
log "apt-get update (deb-src $mirror $SUITE, private lists in $apt)"
# shellcheck disable=SC2086 # APT_OPTS is a list of options without spaces
apt-get $APT_OPTS --error-on=any update >"$WORK/apt.log" 2>&1 </dev/null ||
	{ tail -n 15 "$WORK/apt.log" >&2; die "apt-get update failed (network or mirror?)"; }
log "apt-get source --download-only klibc"
# shellcheck disable=SC2086
(cd "$WORK" && apt-get $APT_OPTS source --download-only klibc) >"$WORK/apt.log" 2>&1 </dev/null ||
	{ tail -n 15 "$WORK/apt.log" >&2; die "apt-get source klibc failed"; }
dsc=$(ls "$WORK"/klibc_*.dsc)
dpkg-source -x "$dsc" "$WORK/src" >"$WORK/dpkg-source.log" 2>&1 ||
	{ cat "$WORK/dpkg-source.log" >&2; die "dpkg-source -x $dsc failed"; }
version=$(sed -n 's/^Version: //p' "$dsc")

mkdir -p "$WORK/uapi/include"
for d in $UAPI_DIRS; do
	[ -d "$UAPI/$d" ] && ln -s "$UAPI/$d" "$WORK/uapi/include/$d"
done

# prefix bakes the install paths into klcc; INSTALLROOT empty = install there.
rm -rf "${DEST:?}"
log "building klibc $version for arm64 (make -j2; a minute or more)"
start=$(date +%s)
make -C "$WORK/src" -j2 ARCH=arm64 CROSS_COMPILE=$CROSS KLIBCKERNELSRC="$WORK/uapi" \
	prefix="$DEST" INSTALLROOT= all install >"$WORK/build.log" 2>&1 ||
	{ tail -n 30 "$WORK/build.log" >&2; die "klibc build failed (log above)"; }
[ -x "$DEST/bin/klcc" ] || die "the klibc install has no $DEST/bin/klcc"
# The installed headers link to the UAPI tree in $WORK: copy the real files.
inc=$DEST/lib/klibc/include
for d in $UAPI_DIRS; do
	if [ -L "$inc/$d" ] || [ -d "$inc/$d" ]; then
		rm -rf "${inc:?}/$d"
		[ -d "$UAPI/$d" ] && cp -a "$UAPI/$d" "$inc/$d"
	fi
done
echo "klibc $version (Debian $SUITE source), built in $(($(date +%s) - start)) s" >"$DEST/.done"
log "$(cat "$DEST/.done"): $DEST/bin/klcc"
echo "$DEST/bin/klcc"
