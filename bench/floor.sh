#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/floor.sh - the loop's floor (#28): the same command on the same
# root (the host's /, read-only 9p) through five kernels and boots, under
# QEMU TCG, interleaved:
#   debian     Debian 12's kernel, run9p's initrd with its 9p modules
#              (run9p --kernel K --modules M --host-root -- echo go)
#   kbuild     linux-source-6.1 on tinyconfig, 9p as modules, run9p's
#              initrd with the tree's modules (scripts/build-kernel.sh)
#   fragment   the same source with kconfig/root9p-loop.config (9p and
#              virtio built in), run9p's initrd with payload9p alone
#              (scripts/build-kernel.sh --loop; run9p --initrd own)
#   noinitrd   that kernel through run9p with no initrd (--initrd none):
#              the kernel mounts the root, payload9p starts from it as
#              init= and puts the overlay and the ports up
#   floor      that kernel with no initrd at all: plain QEMU, root=fsRoot
#              rootfstype=9p, init=/bin/busybox sh -c "...echo go..."
# kbuild - fragment is the module cost, fragment - noinitrd the initrd
# itself (unpacking it, the second root step), noinitrd - floor what
# run9p's no-initrd loop costs above the bare boot (payload9p's overlay
# and ports, run9p's own start), floor the kernel's boot and the first
# exec over 9p. run9p's systems use a tmpfs overlay on top of the root,
# the floor the bare read-only root.
#
#   bench/floor.sh [-n RUNS] [--timeout S] [--csv FILE] [--logs DIR]
#
# Per run: host wall time to the first "go" and to exit; the guest's
# /proc/uptime read by the command's shell (the same point in every
# system); for run9p's, payload9p's own "start MS" status line too.
# Performance only.
set -eu
cd "$(dirname "$0")/.."
prog=bench/floor
. bench/lib.sh
O=${O:-build}
RUN9P=${RUN9P:-scripts/run9p}

runs=3 timeout=300 csv="" logs=""
while [ $# -gt 0 ]; do
	case $1 in
	-n) runs=${2:?-n needs a number}; shift ;;
	--timeout) timeout=${2:?--timeout needs seconds}; shift ;;
	--csv) csv=${2:?--csv needs a file}; shift ;;
	--logs) logs=${2:?--logs needs a folder}; shift ;;
	*) echo "usage: bench/floor.sh [-n RUNS] [--timeout S] [--csv FILE] [--logs DIR]" >&2; exit 2 ;;
	esac
	shift
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "-n '$runs' is not a positive number"
[ -n "$logs" ] || logs=$(mktemp -d /tmp/floor-bench.XXXXXX)
mkdir -p "$logs"
[ -x /bin/busybox ] || die "the floor's init is the host's /bin/busybox: apt-get install busybox-static"

make -s "$O/mkinitrd9p" "$O/klibc/payload9p" >/dev/null
eval "$(scripts/fetch-kernel.sh --env bookworm)"
KB_TREE=$(scripts/build-kernel.sh) || die "scripts/build-kernel.sh failed"
eval "$(scripts/build-kernel.sh --loop --env)" || die "scripts/build-kernel.sh --loop failed"
FR_TREE=$KBUILD_DIR FR_IMAGE=$KBUILD_BZIMAGE

# Every system runs the same command: the guest's uptime read by the
# shell that runs it (a builtin read, no extra process), beside "go".
UPTIME_GO='read u _ </proc/uptime; echo go $u'
# guest_go FILE: the uptime printed beside "go", in ms.
guest_go() {
	sed -n 's/^go \([0-9]*\)\.\([0-9]*\).*/\1 \2/p' "$1" | head -n 1 |
		awk 'NF == 2 { printf "%d", $1 * 1000 + substr($2 "00", 1, 2) * 10 }'
}

# shellcheck disable=SC2034 # G_START, G_END, P_START: bench_interleave reads them
run_one() {
	local sys=$1 run=$2 st=$logs/$1.$2.status
	G_START=- P_START=-
	case $sys in
	debian) bench_timed "$sys" "$run" "$RUN9P" --accel tcg --timeout "$timeout" -k "$KERNEL_IMAGE" \
		--modules "$MODDIR" --host-root --status "$st" -- sh -c "$UPTIME_GO" ;;
	kbuild) bench_timed "$sys" "$run" "$RUN9P" --accel tcg --timeout "$timeout" -k "$KB_TREE" \
		--host-root --status "$st" -- sh -c "$UPTIME_GO" ;;
	fragment) bench_timed "$sys" "$run" "$RUN9P" --accel tcg --timeout "$timeout" -k "$FR_TREE" \
		--initrd own --host-root --status "$st" -- sh -c "$UPTIME_GO" ;;
	noinitrd) bench_timed "$sys" "$run" "$RUN9P" --accel tcg --timeout "$timeout" -k "$FR_TREE" \
		--initrd none --host-root --status "$st" -- sh -c "$UPTIME_GO" ;;
	floor)
		bench_timed "$sys" "$run" timeout "$timeout" qemu-system-x86_64 -accel tcg -m 512M -smp 1 \
			-nodefaults -no-reboot -display none -monitor none -serial stdio -kernel "$FR_IMAGE" \
			-append "console=ttyS0 quiet no_timer_check root=fsRoot rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=mmap ro panic=-1 init=/bin/busybox -- sh -c \"/bin/busybox mount -t proc proc /proc; $UPTIME_GO; /bin/busybox reboot -f\"" \
			-fsdev local,id=r9p,path=/,security_model=passthrough,readonly=on \
			-device virtio-9p-pci,fsdev=r9p,mount_tag=fsRoot ;;
	esac
	G_START=$(guest_go "$logs/$sys.$run.out")
	[ "$sys" = floor ] || P_START=$(sed -n 's/^start //p' "$st" 2>/dev/null | head -n 1)
}

systems=(debian kbuild fragment noinitrd floor)
echo "floor bench: Debian $KVER, linux-source-6.1 ($(basename "$KB_TREE"), $(basename "$FR_TREE")), QEMU TCG, $runs runs each, interleaved; host load $(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "$csv" ] || echo "system,run,host_first_ms,host_exit_ms,guest_go_ms,payload9p_start_ms" >"$csv"
bench_interleave "$runs" "$csv" "T_FIRST T_EXIT G_START P_START" "${systems[@]}"
echo "host load after: $(cut -d' ' -f1-3 /proc/loadavg)"

# One table: medians (min-max) of the host times, median guest time, and
# each row's host time to "go" against Debian's.
{
	for sys in "${systems[@]}"; do
		printf '%s|%s|%s|%s|%s\n' "$sys" "${B_T_FIRST[$sys]}" "${B_T_EXIT[$sys]}" "${B_G_START[$sys]}" "${B_P_START[$sys]}"
	done
} | awk -F'|' "$AWK_STATS"'
function clean(list,   v, n, i, out) {
	n = split(list, v, " ")
	out = ""
	for (i = 1; i <= n; i++) if (v[i] ~ /^[0-9]+$/) out = out " " v[i]
	return out
}
function span(list,   v, n) {
	n = sorted(clean(list), v)
	return n == 0 ? "-" : sprintf("%d (%d-%d)", mid(v, n), v[1], v[n])
}
{ name[NR] = $1; f[NR] = clean($2); e[NR] = clean($3); g[NR] = clean($4); p[NR] = clean($5) }
END {
	base = median(f[1])
	printf "\n%-10s %-22s %-22s %-20s %-14s %s\n", "system", "host to go ms", "host to exit ms", "guest uptime at go", "payload9p", "go/debian"
	printf "%-10s %-22s %-22s %-20s %-14s %s\n", "", "median (min-max)", "median (min-max)", "ms median (min-max)", "start ms", "(host)"
	for (i = 1; i <= NR; i++) {
		m = median(f[i])
		printf "%-10s %-22s %-22s %-20s %-14s %s\n", name[i], span(f[i]), span(e[i]), span(g[i]), median(p[i]), ratio(m, base)
	}
	printf "\nguest ms: module cost (kbuild - fragment) %s, the initrd (fragment - noinitrd) %s, run9p no-initrd above the floor (noinitrd - floor) %s\n",
		diff(median(g[2]), median(g[3])), diff(median(g[3]), median(g[4])), diff(median(g[4]), median(g[5]))
	printf "host ms to go: run9p no-initrd above the floor (noinitrd - floor) %s, the initrd (fragment - noinitrd) %s\n",
		diff(median(f[4]), median(f[5])), diff(median(f[3]), median(f[4]))
}
function diff(a, b) { return (a == "-" || b == "-") ? "-" : a - b }'
echo "(logs in $logs)"
