#!/bin/bash
# SPDX-License-Identifier: MIT
# semantics/durability.sh - what a guest's fsync promises when QEMU dies:
# per configuration, M trials of semdurable's writer loop in a run9p loop
# guest, QEMU killed with SIGKILL at a random point (trial 1: right after a
# SYNCED line: the writer stops there, -p), then the files checked on the host (semdurable check).
#
#   semantics/durability.sh [--smoke] [--trials M] [--configs LIST]
#                           [--kernel bookworm|trixie] [--out DIR]
#
# CONFIGS: none, mmap, loose (9p cache modes), virtiofs and virtiofs-killd
# (virtiofs, the daemon SIGKILLed instead of QEMU; QEMU killed after it)
# (default: all; --smoke: mmap, 3 trials). virtiofs is skipped, said why, when the loop's
# guest has no virtiofs (run9p's loop initrd carries 9p only). Writes DIR/<config>.sem (SEM durability.*
# lines) and DIR/durability.md (the summary table); ends with
# "semantics-durability: N passed, N failed, N skipped". A check is a
# trial's log (every fsync'ed record there and whole) and its replaced
# file (one whole version, not older than the last one said).
# Sourcing it defines the functions only (the main runs when executed).
set -u

DUR_K=8			# records between two replaces
DUR_BOOT_WAIT=240	# s for the guest's first SYNCED line (TCG, a loaded host)
DUR_RANDOM_MS=4000	# the random kill falls within this many ms of it
# sem_suite_opts, sem_suite_start, sem_suite_prepare: shared with coherence.sh.
# shellcheck source=semantics/suite.sh
. "$(dirname "${BASH_SOURCE[0]}")/suite.sh"

# dur_flags CONFIG: run9p's arguments for CONFIG (9p cache mode or virtiofs).
dur_flags() {
	case $1 in
	none | mmap | loose | fscache)
		echo "-o trans=virtio,version=9p2000.L,msize=512000,cache=$1" ;;
	virtiofs | virtiofs-killd) echo "--fs virtiofs --vfs-cache auto" ;;
	*) return 1 ;;
	esac
}

# dur_victim CONFIG: the process name a trial of CONFIG SIGKILLs first
# (virtiofs-killd: the daemon, whose death the guest outlives; else QEMU).
dur_victim() {
	case $1 in
	virtiofs-killd) echo virtiofsd ;;
	*) echo 'qemu-system' ;;
	esac
}

# dur_no_virtiofs ERRFILE: run9p said the guest has no virtiofs (its
# loop initrd carries 9p only; a kernel with virtiofs built in has it).
dur_no_virtiofs() {
	grep -q 'virtiofs tag .* not found\|cannot load a module: virtiofs' "$1"
}

# dur_qemu_of PID: the qemu-system process below PID (run9p runs it as a
# child, or under timeout(1) as a grandchild); nothing when there is none.
dur_qemu_of() {
	dur_procs_of "$1" qemu-system | head -n 1
}

# dur_procs_of PID NAME: the processes below PID whose name starts with
# NAME, one a line (QEMU 7.2's virtiofsd is two: it forks into its
# sandbox and the parent waits).
dur_procs_of() {
	ps -e -o pid=,ppid=,comm= | awk -v top="$1" -v want="$2" '
		{ parent[$1] = $2; name[$1] = $3 }
		END {
			for (p in name) {
				if (index(name[p], want) != 1) continue
				for (q = parent[p]; q in parent && q != 1; q = parent[q])
					if (q == top) { print p; break }
			}
		}'
}

# dur_last FILE WORD: the number on the last "WORD n" line of FILE (0).
dur_last() {
	awk -v w="$2" '$1 == w { n = $2 } END { print n + 0 }' "$1"
}

# dur_count FILE WORD: how many lines of FILE start with WORD.
dur_count() {
	awk -v w="$2" '$1 == w { n++ } END { print n + 0 }' "$1"
}

# dur_wait_lines FILE WORD N SECONDS: wait until FILE holds N WORD lines;
# 1 when SECONDS passed or the guest ended first (PID DUR_PID gone).
dur_wait_lines() {
	local end=$((SECONDS + $4))
	while [ "$(dur_count "$1" "$2")" -lt "$3" ]; do
		[ $SECONDS -lt $end ] || return 1
		kill -0 "$DUR_PID" 2>/dev/null || return 1
		sleep 0.01
	done
}

# dur_trial CONFIG N MODE: one trial (MODE after-sync or random) with its
# root in $DUR_ROOT; prints the CHECK lines and a "TRIAL" line. The run's
# files are kept in $DUR_LOGS/CONFIG.tN.*.
dur_trial() {
	local config=$1 n=$2 mode=$3 base qpid target=1 delay flags synced replaced wrote victim
	local -a pause=()
	base=$DUR_LOGS/$config.t$n
	rm -rf "$DUR_ROOT/dur"
	mkdir "$DUR_ROOT/dur"
	flags=$(dur_flags "$config")
	if [ "$mode" = after-sync ]; then
		target=$((RANDOM % 40 + 2))
		pause=(-p "$target")
	fi
	# shellcheck disable=SC2086 # flags: words on purpose
	"$RUN9P" --accel tcg --timeout $((DUR_BOOT_WAIT + 120)) -k "$KERNEL_IMAGE" \
		--modules "$KERNEL_BASE" -r "$DUR_ROOT" --passthrough-as-root $flags \
		-- /bin/semdurable write -k "$DUR_K" "${pause[@]}" /dur </dev/null >"$base.out" 2>"$base.err" &
	DUR_PID=$!
	if ! dur_wait_lines "$base.out" SYNCED "$target" "$DUR_BOOT_WAIT"; then
		dur_stop
		if dur_no_virtiofs "$base.err"; then
			echo "TRIAL $config t$n NOVIRTIOFS $(grep -m 1 virtiofs "$base.err")"
		else
			echo "TRIAL $config t$n NOSTART $(tail -n 3 "$base.err" | tr '\n' ' ')"
		fi
		return 0
	fi
	if [ "$mode" = random ]; then
		delay=$((RANDOM % DUR_RANDOM_MS))
		sleep "$((delay / 1000)).$(printf %03d $((delay % 1000)))"
	fi
	victim=$(dur_victim "$config")
	qpid=$(dur_procs_of "$DUR_PID" "$victim" | tr '\n' ' ')
	if [ -z "$qpid" ]; then
		dur_stop
		echo "TRIAL $config t$n NOQEMU no $victim process below run9p ($DUR_PID)"
		return 0
	fi
	# shellcheck disable=SC2086 # qpid: one or more pids, on purpose
	kill -KILL $qpid
	# The guest outlives its daemon: give it a second to say what it
	# still can (a SYNCED line after the daemon died would be a lie the
	# check finds), then end QEMU too.
	[ "$victim" = qemu-system ] || { sleep 1; dur_stop; }
	wait "$DUR_PID" 2>/dev/null
	DUR_PID=
	synced=$(dur_last "$base.out" SYNCED)
	replaced=$(dur_last "$base.out" REPLACED)
	wrote=$(dur_last "$base.out" WROTE)
	"$DUR_BIN" check "$DUR_ROOT/dur" "$synced" "$replaced" "$wrote" | tee "$base.check"
	echo "TRIAL $config t$n $mode synced=$synced replaced=$replaced wrote=$wrote"
}

# dur_stop: end the running guest (run9p and its QEMU), if any.
dur_stop() {
	local q
	[ -n "${DUR_PID:-}" ] || return 0
	q=$(dur_qemu_of "$DUR_PID")
	[ -z "$q" ] || kill -KILL "$q" 2>/dev/null
	kill "$DUR_PID" 2>/dev/null
	wait "$DUR_PID" 2>/dev/null
	DUR_PID=
}

# dur_config CONFIG TRIALS: the trials of one configuration, their checks
# counted and their SEM lines in $DUR_OUT/CONFIG.sem.
dur_config() {
	local config=$1 trials=$2 i mode line sem=$DUR_OUT/$1.sem
	local lost_sync=0 states="" unsynced_w=0 unsynced_l=0 started=0
	: >"$sem"
	for i in $(seq 1 "$trials"); do
		mode=random
		[ "$i" != 1 ] || mode=after-sync
		echo "$config: trial $i/$trials ($mode)"
		dur_trial "$config" "$i" "$mode" >"$DUR_LOGS/$config.t$i.trial"
		while read -r line; do
			# shellcheck disable=SC2086 # the words of the line, on purpose
			set -- $line
			case "$1 $2" in
			"CHECK log")
				echo "SEM durability.t$i.log $3 ${*:4}" >>"$sem"
				if [ "$3" = PASS ]; then pass "$config t$i: every fsync'ed record whole (${*:4})"
				else lost_sync=$((lost_sync + 1)); fail "$config t$i: fsync'ed records lost (${*:4})"; fi ;;
			"CHECK replace")
				echo "SEM durability.t$i.replace $3 ${*:4}" >>"$sem"
				if [ "$3" = PASS ]; then
					pass "$config t$i: the replaced file is one whole version (${*:4})"
					states="$states ${6#state=}"
				else
					states="$states bad"
					fail "$config t$i: the replaced file (${*:4})"
				fi ;;
			"CHECK unsynced")
				echo "SEM durability.t$i.unsynced INFO ${*:4}" >>"$sem"
				unsynced_w=$((unsynced_w + ${4#wrote=}))
				unsynced_l=$((unsynced_l + ${6#lost=})) ;;
			"TRIAL $config")
				echo "SEM durability.t$i.kill INFO ${*:4}" >>"$sem"
				case $4 in
				NOVIRTIOFS)
					t_skip $(((trials - i + 1) * 2)) "$config: this kernel and run9p's loop have no virtiofs: ${*:5}"
					echo "SEM durability.trials SKIP the loop guest has no virtiofs: ${*:5}" >"$sem"
					return 0 ;;
				NOSTART | NOQEMU)
					fail "$config t$i: the trial did not run: ${*:4} (see $DUR_LOGS/$config.t$i.err)"
					fail "$config t$i: no replaced file to check" ;;
				*) started=$((started + 1)) ;;
				esac ;;
			esac
		done <"$DUR_LOGS/$config.t$i.trial"
	done
	{
		echo "SEM durability.trials INFO ran=$started of=$trials"
		if [ "$lost_sync" = 0 ] && [ "$started" = "$trials" ]; then
			echo "SEM durability.fsynced PASS lost=0 trials=$started"
		else
			echo "SEM durability.fsynced FAIL trials_with_loss=$lost_sync ran=$started of=$trials"
		fi
		echo "SEM durability.replaced INFO states=$(dur_tally "$states")"
		echo "SEM durability.unsynced INFO lost=$unsynced_l of=$unsynced_w"
	} >>"$sem"
}

# dur_tally "WORD ...": "word:count,..." in first-seen order.
dur_tally() {
	tr ' ' '\n' <<<"$1" | awk 'NF { if (!($1 in c)) o[++n] = $1; c[$1]++ }
		END { for (i = 1; i <= n; i++) printf "%s%s:%d", (i > 1 ? "," : ""), o[i], c[o[i]]; if (!n) printf "none" }'
}

# dur_summary DIR CONFIG...: the Markdown table of DIR's .sem files.
dur_summary() {
	local dir=$1 c f
	shift
	echo "| config | trials | fsynced records lost | replaced file seen | unsynced records lost |"
	echo "|---|---|---|---|---|"
	for c in "$@"; do
		f=$dir/$c.sem
		[ -s "$f" ] || { echo "| $c | not run | | | |"; continue; }
		awk -v c="$c" '
			$2 == "durability.trials" && $3 == "SKIP" { tr = "skipped: no virtiofs in the loop guest" }
			$2 == "durability.trials" && $3 != "SKIP" { split($4, a, "="); split($5, b, "="); tr = a[2] " of " b[2] }
			$2 == "durability.fsynced" { fs = ($3 == "PASS" ? "0" : $4 == "trials_with_loss=0" ? "unknown (a trial did not run)" : "LOST (" $4 ")") }
			$2 == "durability.replaced" { sub(/^states=/, "", $4); rs = $4 }
			$2 == "durability.unsynced" { sub(/^lost=/, "", $4); sub(/^of=/, "", $5); us = $4 " of " $5 }
			END { printf "| %s | %s | %s | %s | %s |\n", c, tr, fs, rs, us }' "$f"
	done
}


# dur_opt OPTION: durability's own option without a value (sem_suite_opts).
dur_opt() {
	case $1 in
	--smoke) SEM_NUM=3 SEM_CONFIGS=mmap name=semantics-durability-smoke ;;
	*) return 1 ;;
	esac
}

dur_main() {
	local c name=semantics-durability trials
	local -a list
	SEM_PROG=durability SEM_OPT_FN=dur_opt SEM_NUM_OPT=--trials SEM_NUM=10
	SEM_USAGE="usage: semantics/durability.sh [--smoke] [--trials M] [--configs none,mmap,loose,virtiofs,virtiofs-killd] [--kernel bookworm|trixie] [--out DIR]"
	SEM_NUM_WHAT="run trials" SEM_NUM_UNIT="" SEM_CONFIGS=none,mmap,loose,virtiofs,virtiofs-killd SEM_KERNEL=bookworm
	sem_suite_opts "$@"
	trials=$SEM_NUM list=("${SEM_LIST[@]}")
	sem_suite_start
	DUR_BIN=$PWD/$O/$LIBC/semdurable
	DUR_WORK=$SEM_WORK DUR_OUT=$SEM_OUT DUR_LOGS=$SEM_LOGS DUR_ROOT=$SEM_ROOT
	DUR_PID=
	sem_suite_traps dur_stop
	echo "$name: work dir $DUR_WORK, results in $DUR_OUT"
	t_plan $((${#list[@]} * trials * 2))
	sem_suite_prepare "$name" "$DUR_OUT/durability.env"
	echo "trials $trials" >>"$DUR_OUT/durability.env"
	for c in "${list[@]}"; do
		if [ "${c%-killd}" = virtiofs ] && ! "$RUN9P" -k "$KERNEL_IMAGE" --modules "$KERNEL_BASE" \
			-r "$DUR_ROOT" --passthrough-as-root --fs virtiofs --dry-run -- true \
			>"$DUR_LOGS/virtiofs.dry" 2>&1; then
			t_skip $((trials * 2)) "virtiofs: run9p's loop refuses it: $(tail -n 1 "$DUR_LOGS/virtiofs.dry")"
			echo "SEM durability.trials SKIP $(tail -n 1 "$DUR_LOGS/virtiofs.dry")" >"$DUR_OUT/$c.sem"
			continue
		fi
		dur_config "$c" "$trials"
	done
	dur_summary "$DUR_OUT" "${list[@]}" >"$DUR_OUT/durability.md"
	cat "$DUR_OUT/durability.md"
	t_done "$name"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	dur_main "$@"
fi
