# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# semantics/suite.sh - what semantics/durability.sh, coherence.sh,
# faults.sh and twoguest.sh share: their options (--configs, --kernel,
# --out, a number of their own such as --trials or --bound, value options
# of their own such as --probes LIST), each configuration checked against
# dur_flags, the start of a run (the check library, the work folder), its
# one cleanup path, and for durability and coherence semdurable built, the
# kernel, the tiny root with semdurable in it, the first lines of the env
# file. Sourced by durability.sh; functions only.

# sem_suite_opts ARGS...: parse the suite's ARGS. The caller sets first:
#   SEM_PROG      its name in messages (durability, coherence, faults)
#   SEM_USAGE     its usage line
#   SEM_NUM_OPT   its number option (--trials), or empty for none; SEM_NUM
#                 its default
#   SEM_NUM_WHAT  what the number is, in a refusal ("run trials"), and
#                 SEM_NUM_UNIT its unit, if any ("seconds")
#   SEM_CONFIGS   the default configurations (comma-separated)
#   SEM_CONFIG_REFUSE  configurations dur_flags knows that the suite
#                 does not run (space-separated; virtiofs-killd)
#   SEM_KERNEL    the default kernel
#   SEM_VAL       an associative array: the suite's own value options
#                 and their defaults (SEM_VAL[--probes]=full,rename);
#                 the value given replaces the default
# and may name in SEM_OPT_FN a function OPTION, for an option of its
# own without a value (durability's --smoke, dur_opt), failing for one
# it does not know. Sets SEM_NUM, SEM_KERNEL, SEM_OUT, SEM_VAL and
# SEM_LIST (the configurations); exits 2 with the usage or a refusal.
sem_suite_opts() {
	local c default=$SEM_CONFIGS try=${SEM_NUM:-}
	SEM_OUT=""
	while [ $# -gt 0 ]; do
		case $1 in
		--configs) [ $# -ge 2 ] || sem_suite_usage; SEM_CONFIGS=$2; shift ;;
		--kernel) [ $# -ge 2 ] || sem_suite_usage; SEM_KERNEL=$2; shift ;;
		--out) [ $# -ge 2 ] || sem_suite_usage; SEM_OUT=$2; shift ;;
		*)
			if [ -n "${SEM_NUM_OPT:-}" ] && [ "$1" = "$SEM_NUM_OPT" ]; then
				[ $# -ge 2 ] || sem_suite_usage
				SEM_NUM=$2
				shift
			elif sem_suite_has_value_opt "$1"; then
				[ $# -ge 2 ] || sem_suite_usage
				SEM_VAL[$1]=$2
				shift
			# (The suite's own options without a value, if any.)
			elif [ -z "${SEM_OPT_FN:-}" ] || ! "$SEM_OPT_FN" "$1"; then
				sem_suite_usage
			fi ;;
		esac
		shift
	done
	if [ -n "${SEM_NUM_OPT:-}" ]; then
		case $SEM_NUM in '' | *[!0-9]* | 0)
			echo "$SEM_PROG: $SEM_NUM_WHAT '$SEM_NUM': not a positive number${SEM_NUM_UNIT:+ of $SEM_NUM_UNIT}" >&2
			echo "$SEM_PROG: try: $SEM_NUM_OPT $try" >&2
			exit 2 ;;
		esac
	fi
	IFS=, read -r -a SEM_LIST <<<"$SEM_CONFIGS"
	for c in "${SEM_LIST[@]}"; do
		if [[ " ${SEM_CONFIG_REFUSE:-} " = *" $c "* ]] || ! dur_flags "$c" >/dev/null; then
			echo "$SEM_PROG: run config '$c': not a known configuration" >&2
			echo "$SEM_PROG: try: --configs $default" >&2
			exit 2
		fi
	done
}

# sem_suite_has_value_opt OPTION: OPTION is a key of SEM_VAL.
sem_suite_has_value_opt() {
	local k
	[ "$(declare -p SEM_VAL 2>/dev/null | cut -c1-10)" = "declare -A" ] || return 1
	for k in "${!SEM_VAL[@]}"; do
		[ "$k" != "$1" ] || return 0
	done
	return 1
}

# sem_suite_list OPTION WHAT DEFAULT ALLOWED...: the comma-separated value
# of SEM_VAL[OPTION] in SEM_ITEMS, each one of ALLOWED, else exit 2 with
# "PROG: run WHAT 'x': not a known WHAT" and "try: OPTION DEFAULT".
sem_suite_list() {
	local opt=$1 what=$2 default=$3 item
	shift 3
	IFS=, read -r -a SEM_ITEMS <<<"${SEM_VAL[$opt]}"
	for item in "${SEM_ITEMS[@]}"; do
		if [[ " $* " != *" $item "* ]]; then
			echo "$SEM_PROG: run $what '$item': not a known $what" >&2
			echo "$SEM_PROG: try: $opt $default" >&2
			exit 2
		fi
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

# sem_suite_traps STOP: the one cleanup path of a run, at exit (INT and
# TERM exit through it): STOP (a function that ends the suite's guests),
# then the root goes, and SEM_WORK with it when no check failed (its
# results were printed; --out DIR or KEEP=1 keeps them); a failed run
# keeps its logs and results, said by name.
sem_suite_traps() {
	SEM_STOP=$1
	trap sem_suite_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}
sem_suite_cleanup() {
	"$SEM_STOP"
	rm -rf --one-file-system "$SEM_ROOT"
	if [ "${T_FAIL:-0}" = 0 ] && [ -z "${KEEP:-}" ]; then
		rm -rf --one-file-system "$SEM_WORK"
	else
		echo "$SEM_PROG: logs and results kept in $SEM_WORK" >&2
	fi
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
