#!/bin/bash
# SPDX-License-Identifier: MIT
# semantics/coherence.sh - how soon each side of a shared root sees the
# other's changes: per configuration, a run9p loop guest runs semdurable
# watch on two folders (one held by an O_PATH descriptor, as root9p-pin
# holds /etc and the others; one not), the host edits, appends, creates,
# deletes, renames and chmods a file in each, and times each SEEN line;
# the guest writes a file without fsync and the host times when it shows.
#
#   semantics/coherence.sh [--configs LIST] [--bound S] [--kernel bookworm|trixie]
#                          [--out DIR]
#
# Writes DIR/<config>.coh (SEM coherence.* INFO lines: milliseconds from
# the host's change to the guest's line reaching the host, or "never"
# within the bound) and DIR/coherence.md; ends with
# "semantics-coherence: N passed, N failed, N skipped", a check per
# configuration that its guest ran and said READY. Latencies include the
# guest's 5 ms poll and the host's 10 ms follow of the output file.
# Sourcing it defines the functions only.
set -u

COH_BOOT_WAIT=240	# s for the guest's READY (TCG, a loaded host)
COH_CHANGES="edit append create delete rename chmod"
COH_CONDS="edit.content edit.open_fd edit.mtime append.size append.content create.name create.readdir delete.name delete.readdir rename.new rename.old chmod.mode"
COH_FILE_LEN=4096
# dur_flags (a configuration's run9p arguments), dur_qemu_of, and
# semantics/suite.sh's options and start of a run (sem_suite_*).
# shellcheck source=semantics/durability.sh
. "$(dirname "${BASH_SOURCE[0]}")/durability.sh"

# coh_now: the host's clock in ms.
coh_now() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

# coh_prepare DIR: the files the guest watches, as they are before the boot.
coh_prepare() {
	mkdir -p "$1"
	head -c "$COH_FILE_LEN" /dev/zero | tr '\0' A >"$1/edit"
	cp "$1/edit" "$1/append"
	echo deleted >"$1/deleted"
	echo renamed >"$1/renamed.old"
	echo mode >"$1/mode"
	chmod 0644 "$1/mode"
	rm -f "$1/created" "$1/renamed.new" "$1/guest.nosync"
	# An mtime in the past, so the edit's mtime differs even at a coarse tick.
	touch -d '2020-01-01' "$1/edit"
}

# coh_change KIND DIR: the host's change of KIND in DIR.
coh_change() {
	case $1 in
	edit) head -c "$COH_FILE_LEN" /dev/zero | tr '\0' B |
		dd of="$2/edit" conv=notrunc status=none ;;
	append) echo appended >>"$2/append" ;;
	create) echo created >"$2/created" ;;
	delete) rm "$2/deleted" ;;
	rename) mv "$2/renamed.old" "$2/renamed.new" ;;
	chmod) chmod 0600 "$2/mode" ;;
	esac
}

# coh_follow FILE: read FILE's new lines into COH_LINES with their host
# arrival time (ms) in COH_AT; COH_N lines so far.
coh_follow() {
	local -a now=()
	local i t
	[ -e "$1" ] || return 0
	mapfile -t now <"$1"
	t=$(coh_now)
	for ((i = COH_N; i < ${#now[@]}; i++)); do
		COH_LINES[i]=${now[i]}
		COH_AT[i]=$t
	done
	COH_N=${#now[@]}
}

# coh_wait_for FILE WORD SECONDS: follow FILE until a line starts with WORD.
coh_wait_for() {
	local end=$((SECONDS + $3)) i
	while [ $SECONDS -lt $end ]; do
		coh_follow "$1"
		for ((i = 0; i < COH_N; i++)); do
			[ "${COH_LINES[i]%% *}" != "$2" ] || return 0
		done
		kill -0 "$COH_PID" 2>/dev/null || return 1
		sleep 0.01
	done
	return 1
}

# coh_config CONFIG BOUND: one guest; its SEM lines into $COH_OUT/CONFIG.coh.
coh_config() {
	local config=$1 bound=$2 base=$COH_LOGS/$1 out=$COH_OUT/$1.coh flags
	local t0 t i k dir cond key line seen_at ready_at=0 ms
	local -A changed_at=() seen=()
	COH_N=0
	COH_LINES=()
	COH_AT=()
	rm -rf "$COH_ROOT/coh"
	coh_prepare "$COH_ROOT/coh/held"
	coh_prepare "$COH_ROOT/coh/plain"
	flags=$(dur_flags "$config")
	: >"$base.out"
	# shellcheck disable=SC2086 # flags: words on purpose
	"$RUN9P" --accel tcg --timeout $((COH_BOOT_WAIT + 4 * bound + 60)) -k "$KERNEL_IMAGE" \
		--modules "$KERNEL_BASE" -r "$COH_ROOT" --passthrough-as-root $flags \
		-- /bin/semdurable watch $((3 * bound + 5)) /coh/held /coh/plain \
		</dev/null >"$base.out" 2>"$base.err" &
	COH_PID=$!
	: >"$out"
	if ! coh_wait_for "$base.out" READY "$COH_BOOT_WAIT"; then
		coh_stop
		if dur_no_virtiofs "$base.err"; then
			skip "$config: this kernel and run9p's loop have no virtiofs: $(grep -m 1 virtiofs "$base.err")"
			echo "SEM coherence.run SKIP the loop guest has no virtiofs" >>"$out"
			return 0
		fi
		fail "$config: the guest said READY (see $base.err: $(tail -n 1 "$base.err"))"
		echo "SEM coherence.run FAIL no READY: $(tail -n 1 "$base.err")" >>"$out"
		coh_stop
		return 0
	fi
	pass "$config: the guest said READY"
	for ((i = 0; i < COH_N; i++)); do
		case ${COH_LINES[i]} in
		READY) ready_at=${COH_AT[i]} ;;
		EARLY*) echo "SEM coherence.${COH_LINES[i]#EARLY } INFO early (seen before the host's change)" >>"$out" ;;
		esac
	done

	# The guest's write without fsync: when does the host's read show it?
	t0=$(coh_now)
	t=never
	while [ $(($(coh_now) - t0)) -lt $((bound * 1000)) ]; do
		if grep -qx GUEST-NOSYNC "$COH_ROOT/coh/plain/guest.nosync" 2>/dev/null; then
			t="$(($(coh_now) - t0)) ms"
			break
		fi
		sleep 0.01
	done
	[ "$t" != never ] || t="never (not within $bound s)"
	echo "SEM coherence.guest_write_nosync INFO $t" >>"$out"

	# The host's changes, both folders, one after the other.
	for dir in held plain; do
		for k in $COH_CHANGES; do
			changed_at[$dir.$k]=$(coh_now)
			coh_change "$k" "$COH_ROOT/coh/$dir"
		done
	done
	t0=$(coh_now)
	while [ $(($(coh_now) - t0)) -lt $((bound * 1000)) ]; do
		coh_follow "$base.out"
		for ((i = 0; i < COH_N; i++)); do
			line=${COH_LINES[i]}
			[ "${line%% *}" = SEEN ] || continue
			key=${line#SEEN }
			key=${key%% *}
			ms=${line##*ms=}
			seen[$key]=$((ready_at + ms))
		done
		[ "${#seen[@]}" -lt 24 ] || break
		kill -0 "$COH_PID" 2>/dev/null || break
		sleep 0.01
	done
	coh_wait_for "$base.out" WATCH-END $((3 * bound)) &&
		for ((i = 0; i < COH_N; i++)); do
			line=${COH_LINES[i]}
			[ "${line%% *}" != WATCH-END ] ||
				echo "SEM coherence.poll INFO ${line#WATCH-END }" >>"$out"
		done
	for dir in held plain; do
		for cond in $COH_CONDS; do
			k=${cond%%.*}
			seen_at=${seen[$dir.$cond]:-}
			if [ -z "$seen_at" ]; then
				grep -q "^SEM coherence.$dir.$cond " "$out" ||
					echo "SEM coherence.$dir.$cond INFO never (not within $bound s)" >>"$out"
			else
				echo "SEM coherence.$dir.$cond INFO $((seen_at - ${changed_at[$dir.$k]})) ms" >>"$out"
			fi
		done
	done
	coh_stop
}

# coh_stop: end the running guest, if any: its QEMU, then run9p.
coh_stop() {
	local q
	[ -n "${COH_PID:-}" ] || return 0
	q=$(dur_qemu_of "$COH_PID")
	[ -z "$q" ] || kill -KILL "$q" 2>/dev/null
	kill "$COH_PID" 2>/dev/null
	wait "$COH_PID" 2>/dev/null
	COH_PID=
}

# coh_summary DIR CONFIG...: the Markdown table of DIR's .coh files.
coh_summary() {
	local dir=$1 c cond row
	shift
	printf '| change, as the guest sees it |'
	for c in "$@"; do printf ' %s |' "$c"; done
	echo
	printf '|---|'
	for c in "$@"; do printf -- '---|'; done
	echo
	for cond in guest_write_nosync $(for d in held plain; do for x in $COH_CONDS; do echo "$d.$x"; done; done); do
		row="| $cond |"
		for c in "$@"; do
			row="$row $(awk -v n="coherence.$cond" '$2 == n { $1 = $2 = $3 = ""; sub(/^ +/, ""); v = $0 }
				END { print (v == "" ? "not run" : v) }' "$dir/$c.coh" 2>/dev/null) |"
		done
		echo "$row"
	done
}

coh_main() {
	local c name=semantics-coherence bound
	local -a list
	SEM_PROG=coherence SEM_OPT_FN="" SEM_NUM_OPT=--bound SEM_NUM=5
	SEM_USAGE="usage: semantics/coherence.sh [--configs none,mmap,loose,virtiofs] [--bound S] [--kernel bookworm|trixie] [--out DIR]"
	SEM_NUM_WHAT="wait bound" SEM_NUM_UNIT=seconds SEM_CONFIGS=none,mmap,loose,virtiofs SEM_KERNEL=bookworm
	sem_suite_opts "$@"
	bound=$SEM_NUM list=("${SEM_LIST[@]}")
	sem_suite_start
	COH_WORK=$SEM_WORK COH_OUT=$SEM_OUT COH_LOGS=$SEM_LOGS COH_ROOT=$SEM_ROOT
	COH_PID=
	sem_suite_traps coh_stop
	echo "$name: work dir $COH_WORK, results in $COH_OUT"
	t_plan "${#list[@]}"
	sem_suite_prepare "$name" "$COH_OUT/coherence.env"
	echo "bound $bound" >>"$COH_OUT/coherence.env"
	for c in "${list[@]}"; do
		echo "$c: coherence"
		coh_config "$c" "$bound"
	done
	coh_summary "$COH_OUT" "${list[@]}" >"$COH_OUT/coherence.md"
	cat "$COH_OUT/coherence.md"
	t_done "$name"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	coh_main "$@"
fi
