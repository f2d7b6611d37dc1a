#!/bin/sh
# SPDX-License-Identifier: MIT
# scripts/fetch-kernel.sh - test fixture: real Debian kernels, unpacked and depmod'ed.
#
# Fetches with `apt-get download` (never installs), unpacks with `dpkg -x` into
# $ROOT9P_CACHE/kernels (default ~/.cache/root9p/kernels), runs depmod on the copy.
# Another release than the host's is reached through a private apt configuration
# derived from the host's own sources. Progress goes to stderr; stdout carries only
# the result. Never touches /boot or /lib/modules of the machine.
# Another architecture (arm64) is reached the same way, with
# APT::Architecture set in that private configuration: the machine's dpkg
# architectures are never changed, nothing is installed.
set -eu

prog=fetch-kernel
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

usage() {
	cat <<EOF
usage: scripts/fetch-kernel.sh [--refresh] [NAME...]
       scripts/fetch-kernel.sh [--refresh] --env NAME
       scripts/fetch-kernel.sh [--refresh] --deb PKG NAME

Fetch Debian kernels into the cache and print where they are.
NAME is one of:
  bookworm   Debian 12 linux-image-amd64 (6.1, 9p as modules)
  trixie     Debian 13 linux-image-amd64 (6.12, .ko.xz under usr/lib/modules)
  cloud      Debian 12 linux-image-cloud-amd64 (no 9p at all)
  arm64      Debian 12 linux-image-arm64 (6.1, for qemu-system-aarch64)
Default: bookworm trixie.

Without --env, prints one line per kernel: NAME KVER KERNEL_BASE.
--env NAME prints shell assignments for one kernel, for
  eval "\$(scripts/fetch-kernel.sh --env bookworm)"
  KERNEL_BASE   directory the package was unpacked into
  KVER          kernel release
  KERNEL_IMAGE  the vmlinuz
  MODDIR        KERNEL_BASE/lib/modules/KVER (or usr/lib/modules/KVER)
--deb PKG NAME  fetch package PKG of NAME's release and architecture
  (e.g. --deb busybox-static arm64), unpack it with dpkg -x and print the
  directory it was unpacked into.
--refresh  ask the archive for the current package even when one is cached.

Cache: \${ROOT9P_CACHE:-\${XDG_CACHE_HOME:-\$HOME/.cache}/root9p}/kernels
(now $CACHE). Remove it to free the space.
EOF
}

log() { echo "$prog: $*" >&2; }
die() { log "$*"; exit 1; }

# Quote a value for eval only when it needs it.
shquote() {
	case $1 in
	*[!A-Za-z0-9_./+:@%,=-]*) printf "'%s'" "$(printf %s "$1" | sed "s/'/'\\\\''/g")" ;;
	*) printf %s "$1" ;;
	esac
}

# Name -> "suite metapackage arch". A table, so a new kernel is one line.
kernel_spec() {
	case $1 in
	bookworm) echo "bookworm linux-image-amd64 amd64" ;;
	trixie) echo "trixie linux-image-amd64 amd64" ;;
	cloud) echo "bookworm linux-image-cloud-amd64 amd64" ;;
	arm64) echo "bookworm linux-image-arm64 arm64" ;;
	*) return 1 ;;
	esac
}

# Run apt-get with output kept in a log shown only on failure.
apt_run() {
	what=$1
	shift
	if ! apt-get "$@" >"$WORK/apt.log" 2>&1 </dev/null; then
		tail -n 15 "$WORK/apt.log" >&2
		die "apt-get $what failed (network or apt configuration?); try: apt-get $* by hand"
	fi
}

# Print "URI SUITE" for every deb source of the host (deb822 and one-line formats).
host_sources() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '
		function flush() {
			if (types ~ /(^| )deb( |$)/ && enabled !~ /^no$/)
				for (i = 1; i <= nu; i++)
					for (j = 1; j <= ns; j++)
						print u[i], s[j]
			types = ""; enabled = ""; nu = 0; ns = 0
		}
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		{
			key = tolower($1); sub(/:$/, "", key)
			val = $0; sub(/^[^:]*:[ \t]*/, "", val)
			if (key == "types") types = val
			if (key == "enabled") enabled = tolower(val)
			if (key == "uris") nu = split(val, u, /[ \t]+/)
			if (key == "suites") ns = split(val, s, /[ \t]+/)
		}
		END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		# deb [opts] URI SUITE COMPONENTS...
		sed -n 's/^[ \t]*deb[ \t]\{1,\}\(\[[^]]*\][ \t]*\)\{0,1\}\([^ \t]\{1,\}\)[ \t]\{1,\}\([^ \t]\{1,\}\).*/\2 \3/p' "$f"
	done
}

# Set up a private apt configuration for SUITE and ARCH from the host's sources
# for HOST_SUITE, with the codename swapped (bookworm-security -> trixie-security
# and so on). Sets APT_OPTS. The machine's own sources, lists and dpkg
# architectures are left alone: a foreign ARCH lives in this configuration only.
private_apt() {
	suite=$1
	arch=$2
	dir=$CACHE/apt-$suite
	[ "$arch" = "$HOST_ARCH" ] || dir=$CACHE/apt-$suite-$arch
	mkdir -p "$dir/parts" "$dir/lists/partial" "$dir/cache/archives/partial"
	host_sources | awk -v h="$HOST_SUITE" -v t="$suite" -v k="$KEYRING" '
		$2 == h || index($2, h "-") == 1 {
			line = "deb [signed-by=" k "] " $1 " " t substr($2, length(h) + 1) " main"
			if (!seen[line]++) print line
		}' >"$dir/sources.list"
	[ -s "$dir/sources.list" ] ||
		die "no '$HOST_SUITE' source in /etc/apt/sources.list or sources.list.d to derive a $suite mirror from"
	[ -r "$KEYRING" ] || die "$KEYRING missing: apt-get install debian-archive-keyring"
	APT_OPTS="-o Dir::Etc::SourceList=$dir/sources.list -o Dir::Etc::SourceParts=$dir/parts
-o Dir::Etc::Preferences=$dir/parts/none -o Dir::Etc::PreferencesParts=$dir/parts
-o Dir::State::Lists=$dir/lists -o Dir::Cache=$dir/cache"
	[ "$arch" = "$HOST_ARCH" ] ||
		APT_OPTS="$APT_OPTS -o APT::Architecture=$arch -o APT::Architectures=$arch
-o Dir::State::status=$dir/status"
	: >>"$dir/status"
	log "$suite/$arch: apt-get update with private sources ($dir/sources.list)"
	# shellcheck disable=SC2086 # APT_OPTS is a list of options without spaces
	# --error-on=any: a source that could not be fetched is an error, not a warning.
	if ! apt-get $APT_OPTS --error-on=any update >"$WORK/apt.log" 2>&1 </dev/null; then
		tail -n 15 "$WORK/apt.log" >&2
		grep -q NO_PUBKEY "$WORK/apt.log" &&
			log "the keyring does not know $suite's keys: upgrade debian-archive-keyring"
		die "apt-get update for $suite failed (network or mirror?); sources: $dir/sources.list"
	fi
}

# apt_for SUITE ARCH: APT_OPTS for SUITE and ARCH (the host's own apt, or a
# private configuration), and an empty $WORK/deb to download into.
apt_for() {
	APT_OPTS=""
	if [ "$1" != "$HOST_SUITE" ] || [ "$2" != "$HOST_ARCH" ]; then
		private_apt "$1" "$2"
	fi
	rm -rf "$WORK/deb" && mkdir -p "$WORK/deb" && chmod 755 "$WORK" "$WORK/deb"
}

# First linux-image-* of a Depends field, and its "= VERSION" if given: "PKG VERSION".
image_dep() {
	echo "$1" | tr '|' ',' | tr ',' '\n' | sed -n \
		's/^[ \t]*\(linux-image-[^ \t(]*\)[ \t]*\((=[ \t]*\([^)]*\))\)\{0,1\}.*/\1 \3/p' | head -n 1
}

# Write the env of an unpacked tree to stdout.
tree_env() {
	base=$1
	kver=$2
	moddir=$base/lib/modules/$kver
	[ -d "$moddir" ] || moddir=$base/usr/lib/modules/$kver
	echo "KERNEL_BASE=$(shquote "$base")"
	echo "KVER=$(shquote "$kver")"
	echo "KERNEL_IMAGE=$(shquote "$base/boot/vmlinuz-$kver")"
	echo "MODDIR=$(shquote "$moddir")"
}

# Unpack PKG.deb into DIR/root and run depmod there; write DIR/env last (the stamp).
unpack() {
	deb=$1
	dir=$2
	kver=""
	rm -rf "$dir"
	mkdir -p "$dir"
	dpkg -x "$deb" "$dir/root" || die "dpkg -x $deb failed (disk full?)"
	for m in "$dir/root/lib/modules" "$dir/root/usr/lib/modules"; do
		[ -d "$m" ] || continue
		kver=$(ls "$m")
		# bookworm's depmod -b only looks under BASE/lib/modules.
		depbase=${m%/lib/modules}
		break
	done
	if [ -z "$kver" ] || [ ! -f "$dir/root/boot/vmlinuz-$kver" ]; then
		die "$deb holds no lib/modules/KVER and boot/vmlinuz-KVER"
	fi
	"$DEPMOD" -b "$depbase" "$kver" || die "depmod -b $depbase $kver failed"
	tree_env "$dir/root" "$kver" >"$dir/env.tmp"
	mv "$dir/env.tmp" "$dir/env"
}

# Fetch NAME unless cached; leave its env in $CACHE/NAME.env.
fetch() {
	name=$1
	spec=$(kernel_spec "$name") || die "unknown kernel '$name' (bookworm, trixie, cloud or arm64)"
	# shellcheck disable=SC2086 # three words, split on purpose
	set -- $spec
	suite=$1 meta=$2 arch=$3
	if [ "$REFRESH" = 0 ] && [ -f "$CACHE/$name.env" ]; then
		# shellcheck disable=SC1090,SC2153 # written by tree_env
		(. "$CACHE/$name.env" && [ -f "${KERNEL_BASE%/root}/env" ] &&
			[ -f "$KERNEL_IMAGE" ] && [ -d "$MODDIR" ]) && return 0
	fi
	start=$(date +%s)
	apt_for "$suite" "$arch"
	log "$name: apt-get download $meta"
	# shellcheck disable=SC2086
	(cd "$WORK/deb" && apt_run "download $meta" $APT_OPTS download "$meta")
	dep=$(image_dep "$(dpkg-deb -f "$WORK"/deb/*.deb Depends)")
	pkg=${dep% *}
	ver=${dep#* }
	[ -n "$pkg" ] || die "$meta depends on no linux-image-* package"
	if [ -z "$ver" ] || [ "$ver" = "$pkg" ]; then
		# shellcheck disable=SC2086
		ver=$(apt-cache $APT_OPTS show --no-all-versions "$pkg" | sed -n 's/^Version: //p')
	fi
	dir=$CACHE/${pkg}_$ver
	if [ -f "$dir/env" ]; then
		log "$name: $pkg $ver already unpacked in $dir"
	else
		log "$name: apt-get download $pkg ($ver)"
		# shellcheck disable=SC2086
		(cd "$WORK/deb" && apt_run "download $pkg" $APT_OPTS download "$pkg=$ver")
		log "$name: unpacking and running depmod in $dir"
		unpack "$WORK/deb/${pkg}_"*.deb "$dir"
	fi
	old=""
	# shellcheck disable=SC1090 # written by tree_env
	[ ! -f "$CACHE/$name.env" ] || old=$(. "$CACHE/$name.env" && echo "${KERNEL_BASE%/root}")
	cp "$dir/env" "$CACHE/$name.env.tmp"
	mv "$CACHE/$name.env.tmp" "$CACHE/$name.env"
	# A refresh that found a newer kernel drops the old tree unless another name uses it.
	case $old in "$CACHE"/*) ;; *) old="" ;; esac
	if [ -n "$old" ] && [ "$old" != "$dir" ] && ! grep -qF "${old#"$CACHE"/}/" "$CACHE"/*.env; then
		log "$name: removing superseded $old"
		rm -rf "$old"
	fi
	log "$name: ready in $(($(date +%s) - start)) s: $dir"
}

# fetch_deb PKG NAME: PKG of NAME's release and architecture, unpacked
# (dpkg -x) once into $CACHE/debs/PKG_VERSION_ARCH; its path in $CACHE/NAME-PKG.path.
fetch_deb() {
	pkg=$1
	name=$2
	stamp=$CACHE/$name-$pkg.path
	if [ "$REFRESH" = 0 ] && [ -f "$stamp" ] && [ -d "$(cat "$stamp")" ]; then
		return 0
	fi
	spec=$(kernel_spec "$name") || die "unknown NAME '$name' (see --help)"
	# shellcheck disable=SC2086 # three words, split on purpose
	set -- $spec
	suite=$1 arch=$3
	apt_for "$suite" "$arch"
	log "$name: apt-get download $pkg ($arch)"
	# shellcheck disable=SC2086
	(cd "$WORK/deb" && apt_run "download $pkg" $APT_OPTS download "$pkg")
	deb=$(ls "$WORK/deb/${pkg}_"*.deb)
	dir=$CACHE/debs/$(basename "$deb" .deb)
	if [ ! -d "$dir" ]; then
		mkdir -p "$CACHE/debs"
		rm -rf "$dir.tmp"
		dpkg -x "$deb" "$dir.tmp" || die "dpkg -x $deb failed (disk full?)"
		mv "$dir.tmp" "$dir"
	fi
	echo "$dir" >"$stamp.tmp"
	mv "$stamp.tmp" "$stamp"
}

REFRESH=0
ENV=""
DEB=""
while [ $# -gt 0 ]; do
	case $1 in
	--env) [ $# -ge 2 ] || die "--env needs a NAME"; ENV=$2; shift ;;
	--deb) [ $# -ge 2 ] || die "--deb needs a PKG"; DEB=$2; shift ;;
	--refresh) REFRESH=1 ;;
	-h | --help) HELP=1 ;;
	--) shift; break ;;
	-*) die "unknown option $1 (see --help)" ;;
	*) break ;;
	esac
	shift
done

[ -n "${HOME:-}" ] || HOME=$(getent passwd "$(id -u)" | cut -d: -f6)
CACHE=${ROOT9P_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/root9p}/kernels
[ -z "${HELP:-}" ] || { usage; exit 0; }
if [ -n "$ENV" ]; then
	[ $# -eq 0 ] || die "--env takes one NAME, not '$*'"
	set -- "$ENV"
fi
[ $# -gt 0 ] || set -- bookworm trixie
for n in "$@"; do kernel_spec "$n" >/dev/null || die "unknown kernel '$n' (see --help)"; done

for c in apt-get apt-cache dpkg-deb dpkg flock; do
	command -v "$c" >/dev/null || die "$c not found: this fixture needs a Debian host with apt"
done
DEPMOD=$(command -v depmod || echo /sbin/depmod)
[ -x "$DEPMOD" ] || die "depmod not found: apt-get install kmod"
# shellcheck disable=SC1091
HOST_SUITE=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$HOST_SUITE" ] || die "no VERSION_CODENAME in /etc/os-release: not a Debian host?"
HOST_ARCH=$(dpkg --print-architecture)

mkdir -p "$CACHE"
# One fetch at a time: parallel tests may ask for the same kernel.
exec 9>"$CACHE/.lock"
flock 9
WORK=$(mktemp -d "$CACHE/.work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

if [ -n "$DEB" ]; then
	[ $# -eq 1 ] || die "--deb PKG takes one NAME, not '$*'"
	fetch_deb "$DEB" "$1"
	cat "$CACHE/$1-$DEB.path"
	exit 0
fi
for n in "$@"; do fetch "$n"; done
for n in "$@"; do
	if [ -n "$ENV" ]; then
		cat "$CACHE/$n.env"
	else
		# shellcheck disable=SC1090,SC2153 # written by tree_env
		(. "$CACHE/$n.env" && echo "$n $KVER $KERNEL_BASE")
	fi
done
