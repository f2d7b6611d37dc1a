#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/unit/test_layering.sh - the folders depend on each other one way:
# every `#include "DIR/FILE"` of a C file names its own folder or a folder
# on a lower line of LAYERS below, never one above or beside it.
#   tests/unit/test_layering.sh [SRCDIR]   (default .)
# One check per .c/.h file (the plan: the files found); a file in a folder
# that LAYERS does not name fails.
src=${1:-.}
cd "$src" || { echo "layering: cannot enter $src"; exit 1; }

# Bottom first. A folder may include its own folder and the folders of the
# lines before its own; folders on one line do not include each other.
LAYERS='common
mount9p
tmpfs
engine
init mkinitrd mkroot blkid9p bench semantics
tests/unit tests/fuzz'

files=$(find . -path ./build -prune -o -path ./debian -prune -o \
	-path './.git' -prune -o -type f \( -name '*.c' -o -name '*.h' \) \
	-print | sed 's|^\./||' | sort)
plan=$(printf '%s\n' "$files" | grep -c .)

# One awk over every file: a line "pass" or "fail" per check, the reasons
# on stderr.
# shellcheck disable=SC2086 # $files: paths without blanks (find above)
results=$(awk -v layers="$LAYERS" '
	function dirof(p) { sub(/\/[^\/]*$/, "", p); return p }
	function flush() {
		if (cur == "") return
		print (bad ? "fail" : "pass")
		if (bad) printf "layering: try: move what %s needs down to a lower folder, or the file up (see DESIGN.md, Layout)\n", cur >"/dev/stderr"
	}
	BEGIN {
		n = split(layers, line, "\n")
		for (i = 1; i <= n; i++) {
			m = split(line[i], w, " ")
			for (j = 1; j <= m; j++) rank[w[j]] = i
		}
	}
	FNR == 1 {
		flush(); cur = FILENAME; bad = 0; dir = dirof(cur)
		if (!(dir in rank)) {
			bad = 1
			if (!(dir in told)) printf "FAIL %s/: not in LAYERS\nlayering: try: add %s to the LAYERS list of tests/unit/test_layering.sh, on the line of what it may include\n", dir, dir >"/dev/stderr"
			told[dir] = 1
		}
	}
	/^[ \t]*#[ \t]*include[ \t]*"[^"]*\/[^"]*"/ {
		inc = $0; sub(/^[^"]*"/, "", inc); sub(/".*$/, "", inc)
		idir = dirof(inc)
		if (idir == dir || !(dir in rank)) next
		if (!(idir in rank) || rank[idir] >= rank[dir]) {
			bad = 1
			printf "FAIL %s:%d: #include \"%s\": %s/ may not include %s/ (it is not on a lower line of LAYERS)\n", FILENAME, FNR, inc, dir, idir >"/dev/stderr"
		}
	}
	END { flush() }' $files)
pass=$(printf '%s\n' "$results" | grep -c '^pass$')
fail=$(printf '%s\n' "$results" | grep -c '^fail$')

ran=$((pass + fail))
if [ "$ran" -ne "$plan" ]; then
	echo "FAIL layering: planned $plan checks, ran $ran" >&2
	fail=$((fail + 1))
fi
echo "layering: $pass passed, $fail failed, 0 skipped"
[ "$fail" = 0 ]
