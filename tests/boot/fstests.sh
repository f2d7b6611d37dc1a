#!/bin/bash
# tests/boot/fstests.sh - run9p --fstests on a real boot (Debian 12's
# kernel, TCG) against a small fstests tree made here that follows
# fstests' interface: ./check sources the config HOST_OPTIONS names (as
# common/config does), mounts TEST_DEV and SCRATCH_DEV with FSTYP and
# PLAN9_MOUNT_OPTIONS (virtiofs: TEST_FS_MOUNT_OPTS and MOUNT_OPTIONS),
# writes into RESULT_BASE and exits with its own status. (fstests itself
# is not in Debian: `make fstests FSTESTS=DIR` runs the real one.)
#
# Checked from the host: ./check's exit status as run9p's, the arguments
# after -- as ./check got them, the config it read, both shares mounted in
# the guest with -o's cache mode (its mountinfo, kept in results/), a file
# written on the TEST share in the host's test/ folder, results/ on the
# host; a TEST share the guest cannot mount (legacy 9P2000, which
# mount9p lets through with a warning and QEMU's server refuses): exit 2
# and the kernel's reason; and with --fs virtiofs (a virtiofsd per share,
# when QEMU's is installed and run9p runs as root) both shares mounted as
# virtiofs beside the 9p root, results/ on the host, the exit status.
#
# Ends with "fstests: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
O=${O:-build}
MAKE=${MAKE:-make}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}
. tests/boot/lib.sh
RUN9P=$(cd "$(dirname "$RUN9P")" && pwd)/$(basename "$RUN9P")
# run9p --fstests checks the shares' options with the build's mount9p.
export MOUNT9P=${MOUNT9P:-$PWD/$O/klibc/mount9p}

t_workdir fstests "run9p --fstests boot tests" 'res*'
t_plan 17
LOG=
"$MAKE" -s "$O/mkinitrd9p" "$O/klibc/payload9p" "$O/klibc/mount9p" >/dev/null || {
	fail "build mkinitrd9p and payload9p"
	t_skip_rest "no build"
	t_done fstests
	exit 1
}
eval "$(scripts/fetch-kernel.sh --env bookworm)" || {
	fail "fetch Debian 12's kernel"
	t_skip_rest "no kernel"
	t_done fstests
	exit 1
}

# The tree: fstests' interface, nothing more.
FT=$WORK/xfstests
mkdir -p "$FT/common" "$FT/ltp"
: >"$FT/common/config"
printf '#!/bin/sh\n' >"$FT/ltp/fsx"
cat >"$FT/check" <<'EOF'
#!/bin/bash
# A stand-in for fstests' ./check: its config, its mounts, its results.
. "${HOST_OPTIONS:-local.config}" || exit 1
mkdir -p "$RESULT_BASE"
printf '%s\n' "$@" >"$RESULT_BASE/args"
{ echo "FSTYP=$FSTYP"; echo "TEST_DEV=$TEST_DEV"; echo "SCRATCH_DEV=$SCRATCH_DEV"
  echo "PLAN9_MOUNT_OPTIONS=$PLAN9_MOUNT_OPTIONS"; } >"$RESULT_BASE/config"
if [ "$FSTYP" = 9p ]; then TEST_FS_MOUNT_OPTS=$PLAN9_MOUNT_OPTIONS MOUNT_OPTIONS=$PLAN9_MOUNT_OPTIONS; fi
mount -t "$FSTYP" $TEST_FS_MOUNT_OPTS "$TEST_DEV" "$TEST_DIR" || exit 9
mount -t "$FSTYP" $MOUNT_OPTIONS "$SCRATCH_DEV" "$SCRATCH_MNT" || exit 9
cat /proc/self/mountinfo >"$RESULT_BASE/mountinfo"
echo "from the guest" >"$TEST_DIR/written"
echo "Ran: $*"
exit 3
EOF
chmod +x "$FT/check" "$FT/ltp/fsx"

# run NAME ARGS...: run9p --fstests; RC, $WORK/NAME.out and .err.
run() {
	local name=$1
	shift
	echo "run $name"
	LOG=$WORK/$name.err
	RC=0
	"$RUN9P" -k "$KERNEL_IMAGE" --modules "$KERNEL_BASE" --accel tcg \
		--timeout "$BOOT_TIMEOUT" --passthrough-as-root --fstests "$FT" "$@" \
		</dev/null >"$WORK/$name.out" 2>"$WORK/$name.err" || RC=$?
}

R=$WORK/res
run loose --fstests-results "$R" -o trans=virtio,version=9p2000.L,cache=loose -- -g quick -x 'two words'
check "./check's exit status 3 is run9p's" [ "$RC" = 3 ]
c_check_got_arguments_after() { [ "$(cat "$R/results/args" 2>/dev/null)" = "$(printf "%s\n" -g quick -x "two words")" ]; }
check "./check got the arguments after --" c_check_got_arguments_after
c_check_read_local_config() { grep -qx FSTYP=9p "$R/results/config" && grep -qx TEST_DEV=fstest "$R/results/config" && grep -qx SCRATCH_DEV=fscratch "$R/results/config"; }
check "./check read local.config: FSTYP=9p, the two tags" c_check_read_local_config
check "./check read PLAN9_MOUNT_OPTIONS from -o" \
	grep -qx "PLAN9_MOUNT_OPTIONS=-o trans=virtio,version=9p2000.L,cache=loose" "$R/results/config"
# mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS - 9p TAG SUPEROPTS".
check "the TEST share is mounted in the guest, with cache=loose" \
	grep -q " /mnt/fstests/test .* - 9p fstest .*loose" "$R/results/mountinfo"
check "the SCRATCH share is mounted in the guest, with cache=loose" \
	grep -q " /mnt/fstests/scratch .* - 9p fscratch .*loose" "$R/results/mountinfo"
check "the root keeps run9p's own cache=mmap" grep -q " - 9p fsRoot .*mmap" "$R/results/mountinfo"
c_file_written_test_share() { [ "$(cat "$R/test/written" 2>/dev/null)" = "from the guest" ]; }
check "a file written on the TEST share is in the host's test/" c_file_written_test_share
check "./check's output reaches run9p's stdout" grep -qx "Ran: -g quick -x two words" "$WORK/loose.out"

# Options mount9p takes (with a warning) but the server refuses: the
# guest's script says so before ./check. (cache=bogus and the like
# mount9p refuses on the host: tests/host/run9p-fstests.sh.)
R=$WORK/res-bad
run badopt --fstests-results "$R" -o trans=virtio,version=9p2000,cache=loose -- -g quick
check "a TEST share that cannot be mounted: exit 2" [ "$RC" = 2 ]
check "... saying which share, with which options" \
	grep -qF "run9p: mount the TEST share fstest (-t 9p -o trans=virtio,version=9p2000,cache=loose) in the guest:" "$WORK/badopt.err"
check "... and ./check did not run" [ ! -e "$R/results/args" ]

# virtiofs: QEMU 7.2's C virtiofsd runs as root only (the Rust one as anyone).
R=$WORK/res-vfs
if [ ! -x /usr/lib/qemu/virtiofsd ] && ! command -v virtiofsd >/dev/null; then
	t_skip 5 "--fs virtiofs: no virtiofsd (apt-get install qemu-system-common)"
elif ! command -v virtiofsd >/dev/null && [ "$(id -u)" != 0 ]; then
	t_skip 5 "--fs virtiofs: QEMU's C virtiofsd runs as root only, and this suite does not"
else
	run vfs --fs virtiofs --fstests-results "$R" -- -g quick
	check "virtiofs: ./check's exit status 3 is run9p's" [ "$RC" = 3 ]
	c_virtiofs_check_read_fstyp_virtiofs() { grep -qx FSTYP=virtiofs "$R/results/config" && grep -qx TEST_DEV=fstest "$R/results/config" && grep -qx SCRATCH_DEV=fscratch "$R/results/config"; }
	check "virtiofs: ./check read FSTYP=virtiofs, the two tags" c_virtiofs_check_read_fstyp_virtiofs
	c_virtiofs_test_scratch_mounted_virtiofs() { grep -q " /mnt/fstests/test .* - virtiofs fstest " "$R/results/mountinfo" &&
		grep -q " /mnt/fstests/scratch .* - virtiofs fscratch " "$R/results/mountinfo"; }
	check "virtiofs: TEST and SCRATCH mounted as virtiofs in the guest" c_virtiofs_test_scratch_mounted_virtiofs
	c_virtiofs_root_stays_9p_results() { grep -q " - 9p fsRoot " "$R/results/mountinfo" && grep -q " $R .* - 9p r9prw0 " "$R/results/mountinfo" &&
		grep -qx "Ran: -g quick" "$WORK/vfs.out"; }
	check "virtiofs: the root stays 9p, the results folder 9p, ./check's output on stdout" c_virtiofs_root_stays_9p_results
	c_virtiofs_file_written_test_share() { [ "$(cat "$R/test/written" 2>/dev/null)" = "from the guest" ]; }
	check "virtiofs: a file written on the TEST share is in the host's test/" c_virtiofs_file_written_test_share
fi

t_done fstests
