#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/lint.sh - shellcheck over every shell file of the repository, one
# check a file, then the closing line "lint: N passed, N failed, N skipped".
#
# A shell file is one git tracks whose name ends in .sh, whose first line
# is a sh or bash #!, or that says its shell in a "# shellcheck shell="
# line (the sourced hooks and libraries); the fuzzers' seeds are data. Project-wide settings are in
# .shellcheckrc; an exception for one line sits beside it with its reason.
# Without shellcheck (apt-get install shellcheck) each file is skipped.
set -u
cd "$(dirname "$0")/.." || exit 2
# shellcheck source=tests/lib/check.sh
. tests/lib/check.sh

# shell_files: the repository's shell files, one a line.
shell_files() {
	local f
	git ls-files | while IFS= read -r f; do
		[ -f "$f" ] || continue
		case $f in
		tests/fuzz/corpus_*) continue ;; # fuzzer seeds: data
		*.sh) echo "$f"; continue ;;
		esac
		if head -n 1 -- "$f" | grep -qE '^#!.*(/|env )(ba|da)?sh( |$)' ||
			head -n 5 -- "$f" | grep -q '^# shellcheck shell='; then
			echo "$f"
		fi
	done
}

mapfile -t files < <(shell_files)
if [ "${#files[@]}" = 0 ]; then
	t_plan 1
	fail "lint: list the shell files: git ls-files found none (not a git checkout?)"
	echo "lint: try: run it from a clone of root9p"
	t_done lint
	exit
fi
t_plan "${#files[@]}"
have=$(command -v shellcheck)
for f in "${files[@]}"; do
	if [ -z "$have" ]; then
		skip "$f: no shellcheck here (apt-get install shellcheck)"
	elif out=$(shellcheck -x -f gcc -- "$f" 2>&1); then
		pass "$f"
	else
		mapfile -t lines <<<"$out"
		fail "$f: ${#lines[@]} findings"
		printf '       %s\n' "${lines[@]}"
	fi
done
t_done lint
