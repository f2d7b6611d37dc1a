#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/loop.sh - the kernel developer's loop, side by side under QEMU TCG:
# time to run one command in a fresh guest on the host's own files.
#
#   bench/loop.sh [-n RUNS] [--timeout S] [--csv FILE] [--logs DIR]
#                 [--host-runs N] [--base-run9p FILE] [--host-only] [--host-rt]
#                 [--host-exec]
#
# Systems, interleaved, RUNS times each (default 5):
#   root9p      run9p --kernel K --modules M --host-root -- echo go
#   busybox     a hand-written busybox initrd (bench/busybox-initrd.sh)
#               switching to the host's / (read-only 9p) with
#               init=/bin/busybox sh -c "echo go; reboot -f"
#   fakemachine fakemachine -b qemu -- echo go (Debian's package; it boots
#               the host's kernel, /boot/vmlinuz-$(uname -r); a host with
#               no kernel of its own lends it Debian 12's through
#               bench/fakemachine-ns.sh)
#   virtme-ng   $VIRTME_NG/vng --run K --disable-kvm -- echo go, when
#               VIRTME_NG=DIR (a virtme-ng checkout) is set
# Per run: host wall time to the first "go" on the output and to exit;
# guest time (CLOCK_MONOTONIC of the guest) to the command's start and to
# its end where the system says it (root9p's status port; the kernel's
# timestamp of the console line for busybox; for fakemachine and
# virtme-ng, CMD prints the guest's /proc/uptime beside "go"). Prints median/min/max and
# ratios to root9p. Performance only: nothing here passes or fails.
#
# "run9p host ms": run9p's own time before QEMU starts (#28; goal <= 100
# ms), the root9p command with --dry-run, warm (one untimed run first),
# median of --host-runs N (default 7). --base-run9p FILE times another
# run9p (say main's, copied with its run9p-loop) interleaved with this
# one, as a line of its own under the table; --host-only times that
# and boots nothing. --host-rt runs the timed dry runs under chrt -f 10
# (root): on a host loaded by others, what a quiet host would see.
# --host-exec times a real run instead, to the moment QEMU starts: run9p
# runs the root9p command for real with QEMU= a stamp program (compiled
# here with cc) that notes the time of its exec and exits (it hands
# run9p's -help and -version probes to the real QEMU). A dry run does
# not go the same way: it skips the run folder (mktemp) and the fork
# that starts QEMU, and counts the folder's rm -rf, which a real run
# does after QEMU.
set -eu
cd "$(dirname "$0")/.."
prog=bench/loop
. bench/lib.sh
O=${O:-build}
RUN9P=${RUN9P:-scripts/run9p}

runs=5 timeout=300 csv="" logs="" host_runs=7 base_run9p="" host_only=0 host_rt=() host_exec=0
while [ $# -gt 0 ]; do
	case $1 in
	-n) runs=${2:?-n needs a number}; shift ;;
	--host-runs) host_runs=${2:?--host-runs needs a number}; shift ;;
	--base-run9p) base_run9p=${2:?--base-run9p needs a file}; shift ;;
	--host-only) host_only=1 ;;
	--host-rt) host_rt=(chrt -f 10) ;;
	--host-exec) host_exec=1 ;;
	--timeout) timeout=${2:?--timeout needs seconds}; shift ;;
	--csv) csv=${2:?--csv needs a file}; shift ;;
	--logs) logs=${2:?--logs needs a folder}; shift ;;
	*) echo "usage: bench/loop.sh [-n RUNS] [--timeout S] [--csv FILE] [--logs DIR] [--host-runs N] [--base-run9p FILE] [--host-only] [--host-rt] [--host-exec]" >&2; exit 2 ;;
	esac
	shift
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench/loop: -n '$runs' is not a positive number" >&2; exit 2; }
[[ $host_runs =~ ^[1-9][0-9]*$ ]] || { echo "bench/loop: --host-runs '$host_runs' is not a positive number" >&2; exit 2; }
if [ ${#host_rt[@]} != 0 ] && ! chrt -f 10 true 2>/dev/null; then
	echo "bench/loop: time run9p under chrt -f 10: not allowed here (SCHED_FIFO needs root or CAP_SYS_NICE)" >&2
	echo "bench/loop: try: run as root, or drop --host-rt" >&2
	exit 2
fi
if [ -n "$base_run9p" ] && [ ! -x "$base_run9p" ]; then
	echo "bench/loop: time the baseline $base_run9p: it is not an executable file" >&2
	echo "bench/loop: try: cp /work/main/scripts/run9p /work/main/scripts/run9p-loop /tmp/base/; --base-run9p /tmp/base/run9p" >&2
	exit 2
fi
[ -n "$logs" ] || logs=$(mktemp -d /tmp/loop-bench.XXXXXX)
mkdir -p "$logs"

make -s "$O/mkinitrd9p" "$O/klibc/payload9p" >/dev/null
eval "$(scripts/fetch-kernel.sh --env bookworm)"
bbimg=$logs/busybox.img
bench/busybox-initrd.sh "$KVER" "$KERNEL_BASE" "$bbimg" >/dev/null 2>&1 || bbimg=""

# The systems: name, and whether it can run here (else why not).
systems=(root9p)
declare -A why_not=()
if [ -n "$bbimg" ]; then systems+=(busybox); else why_not[busybox]="bench/busybox-initrd.sh failed"; fi
if ! command -v fakemachine >/dev/null; then
	why_not[fakemachine]="not installed (apt-get install fakemachine)"
elif [ -e "/boot/vmlinuz-$(uname -r)" ]; then
	systems+=(fakemachine) fm=(fakemachine)
elif [ -d /lib/modules/"$(uname -r)" ]; then
	why_not[fakemachine]="/lib/modules/$(uname -r) exists but /boot/vmlinuz-$(uname -r) does not"
else
	# No kernel of the host's own (a container or a VM): lend it
	# Debian 12's, in a private mount namespace.
	systems+=(fakemachine) fm=(bench/fakemachine-ns.sh "$KERNEL_BASE" "$KVER")
fi
# vng is Python (argcomplete, requests: Debian's python3-argcomplete and
# python3-requests); VNG_PYTHON picks the interpreter that has them.
VNG_PYTHON=${VNG_PYTHON:-python3}
[ -z "${VIRTME_NG:-}" ] || "$VNG_PYTHON" -c 'import argcomplete, requests' 2>/dev/null ||
	{ [ -x /usr/bin/python3 ] && VNG_PYTHON=/usr/bin/python3; }
if [ -n "${VIRTME_NG:-}" ] && [ -f "$VIRTME_NG/vng" ]; then
	systems+=(virtme-ng)
else
	why_not[virtme-ng]="VIRTME_NG=DIR (a virtme-ng checkout) not set"
fi

# The systems that report no guest time of their own run this instead of
# "echo go": the guest's uptime when the command starts (a builtin read,
# no extra process).
uptime_go='read u _ </proc/uptime; echo go $u'
guest_go() { sed -n 's/.*go \([0-9]*\)\.\([0-9]*\).*/\1\20/p' "$1" | head -n 1 | sed 's/^0*\([0-9]\)/\1/'; }

# shellcheck disable=SC2034 # G_START, G_END, P_START: bench_interleave reads them
run_one() {
	local sys=$1 run=$2
	local st=$logs/$sys.$run.status
	G_START=- G_END=-
	case $sys in
	root9p)
		bench_timed "$sys" "$run" "$RUN9P" --accel tcg --timeout "$timeout" -k "$KERNEL_IMAGE" \
			--modules "$MODDIR" --host-root --status "$st" -- echo go
		G_START=$(sed -n 's/^start //p' "$st" 2>/dev/null | head -n 1)
		G_END=$(sed -n 's/^exit [0-9]* //p' "$st" 2>/dev/null | head -n 1)
		;;
	busybox)
		bench_timed "$sys" "$run" "$RUN9P" --accel tcg --timeout "$timeout" --passthrough-as-root \
			--allow-host-root -k "$KERNEL_IMAGE" -i "$bbimg" -r / --ro \
			-a 'panic=-1 init=/bin/busybox -- sh -c "echo go; /bin/busybox reboot -f"'
		# The kernel's timestamp of "Run /init" is near 0; of "go" none
		# (a plain write): the guest's time is its last kernel line.
		G_END=$(grep -o '^\[ *[0-9.]*\]' "$logs/$sys.$run.out" | tail -n 1 | tr -d '[] ' |
			awk '{ printf "%d", $1 * 1000 }')
		;;
	fakemachine)
		bench_timed "$sys" "$run" timeout "$timeout" "${fm[@]}" -b qemu -q -- sh -c "$uptime_go"
		G_START=$(guest_go "$logs/$sys.$run.out") ;;
	virtme-ng)
		bench_timed "$sys" "$run" timeout "$timeout" "$VNG_PYTHON" "$VIRTME_NG/vng" --run "$KERNEL_IMAGE" --disable-kvm \
			-- sh -c "$uptime_go"
		G_START=$(guest_go "$logs/$sys.$run.out") ;;
	esac
}

# stats "v v v": median min max of the numbers ('-' left out).
stats() {
	tr ' ' '\n' <<<"$1" | grep -E '^[0-9]+$' | sort -n |
		awk '{ v[NR] = $1 } END { if (!NR) { print "- - -"; exit }
			m = NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)
			print m, v[1], v[NR] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9]+$/ && b ~ /^[0-9]+$/ && b > 0) printf "%.2f", a / b; else print "-" }'; }

# run9p's own host time: the root9p command as a dry run, warm. With
# --base-run9p, the baseline interleaved with it; its own mkinitrd9p and
# payload9p are this tree's (a copy of run9p has no build/ beside it).
host_ms=() base_ms=()
host_dry() {
	# The clock is read around run9p by a bash of its own (under chrt
	# with --host-rt), so the bench's own forks are not counted.
	MKINITRD9P=$PWD/$O/mkinitrd9p PAYLOAD9P=$PWD/$O/klibc/payload9p "${host_rt[@]}" \
		bash -c 't0=$EPOCHREALTIME; "$@" </dev/null >/dev/null || exit 1; t1=$EPOCHREALTIME
			echo $(((${t1/./} - ${t0/./}) / 1000))' host_dry \
		"$1" --accel tcg -k "$KERNEL_IMAGE" --modules "$MODDIR" --host-root \
		--dry-run -- echo go 2>>"$logs/host-dry.err"
}
# host_exec RUN9P: the ms from RUN9P's start to its QEMU's exec, a real
# run of the same command with QEMU= the stamp (see --host-exec).
stamp=$logs/qemu-stamp
host_exec() {
	local t0 t1
	rm -f "$stamp.at"
	# The guest never ran: run9p keeps its run folder (the console log
	# it names); a TMPDIR of the bench's own, emptied after each run.
	mkdir -p "$logs/tmp"
	t0=$(TMPDIR=$logs/tmp QEMU=$stamp STAMP_QEMU=$(command -v qemu-system-x86_64) STAMP_FILE=$stamp.at \
		MKINITRD9P=$PWD/$O/mkinitrd9p PAYLOAD9P=$PWD/$O/klibc/payload9p "${host_rt[@]}" \
		bash -c 't0=$EPOCHREALTIME; "$@" </dev/null >/dev/null 2>>"$0"; echo "${t0/./}"' \
		"$logs/host-exec.err" "$1" --accel tcg -k "$KERNEL_IMAGE" --modules "$MODDIR" --host-root \
		-- echo go) || true
	rm -rf "${logs:?}/tmp/"run9p.*
	# (a run9p that keeps the loop's status and console in its cache's
	# run/ folder: the pair this run kept, named in its message)
	local kept
	kept=$(grep -o '/[^ ;()]*/run/[0-9-]*\.console\.log' "$logs/host-exec.err" | tail -n 1)
	case $kept in */run/*.console.log) rm -f -- "$kept" "${kept%.console.log}.status" ;; esac
	t1=$(cat "$stamp.at" 2>/dev/null) || return 1
	echo $(((t1 - t0) / 1000))
}
if [ $host_exec = 1 ]; then
	command -v cc >/dev/null || { echo "bench/loop: build the QEMU stamp: no cc found" >&2; echo "bench/loop: try: apt-get install gcc, or drop --host-exec" >&2; exit 2; }
	# the source through a pipe: no .c file in the logs (the layering
	# test reads every .c under the tree, results/ included)
	stamp_src=$(cat <<'STAMP'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* QEMU for bench/loop.sh --host-exec: the time of its own exec (us since
 * the epoch) into $STAMP_FILE, then exit; run9p's capability probes go
 * to the real QEMU ($STAMP_QEMU). */
int main(int argc, char **argv)
{
	const char *real = getenv("STAMP_QEMU"), *out = getenv("STAMP_FILE");
	struct timespec ts;
	FILE *f;
	int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-help") || !strcmp(argv[i], "-version")) {
			if (real)
				execv(real, argv);
			return 127;
		}
	if (!out || !(f = fopen(out, "w")))
		return 1;
	fprintf(f, "%lld\n", (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
	return fclose(f) ? 1 : 0;
}
STAMP
	)
	# static: no dynamic loader's work in the moment it stamps
	printf '%s\n' "$stamp_src" | cc -O2 -static -o "$stamp" -x c - 2>"$logs/stamp.err" ||
		printf '%s\n' "$stamp_src" | cc -O2 -o "$stamp" -x c - 2>>"$logs/stamp.err" || {
		echo "bench/loop: build the QEMU stamp $stamp: cc failed (see $logs/stamp.err)" >&2
		echo "bench/loop: try: apt-get install gcc libc6-dev, or drop --host-exec" >&2
		exit 2
	}
	host_dry() { host_exec "$@"; }
fi
host_dry "$RUN9P" >/dev/null || echo "  (run9p --dry-run failed: see $logs/host-dry.err)"
[ -z "$base_run9p" ] || host_dry "$base_run9p" >/dev/null || echo "  (the baseline's --dry-run failed: see $logs/host-dry.err)"
for _ in $(seq 1 "$host_runs"); do
	host_ms+=("$(host_dry "$RUN9P" || echo -)")
	[ -z "$base_run9p" ] || base_ms+=("$(host_dry "$base_run9p" || echo -)")
done
read -r hm hl hh < <(stats "${host_ms[*]}")
host_col="$hm ($hl-$hh)"
host_line() {
	echo "run9p host ms ($([ $host_exec = 1 ] && echo "to QEMU's exec, a real run" || echo "dry run"), warm, $host_runs runs${host_rt[*]:+, under ${host_rt[*]}}; goal <= 100): $host_col, this tree's $RUN9P"
	[ -z "$base_run9p" ] || {
		read -r bm bl bh < <(stats "${base_ms[*]}")
		echo "run9p host ms, baseline $base_run9p: $bm ($bl-$bh); this/baseline $(ratio "$hm" "$bm")"
	}
}
if [ $host_only = 1 ]; then
	echo "loop bench, host time only: Linux $KVER; host load $(cut -d' ' -f1-3 /proc/loadavg)"
	host_line
	exit 0
fi

echo "loop bench: Linux $KVER, QEMU TCG, $runs runs each, interleaved; host load $(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "$csv" ] || echo "system,run,rc,host_first_ms,host_exit_ms,guest_start_ms,guest_end_ms" >"$csv"
bench_interleave "$runs" "$csv" "RC T_FIRST T_EXIT G_START G_END" "${systems[@]}"

echo
printf '%-12s %-22s %-22s %-18s %-18s %-12s %s\n' system "host to 'go' ms" "host to exit ms" "guest to CMD ms" "guest to end ms" "exit/root9p" "run9p host ms"
printf '%-12s %-22s %-22s %-18s %-18s %-12s %s\n' "" "median (min-max)" "median (min-max)" median median "" "median (min-max)"
read -r base_exit _ _ < <(stats "${B_T_EXIT[root9p]}")
for sys in "${systems[@]}"; do
	read -r fm fl fh < <(stats "${B_T_FIRST[$sys]}")
	read -r em el eh < <(stats "${B_T_EXIT[$sys]}")
	read -r gs _ _ < <(stats "${B_G_START[$sys]}")
	read -r ge _ _ < <(stats "${B_G_END[$sys]}")
	hc=-
	[ "$sys" != root9p ] || hc=$host_col
	printf '%-12s %-22s %-22s %-18s %-18s %-12s %s\n' "$sys" "$fm ($fl-$fh)" "$em ($el-$eh)" "$gs" "$ge" "$(ratio "$em" "$base_exit")" "$hc"
done
host_line
for sys in fakemachine virtme-ng busybox; do
	[ -z "${why_not[$sys]:-}" ] || echo "$sys: not run: ${why_not[$sys]}"
done
echo "(logs in $logs)"
