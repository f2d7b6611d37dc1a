#!/bin/bash
# SPDX-License-Identifier: MIT
# semantics/run.sh - run semprobe in real guests, one boot per
# configuration and kernel (semantics/lib.sh's table), each on a fresh
# copy of a tiny root; check its HOST lines and statfs figures on the
# host; write one results file per run into OUT (for semantics/table.sh).
# With --smoke: the defaults on Debian 12's kernel, compared with
# semantics/expected/CONFIG-KERNEL.txt, as a test.
#
#   semantics/run.sh [--smoke] [--configs "A B"] [--kernels "bookworm trixie"]
#                    [--groups G,G] [--ops N] [--out DIR] [--semprobe PATH]
#
# Ends with "semantics: N runs, N results in N s" or, with --smoke,
# "semantics-smoke: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.." || exit 2
. semantics/lib.sh
O=${O:-build}
LIBC=${LIBC:-klibc}
SEMPROBE=${SEMPROBE:-$O/$LIBC/semprobe}
SMOKE=0 CONFIGS="" KERNELS="" OUT="" SEM_GROUPS="" SEM_OPS=""
S_PASS=0 S_FAIL=0 S_SKIP=0
WORK="" JOBS=()

usage() {
	echo "usage: semantics/run.sh [--smoke] [--configs LIST] [--kernels LIST] [--groups G,G] [--ops N] [--out DIR] [--semprobe PATH]" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) SMOKE=1; shift; continue ;;
	--configs | --kernels | --groups | --ops | --out | --semprobe) [ $# -ge 2 ] || usage ;;
	*) usage ;;
	esac
	case $1 in
	--configs) CONFIGS=$2 ;;
	--kernels) KERNELS=$2 ;;
	--groups) SEM_GROUPS=$2 ;;
	--ops) SEM_OPS=$2 ;;
	--out) OUT=$2 ;;
	--semprobe) SEMPROBE=$2 ;;
	esac
	shift 2
done
if [ $SMOKE = 1 ]; then
	CONFIGS=${CONFIGS:-$SEM_SMOKE_CONFIGS} KERNELS=${KERNELS:-$SEM_SMOKE_KERNELS}
else
	CONFIGS=${CONFIGS:-$(sem_config_names | tr '\n' ' ')} KERNELS=${KERNELS:-bookworm trixie}
fi
for c in $CONFIGS; do
	sem_config "$c" || { sem_log "run configuration $c: no such configuration"
		sem_log "try: one of $(sem_config_names | tr '\n' ' ')"; exit 2; }
done
[ -z "$SEM_OPS" ] || [[ $SEM_OPS =~ ^[1-9][0-9]*$ ]] || { sem_log "use --ops $SEM_OPS: not a positive number"; exit 2; }
[ -x "$SEMPROBE" ] || { sem_log "use $SEMPROBE: not an executable file"
	sem_log "try: make $O/$LIBC/semprobe, or --semprobe PATH"; exit 2; }

# One cleanup path: the kernels' runs (each its own process group, so
# its run9p, QEMU and virtiofsd go with it) are stopped, the roots go (a
# 4 GiB sparse file, a 10,000-entry folder each); logs and results stay.
# A signal ends the run through it.
cleanup() {
	local p
	for p in "${JOBS[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done
	for p in "${JOBS[@]}"; do wait "$p" 2>/dev/null; done
	[ -z "$WORK" ] || rm -rf --one-file-system "$WORK"/root-* "$WORK/base" "$WORK/base-root" "$WORK/base-user" "$WORK/base-nobody"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The smoke's plan: every line of the expected files it compares with.
PLAN=0
if [ $SMOKE = 1 ]; then
	for k in $KERNELS; do
		for c in $CONFIGS; do
			n=$(grep -c '^[^#]' "semantics/expected/$c-$k.txt" 2>/dev/null) || n=1
			PLAN=$((PLAN + n))
		done
	done
	echo "semantics-smoke: plan $PLAN results ($CONFIGS on $KERNELS)"
fi

WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/root9p-semantics.XXXXXX") || exit 2
# QEMU, dropped to the tree's owner, opens the shares before it drops;
# the folders on the way must still let that owner through.
chmod 0711 "$WORK"
OUT=${OUT:-$WORK/results}
mkdir -p "$OUT" "$WORK/logs"
# A results folder used before: the runs of this one replace its runs
# (table.sh reads every CONFIG-KERNEL.txt it finds).
for c in $(sem_config_names); do
	for k in $KERNELS; do rm -f "$OUT/$c-$k.txt" "$OUT/$c-$k.meta"; done
done
echo "semantics: work dir $WORK, results in $OUT"
t0=$SECONDS

sem_base_root "$WORK/base" "$SEMPROBE" "$O/$LIBC/mount9p" ||
	{ sem_log "make the tiny root $WORK/base: mkroot-tiny.sh failed"; exit 1; }
sem_bases "$WORK/base" >"$WORK/logs/convert.log" 2>&1 ||
	{ sem_log "convert the tiny root $WORK/base-user for mapped-xattr: $O/mkroot9p-convert failed (see $WORK/logs/convert.log)"; exit 1; }

# versions: what the table's header says.
{
	echo "date $(date -u +%Y-%m-%d)"
	echo "host $(uname -sr)"
	echo "qemu $(qemu-system-x86_64 --version | head -n 1)"
	echo "virtiofsd $(/usr/lib/qemu/virtiofsd --version 2>&1 | head -n 1)"
	echo "semprobe $(sha256sum <"$SEMPROBE" | cut -c1-12)"
	echo "load load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
} >"$OUT/versions"

# run_one CONFIG KNAME: one boot, its results in OUT/CONFIG-KNAME.txt.
run_one() {
	local cfg=$1 k=$2 root=$WORK/root-$1-$2 log=$WORK/logs/$1-$2.log rc=0 t lines res skipwhy=""
	res=$OUT/$cfg-$k.txt
	lines=$WORK/logs/$cfg-$k.lines
	sem_config "$cfg"
	if ! sem_fresh_root "$WORK/base" "$root" "$C_OWNER"; then
		echo "run.boot FAIL differs: cannot copy the root to $root" >"$res"
		return
	fi
	t=$SECONDS
	echo "boot $cfg on $k ($KVER)"
	sem_boot "$cfg" "$k" "$root" "$log" || rc=$?
	sem_lines "$log" >"$lines"
	# A guest that ended before semprobe printed anything (a kernel that
	# panicked early on a loaded host) is booted once more, on a fresh root.
	if ! grep -q '^SEM ' "$lines"; then
		echo "  no result from semprobe (run9p exit $rc): once more (first log: $log.1)"
		mv "$log" "$log.1"
		sem_fresh_root "$WORK/base" "$root" "$C_OWNER" && { rc=0; sem_boot "$cfg" "$k" "$root" "$log" || rc=$?; }
		sem_lines "$log" >"$lines"
	fi
	sem_parse "$lines" "$res"
	# semprobe's exit code: the init9p path's init says it ("SEMRUN rc"),
	# the loop makes it run9p's.
	if [ $rc = 0 ] && { [ "$C_PATH" = loop ] || grep -q '^SEMRUN rc 0' "$lines"; }; then
		echo "run.boot PASS $((SECONDS - t)) s" >>"$res"
	else
		echo "run.boot FAIL differs: run9p exit $rc after $((SECONDS - t)) s$(grep -q '^SEMRUN rc 0' "$lines" || echo ", semprobe's exit: $(sed -n 's/^SEMRUN rc //p' "$lines" | head -n 1)") (log $log)" >>"$res"
	fi
	[ "$C_ARGS" != root9p.overlay=tmpfs ] || skipwhy="overlay root: the guest's files are in its tmpfs upper, not on the host"
	sem_host_checks "$lines" "$root/$SEM_DIR" "$C_MODEL" "$skipwhy" >>"$res"
	if [ -n "$skipwhy" ]; then
		echo "statfs.values.host SKIP overlay root: statfs is its tmpfs upper's" >>"$res"
	else
		sem_statfs_check "$lines" "$root" >>"$res"
	fi
	sem_unique "$res"
	{
		echo "kernel $KVER"
		echo "mount $(sed -n 's/^SEMRUN mount //p' "$lines" | tail -n 1)"
		echo "seconds $((SECONDS - t))"
	} >"$OUT/$cfg-$k.meta"
	echo "  $(grep -c ' PASS' "$res") PASS, $(grep -c ' FAIL' "$res") FAIL, $(grep -c ' SKIP' "$res") SKIP in $((SECONDS - t)) s"
	rm -rf --one-file-system "$root"
}

# run_kernel KNAME: every configuration on one kernel; 1 when the kernel
# or its initrds could not be had.
run_kernel() {
	local k=$1 env_text cfg
	if ! env_text=$(scripts/fetch-kernel.sh --env "$k"); then
		sem_log "fetch kernel $k: scripts/fetch-kernel.sh --env $k failed"
		return 1
	fi
	eval "$env_text"
	echo "guest $k $KVER" >>"$OUT/versions"
	IMG_9P=$WORK/$k-9p.img IMG_VFS=$WORK/$k-vfs.img IMG_NET=$WORK/$k-net.img
	# IMG_NET: diod's root comes over TCP (virtio_net, 9pnet_fd).
	if ! "$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/$LIBC/init9p" --overlay -o "$IMG_9P" 2>"$WORK/logs/$k-9p.mk" ||
		! "$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/$LIBC/init9p" --fstype=virtiofs -o "$IMG_VFS" 2>"$WORK/logs/$k-vfs.mk" ||
		! "$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/$LIBC/init9p" --modules=virtio_net,9pnet_fd -o "$IMG_NET" 2>"$WORK/logs/$k-net.mk"; then
		sem_log "build $k's initrds: mkinitrd9p failed (see $WORK/logs/$k-*.mk)"
		return 1
	fi
	for cfg in $CONFIGS; do
		run_one "$cfg" "$k"
	done
}

# The smoke runs its kernels one after the other. The full run takes
# the kernels side by side (SEM_JOBS at a time, default 2): on a shared,
# loaded machine two QEMUs get twice the share of the CPUs that one gets,
# and a run's results do not depend on its speed (each group of semprobe
# has its own time budget). Each kernel's lines go to logs/KNAME.out.
if [ $SMOKE = 1 ] || [ "${SEM_JOBS:-2}" = 1 ]; then
	for k in $KERNELS; do
		run_kernel "$k" || S_FAIL=$((S_FAIL + 1))
	done
else
	set -m
	for k in $KERNELS; do
		run_kernel "$k" >"$WORK/logs/$k.out" 2>&1 &
		JOBS+=($!)
		echo "semantics: $k in the background (pid $!), its lines in $WORK/logs/$k.out"
		while [ "$(jobs -rp | wc -l)" -ge "${SEM_JOBS:-2}" ]; do wait -n; done
	done
	for p in "${JOBS[@]}"; do wait "$p" || S_FAIL=$((S_FAIL + 1)); done
	JOBS=()
	set +m
	cat "$WORK"/logs/*.out
fi

if [ $SMOKE = 0 ]; then
	echo "seconds $((SECONDS - t0))" >>"$OUT/versions"
	echo "jobs ${SEM_JOBS:-2} kernels side by side" >>"$OUT/versions"
	echo "semantics: $(find "$OUT" -name '*.txt' | wc -l) runs, $(find "$OUT" -name '*.txt' -exec cat {} + | wc -l) results in $((SECONDS - t0)) s"
	[ $S_FAIL = 0 ]
	exit
fi

# The smoke: every run against its expected file (its plan).
for k in $KERNELS; do
	for cfg in $CONFIGS; do
		exp=semantics/expected/$cfg-$k.txt
		if [ ! -f "$exp" ]; then
			S_FAIL=$((S_FAIL + 1))
			echo "  FAIL $cfg-$k: no expected file $exp"
			echo "  try: make semantics (it writes semantics/expected/ from a full run)"
			continue
		fi
		if [ ! -f "$OUT/$cfg-$k.txt" ]; then
			S_FAIL=$((S_FAIL + $(grep -c '^[^#]' "$exp")))
			echo "  FAIL $cfg-$k: no results (the kernel or its initrd failed)"
			continue
		fi
		sem_compare "$exp" "$OUT/$cfg-$k.txt" "$cfg-$k"
	done
done
ran=$((S_PASS + S_FAIL + S_SKIP))
[ "$ran" -ge "$PLAN" ] || { S_FAIL=$((S_FAIL + PLAN - ran)); echo "  FAIL the plan: $PLAN results, $ran compared"; }
echo "semantics-smoke: logs in $WORK/logs, $((SECONDS - t0)) s"
echo "semantics-smoke: $S_PASS passed, $S_FAIL failed, $S_SKIP skipped"
[ $S_FAIL = 0 ]
