# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# scripts/run9p.d/kernel.sh - the kernel image: its version (kernel_kver,
# bzimage_kver), its configuration (kernel_config), its payload
# (bzimage_payload), its PVH ELF under TCG (pvh_kernel, run9p_pick_kernel).
# Sourced by scripts/run9p with the rest of run9p.d: the globals it
# reads and sets (QEMU among them, from the environment) are
# run9p_defaults' (args.sh), which shellcheck cannot see from here.
# shellcheck disable=SC2154,SC2034,SC2153

# kernel_kver FILE: KVER_OUT = the version of the x86 bzImage FILE
# (bzimage_kver), from the index when it knows FILE. Fails as
# bzimage_kver does.
kernel_kver() {
	local p
	abs_path "$1"
	p=$ABS_OUT
	if idx_get kver "$p"; then KVER_OUT=$IDX_VAL; return 0; fi
	KVER_OUT=$(bzimage_kver "$1") && [ -n "$KVER_OUT" ] || return 1
	idx_put kver "$p" "$KVER_OUT"
}

# kernel_config KERNEL KVER: KCONFIG_OUT = the file that holds KERNEL's
# configuration, "" when none is found; KCONFIG_TREE = its build tree
# when it is the tree's. The one search, for --fs auto (vfs_kernel_fs),
# the loop with no initrd (loop_noinitrd) and PVH (pvh_kernel), first
# found wins:
#   1. the build tree's .config: KERNEL is the tree, or its
#      arch/x86/boot/bzImage;
#   2. config-KVER beside the image (Debian's /boot, an unpacked package);
#   3. $KCONFIG_BOOT/config-KVER (/boot: the installed kernel of that
#      version).
# KVER may be "" (a file that is no bzImage): then 1 only. No fork.
KCONFIG_BOOT=/boot
kernel_config() {
	local k=$1 kv=$2 tree c
	KCONFIG_OUT="" KCONFIG_TREE=""
	if [ -d "$k" ]; then
		tree=${k%/}
	else
		tree=${k%/arch/x86/boot/bzImage}
		[ "$tree" != "$k" ] || tree=""
	fi
	if [ -n "$tree" ] && [ -f "$tree/.config" ]; then
		KCONFIG_OUT=$tree/.config KCONFIG_TREE=$tree
		return 0
	fi
	[ -n "$kv" ] && [ ! -d "$k" ] || return 0
	case $k in */*) c=${k%/*}/config-$kv ;; *) c=./config-$kv ;; esac
	[ -f "$c" ] || c=$KCONFIG_BOOT/config-$kv
	[ ! -f "$c" ] || KCONFIG_OUT=$c
}

# The x86 boot protocol's setup header, as offsets in the bzImage file
# (Documentation/arch/x86/boot.rst, "The real-mode kernel header"; the
# header itself starts at 0x1f1). Little-endian fields.
BZ_SETUP_SECTS=0x1f1	# u8: 512-byte setup sectors after the boot sector; 0 means 4
BZ_HEADER=0x202		# u32: the magic "HdrS"
BZ_HEADER_MAGIC=48647253	# "HdrS" as od -tx1 prints it
BZ_KERNEL_VERSION=0x20e	# u16: the version string's offset, less 0x200
BZ_KERNEL_VERSION_BASE=0x200
BZ_KERNEL_VERSION_MAX=128	# bytes read of the string
BZ_PAYLOAD_OFFSET=0x248	# u32: the payload's offset after the setup sectors
BZ_PAYLOAD_LENGTH=0x24c	# u32: the payload's length
BZ_SECTOR=512

# bzimage_field FILE OFFSET SIZE: the unsigned SIZE-byte field at OFFSET
# of FILE, in decimal; nothing when FILE is shorter. (od, not $(dd ...):
# a command substitution drops a NUL byte with a warning on stderr.)
bzimage_field() {
	local v
	v=$(od -An -tu"$3" -j $(($2)) -N "$3" -- "$1" 2>/dev/null) || return 1
	printf '%s' "${v//[!0-9]/}"
}

# bzimage_kver FILE: the version string of an x86 bzImage, its first word
# (the string kernel_version points to). Fails, silently, when the file
# has no setup header.
bzimage_kver() {
	local f=$1 off magic
	magic=$(od -An -tx1 -j $((BZ_HEADER)) -N 4 -- "$f" 2>/dev/null) || return 1
	[ "${magic//[!0-9a-f]/}" = "$BZ_HEADER_MAGIC" ] || return 1
	off=$(bzimage_field "$f" "$BZ_KERNEL_VERSION" 2)
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 1
	dd if="$f" bs=1 skip=$((off + BZ_KERNEL_VERSION_BASE)) count=$BZ_KERNEL_VERSION_MAX 2>/dev/null |
		tr '\0' '\n' | head -n 1 | cut -d' ' -f1
}

# bzimage_payload FILE: the kernel inside an x86 bzImage, decompressed to
# stdout. The setup header says where it is (payload_offset and
# payload_length, after the setup sectors: BZ_* above). Returns 2 for a
# compression this script cannot undo (lz4, lzo). The decompressor's own
# status is not used: it counts the size word the build appends as
# trailing garbage. PAYLOAD_SIZE: that word, the size the output must have
# (for gzip, the stream's own ISIZE).
bzimage_payload() {
	local f=$1 sects off len start magic cat
	PAYLOAD_SIZE=""
	sects=$(bzimage_field "$f" "$BZ_SETUP_SECTS" 1)
	[ "$sects" = 0 ] && sects=4
	off=$(bzimage_field "$f" "$BZ_PAYLOAD_OFFSET" 4)
	len=$(bzimage_field "$f" "$BZ_PAYLOAD_LENGTH" 4)
	[ -n "$off" ] && [ -n "$len" ] && [ "$len" -gt 4 ] || return 2
	start=$(((sects + 1) * BZ_SECTOR + off))
	magic=$(od -An -tx1 -j "$start" -N 4 "$f" | tr -d ' ')
	case $magic in
	1f8b*) cat="gzip -dc" ;;
	fd377a58) cat="xz -dc --single-stream" ;;
	28b52ffd) cat="zstd -dc" ;;
	5d00*) cat="xz -dc --format=lzma" ;;
	425a68*) cat="bzip2 -dc" ;;
	*) return 2 ;;
	esac
	PAYLOAD_SIZE=$(od -An -tu4 -j $((start + len - 4)) -N 4 "$f" | tr -d ' ')
	tail -c +$((start + 1)) "$f" | head -c "$len" | $cat 2>/dev/null
	return 0
}

# pvh_kernel KERNEL: PVH_OUT = the file QEMU should boot instead of the x86
# bzImage KERNEL: the same kernel uncompressed, which QEMU enters through
# its PVH ELF note. Under TCG, QEMU spends about 3 s of a 5 s loop run
# unpacking Debian's xz bzImage before the kernel prints its first line;
# the ELF starts in a tenth of a second. Only for a kernel whose config
# says CONFIG_PVH=y (config-KVER beside it, or a build tree's .config),
# since QEMU cannot boot an ELF without the note. A build tree's own
# vmlinux is used as it is; a bzImage's is unpacked once into
# ~/.cache/root9p/vmlinux, named by its hash. Fails when it cannot,
# with why in PVH_OUT instead of a path (the caller shows it for --pvh);
# 2 when the cache is not the user's own (cache_get, trust_test), which
# the caller refuses even without --pvh. (Not run in $(...): what it
# learns about the kernel stays in run9p's index and SUM.)
pvh_kernel() {
	local k=$1 kv tree cfg="" dir sum elf tmp rc=0
	kernel_config "$k" ""
	tree=$KCONFIG_TREE
	if [ -n "$tree" ]; then
		grep -qx 'CONFIG_PVH=y' "$tree/.config" ||
			{ PVH_OUT="its build tree's .config has no CONFIG_PVH=y"; return 1; }
		{ [ -f "$tree/vmlinux" ] && [ ! "$tree/vmlinux" -ot "$k" ]; } ||
			{ PVH_OUT="its build tree has no vmlinux as new as the bzImage"; return 1; }
		PVH_OUT="$tree/vmlinux"
		return 0
	fi
	kernel_kver "$k" || { PVH_OUT="it is no bzImage"; return 1; }
	kv=$KVER_OUT
	case $kv in */* | .*) PVH_OUT="its version '$kv' cannot name a file in the cache"; return 1 ;; esac
	kernel_config "$k" "$kv"
	cfg=$KCONFIG_OUT
	[ -n "$cfg" ] || { PVH_OUT="no config-$kv beside it or in $KCONFIG_BOOT says whether it has CONFIG_PVH"; return 1; }
	# (What the config says is kept in the index for it as it is.)
	abs_path "$cfg"
	if ! idx_get config-pvh "$ABS_OUT"; then
		IDX_VAL=0
		! grep -qx 'CONFIG_PVH=y' "$cfg" || IDX_VAL=1
		idx_put config-pvh "$ABS_OUT" $IDX_VAL
	fi
	[ "$IDX_VAL" = 1 ] || { PVH_OUT="$cfg has no CONFIG_PVH=y"; return 1; }
	cache_get vmlinux || { rc=$?; PVH_OUT=$CACHE_OUT; return $rc; }
	dir=$CACHE_OUT
	abs_path "$k"
	file_sums "$ABS_OUT" || { PVH_OUT="it cannot be read (sha256sum)"; return 1; }
	sum=${SUM[$ABS_OUT]:0:24}
	elf=$dir/$kv-$sum.elf
	if [ -e "$elf" ] || [ -L "$elf" ]; then
		trust_test "$elf" 1 || { PVH_OUT="the cached kernel $elf: $WHY"; return 2; }
		[ -f "$elf" ] || { PVH_OUT="the cached kernel $elf is not a regular file"; return 2; }
	else
		tmp=$(mktemp "$dir/.unpack.XXXXXX") || { PVH_OUT="cannot write in $dir"; return 1; }
		if ! bzimage_payload "$k" >"$tmp" || [ "$(stat -c %s "$tmp")" != "$PAYLOAD_SIZE" ] ||
			[ "$(head -c 4 "$tmp" | od -An -tx1 | tr -d ' ')" != 7f454c46 ]; then
			rm -f "$tmp"
			PVH_OUT="its payload did not unpack to a whole ELF kernel"
			return 1
		fi
		{ chmod 644 "$tmp" && mv -f "$tmp" "$elf"; } || { rm -f "$tmp"; PVH_OUT="cannot write $elf"; return 1; }
	fi
	PVH_OUT="$elf"
}

# run9p_pick_kernel: qemu_kernel = what QEMU boots: the kernel, or under
# TCG its uncompressed ELF entered through PVH (pvh_kernel).
run9p_pick_kernel() {
	qemu_kernel=$kernel
	if [ "$pvh" = yes ] || { [ "$pvh" = auto ] && [ "$accel" = tcg ] && [ "$arch" = x86_64 ]; }; then
		[ "$arch" = x86_64 ] || die "--pvh: PVH is an x86 entry; an $arch kernel boots as it is (drop --pvh)"
		pvh_rc=0
		PVH_OUT=""
		pvh_kernel "$kernel" || pvh_rc=$?
		pvh_out=$PVH_OUT
		if [ "$pvh_rc" = 0 ]; then
			qemu_kernel=$pvh_out
		elif [ "$pvh_rc" = 2 ]; then
			die_try "use the unpacked kernel: $pvh_out" "$CACHE_TRY; or --no-pvh"
		elif [ "$pvh" = yes ]; then
			die "--pvh: '$kernel' cannot boot through PVH: $pvh_out (drop --pvh to boot the bzImage)"
		fi
	fi
}
