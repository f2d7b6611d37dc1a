#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/host/run9p-fstests.sh - run9p --fstests without a guest (#26):
# every refusal before QEMU starts (no tree, no ./check, an unbuilt tree,
# options the shares cannot take, virtiofs, the results folder inside the
# tree, TEST = SCRATCH, root without --passthrough-as-root ...), each with
# its message and exit 2, and what a run hands the guest: QEMU is a
# stand-in (QEMU=) that records its argv and writes the status line a
# test chose, so the shares, local.config, the guest's script, the root's
# own options and ./check's exit status passed through are checked.
#
# Ends with "run9p-fstests: N passed, N failed, N skipped"; fewer results
# than its plan is a failure.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/boot/lib.sh
t_plan 40
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
EOF
cat >"$W/bin/mkinitrd9p" <<'EOF'
#!/bin/bash
while [ $# -gt 0 ]; do [ "$1" = -o ] && : >"$2"; shift; done
EOF
chmod +x "$W/bin/"*
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
# refused NAME TEXT ARGS...: exit 2, TEXT in the message, QEMU not started.
refused() {
	local name=$1 text=$2
	shift 2
	run "$name" "$@"
	check "$name: exit 2, QEMU not started" eval '[ "$RC" = 2 ] && [ ! -e "$STUB/argv" ]'
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
refused trans-tcp "reachable over trans=virtio only" "${LOOP[@]}" --fstests "$FT" \
	--fstests-results "$W/r" -o trans=tcp,port=564
refused no-trans "no trans=, and the kernel's 9p default (tcp) cannot reach a mount tag" \
	"${LOOP[@]}" --fstests "$FT" --fstests-results "$W/r" -o cache=loose
refused opt-quote "only letters, digits and = , . _ : - may appear" "${LOOP[@]}" \
	--fstests "$FT" --fstests-results "$W/r" -o 'trans=virtio,cache=loose"x'
refused virtiofs "run9p serves only its root over virtiofs" "${LOOP[@]}" --fs virtiofs \
	--fstests "$FT" --fstests-results "$W/r"
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
check "the results folder holds local.config, run-check.sh, test, scratch, results" \
	eval '[ -f "$W/res/local.config" ] && [ -f "$W/res/run-check.sh" ] && [ -d "$W/res/test" ] && [ -d "$W/res/scratch" ] && [ -d "$W/res/results" ]'
check "local.config: FSTYP=9p, the tags, the mount points" eval 'grep -qx "export FSTYP=9p" "$W/res/local.config" &&
	grep -qx "export TEST_DEV=fstest" "$W/res/local.config" && grep -qx "export SCRATCH_DEV=fscratch" "$W/res/local.config" &&
	grep -qx "export TEST_DIR=/mnt/fstests/test" "$W/res/local.config" && grep -qx "export SCRATCH_MNT=/mnt/fstests/scratch" "$W/res/local.config"'
check "local.config: PLAN9_MOUNT_OPTIONS from -o" \
	grep -qx 'export PLAN9_MOUNT_OPTIONS="-o trans=virtio,version=9p2000.L,cache=loose"' "$W/res/local.config"
check "local.config: RESULT_BASE in the results folder" grep -qx "export RESULT_BASE=$W/res/results" "$W/res/local.config"
check "run-check.sh: ./check with the arguments after --, quoted" \
	grep -qxF "HOST_OPTIONS=$W/res/local.config exec ./check -g quick -x dangerous\\ stress" "$W/res/run-check.sh"
check "run-check.sh: it runs in the tree" grep -qxF "cd $FT || exit 2" "$W/res/run-check.sh"
check "QEMU: the TEST share, tag fstest" grep -qF "mount_tag=fstest" "$STUB/argv"
check "QEMU: the SCRATCH share, tag fscratch" grep -qF "mount_tag=fscratch" "$STUB/argv"
check "QEMU: the host's / read-only, the results folder read-write" \
	eval 'grep -q "^local,.*path=/,readonly=on$" "$STUB/argv" && grep -q "^local,.*id=fsdev-r9prw0,path=$W/res$" "$STUB/argv"'
check "the root keeps its own options (cache=mmap), the guest runs run-check.sh" \
	eval 'grep -q "rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=mmap " "$STUB/argv" &&
		grep -q "root9p.overlay=tmpfs" "$STUB/argv" && grep -q "root9p.mount=r9prw0:$W/res" "$STUB/argv" &&
		grep -q "root9p.run=" "$STUB/argv"'
export STUB_STATUS='exit 0 500\n'
run default "${LOOP[@]}" --fstests "$FT" --fstests-results "$W/res2"
check "no -o: the shares get the root's default options" \
	grep -qx 'export PLAN9_MOUNT_OPTIONS="-o trans=virtio,version=9p2000.L,msize=512000,cache=mmap"' "$W/res2/local.config"
check "no arguments: ./check alone, exit 0" eval '[ "$RC" = 0 ] && grep -qxF "HOST_OPTIONS=$W/res2/local.config exec ./check" "$W/res2/run-check.sh"'

t_done run9p-fstests
