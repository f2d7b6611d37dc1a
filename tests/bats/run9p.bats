#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/bats/run9p.bats - run9p's functions one by one (scripts/run9p.d,
# sourced: sourcing runs nothing) and its refusals with their exact
# messages (`run9p: ...` and `run9p: try: ...`). No QEMU is started: main
# runs with --dry-run on stand-in files, a stand-in QEMU answers -help.
# Run by tests/bats/run.sh, which turns bats' TAP into check results.

setup() {
	TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	RUN9P_DIR=$TOP/scripts
	for part in "$RUN9P_DIR"/run9p.d/*.sh; do
		# shellcheck source=/dev/null
		. "$part"
	done
	run9p_defaults
	W=$BATS_TEST_TMPDIR
	export ROOT9P_CACHE=$W/cache
	mkdir -p "$W/root" "$W/bin"
	: >"$W/vmlinuz"
	: >"$W/initrd.img"
	# A stand-in QEMU: --dry-run asks it only what it supports.
	printf '#!/bin/sh\nexit 0\n' >"$W/bin/qemu-system-x86_64"
	printf '#!/bin/sh\nexit 0\n' >"$W/bin/qemu-system-aarch64"
	chmod +x "$W/bin/qemu-system-x86_64" "$W/bin/qemu-system-aarch64"
	PATH=$W/bin:$PATH
	unset QEMU
	STD=(-k "$W/vmlinuz" -i "$W/initrd.img" -r "$W/root" --passthrough-as-root --accel tcg --no-pvh --dry-run)
}

# strict_main ARGS...: main as scripts/run9p runs it, under set -eu (in
# bats' run, which tests a status, set -e would be ignored).
strict_main() {
	"$RUN9P_DIR/run9p" "$@"
}

# dry ARGS...: run9p's main on the stand-ins (-k, -i, -r, --dry-run).
dry() {
	run strict_main "${STD[@]}" "$@"
}

# hdr FILE VERSION: a minimal x86 bzImage boot header: "HdrS" at 0x202,
# kernel_version (at 0x20e) pointing to VERSION at 0x200 + 0x100.
hdr() {
	head -c 1024 /dev/zero >"$1"
	printf 'HdrS' | dd of="$1" bs=1 seek=$((0x202)) conv=notrunc 2>/dev/null
	printf '\x00\x01' | dd of="$1" bs=1 seek=$((0x20e)) conv=notrunc 2>/dev/null
	printf '%s\0' "$2" | dd of="$1" bs=1 seek=$((0x300)) conv=notrunc 2>/dev/null
}

# --- sourcing ---

@test "library: sourcing run9p.d runs nothing (no output, no QEMU argv)" {
	run bash -c 'for p in "$1"/run9p.d/*.sh; do . "$p"; done; declare -p qemu 2>/dev/null || echo none' _ "$RUN9P_DIR"
	[ "$status" = 0 ]
	[ "$output" = none ]
}

@test "library: a run9p without run9p.d says where it looked and what to try" {
	mkdir -p "$W/lone"
	cp "$RUN9P_DIR/run9p" "$W/lone/run9p"
	run "$W/lone/run9p" --help
	[ "$status" = 2 ]
	[ "${lines[0]}" = "run9p: load run9p's functions: no run9p.d beside $W/lone/run9p or in ../lib/root9p" ]
	[ "${lines[1]}" = "run9p: try: reinstall root9p, or run scripts/run9p from a root9p checkout" ]
}

# --- the option parser ---

@test "parser: the defaults" {
	[ "$tag" = fsRoot ]
	[ "$mode" = rw ]
	[ "$rootflags" = "$DEFAULT_ROOTFLAGS" ]
	[ "$mem" = 512M ] && [ "$cpus" = 1 ] && [ "$accel" = auto ] && [ "$rootfs" = 9p ]
	[ "$TAG_MAX" = 31 ]
}

@test "DEFAULT_ROOTFLAGS: mount9p's own defaults (mount9p --explain), and --help's" {
	local m="" libc
	# this machine's builds only: build/ also holds aarch64-*/ (make check's
	# arm64 suite), whose mount9p this host cannot run
	for libc in klibc musl glibc; do
		m=$TOP/${O:-build}/$libc/mount9p
		[ -x "$m" ] && break
	done
	[ -x "$m" ] || skip "no mount9p built (make) to ask for its defaults"
	run "$m" --explain
	[ "$status" = 0 ]
	[ "${lines[0]}" = "$DEFAULT_ROOTFLAGS" ]
	run9p_defaults
	run usage
	[[ $output == *"(default"*"$DEFAULT_ROOTFLAGS)"* ]]
}

@test "parser: short and long options set the same globals" {
	run9p_parse_args -k K -i I -r R -t T -m 1G -c 2 --ro
	[ "$kernel" = K ] && [ "$initrd" = I ] && [ "$rootdir" = R ] && [ "$tag" = T ]
	[ "$mem" = 1G ] && [ "$cpus" = 2 ] && [ "$mode" = ro ]
}

@test "parser: -a adds up in order, -o sets rootflags and remembers it was given" {
	run9p_parse_args -a one=1 -a two=2 -o trans=virtio
	[ "$extra_append" = "one=1 two=2" ]
	[ "$rootflags" = trans=virtio ] && [ "$rootflags_given" = trans=virtio ]
}

@test "parser: --qemu and --extra-9p are repeatable, in order" {
	run9p_parse_args --qemu -nic --qemu user --extra-9p a:/x --extra-9p b:/y
	[ "${qemu_user[*]}" = "-nic user" ]
	[ "${extra_9p[*]}" = "a:/x b:/y" ]
}

@test "parser: -- ends the options: the rest is CMD, options included" {
	run9p_parse_args -k K -- ls -k --ro
	[ "$has_cmd" = 1 ]
	[ "${guest_cmd[*]}" = "ls -k --ro" ]
	[ "$mode" = rw ]
}

@test "parser: --fs virtiofs allows virtio_fs's 36-byte tags" {
	run9p_parse_args --fs virtiofs
	[ "$rootfs" = virtiofs ] && [ "$TAG_MAX" = 36 ]
}

@test "parser: an option without its value is refused by name" {
	run run9p_parse_args -k
	[ "$status" = 2 ]
	[ "$output" = "run9p: -k needs a value (see --help)" ]
}

@test "parser: --rw without a PATH says the root is writable already" {
	run run9p_parse_args --rw
	[ "$status" = 2 ]
	[ "$output" = "run9p: --rw needs a PATH to make writable (the root is read-write by default; see --help)" ]
}

@test "parser: an unknown option is refused by name" {
	run run9p_parse_args --bogus
	[ "$status" = 2 ]
	[ "$output" = "run9p: unknown argument '--bogus' (see --help)" ]
}

@test "parser: -h prints the usage and exits 0" {
	run run9p_parse_args -h
	[ "$status" = 0 ]
	[ "${lines[0]}" = "usage: run9p -k KERNEL -i INITRD -r ROOTDIR [options] [--qemu ARG]..." ]
}

# --- refusals of single inputs ---

@test "check_tag: a comma is refused, saying why" {
	run check_tag a,b
	[ "$status" = 2 ]
	[ "$output" = "run9p: tag 'a,b' has a comma: QEMU splits -device options on commas, so mount_tag= would end there (and the kernel's root= would not match)" ]
}

@test "check_tag: 32 bytes is one too many" {
	run check_tag "$(printf 'a%.0s' {1..32})"
	[ "$status" = 2 ]
	[ "$output" = "run9p: tag '$(printf 'a%.0s' {1..32})' is 32 bytes; QEMU takes at most 31" ]
}

@test "check_tag: a tag must start with a letter" {
	run check_tag 9p
	[ "$status" = 2 ]
	[ "$output" = "run9p: tag '9p' must start with a letter (QEMU uses it as a device id)" ]
}

@test "check_tag: a space is refused" {
	run check_tag "a b"
	[ "$status" = 2 ]
	[ "$output" = "run9p: tag 'a b' may only hold letters, digits, '.', '_' and '-' (QEMU device id rules; spaces would also split the kernel command line)" ]
}

@test "check_tag: a control byte is refused with what to try" {
	run check_tag "$(printf 'a\tb')"
	[ "$status" = 2 ]
	[ "${lines[0]}" = "run9p: use tag \$'a\\tb': it holds a byte outside printable ASCII" ]
	[ "${lines[1]}" = "run9p: try: a tag of letters, digits, '.', '_' and '-'" ]
}

@test "check_tag: a good tag passes" {
	check_tag fs.Root_1-x
}

@test "check_file: a missing file and a folder are refused by name" {
	run check_file kernel "$W/nothere"
	[ "$output" = "run9p: kernel '$W/nothere' does not exist" ]
	run check_file initrd "$W/root"
	[ "$status" = 2 ]
	[ "$output" = "run9p: initrd '$W/root' is not a regular file" ]
}

@test "check_dir: a file is no directory" {
	run check_dir "root directory" "$W/vmlinuz"
	[ "$status" = 2 ]
	[ "$output" = "run9p: root directory '$W/vmlinuz' is not a directory" ]
}

@test "check_dir: the host's / (also as /tmp/..) needs --allow-host-root" {
	run check_dir "root directory" /tmp/..
	[ "$status" = 2 ]
	[ "$output" = "run9p: root directory '/tmp/..' is the host's / : the guest would get the whole host filesystem; give --allow-host-root if that is really meant" ]
	check_dir "root directory" / 1
}

@test "check_cmdline_text: an unpaired double quote is refused" {
	run check_cmdline_text -a 'x="y'
	[ "$status" = 2 ]
	[ "$output" = "run9p: -a has an unpaired double quote: the kernel would take the rest of the command line into that argument" ]
}

@test "check_cmdline_text: a newline is refused with what to try" {
	run check_cmdline_text --cmdline "$(printf 'a\nb')"
	[ "$status" = 2 ]
	[ "${lines[0]}" = "run9p: put --cmdline \$'a\\nb' on the kernel command line: it holds a byte outside printable ASCII (a control character such as a newline or tab, or 0xa0, which the kernel splits on as on a space)" ]
	[ "${lines[1]}" = "run9p: try: --cmdline in printable ASCII only (bytes 0x20-0x7e)" ]
}

@test "is_print_ascii: 0x20-0x7e only (0xa0 is a space to the kernel)" {
	is_print_ascii 'a b~'
	! is_print_ascii "$(printf 'a\xa0b')"
	! is_print_ascii "$(printf 'a\tb')"
}

@test "runas_check: uid 0 is refused, however written" {
	runas=00:5
	run runas_check --user
	[ "$status" = 2 ]
	[ "$output" = "run9p: --user '00:5' is root: QEMU would keep root's rights" ]
}

@test "runas_check: group 0 is refused with what to try" {
	runas=1000:0
	run runas_check "--user 1000:0"
	[ "$status" = 2 ]
	[ "${lines[0]}" = "run9p: run QEMU as 1000:0 (--user 1000:0): group 0 is root's, whose rights QEMU would keep (files and devices of group root)" ]
	[ "${lines[1]}" = "run9p: try: --user 1000:GID with the user's own group (--user 1000:1000, say), or chgrp the root directory" ]
}

@test "runas_check: leading zeros are dropped (010:020 is 10:20)" {
	runas=010:020
	runas_check --user
	[ "$runas" = 10:20 ]
}

# --- refusals of the whole command line (main --dry-run) ---

@test "main: no kernel" {
	run strict_main -r "$W/root" --dry-run
	[ "$status" = 2 ]
	[ "$output" = "run9p: no kernel: give -k KERNEL (see --help)" ]
}

@test "main: no root directory" {
	run strict_main -k "$W/vmlinuz" -i "$W/initrd.img" --dry-run
	[ "$status" = 2 ]
	[ "$output" = "run9p: no root directory: give -r DIR or --host-root (see --help)" ]
}

@test "main: a memory size, a CPU count, a timeout that are no numbers" {
	dry -m lots
	[ "$status" = 2 ] && [ "$output" = "run9p: memory 'lots' is not a size like 512M or 2G" ]
	dry -c 0
	[ "$status" = 2 ] && [ "$output" = "run9p: cpus '0' is not a positive number" ]
	dry --timeout 1m
	[ "$status" = 2 ] && [ "$output" = "run9p: timeout '1m' is not a number of seconds" ]
}

@test "main: an unknown --arch, --transport, --fs, --accel" {
	dry --arch sparc
	[ "$status" = 2 ] && [ "$output" = "run9p: arch 'sparc': use x86_64 or aarch64" ]
	dry --transport usb
	[ "$status" = 2 ] && [ "$output" = "run9p: transport 'usb': use pci or mmio" ]
	dry --fs nfs
	[ "$status" = 2 ] && [ "$output" = "run9p: --fs 'nfs': use 9p, virtiofs, diod or auto" ]
	dry --accel xen
	[ "$status" = 2 ] && [ "$output" = "run9p: accel 'xen': use kvm, tcg or auto" ]
}

@test "main: --transport mmio on x86_64 names --arch aarch64" {
	dry --transport mmio
	[ "$status" = 2 ]
	[ "$output" = "run9p: --transport mmio needs --arch aarch64: the x86 pc machine has no virtio-mmio slots" ]
}

@test "main: -a beside --cmdline is refused" {
	dry --cmdline "root=x" -a y=1
	[ "$status" = 2 ]
	[ "$output" = "run9p: --cmdline replaces the whole command line: put the -a arguments in it" ]
}

@test "main: rootflags with a space or a double quote" {
	dry -o 'a b'
	[ "$status" = 2 ] && [ "$output" = "run9p: rootflags 'a b' has a space: it would split the kernel command line" ]
	dry -o 'a"b'
	[ "$status" = 2 ] && [ "$output" = "run9p: rootflags 'a\"b' has a double quote: the kernel would group the arguments after it into rootflags" ]
}

@test "main: -- CMD with -i is refused: CMD runs through run9p's own initrd" {
	dry -- true
	[ "$status" = 2 ]
	[ "$output" = "run9p: -- CMD runs through run9p's own initrd: drop -i '$W/initrd.img' (with -i the image's init runs, and QEMU arguments go after --qemu)" ]
}

@test "main: an empty CMD is refused with what to try" {
	run strict_main -k "$W/vmlinuz" -r "$W/root" --dry-run -- ''
	[ "$status" = 2 ]
	[ "${lines[0]}" = "run9p: run the command '': it is empty" ]
	[ "${lines[1]}" = "run9p: try: -- CMD [ARGS...] with a command, or -- alone for an interactive shell on the console" ]
}

@test "main: --fstests-results without --fstests" {
	dry --fstests-results "$W/r"
	[ "$status" = 2 ]
	[ "$output" = "run9p: --fstests-results goes with --fstests DIR (see --help)" ]
}

@test "main: a tag used twice is refused" {
	mkdir -p "$W/share"
	dry --extra-9p "fsRoot:$W/share"
	[ "$status" = 2 ]
	[ "$output" = "run9p: tag 'fsRoot' is used twice: each share needs its own tag" ]
}

@test "main: --libvirt-xml refuses --qemu and --timeout by name" {
	dry --libvirt-xml - --qemu -nic
	[ "$status" = 2 ]
	[ "$output" = "run9p: --libvirt-xml does not take --qemu -nic: libvirt builds QEMU's command line itself: add the device to the domain by hand (or as <qemu:commandline>)" ]
	dry --libvirt-xml - --timeout 5
	[ "$status" = 2 ]
	[ "$output" = "run9p: --libvirt-xml does not take --timeout 5: libvirt has no time limit for a domain: stop it with virsh destroy" ]
}

# --- kernel identification ---

@test "bzimage_kver: the version a boot header points to" {
	hdr "$W/bz" "6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1 SMP"
	run bzimage_kver "$W/bz"
	[ "$status" = 0 ]
	[ "$output" = 6.1.0-57-amd64 ]
}

@test "bzimage_kver: a file without HdrS is no bzImage, said by the caller alone" {
	head -c 1024 /dev/zero >"$W/zero"
	run bzimage_kver "$W/zero"
	[ "$status" != 0 ]
	# (Read with $(dd ...), the NUL bytes made bash warn on stderr.)
	[ -z "$output" ]
}

@test "bzimage_kver: a file shorter than the header is no bzImage" {
	printf 'MZ' >"$W/short"
	run bzimage_kver "$W/short"
	[ "$status" != 0 ]
	[ -z "$output" ]
}

@test "bzimage_field: little-endian fields at the boot protocol's offsets" {
	hdr "$W/bz" "6.1.0 x"
	[ "$(bzimage_field "$W/bz" "$BZ_KERNEL_VERSION" 2)" = 256 ]
	[ -z "$(bzimage_field "$W/bz" 4096 4)" ]
}

@test "kernel_kver: the version is kept in the index, keyed by the file's identity" {
	hdr "$W/bz" "6.1.0-1-amd64 x"
	kernel_kver "$W/bz"
	[ "$KVER_OUT" = 6.1.0-1-amd64 ]
	grep -q "^kver 6.1.0-1-amd64 .* $W/bz\$" "$ROOT9P_CACHE/run9p/index"
}

@test "bzimage_payload: a gzip payload comes out whole, with its size" {
	head -c 1024 /dev/zero >"$W/bz"
	printf 'the kernel itself\n' >"$W/payload"
	gzip -9 -n -c "$W/payload" >"$W/payload.gz"
	len=$(stat -c %s "$W/payload.gz")
	# setup_sects 1: the payload starts after 2 sectors, at payload_offset 0.
	printf '\x01' | dd of="$W/bz" bs=1 seek=$((0x1f1)) conv=notrunc 2>/dev/null
	printf "$(printf '\\x%02x' $((len & 255)) $((len >> 8 & 255)) 0 0)" |
		dd of="$W/bz" bs=1 seek=$((0x24c)) conv=notrunc 2>/dev/null
	cat "$W/payload.gz" >>"$W/bz"
	bzimage_payload "$W/bz" >"$W/out"
	cmp "$W/out" "$W/payload"
	[ "$PAYLOAD_SIZE" = "$(stat -c %s "$W/payload")" ]
}

@test "bzimage_payload: an unknown compression returns 2" {
	head -c 2048 /dev/zero >"$W/bz"
	printf '\x08' | dd of="$W/bz" bs=1 seek=$((0x24c)) conv=notrunc 2>/dev/null
	run bzimage_payload "$W/bz"
	[ "$status" = 2 ]
}

# --- the cache and its key ---

@test "idx_valid: each fact has its form" {
	idx_valid sha256 "$(printf '%064d' 0)"
	! idx_valid sha256 abc
	idx_valid kver 6.1.0-57-amd64
	! idx_valid kver ../x
	idx_valid builtin9p 1
	! idx_valid builtin9p 2
	! idx_valid nosuchfact 1
}

@test "idx_get: a fact is forgotten when its file changes" {
	printf a >"$W/f"
	idx_put builtin9p "$W/f" 1
	idx_get builtin9p "$W/f"
	[ "$IDX_VAL" = 1 ]
	# Another run9p: the same index file, read afresh.
	ST=() IDX=() IDX_STATE=unread
	printf bb >"$W/f"
	! idx_get builtin9p "$W/f"
}

@test "idx_put: a fact about a file that is gone is dropped when the index is written" {
	printf a >"$W/f"
	printf b >"$W/g"
	idx_put builtin9p "$W/f" 1
	idx_put builtin9p "$W/g" 0
	rm "$W/f"
	printf c >"$W/h"
	idx_put builtin9p "$W/h" 1
	run grep -c " $W/f\$" "$ROOT9P_CACHE/run9p/index"
	[ "$output" = 0 ]
	grep -q " $W/g\$" "$ROOT9P_CACHE/run9p/index"
	grep -q " $W/h\$" "$ROOT9P_CACHE/run9p/index"
}

@test "stat_remember: the next run's list is the paths this one used, not every path it was given" {
	mkdir -p "$ROOT9P_CACHE/run9p"
	chmod 700 "$ROOT9P_CACHE" "$ROOT9P_CACHE/run9p"
	printf a >"$W/used"
	# a list from an older run: paths since gone, more than twice as
	# many as this run uses
	printf "$W/gone%s\\n" {1..40} >"$ROOT9P_CACHE/run9p/paths"
	kernel=$W/vmlinuz rootdir=$W/root QEMU=qemu-system-x86_64
	stat_startup
	idx_load
	stat_get "$W/used"
	stat_remember
	grep -qx "$W/used" "$ROOT9P_CACHE/run9p/paths"
	run grep -c "^$W/gone" "$ROOT9P_CACHE/run9p/paths"
	[ "$output" = 0 ]
	# the same paths used again, and one path more listed (another
	# run9p's): the list is kept as it is (no write)
	echo "$W/root" >>"$ROOT9P_CACHE/run9p/paths"
	touch -d '2001-01-01' "$ROOT9P_CACHE/run9p/paths"
	fresh
	ST_USED=() STAT_LISTED=()
	stat_startup
	idx_load
	mapfile -t want <"$ROOT9P_CACHE/run9p/paths"
	for p in "${want[@]}"; do stat_get "$p" || true; done
	stat_remember
	[ "$(stat -c %Y "$ROOT9P_CACHE/run9p/paths")" = "$(date -d 2001-01-01 +%s)" ]
}

@test "file_sums: the sha256 of each file, as sha256sum says" {
	printf one >"$W/a"
	printf two >"$W/b"
	file_sums "$W/a" "$W/b"
	[ "${SUM[$W/a]}" = "$(sha256sum <"$W/a" | cut -d' ' -f1)" ]
	[ "${SUM[$W/b]}" = "$(sha256sum <"$W/b" | cut -d' ' -f1)" ]
}

@test "cache_get: a cache folder others can write is refused, saying why" {
	mkdir -p "$ROOT9P_CACHE"
	chmod 0777 "$ROOT9P_CACHE"
	cache_get loop || rc=$?
	[ "$rc" = 2 ]
	[ "$CACHE_OUT" = "the cache folder $ROOT9P_CACHE: its group or others can write it (mode 777)" ]
}

@test "trust_test: a symbolic link is never trusted" {
	ln -s "$W/root" "$W/link"
	! trust_test "$W/link" 1
	[ "$WHY" = "it is a symbolic link" ]
}

@test "loop cache key: the module set's key changes with a module index file" {
	. "$RUN9P_DIR/run9p-loop"
	mkdir -p "$W/mods"
	printf 'a.ko\n' >"$W/mods/modules.order"
	loop_modset_files "$W/mods"
	loop_modset_key
	k1=$LOOP_MODKEY
	ST=()
	printf 'a.ko\nb.ko\n' >"$W/mods/modules.order"
	loop_modset_key
	[ -n "$k1" ] && [ "$LOOP_MODKEY" != "$k1" ]
}

# fresh: forget what this "run" learnt, as a new run9p would (the
# index, the remembered keys and the stat cache stay on disk).
fresh() {
	ST=() SUM=() IDX=() KEYS=() KEYS_LIST=()
	IDX_STATE=unread KEYS_STATE=unread
}

# key_inputs: a kernel, mkinitrd9p, payload9p and a module tree for
# loop_initrd_key, each a file of its own.
key_inputs() {
	. "$RUN9P_DIR/run9p-loop"
	mkdir -p "$W/m/lib/modules/6.1.0-t"
	printf 'a.ko\n' >"$W/m/lib/modules/6.1.0-t/modules.order"
	printf 'kernel' >"$W/k"
	printf 'mkinitrd9p' >"$W/mk"
	printf 'payload9p' >"$W/p"
	KIMAGE=$W/k MKINITRD9P=$W/mk PAYLOAD9P=$W/p KVER=6.1.0-t KBUILD="" MODBASE=$W/m transport=pci
}

# key_now: LOOP_KEY for the inputs as they are, in a fresh run.
key_now() {
	fresh
	loop_initrd_key
}

@test "loop_initrd_key: the same inputs reuse the key, with no sha256sum" {
	key_inputs
	key_now
	k1=$LOOP_KEY
	[[ $k1 =~ ^[0-9a-f]{24}$ ]]
	grep -q "^$k1" "$ROOT9P_CACHE/run9p/keys"
	# A sha256sum that fails: the index and the keys must answer.
	printf '#!/bin/sh\nexit 1\n' >"$W/bin/sha256sum"
	chmod +x "$W/bin/sha256sum"
	hash -r
	key_now
	[ "$LOOP_KEY" = "$k1" ]
	# The key is what sha256sum says of the inputs' text (and so the
	# name an older run9p gave the same image).
	rm "$W/bin/sha256sum"
	hash -r
	printf -v text '%s\n' "${SUM[$W/k]}" "${SUM[$W/mk]}" "${SUM[$W/p]}" 6.1.0-t pci \
		"${LOOP_ARGS[@]}" "$LOOP_MODKEY"
	[ "$(sha256sum <<<"$text" | cut -c1-24)" = "$k1" ]
}

@test "loop_initrd_key: a changed kernel, module set, payload9p, mkinitrd9p or argument gives a new key" {
	key_inputs
	key_now
	k0=$LOOP_KEY
	declare -A seen=([$k0]=base)
	# new WHAT: the key now is one never seen.
	new() {
		key_now
		[ -z "${seen[$LOOP_KEY]:-}" ] || { echo "$1: key $LOOP_KEY as for ${seen[$LOOP_KEY]}"; return 1; }
		seen[$LOOP_KEY]=$1
	}
	# (The module set counts by its files' identity: written again,
	# even as it was, it is a new set.)
	printf 'a.ko\nb.ko\n' >"$W/m/lib/modules/6.1.0-t/modules.order"
	new "module set"
	k1=$LOOP_KEY
	printf 'kernel 2' >"$W/k"
	new kernel
	printf 'payload9p 2' >"$W/p"
	new "payload9p (the init)"
	# (root9p's version is built into mkinitrd9p)
	printf 'mkinitrd9p 2' >"$W/mk"
	new "mkinitrd9p (root9p's version)"
	overlay=tmpfs
	new "mkinitrd9p's --modules (overlay)"
	transport=mmio
	new "--transport"
	rootfs=virtiofs
	new "--fstype=virtiofs"
	MODBASE="" KBUILD=""
	new "--no-modules"
	# and back to the inputs as they were after the module set's
	# change: its key again
	printf 'kernel' >"$W/k"
	printf 'payload9p' >"$W/p"
	printf 'mkinitrd9p' >"$W/mk"
	overlay="" transport=pci rootfs=9p MODBASE=$W/m
	key_now
	[ "$LOOP_KEY" = "$k1" ]
}

@test "key_sum: a keys file others can write, or a link, is not used" {
	key_inputs
	key_now
	k1=$LOOP_KEY
	# A planted line for the same text, in a file the group can write.
	sed -i "s/^[0-9a-f]\{64\}/$(printf '0%.0s' {1..64})/" "$ROOT9P_CACHE/run9p/keys"
	chmod 664 "$ROOT9P_CACHE/run9p/keys"
	key_now
	[ "$LOOP_KEY" = "$k1" ]
	mv "$ROOT9P_CACHE/run9p/keys" "$W/keys"
	ln -s "$W/keys" "$ROOT9P_CACHE/run9p/keys"
	key_now
	[ "$LOOP_KEY" = "$k1" ]
	[ -L "$ROOT9P_CACHE/run9p/keys" ]
}

@test "file_new: an empty 0600 file; never over a file, a link or a device link" {
	mkdir -m 700 "$W/c"
	file_new "$W/c/a"
	[ -f "$W/c/a" ] && [ ! -s "$W/c/a" ]
	[ "$(stat -c %a "$W/c/a")" = 600 ]
	[ "$(umask)" = "$(bash -c umask)" ]
	echo data >"$W/c/a"
	run file_new "$W/c/a"
	[ "$status" = 1 ]
	[ "$(cat "$W/c/a")" = data ]
	ln -s "$W/c/nowhere" "$W/c/dangling"
	run file_new "$W/c/dangling"
	[ "$status" = 1 ]
	[ ! -e "$W/c/nowhere" ]
	ln -s /dev/null "$W/c/null"
	run file_new "$W/c/null"
	[ "$status" = 1 ]
	[ -c /dev/null ]
}

@test "loop_run_files: status and console in ROOT9P_CACHE/run, by pid; a kept pair's name is passed over" {
	mkdir -p "$ROOT9P_CACHE/run"
	chmod 700 "$ROOT9P_CACHE" "$ROOT9P_CACHE/run"
	: >"$ROOT9P_CACHE/run/$$.console.log"
	ln -s /dev/null "$ROOT9P_CACHE/run/$$-1.status"
	loop_run_files
	[ "$LOOP_STATUS" = "$ROOT9P_CACHE/run/$$-2.status" ]
	[ "$LOOP_CONSOLE" = "$ROOT9P_CACHE/run/$$-2.console.log" ]
	[ "$(stat -c %a "$LOOP_STATUS") $(stat -c %a "$LOOP_CONSOLE")" = "600 600" ]
	[ "$(stat -c %a "$ROOT9P_CACHE/run")" = 700 ]
	[ -L "$ROOT9P_CACHE/run/$$-1.status" ] && [ ! -e "$ROOT9P_CACHE/run/$$-1.console.log" ]
	LOOP_KEEP=0
	loop_run_remove
	[ ! -e "$LOOP_STATUS" ] && [ ! -e "$LOOP_CONSOLE" ]
	[ -e "$ROOT9P_CACHE/run/$$.console.log" ]
}

@test "loop_run_files: a run folder others can write is refused, saying why" {
	mkdir -p "$ROOT9P_CACHE/run"
	chmod 777 "$ROOT9P_CACHE/run"
	run loop_run_files
	[ "$status" = 2 ]
	[ "${lines[0]}" = "run9p: keep the guest's status and console: the cache folder $ROOT9P_CACHE/run: its group or others can write it (mode 777)" ]
	[[ ${lines[1]} == "run9p: try: ROOT9P_CACHE=DIR, a folder of your own no one else can write"* ]]
}

@test "loop_kconfig_missing: the builtins a config lacks, one grep, kept in the index" {
	. "$RUN9P_DIR/run9p-loop"
	printf 'CONFIG_9P_FS=y\nCONFIG_NET_9P_VIRTIO=m\nCONFIG_TMPFS=y\nCONFIG_DEVTMPFS=y\n# CONFIG_OVERLAY_FS is not set\nCONFIG_VIRTIO_PCI=y\n' >"$W/config"
	loop_kconfig_missing "$W/config"
	[ "$LOOP_MISSING" = NET_9P_VIRTIO,VIRTIO_CONSOLE,OVERLAY_FS ]
	printf '#!/bin/sh\nexit 2\n' >"$W/bin/grep"
	chmod +x "$W/bin/grep"
	hash -r
	fresh
	loop_kconfig_missing "$W/config"
	rm "$W/bin/grep"
	hash -r
	[ "$LOOP_MISSING" = NET_9P_VIRTIO,VIRTIO_CONSOLE,OVERLAY_FS ]
	printf 'CONFIG_%s=y\n' $LOOP_BUILTINS >"$W/config"
	fresh
	loop_kconfig_missing "$W/config"
	[ -z "$LOOP_MISSING" ]
}

# --- the kernel's configuration: one search for all its users ---

# kconf_layout: a build tree with a bzImage, a Debian-like boot folder
# with a vmlinuz and config beside it, and a stand-in /boot.
kconf_layout() {
	mkdir -p "$W/tree/arch/x86/boot" "$W/deb" "$W/boot"
	hdr "$W/tree/arch/x86/boot/bzImage" 6.9.0-t
	hdr "$W/deb/vmlinuz-6.1.0-t" 6.1.0-t
	KCONFIG_BOOT=$W/boot
}

@test "kernel_config: the build tree's .config first, then config-KVER beside the image, then /boot's" {
	kconf_layout
	printf 'CONFIG_A=y\n' >"$W/tree/.config"
	printf 'CONFIG_B=y\n' >"$W/tree/arch/x86/boot/config-6.9.0-t"
	printf 'CONFIG_C=y\n' >"$W/boot/config-6.9.0-t"
	kernel_config "$W/tree" 6.9.0-t
	[ "$KCONFIG_OUT" = "$W/tree/.config" ] && [ "$KCONFIG_TREE" = "$W/tree" ]
	kernel_config "$W/tree/" ""
	[ "$KCONFIG_OUT" = "$W/tree/.config" ]
	kernel_config "$W/tree/arch/x86/boot/bzImage" 6.9.0-t
	[ "$KCONFIG_OUT" = "$W/tree/.config" ] && [ "$KCONFIG_TREE" = "$W/tree" ]
	rm "$W/tree/.config"
	kernel_config "$W/tree/arch/x86/boot/bzImage" 6.9.0-t
	[ "$KCONFIG_OUT" = "$W/tree/arch/x86/boot/config-6.9.0-t" ] && [ -z "$KCONFIG_TREE" ]
	rm "$W/tree/arch/x86/boot/config-6.9.0-t"
	kernel_config "$W/tree/arch/x86/boot/bzImage" 6.9.0-t
	[ "$KCONFIG_OUT" = "$W/boot/config-6.9.0-t" ]
	# a build tree without .config: not /boot's (the tree is no
	# kernel of that version until built)
	kernel_config "$W/tree" 6.9.0-t
	[ -z "$KCONFIG_OUT" ]
	# no version: nothing but a build tree's
	kernel_config "$W/deb/vmlinuz-6.1.0-t" ""
	[ -z "$KCONFIG_OUT" ]
	kernel_config "$W/deb/vmlinuz-6.1.0-t" 6.1.0-t
	[ -z "$KCONFIG_OUT" ]
	printf 'CONFIG_C=y\n' >"$W/boot/config-6.1.0-t"
	kernel_config "$W/deb/vmlinuz-6.1.0-t" 6.1.0-t
	[ "$KCONFIG_OUT" = "$W/boot/config-6.1.0-t" ]
	printf 'CONFIG_B=y\n' >"$W/deb/config-6.1.0-t"
	kernel_config "$W/deb/vmlinuz-6.1.0-t" 6.1.0-t
	[ "$KCONFIG_OUT" = "$W/deb/config-6.1.0-t" ]
}

@test "kernel_config: --fs auto, the loop and PVH read the same file" {
	kconf_layout
	. "$RUN9P_DIR/run9p-loop"
	printf 'CONFIG_9P_FS=m\nCONFIG_VIRTIO_FS=y\nCONFIG_PVH=y\n' >"$W/boot/config-6.1.0-t"
	kernel=$W/deb/vmlinuz-6.1.0-t KIMAGE=$kernel KVER=6.1.0-t
	vfs_kernel_fs
	[ "$VFS_KFROM" = "$W/boot/config-6.1.0-t" ] && [ "$VFS_KVFS" = y ] && [ "$VFS_K9P" = y ]
	initrd_mode=none rootfs=9p transport=pci arch=x86_64 cmdline="" diod_modules="" scratch=""
	run loop_noinitrd
	[ "$status" = 2 ]
	[[ ${lines[0]} == "run9p: boot with no initrd (--initrd none): $W/boot/config-6.1.0-t does not build in CONFIG_9P_FS CONFIG_NET_9P_VIRTIO "* ]]
	# PVH gets past the config (/boot's says CONFIG_PVH=y) to the
	# unpacking, which the stand-in, a header alone, fails.
	pvh_kernel "$kernel" || true
	[ "$PVH_OUT" = "its payload did not unpack to a whole ELF kernel" ]
	rm "$W/boot/config-6.1.0-t"
	fresh
	pvh_kernel "$kernel" || true
	[ "$PVH_OUT" = "no config-6.1.0-t beside it or in $W/boot says whether it has CONFIG_PVH" ]
}

# --- the QEMU argv, per transport ---

@test "share_args: -fsdev with its path's commas doubled, read-only, and the 9p device" {
	secmodel=mapped-xattr p9dev=virtio-9p-pci qemu=()
	share_args t1 /a,b ro
	[ "${qemu[0]}" = -fsdev ]
	[ "${qemu[1]}" = "local,security_model=mapped-xattr,multidevs=remap,id=fsdev-t1,path=/a,,b,readonly=on" ]
	[ "${qemu[3]}" = "virtio-9p-pci,id=t1,fsdev=fsdev-t1,mount_tag=t1" ]
}

@test "qemu argv, 9p: the root's -fsdev and virtio-9p-pci, root= and rootflags" {
	dry
	[ "$status" = 0 ]
	[[ $output == *"-fsdev local,security_model=passthrough,multidevs=remap,id=fsdev-fsRoot,path=$W/root "* ]] ||
		[[ $output == *"-fsdev local\\,security_model=passthrough\\,multidevs=remap\\,id=fsdev-fsRoot\\,path=$W/root "* ]]
	[[ $output == *"virtio-9p-pci\\,id=fsRoot\\,fsdev=fsdev-fsRoot\\,mount_tag=fsRoot"* ]]
	[[ $output == *"root=fsRoot\\ rw\\ rootfstype=9p\\ rootflags=trans=virtio\\,version=9p2000.L\\,msize=512000\\,cache=mmap"* ]]
}

@test "qemu argv, 9p over mmio: virtio-9p-device on the virt machine" {
	dry --arch aarch64 --transport mmio
	[ "$status" = 0 ]
	[[ $output == qemu-system-aarch64\ -M\ virt\\,gic-version=3* ]]
	[[ $output == *"virtio-9p-device\\,id=fsRoot"* ]]
	[[ $output == *"console=ttyAMA0"* ]]
}

@test "qemu argv, virtiofs: vhost-user-fs-pci and a shared memfd of -m's size" {
	mem=1G tag=fsRoot qemu=()
	vfs_qemu_args /run/s/sock
	[ "${qemu[*]}" = "-chardev socket,id=vfs-fsRoot,path=/run/s/sock -device vhost-user-fs-pci,chardev=vfs-fsRoot,tag=fsRoot -object memory-backend-memfd,id=vfs-mem,size=1G,share=on -numa node,memdev=vfs-mem" ]
}

@test "virtiofs daemon: the C one's source= has its commas escaped" {
	vfs_kind=c vfsd=/usr/lib/qemu/virtiofsd rootdir='/srv/a,source=/' vfs_cache=auto
	vfs_command /s
	[ "${vfs_cmd[3]}" = 'source=/srv/a\,source=/' ]
	vfs_kind=rust mode=ro vfs_uid=0
	vfs_command /s
	[ "${vfs_cmd[2]}" = '--shared-dir=/srv/a,source=/' ]
	[[ " ${vfs_cmd[*]} " == *" --readonly "* ]]
}

@test "qemu argv, diod: a restricted user network forwarding each share to the socket" {
	diod_dirs=(/a /b) qemu=()
	diod_qemu_args /tmp/d,x/sock
	[ "${qemu[1]}" = "user,id=r9pdiod,restrict=on,guestfwd=tcp:10.0.2.100:564-unix:/tmp/d,,x/sock,guestfwd=tcp:10.0.2.100:565-unix:/tmp/d,,x/sock" ]
	[ "${qemu[3]}" = virtio-net-pci,netdev=r9pdiod ]
}

@test "guest_shares: the root, the upper layer, --rw and --extra-9p, in order, the root read-only under an overlay" {
	mkdir -p "$W/up" "$W/rw" "$W/x"
	rootfs=9p tag=fsRoot rootdir=$W/root share_mode=ro overlay=$W/up rw_paths=("$W/rw") extra_9p=("xt:$W/x")
	guest_shares
	[ "${SHARE_TAGS[*]}" = "fsRoot r9pupper r9prw0 xt" ]
	[ "${SHARE_DIRS[*]}" = "$W/root $W/up $W/rw $W/x" ]
	[ "${SHARE_RO[0]}" = ro ] && [ -z "${SHARE_RO[1]}${SHARE_RO[2]}${SHARE_RO[3]}" ]
}

@test "guest_shares: an --extra-9p without a TAG is refused" {
	extra_9p=("$W/root")
	run guest_shares
	[ "$status" = 2 ]
	[ "$output" = "run9p: --extra-9p '$W/root': use TAG:DIR" ]
}

@test "--libvirt-xml and the QEMU argv carry the same shares" {
	mkdir -p "$W/x" "$W/y"
	dry --extra-9p "xt:$W/x" --extra-9p "yt:$W/y" --ro
	[ "$status" = 0 ]
	argv_tags=$(grep -o 'mount_tag=[A-Za-z0-9._-]*' <<<"$output" | cut -d= -f2 | tr '\n' ' ')
	dry --extra-9p "xt:$W/x" --extra-9p "yt:$W/y" --ro --libvirt-xml -
	[ "$status" = 0 ]
	xml_tags=$(grep -o "<target dir='[^']*'/>" <<<"$output" | cut -d"'" -f2 | tr '\n' ' ')
	[ "$argv_tags" = "fsRoot xt yt " ]
	[ "$xml_tags" = "$argv_tags" ]
	[ "$(grep -c '<readonly/>' <<<"$output")" = 1 ]
}

@test "libvirt: xml_text escapes markup and control characters" {
	[ "$(xml_text "a&b<c>'d\"$(printf '\t')")" = "a&amp;b&lt;c&gt;&apos;d&quot;&#9;" ]
	[ "$(lv_kib 512M)" = 524288 ] && [ "$(lv_kib 2G)" = 2097152 ]
}

# --- the cleanup ---

@test "cleanup_add: the EXIT trap runs each release once, the last added first" {
	run bash -c '
		for p in "$1"/run9p.d/*.sh; do . "$p"; done
		run9p_defaults
		first() { echo first; }
		second() { echo second; }
		trap run9p_cleanup EXIT
		cleanup_add first
		cleanup_add second
		exit 3' _ "$RUN9P_DIR"
	[ "$status" = 3 ]
	[ "$output" = "$(printf 'second\nfirst')" ]
}

@test "run9p_cleanup: stops QEMU and the timer, removes the run's files and the XML's temporary file" {
	PROC_STOP_WAIT=5
	cleanup_add lv_tmp_remove
	lv_tmp=$W/xml.tmp
	: >"$lv_tmp"
	cleanup_add loop_run_remove
	LOOP_RUN=$W/run
	: >"$LOOP_RUN.status"
	: >"$LOOP_RUN.console.log"
	cleanup_add qemu_stop
	sleep 60 &
	qemu_pid=$!
	q=$qemu_pid
	cleanup_add timer_stop
	sleep 60 &
	timer_pid=$!
	run9p_cleanup
	run kill -0 "$q"
	[ "$status" != 0 ]
	[ ! -e "$W/run.status" ]
	[ ! -e "$W/run.console.log" ]
	[ ! -e "$W/xml.tmp" ]
	[ -z "$qemu_pid" ]
	[ -z "$timer_pid" ]
}

@test "vfs_mkdir: a socket path past 107 bytes is refused, saying why and what to try" {
	local long=$W/$(printf 'd%.0s' {1..90})
	mkdir -p "$long"
	TMPDIR=$long
	vfs_shares=(fstest:/a)
	run vfs_mkdir
	[ "$status" = 2 ]
	[[ ${lines[0]} == "run9p: make virtiofsd's socket $long/run9p-vfs."*"/sock-fstest: it is "*" bytes, and a Unix socket's path holds at most 107" ]]
	[ "${lines[1]}" = "run9p: try: a shorter TMPDIR (TMPDIR=/tmp)" ]
}

@test "run9p_cleanup: the virtiofsd's and diod's folders, made by vfs_mkdir and diod_mkdir, are removed" {
	export TMPDIR=$W
	vfs_mkdir
	d1=$vfs_dir
	diod_dirs=("$W/root")
	diod_mkdir
	d2=$diod_dir
	[ -d "$d1" ] && [ -d "$d2" ]
	run9p_cleanup
	[ ! -e "$d1" ] && [ ! -e "$d2" ]
}

@test "run9p_cleanup: keeps the run's files a message points into" {
	cleanup_add loop_run_remove
	LOOP_RUN=$W/run LOOP_KEEP=1
	: >"$LOOP_RUN.status"
	: >"$LOOP_RUN.console.log"
	run9p_cleanup
	[ -f "$W/run.status" ]
	[ -f "$W/run.console.log" ]
}

@test "run9p_signal: SIGTERM goes on to QEMU, run9p ends 128+15" {
	run bash -c '
		for p in "$1"/run9p.d/*.sh; do . "$p"; done
		run9p_defaults
		sleep 60 & qemu_pid=$!
		PROC_STOP_WAIT=5
		( run9p_signal TERM 15 )
		rc=$?
		kill -0 $qemu_pid 2>/dev/null && echo alive
		echo "rc $rc"' _ "$RUN9P_DIR"
	[ "${lines[0]}" = "run9p: SIGTERM: passed on to QEMU; waiting for it to end" ]
	[ "${lines[1]}" = "rc 143" ]
}

# --- --usr-cache: ROOTDIR/usr as a second share at cache=loose ---

@test "parser: --usr-cache takes a mode; none by default" {
	[ -z "$usr_cache" ]
	run9p_parse_args --usr-cache loose
	[ "$usr_cache" = loose ]
	run run9p_parse_args --usr-cache
	[ "$status" = 2 ]
}

@test "main: --usr-cache loose shares ROOTDIR/usr as r9pusr and mounts it over /usr; / keeps cache=mmap" {
	mkdir -p "$W/root/usr"
	dry --usr-cache loose
	[ "$status" = 0 ]
	grep -qF -- "-fsdev local\\,security_model=passthrough\\,multidevs=remap\\,id=fsdev-r9pusr\\,path=$W/root/usr -device virtio-9p-pci\\,id=r9pusr\\,fsdev=fsdev-r9pusr\\,mount_tag=r9pusr " <<<"$output"
	grep -qF 'rootflags=trans=virtio\,version=9p2000.L\,msize=512000\,cache=mmap\ ' <<<"$output"
	grep -qF 'root9p.mount=r9pusr:/usr:cache=loose ' <<<"$output"
}

@test "main: --usr-cache with --ro: the /usr share read-only too, mounted ro" {
	mkdir -p "$W/root/usr"
	dry --usr-cache loose --ro
	[ "$status" = 0 ]
	grep -qF "id=fsdev-r9pusr\\,path=$W/root/usr\\,readonly=on " <<<"$output"
	grep -qF 'root9p.mount=r9pusr:/usr:ro\,cache=loose ' <<<"$output"
}

@test "main: --usr-cache reaches --cmdline's line and the libvirt domain" {
	mkdir -p "$W/root/usr"
	dry --usr-cache loose --cmdline "root=fsRoot rootfstype=9p console=ttyS0"
	[ "$status" = 0 ]
	grep -qF -- '-append root=fsRoot\ rootfstype=9p\ console=ttyS0\ root9p.mount=r9pusr:/usr:cache=loose ' <<<"$output"
	dry --usr-cache loose --libvirt-xml -
	[ "$status" = 0 ]
	grep -qF "<source dir='$W/root/usr'/>" <<<"$output"
	grep -qF "<target dir='r9pusr'/>" <<<"$output"
	grep -qF 'root9p.mount=r9pusr:/usr:cache=loose</cmdline>' <<<"$output"
}

@test "main: --usr-cache refuses a mode other than loose" {
	mkdir -p "$W/root/usr"
	dry --usr-cache mmap
	[ "$status" = 2 ]
	[ "${lines[0]}" = "run9p: use --usr-cache 'mmap': not a cache mode run9p gives /usr" ]
	[ "${lines[1]}" = "run9p: try: --usr-cache loose (or no --usr-cache: /usr stays at the root's cache=mmap)" ]
}

@test "main: --usr-cache refuses a root with no usr folder" {
	dry --usr-cache loose
	[ "$status" = 2 ]
	[ "${lines[0]}" = "run9p: share $W/root/usr for --usr-cache: the root has no usr folder" ]
	[ "${lines[1]}" = "run9p: try: mkdir $W/root/usr (a root with its programs in /usr), or drop --usr-cache" ]
	: >"$W/root/usr"
	dry --usr-cache loose
	[ "$status" = 2 ]
	[ "${lines[0]}" = "run9p: share $W/root/usr for --usr-cache: the root has no usr folder" ]
}

@test "main: --usr-cache refuses ROOTDIR/usr as a symbolic link, even to a folder" {
	mkdir -p "$W/elsewhere"
	ln -s "$W/elsewhere" "$W/root/usr"
	dry --usr-cache loose
	[ "$status" = 2 ]
	[ "${lines[0]}" = "run9p: share $W/root/usr for --usr-cache: it is a symbolic link (run9p never serves or mounts through a link in the guest's tree)" ]
	[ "${lines[1]}" = "run9p: try: make usr a folder in the root (merged /usr has /bin -> usr/bin, not usr -> elsewhere)" ]
}

@test "usr_cache_check: refused with --overlay (and --host-root), --fs virtiofs and --fs diod" {
	mkdir -p "$W/root/usr"
	usr_cache=loose rootdir=$W/root rootfs=9p overlay=tmpfs
	run usr_cache_check
	[ "$status" = 2 ]
	[ "${lines[0]}" = "run9p: use --usr-cache with --overlay or --host-root: the overlay's lower layer, /usr with it, is cache=loose already" ]
	overlay="" rootfs=virtiofs
	run usr_cache_check
	[ "$status" = 2 ]
	[ "${lines[0]}" = "run9p: use --usr-cache with --fs virtiofs: the daemon's cache covers the whole root" ]
	[ "${lines[1]}" = "run9p: try: --vfs-cache always for a cached root, or --fs 9p --usr-cache loose" ]
	rootfs=diod
	run usr_cache_check
	[ "$status" = 2 ]
	[ "${lines[0]}" = "run9p: use --usr-cache with --fs diod: /usr is a second virtio-9p share, for a virtio-9p root" ]
	rootfs=9p
	usr_cache_check
}

@test "main: --usr-cache and a root tagged r9pusr: the tag is named" {
	mkdir -p "$W/root/usr"
	dry --usr-cache loose -t r9pusr
	[ "$status" = 2 ]
	[ "$output" = "run9p: tag 'r9pusr' is --usr-cache's: give the root another tag (-t)" ]
}

@test "run9p_cmdline: the loop (-r DIR -- CMD) gets root9p.mount for /usr too" {
	cmdline="" loop=1 usr_cache=loose share_mode=rw console=ttyS0 LOOP_CMDLINE_MAX=2048
	run9p_cmdline
	[[ " $cmdline " == *" root9p.mount=r9pusr:/usr:cache=loose "* ]]
	[[ " $cmdline " == *" rootflags=$DEFAULT_ROOTFLAGS "* ]]
}
