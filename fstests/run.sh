#!/bin/bash
# SPDX-License-Identifier: MIT
# fstests/run.sh - `make fstests FSTESTS=DIR`: fstests/subset through
# run9p --fstests on Debian 12's and 13's kernels (6.1, 6.12) for 9p
# cache=none, mmap and loose and for virtiofs (the daemon's default
# cache=auto, no mount options), each result against
# fstests/expected/KERNEL-CONFIG (one "TEST fail" or "TEST notrun" a line;
# a test not listed is expected to pass), so a regression stands out from
# known failures. Results in OUT/KERNEL-CONFIG (./check's output, results/).
#
#   fstests/run.sh --fstests DIR [--out DIR] [--configs "6.1-mmap ..."]
#                  [--update] [--timeout S]
#
# --update writes the expected lists from this run. Exit status: 0 when no
# test did worse than its list says, 1 otherwise (or a run failed).
set -u
cd "$(dirname "$0")/.." || exit 2
prog=fstests
FSTESTS="" OUT=build/fstests UPDATE=0 TIMEOUT=${FSTESTS_TIMEOUT:-5400}
CONFIGS="6.1-none 6.1-mmap 6.1-loose 6.1-virtiofs 6.12-none 6.12-mmap 6.12-loose 6.12-virtiofs"
OPTS_BASE=trans=virtio,version=9p2000.L,msize=512000

usage() { sed -n '/^#   fstests/,/^# --update/p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
	case $1 in
	--fstests) FSTESTS=${2:-}; shift ;;
	--out) OUT=${2:-}; shift ;;
	--configs) CONFIGS=${2:-}; shift ;;
	--timeout) TIMEOUT=${2:-}; shift ;;
	--update) UPDATE=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "$prog: read argument '$1': unknown" >&2; echo "$prog: try: --help" >&2; exit 2 ;;
	esac
	shift
done
if [ -z "$FSTESTS" ]; then
	echo "$prog: run fstests: no checkout given" >&2
	echo "$prog: try: make fstests FSTESTS=DIR (a built clone of git://git.kernel.org/pub/scm/fs/xfs/xfstests-dev.git)" >&2
	exit 2
fi
mkdir -p "$OUT" || exit 2
OUT=$(cd "$OUT" && pwd -P)
mapfile -t TESTS < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' fstests/subset)

# outcome CHECK_OUT TEST: pass, fail or notrun from ./check's summary.
outcome() {
	if grep -q "^Failures:.* $2\( \|$\)" "$1"; then echo fail
	elif grep -q "^Not run:.* $2\( \|$\)" "$1"; then echo notrun
	elif grep -q "^Ran:.* $2\( \|$\)" "$1"; then echo pass
	else echo notrun
	fi
}

# expected LIST TEST: what fstests/expected/LIST says (pass when unlisted).
expected() {
	local e
	e=$(awk -v t="$2" '$1 == t { print $2 }' "$1" 2>/dev/null)
	echo "${e:-pass}"
}

# run_config NAME: one configuration; its summary line, regressions below.
run_config() {
	local name=$1 kver=${1%%-*} mode=${1#*-} suite dir rc=0 t0 t got want
	local n_pass=0 n_fail=0 n_notrun=0 n_worse=0 n_better=0 fsargs
	case $kver in 6.1) suite=bookworm ;; 6.12) suite=trixie ;;
	*) echo "$prog: run $name: no kernel $kver (6.1 or 6.12)"; return 1 ;; esac
	case $mode in
	none | mmap | loose) fsargs=(-o "$OPTS_BASE,cache=$mode") ;;
	virtiofs) fsargs=(--fs virtiofs) ;;
	*) echo "$prog: run $name: no configuration '$mode' (none, mmap, loose, virtiofs)"; return 1 ;;
	esac
	eval "$(scripts/fetch-kernel.sh --env "$suite")" || return 1
	dir=$OUT/$name
	rm -rf "$dir" && mkdir -p "$dir" || return 1
	t0=$(date +%s)
	# shellcheck disable=SC2153 # KERNEL_IMAGE, KERNEL_BASE: fetch-kernel.sh's
	scripts/run9p -k "$KERNEL_IMAGE" --modules "$KERNEL_BASE" --accel tcg -m 1G \
		--timeout "$TIMEOUT" --passthrough-as-root -a panic=-1 \
		--fstests "$FSTESTS" --fstests-results "$dir" "${fsargs[@]}" -- "${TESTS[@]}" \
		</dev/null >"$dir/check.out" 2>"$dir/run9p.err" || rc=$?
	: >"$dir/outcome"
	for t in "${TESTS[@]}"; do
		got=$(outcome "$dir/check.out" "$t")
		want=$(expected "fstests/expected/$name" "$t")
		echo "$t $got" >>"$dir/outcome"
		case $got in pass) n_pass=$((n_pass + 1)) ;; fail) n_fail=$((n_fail + 1)) ;; *) n_notrun=$((n_notrun + 1)) ;; esac
		[ "$got" = "$want" ] && continue
		if [ "$got" = pass ]; then
			n_better=$((n_better + 1)); echo "  $name: $t passes (expected $want: update the list)"
		else
			n_worse=$((n_worse + 1)); echo "  $name: REGRESSION $t: $got (expected $want)"
		fi
	done
	echo "$name: ${#TESTS[@]} tests: $n_pass pass, $n_fail fail, $n_notrun not run; $n_worse worse than expected, $n_better better; ./check exit $rc; $(($(date +%s) - t0)) s"
	# A run that did not end with ./check's own status lists nothing.
	if [ $UPDATE = 1 ] && { [ $rc = 0 ] || [ $rc = 1 ]; }; then
		{ echo "# fstests/expected/$name - from a run of fstests/subset ($(date -u +%F))"
		  grep -v ' pass$' "$dir/outcome"; } >"fstests/expected/$name"
	fi
	case $rc in 0 | 1) ;; *) echo "  $name: run9p exit $rc: $(tail -n 3 "$dir/run9p.err" | tr '\n' ' ')"; return 1 ;; esac
	[ $n_worse = 0 ]
}

status=0
for c in $CONFIGS; do
	run_config "$c" || status=1
done
exit $status
