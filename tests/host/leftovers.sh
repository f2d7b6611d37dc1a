#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/host/leftovers.sh - the host suites clean up what they provoke.
#
#   tests/host/leftovers.sh [SUITE...]   (default: every other tests/host/*.sh)
#
# Each suite runs with TMPDIR a new empty folder of this one's: its work
# folder (root9p-*), the run folders run9p keeps when a stand-in QEMU dies
# without a status (run9p.*, run9p-vfs.*) and anything else it makes there
# must be gone when it exits. Two checks a suite: it passed (its own
# closing line, read by t_result), and the entries in its TMPDIR, counted
# before and after, are the same (0). Said by name when not.
#
# Ends with "leftovers: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/lib/check.sh
. tests/lib/check.sh

# Short names: a suite's sockets (virtiofsd's) live a few folders below
# its TMPDIR, and a Unix socket's path holds at most 107 bytes.
W=$(mktemp -d "${TMPDIR:-/var/tmp}/r9l.XXXXXX") || exit 2
# The suites run programs as other users too (QEMU and virtiofsd dropped
# to nobody or a tree's owner): each suite's TMPDIR is what /tmp is to
# them, reachable and sticky.
chmod 0755 "$W"
# The suites' logs stay when one failed (or KEEP=1), for a look.
cleanup() {
	if [ -z "${KEEP:-}" ] && [ "$T_FAIL" = 0 ]; then
		rm -rf --one-file-system "$W"
	else
		echo "leftovers: the suites' logs kept in $W" >&2
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

suites=("$@")
if [ ${#suites[@]} = 0 ]; then
	for s in tests/host/*.sh; do
		[ "$s" = tests/host/leftovers.sh ] || suites+=("$s")
	done
fi
t_plan $((2 * ${#suites[@]}))

# count DIR: its entries, hidden ones too.
count() { find "$1" -mindepth 1 -maxdepth 1 | wc -l; }
# green: the suite exited 0 and its closing line says no failure.
green() { [ "$rc" = 0 ] && [ -n "$p" ] && [ "$f" = 0 ]; }

i=0
for s in "${suites[@]}"; do
	name=$(basename "$s" .sh)
	i=$((i + 1))
	tmp=$W/$i
	mkdir -p "$tmp"
	chmod 1777 "$tmp"
	before=$(count "$tmp")
	TMPDIR=$tmp "$s" >"$W/$name.log" 2>&1 </dev/null
	rc=$?
	after=$(count "$tmp")
	p="" f=""
	read -r p f _ < <(t_result "$W/$name.log")
	check "$name: exit $rc, its closing line: ${p:-no} passed, ${f:-?} failed" green
	if [ "$before" = "$after" ]; then
		pass "$name: nothing left in its TMPDIR ($before entries before, $after after)"
	else
		fail "$name: left in its TMPDIR ($before entries before, $after after): $(find "$tmp" -mindepth 1 -maxdepth 1 -printf "%f " | head -c 300)"
		echo "leftovers: try: remove them in the suite's exit trap (t_workdir does for tests/boot/lib.sh's suites)" >&2
	fi
done
t_done leftovers
