#!/bin/sh
# tests/unit/run.sh - run each unit test program, add up their
# "N passed, N failed[, N skipped]" lines into one closing line
# "unit: N passed, N failed, N skipped".
set -u
pass=0 fail=0 skip=0 broken=0
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed\(, \([0-9]*\) skipped\)\{0,1\}$/\1 \2 \4/p' | tail -n 1)
	if [ -z "$line" ]; then
		echo "unit: $t printed no closing line (exit $rc)"
		broken=$((broken + 1)); continue
	fi
	# shellcheck disable=SC2086 # three numbers
	set -- $line
	pass=$((pass + $1)); fail=$((fail + $2)); skip=$((skip + ${3:-0}))
	[ "$rc" -ne 0 ] && [ "$2" -eq 0 ] && broken=$((broken + 1))
done
fail=$((fail + broken))
echo "unit: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
