#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/unit/test_layout.sh - DESIGN.md's "Layout" lists exactly the C files
# the build compiles: each .c that a build.mk compiles has its line there,
# and each .c named there is compiled.
#   tests/unit/test_layout.sh [SRCDIR]   (default .)
# The build's list is make's own: the commands of `make -n -B all unit
# fuzz-build` (nothing is built). One check per file on either list (the
# plan: the two lists' lengths).
src=${1:-.}
cd "$src" || { echo "layout: cannot enter $src"; exit 1; }
tmp=$(mktemp -d) || { echo "layout: cannot make a temporary folder"; exit 1; }
trap 'rm -rf "$tmp"' EXIT

# The files of the Layout section: a folder at the start of a line
# ("mount9p/   ..."), its files indented below it, one a line, first word.
awk '
	/^## / { inside = ($0 == "## Layout") ; next }
	!inside { next }
	/^[a-z][A-Za-z0-9_\/]*\/( |$)/ { dir = $1; next }
	/^[ \t]+[A-Za-z0-9_.+-]+\.c([ \t]|$)/ { print dir $1 }
' DESIGN.md | sort -u >"$tmp/layout"

# The C files in make's commands, relative to the tree (a parent make's
# -j and jobserver stay out of it).
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s --no-print-directory \
	-n -B O="$tmp/build" all unit fuzz-build >"$tmp/make.out" 2>"$tmp/make.err" || {
	echo "FAIL layout: make -n -B all unit fuzz-build failed:" >&2
	cat "$tmp/make.err" >&2
	echo "layout: 0 passed, 1 failed, 0 skipped"
	exit 1
}
tr '[:blank:]' '\n' <"$tmp/make.out" | grep -E '^[A-Za-z0-9_./+-]+\.c$' |
	grep -v '^/' | sort -u >"$tmp/built"

plan=$(( $(grep -c . "$tmp/built") + $(grep -c . "$tmp/layout") ))
pass=0 fail=0
while read -r f; do
	if grep -qxF "$f" "$tmp/layout"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $f: compiled by the build but not in DESIGN.md's Layout" >&2
		echo "layout: try: add a line \"  ${f##*/}  what it does\" under ${f%/*}/ in DESIGN.md's Layout" >&2
	fi
done <"$tmp/built"
while read -r f; do
	if grep -qxF "$f" "$tmp/built"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $f: named in DESIGN.md's Layout but no build.mk compiles it" >&2
		echo "layout: try: fix or drop its line in DESIGN.md's Layout, or add it to its folder's build.mk" >&2
	fi
done <"$tmp/layout"

ran=$((pass + fail))
if [ "$ran" -ne "$plan" ]; then
	echo "FAIL layout: planned $plan checks, ran $ran" >&2
	fail=$((fail + 1))
fi
echo "layout: $pass passed, $fail failed, 0 skipped"
[ "$fail" = 0 ]
