#!/bin/bash
# SPDX-License-Identifier: MIT
# semantics/faults.sh - what a guest sees when the host fails under its
# root: the host filesystem full, and the root folder renamed or removed
# while the guest runs. Per configuration, one run9p loop guest each
# running semfault (semantics/fault.c).
#
#   semantics/faults.sh [--configs LIST] [--probes full,rename,remove]
#                       [--kernel bookworm|trixie] [--out DIR]
#
# CONFIGS: none, mmap, loose (9p cache modes) and virtiofs (default all).
# full: a FAULT_FULL_KB tmpfs mounted at the root's /full (root only),
# the guest writes twice that much, fsyncs and closes; the result says
# where the error showed (write, fsync, close) and FAILs when none did
# while the host kept less than the guest was told was written.
# rename/remove: the guest holds /held and polls its calls (semfault
# gone); at READY the host renames the root folder away (or removes it
# whole); the result lists what each call returned, and FAILs when the
# guest did not end within FAULT_BOUND seconds (a hang).
# Writes DIR/<config>.sem (SEM fault.* lines) and ends with
# "semantics-faults: N passed, N failed, N skipped".
set -u

FAULT_FULL_KB=4096	# the full probe's tmpfs
FAULT_GONE_S=20		# how long the guest polls after READY
FAULT_BOUND=90		# s after READY within which the guest must end

# fault_full_verdict OUT HOSTSIZE: the full probe's SEM lines from the
# guest's FILL lines (OUT) and the size the host has.
fault_full_verdict() {
	local out=$1 host=$2 where=none wrote line
	wrote=$(awk '$1 == "FILL" && $2 == "write" {
		for (i = 3; i <= NF; i++) if ($i ~ /^(at|bytes)=/) { sub(/^[a-z]+=/, "", $i); print $i } }' "$out")
	for line in write fsync close; do
		if grep -q "^FILL $line errno=" "$out"; then where=$line; break; fi
	done
	if ! grep -q '^FILL size' "$out"; then
		echo "fault.full FAIL differs: the guest never finished (no FILL size line)"
		return
	fi
	local errs
	errs=$(awk '$1 == "FILL" && $3 ~ /^errno=/ { printf "%s%s:%s", (n++ ? "," : ""), $2, substr($3, 7) }' "$out")
	if [ "$where" = none ] && [ "${wrote:-0}" -gt "$host" ]; then
		echo "fault.full FAIL differs: silently lost: no error at write, fsync or close, the guest wrote ${wrote:-0} bytes, the host has $host"
	elif [ "$where" = none ]; then
		echo "fault.full PASS no error, nothing lost (the host took ${wrote:-0} bytes)"
	else
		echo "fault.full PASS error at $where ($errs); guest wrote ${wrote:-0} before it, host has $host, guest reads $(awk '$2 == "size" { print $3, $4 }' "$out")"
	fi
}

# fault_gone_verdict OUT ENDED: the rename/remove probe's SEM line from
# the GONE lines; ENDED is yes when the guest ended within the bound.
fault_gone_verdict() {
	local out=$1 ended=$2 probe=$3 calls
	calls=$(awk '$1 == "GONE" && $2 != "" { last[$2] = $3; if (!($2 in seen)) { seen[$2] = 1; o[++n] = $2 } }
		END { for (i = 1; i <= n; i++) printf "%s%s=%s", (i > 1 ? " " : ""), o[i], last[o[i]] }' "$out")
	if [ "$ended" != yes ]; then
		echo "fault.$probe FAIL differs: the guest did not end within $FAULT_BOUND s of READY (hung); last: ${calls:-nothing}"
	elif ! grep -q '^GONE-END' "$out"; then
		echo "fault.$probe PASS bounded: the guest ended early (no GONE-END); last: ${calls:-nothing}"
	else
		echo "fault.$probe PASS bounded; last: $calls"
	fi
}

# fault_boot CONFIG BASE CMD...: start the loop guest in the background
# (DUR_PID), its lines in BASE.out.
fault_boot() {
	local config=$1 base=$2 flags
	shift 2
	flags=$(dur_flags "$config")
	# shellcheck disable=SC2086 # flags: words on purpose
	"$RUN9P" --accel tcg --timeout $((DUR_BOOT_WAIT + FAULT_BOUND + 30)) -k "$KERNEL_IMAGE" \
		--modules "$KERNEL_BASE" -r "$FAULT_ROOT" --passthrough-as-root $flags \
		-- "$@" </dev/null >"$base.out" 2>"$base.err" &
	DUR_PID=$!
}

# fault_wait_end SECONDS: 0 when the guest (DUR_PID) ended within them.
fault_wait_end() {
	local end=$((SECONDS + $1))
	while kill -0 "$DUR_PID" 2>/dev/null; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
	wait "$DUR_PID" 2>/dev/null
	DUR_PID=
}

# fault_full CONFIG: the full probe; its SEM line on stdout.
fault_full() {
	local config=$1 base=$FAULT_LOGS/$1.full host=0
	if [ "$(id -u)" != 0 ]; then
		echo "fault.full SKIP mounting the small tmpfs needs root"
		return
	fi
	mkdir -p "$FAULT_ROOT/full"
	mount -t tmpfs -o "size=${FAULT_FULL_KB}k,mode=0777" root9p-full "$FAULT_ROOT/full" || {
		echo "fault.full SKIP cannot mount a tmpfs on $FAULT_ROOT/full"; return; }
	fault_boot "$config" "$base" /bin/semfault fill /full/f $((FAULT_FULL_KB * 2048))
	if ! fault_wait_end $((DUR_BOOT_WAIT + FAULT_BOUND)); then
		dur_stop
	fi
	[ ! -f "$FAULT_ROOT/full/f" ] || host=$(stat -c %s "$FAULT_ROOT/full/f")
	umount "$FAULT_ROOT/full"
	tr -d '\r' <"$base.out" | grep '^FILL' >"$base.lines"
	if [ ! -s "$base.lines" ] && dur_no_virtiofs "$base.err"; then
		echo "fault.full SKIP the loop guest has no virtiofs"
		return
	fi
	fault_full_verdict "$base.lines" "$host"
}

# fault_gone CONFIG rename|remove: the root folder goes at READY.
fault_gone() {
	local config=$1 how=$2 base=$FAULT_LOGS/$1.$2 ended=no
	fault_boot "$config" "$base" /bin/semfault gone / "$FAULT_GONE_S"
	if ! dur_wait_lines "$base.out" READY 1 "$DUR_BOOT_WAIT"; then
		dur_stop
		if dur_no_virtiofs "$base.err"; then echo "fault.$how SKIP the loop guest has no virtiofs"
		else echo "fault.$how FAIL differs: the guest did not start: $(tail -n 2 "$base.err" | tr '\n' ' ')"; fi
		return
	fi
	case $how in
	rename) mv "$FAULT_ROOT" "$FAULT_ROOT.gone" ;;
	remove) rm -rf --one-file-system "$FAULT_ROOT" ;;
	esac
	if fault_wait_end "$FAULT_BOUND"; then ended=yes; else dur_stop; fi
	rm -rf --one-file-system "$FAULT_ROOT.gone"
	tr -d '\r' <"$base.out" | grep '^GONE' >"$base.lines"
	fault_gone_verdict "$base.lines" "$ended" "$how"
	echo "fault.$how.lines INFO $(sed 's/^GONE //' "$base.lines" | tr '\n' ';')"
}

# fault_root: a fresh tiny root with semfault in FAULT_ROOT.
fault_root() {
	rm -rf --one-file-system "$FAULT_ROOT" "$FAULT_ROOT.gone"
	scripts/mkroot-tiny.sh "$FAULT_ROOT" >/dev/null && cp "$FAULT_BIN" "$FAULT_ROOT/bin/semfault"
}

# fault_stop: the guest ended, the small tmpfs unmounted, the renamed
# root removed (sem_suite_traps removes the rest).
fault_stop() {
	dur_stop
	if mountpoint -q "$FAULT_ROOT/full"; then umount "$FAULT_ROOT/full"; fi
	rm -rf --one-file-system "$FAULT_ROOT.gone"
}

fault_main() {
	local c p line
	local -a clist plist
	# shellcheck source=semantics/durability.sh
	. "$(dirname "${BASH_SOURCE[0]}")/durability.sh"
	SEM_PROG=faults SEM_OPT_FN="" SEM_NUM_OPT="" SEM_KERNEL=bookworm
	SEM_USAGE="usage: semantics/faults.sh [--configs none,mmap,loose,virtiofs] [--probes full,rename,remove] [--kernel bookworm|trixie] [--out DIR]"
	SEM_CONFIGS=none,mmap,loose,virtiofs SEM_CONFIG_REFUSE=virtiofs-killd
	declare -gA SEM_VAL=([--probes]="full,rename,remove")
	sem_suite_opts "$@"
	sem_suite_list --probes probe full,rename,remove full rename remove
	clist=("${SEM_LIST[@]}") plist=("${SEM_ITEMS[@]}")
	sem_suite_start
	FAULT_BIN=$PWD/$O/$LIBC/semfault
	FAULT_WORK=$SEM_WORK FAULT_OUT=$SEM_OUT FAULT_LOGS=$SEM_LOGS FAULT_ROOT=$SEM_ROOT
	DUR_PID=
	sem_suite_traps fault_stop
	echo "semantics-faults: work dir $FAULT_WORK, results in $FAULT_OUT"
	t_plan $((${#clist[@]} * ${#plist[@]}))
	make -s "$O/$LIBC/semfault" O="$O" LIBC="$LIBC" >/dev/null || {
		t_skip_rest "cannot build $O/$LIBC/semfault"; t_done semantics-faults; exit 1; }
	eval "$(scripts/fetch-kernel.sh --env "$SEM_KERNEL")" || {
		t_skip_rest "no $SEM_KERNEL kernel (scripts/fetch-kernel.sh --env $SEM_KERNEL)"; t_done semantics-faults; exit 1; }
	for c in "${clist[@]}"; do
		: >"$FAULT_OUT/$c.sem"
		for p in "${plist[@]}"; do
			echo "$c: $p"
			fault_root || { fail "$c $p: cannot make the tiny root"; continue; }
			case $p in
			full) fault_full "$c" ;;
			*) fault_gone "$c" "$p" ;;
			esac >"$FAULT_LOGS/$c.$p.sem"
			while read -r line; do
				echo "SEM $line" >>"$FAULT_OUT/$c.sem"
				# shellcheck disable=SC2086 # the words of the line, on purpose
				set -- $line
				case $2 in
				PASS) pass "$c $1: ${*:3}" ;;
				FAIL) fail "$c $1: ${*:3}" ;;
				SKIP) skip "$c $1: ${*:3}" ;;
				esac
			done <"$FAULT_LOGS/$c.$p.sem"
		done
	done
	{
		echo "kernel $KVER"
		echo "qemu $(qemu-system-x86_64 --version | head -n 1)"
		echo "date $(date -u +%Y-%m-%dT%H:%MZ)"
	} >"$FAULT_OUT/faults.env"
	t_done semantics-faults
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	fault_main "$@"
fi
