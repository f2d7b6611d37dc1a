#!/bin/bash
# SPDX-License-Identifier: MIT
# semantics/twoguest.sh - two guests booted at once on one host folder:
# when one sees the other's write, overwrite, rename and unlink, whether
# O_APPEND from both keeps every record, whether flock and POSIX locks
# exclude across guests. One pair of run9p loop guests per configuration
# running `semfault peer a|b` (semantics/fault.c).
#
#   semantics/twoguest.sh [--configs none,mmap,loose,virtiofs]
#                         [--kernel bookworm|trixie] [--out DIR]
#
# Writes DIR/<config>.sem (SEM twoguest.* lines) and ends with
# "semantics-twoguest: N passed, N failed, N skipped". The reference is a
# local filesystem shared by two processes: every step seen within the
# poll (5 ms), all 400 records whole, each lock refused to b while a
# holds it; a step never seen, a lost record or a lock granted to both
# is a FAIL that says so.
set -u

TG_BOUND=150		# s for both guests to end after go

# tg_verdicts A_OUT B_OUT APPEND_LOG: the SEM lines (without "SEM ").
tg_verdicts() {
	local a=$1 b=$2 log=$3 step at seen lines recs
	for step in write overwrite overwrite_fd rename unlink; do
		at=$(awk -v s="${step%_fd}" '$1 == "PEER" && $2 == "a" && $3 == s { sub(/^ms=/, "", $5); print $5 }' "$a")
		seen=$(awk -v s="$step" '$1 == "PEER" && $2 == "b" && $3 == "seen" && $4 == s { sub(/^ms=/, "", $5); print $5 }' "$b")
		if [ -z "$at" ]; then
			echo "twoguest.$step FAIL differs: a never did it (no PEER a ${step%_fd} line)"
		elif [ -z "$seen" ]; then
			echo "twoguest.$step FAIL differs: never seen by b within the run (a did it at ${at} ms)"
		else
			echo "twoguest.$step PASS seen after $((seen - at)) ms (b's clock from its go, a's from its own)"
		fi
	done
	if [ ! -f "$log" ]; then
		echo "twoguest.append FAIL errno=ENOENT no append.log on the host"
	else
		lines=$(wc -l <"$log")
		recs=$(grep -c -E '^[AB][0-9]{3} {27}$' "$log")
		if [ "$lines" = 400 ] && [ "$recs" = 400 ] && [ "$(sort -u "$log" | wc -l)" = 400 ]; then
			echo "twoguest.append PASS 400 records whole, none lost (O_APPEND from both)"
		else
			echo "twoguest.append FAIL differs: $recs whole records of 400 ($lines lines, $(($(stat -c %s "$log") / 32)) records' worth of bytes): appends overwrote each other"
		fi
	fi
	for step in flock posix; do
		local held got
		held=$(awk -v k="$step" '$1 == "PEER" && $2 == "a" && $3 == "lock" { for (i = 4; i <= NF; i++) if (index($i, k "=") == 1) print substr($i, length(k) + 2) }' "$a")
		got=$(awk -v k="$step" '$1 == "PEER" && $2 == "b" && $3 == "lock" { for (i = 4; i <= NF; i++) if (index($i, k "=") == 1) print substr($i, length(k) + 2) }' "$b")
		if [ "$held" != ok ]; then
			echo "twoguest.$step SKIP a could not take it: ${held:-no line}"
		elif [ -z "$got" ]; then
			echo "twoguest.$step FAIL differs: b never tried (no PEER b lock line)"
		elif [ "$got" = ok ]; then
			echo "twoguest.$step FAIL differs: not excluded: b got it while a held it (locks are local to each guest)"
		else
			echo "twoguest.$step PASS excluded: b refused ($got) while a held it"
		fi
	done
}

# tg_pair CONFIG: boot both guests, start them with go, wait, verdicts.
tg_pair() {
	local c=$1 flags pa pb base=$TG_LOGS/$1 role
	rm -rf --one-file-system "$TG_ROOT"
	if ! { scripts/mkroot-tiny.sh "$TG_ROOT" >/dev/null && cp "$TG_BIN" "$TG_ROOT/bin/semfault" &&
		mkdir "$TG_ROOT/peer"; }; then
		echo "twoguest.boot FAIL differs: cannot make the tiny root"
		return
	fi
	flags=$(dur_flags "$c")
	for role in a b; do
		# shellcheck disable=SC2086 # flags: words on purpose
		"$RUN9P" --accel tcg --timeout $((DUR_BOOT_WAIT + TG_BOUND + 30)) -k "$KERNEL_IMAGE" \
			--modules "$KERNEL_BASE" -r "$TG_ROOT" --passthrough-as-root $flags \
			-- /bin/semfault peer "$role" /peer </dev/null >"$base.$role.out" 2>"$base.$role.err" &
		if [ $role = a ]; then pa=$!; else pb=$!; fi
	done
	TG_PIDS="$pa $pb"
	DUR_PID=$pa
	if ! dur_wait_lines "$base.a.out" READY 1 "$DUR_BOOT_WAIT"; then tg_stop; echo "twoguest.boot FAIL differs: guest a did not start: $(tail -n 2 "$base.a.err" | tr '\n' ' ')"; return; fi
	DUR_PID=$pb
	if ! dur_wait_lines "$base.b.out" READY 1 "$DUR_BOOT_WAIT"; then tg_stop; echo "twoguest.boot FAIL differs: guest b did not start: $(tail -n 2 "$base.b.err" | tr '\n' ' ')"; return; fi
	: >"$TG_ROOT/peer/go"
	local end=$((SECONDS + TG_BOUND))
	while kill -0 "$pa" 2>/dev/null || kill -0 "$pb" 2>/dev/null; do
		[ $SECONDS -lt $end ] || { tg_stop; break; }
		sleep 0.5
	done
	wait "$pa" "$pb" 2>/dev/null
	TG_PIDS=
	for role in a b; do tr -d '\r' <"$base.$role.out" | grep '^PEER' >"$base.$role.lines"; done
	echo "twoguest.boot PASS both guests ran"
	tg_verdicts "$base.a.lines" "$base.b.lines" "$TG_ROOT/peer/append.log"
	echo "twoguest.lines INFO a: $(tr '\n' ';' <"$base.a.lines") b: $(tr '\n' ';' <"$base.b.lines")"
}

# tg_stop: end both guests (their QEMUs first).
tg_stop() {
	local p
	for p in ${TG_PIDS:-}; do
		DUR_PID=$p
		dur_stop
	done
	TG_PIDS=
}

tg_main() {
	local c line
	local -a clist
	# shellcheck source=semantics/durability.sh
	. "$(dirname "${BASH_SOURCE[0]}")/durability.sh"
	SEM_PROG=twoguest SEM_OPT_FN="" SEM_NUM_OPT="" SEM_KERNEL=bookworm
	SEM_USAGE="usage: semantics/twoguest.sh [--configs none,mmap,loose,virtiofs] [--kernel bookworm|trixie] [--out DIR]"
	SEM_CONFIGS=none,mmap,loose SEM_CONFIG_REFUSE=virtiofs-killd
	sem_suite_opts "$@"
	clist=("${SEM_LIST[@]}")
	sem_suite_start
	TG_BIN=$PWD/$O/$LIBC/semfault
	TG_WORK=$SEM_WORK TG_OUT=$SEM_OUT TG_LOGS=$SEM_LOGS TG_ROOT=$SEM_ROOT
	TG_PIDS=
	DUR_PID=
	sem_suite_traps tg_stop
	echo "semantics-twoguest: work dir $TG_WORK, results in $TG_OUT"
	t_plan $((${#clist[@]} * 9))
	make -s "$O/$LIBC/semfault" O="$O" LIBC="$LIBC" >/dev/null || {
		t_skip_rest "cannot build $O/$LIBC/semfault"; t_done semantics-twoguest; exit 1; }
	eval "$(scripts/fetch-kernel.sh --env "$SEM_KERNEL")" || {
		t_skip_rest "no $SEM_KERNEL kernel (scripts/fetch-kernel.sh --env $SEM_KERNEL)"; t_done semantics-twoguest; exit 1; }
	for c in "${clist[@]}"; do
		echo "$c: two guests"
		tg_pair "$c" >"$TG_LOGS/$c.sem"
		: >"$TG_OUT/$c.sem"
		while read -r line; do
			echo "SEM $line" >>"$TG_OUT/$c.sem"
			# shellcheck disable=SC2086 # the words of the line, on purpose
			set -- $line
			case $2 in
			PASS) pass "$c $1: ${*:3}" ;;
			FAIL) fail "$c $1: ${*:3}" ;;
			SKIP) skip "$c $1: ${*:3}" ;;
			esac
		done <"$TG_LOGS/$c.sem"
		# A pair that did not start reports one line for its nine.
		if grep -q '^twoguest.boot FAIL' "$TG_LOGS/$c.sem"; then
			t_skip 8 "$c: the pair did not run"
		fi
	done
	{
		echo "kernel $KVER"
		echo "qemu $(qemu-system-x86_64 --version | head -n 1)"
		echo "date $(date -u +%Y-%m-%dT%H:%MZ)"
	} >"$TG_OUT/twoguest.env"
	t_done semantics-twoguest
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	tg_main "$@"
fi
