#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/quick.sh - everything `make quick` runs, no QEMU boot: the build,
# the unit tests, shellcheck (tests/lint.sh), a short run of every fuzz
# target (FUZZ_QUICK_RUNS inputs each, default 3000), the bats tests of
# run9p's functions (tests/bats/run.sh) and every host-side suite in
# tests/host/. Each suite prints its own closing line; this adds
# them up into one, "quick: N passed, N failed, N skipped". `make check`
# (tests/check.sh) runs all of it and the boot suites.
set -u
cd "$(dirname "$0")/.." || exit 2
O=${O:-build}
MAKE=${MAKE:-make}
# run, add, build, fuzz_result, summarize
# shellcheck source=tests/lib/suites.sh
. tests/lib/suites.sh

run build build
run unit "$MAKE" -s unit
# The fuzzers build and run beside the shell suites: a core each. The
# time bound (per target) only guards a hang: decompress's grown corpus
# (build/fuzz/corpus_decompress) ran at 7 inputs/s beside eight builds and
# did 968 of 3000 in 120 s, a failure that said nothing of the code.
fuzz_log=$(mktemp)
(echo "FUZZ-TARGETS $("$MAKE" -s --no-print-directory fuzz-list)"
 "$MAKE" -s -k fuzz-smoke FUZZ_SMOKE_RUNS="${FUZZ_QUICK_RUNS:-3000}" \
	FUZZ_SMOKE_TIME="${FUZZ_QUICK_TIME:-600}") >"$fuzz_log" 2>&1 &
fuzz_pid=$!
run lint tests/lint.sh
run bats tests/bats/run.sh
run_host_suites || exit 2
wait "$fuzz_pid"
run fuzz fuzz_result "$fuzz_log"
rm -f "$fuzz_log"
summarize quick
