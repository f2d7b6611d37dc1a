# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# scripts/run9p.d/kconfig.sh - --kconfig TREE: merge the loop's kernel fragment
# into a Linux source tree's .config and name what did not take.
# Sourced by scripts/run9p with the rest of run9p.d: the globals it
# reads and sets (QEMU among them, from the environment) are
# run9p_defaults' (args.sh), which shellcheck cannot see from here.
# shellcheck disable=SC2154,SC2034,SC2153


# kconfig_fragment: kconfig/root9p-loop.config beside run9p (a checkout),
# or installed in ../share/root9p.
kconfig_fragment() {
	local here f
	here=$(cd "$RUN9P_DIR" && pwd)
	for f in "$here/../kconfig/root9p-loop.config" "$here/../share/root9p/root9p-loop.config"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# run9p_kconfig TREE: the loop's fragment on top of TREE's .config (x86_64
# defconfig when it has none) with the tree's own merge_config.sh, then
# make olddefconfig; every =y line of the fragment must then be in .config,
# else each one that did not take is named. Configures only, as vng
# --kconfig does: the build is the developer's `make`. Exit 0, 2 for a
# TREE that is no kernel source tree, 1 when the tree's Kconfig drops
# options or make fails.
run9p_kconfig() {
	local tree=$1 frag out missing=() line opt now
	[ "$arch" = x86_64 ] ||
		die_try "configure kernel tree '$tree' for --arch $arch: the fragment is x86_64's (8250 console)" "--kconfig without --arch, on an x86_64 tree"
	frag=$(kconfig_fragment) ||
		die_try "configure kernel tree '$tree': root9p-loop.config not found beside run9p (../kconfig) or in ../share/root9p" "reinstall root9p, or run scripts/run9p from a root9p checkout"
	[ -d "$tree" ] ||
		die_try "configure kernel tree '$tree': no such directory" "--kconfig with the top folder of a Linux source tree"
	{ [ -f "$tree/Kconfig" ] && [ -f "$tree/scripts/kconfig/merge_config.sh" ]; } ||
		die_try "configure kernel tree '$tree': no Kconfig and scripts/kconfig/merge_config.sh in it (not a Linux source tree)" "--kconfig with the top folder of a Linux source tree (where Kconfig and scripts/ are)"
	{ [ -w "$tree" ] && { [ ! -e "$tree/.config" ] || [ -w "$tree/.config" ]; }; } ||
		die_try "configure kernel tree '$tree': it (or its .config) is not writable by you" "--kconfig on a tree you own, or a copy of it"
	if [ ! -f "$tree/.config" ]; then
		log "no .config in $tree: starting from make defconfig"
		out=$(make -C "$tree" ARCH=x86_64 defconfig 2>&1) ||
			{ printf '%s\n' "$out" >&2; log "configure kernel tree '$tree': make defconfig failed (output above)"; exit 1; }
	fi
	cp -p "$tree/.config" "$tree/.config.pre-root9p"
	out=$( (cd "$tree" && ARCH=x86_64 scripts/kconfig/merge_config.sh -m .config "$frag") 2>&1 &&
		make -C "$tree" ARCH=x86_64 olddefconfig 2>&1) ||
		{ printf '%s\n' "$out" >&2; log "configure kernel tree '$tree': merge_config.sh or make olddefconfig failed (output above; the old config is .config.pre-root9p)"; exit 1; }
	while IFS= read -r line; do
		case $line in CONFIG_*=y) ;; *) continue ;; esac
		opt=${line%%=*}
		grep -qx "$line" "$tree/.config" && continue
		now=$(grep -m1 -E "^$opt=|^# $opt is not set" "$tree/.config" || true)
		case $now in
		"") now="absent: no such option in this tree's Kconfig, or one it depends on is off" ;;
		"# "*) now="not set: a dependency of it is off" ;;
		*) now="${now#*=}" ;;
		esac
		missing+=("$opt ($now)")
	done <"$frag"
	if [ ${#missing[@]} -gt 0 ]; then
		log "configure kernel tree '$tree': ${#missing[@]} option(s) of $(basename "$frag") did not take:"
		for opt in "${missing[@]}"; do log "  $opt"; done
		log "try: make -C $tree menuconfig, and / for each name to see what it depends on (the old config is .config.pre-root9p)"
		exit 1
	fi
	log "configured $tree: the $(grep -c '^CONFIG_.*=y$' "$frag") options of $(basename "$frag") are built in (=y)"
	log "next: make -C $tree -j$(nproc), then run9p --kernel $tree --host-root -- CMD (no modules needed)"
}
