#!/bin/bash
# tests/boot/loop.sh - the kernel developer's loop: `run9p --kernel K -- CMD`
# under QEMU (TCG) with Debian 12's kernel, with that kernel's modules laid
# out as a build tree after make (modules.order, no modules.dep), and with a
# kernel built from Debian's linux-source-6.1 (scripts/build-kernel.sh,
# cached): the 9p module the guest loads is the tree's (its build ID), and
# a kselftest target (size) builds and runs from that tree as README.md
# shows it.
#
# Checked from the host: CMD's exit code, its stdin (a pipe, a file,
# /dev/null: EOF, 1 MiB of random bytes unchanged both ways, no wait for a
# pipe that stays open), its stdout and stderr apart, the
# host tree unchanged under --host-root; from the guest: the overlay in
# /proc/mounts, the working directory, the 9p module's srcversion. Every
# bad input (no kernel, a tree without modules.order, a kernel without 9p
# and modules, a CMD the guest lacks, a kernel panic) gives its message
# and its exit code. --qemu passes an argument through to QEMU.
#
#   tests/boot/loop.sh [--no-kbuild]    (--no-kbuild: skip the kernel build)
#
# Ends with "loop: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
O=${O:-build}
MAKE=${MAKE:-make}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}
KBUILD=1
[ "${1:-}" != --no-kbuild ] || KBUILD=0
. tests/boot/lib.sh
# Absolute: one run starts in another folder (--cwd).
RUN9P=$(cd "$(dirname "$RUN9P")" && pwd)/$(basename "$RUN9P")

t_workdir loop "loop tests" 'tiny' 'fake-*'
# run9p's run folders (kept when a guest ends without a status, as these
# checks provoke) in the work dir, which goes with it.
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR"
# The plan: 48 checks on every run, 2 for a kernel without 9p (skipped
# when this host runs that kernel), 9 on a kernel built from
# linux-source-6.1 (skipped with --no-kbuild, 1 failure when the build
# fails): its modules, and a kselftest target run from the tree.
t_plan $((48 + 2 + 9))
LOG=
"$MAKE" -s "$O/mkinitrd9p" "$O/klibc/payload9p" "$O/klibc/mount9p" >/dev/null || {
	fail "build mkinitrd9p and payload9p"
	t_done loop
	exit 1
}
eval "$(scripts/fetch-kernel.sh --env bookworm)" || {
	fail "fetch Debian 12's kernel"
	t_done loop
	exit 1
}

# run NAME RUN9P-ARGS...: run9p with stdout, stderr and the exit code kept
# apart (OUT, ERR, RC); the guest's console in $LOGDIR/NAME.console.
# Its stdin is /dev/null; run_in FILE NAME ARGS... gives it FILE (a pipe
# too: /dev/fd/N).
run() { run_in /dev/null "$@"; }
run_in() {
	local in=$1 name=$2
	shift 2
	echo "run $name"
	LOG=$LOGDIR/$name.err
	RC=0
	"$RUN9P" --accel tcg --timeout "$BOOT_TIMEOUT" "$@" <"$in" \
		>"$LOGDIR/$name.out" 2>"$LOGDIR/$name.err" || RC=$?
	OUT=$(tr -d '\0' <"$LOGDIR/$name.out")
	ERR=$(grep -v '^run9p: warning: --passthrough-as-root' "$LOGDIR/$name.err")
}
said() { grep -qF -- "$1" <<<"$ERR"; }

# --- bad input: no boot needed ----------------------------------------------------
echo "not a kernel" >"$WORK/fake-kernel"
run notkernel -k "$WORK/fake-kernel" --host-root -- true
check "a file that is no kernel: exit 119" [ "$RC" = 119 ]
check "... and a message naming it" said "'$WORK/fake-kernel' is not a Linux kernel image"

mkdir -p "$WORK/fake-tree/arch/x86/boot" "$WORK/fake-tree/include/config"
cp "$KERNEL_IMAGE" "$WORK/fake-tree/arch/x86/boot/bzImage"
echo 6.1.0-fake >"$WORK/fake-tree/include/config/kernel.release"
printf 'CONFIG_MODULES=y\n' >"$WORK/fake-tree/.config"
: >"$WORK/fake-tree/Makefile"
run nomodorder -k "$WORK/fake-tree" --host-root -- true
check "a build tree without modules.order: exit 120" [ "$RC" = 120 ]
check "... saying what to run" said "has no modules.order"

# Debian's kernel has 9p as modules: without them it cannot boot a 9p root
# (unless this host runs that very kernel: its /lib/modules would be used).
if [ -d "/lib/modules/$KVER" ]; then
	t_skip 2 "a kernel without 9p and modules: this host has /lib/modules/$KVER"
else
	run no9p -k "$KERNEL_IMAGE" --host-root -- true
	check "a kernel without 9p built in and no modules: exit 121" [ "$RC" = 121 ]
	check "... saying so and what to give" said "has no 9p over virtio built in"
fi

run initrd-and-cmd -k "$KERNEL_IMAGE" -i "$WORK/fake-kernel" -r "$WORK" -- true
c_i_cmd_refused_exit() { [ "$RC" = 2 ] && said "drop -i" && said "--qemu"; }
check "-i with -- CMD: refused (exit 2), the new --qemu named" c_i_cmd_refused_exit

# --- Debian 12's kernel, the host's / under a tmpfs overlay --------------------------
cache=${ROOT9P_CACHE:-$HOME/.cache/root9p}/loop
run exit7 -k "$KERNEL_IMAGE" --modules "$MODDIR" --host-root -- sh -c 'cat; echo out; echo err >&2; exit 7'
check "--host-root -- sh -c '...; exit 7': exit 7" [ "$RC" = 7 ]
check "stdout is exactly 'out' (cat read EOF at once from stdin /dev/null)" [ "$OUT" = out ]
check "stderr is exactly 'err'" [ "$ERR" = err ]
# shellcheck disable=SC2012 # the newest by mtime; the names are ours (KVER-hash)
img=$(ls -t "$cache"/"$KVER"-*.img 2>/dev/null | head -n 1)
check "the initrd is cached in $cache" [ -f "$img" ]
stamp=$(stat -c %i.%Y "$img" 2>/dev/null)

# stdin: run9p's own, EOF delivered, bytes unchanged both ways. 1 MiB
# of random bytes in through a pipe: the guest's sha256sum of what it
# read goes to stderr, cat's copy to stdout.
head -c 1048576 /dev/urandom >"$WORK/random"
sum=$(sha256sum <"$WORK/random" | cut -d' ' -f1)
run_in <(cat "$WORK/random") stdin-binary -k "$KERNEL_IMAGE" --modules "$MODDIR" --host-root -- \
	sh -c 'tee /tmp/in; sha256sum </tmp/in >&2; exit 3'
check "1 MiB piped into -- sh -c 'tee ...; exit 3': exit 3" [ "$RC" = 3 ]
check "... the guest read it whole and unchanged, then EOF (its sha256 matches)" [ "$ERR" = "$sum  -" ]
check "... and wrote it back unchanged on stdout (sha256 matches)" \
	[ "$(sha256sum <"$LOGDIR/stdin-binary.out" | cut -d' ' -f1)" = "$sum" ]
check "... stderr held only the sum, stdout only the bytes (1048576 of them)" \
	[ "$(stat -c %s "$LOGDIR/stdin-binary.out")" = 1048576 ]
# A script on stdin: sh runs its lines and exits with its code.
printf '%s\n' 'a=6' 'b=7' 'echo "script says $((a * b))"' 'echo "to stderr" >&2' 'exit 5' >"$WORK/script"
run_in "$WORK/script" stdin-script -k "$KERNEL_IMAGE" --modules "$MODDIR" --host-root -- sh
check "run9p -- sh < script: the script's exit code (5)" [ "$RC" = 5 ]
c_lines_ran_stdout_script() { [ "$OUT" = "script says 42" ] && [ "$ERR" = "to stderr" ]; }
check "... its lines ran (stdout 'script says 42', stderr 'to stderr')" c_lines_ran_stdout_script
# A pipe whose writer stays open: CMD reads one line and ends; run9p
# does not wait for the pipe's end.
t0=$SECONDS
run_in <(echo data; echo "$BASHPID" >"$WORK/writer.pid"; exec sleep "$BOOT_TIMEOUT" 2>/dev/null) \
	stdin-open -k "$KERNEL_IMAGE" --modules "$MODDIR" --host-root -- head -n 1
kill "$(cat "$WORK/writer.pid")" 2>/dev/null
c_echo_data_writer_that() { [ "$RC" = 0 ] && [ "$OUT" = data ]; }
check "echo data + a writer that stays open | run9p -- head -n 1: 'data', exit 0" c_echo_data_writer_that
check "... run9p ended with CMD, not at its --timeout ($((SECONDS - t0)) s < $BOOT_TIMEOUT s)" \
	[ $((SECONDS - t0)) -lt "$BOOT_TIMEOUT" ]

# PVH: under TCG run9p boots Debian's kernel (config-KVER beside it says
# CONFIG_PVH=y) uncompressed. The guest's boot_params tell the entries
# apart: PVH's are built by the kernel itself with boot protocol 2.12
# (arch/x86/platform/pvh/enlighten.c); QEMU's bzImage loader passes the
# image's own header (2.15 for 6.1).
vmcache=${ROOT9P_CACHE:-$HOME/.cache/root9p}/vmlinux
run pvh -k "$KERNEL_IMAGE" --modules "$MODDIR" --host-root -- cat /sys/kernel/boot_params/version
c_pvh_default_under_tcg() { [ "$RC" = 0 ] && [ "$OUT" = 0x020c ]; }
check "PVH by default under TCG: the guest's boot_params are PVH's (protocol 0x020c)" c_pvh_default_under_tcg
c_unpacked_kernel_cached_elf() {
	set -- "$vmcache/$KVER"-*.elf
	[ -e "$1" ] && [ "$(head -c 4 "$1" | od -An -c | tr -d " ")" = 177ELF ]
}
check "... the unpacked kernel is cached as an ELF in $vmcache" c_unpacked_kernel_cached_elf
run nopvh -k "$KERNEL_IMAGE" --modules "$MODDIR" --host-root --no-pvh -- cat /sys/kernel/boot_params/version
c_pvh_bzimage_own_header() { [ "$RC" = 0 ] && [ "$OUT" = 0x020f ]; }
check "--no-pvh: the bzImage's own header (0x020f)" c_pvh_bzimage_own_header
cp "$KERNEL_IMAGE" "$WORK/fake-nocfg"
run pvh-nocfg -k "$WORK/fake-nocfg" --modules "$MODDIR" --host-root --pvh -- true
c_pvh_config_beside_kernel() { [ "$RC" = 2 ] && said "cannot boot through PVH" && said "config-$KVER beside it"; }
check "--pvh with no config beside the kernel: refused (exit 2), saying why" c_pvh_config_beside_kernel

# The guest changes a host folder's files: the host keeps them as they were.
hc=$WORK/hostcheck
mkdir -p "$hc"
echo original >"$hc/file"
echo gone >"$hc/gone"
echo keep >"$hc/keep"
before=$(treesum "$hc")
# shellcheck disable=SC2016 # expanded in the guest
cd "$hc" || exit 2
run mounts -k "$KERNEL_IMAGE" --modules "$MODDIR" --host-root --cwd \
	--qemu -smbios --qemu type=1,serial=r9p-qemu-arg -- \
	sh -c 'cat /proc/mounts; echo "cwd $(pwd)"; echo changed >file; rm gone; mv keep kept;
		echo "sees $(cat file) $(ls | tr "\n" " ")"; echo "serial $(cat /sys/class/dmi/id/product_serial)"'
cd - >/dev/null || exit 2
check "exit 0" [ "$RC" = 0 ]
check "/proc/mounts: / is an overlay" grep -qE '^overlay / overlay rw' <<<"$OUT"
check "/proc/mounts: its lower layer is the 9p root, read-only" grep -qE '^fsRoot /run/root9p/lower 9p ro' <<<"$OUT"
check "/proc/mounts: its upper layer a tmpfs" grep -qE '^tmpfs /run/root9p/rw tmpfs' <<<"$OUT"
check "--cwd: the command ran in $hc" grep -qxF "cwd $hc" <<<"$OUT"
check "the guest sees its own changes" grep -qxF "sees changed file kept " <<<"$OUT"
check "the host folder is unchanged (checksum)" [ "$before" = "$(treesum "$hc")" ]
check "--qemu ARG reaches QEMU (-smbios serial seen in the guest)" grep -qxF "serial r9p-qemu-arg" <<<"$OUT"
check "the second run used the cached initrd" [ "$(stat -c %i.%Y "$img" 2>/dev/null)" = "$stamp" ]
run dryrun -k "$KERNEL_IMAGE" --modules "$MODDIR" --host-root --dry-run -- true
check "--host-root: QEMU serves / read-only (readonly=on)" grep -q 'path=/\\,readonly=on' <<<"$OUT"

# --rw PATH: one host folder writable in a --host-root guest, nothing else.
rw=$WORK/rwdir
mkdir -p "$rw"
run rw -k "$KERNEL_IMAGE" --modules "$MODDIR" --host-root --passthrough-as-root --rw "$rw" -- \
	sh -c "echo hello >'$rw/made-in-guest'; touch '$WORK/not-here'; grep ' $rw ' /proc/mounts"
check "--rw: the guest's file reached the host folder" [ "$(cat "$rw/made-in-guest" 2>/dev/null)" = hello ]
check "--rw: a 9p share mounted over that path" grep -qE "^r9prw0 $rw 9p rw" <<<"$OUT"
check "--rw: the rest of the host unchanged (a file beside it not made)" [ ! -e "$WORK/not-here" ]
run rw-as-root -k "$KERNEL_IMAGE" --modules "$MODDIR" --host-root --rw "$rw" -- true
if [ "$(id -u)" = 0 ]; then
	c_rw_beside_host_root() { [ "$RC" = 2 ] && said "run9p: try: --passthrough-as-root to mean it"; }
	check "--rw beside --host-root as root without --passthrough-as-root: refused (exit 2)" c_rw_beside_host_root
else
	skip "--rw as root without --passthrough-as-root (not root)"
fi

run notfound -k "$KERNEL_IMAGE" --modules "$MODDIR" --host-root -- no-such-command-r9p
check "a CMD the guest lacks: exit 127" [ "$RC" = 127 ]
check "... and 'command not found' on stderr" said "no-such-command-r9p: command not found in the guest"

# A panic in the guest: no status, the crash code and the console's tail.
run panic -k "$KERNEL_IMAGE" --modules "$MODDIR" --host-root -- sh -c 'echo c >/proc/sysrq-trigger'
check "a kernel panic in the guest: exit 123" [ "$RC" = 123 ]
check "... said, with the console's last lines" said "the guest kernel panicked"
# run9p keeps a crashed run's console and status in the cache's run/ for a
# look, and names the console; this test's pair goes once checked
kept=$(sed -n 's/.*last lines of its console (\(.*\.console\.log\)):$/\1/p' <<<"$ERR" | head -n 1)
c_panic_console_kept() { [ -n "$kept" ] && grep -qa 'Kernel panic' "$kept"; }
check "... and keeps the console it names" c_panic_console_kept
[ -z "$kept" ] || rm -f -- "$kept" "${kept%.console.log}.status"

# No CMD: an interactive shell on the console (driven through a FIFO).
scripts/mkroot-tiny.sh "$WORK/tiny" "$O/klibc/mount9p" >/dev/null
boot_bg shell -k "$KERNEL_IMAGE" --modules "$MODDIR" -r "$WORK/tiny"
if shell_open "built-in shell" "$BOOT_TIMEOUT"; then
	send 'echo shell-says-$((6*7))'
	send 'exit'
fi
stop_bg 60
check "no CMD: a shell on the console runs what is typed" grep -q '^shell-says-42' <(console)
check "... and its exit ends the guest (run9p exits 0)" [ "$RC" = 0 ]

# --- kernel build trees: the 9p modules come from the tree -----------------------
# build_id FILE: the GNU build ID of a module file (hex).
build_id() { readelf -n "$1" 2>/dev/null | sed -n 's/^ *Build ID: //p'; }
# In the guest: the loaded 9p module's build ID (the note's last 20 bytes),
# the kernel's release, and mount9p's account of options for it.
# shellcheck disable=SC2016 # expanded in the guest
# A kernel without KALLSYMS (the small tinyconfig one) has no module notes
# in sysfs: then the module's srcversion (MODULE_SRCVERSION_ALL) tells.
GUEST_9P='echo "build-id $(od -An -tx1 -v /sys/module/9p/notes/.note.gnu.build-id 2>/dev/null | tr -d " \n" | tail -c 40)"
	echo "srcversion $(cat /sys/module/9p/srcversion 2>/dev/null)"
	echo "release $(uname -r)"; mount9p --explain -o cache=loose,msize=9000000 2>&1'

# tree_checks LABEL TREE KVER: what a run from build tree TREE must show.
tree_checks() {
	local want
	want=$(build_id "$2/fs/9p/9p.ko")
	check "$1: exit 0" [ "$RC" = 0 ]
	check "$1: the guest runs the tree's kernel ($3)" grep -qxF "release $3" <<<"$OUT"
	if grep -qx "build-id " <<<"$OUT"; then
		want=$(modinfo -F srcversion "$2/fs/9p/9p.ko" 2>/dev/null)
		c_loaded_9p_module_tree() { [ -n "$want" ] && grep -qxF "srcversion $want" <<<"$OUT"; }
		check "$1: the loaded 9p module is the tree's fs/9p/9p.ko (no module notes in that kernel's sysfs: srcversion ${want:-?})" c_loaded_9p_module_tree
	else
		c_loaded_9p_module_tree_2() { [ -n "$want" ] && grep -qxF "build-id $want" <<<"$OUT"; }
		check "$1: the loaded 9p module is the tree's fs/9p/9p.ko (build ID ${want:-?})" c_loaded_9p_module_tree_2
	fi
	c_mount9p_guest_explains_options() { grep -qx "# for Linux 6.1" <<<"$OUT" && grep -q "msize=9000000 is above the virtio maximum" <<<"$OUT"; }
	check "$1: mount9p in the guest explains the options for that kernel" c_mount9p_guest_explains_options
}

# Debian's kernel laid out as a build tree after make: modules where the
# build leaves them (hard links), modules.order/.builtin, no modules.dep.
tree=$WORK/fake-kbuild
mkdir -p "$tree/arch/x86/boot" "$tree/include/config"
cp -al "$MODDIR/kernel/." "$tree/"
sed 's|^kernel/||' "$MODDIR/modules.order" >"$tree/modules.order"
cp "$MODDIR/modules.builtin" "$tree/modules.builtin"
cp "$KERNEL_IMAGE" "$tree/arch/x86/boot/bzImage"
echo "$KVER" >"$tree/include/config/kernel.release"
printf 'CONFIG_MODULES=y\nCONFIG_9P_FS=m\n' >"$tree/.config"
: >"$tree/Makefile"
run tree -k "$tree" -r "$WORK/tiny" --passthrough-as-root -- sh -c "$GUEST_9P"
tree_checks "Debian's modules as a build tree" "$tree" "$KVER"
# PVH from a build tree: its own vmlinux, when its .config has CONFIG_PVH.
run tree-nopvh -k "$tree" -r "$WORK/tiny" --passthrough-as-root --pvh -- true
c_pvh_build_tree_whose() { [ "$RC" = 2 ] && said ".config has no CONFIG_PVH=y"; }
check "--pvh, a build tree whose .config has no CONFIG_PVH: refused by name (exit 2)" c_pvh_build_tree_whose
echo CONFIG_PVH=y >>"$tree/.config"
# shellcheck disable=SC2012 # the names are ours (KVER-hash)
elf=$(ls "$vmcache/$KVER"-*.elf 2>/dev/null | head -n 1)
if [ -n "$elf" ] && cp "$elf" "$tree/vmlinux"; then
	run tree-pvh -k "$tree" -r "$WORK/tiny" --passthrough-as-root -- cat /sys/kernel/boot_params/version
	c_build_tree_config_pvh() { [ "$RC" = 0 ] && [ "$OUT" = 0x020c ]; }
	check "a build tree with CONFIG_PVH boots its own vmlinux through PVH (0x020c)" c_build_tree_config_pvh
	rm -f "$tree/vmlinux"
else
	fail "a build tree's vmlinux: no unpacked kernel in $vmcache to stand for it"
fi

# A real one: linux-source-6.1, tinyconfig + virtio, 9P as modules (cached).
if [ $KBUILD = 0 ]; then
	t_skip 9 "kernel built from linux-source-6.1 (--no-kbuild)"
else
	t0=$SECONDS
	if ! eval "$(scripts/build-kernel.sh --env)"; then
		fail "build a kernel from linux-source-6.1 (scripts/build-kernel.sh)"
		t_skip 8 "the built tree's checks: no tree"
	else
		echo "  kernel build tree: $KBUILD_DIR ($((SECONDS - t0)) s here; built in $(cat "$KBUILD_DIR/.root9p-build-seconds" 2>/dev/null || echo '?') s)"
		check "the tree has no modules_install (no lib/modules in it)" [ ! -e "$KBUILD_DIR/lib/modules" ]
		run kbuild -k "$KBUILD_DIR" -r "$WORK/tiny" --passthrough-as-root -- sh -c "$GUEST_9P"
		tree_checks "linux-source-6.1 build tree" "$KBUILD_DIR" "$KBUILD_KVER"
		run kbuild-no9p -k "$KBUILD_BZIMAGE" -r "$WORK/tiny" --passthrough-as-root -- true
		check "the tree's bzImage alone (9p as modules, none given): exit 121" [ "$RC" = 121 ]
		# kselftests from the build tree, as README.md shows: no -r (the
		# host's / under a tmpfs overlay), --cwd in the tree. The build
		# and the run write into the overlay's tmpfs, never into the
		# shared cached tree.
		cd "$KBUILD_DIR" || exit 2
		run kselftest -k . --cwd -- make -C tools/testing/selftests TARGETS=size run_tests
		cd - >/dev/null || exit 2
		check "kselftest from the build tree (TARGETS=size run_tests, no -r): exit 0" [ "$RC" = 0 ]
		c_test_was_built_run() { grep -qx "TAP version 13" <<<"$OUT" && grep -qx "ok 1 selftests: size: get_size" <<<"$OUT"; }
		check "... the test was built and run in the guest: TAP 'ok 1 selftests: size: get_size'" c_test_was_built_run
		check "... and the cached tree on the host is unchanged (no size/get_size in it)" \
			[ ! -e "$KBUILD_DIR/tools/testing/selftests/size/get_size" ]
	fi
fi

t_done loop
