#!/bin/bash
# tests/check.sh - everything `make check` runs, in order, with one
# closing line that adds up the suites' own "N passed, N failed" lines.
#
# Suites: unit tests, the parser fuzz run (beside the others), mkinitrd9p
# on real kernels, boot tests with init9p built against each libc of
# R9P_LIBCS (default klibc musl glibc), mkroot9p's Debian roots, the
# dracut and initramfs-tools integrations, a smoke run of the benchmarks.
# A suite
# that ends without its closing line counts as one failure.
set -u
cd "$(dirname "$0")/.."
O=${O:-build}
LIBCS=${R9P_LIBCS:-klibc musl glibc}
MAKE=${MAKE:-make}
total_pass=0 total_fail=0
summary=()

# run NAME COMMAND...: run a suite, echo its output, add up its closing line.
run() {
	local name=$1 start out line rc
	shift
	start=$(date +%s)
	echo "=== $name"
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	line=$(sed -n 's/.*: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1 \2/p' "$out" | tail -n 1)
	rm -f "$out"
	if [ -z "$line" ]; then
		line="0 1"
		echo "$name: ended without a closing line (exit $rc)"
	elif [ "$rc" -ne 0 ] && [ "${line#* }" = 0 ]; then
		line="${line% *} 1"
		echo "$name: exit $rc"
	fi
	total_pass=$((total_pass + ${line% *}))
	total_fail=$((total_fail + ${line#* }))
	summary+=("$(printf '%-14s %4s passed, %3s failed, %4s s' "$name" ${line% *} ${line#* } $(($(date +%s) - start)))")
}

# build [LIBC]: the programs, as one check.
build() {
	if "$MAKE" -s all ${1:+LIBC=$1}; then
		echo "build: 1 passed, 0 failed"
	else
		echo "build: 0 passed, 1 failed"
	fi
}

# mkinitrd_tests KERNEL: mkinitrd9p on a real tree; the 6.1 run also
# checks the refusal of Debian's cloud kernel (no 9p at all).
mkinitrd_tests() {
	local env_k env_c=
	env_k=$(scripts/fetch-kernel.sh --env "$1") || { echo "mkinitrd: 0 passed, 1 failed"; return 1; }
	[ "$1" = bookworm ] && { env_c=$(scripts/fetch-kernel.sh --env cloud) || env_c=; }
	(
		if [ -n "$env_c" ]; then
			eval "$env_c"
			export CLOUD_BASE=$KERNEL_BASE CLOUD_KVER=$KVER
		fi
		eval "$env_k"
		export KERNEL_BASE KVER MKINITRD9P=$O/mkinitrd9p INIT9P=$O/klibc/init9p
		tests/mkinitrd/test.sh
	)
}

# fuzz_result LOG: one check: libFuzzer ended well after >= FUZZ_RUNS runs.
fuzz_result() {
	local runs
	cat "$1"
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$1" | tail -n 1)
	if grep -q '^FUZZ-EXIT 0$' "$1" && [ "${runs:-0}" -ge "${FUZZ_RUNS:-1000000}" ]; then
		echo "fuzz: 1 passed, 0 failed (${runs} runs, no crash, leak or UB report)"
	else
		echo "fuzz: 0 passed, 1 failed (${runs:-no} runs)"
	fi
}

run build build
run unit "$MAKE" -s unit
# The fuzzer takes one core for minutes: it runs beside the boot tests
# (QEMU TCG uses the other) and is collected at the end.
fuzz_log=$(mktemp)
# The time bound only guards against a hang: 1M runs take 5-10 min here.
("$MAKE" -s fuzz FUZZ_TIME="${FUZZ_TIME:-2400}" >"$fuzz_log" 2>&1
 echo "FUZZ-EXIT $?" >>"$fuzz_log") &
fuzz_pid=$!
run mkinitrd-6.1 mkinitrd_tests bookworm
run mkinitrd-6.12 mkinitrd_tests trixie
for libc in $LIBCS; do
	[ "$libc" = klibc ] || run "build-$libc" build "$libc"
	run "boot-$libc" tests/boot/run.sh --libc "$libc"
done

# bench_smoke: `bench/run.sh --smoke` (one build and one boot per image,
# small I/O) ran to its end and printed its tables. One check: the harness
# works; no figure is judged.
bench_smoke() {
	local dir rc=0 missing=""
	dir=$(mktemp -d "${TMPDIR:-/var/tmp}/root9p-bench.XXXXXX")
	bench/run.sh --smoke -o "$dir" || rc=$?
	for t in "image KiB  cpio KiB" "initramfs phase, ms" "timeline, median guest time" "bench (smoke) done"; do
		grep -q "$t" "$dir/report.txt" 2>/dev/null || missing="$missing '$t'"
	done
	[ -s "$dir/timeline.svg" ] || missing="$missing timeline.svg"
	[ -s "$dir/io.csv" ] || missing="$missing io.csv"
	if [ "$rc" = 0 ] && [ -z "$missing" ]; then
		echo "bench: 1 passed, 0 failed (results in $dir)"
	else
		echo "bench: 0 passed, 1 failed (exit $rc; missing:${missing:- nothing}; results in $dir)"
	fi
	# the images and logs are big: keep them only when something is amiss
	[ "$rc" != 0 ] || [ -n "$missing" ] || rm -rf "$dir/images" "$dir/boot-logs" "$dir/io-logs"
}

run mkroot9p tests/boot/mkroot9p.sh
run dracut tests/boot/dracut.sh
run initramfs-tools tests/boot/initramfs-tools.sh
run bench bench_smoke

wait "$fuzz_pid"
run fuzz fuzz_result "$fuzz_log"
rm -f "$fuzz_log"

echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "check: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
