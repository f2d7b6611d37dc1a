# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# tests/lib/suites.sh - how tests/check.sh and tests/quick.sh run suites
# and add up their closing lines (read by tests/lib/check.sh's t_result)
# into one summary and one closing line of their own; the build and the
# fuzzers' log as suites. Sourced from the top of the tree, after O and
# MAKE are set.

# shellcheck source=tests/lib/check.sh
. tests/lib/check.sh
total_pass=0 total_fail=0 total_skip=0 run_n=0
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

# in_tmpdir DIR COMMAND...: COMMAND with TMPDIR=DIR, or as it is when DIR
# is empty.
in_tmpdir() {
	local dir=$1
	shift
	if [ -n "$dir" ]; then TMPDIR=$dir "$@"; else "$@"; fi
}

# run NAME COMMAND...: run a suite, its output to $LOGS/NAME.log (and the
# terminal, briefly or with V=1 whole), add up its closing line "N
# passed, N failed" with an optional ", N skipped" and "(plan N)"
# (t_result: a run short of its plan is a failure). With RESULTS set (a
# lane in the background), the counts go to that file instead, one "NAME
# PASS FAIL SKIP SECONDS" line, for the parent to add. With RUN_TMPDIR set,
# the suite runs with TMPDIR a new empty folder RUN_TMPDIR/N (1777: the
# suites run QEMU and virtiofsd as other users, to whom it is /tmp), and
# anything it leaves there is one more failure, said by name: a suite must
# clean up what it provokes (its work folder, run9p's run folders).
# N counts the suites run: names stay short, as virtiofsd's sockets live a
# few folders below TMPDIR and a Unix socket's path holds at most 107 bytes.
run() {
	local name=$1 start out line rc p f s secs cpu0 cpu
	shift
	start=$(date +%s)
	cpu_ticks
	cpu0=$CPU_TICKS
	echo "=== $name"
	out=$LOGS/$name.log
	local tmp="" left=""
	if [ -n "${RUN_TMPDIR:-}" ]; then
		run_n=$((run_n + 1))
		tmp=$RUN_TMPDIR/$run_n
		mkdir -p "$tmp" && chmod 1777 "$tmp"
	fi
	if [ "${V:-0}" = 1 ]; then
		(in_tmpdir "$tmp" "$@") 2>&1 | tee "$out"
		rc=${PIPESTATUS[0]}
	else
		# a subshell, as the pipe above is: a suite that is a function
		# (build, fuzz_result) counts its checks apart from the last one's
		rc=0
		(in_tmpdir "$tmp" "$@") >"$out" 2>&1 || rc=$?
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
	if [ -n "$tmp" ]; then
		left=$(find "$tmp" -mindepth 1 -maxdepth 1 -printf '%f ' | head -c 300)
		if [ -n "$left" ]; then
			f=$((f + 1))
			# into the log, printed whole below as a failed suite's is
			{
				echo "  FAIL $name: left in its TMPDIR ($tmp): $left"
				echo "$name: try: remove them in the suite's exit trap (t_workdir does for tests/boot/lib.sh's suites)"
			} >>"$out"
			[ "${V:-0}" != 1 ] || tail -n 2 "$out"
		else
			rmdir "$tmp"
		fi
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
	cpu_ticks
	cpu=$(((CPU_TICKS - cpu0) / $(getconf CLK_TCK)))
	if [ -n "${RESULTS:-}" ]; then
		echo "$name $p $f $s $secs $cpu" >>"$RESULTS"
	else
		add "$name" "$p" "$f" "$s" "$secs" "$cpu"
	fi
}

# run_host_suites: run9p's host-side suites (tests/host/*.sh), each with
# run in an empty TMPDIR of its own under one folder (RUN_TMPDIR), so that
# what a suite leaves there fails it. The folder is 0755, as QEMU and
# virtiofsd run as other users below it; it stays, with what a failed
# suite left, for a look. Non-zero only when the folder cannot be made.
run_host_suites() {
	local dir t
	dir=$(mktemp -d /var/tmp/r9h.XXXXXX) && chmod 0755 "$dir" || return 1
	for t in tests/host/*.sh; do
		[ -e "$t" ] || continue
		RUN_TMPDIR=$dir run "$(basename "$t" .sh)" "$t"
	done
	rmdir "$dir" 2>/dev/null
	return 0
}

# cpu_ticks: CPU_TICKS, the user and system time of this shell's ended
# children (the suites: each runs in a subshell run waits for), in clock
# ticks. A daemon that left its suite's process tree is not counted. The
# summary shows each suite's CPU seconds beside its wall seconds: on two
# cores, what the lanes' wall time can come down to.
cpu_ticks() {
	local st
	read -ra st <"/proc/$BASHPID/stat"
	# cutime and cstime, fields 16 and 17 (comm, field 2, is bash: no space)
	CPU_TICKS=$((st[15] + st[16]))
}

# add NAME PASS FAIL SKIP SECONDS [CPU]: one suite's counts into the totals.
add() {
	total_pass=$((total_pass + $2))
	total_fail=$((total_fail + $3))
	total_skip=$((total_skip + $4))
	summary+=("$(printf '%-18s %4s passed, %3s failed, %3s skipped, %4s s, cpu %4s s' "$1" "$2" "$3" "$4" "$5" "${6:--}")")
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
