# SPDX-License-Identifier: MIT
# bench/lib.sh - what the bench scripts share; sourced. The caller sets prog.
# shellcheck shell=bash

# shellcheck disable=SC2154 # the sourcing script sets prog
log() { echo "$prog: $*" >&2; }
die() {
	log "$*"
	exit 2
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
