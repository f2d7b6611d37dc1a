#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/host/run9p-args.sh - what run9p refuses, and the QEMU and daemon
# arguments it builds, for issue #29's run9p items and #26's loop, with no
# guest boot: a stand-in QEMU records its arguments and exits, --dry-run
# shows the decision, kernels, trees, caches and the loop's tools are
# fakes in a mktemp folder. Files of "another user" belong to uid 4242. Most checks
# need root (run9p's root rules); without it they are skipped.
#
#   [RUN9P=path/to/run9p] [KEEP=1] tests/host/run9p-args.sh
#
# RUN9P: the run9p under test (another checkout's, to see the checks fail
# on older code); KEEP=1 keeps the work folder and each run's output.
# Ends with "run9p-args: N passed, N failed, N skipped"; fewer results
# than planned is a failure.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/boot/lib.sh
t_plan 30
RUN9P=$(realpath -- "$RUN9P")	# lib.sh: ${RUN9P:-scripts/run9p}
VFSD=/usr/lib/qemu/virtiofsd
OTHER=4242
KV=6.1.0-r9ptest

W=$(mktemp -d "${TMPDIR:-/tmp}/root9p-run9p-args.XXXXXX") || exit 2
trap '[ -n "${KEEP:-}" ] || rm -rf --one-file-system "$W"' EXIT
echo "run9p-args: work dir $W"
# run9p's own temporary folders (the daemon's socket, the loop's ports)
# go in here too: other suites look for theirs in /tmp.
export TMPDIR=$W

# --- fakes ---
# The stand-in QEMU: QEMU's -help and -sandbox probes get status 0 and no
# text; a run (it has -kernel) leaves its arguments, one a line, in $W/argv.
cat >"$W/qemu" <<'EOF'
#!/bin/sh
case " $* " in *" -kernel "*) printf '%s\n' "$@" >"$R9P_ARGV" ;; esac
exit 0
EOF
# mkinitrd9p for the loop: writes the -o file.
cat >"$W/mkinitrd9p" <<'EOF'
#!/bin/sh
while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; shift; done
echo "a fake initrd" >"$out"
EOF
printf '#!/bin/sh\n' >"$W/payload9p"
chmod 755 "$W/qemu" "$W/mkinitrd9p" "$W/payload9p"
export QEMU=$W/qemu R9P_ARGV=$W/argv
export MKINITRD9P=$W/mkinitrd9p PAYLOAD9P=$W/payload9p
export ROOT9P_CACHE=$W/cache

# fake_bzimage FILE: enough of an x86 boot header for run9p to read the
# version $KV (kernel_version at 0x20e, relative to 0x200).
fake_bzimage() {
	head -c 2048 /dev/zero >"$1"
	printf 'HdrS' | dd of="$1" bs=1 seek=514 conv=notrunc status=none
	printf '\000\003' | dd of="$1" bs=1 seek=526 conv=notrunc status=none
	printf '%s (fake)\000' "$KV" | dd of="$1" bs=1 seek=1280 conv=notrunc status=none
}
mkdir -p "$W/k" "$W/kp" "$W/mods/lib/modules/$KV" "$W/tree" "$W/data" "$W/pub"
fake_bzimage "$W/k/vmlinuz"
: >"$W/mods/lib/modules/$KV/modules.dep"
: >"$W/initrd.img"
# A kernel whose config says PVH: run9p boots its unpacked ELF from the cache.
fake_bzimage "$W/kp/vmlinuz"
echo CONFIG_PVH=y >"$W/kp/config-$KV"
chmod 1777 "$W/pub"

# r9p NAME ARGS...: run run9p; its stdout and stderr in $W/NAME.out and
# .err, its status in RC, QEMU's arguments (if it ran) in $W/NAME.argv.
r9p() {
	local n=$1
	shift
	rm -f "$W/argv"
	"$RUN9P" "$@" >"$W/$n.out" 2>"$W/$n.err" </dev/null && RC=0 || RC=$?
	if [ -f "$W/argv" ]; then mv "$W/argv" "$W/$n.argv"; else : >"$W/$n.argv"; fi
}
# boot9p NAME ARGS...: r9p with a -i boot of $W/tree (uid $OTHER's).
boot9p() { local n=$1; shift; r9p "$n" -k "$W/k/vmlinuz" -i "$W/initrd.img" --accel tcg "$@"; }
# loop9p NAME ARGS...: r9p with the loop's fakes.
loop9p() { local n=$1; shift; r9p "$n" -k "$W/k/vmlinuz" --modules "$W/mods" --accel tcg "$@"; }
# loop9p_tree NAME ARGS...: loop9p with -r $W/tree.
loop9p_tree() { local n=$1; shift; loop9p "$n" -r "$W/tree" "$@"; }
# refused NAME LINE...: status 2 and exactly these lines on stderr.
refused() {
	local n=$1
	shift
	[ "$RC" = 2 ] && [ "$(cat "$W/$n.err")" = "$(printf '%s\n' "$@")" ]
}
# refused_code CODE NAME LINE...: status CODE and exactly these lines on stderr.
refused_code() {
	local c=$1 n=$2
	shift 2
	[ "$RC" = "$c" ] && [ "$(cat "$W/$n.err")" = "$(printf '%s\n' "$@")" ]
}
# said NAME LINE: status 0 and LINE among stderr's lines.
said() { [ "$RC" = 0 ] && grep -qxF -- "$2" "$W/$1.err"; }
# dry_words NAME: the words of the dry run's last line (QEMU's command),
# one a line (run9p prints it with printf %q).
dry_words() {
	local line words
	line=$(tail -n 1 "$W/$1.out")
	eval "words=($line)"
	printf '%s\n' "${words[@]}"
}
# vfsd_words NAME: the same of the daemon's line (the first, ending in &).
vfsd_words() {
	local line words
	line=$(head -n 1 "$W/$1.out")
	eval "words=(${line% &})"
	printf '%s\n' "${words[@]}"
}
# has_word FILE WORD: WORD is a whole line of FILE.
has_word() { grep -qxF -- "$2" "$1"; }

# loop_section: section 16, the loop (#26): the host's / when no -r is
# given, and a kernel tree never built. Needs no root: it runs as any user.
loop_section() {
	loop9p noroot --cwd --dry-run -- true
	dry_words noroot >"$W/noroot.words"
	c_16_loop_without_r() { [ "$RC" = 0 ] && grep -q "id=fsdev-fsRoot,path=/,readonly=on\$" "$W/noroot.words" && grep -q " root9p.overlay=tmpfs" "$W/noroot.words"; }
	check "16 the loop without -r boots the host's / read-only under a tmpfs overlay (--host-root)" c_16_loop_without_r
	mkdir -p "$W/ksrc/arch/x86/boot" "$W/kcfg/arch/x86/boot"
	: >"$W/ksrc/Makefile"
	: >"$W/kcfg/Makefile"
	echo CONFIG_MODULES=y >"$W/kcfg/.config"
	src=$(realpath "$W/ksrc") cfg=$(realpath "$W/kcfg")
	r9p tree-src -k "$W/ksrc" --accel tcg --dry-run -- true
	check "16 --kernel: a kernel source tree never built (no .config) is refused by name, exit 119, saying what to run" \
		refused_code 119 tree-src \
		"run9p: boot the kernel tree $src (--kernel): a kernel source tree that was never built (no .config)" \
		"run9p: try: make -C $src defconfig && make -C $src -j\$(nproc) (or, when you build with O=DIR, --kernel DIR)"
	r9p tree-cfg -k "$W/kcfg" --accel tcg --dry-run -- true
	check "16 --kernel: a configured tree with no bzImage is refused by name, exit 119, saying what to run" \
		refused_code 119 tree-cfg \
		"run9p: boot the kernel tree $cfg (--kernel): configured but not built (no arch/x86/boot/bzImage)" \
		"run9p: try: make -C $cfg -j\$(nproc), then run9p again"
}

if [ "$(id -u)" != 0 ]; then
	t_skip 27 "run9p-args: needs root (run9p's rules as root, files of uid $OTHER)"
	loop_section
	t_done run9p-args
	exit
fi
chown -R "$OTHER:$OTHER" "$W/tree" "$W/data"

# --- 1. the C virtiofsd's -o source= is escaped (fuse_opt splits on commas) ---
if [ -x "$VFSD" ]; then
	# A folder whose name ends in ",source=$W/nothere": unescaped, the
	# daemon serves (here: fails to find) $W/nothere instead.
	vdir="$W/vfs/a,source=$W/nothere"
	mkdir -p "$vdir"
	boot9p vfs-real -r "$vdir" --fs virtiofs --passthrough-as-root --virtiofsd "$VFSD"
	c_1_virtiofs_real_c() { [ "$RC" = 0 ] && [ -s "$W/vfs-real.argv" ] && ! grep -q "failed to stat source" "$W/vfs-real.err"; }
	check "1 virtiofs: the real C daemon serves a root named '...,source=DIR' (the stand-in QEMU ran, status 0)" c_1_virtiofs_real_c
	mkdir -p "$W/vfs/b,source="
	boot9p vfs-hostroot -r "$W/vfs/b,source=/" --fs virtiofs --passthrough-as-root --virtiofsd "$VFSD" --dry-run
	vfsd_words vfs-hostroot >"$W/vfs-hostroot.words"
	c_1_virtiofs_source_suffix() { [ "$RC" = 0 ] && has_word "$W/vfs-hostroot.words" "source=$W/vfs/b\\,source=/"; }
	check "1 virtiofs: a ',source=/' suffix reaches the daemon escaped (source=.../b\\,source=/), not as the host's /" c_1_virtiofs_source_suffix
	mkdir -p "$W/vfs/c\\d"
	boot9p vfs-backslash -r "$W/vfs/c\\d" --fs virtiofs --passthrough-as-root --virtiofsd "$VFSD" --dry-run
	vfsd_words vfs-backslash >"$W/vfs-backslash.words"
	c_1_virtiofs_backslash_root() { [ "$RC" = 0 ] && has_word "$W/vfs-backslash.words" "source=$W/vfs/c\\\\d"; }
	check "1 virtiofs: a backslash in the root's name is doubled for the daemon" c_1_virtiofs_backslash_root
else
	skip "1 virtiofs: no $VFSD (apt-get install qemu-system-common)"
	skip "1 virtiofs: ',source=/' suffix (no $VFSD)"
	skip "1 virtiofs: backslash (no $VFSD)"
fi

# --- 2. --host-root as root: every share under the root-privilege rules ---
loop9p hostroot-extra --host-root --extra-9p "data:$W/data" --dry-run -- true
check "2 --host-root as root refuses a writable --extra-9p share (QEMU would serve it as root, passthrough)" \
	refused hostroot-extra \
	"run9p: share a writable folder beside --host-root as root (--rw, --overlay DIR or --extra-9p): QEMU keeps root's rights (passthrough) for the host's /, and with them for every share, so the guest could make set-uid root files and device nodes there" \
	"run9p: try: --passthrough-as-root to mean it, or run run9p as an ordinary user"
loop9p hostroot-extra-pt --host-root --extra-9p "data:$W/data" --passthrough-as-root --dry-run -- true
dry_words hostroot-extra-pt >"$W/hostroot-extra-pt.words"
c_2_takes_passthrough_root() { [ "$RC" = 0 ] && has_word "$W/hostroot-extra-pt.words" "local,security_model=passthrough,multidevs=remap,id=fsdev-data,path=$W/data"; }
check "2 ... and takes it with --passthrough-as-root" c_2_takes_passthrough_root

# --- 3. --scratch FILE ---
cp /dev/null "$W/pub/planted.img"
chown "$OTHER:$OTHER" "$W/pub/planted.img"
boot9p scr-planted -r "$W/tree" --scratch "64M:x:$W/pub/planted.img" --dry-run
check "3 --scratch: an image of another user's (in a 1777 folder) is not reused" \
	refused scr-planted \
	"run9p: --scratch: reuse $W/pub/planted.img: it belongs to uid $OTHER, not to uid 0 who runs run9p (the guest's /tmp would be open to them)" \
	"run9p: try: remove it, or give a FILE of your own (made by run9p) in a folder only you can write"
install -m 666 /dev/null "$W/pub/open.img"
boot9p scr-open -r "$W/tree" --scratch "64M:x:$W/pub/open.img" --dry-run
check "3 --scratch: an image of one's own that others can write is not reused" \
	refused scr-open \
	"run9p: --scratch: reuse $W/pub/open.img: its group or others can write it (mode 666) (the guest's /tmp would be open to them)" \
	"run9p: try: remove it, or give a FILE of your own (made by run9p) in a folder only you can write"
if command -v mkfs.ext4 >/dev/null; then
	boot9p scr-new -r "$W/tree" --scratch "16M:x:$W/pub/new.img"
	c_3_scratch_new_image() { [ "$RC" = 0 ] && [ "$(stat -c %a "$W/pub/new.img")" = 600 ] && [ "$(blkid -s LABEL -o value "$W/pub/new.img" 2>/dev/null || e2label "$W/pub/new.img")" = x ]; }
	check "3 --scratch: a new image is made with mode 0600" c_3_scratch_new_image
	# A link planted at FILE while the image is made (mkfs.ext4 is the
	# attacker here) is not followed: link(2) refuses the taken name.
	mkdir -p "$W/plant-bin"
	cat >"$W/plant-bin/mkfs.ext4" <<EOF
#!/bin/sh
[ -e "$W/pub/race.img" ] || ln -s "$W/victim" "$W/pub/race.img"
exec $(command -v mkfs.ext4) "\$@"
EOF
	chmod 755 "$W/plant-bin/mkfs.ext4"
	mkfifo "$W/victim"
	PATH=$W/plant-bin:$PATH boot9p scr-race -r "$W/tree" --scratch "16M:x:$W/pub/race.img"
	check "3 --scratch: a link planted at FILE while the image is made is refused, not followed" \
		refused scr-race \
		"run9p: --scratch: make $W/pub/race.img: something was put there while run9p made the image (or the file system has no hard links)" \
		"run9p: try: run9p again, with a FILE in a folder only you can write"
	c_3_image_file_left() { [ -z "$(find "$W/pub" -name ".run9p-scratch.*")" ] && [ -L "$W/pub/race.img" ]; }
	check "3 ... and no image file is left behind in the folder" c_3_image_file_left
else
	skip "3 --scratch: new image mode (no mkfs.ext4: apt-get install e2fsprogs)"
	skip "3 --scratch: planted link (no mkfs.ext4)"
	skip "3 --scratch: no leftovers (no mkfs.ext4)"
fi
cd "$W/pub" || exit 2
boot9p scr-proto -r "$W/tree" --scratch "64M:x:nbd:x" --dry-run
cd - >/dev/null || exit 2
dry_words scr-proto >"$W/scr-proto.words"
c_3_scratch_file_named() { [ "$RC" = 0 ] && has_word "$W/scr-proto.words" "file=$W/pub/nbd:x,format=raw,if=none,id=scratch,cache=unsafe,discard=unmap"; }
check "3 --scratch: a FILE named like a protocol (nbd:x) reaches QEMU as an absolute path" c_3_scratch_file_named

# --- 4. the cache: the user's own, or refused ---
mkdir -p "$W/evil"
chown "$OTHER:$OTHER" "$W/evil"
ROOT9P_CACHE=$W/evil loop9p_tree cache-evil --dry-run -- true
check "4 loop: a ROOT9P_CACHE of another user's is refused" \
	refused cache-evil \
	"run9p: use the initrd cache: the cache folder $W/evil: it belongs to uid $OTHER, not to uid 0 who runs run9p" \
	"run9p: try: ROOT9P_CACHE=DIR, a folder of your own no one else can write (under sudo: without -E, so HOME is root's)"
# sudo -E: root with the user's HOME, no ROOT9P_CACHE.
mkdir -p "$W/home/.cache/root9p"
chown -R "$OTHER:$OTHER" "$W/home"
env -u ROOT9P_CACHE -u XDG_CACHE_HOME HOME="$W/home" "$RUN9P" -k "$W/k/vmlinuz" --modules "$W/mods" \
	--accel tcg -r "$W/tree" --dry-run -- true >"$W/cache-home.out" 2>"$W/cache-home.err" </dev/null && RC=0 || RC=$?
check "4 loop: as root with another user's HOME (sudo -E), that user's cache is refused" \
	refused cache-home \
	"run9p: use the initrd cache: the cache folder $W/home/.cache/root9p: it belongs to uid $OTHER, not to uid 0 who runs run9p" \
	"run9p: try: ROOT9P_CACHE=DIR, a folder of your own no one else can write (under sudo: without -E, so HOME is root's)"
ROOT9P_CACHE=$W/own loop9p_tree cache-own --dry-run -- true
c_4_loop_new_cache() { [ "$RC" = 0 ] && [ "$(stat -c %a "$W/own")" = 700 ] && [ "$(stat -c %a "$W/own/loop")" = 700 ]; }
check "4 loop: a new cache folder is made 0700" c_4_loop_new_cache
img=$(find "$W/own/loop" -name "$KV-*.img")
chown "$OTHER" "$img"
ROOT9P_CACHE=$W/own loop9p_tree cache-img --dry-run -- true
check "4 loop: a cached initrd of another user's is not booted" \
	refused cache-img \
	"run9p: boot the cached initrd $img: it belongs to uid $OTHER, not to uid 0 who runs run9p" \
	"run9p: try: remove it (run9p builds it again), or ROOT9P_CACHE=DIR, a folder of your own no one else can write (under sudo: without -E, so HOME is root's)"
sum=$(sha256sum <"$W/kp/vmlinuz" | cut -c1-24)
mkdir -p "$W/evil/vmlinux"
printf '\177ELF planted' >"$W/evil/vmlinux/$KV-$sum.elf"
chown -R "$OTHER:$OTHER" "$W/evil"
ROOT9P_CACHE=$W/evil r9p pvh-evil -k "$W/kp/vmlinuz" -i "$W/initrd.img" -r "$W/tree" --accel tcg --dry-run
check "4 PVH: an unpacked kernel in another user's cache folder is not booted" \
	refused pvh-evil \
	"run9p: use the unpacked kernel: the cache folder $W/evil: it belongs to uid $OTHER, not to uid 0 who runs run9p" \
	"run9p: try: ROOT9P_CACHE=DIR, a folder of your own no one else can write (under sudo: without -E, so HOME is root's); or --no-pvh"
mkdir -p "$W/cache/vmlinux"
install -m 644 -o "$OTHER" /dev/null "$W/cache/vmlinux/$KV-$sum.elf"
r9p pvh-file -k "$W/kp/vmlinuz" -i "$W/initrd.img" -r "$W/tree" --accel tcg --dry-run
check "4 PVH: an unpacked kernel of another user's in one's own cache is not booted" \
	refused pvh-file \
	"run9p: use the unpacked kernel: the cached kernel $W/cache/vmlinux/$KV-$sum.elf: it belongs to uid $OTHER, not to uid 0 who runs run9p" \
	"run9p: try: ROOT9P_CACHE=DIR, a folder of your own no one else can write (under sudo: without -E, so HOME is root's); or --no-pvh"

# --- 5. QEMU never runs with group 0 (nor uid "00") ---
boot9p gid0-user -r "$W/tree" --user "$OTHER:0" --dry-run
check "5 --user UID:0 is refused (group 0 is root's)" \
	refused gid0-user \
	"run9p: run QEMU as $OTHER:0 (--user): group 0 is root's, whose rights QEMU would keep (files and devices of group root)" \
	"run9p: try: --user $OTHER:GID with the user's own group (--user $OTHER:$OTHER, say), or chgrp the root directory"
mkdir -p "$W/tree-g0"
chown "$OTHER:0" "$W/tree-g0"
boot9p gid0-tree -r "$W/tree-g0" --dry-run
check "5 a root directory of group 0 is refused as QEMU's user" \
	refused gid0-tree \
	"run9p: run QEMU as $OTHER:0 (the owner of '$W/tree-g0'): group 0 is root's, whose rights QEMU would keep (files and devices of group root)" \
	"run9p: try: --user $OTHER:GID with the user's own group (--user $OTHER:$OTHER, say), or chgrp the root directory"
boot9p uid00 -r "$W/tree" --user "00:$OTHER" --dry-run
check "5 --user 00:GID is root too, and refused" \
	refused uid00 "run9p: --user '00:$OTHER' is root: QEMU would keep root's rights"

# --- 10. printable ASCII only on the kernel command line ---
boot9p a0-flags -r "$W/tree" -o $'cache=mmap\xa0root9p.debug' --dry-run
check "10 rootflags with byte 0xa0 (the kernel splits there) are refused" \
	refused a0-flags \
	"run9p: use rootflags \$'cache=mmap\\240root9p.debug': they hold a byte outside printable ASCII (a control character, or 0xa0, which the kernel splits on as on a space)" \
	"run9p: try: -o with printable ASCII only (bytes 0x20-0x7e), no spaces"
boot9p a0-append -r "$W/tree" -a $'quiet\xa0init=/bin/sh' --dry-run
check "10 -a with byte 0xa0 is refused" \
	refused a0-append \
	"run9p: put -a \$'quiet\\240init=/bin/sh' on the kernel command line: it holds a byte outside printable ASCII (a control character such as a newline or tab, or 0xa0, which the kernel splits on as on a space)" \
	"run9p: try: -a in printable ASCII only (bytes 0x20-0x7e)"
boot9p utf8-cmdline -r "$W/tree" --cmdline "root=fsRoot console=ttyS0 x=é" --dry-run
c_10_cmdline_non_ascii() { [ "$RC" = 2 ] && grep -qF "run9p: put --cmdline " "$W/utf8-cmdline.err" && grep -qxF "run9p: try: --cmdline in printable ASCII only (bytes 0x20-0x7e)" "$W/utf8-cmdline.err"; }
check "10 --cmdline with a non-ASCII character is refused" c_10_cmdline_non_ascii

# --- 13. an empty command ---
loop9p_tree empty-cmd --dry-run -- ""
check "13 -- \"\" (an empty command) is refused" \
	refused empty-cmd \
	"run9p: run the command '': it is empty" \
	"run9p: try: -- CMD [ARGS...] with a command, or -- alone for an interactive shell on the console"

# --- 15. virtiofs: QEMU drops to the tree's owner, only the daemon keeps root ---
if [ -x "$VFSD" ]; then
	boot9p vfs-runas -r "$W/tree" --fs virtiofs --passthrough-as-root --virtiofsd "$VFSD" --dry-run
	dry_words vfs-runas >"$W/vfs-runas.words"
	c_15_virtiofs_root_qemu() { [ "$RC" = 0 ] && grep -qxF -- "-runas" "$W/vfs-runas.words" && has_word "$W/vfs-runas.words" "$OTHER:$OTHER"; }
	check "15 virtiofs as root: QEMU runs as the tree's owner (-runas $OTHER:$OTHER)" c_15_virtiofs_root_qemu
	mkdir -p "$W/roottree"
	boot9p vfs-nobody -r "$W/roottree" --fs virtiofs --passthrough-as-root --virtiofsd "$VFSD" --dry-run
	dry_words vfs-nobody >"$W/vfs-nobody.words"
	c_15_virtiofs_root_tree() { [ "$RC" = 0 ] && has_word "$W/vfs-nobody.words" "$(id -u nobody):$(id -g nobody)"; }
	check "15 virtiofs as root, a tree of root's: QEMU runs as nobody" c_15_virtiofs_root_tree
	check "15 virtiofs as root (the real run of item 1): the stand-in QEMU got -runas" \
		grep -qxF -- "-runas" "$W/vfs-real.argv"
else
	skip "15 virtiofs -runas (no $VFSD)"
	skip "15 virtiofs nobody (no $VFSD)"
	skip "15 virtiofs real run (no $VFSD)"
fi

# --- 16. the loop (#26) ---
loop_section

t_done run9p-args
