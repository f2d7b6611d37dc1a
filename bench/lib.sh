# SPDX-License-Identifier: MIT
# bench/lib.sh - what the bench scripts share; sourced. The caller sets prog.
# shellcheck shell=bash

# shellcheck disable=SC2154 # the sourcing script sets prog
log() { echo "$prog: $*" >&2; }
die() {
	log "$*"
	exit 2
}

# bench_words_in OPT NOUN LIST ALL: every word of LIST (OPT's value) is
# one of ALL, or die naming the first that is not.
bench_words_in() {
	local w
	for w in $3; do
		case " $4 " in *" $w "*) ;; *) die "$1 '$3': '$w' is no $2; try: $4" ;; esac
	done
}

# awk functions for the tables, put in front of an awk program:
#   sorted(list, v)  the numbers of LIST (space-separated) into v[1..n], sorted; n
#   mid(v, n)        the median of a sorted v[1..n], n > 0
#   median(list)     the median of LIST, "-" for none
#   ratio(a, b)      a / b, 2 decimals; "-" when either is "-" or b is 0
# (insertion sort: Debian's awk is mawk, which has no asort)
# shellcheck disable=SC2034 # used by the scripts that source this
AWK_STATS='
function sorted(list, v,   n, i, j, x) {
	n = split(list, v, " ")
	for (i = 2; i <= n; i++) {
		x = v[i] + 0
		for (j = i - 1; j >= 1 && v[j] + 0 > x; j--) v[j + 1] = v[j]
		v[j + 1] = x
	}
	return n
}
function mid(v, n) { return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
function median(list,   v, n) {
	n = sorted(list, v)
	return n == 0 ? "-" : mid(v, n)
}
function ratio(a, b) { return (a == "-" || b == "-" || b + 0 == 0) ? "-" : sprintf("%.2f", a / b) }
'

# now_ms: the host's clock in ms.
now_ms() { local t=$EPOCHREALTIME; echo $((${t/./} / 1000)); }

# bench_timed NAME RUN CMD...: run CMD with its stdout through a reader
# that notes when the command's own "go" line (or "go UPTIME") first
# arrives; sets T_FIRST, T_EXIT (host ms from the start) and RC; the
# output in $logs/NAME.RUN.out, stderr in $logs/NAME.RUN.err.
# shellcheck disable=SC2154,SC2034 # logs: the script's; T_EXIT: read through VARS
bench_timed() {
	local name=$1 run=$2 t0 seen=""
	shift 2
	local out=$logs/$name.$run.out
	t0=$(now_ms)
	RC=0
	: >"$out"
	{ "$@" </dev/null 2>"$logs/$name.$run.err" || echo "@@rc $?"; } |
		while IFS= read -r line; do
			printf '%s\n' "$line" >>"$out"
			# the command's own line, not a console line with "go" in
			# it ("cgroup", "algorithm"...); a serial line ends in \r
			if [ -z "$seen" ] && [[ ${line%$'\r'} =~ ^go( [0-9.]+)?$ ]]; then
				seen=$(now_ms)
				echo "$((seen - t0))" >"$out.first"
			fi
		done
	T_EXIT=$(($(now_ms) - t0))
	T_FIRST=$(cat "$out.first" 2>/dev/null || echo -)
	rm -f "$out.first"
	RC=$(sed -n 's/^@@rc //p' "$out" | tail -n 1)
	RC=${RC:-0}
}

# bench_interleave RUNS CSV VARS SYSTEM...: the interleaved runs: RUNS
# rounds, each calling the script's `run_one SYSTEM RUN` for every
# SYSTEM in turn, so that load on the host falls on all of them alike.
# run_one sets the variables named in VARS (space-separated, e.g.
# "T_FIRST T_EXIT G_START"); after each run their values are added to
# the associative arrays B_<VAR>[SYSTEM] (space-separated, "-" for an
# empty one) and, when CSV names a file, written to it as the line
# SYSTEM,RUN,VALUES... A run with no "go" seen is said with its logs.
bench_interleave() {
	local runs=$1 csv=$2 vars=$3 run sys v
	shift 3
	for v in $vars; do declare -gA "B_$v=()"; done
	for run in $(seq 1 "$runs"); do
		for sys in "$@"; do
			run_one "$sys" "$run"
			[ "$T_FIRST" != - ] || echo "  ($sys run $run: no 'go' seen, exit ${RC:-?}; see $logs/$sys.$run.*)"
			local line="$sys,$run"
			for v in $vars; do
				local -n acc="B_$v"
				acc["$sys"]+="${!v:--} "
				unset -n acc
				line+=",${!v:--}"
			done
			[ -z "$csv" ] || echo "$line" >>"$csv"
		done
	done
}
