# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# tests/lib/suites.sh - how tests/check.sh and tests/quick.sh run suites
# and add up their closing lines (read by tests/lib/check.sh's t_result)
# into one summary and one closing line of their own; the build and the
# fuzzers' log as suites. Sourced from the top of the tree, after O and
# MAKE are set.

# shellcheck source=tests/lib/check.sh
. tests/lib/check.sh
total_pass=0 total_fail=0 total_skip=0
summary=()

# Output. Each suite's whole output goes to $LOGS/NAME.log ($O/check-logs,
# kept); the terminal gets, per suite, what a reader needs: its FAIL and
# skip lines and its closing lines, and a failing suite's whole log. V=1
# prints everything as it comes. Why not everything: CI judges a run by
# the closing lines of known test runners, and a suite's raw output (a
# guest's console, kselftest's TAP, a fuzzer's log, apt's summary) can
# hold lines that read as some runner's verdict; the closing line of this
# harness must be the only verdict in it.
LOGS=${LOGS:-$O/check-logs}
mkdir -p "$LOGS"

# t_brief: the lines of a suite's output that reach the terminal without
# V=1: FAIL and skip lines (a failure's console-log pointer too) and
# closing lines.
t_brief() {
	grep -E '^  (FAIL|skip) |^       \(console log: |^[^ ]+: [0-9]+ passed, [0-9]+ failed' || true
}

# run NAME COMMAND...: run a suite, its output to $LOGS/NAME.log (and the
# terminal, briefly or with V=1 whole), add up its closing line "N
# passed, N failed" with an optional ", N skipped" and "(plan N)"
# (t_result: a run short of its plan is a failure). With RESULTS set (a
# lane in the background), the counts go to that file instead, one "NAME
# PASS FAIL SKIP SECONDS" line, for the parent to add.
run() {
	local name=$1 start out line rc p f s secs
	shift
	start=$(date +%s)
	echo "=== $name"
	out=$LOGS/$name.log
	if [ "${V:-0}" = 1 ]; then
		"$@" 2>&1 | tee "$out"
		rc=${PIPESTATUS[0]}
	else
		# a subshell, as the pipe above is: a suite that is a function
		# (build, fuzz_result) counts its checks apart from the last one's
		rc=0
		("$@") >"$out" 2>&1 || rc=$?
	fi
	line=$(t_result "$out")
	read -r p f s <<<"$line"
	if [ -z "$line" ]; then
		p=0 f=1
		echo "$name: ended without a closing line (exit $rc)"
	elif [ "$rc" -ne 0 ] && [ "$f" = 0 ]; then
		f=1
		echo "$name: exit $rc"
	fi
	if [ "${V:-0}" != 1 ]; then
		if [ "$f" != 0 ]; then
			echo "--- $name failed: its whole output ($out)"
			cat "$out"
			echo "--- end of $name's output"
		else
			t_brief <"$out"
		fi
	fi
	secs=$(($(date +%s) - start))
	if [ -n "${RESULTS:-}" ]; then
		echo "$name $p $f $s $secs" >>"$RESULTS"
	else
		add "$name" "$p" "$f" "$s" "$secs"
	fi
}

# add NAME PASS FAIL SKIP SECONDS: one suite's counts into the totals.
add() {
	total_pass=$((total_pass + $2))
	total_fail=$((total_fail + $3))
	total_skip=$((total_skip + $4))
	summary+=("$(printf '%-16s %4s passed, %3s failed, %3s skipped, %4s s' "$@")")
}

# build [LIBC]: the programs, as one check.
build() {
	t_plan 1
	check "make all${1:+ LIBC=$1}" "$MAKE" -s all ${1:+LIBC=$1}
	t_done build
}

# fuzz_result LOG: one check per fuzz target (FUZZ-TARGETS): libFuzzer
# ended well after at least the runs it was asked for (FUZZ-START NAME
# need=N); each line says how many it ran.
fuzz_result() {
	local name names need runs rc
	# libFuzzer's own log stays in the suite's log file (run: printed
	# whole when a target fails, or with V=1)
	cat "$1"
	read -ra names <<<"$(sed -n 's/^FUZZ-TARGETS //p' "$1")"
	# one check a target; no target listed is one failure
	t_plan $((${#names[@]} > 0 ? ${#names[@]} : 1))
	[ "${#names[@]}" -gt 0 ] || fail "fuzz: make fuzz-list named no target"
	for name in "${names[@]}"; do
		need=$(sed -n "s/^FUZZ-START $name need=\([0-9]*\)$/\1/p" "$1")
		runs=$(sed -n "/^FUZZ-START $name /,/^FUZZ-EXIT $name /s/^Done \([0-9]*\) runs.*/\1/p" "$1" | tail -n 1)
		rc=$(sed -n "s/^FUZZ-EXIT $name \([0-9]*\)$/\1/p" "$1")
		if [ -z "$need" ]; then
			fail "fuzz $name: did not run (not built?)"
		elif [ "${rc:-x}" != 0 ]; then
			fail "fuzz $name: exit ${rc:-none} after ${runs:-?} runs (crash input: $O/fuzz/crash_$name-*)"
		elif [ "${runs:-0}" -lt "$need" ]; then
			fail "fuzz $name: ${runs:-no} runs of $need (FUZZ_TIME too short?)"
		else
			pass "fuzz $name: $runs runs (at least $need), no crash, leak or UB report"
		fi
	done
	t_done fuzz
}

# summarize NAME: the summary table and the closing line of all suites;
# 0 when none failed.
summarize() {
	echo
	echo "=== summary"
	printf '%s\n' "${summary[@]}"
	echo "$1: $total_pass passed, $total_fail failed, $total_skip skipped"
	[ "$total_fail" -eq 0 ]
}
