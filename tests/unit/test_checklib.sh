#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/unit/test_checklib.sh - tests/lib/check.sh itself: a suite that
# reports fewer results than it planned fails, at t_done and again when
# its closing line is read back (t_result); skipped checks count against
# the plan; the closing line keeps the form CI reads; t_plan_kernels
# sums a per-kernel count into the plan, or leaves the suite without one;
# tests/lib/suites.sh's run with RUN_TMPDIR fails a suite that leaves
# anything in its TMPDIR, by name, and removes the clean one's folder.
set -u
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/lib/check.sh
. tests/lib/check.sh
t_plan 19

# suite CODE: run CODE in a new shell with the library, as a suite would;
# its output in OUT, its exit status in RC.
suite() {
	OUT=$(bash -c '. tests/lib/check.sh; '"$1" 2>&1) && RC=0 || RC=$?
}

# The planted skip: plan 3, report 2.
suite 't_plan 3; pass one; pass two; t_done short'
check "plan 3, 2 reported: t_done fails the suite" [ "$RC" != 0 ]
check "plan 3, 2 reported: one failure naming the plan and the count" \
	grep -q 'FAIL short: the plan is 3 checks, but 2 reported' <<<"$OUT"
check "plan 3, 2 reported: the closing line counts it" \
	grep -qx 'short: 2 passed, 1 failed, 0 skipped' <<<"$OUT"
check "plan 3, 2 reported: the plan on its own line" \
	grep -qx 'short: plan 3, 2 reported' <<<"$OUT"
check "plan 3, 2 reported: t_result reads one failure" \
	[ "$(t_result <<<"$OUT" 2>/dev/null)" = "2 1 0" ]

# A closing line short of its plan that says no failure (a suite not
# using t_done) is a failure to the parser.
check "t_result: 2 of plan 3 with no failure is one failure" \
	[ "$(t_result <<<'x: 2 passed, 0 failed, 0 skipped (plan 3)' 2>/dev/null)" = "2 1 0" ]

suite 't_plan 3; pass one; skip two; t_skip_rest "no tool"; t_done full'
check "skips fill the plan: the suite passes" [ "$RC" = 0 ]
check "skips fill the plan: 1 passed, 2 skipped" \
	grep -qx 'full: 1 passed, 0 failed, 2 skipped' <<<"$OUT"
# CI reads the closing lines of known runners: a TAP plan ("1..N") with
# no numbered "ok N" lines reads as a run of no test, so none is printed,
# and the last line is the plain "N passed, N failed" line alone.
# plain_close LINE: no TAP plan line in OUT, and LINE is its last.
plain_close() { ! grep -q '^1\.\.' <<<"$OUT" && [ "$(tail -n 1 <<<"$OUT")" = "$1" ]; }
check "no TAP plan line, and the plain closing line last" \
	plain_close "full: 1 passed, 0 failed, 2 skipped"

suite 'pass one; t_done free'
# passed_reads COUNTS: the suite passed and t_result reads COUNTS.
passed_reads() { [ "$RC" = 0 ] && [ "$(t_result <<<"$OUT")" = "$1" ]; }
check "no plan: the old closing line, read as before" passed_reads "1 0 0"
check "t_result: a line without skipped (build, fuzz)" \
	[ "$(t_result <<<'build: 1 passed, 0 failed')" = "1 0 0" ]
# t_plan_kernels: BASE plus each kernel's count; no plan when a count is
# unknown.
counts='cnt() { case $1 in a) echo 2 ;; b) echo 3 ;; *) return 1 ;; esac; }; '
suite "$counts"'t_plan_kernels 1 cnt a b; echo "T=$T_PLAN"'
check "t_plan_kernels 1 over kernels of 2 and 3: a plan of 6" \
	grep -qx 'T=6' <<<"$OUT"
suite "$counts"'t_plan_kernels 1 cnt a zz b; echo "T=$T_PLAN"'
check "t_plan_kernels with a kernel of unknown count: no plan" \
	grep -qx 'T=' <<<"$OUT"
suite "$counts"'t_plan_kernels 0 cnt a b; pass one; t_done kern'
check "t_plan_kernels: a suite short of the summed plan fails" \
	grep -qx 'kern: plan 5, 1 reported' <<<"$OUT"

c_tidy_gone() { grep -qE '^tidy +1 passed, +0 failed' <<<"$OUT" && [ ! -e "$W/t/1" ]; }
# tests/lib/suites.sh's run of two suites in a scratch folder
# with RUN_TMPDIR set: "tidy" makes and removes a file in its TMPDIR,
# "messy" leaves one; then the summary.
W=$(mktemp -d "${TMPDIR:-/var/tmp}/checklib.XXXXXX") || exit 2
trap 'rm -rf "$W"' EXIT
OUT=$(cd "$PWD" && bash -c '
	O=$1/o LOGS=$1/logs MAKE=make
	. tests/lib/suites.sh
	tidy() { touch "$TMPDIR/x"; rm "$TMPDIR/x"; t_plan 1; pass tidy; t_done tidy; }
	messy() { touch "$TMPDIR/left-here"; t_plan 1; pass messy; t_done messy; }
	mkdir -p "$1/t"
	RUN_TMPDIR=$1/t run tidy tidy
	RUN_TMPDIR=$1/t run messy messy
	summarize all' runs "$W" 2>&1) && RC=0 || RC=$?
check "RUN_TMPDIR: a suite that leaves a file fails, its name said" \
	grep -q "FAIL messy: left in its TMPDIR ($W/t/2): left-here" <<<"$OUT"
check "RUN_TMPDIR: ... counted as a failure of that suite" \
	grep -qE '^messy +1 passed, +1 failed' <<<"$OUT"
check "RUN_TMPDIR: the clean suite passes and its folder is gone" \
	c_tidy_gone
check "RUN_TMPDIR: the messy suite's folder stays for a look" [ -e "$W/t/2/left-here" ]
check "RUN_TMPDIR: the run fails" [ "$RC" != 0 ]
t_done checklib
