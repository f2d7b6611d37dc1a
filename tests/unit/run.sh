#!/bin/sh
# tests/unit/run.sh - run each unit test program, add up their closing
# lines (read by tests/lib/check.sh's t_result, which also holds a program
# to the plan it printed) into one closing line
# "unit: N passed, N failed, N skipped".
set -u
# shellcheck source=tests/lib/check.sh
. "$(dirname "$0")/../lib/check.sh"
broken=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | t_result)
	if [ -z "$line" ]; then
		echo "unit: $t printed no closing line (exit $rc)"
		broken=$((broken + 1))
		continue
	fi
	read -r p f s <<EOF2
$line
EOF2
	T_PASS=$((T_PASS + p)) T_FAIL=$((T_FAIL + f)) T_SKIP=$((T_SKIP + s))
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && broken=$((broken + 1))
done
T_FAIL=$((T_FAIL + broken))
t_done unit
