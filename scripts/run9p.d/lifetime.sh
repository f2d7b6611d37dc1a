# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# scripts/run9p.d/lifetime.sh - run9p's children and their end: QEMU in the
# background, the --timeout timer, signals passed on, and run9p_cleanup,
# the one EXIT trap that stops and removes everything run9p started.
# Sourced by scripts/run9p with the rest of run9p.d: the globals it
# reads and sets (QEMU among them, from the environment) are
# run9p_defaults' (args.sh), which shellcheck cannot see from here.
# shellcheck disable=SC2154,SC2034,SC2153

# --- the lifetime: one cleanup for everything run9p starts ---
# QEMU runs in the background so that run9p can pass INT, TERM and HUP on
# to it, wait for it to end and then exit 128+N; --timeout is a timer
# process that sends run9p SIGALRM. Whatever starts a resource first adds
# the function that releases it (cleanup_add: the timer, QEMU, the
# virtiofsd, diod, the terminal relay, the loop's folder, kept only when a
# message points into it, the libvirt XML's temporary file), and
# run9p_cleanup, the one EXIT trap, runs them last added first on every
# path (normal end, failure, timeout, signal). A part that starts
# something new adds its own, and never sets a trap.
PROC_STOP_WAIT=50	# tenths of a second between SIGTERM and SIGKILL

# proc_stop PID SIG: send SIG to our child PID, SIGKILL it when it is
# still there PROC_STOP_WAIT later, and reap it.
proc_stop() {
	local pid=$1 i
	kill -s "$2" "$pid" 2>/dev/null || true
	for ((i = 0; i < PROC_STOP_WAIT; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -s KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# cleanup_add FUNC: FUNC releases something run9p is about to start; the
# EXIT trap (run9p_cleanup) runs it, before those added earlier. Added
# before the start, so no window leaves it behind: FUNC does nothing for
# what was not started, and may run twice.
cleanup_add() {
	RUN9P_CLEANUPS+=("$1")
}

# The releases cleanup_add is given (vfs_stop and diod_stop are theirs).
# shellcheck disable=SC2317 # run by run9p_cleanup
timer_stop() {
	[ -z "$timer_pid" ] || proc_stop "$timer_pid" TERM
	timer_pid=""
}
# shellcheck disable=SC2317 # run by run9p_cleanup
qemu_stop() {
	[ -z "$qemu_pid" ] || proc_stop "$qemu_pid" TERM
	qemu_pid=""
}
# shellcheck disable=SC2317 # run by run9p_cleanup
loop_relay_stop() {
	[ -z "$LOOP_RELAY" ] || kill -s KILL "$LOOP_RELAY" 2>/dev/null || true
	LOOP_RELAY=""
}
# shellcheck disable=SC2317 # run by run9p_cleanup
loop_run_remove() {
	[ -z "$LOOP_RUN" ] || [ "$LOOP_KEEP" = 1 ] || rm -f -- "$LOOP_RUN.status" "$LOOP_RUN.console.log"
}
# shellcheck disable=SC2317 # run by run9p_cleanup
lv_tmp_remove() {
	[ -z "$lv_tmp" ] || rm -f "$lv_tmp"
	lv_tmp=""
}

# run9p_cleanup: every function cleanup_add was given, last added first,
# each once. The EXIT trap.
# shellcheck disable=SC2317 # the EXIT trap
run9p_cleanup() {
	local i
	trap '' INT TERM HUP ALRM
	for ((i = ${#RUN9P_CLEANUPS[@]} - 1; i >= 0; i--)); do
		"${RUN9P_CLEANUPS[i]}" || true
	done
	RUN9P_CLEANUPS=()
}

# run9p_signal NAME NUMBER: pass the signal on to QEMU, wait for it (at
# most PROC_STOP_WAIT), then end with 128+NUMBER through run9p_cleanup.
# shellcheck disable=SC2317 # the INT, TERM and HUP traps
run9p_signal() {
	trap '' INT TERM HUP ALRM
	if [ -n "$qemu_pid" ]; then
		log "SIG$1: passed on to QEMU; waiting for it to end"
		proc_stop "$qemu_pid" "$1"
		qemu_pid=""
	fi
	exit $((128 + $2))
}

# The timer's SIGALRM: QEMU gets SIGTERM (SIGKILL 5 s later).
# shellcheck disable=SC2317 # the ALRM trap
run9p_timeout() {
	timer_pid=""
	qemu_timed_out=1
	[ -z "$qemu_pid" ] || proc_stop "$qemu_pid" TERM
	qemu_pid=""
}

# qemu_run: start QEMU (with the SIGINT and SIGQUIT a background job would
# ignore restored, and run9p's own stdin), start the --timeout timer, wait.
# Sets qemu_rc, and qemu_timed_out=1 when the timer stopped QEMU.
qemu_run() {
	qemu_rc=0 qemu_timed_out=0
	cleanup_add qemu_stop
	(trap - INT QUIT; exec "${qemu[@]}") 0<&0 &
	qemu_pid=$!
	if [ "$timeout" != 0 ]; then
		# The timer holds none of run9p's output: a pipe reader sees EOF.
		(
			exec </dev/null >/dev/null 2>&1 3>&- 4>&-
			sleep "$timeout" &
			trap 'kill $! 2>/dev/null; exit 0' TERM
			wait $! && kill -s ALRM $$
		) &
		timer_pid=$!
		cleanup_add timer_stop
	fi
	wait "$qemu_pid" || qemu_rc=$?
	# QEMU ended: a timer firing now is too late to count.
	trap '' ALRM
	if [ "$qemu_timed_out" = 1 ]; then
		qemu_rc=124
	else
		qemu_pid=""
	fi
	[ -z "$timer_pid" ] || proc_stop "$timer_pid" TERM
	timer_pid=""
}
