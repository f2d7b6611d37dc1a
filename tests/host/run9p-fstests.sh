#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/host/run9p-fstests.sh - run9p --fstests without a guest (#26):
# every refusal before QEMU starts (no tree, no ./check, an unbuilt tree,
# options the shares cannot take as mount9p --check judges them, the
# results folder inside the tree, TEST = SCRATCH, root without
# --passthrough-as-root ...), each with its message and exit 2, and what a
# run hands the guest: QEMU is a stand-in (QEMU=) that records its argv
# and writes the status line a test chose, so the shares, local.config,
# the guest's script, the root's own options and ./check's exit status
# passed through are checked. With --fs virtiofs the TEST and SCRATCH
# shares are a stand-in virtiofsd each (its argv, its socket, the signal
# that ends it) and a vhost-user-fs device each, the root staying 9p.
#
# Ends with "run9p-fstests: N passed, N failed, N skipped"; fewer results
# than its plan is a failure.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/boot/lib.sh
t_plan 62
RUN9P=$(realpath "$RUN9P")

t_workdir run9p-fstests "run9p --fstests host tests"
W=$WORK
mkdir -p "$W/tmp" "$W/bin" "$W/cache" "$W/mods/lib/modules/6.1.0-stub"
: >"$W/mods/lib/modules/6.1.0-stub/modules.dep"
# A kernel file as far as run9p reads it (as in run9p-runtime.sh).
head -c 2048 /dev/zero >"$W/vmlinuz"
printf 'HdrS' | dd of="$W/vmlinuz" bs=1 seek=514 conv=notrunc 2>/dev/null
printf '\000\002' | dd of="$W/vmlinuz" bs=1 seek=526 conv=notrunc 2>/dev/null
printf '6.1.0-stub (stub@run9p) #1\000' | dd of="$W/vmlinuz" bs=1 seek=1024 conv=notrunc 2>/dev/null
# The stand-in QEMU: records its argv, writes $STUB_STATUS as the status.
cat >"$W/bin/qemu" <<'EOF'
#!/bin/bash
for a; do case $a in -version | -help) exit 0 ;; esac; done
printf '%s\n' "$@" >"$STUB/argv"
for a; do
	case $a in file,id=r9pst,path=*) printf '%b' "${STUB_STATUS:-}" >"${a#*path=}" ;; esac
done
# STUB_SLEEP: a guest that runs until a signal ends it.
[ -z "${STUB_SLEEP:-}" ] || sleep "$STUB_SLEEP"
EOF
cat >"$W/bin/mkinitrd9p" <<'EOF'
#!/bin/bash
printf '%s\n' "$@" >"$STUB/mkinitrd.argv"
while [ $# -gt 0 ]; do [ "$1" = -o ] && : >"$2"; shift; done
EOF
# The stand-in Rust virtiofsd: its argv (by socket), a socket at
# --socket-path, the TERM that ends it.
cat >"$W/bin/virtiofsd" <<'EOF'
#!/bin/bash
case $* in *--help*) echo "  --shared-dir <DIR>"; exit 0 ;; esac
for a; do case $a in --socket-path=*) sock=${a#*=} ;; esac; done
printf '%s\n' "$@" >"$STUB/vfs-${sock##*/}.argv"
# STUB_VFS_FAIL=TAG: that share's daemon ends at once, with a message.
[ "${sock##*/sock-}" != "${STUB_VFS_FAIL:-}" ] || { echo "stand-in: cannot serve" >&2; exit 1; }
perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Local => $ARGV[0], Listen => 1) or die "$!\n"' "$sock"
sleep 60 &
trap "echo TERM >>'$STUB/vfs-${sock##*/}.signals'; kill $!; exit 0" TERM
wait $!
EOF
chmod +x "$W/bin/"*
# mount9p --check judges the shares' options: the build's.
O=${O:-build}
export MOUNT9P=${MOUNT9P:-$PWD/$O/klibc/mount9p}
[ -x "$MOUNT9P" ] || "${MAKE:-make}" -s "$MOUNT9P" >/dev/null || true
export MKINITRD9P=$W/bin/mkinitrd9p PAYLOAD9P=$W/bin/mkinitrd9p
export ROOT9P_CACHE=$W/cache TMPDIR=$W/tmp QEMU=$W/bin/qemu
LOOP=(-k "$W/vmlinuz" --modules "$W/mods/lib/modules/6.1.0-stub" --accel tcg
	--no-pvh --passthrough-as-root)

# A fstests tree as run9p looks at it: ./check, common/config, ltp/fsx.
FT=$W/xfstests
mkdir -p "$FT/common" "$FT/ltp"
: >"$FT/common/config"
printf '#!/bin/sh\n' >"$FT/check"
printf '#!/bin/sh\n' >"$FT/ltp/fsx"
chmod +x "$FT/check" "$FT/ltp/fsx"

n=0
# run NAME ARGS...: run9p with a fresh record folder STUB; RC, $STUB/err.
run() {
	n=$((n + 1))
	export STUB=$W/$n-$1
	mkdir -p "$STUB"
	shift
	"$RUN9P" "$@" </dev/null >"$STUB/out" 2>"$STUB/err" && RC=0 || RC=$?
}
said() { grep -qF -- "$1" "$STUB/err"; }
# c_exit2_qemu_not_started: run9p's status was 2 and the stand-in QEMU
# recorded no argv.
c_exit2_qemu_not_started() { [ "$RC" = 2 ] && [ ! -e "$STUB/argv" ]; }
# refused NAME TEXT ARGS...: exit 2, TEXT in the message, QEMU not started.
refused() {
	local name=$1 text=$2
	shift 2
	run "$name" "$@"
	check "$name: exit 2, QEMU not started" c_exit2_qemu_not_started
	check "$name: says '$text'" said "$text"
}

# --- the tree ----------------------------------------------------------
refused no-dir "it is not a directory" "${LOOP[@]}" --fstests "$W/nothing" --fstests-results "$W/r"
mkdir -p "$W/empty"
refused no-check "it has no ./check and common/config, so it is no fstests checkout" \
	"${LOOP[@]}" --fstests "$W/empty" --fstests-results "$W/r"
chmod -x "$FT/check"
refused check-not-exec "run '$FT/check': it is not executable" "${LOOP[@]}" --fstests "$FT" --fstests-results "$W/r"
chmod +x "$FT/check"
rm "$FT/ltp/fsx"
refused unbuilt "the tree is not built (no ltp/fsx)" "${LOOP[@]}" --fstests "$FT" --fstests-results "$W/r"
check "unbuilt: says to run make in it" said "run9p: try: make -C '$FT'"
printf '#!/bin/sh\n' >"$FT/ltp/fsx"
chmod +x "$FT/ltp/fsx"

# --- options and shares -------------------------------------------------
refused trans-tcp "trans=tcp, but the TEST and SCRATCH shares are virtio mount tags, reachable over trans=virtio only" \
	"${LOOP[@]}" --fstests "$FT" --fstests-results "$W/r" -o trans=tcp,port=564
refused opt-quote "only letters, digits and = , . _ : - may appear" "${LOOP[@]}" \
	--fstests "$FT" --fstests-results "$W/r" -o 'trans=virtio,cache=loose"x'
# The meaning of the options is mount9p's, for the guest's kernel (6.1
# here, from the bzImage): its reason and its way to learn more.
refused bad-cache "for the fstests shares (-t 9p): cache=bogus is not a cache mode of Linux 6.1" \
	"${LOOP[@]}" --fstests "$FT" --fstests-results "$W/r" -o trans=virtio,cache=bogus
check "bad-cache: says how to see what the kernel takes" said "run9p: try: -o with options the guest's kernel takes (mount9p --explain -o OPTS"
refused vfs-9popt "(-t virtiofs): trans=virtio: a 9p option: virtiofs does not take it" \
	"${LOOP[@]}" --fs virtiofs --virtiofsd "$W/bin/virtiofsd" --fstests "$FT" --fstests-results "$W/r" -o trans=virtio
refused vfs-mmio "with --transport mmio: run9p's virtiofs devices are vhost-user-fs-pci" \
	"${LOOP[@]}" --fs virtiofs --virtiofsd "$W/bin/virtiofsd" --transport mmio --fstests "$FT" --fstests-results "$W/r"
MOUNT9P=$W/nothing/mount9p refused no-mount9p "check the fstests shares' options: $W/nothing/mount9p --check failed" \
	"${LOOP[@]}" --fstests "$FT" --fstests-results "$W/r"
export STUB_STATUS='exit 0 500\n'
run no-trans "${LOOP[@]}" --fstests "$FT" --fstests-results "$W/res-nt" -o cache=loose
c_no_trans_options_as_given() { [ "$RC" = 0 ] && grep -qx "export PLAN9_MOUNT_OPTIONS=\"-o cache=loose\"" "$W/res-nt/local.config"; }
check "no trans=: mount9p's virtio (the kernel's default), the options as given" c_no_trans_options_as_given
refused with-root "drop -r, --host-root and --overlay" "${LOOP[@]}" -r "$W/empty" \
	--fstests "$FT" --fstests-results "$W/r"
refused in-tree "it is inside the fstests tree, which the guest sees read-only" \
	"${LOOP[@]}" --fstests "$FT" --fstests-results "$FT/results"
refused same-share "fstests wipes SCRATCH" "${LOOP[@]}" --fstests "$FT" \
	--fstests-results "$W/r" --fstests-test "$W/ts" --fstests-scratch "$W/ts"
refused alone "--fstests-results goes with --fstests DIR" "${LOOP[@]}" -r "$W/empty" \
	--fstests-results "$W/r" -- true
if [ "$(id -u)" = 0 ]; then
	refused as-root "run fstests as root: QEMU keeps root's rights" -k "$W/vmlinuz" \
		--modules "$W/mods/lib/modules/6.1.0-stub" --accel tcg --no-pvh \
		--fstests "$FT" --fstests-results "$W/r"
else
	t_skip 2 "as root without --passthrough-as-root: this suite does not run as root"
fi

# --- a run: what the guest gets ------------------------------------------
export STUB_STATUS='exit 3 500\n'
run ok "${LOOP[@]}" --fstests "$FT" --fstests-results "$W/res" \
	-o trans=virtio,version=9p2000.L,cache=loose -- -g quick -x 'dangerous stress'
check "a run: exit 3, ./check's status" [ "$RC" = 3 ]
c_results_folder_holds() {
	[ -f "$W/res/local.config" ] && [ -f "$W/res/run-check.sh" ] && [ -d "$W/res/test" ] && [ -d "$W/res/scratch" ] && [ -d "$W/res/results" ]
}
check "the results folder holds local.config, run-check.sh, test, scratch, results" c_results_folder_holds
c_local_config_9p_tags_mounts() {
	grep -qx "export FSTYP=9p" "$W/res/local.config" &&
		grep -qx "export TEST_DEV=fstest" "$W/res/local.config" && grep -qx "export SCRATCH_DEV=fscratch" "$W/res/local.config" &&
		grep -qx "export TEST_DIR=/mnt/fstests/test" "$W/res/local.config" && grep -qx "export SCRATCH_MNT=/mnt/fstests/scratch" "$W/res/local.config"
}
check "local.config: FSTYP=9p, the tags, the mount points" c_local_config_9p_tags_mounts
check "local.config: PLAN9_MOUNT_OPTIONS from -o" \
	grep -qx 'export PLAN9_MOUNT_OPTIONS="-o trans=virtio,version=9p2000.L,cache=loose"' "$W/res/local.config"
check "local.config: RESULT_BASE in the results folder" grep -qx "export RESULT_BASE=$W/res/results" "$W/res/local.config"
check "run-check.sh: ./check with the arguments after --, quoted" \
	grep -qxF "HOST_OPTIONS=$W/res/local.config exec ./check -g quick -x dangerous\\ stress" "$W/res/run-check.sh"
check "run-check.sh: it runs in the tree" grep -qxF "cd $FT || exit 2" "$W/res/run-check.sh"
check "QEMU: the TEST share, tag fstest" grep -qF "mount_tag=fstest" "$STUB/argv"
check "QEMU: the SCRATCH share, tag fscratch" grep -qF "mount_tag=fscratch" "$STUB/argv"
c_qemu_host_ro_results_rw() { grep -q "^local,.*path=/,readonly=on$" "$STUB/argv" && grep -q "^local,.*id=fsdev-r9prw0,path=$W/res$" "$STUB/argv"; }
check "QEMU: the host's / read-only, the results folder read-write" c_qemu_host_ro_results_rw
c_root_own_options_runs_check() {
	grep -q "rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=mmap " "$STUB/argv" &&
		grep -q "root9p.overlay=tmpfs" "$STUB/argv" && grep -q "root9p.mount=r9prw0:$W/res" "$STUB/argv" &&
		grep -q "root9p.run=" "$STUB/argv"
}
check "the root keeps its own options (cache=mmap), the guest runs run-check.sh" c_root_own_options_runs_check
export STUB_STATUS='exit 0 500\n'
run default "${LOOP[@]}" --fstests "$FT" --fstests-results "$W/res2"
check "no -o: the shares get the root's default options" \
	grep -qx 'export PLAN9_MOUNT_OPTIONS="-o trans=virtio,version=9p2000.L,msize=512000,cache=mmap"' "$W/res2/local.config"
c_no_arguments_check_alone() { [ "$RC" = 0 ] && grep -qxF "HOST_OPTIONS=$W/res2/local.config exec ./check" "$W/res2/run-check.sh"; }
check "no arguments: ./check alone, exit 0" c_no_arguments_check_alone

# --- virtiofs: a daemon and a device per share, the root 9p ----------------
export STUB_STATUS='exit 4 500\n'
run vfs "${LOOP[@]}" --fs virtiofs --virtiofsd "$W/bin/virtiofsd" --fstests "$FT" \
	--fstests-results "$W/vres" -o dax -- -g quick
check "virtiofs: exit 4, ./check's status" [ "$RC" = 4 ]
c_vfs_local_config_tags() {
	grep -qx "export FSTYP=virtiofs" "$W/vres/local.config" &&
		grep -qx "export TEST_DEV=fstest" "$W/vres/local.config" && grep -qx "export SCRATCH_DEV=fscratch" "$W/vres/local.config"
}
check "virtiofs: local.config: FSTYP=virtiofs, the tags as TEST_DEV and SCRATCH_DEV" c_vfs_local_config_tags
c_vfs_local_config_mount_options() {
	grep -qx "export MOUNT_OPTIONS=\"-o dax\"" "$W/vres/local.config" &&
		grep -qx "export TEST_FS_MOUNT_OPTS=\"-o dax\"" "$W/vres/local.config" && ! grep -q PLAN9 "$W/vres/local.config"
}
check "virtiofs: local.config: -o as MOUNT_OPTIONS and TEST_FS_MOUNT_OPTS, no PLAN9_MOUNT_OPTIONS" c_vfs_local_config_mount_options
check "virtiofs: run-check.sh mounts the TEST share as virtiofs" \
	grep -qF "mount -t virtiofs -o dax fstest /mnt/fstests/test" "$W/vres/run-check.sh"
# The sockets QEMU connects to, and the daemons that made them.
socks=$(sed -n 's/^socket,id=vfs-\(fstest\|fscratch\),path=//p' "$STUB/argv" | sort)
c_vfs_device_per_share() {
	grep -qx "vhost-user-fs-pci,chardev=vfs-fstest,tag=fstest" "$STUB/argv" &&
		grep -qx "vhost-user-fs-pci,chardev=vfs-fscratch,tag=fscratch" "$STUB/argv"
}
check "virtiofs: QEMU: a vhost-user-fs device per share, tags fstest and fscratch" c_vfs_device_per_share
c_vfs_two_sockets_one_folder() {
	[ "$(echo "$socks" | wc -l)" = 2 ] && [ "$(for s in $socks; do dirname "$s"; done | sort -u | wc -l)" = 1 ] &&
		echo "$socks" | grep -q "/run9p-vfs\.[^/]*/sock-fstest$"
}
check "virtiofs: QEMU: two sockets, one private folder, sock-TAG" c_vfs_two_sockets_one_folder
c_vfs_ram_shared_once() {
	[ "$(grep -c "^memory-backend-memfd,id=vfs-mem," "$STUB/argv")" = 1 ] && ! grep -q "mount_tag=fs\(test\|scratch\)" "$STUB/argv"
}
check "virtiofs: QEMU: the guest's RAM shared once (memfd), no 9p share for the tags" c_vfs_ram_shared_once
c_vfs_root_stays_9p() {
	grep -q "^local,.*path=/,readonly=on$" "$STUB/argv" && grep -q "rootfstype=9p " "$STUB/argv" &&
		grep -q "^local,.*id=fsdev-r9prw0,path=$W/vres$" "$STUB/argv"
}
check "virtiofs: the root stays 9p: the host's / read-only, rootfstype=9p, the results 9p" c_vfs_root_stays_9p
c_vfs_daemon_test() {
	grep -qx -- "--shared-dir=$W/vres/test" "$STUB/vfs-sock-fstest.argv" &&
		grep -qx -- "--socket-path=$(echo "$socks" | grep "sock-fstest$")" "$STUB/vfs-sock-fstest.argv"
}
check "virtiofs: a daemon for test/, at QEMU's fstest socket" c_vfs_daemon_test
c_vfs_daemon_scratch() {
	grep -qx -- "--shared-dir=$W/vres/scratch" "$STUB/vfs-sock-fscratch.argv" &&
		! grep -qx -- --readonly "$STUB/vfs-sock-fscratch.argv" &&
		grep -qx -- "--socket-path=$(echo "$socks" | grep "sock-fscratch$")" "$STUB/vfs-sock-fscratch.argv"
}
check "virtiofs: a daemon for scratch/, read-write, at QEMU's fscratch socket" c_vfs_daemon_scratch
c_vfs_daemons_ended_folder_gone() {
	grep -qx TERM "$STUB/vfs-sock-fstest.signals" && grep -qx TERM "$STUB/vfs-sock-fscratch.signals" &&
		! ls -d "$W/tmp"/run9p-vfs.* >/dev/null 2>&1
}
check "virtiofs: both daemons ended (TERM), their folder removed" c_vfs_daemons_ended_folder_gone
check "virtiofs: the loop's initrd loads virtiofs for the shares" grep -q "^--modules=.*,virtiofs" "$STUB/mkinitrd.argv"
# Every way out ends every daemon: the second one failing to start...
STUB_VFS_FAIL=fscratch run vfs-fail "${LOOP[@]}" --fs virtiofs --virtiofsd "$W/bin/virtiofsd" \
	--fstests "$FT" --fstests-results "$W/vres3"
c_vfs_fscratch_daemon_fails() {
	[ "$RC" = 2 ] && said "virtiofsd ($W/bin/virtiofsd for fscratch) ended before its socket appeared" &&
		said "stand-in: cannot serve" && [ ! -e "$STUB/argv" ]
}
check "virtiofs: the fscratch daemon fails: exit 2, its message, QEMU not started" c_vfs_fscratch_daemon_fails
c_vfs_fstest_daemon_ended() { grep -qx TERM "$STUB/vfs-sock-fstest.signals" && ! ls -d "$W/tmp"/run9p-vfs.* >/dev/null 2>&1; }
check "virtiofs: ... the fstest daemon already started is ended, the folder removed" c_vfs_fstest_daemon_ended
# ... and SIGTERM to run9p while the guest runs.
n=$((n + 1))
export STUB=$W/$n-vfs-term STUB_SLEEP=60
mkdir -p "$STUB"
"$RUN9P" "${LOOP[@]}" --fs virtiofs --virtiofsd "$W/bin/virtiofsd" --fstests "$FT" \
	--fstests-results "$W/vres4" </dev/null >"$STUB/out" 2>"$STUB/err" &
pid=$!
for _ in $(seq 300); do [ -e "$STUB/argv" ] && break; sleep 0.1; done
kill -TERM $pid
RC=0
wait $pid || RC=$?
unset STUB_SLEEP
c_vfs_sigterm_ends_all() {
	[ "$RC" = 143 ] && grep -qx TERM "$STUB/vfs-sock-fstest.signals" &&
		grep -qx TERM "$STUB/vfs-sock-fscratch.signals" && ! ls -d "$W/tmp"/run9p-vfs.* >/dev/null 2>&1
}
check "virtiofs: SIGTERM while the guest runs: exit 143, both daemons ended, the folder removed" c_vfs_sigterm_ends_all
run vfs-dry "${LOOP[@]}" --fs virtiofs --virtiofsd "$W/bin/virtiofsd" --fstests "$FT" \
	--fstests-results "$W/vres2" --dry-run
c_vfs_dry_run_nothing_started() {
	[ "$RC" = 0 ] && [ "$(grep -c "^$W/bin/virtiofsd --socket-path=.*/sock-\(fstest\|fscratch\) --shared-dir=$W/vres2/" "$STUB/out")" = 2 ] &&
		[ ! -e "$STUB/argv" ] && ! ls "$STUB"/vfs-* >/dev/null 2>&1
}
check "virtiofs --dry-run: the two daemons' commands, then QEMU's, nothing started" c_vfs_dry_run_nothing_started

t_done run9p-fstests
