#!/bin/bash
# tests/install.sh - `make install` and `make uninstall` with PREFIX and
# DESTDIR: install puts exactly the expected files (no more, no fewer, the
# right modes and the hooks pointing at PREFIX's mount9p), uninstall takes
# every one of them away again and root9p's own folders with them.
#
#   tests/install.sh      (after make; ends with "install: N passed, N failed")
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/boot/lib.sh
MAKE=${MAKE:-make}

# expected PREFIX: the file list of an install, with modes, sorted.
expected() {
	local p=$1 it=/usr/share/initramfs-tools dr=/usr/lib/dracut/modules.d/90root9p
	cat <<EOF2 | sort
755 $p/bin/mkinitrd9p
755 $p/bin/mkroot9p
755 $p/bin/run9p
755 $p/lib/root9p/init9p
755 $p/lib/root9p/blkid9p
755 $p/lib/root9p/payload9p
644 $p/lib/root9p/run9p-loop
644 $p/lib/root9p/run9p-fstests
$(for f in scripts/run9p.d/*.sh; do echo "644 $p/lib/root9p/run9p.d/${f##*/}"; done)
755 $p/lib/root9p/mkroot9p-convert
755 $p/lib/root9p/mount9p
755 $p/sbin/mount9p
644 $p/share/man/man1/run9p.1
644 $p/share/man/man7/root9p.7
644 $p/share/man/man8/init9p.8
644 $p/share/man/man8/mkinitrd9p.8
644 $p/share/man/man8/mkroot9p.8
644 $p/share/man/man8/mount9p.8
644 $p/share/root9p/root9p-loop.config
755 $it/hooks/root9p
644 $it/conf-hooks.d/root9p
644 $it/scripts/9p
644 $it/scripts/virtiofs
755 $it/scripts/init-top/root9p
755 $dr/module-setup.sh
755 $dr/mount-root9p.sh
755 $dr/mount.9p.sh
755 $dr/parse-root9p.sh
755 $dr/premount-root9p.sh
755 $dr/root9p-generator.sh
EOF2
}

# listing DIR: every non-folder under DIR as "MODE /PATH", sorted.
listing() { (cd "$1" && find . ! -type d -printf '%m /%P\n' | sort); }

# The plan: the man-lint check, one a man page of the expected install,
# and 8 for each of the 3 prefixes below.
prefixes=(/usr /usr/local /opt/root9p)
t_plan $((1 + $(expected /usr | grep -c /share/man/) + 8 * ${#prefixes[@]}))

# shellcheck disable=SC2086 # MAKE may carry options (make -j2)
check "man pages: mandoc -Tlint, groff -ww and lexgrog find nothing to say" \
	$MAKE -s man-lint
for page in $($MAKE -s print-installed PREFIX=/usr | grep /share/man/); do
	src=
	for f in man/"${page##*/}" mount9p/"${page##*/}"; do
		[ -e "$f" ] && { src=$f; break; }
	done
	check "man -l ${page##*/} renders (NAME, SYNOPSIS or DESCRIPTION, SEE ALSO)" eval \
		"MANWIDTH=80 man -l '$src' 2>&1 | grep -q '^NAME' && MANWIDTH=80 man -l '$src' 2>/dev/null | grep -q '^SEE ALSO'"
done

# kconfig_finds_fragment RUN9P: --kconfig on a folder that is no kernel
# tree is refused for the tree, not for a fragment it could not find.
kconfig_finds_fragment() {
	local out
	out=$("$1" --kconfig "$tmp" 2>&1)
	grep -q "not a Linux source tree" <<<"$out" && ! grep -q "root9p-loop.config not found" <<<"$out"
}

tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/root9p-install.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
for prefix in "${prefixes[@]}"; do
	d=$tmp/dest${prefix//\//_}
	log=$tmp/log
	if ! $MAKE -s install PREFIX="$prefix" DESTDIR="$d" >"$log" 2>&1; then
		cat "$log"
		fail "PREFIX=$prefix: make install"
		continue
	fi
	check "PREFIX=$prefix: install puts exactly the expected files and modes" \
		diff -u <(expected "$prefix") <(listing "$d")
	check "PREFIX=$prefix: print-installed names the same files" \
		diff -u <(expected "$prefix" | cut -d" " -f2 | sort) <($MAKE -s print-installed PREFIX="$prefix" | sort)
	check "PREFIX=$prefix: the hooks copy $prefix/lib/root9p/mount9p" eval \
		"grep -q '^R9P_INSTALLED_MOUNT9P=$prefix/lib/root9p/mount9p\$' '$d/usr/lib/dracut/modules.d/90root9p/module-setup.sh' &&
		 grep -q 'ROOT9P_MOUNT9P:-$prefix/lib/root9p/mount9p}' '$d/usr/share/initramfs-tools/hooks/root9p'"
	# the installed run9p finds its fragment: it gets as far as the tree
	check "PREFIX=$prefix: run9p --kconfig finds $prefix/share/root9p/root9p-loop.config" \
		kconfig_finds_fragment "$d$prefix/bin/run9p"
	check "PREFIX=$prefix: install a second time changes nothing" eval \
		"$MAKE -s install PREFIX='$prefix' DESTDIR='$d' >'$log' 2>&1 && diff <(expected '$prefix') <(listing '$d')"
	check "PREFIX=$prefix: uninstall leaves no file" eval \
		"$MAKE -s uninstall PREFIX='$prefix' DESTDIR='$d' >'$log' 2>&1 && [ -z \"\$(listing '$d')\" ]"
	check "PREFIX=$prefix: root9p's own folders are gone too" \
		eval "[ ! -e '$d$prefix/lib/root9p' ] && [ ! -e '$d/usr/lib/dracut/modules.d/90root9p' ]"
	# shellcheck disable=SC2086 # MAKE may carry options (make -j2)
	check "PREFIX=$prefix: uninstall of an uninstalled tree is fine" \
		$MAKE -s uninstall PREFIX="$prefix" DESTDIR="$d"
done
t_done install
