# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# semantics/suite.sh - what semantics/durability.sh and coherence.sh
# share: their options (--configs, --kernel, --out and one number of
# their own, --trials or --bound), each configuration checked against
# dur_flags, and the start of a run (the check library, the work folder,
# semdurable built, the kernel, the tiny root with semdurable in it, the
# first lines of the env file). Sourced after durability.sh; functions
# only.

# sem_suite_opts ARGS...: parse the suite's ARGS. The caller sets first:
#   SEM_PROG      its name in messages (durability, coherence)
#   SEM_USAGE     its usage line
#   SEM_NUM_OPT   its number option (--trials); SEM_NUM its default
#   SEM_NUM_WHAT  what the number is, in a refusal ("run trials"), and
#                 SEM_NUM_UNIT its unit, if any ("seconds")
#   SEM_CONFIGS   the default configurations (comma-separated)
#   SEM_KERNEL    the default kernel
# and may name in SEM_OPT_FN a function OPTION, for an option of its
# own without a value (durability's --smoke, dur_opt), failing for one
# it does not know. Sets SEM_NUM, SEM_KERNEL, SEM_OUT and SEM_LIST (the
# configurations); exits 2 with the usage or a refusal.
sem_suite_opts() {
	local c default=$SEM_CONFIGS try=$SEM_NUM
	SEM_OUT=""
	while [ $# -gt 0 ]; do
		case $1 in
		--configs) [ $# -ge 2 ] || sem_suite_usage; SEM_CONFIGS=$2; shift ;;
		--kernel) [ $# -ge 2 ] || sem_suite_usage; SEM_KERNEL=$2; shift ;;
		--out) [ $# -ge 2 ] || sem_suite_usage; SEM_OUT=$2; shift ;;
		"$SEM_NUM_OPT") [ $# -ge 2 ] || sem_suite_usage; SEM_NUM=$2; shift ;;
		*)
			# (The suite's own options, if it has any.)
			if [ -z "${SEM_OPT_FN:-}" ] || ! "$SEM_OPT_FN" "$1"; then
				sem_suite_usage
			fi ;;
		esac
		shift
	done
	case $SEM_NUM in '' | *[!0-9]* | 0)
		echo "$SEM_PROG: $SEM_NUM_WHAT '$SEM_NUM': not a positive number${SEM_NUM_UNIT:+ of $SEM_NUM_UNIT}" >&2
		echo "$SEM_PROG: try: $SEM_NUM_OPT $try" >&2
		exit 2 ;;
	esac
	IFS=, read -r -a SEM_LIST <<<"$SEM_CONFIGS"
	for c in "${SEM_LIST[@]}"; do
		dur_flags "$c" >/dev/null || {
			echo "$SEM_PROG: run config '$c': not a known configuration" >&2
			echo "$SEM_PROG: try: --configs $default" >&2
			exit 2
		}
	done
}

sem_suite_usage() {
	echo "$SEM_USAGE" >&2
	exit 2
}

# sem_suite_start: at the tree's top, with the check library; O, LIBC,
# RUN9P; SEM_WORK (a new root9p-$SEM_PROG.* folder), SEM_OUT (default
# SEM_WORK/results), SEM_LOGS and SEM_ROOT (to be made) in it.
sem_suite_start() {
	cd "$(dirname "$0")/.." || exit 2
	# shellcheck source=tests/lib/check.sh
	. tests/lib/check.sh
	O=${O:-build}
	LIBC=${LIBC:-klibc}
	# shellcheck disable=SC2034 # RUN9P: the suites' (dur_trial, coh_config)
	RUN9P=$PWD/scripts/run9p
	SEM_WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/root9p-$SEM_PROG.XXXXXX") || exit 2
	SEM_OUT=${SEM_OUT:-$SEM_WORK/results}
	SEM_LOGS=$SEM_WORK/logs
	SEM_ROOT=$SEM_WORK/root
	mkdir -p "$SEM_OUT" "$SEM_LOGS"
}

# sem_suite_prepare NAME ENVFILE: semdurable built, the SEM_KERNEL kernel
# (KERNEL_IMAGE, KVER...), the tiny root at SEM_ROOT with semdurable in
# its /bin, and ENVFILE begun (kernel, QEMU, date). What cannot be done
# ends the suite NAME, its checks skipped and said why (exit 1).
sem_suite_prepare() {
	make -s "$O/$LIBC/semdurable" O="$O" LIBC="$LIBC" >/dev/null || {
		t_skip_rest "cannot build $O/$LIBC/semdurable"; t_done "$1"; exit 1; }
	eval "$(scripts/fetch-kernel.sh --env "$SEM_KERNEL")" || {
		t_skip_rest "no $SEM_KERNEL kernel (scripts/fetch-kernel.sh --env $SEM_KERNEL)"; t_done "$1"; exit 1; }
	scripts/mkroot-tiny.sh "$SEM_ROOT" >/dev/null || {
		t_skip_rest "cannot make the tiny root"; t_done "$1"; exit 1; }
	cp "$O/$LIBC/semdurable" "$SEM_ROOT/bin/semdurable"
	{
		echo "kernel $KVER"
		echo "qemu $(qemu-system-x86_64 --version | head -n 1)"
		echo "date $(date -u +%Y-%m-%dT%H:%MZ)"
	} >"$2"
}
