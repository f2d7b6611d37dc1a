# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# tests/lib/check.sh - the one check library of root9p's shell suites:
# count checks, hold the suite to its plan, print the closing line, and
# read closing lines back (tests/check.sh, tests/unit/run.sh).
#
# A suite sources this, says how many results it will report (t_plan N,
# computed where it loops), reports each with pass, fail, skip or check,
# and ends with t_done NAME, which prints
#     NAME: plan N, N reported
#     NAME: N passed, N failed, N skipped
# and fails the suite, one failure more, when passed + failed + skipped is
# not the plan: a check that silently stopped running is seen. The closing
# line is the plain "N passed, N failed" line alone, and the plan is never
# printed TAP-style ("1..N"): CI reads closing lines of known runners, and
# a TAP plan with no numbered "ok N" lines reads as a run of no test. A section
# that cannot run here reports its checks with t_skip N REASON (or all the
# rest with t_skip_rest REASON): skipped, never passed, never missing.
# POSIX sh: the unit and mkinitrd suites source it from sh.

T_PASS=0
T_FAIL=0
T_SKIP=0
T_PLAN=

# t_plan N: the number of results this run reports.
t_plan() {
	case $1 in
	'' | *[!0-9]*)
		echo "check: plan the suite: '$1' is not a number" >&2
		echo "check: try: t_plan N, N counted where the suite loops" >&2
		exit 2 ;;
	esac
	T_PLAN=$1
	echo "  plan $1 checks"
}

# t_plan_kernels BASE FUNC KERNEL...: the plan of a suite that runs, per
# kernel, as many checks as `FUNC KERNEL` prints, and BASE more: t_plan
# with their sum. When FUNC knows no count for one of the kernels (it
# fails: a kernel whose checks depend on its image), the suite has no
# plan and nothing is printed, as before a suite had one.
t_plan_kernels() {
	t_pk_n=$1
	t_pk_f=$2
	shift 2
	for t_pk_k in "$@"; do
		t_pk_c=$("$t_pk_f" "$t_pk_k") || return 0
		case $t_pk_c in '' | *[!0-9]*) return 0 ;; esac
		t_pk_n=$((t_pk_n + t_pk_c))
	done
	t_plan "$t_pk_n"
}

pass() { T_PASS=$((T_PASS + 1)); [ -n "${T_QUIET:-}" ] || echo "  ok   $*"; }
# fail DESCRIPTION: a failed check; a suite that boots sets LOG, and the
# console log is named beside the failure.
fail() {
	T_FAIL=$((T_FAIL + 1))
	echo "  FAIL $*"
	if [ -n "${LOG:-}" ]; then echo "       (console log: $LOG)"; fi
	return 0
}
# skip DESCRIPTION: a check that cannot run here (say why in DESCRIPTION);
# counted apart, never as passed.
skip() { T_SKIP=$((T_SKIP + 1)); echo "  skip $*"; }

# check DESCRIPTION COMMAND...: one check.
check() {
	desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# t_skip N REASON: N planned checks that cannot run here, as skipped.
t_skip() {
	T_SKIP=$((T_SKIP + $1))
	echo "  skip $1 checks: $2"
}

# t_skip_rest REASON: every planned check not reported yet, as skipped
# (a suite that stops early for a missing tool).
t_skip_rest() {
	if [ -n "$T_PLAN" ] && [ "$T_PLAN" -gt $((T_PASS + T_FAIL + T_SKIP)) ]; then
		t_skip $((T_PLAN - T_PASS - T_FAIL - T_SKIP)) "$1"
	fi
}

# t_done NAME: the closing line; 0 when nothing failed and the plan (if
# one was given) was met.
t_done() {
	t_ran=$((T_PASS + T_FAIL + T_SKIP))
	if [ -n "$T_PLAN" ] && [ "$t_ran" != "$T_PLAN" ]; then
		fail "$1: the plan is $T_PLAN checks, but $t_ran reported (a check stopped running, or the plan is out of date)"
	fi
	if [ -n "$T_PLAN" ]; then echo "$1: plan $T_PLAN, $t_ran reported"; fi
	echo "$1: $T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
	[ "$T_FAIL" -eq 0 ]
}

# t_result [FILE]: the last closing line of a suite's output (FILE or
# stdin) as "PASS FAIL SKIP" (SKIP 0 when not printed); nothing when there
# is none. The one parser of closing lines. A line with "(plan N)" (the
# form of earlier rounds, still read) whose counts do not add up to N, and
# say no failure, gets one failure (said on stderr): a run short of its
# plan is never green.
# shellcheck disable=SC2120 # FILE is optional: stdin without it
t_result() {
	sed -n 's/^\(.*\): \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed\(, \([0-9][0-9]*\) skipped\)\{0,1\}\( (plan \([0-9][0-9]*\))\)\{0,1\}.*$/\1|\2|\3|\5|\7/p' ${1+"$1"} |
		tail -n 1 | awk -F'|' '{
			s = $4 == "" ? 0 : $4; f = $3
			if ($5 != "" && $2 + f + s != $5 && f == 0) {
				printf "%s: the plan is %d checks, but %d reported\n", $1, $5, $2 + f + s >"/dev/stderr"
				f = 1
			}
			print $2, f, s
		}'
}
