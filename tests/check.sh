#!/bin/bash
# tests/check.sh - everything `make check` runs, in order, with one
# closing line that adds up the suites' own "N passed, N failed" lines
# (", N skipped" after them is optional and added up too).
#
# Suites: unit tests, the parser fuzz run (beside the others), mkinitrd9p
# on real kernels, boot tests with init9p built against each libc of
# R9P_LIBCS (default klibc musl glibc), arm64 guests, overlay roots, the
# kernel developer's loop (run9p --kernel ... -- CMD, with a kernel built
# from linux-source), libvirt, parallel module loading, the Debian packages
# in Debian 12/13 guests, root9p on a Debian 13 host (a cached trixie
# tree with QEMU 10, its libvirtd, mkinitramfs and dracut); shellcheck,
# the bats tests of run9p's functions, run9p's host-side suites
# (tests/host, no boot); mkroot9p's Debian roots, the dracut and
# initramfs-tools integrations, the behaviour matrix (the same command
# lines through all four boot paths), scratch disks, virtiofs roots, the
# semantics smoke (semantics/), make install/uninstall, a smoke run of the
# benchmarks; for kernel developers (#26) the loop's kconfig fragment, diod
# as a second 9p server over TCP, and run9p --fstests on a stand-in tree. The boot suites run in
# two lanes (lane_a, lane_b below). A suite that ends without its closing
# line counts as one failure.
set -u
cd "$(dirname "$0")/.." || exit 2
O=${O:-build}
LIBCS=${R9P_LIBCS:-klibc musl glibc}
MAKE=${MAKE:-make}
# run, add, build, fuzz_result, summarize
# shellcheck source=tests/lib/suites.sh
. tests/lib/suites.sh

# mkinitrd_tests KERNEL: mkinitrd9p on a real tree; the 6.1 run also
# checks the refusal of Debian's cloud kernel (no 9p at all).
mkinitrd_tests() {
	local env_k env_c=
	env_k=$(scripts/fetch-kernel.sh --env "$1") ||
		{ fail "fetch the $1 kernel (scripts/fetch-kernel.sh --env $1)"; t_done mkinitrd; return 1; }
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

# bench_smoke: `bench/run.sh --smoke` (one build and one boot per image,
# small I/O) ran to its end and printed its tables. One check: the harness
# works; no figure is judged.
bench_smoke() {
	local dir rc=0 missing=""
	dir=$(mktemp -d "${TMPDIR:-/var/tmp}/root9p-bench.XXXXXX")
	bench/run.sh --smoke -o "$dir" || rc=$?
	for t in "image KiB  cpio KiB" "initramfs phase, ms" "timeline, median guest time" "bench (smoke) done" \
		"host to exit ms" "init9p part" "== bookworm (" "compress   build ms" "multi-user.target, guest s"; do
		grep -q "$t" "$dir/report.txt" 2>/dev/null || missing="$missing '$t'"
	done
	[ -s "$dir/timeline.svg" ] || missing="$missing timeline.svg"
	[ -s "$dir/io.csv" ] || missing="$missing io.csv"
	t_plan 1
	if [ "$rc" = 0 ] && [ -z "$missing" ]; then
		pass "bench --smoke: every table and file (results in $dir)"
	else
		fail "bench --smoke: exit $rc; missing:${missing:- nothing}; results in $dir"
	fi
	# the images and logs are big: keep them only when something is amiss
	[ "$rc" != 0 ] || [ -n "$missing" ] || rm -rf "$dir/images" "$dir/boot-logs" "$dir/io-logs"
	t_done bench
}

run build build
run unit "$MAKE" -s unit
# Every libc's guest programs before the lanes start, so that no two
# suites run make on the same targets at once.
for libc in $LIBCS; do
	[ "$libc" = klibc ] || run "build-$libc" build "$libc"
done
# The fuzzer takes one core for minutes: it runs beside the boot tests
# and is collected at the end.
fuzz_log=$(mktemp)
# Every target, one after the other, FUZZ_CHECK_RUNS (100000) runs each:
# the smoke the issue asks of make check; `make fuzz` does >= 1M each.
# A full 1M does not fit reliably: listimg's speed depends on what the
# fuzzer finds (1100 execs/s in one run, 190 in another, under load).
# The time bound (per target) only guards a hang.
(echo "FUZZ-TARGETS $("$MAKE" -s --no-print-directory fuzz-list)"
 "$MAKE" -s -k fuzz-smoke FUZZ_SMOKE_RUNS="${FUZZ_CHECK_RUNS:-100000}" \
	FUZZ_SMOKE_TIME="${FUZZ_TIME:-1500}") >"$fuzz_log" 2>&1 &
fuzz_pid=$!

# Two lanes of boot suites: a TCG guest keeps one core busy, and the
# machine has two (the fuzzer shares them for its first minutes). Lane A
# prints as it goes; lane B's output is kept and printed after it. The
# suites share only read-only build outputs and the cache, whose writers
# (fetch-kernel.sh, mkroot9p's tarballs) take a lock. The split keeps the
# lanes about even by the suites' wall times in the last full run (the
# summary gives each suite's wall and CPU seconds): packages, the longest
# suite (28 minutes), is built once and boots in both lanes. That run
# (quiet machine, warm cache): lane A 3080 s, lane B 3338 s before the
# semantics suites (148 s) moved to A; CPU seconds summed over the
# suites ~5900 plus the fuzzer's ~500: the two cores were busy
# throughout, so a third lane would not shorten it.
# The packages (tests/boot/packages.sh --debs) are built into PKG_DEBS at
# the start of lane A; lane B waits for the build's end (the .ended file)
# before its part; a failed build fails each part too, by name.
PKG_DEBS=$(mktemp -d /var/tmp/r9p-debs.XXXXXX) || exit 2
packages() { "$MAKE" -s check-packages PKG_DEBS="$PKG_DEBS" PKG_ONLY="$*"; }
# wait_debs: until lane A's package build ended (at most 30 minutes).
wait_debs() {
	local n=0
	until [ -e "$PKG_DEBS/.ended" ] || [ $n -ge 1800 ]; do sleep 5; n=$((n + 5)); done
}
lane_a() {
	run packages-build packages build
	: >"$PKG_DEBS/.ended"
	run mkinitrd-6.1 mkinitrd_tests bookworm
	run mkinitrd-6.12 mkinitrd_tests trixie
	for libc in $LIBCS; do
		run "boot-$libc" tests/boot/run.sh --libc "$libc"
	done
	run arm64 tests/boot/arm64.sh
	run loop tests/boot/loop.sh
	# the loop's kernel fragment: run9p --kconfig, then its kernel booted
	# with no module and with no initrd (a copy of the loop's tree, #26)
	run kconfig tests/boot/kconfig.sh
	# a second 9p server: diod over TCP, an extra share and a root (#26)
	run diod tests/boot/diod.sh
	# virtiofs roots (QEMU 7.2's C virtiofsd; lane A for the lanes' balance)
	run virtiofs tests/boot/virtiofs.sh
	# Debian 12's guests: initramfs-tools (3 boots) and dracut (1)
	run packages-deb12 packages bookworm dracut
	# what a guest can rely on (#24): the defaults on 6.1 against
	# semantics/expected/
	run semantics semantics/run.sh --smoke
	# fsync'ed data survives QEMU's SIGKILL (3 trials, cache=mmap, 6.1)
	run durability semantics/durability.sh --smoke
	# sqlite3 (WAL and rollback), git, dpkg, apt, tar and journald on a
	# Debian 12 root, cache=mmap, against semantics/expected-programs/
	run programs semantics/programs.sh --smoke
}
lane_b() {
	# the no-boot suites of `make quick` first: shellcheck, then run9p's
	# host-side suites (stand-in QEMU, no guest)
	run lint tests/lint.sh
	# run9p's functions and refusals, one bats test each (#25)
	run bats tests/bats/run.sh
	run_host_suites || exit 2
	run mkroot9p tests/boot/mkroot9p.sh
	run dracut tests/boot/dracut.sh
	run initramfs-tools tests/boot/initramfs-tools.sh
	run matrix tests/boot/matrix.sh
	run scratch tests/boot/scratch.sh
	run overlay tests/boot/overlay.sh
	run libvirt tests/boot/libvirt.sh
	run modload tests/boot/modload.sh
	# Debian 13 as the host (#27): QEMU 10, the Rust virtiofsd, in a
	# cached trixie tree (scripts/host-env.sh)
	run host-trixie tests/boot/host-trixie.sh
	# trixie's libvirtd booting run9p's virtiofs domain, trixie's own
	# mkinitramfs and dracut images booted (after host-trixie: both build
	# in build/trixie)
	run host-trixie-distro tests/boot/host-trixie-distro.sh
	# run9p --fstests against a stand-in fstests tree (#26; the real
	# suite is make fstests)
	run fstests tests/boot/fstests.sh
	# what a guest can rely on (#24): the runner's functions on the host
	# (the guests' semantics suites are in lane A, for the balance)
	run semantics-lib semantics/lib-test.sh
	run install "$MAKE" -s check-install
	# Debian 13's guest (initramfs-tools 0.148, merged /usr, .ko.xz)
	wait_debs
	run packages-deb13 packages trixie
	run bench bench_smoke
}
if [ "${R9P_LANES:-2}" = 1 ]; then
	lane_a
	lane_b
else
	lane_b_log=$(mktemp) lane_b_results=$(mktemp)
	(RESULTS=$lane_b_results lane_b) >"$lane_b_log" 2>&1 &
	lane_b_pid=$!
	lane_a
	echo "=== (lane B: waiting for its suites; its output follows)"
	wait "$lane_b_pid"
	cat "$lane_b_log"
	while read -r n p f sk secs cpu; do
		add "$n" "$p" "$f" "$sk" "$secs" "$cpu"
	done <"$lane_b_results"
	# a lane that died before its last suite leaves fewer lines: the
	# summary shows which suites are missing, and it counts as a failure
	[ -s "$lane_b_results" ] || add lane-b 0 1 0 0
	rm -f "$lane_b_log" "$lane_b_results"
fi

wait "$fuzz_pid"
run fuzz fuzz_result "$fuzz_log"
rm -f "$fuzz_log"
rm -rf --one-file-system "$PKG_DEBS"

summarize check
