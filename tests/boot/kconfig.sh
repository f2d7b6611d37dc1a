#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/boot/kconfig.sh - the loop's kernel configuration
# (kconfig/root9p-loop.config) and `run9p --kconfig TREE`.
#
# Host side, no boot: --kconfig on a copy of the Kconfig files of the
# cached linux-source-6.1 tree (scripts/build-kernel.sh) with its modular
# .config: every option of the fragment lands (=y), the old config is kept;
# a tree whose Kconfig lacks CONFIG_9P_FS is refused naming it; a tree with
# no .config starts from defconfig; a TREE that is missing or no kernel
# source tree is refused with a message that says what to give.
# Boots (TCG): the fragment's kernel (scripts/build-kernel.sh --loop,
# cached) through the loop, `run9p --kernel TREE -- CMD` with no --modules:
# from inside the guest, no initrd on the command line, no module loaded,
# the root is 9p, and CMD's exit code comes back (the tiny root holds no
# payload9p: run9p's initrd); the loop with no initrd (--initrd auto on
# --host-root: the kernel mounts the 9p root and starts the build tree's
# payload9p as init=): CMD's code, its stdin, stdout and stderr ports,
# /proc/cmdline with init= and no initramfs unpacked, the overlay on /
# over the kernel's 9p mount, a write in the guest's / that never reaches
# the host's; a plain root holding payload9p (-r DIR --initrd none): / is
# the 9p root itself; and the same kernel with no initrd at all (plain
# QEMU, root=TAG rootfstype=9p: the kernel mounts the root itself), which
# the loop's modular kernels cannot do.
#
#   tests/boot/kconfig.sh
#
# Ends with "kconfig: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
O=${O:-build}
MAKE=${MAKE:-make}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}
. tests/boot/lib.sh
RUN9P=$(cd "$(dirname "$RUN9P")" && pwd)/$(basename "$RUN9P")
FRAG=kconfig/root9p-loop.config

t_workdir kconfig "kconfig tests" 'tiny' 'ktree*'
# run9p's run folders (kept when a guest ends without a status, as these
# checks provoke) in the work dir, which goes with it.
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR"
# The plan: 4 for bad trees, 5 on copies of the modular tree's Kconfig
# files, 1 on the fragment tree, 4 for the loop's boot, 5 for the loop
# with no initrd on the host's root, 3 on a plain root, 5 for the boot
# with no initrd by plain QEMU.
t_plan $((4 + 5 + 1 + 4 + 5 + 3 + 5))
"$MAKE" -s "$O/mkinitrd9p" "$O/klibc/payload9p" "$O/klibc/mount9p" >/dev/null || {
	fail "build mkinitrd9p and payload9p"
	t_skip_rest "nothing built"
	t_done kconfig
	exit 1
}

# kc NAME TREE: run9p --kconfig TREE, its stderr in ERR, exit code in RC.
kc() {
	echo "run $1"
	RC=0
	"$RUN9P" --kconfig "$2" >"$LOGDIR/$1.out" 2>"$LOGDIR/$1.err" || RC=$?
	ERR=$(cat "$LOGDIR/$1.err")
}
said() { grep -qF -- "$1" <<<"$ERR"; }
# all_took CONFIG: every =y line of the fragment is in CONFIG.
all_took() {
	local line
	while IFS= read -r line; do
		case $line in CONFIG_*=y) grep -qx "$line" "$1" || { echo "    missing: $line"; return 1; } ;; esac
	done <"$FRAG"
}

# --- bad trees ------------------------------------------------------------------
kc missing "$WORK/no-such-tree"
c_kconfig_missing_folder_exit() { [ "$RC" = 2 ] && said "configure kernel tree '$WORK/no-such-tree': no such directory"; }
check "--kconfig on a missing folder: exit 2, named" c_kconfig_missing_folder_exit
check "... and what to give" said "run9p: try: --kconfig with the top folder of a Linux source tree"
mkdir -p "$WORK/ktree-not"
: >"$WORK/ktree-not/Makefile"
kc notatree "$WORK/ktree-not"
check "--kconfig on a folder that is no kernel tree: exit 2" [ "$RC" = 2 ]
check "... saying so" said "not a Linux source tree"

# --- a copy of the cached tree's Kconfig world ------------------------------------
# ktree DIR: the Kconfig, Makefile and scripts/ files of the modular tree
# (with its host programs, so kconfig's conf is not rebuilt), and its
# .config (9p as modules).
t0=$SECONDS
base=$(scripts/build-kernel.sh) || base=""
echo "  modular tree: ${base:-none} ($((SECONDS - t0)) s here)"
ktree() {
	mkdir -p "$1"
	(cd "$base" && find . -type f \( -name 'Kconfig*' -o -name 'Makefile*' -o -name 'Kbuild*' \
		-o -name '*.include' -o -path './scripts/*' -o -path './arch/x86/configs/*' \) -print0 |
		cpio -0 -pdm --quiet "$1")
}
if [ -z "$base" ]; then
	fail "build the modular tree (scripts/build-kernel.sh)"
	t_skip 4 "no kernel tree to configure"
else
	ktree "$WORK/ktree-cfg"
	cp "$base/.config" "$WORK/ktree-cfg/.config"
	kc apply "$WORK/ktree-cfg"
	check "--kconfig on a copy of a tinyconfig tree's .config: exit 0" [ "$RC" = 0 ]
	check "... every option of $FRAG is in .config (=y)" all_took "$WORK/ktree-cfg/.config"
	check "... the old .config kept as .config.pre-root9p (9P_FS=m there)" \
		grep -qx CONFIG_9P_FS=m "$WORK/ktree-cfg/.config.pre-root9p"

	# A Kconfig with no 9P_FS (renamed): that option and the one that
	# depends on it are named, the exit is 1.
	ktree "$WORK/ktree-drop"
	cp "$base/.config" "$WORK/ktree-drop/.config"
	sed -i 's/^config 9P_FS$/config 9P_FS_RENAMED/' "$WORK/ktree-drop/fs/9p/Kconfig"
	kc drop "$WORK/ktree-drop"
	c_tree_whose_kconfig_has() { [ "$RC" = 1 ] && said "CONFIG_9P_FS (absent: no such option"; }
	check "a tree whose Kconfig has no 9P_FS: exit 1, CONFIG_9P_FS named as absent" c_tree_whose_kconfig_has

	ktree "$WORK/ktree-def"
	kc defconfig "$WORK/ktree-def"
	c_tree_config_from_defconfig() { [ "$RC" = 0 ] && said "starting from make defconfig" && all_took "$WORK/ktree-def/.config"; }
	check "a tree with no .config: from defconfig, and every option lands" c_tree_config_from_defconfig
fi

# --- the fragment's kernel -----------------------------------------------------------
t0=$SECONDS
loop_env=$(scripts/build-kernel.sh --loop --env) || loop_env=""
if [ -z "$loop_env" ]; then
	fail "build the fragment's kernel (scripts/build-kernel.sh --loop)"
	t_skip_rest "no fragment kernel"
	t_done kconfig
	exit 1
fi
eval "$loop_env"
echo "  fragment tree: $KBUILD_DIR ($((SECONDS - t0)) s here; built in $(cat "$KBUILD_DIR/.root9p-build-seconds" 2>/dev/null || echo '?') s)"
c_fragment_tree_config_has() { grep -qx CONFIG_9P_FS=y "$KBUILD_DIR/.config" && grep -qx CONFIG_NET_9P_VIRTIO=y "$KBUILD_DIR/.config"; }
check "the fragment tree's .config has 9p and virtio built in" c_fragment_tree_config_has
scripts/mkroot-tiny.sh "$WORK/tiny" "$O/klibc/mount9p" >/dev/null

# What the guest says about itself: its command line, its modules, the
# filesystem type of its root (mountinfo's field after " - ").
# shellcheck disable=SC2016 # expanded in the guest
GUEST='echo "cmdline $(cat /proc/cmdline)"
	if [ -e /proc/modules ]; then echo "modules $(wc -l </proc/modules)"; else echo "modules none"; fi
	awk '\''$5 == "/" { for (i = 7; $i != "-"; i++); fs = $(i + 1) } END { print "rootfs " fs }'\'' /proc/self/mountinfo'

echo "run loop"
RC=0
LOG=$LOGDIR/loop.err
"$RUN9P" --accel tcg --timeout "$BOOT_TIMEOUT" -k "$KBUILD_DIR" -r "$WORK/tiny" --passthrough-as-root \
	-- sh -c "$GUEST; exit 9" </dev/null >"$LOGDIR/loop.out" 2>"$LOG" || RC=$?
OUT=$(cat "$LOGDIR/loop.out")
check "run9p --kernel FRAGMENT_TREE -- CMD (no --modules): CMD's exit code 9 comes back" [ "$RC" = 9 ]
c_proc_cmdline_has_initrd() { grep -q "^cmdline " <<<"$OUT" && ! grep -q "^cmdline .*initrd" <<<"$OUT"; }
check "... /proc/cmdline has no initrd" c_proc_cmdline_has_initrd
check "... no module loaded (/proc/modules empty or absent)" grep -qxE 'modules (0|none)' <<<"$OUT"
check "... the root is 9p (/proc/self/mountinfo)" grep -qx 'rootfs 9p' <<<"$OUT"

# The loop with no initrd, on the host's root (--host-root, the overlay
# on tmpfs): what the guest saw on stdout, its stderr apart, a write to
# a path of the host's / that must stay in the guest. UNPACK: the
# kernel's line for an initramfs it unpacks.
UNPACK="Trying to unpack rootfs image"
probe_file=/var/tmp/root9p-noinitrd-probe.$$
rm -f "$probe_file"
# shellcheck disable=SC2016 # expanded in the guest
NOINITRD=$GUEST'
	echo "unpack $(dmesg | grep -c "'$UNPACK'")"
	awk '\''$5 == "/run/root9p/lower" { for (i = 7; $i != "-"; i++); print "lowerfs " $(i + 1) }'\'' /proc/self/mountinfo
	echo "stdin $(cat)"
	echo "to-stderr" >&2
	echo written >'$probe_file' && echo "wrote $(cat '$probe_file')"'
payload=$(cd "$O/klibc" && pwd -P)/payload9p
echo "run loop-noinitrd"
RC=0
printf 'bytes-from-stdin\n' | "$RUN9P" --accel tcg --timeout "$BOOT_TIMEOUT" -k "$KBUILD_DIR" \
	-- sh -c "$NOINITRD; exit 7" >"$LOGDIR/loop-noinitrd.out" 2>"$LOGDIR/loop-noinitrd.err" || RC=$?
OUT=$(cat "$LOGDIR/loop-noinitrd.out")
ERR=$(cat "$LOGDIR/loop-noinitrd.err")
# Every check is of the boot with no initrd: each asks that it was one.
noinitrd_boot() { grep -q "^cmdline .* init=$payload " <<<"$OUT" && grep -qx "unpack 0" <<<"$OUT"; }
c_loop_with_no_initrd_host() { noinitrd_boot && ! grep -q "^cmdline .*initrd=" <<<"$OUT"; }
check "the loop with no initrd (--host-root, auto): init=$payload, no initrd; the kernel unpacked no initramfs" c_loop_with_no_initrd_host
c_cmd_exit_code_7_comes() { noinitrd_boot && [ "$RC" = 7 ]; }
check "... CMD's exit code 7 comes back" c_cmd_exit_code_7_comes
c_stdin_reaches_cmd_stdout_stderr() { noinitrd_boot && grep -qx "stdin bytes-from-stdin" <<<"$OUT" && grep -qx to-stderr <<<"$ERR" && ! grep -qx to-stderr <<<"$OUT"; }
check "... stdin reaches CMD, stdout and stderr come back apart" c_stdin_reaches_cmd_stdout_stderr
c_overlay_over_kernel_own_9p() { noinitrd_boot && grep -qx "rootfs overlay" <<<"$OUT" && grep -qx "lowerfs 9p" <<<"$OUT"; }
check "... / is the overlay over the kernel's own 9p mount (/run/root9p/lower is 9p)" c_overlay_over_kernel_own_9p
c_guest_wrote_host_has_no() { noinitrd_boot && grep -qx "wrote written" <<<"$OUT" && [ ! -e "$probe_file" ]; }
check "... the guest wrote $probe_file in its /, and the host's has no such file" c_guest_wrote_host_has_no
rm -f "$probe_file"

# A plain root with no overlay: payload9p installed in it, --initrd none.
mkdir -p "$WORK/tiny/usr/lib/root9p"
cp "$O/klibc/payload9p" "$WORK/tiny/usr/lib/root9p/payload9p"
echo "run loop-noinitrd-plain"
RC=0
"$RUN9P" --accel tcg --timeout "$BOOT_TIMEOUT" -k "$KBUILD_DIR" -r "$WORK/tiny" --passthrough-as-root --initrd none \
	-- sh -c "$GUEST; echo \"unpack \$(dmesg | grep -c '$UNPACK')\"; exit 5" </dev/null \
	>"$LOGDIR/loop-plain.out" 2>"$LOGDIR/loop-plain.err" || RC=$?
OUT=$(cat "$LOGDIR/loop-plain.out")
check "-r DIR holding payload9p, --initrd none: CMD's exit code 5 comes back" [ "$RC" = 5 ]
c_init_usr_lib_root9p_payload9p() { grep -q "^cmdline .* init=/usr/lib/root9p/payload9p " <<<"$OUT" && grep -qx "unpack 0" <<<"$OUT"; }
check "... init=/usr/lib/root9p/payload9p, no initramfs unpacked" c_init_usr_lib_root9p_payload9p
check "... / is the 9p root the kernel mounted (/proc/self/mountinfo)" grep -qx 'rootfs 9p' <<<"$OUT"
rm -rf "$WORK/tiny/usr/lib/root9p"

# No initrd at all: the kernel mounts the 9p root (root=TAG rootfstype=9p,
# init/do_mounts.c's mount_nodev_root) and runs the root's /kprobe.
cat >"$WORK/tiny/kprobe" <<EOF
#!/bin/sh
export PATH=/bin:/sbin
[ -e /proc/self ] || mount -t proc proc /proc
( $GUEST ) | sed 's/^/@@ /'
reboot -f
EOF
chmod 755 "$WORK/tiny/kprobe"
LOG=$LOGDIR/noinitrd.log
echo "boot noinitrd"
RC=0
timeout "$BOOT_TIMEOUT" qemu-system-x86_64 -accel tcg -m 256M -smp 1 -nodefaults -no-reboot \
	-display none -serial "file:$LOG" -kernel "$KBUILD_BZIMAGE" \
	-append "console=ttyS0 root=fsRoot rootfstype=9p rootflags=trans=virtio,version=9p2000.L ro panic=-1 init=/kprobe" \
	-fsdev "local,id=r9p,path=$WORK/tiny,security_model=passthrough,readonly=on" \
	-device virtio-9p-pci,fsdev=r9p,mount_tag=fsRoot </dev/null >"$LOGDIR/noinitrd.out" 2>&1 || RC=$?
check "no initrd at all: QEMU ends by itself (the root's /kprobe ran reboot -f)" [ "$RC" = 0 ]
check "... the kernel unpacked no initramfs" hasnt "Trying to unpack rootfs image"
c_proc_cmdline_has_initrd_2() { probe cmdline | grep -q root=fsRoot && ! probe cmdline | grep -q initrd; }
check "... /proc/cmdline has no initrd" c_proc_cmdline_has_initrd_2
c_module_loaded() { probe modules | grep -qxE "0|none"; }
check "... no module loaded" c_module_loaded
check "... the root is 9p, mounted by the kernel" probe_is rootfs 9p

t_done kconfig
