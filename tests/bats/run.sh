#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/bats/run.sh - the bats tests of tests/bats/*.bats (run9p's
# functions and refusals) as a suite of the check library: bats' TAP is
# captured, never printed, and each "ok N NAME" / "not ok N NAME" / "ok N
# NAME # skip WHY" becomes a pass, fail or skip named NAME (a failure
# with bats' lines about it below). The plan is `bats --count`: a test that
# stops reporting fails the suite. Without bats (apt-get install bats)
# every test is skipped. Ends with "bats: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/lib/check.sh
. tests/lib/check.sh
files=(tests/bats/*.bats)

if ! command -v bats >/dev/null; then
	t_plan "$(cat "${files[@]}" | grep -c '^@test ')"
	t_skip_rest "no bats here (apt-get install bats)"
	t_done bats
	exit
fi
t_plan "$(bats --count "${files[@]}")"
tap=$(mktemp) || exit 2
trap 'rm -f "$tap"' EXIT
bats --tap "${files[@]}" >"$tap" 2>&1
rc=$?
# flush: the failure read last, with its diagnostic lines.
failed="" why=()
flush() {
	[ -n "$failed" ] || return 0
	fail "$failed"
	[ ${#why[@]} = 0 ] || printf '       %s\n' "${why[@]}"
	failed="" why=()
}
while IFS= read -r line; do
	case $line in
	"not ok "*)
		flush
		failed=${line#not ok }
		failed=${failed#* } ;;
	"ok "*" # skip"*)
		flush
		line=${line#ok }
		skip "${line#* }" ;;
	"ok "*)
		flush
		line=${line#ok }
		pass "${line#* }" ;;
	"# "*) [ -z "$failed" ] || why+=("${line#\# }") ;;
	esac
done <"$tap"
flush
if [ "$rc" != 0 ] && [ "$T_FAIL" = 0 ]; then
	fail "bats exited $rc with no failed test: its output was"
	sed 's/^/       /' "$tap"
fi
t_done bats
