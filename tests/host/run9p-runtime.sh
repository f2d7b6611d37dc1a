#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/host/run9p-runtime.sh - run9p's lifetime without a guest (#29
# items 6 and 9, #25): QEMU is a stand-in (QEMU=) that records its argv,
# its stdin and the signals it gets, writes the status and console bytes
# a test chose into the loop's port files and sleeps; virtiofsd and
# mkinitrd9p are stand-ins too, the kernel a file with a bzImage header.
# Checked: INT, TERM and HUP to run9p reach QEMU (and stop the daemon),
# run9p waits for it and exits 128+N; no run9p.* or run9p-vfs.* folder is
# left (TMPDIR is the suite's own); the loop's stdin is QEMU's own, a
# terminal's through a relay that ends with run9p (#26); --timeout; the
# status channel takes only "exit N [MS]" with N 0-255; the guest's bytes
# in run9p's own lines are escaped (compared as bytes, with od).
#
# Ends with "run9p-runtime: N passed, N failed, N skipped"; fewer results
# than its plan is a failure.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/boot/lib.sh
t_plan 57
RUN9P=$(realpath "$RUN9P")

t_workdir run9p-runtime "run9p runtime tests"
W=$WORK
TMPD=$W/tmp
mkdir -p "$TMPD" "$W/bin" "$W/root" "$W/cache" "$W/mods/lib/modules/6.1.0-stub"
: >"$W/mods/lib/modules/6.1.0-stub/modules.dep"
: >"$W/initrd"

# A kernel file as far as run9p reads it: "HdrS" at 0x202, the version
# string's offset (relative to 0x200) at 0x20e.
head -c 2048 /dev/zero >"$W/vmlinuz"
printf 'HdrS' | dd of="$W/vmlinuz" bs=1 seek=514 conv=notrunc 2>/dev/null
printf '\000\002' | dd of="$W/vmlinuz" bs=1 seek=526 conv=notrunc 2>/dev/null
printf '6.1.0-stub (stub@run9p) #1\000' | dd of="$W/vmlinuz" bs=1 seek=1024 conv=notrunc 2>/dev/null

# The stand-in QEMU. STUB: its folder of records; stub.status and
# stub.console (when there) are copied into the loop's status and console
# files; STUB_SLEEP seconds, then exit STUB_RC.
cat >"$W/bin/qemu" <<'EOF'
#!/bin/bash
for a; do case $a in -version) exit 0 ;; -help) exit 0 ;; esac; done
printf '%s\n' "$@" >"$STUB/argv"
readlink /proc/self/fd/0 >"$STUB/stdin"
# run9p's other children named cat: the loop's stdin relay.
pgrep -P "$PPID" -x cat >"$STUB/relay"
for a; do
	case $a in
	file,id=r9pst,path=*) [ ! -f "$STUB/stub.status" ] || cat "$STUB/stub.status" >"${a#*path=}" ;;
	file,id=con0,path=*) [ ! -f "$STUB/stub.console" ] || cat "$STUB/stub.console" >"${a#*path=}" ;;
	esac
done
sleep "${STUB_SLEEP:-0}" &
for s in INT TERM HUP; do
	trap "echo $s >>'$STUB/signals'; kill $!; exit 0" "$s"
done
echo $$ >"$STUB/pid"
wait $!
exit "${STUB_RC:-0}"
EOF
# The stand-in Rust virtiofsd: a socket at --socket-path, the signals it gets.
cat >"$W/bin/virtiofsd" <<'EOF'
#!/bin/bash
case $* in *--help*) echo "  --shared-dir <DIR>"; echo "  --uid-map <MAP>"; exit 0 ;; esac
for a; do case $a in --socket-path=*) sock=${a#*=} ;; esac; done
printf '%s\n' "$@" >"$STUB/vfs.argv"
perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Local => $ARGV[0], Listen => 1) or die "$!\n"' "$sock"
sleep 60 &
trap "echo TERM >>'$STUB/vfs.signals'; kill $!; exit 0" TERM
echo $$ >"$STUB/vfs.pid"
wait $!
EOF
# The stand-in mkinitrd9p: records its arguments, writes -o.
cat >"$W/bin/mkinitrd9p" <<'EOF'
#!/bin/bash
printf '%s\n' "$@" >"$STUB/mkinitrd.argv"
while [ $# -gt 0 ]; do [ "$1" = -o ] && : >"$2"; shift; done
EOF
chmod +x "$W/bin/"*

export MKINITRD9P=$W/bin/mkinitrd9p PAYLOAD9P=$W/bin/mkinitrd9p
export ROOT9P_CACHE=$W/cache TMPDIR=$TMPD QEMU=$W/bin/qemu
LOOP=(-k "$W/vmlinuz" --modules "$W/mods/lib/modules/6.1.0-stub" -r "$W/root"
	--accel tcg --no-pvh --passthrough-as-root)
BOOT=(-k "$W/vmlinuz" -i "$W/initrd" -r "$W/root" --accel tcg --no-pvh --passthrough-as-root)
VFS=(--fs virtiofs --virtiofsd "$W/bin/virtiofsd")
n=0

# stub NAME: a fresh record folder for the next run, as STUB.
stub() {
	n=$((n + 1))
	export STUB=$W/$n-$1 STUB_SLEEP=0 STUB_RC=0
	mkdir -p "$STUB"
}
# run ARGS...: run9p in the foreground; RC, and its stderr in $STUB/err.
run() { "$RUN9P" "$@" </dev/null >"$STUB/out" 2>"$STUB/err" && RC=0 || RC=$?; }
# left: the run9p folders left in TMPDIR, and the loop's status and
# console files left in the cache's run folder (as run/NAME).
left() {
	(cd "$TMPD" && ls -d run9p* 2>/dev/null)
	(cd "$ROOT9P_CACHE" 2>/dev/null && ls -d run/* 2>/dev/null)
}
# esc_free FILE: FILE holds no ESC (0x1b), CSI (0x9b) or BEL (0x07) byte.
esc_free() { ! od -An -v -tx1 "$1" | tr ' ' '\n' | grep -qx -e 1b -e 9b -e 07; }
# wait_file FILE: until FILE exists (10 s at most).
wait_file() {
	local i
	for ((i = 0; i < 100; i++)); do [ -s "$1" ] && return 0; sleep 0.1; done
	return 1
}
# relay_gone: no process the stand-in QEMU saw as the stdin relay is left.
relay_gone() {
	local p
	while read -r p; do ! kill -0 "$p" 2>/dev/null || return 1; done <"$STUB/relay"
}
# gone PIDFILE: the process whose pid is in PIDFILE is no more.
gone() { ! kill -0 "$(cat "$1")" 2>/dev/null; }
# said LINE: run9p's stderr of this run has LINE, whole.
said() { grep -qxF -- "$1" "$STUB/err"; }
# exited N: run9p's status was N.
exited() { [ "$RC" = "$1" ]; }
# nothing_left: no run9p.* or run9p-vfs.* folder in TMPDIR.
nothing_left() { [ -z "$(left)" ]; }
# qemu_termed: the stand-in QEMU got SIGTERM.
qemu_termed() { grep -qx TERM "$STUB/signals"; }
# vfs_stopped: the stand-in daemon got SIGTERM and is gone.
vfs_stopped() { grep -qx TERM "$STUB/vfs.signals" && gone "$STUB/vfs.pid"; }
# vfs_termed: the stand-in daemon got SIGTERM.
vfs_termed() { grep -qx TERM "$STUB/vfs.signals"; }
# within SECONDS: less than SECONDS since t0.
within() { [ $((SECONDS - t0)) -lt "$1" ]; }

# --- the status channel ------------------------------------------------
status_case() { # LABEL LINES WANT-RC
	stub status
	printf '%b' "$2" >"$STUB/stub.status"
	run "${LOOP[@]}" -- true
	check "status '$1': exit $3" [ "$RC" = "$3" ]
}
status_case "exit 0 MS" 'start 5\nexit 0 812\n' 0
check "status 'exit 0': no run9p.* folder in TMPDIR, no file in the cache's run/" [ -z "$(left)" ]
status_case "exit 3 MS" 'exit 3 812\n' 3
status_case "exit 255 -1" 'exit 255 -1\n' 255
status_case "exit 300" 'exit 300 812\n' 118
check "status 'exit 300': said malformed, by the line" \
	grep -qxF "run9p: the guest's status line is malformed: 'exit 300 812' (payload9p writes 'exit N MS', N 0-255, MS its clock or -1)" "$STUB/err"
# kept_one_named: one status and console pair left, the one the message names.
kept_one_named() {
	[ "$(left | wc -l)" = 2 ] && [ "$(left | grep -c '\.console\.log$')" = 1 ] &&
		grep -qF "console log: $ROOT9P_CACHE/$(left | grep '\.console\.log$'))" "$STUB/err"
}
check "status 'exit 300': the files kept are the ones named, and only they" kept_one_named
# clear_left: the kept folders and files removed.
clear_left() { rm -rf "${TMPD:?}"/run9p.* "${ROOT9P_CACHE:?}"/run/*; }
clear_left
status_case "exit -1" 'exit -1 5\n' 118
status_case "exit 12x" 'exit 12x 5\n' 118
status_case "exit 0300" 'exit 0300 5\n' 118
status_case "exit 256" 'exit 256\n' 118
status_case "exit (no number)" 'exit\n' 118
status_case "exit 7 then exit 999" 'exit 7 5\nexit 999 6\n' 118
clear_left
status_case "exit 124 (CMD's own)" 'exit 124 812\n' 124
# own_124: the note that 124 is CMD's own, and no timeout message.
own_124() {
	said "run9p: note: exit status 124 is CMD's own (run9p's own 124 comes with its message)" &&
		! grep -q timeout "$STUB/err"
}
check "status 'exit 124': said to be CMD's own, no timeout message" own_124

# --- the guest's bytes are escaped ---------------------------------------
stub fail-osc52
printf 'fail cannot mount: \033]52;c;cm0gLXJmIH4=\007\233[2J\\ done\n' >"$STUB/stub.status"
run "${LOOP[@]}" -- true
check "a fail line with OSC 52: exit 125" [ "$RC" = 125 ]
check "a fail line: run9p's stderr holds no ESC, CSI or BEL byte" esc_free "$STUB/err"
check "a fail line: the bytes shown as \\xHH" \
	grep -qxF 'run9p: the guest could not run the command: cannot mount: \x1b]52;c;cm0gLXJmIH4=\x07\x9b[2J\x5c done' "$STUB/err"
stub console-tail
printf 'Booting\r\n[    1.0] Kernel panic - not syncing: \033]52;c;eA==\007\r\nend \033[31mred\n' >"$STUB/stub.console"
run "${LOOP[@]}" -- true
check "no status, a panic: exit 123" [ "$RC" = 123 ]
check "the panic line and the console tail: no ESC, CSI or BEL byte" esc_free "$STUB/err"
check "the panic line escaped" \
	grep -qxF 'run9p: the guest kernel panicked: Kernel panic - not syncing: \x1b]52;c;eA==\x07' "$STUB/err"
# tail_escaped: the console's last lines as run9p shows them.
tail_escaped() { said '  end \x1b[31mred' && said "  Booting"; }
check "the console tail escaped, the serial line's CR dropped" tail_escaped
clear_left

# --- signals ---------------------------------------------------------------
# waited_for_qemu N: run9p exited N, QEMU gone, within 30 s of t0.
waited_for_qemu() { exited "$1" && gone "$STUB/pid" && within 30; }
# sig_case NAME NUMBER ARGS...: run9p in the background (with the SIGINT
# a background job would ignore restored), SIGNAME once QEMU is up.
sig_case() {
	local sig=$1 num=$2 label=$3 pid t0
	shift 3
	stub "sig-$sig"
	STUB_SLEEP=300
	# env, not trap: bash cannot reset a signal that was ignored when it
	# started, and make check runs this suite in a background lane.
	env --default-signal=INT,QUIT "$RUN9P" "$@" </dev/null >"$STUB/out" 2>"$STUB/err" &
	pid=$!
	if ! wait_file "$STUB/pid"; then
		kill "$pid" 2>/dev/null
		wait "$pid"
		fail "$label: SIG$sig: QEMU never started ($(head -c 300 "$STUB/err"))"
		return
	fi
	t0=$SECONDS
	kill -s "$sig" "$pid"
	wait "$pid" && RC=0 || RC=$?
	check "$label: SIG$sig to run9p reaches QEMU" grep -qx "$sig" "$STUB/signals"
	check "$label: SIG$sig: run9p waited for QEMU (gone), exit $((128 + num)) within 30 s" \
		waited_for_qemu $((128 + num))
	check "$label: SIG$sig: no run9p.* or run9p-vfs.* left" nothing_left
}
sig_case TERM 15 "loop" "${LOOP[@]}" -- sleep 60
sig_case INT 2 "loop" "${LOOP[@]}" -- sleep 60
sig_case HUP 1 "loop" "${LOOP[@]}" -- sleep 60
sig_case TERM 15 "-i" "${BOOT[@]}"
stub stdin
"$RUN9P" "${BOOT[@]}" <"$W/initrd" >"$STUB/out" 2>"$STUB/err"
# stdin_is FILE: the stand-in QEMU's stdin was FILE.
stdin_is() { [ "$(cat "$STUB/stdin")" = "$1" ]; }
check "-i: QEMU reads run9p's stdin, not a background job's /dev/null" stdin_is "$W/initrd"
# The loop (#26): QEMU reads CMD's stdin itself (a stdio chardev behind
# the root9p.in port); a terminal through a relay that ends with run9p.
# loop_stdin_port FILE: run9p ended well, QEMU's stdin was FILE, and its
# arguments carry the stdio chardev and the root9p.in port.
loop_stdin_port() {
	[ "$RC" = 0 ] && stdin_is "$1" && grep -qx "stdio,id=r9pin,signal=off" "$STUB/argv" &&
		grep -qx "virtserialport,bus=r9pser.0,chardev=r9pin,name=root9p.in" "$STUB/argv"
}
# stdin_via_relay: QEMU's stdin was a pipe, and a relay was started.
stdin_via_relay() { grep -q "^pipe:" "$STUB/stdin" && [ -s "$STUB/relay" ]; }
stub loop-stdin
printf 'exit 0 1\n' >"$STUB/stub.status"
"$RUN9P" "${LOOP[@]}" -- cat <"$W/initrd" >"$STUB/out" 2>"$STUB/err" && RC=0 || RC=$?
check "loop: QEMU reads run9p's stdin (a file) itself, for the root9p.in port" \
	loop_stdin_port "$W/initrd"
if command -v script >/dev/null; then
	stub loop-tty
	printf 'exit 0 1\n' >"$STUB/stub.status"
	script -qec "$(printf '%q ' "$RUN9P" "${LOOP[@]}" -- cat) >$(printf %q "$STUB/out") 2>&1" /dev/null \
		< <(exec sleep 10) >/dev/null 2>&1
	check "loop, stdin a terminal: QEMU reads a pipe from a relay (cat), not the terminal (raw mode)" \
		stdin_via_relay
	check "... and the relay ended with run9p" relay_gone
else
	t_skip 2 "loop, stdin a terminal: no script(1) (apt-get install bsdutils)"
fi
sig_case TERM 15 "virtiofs -i" "${BOOT[@]}" "${VFS[@]}"
check "virtiofs -i: SIGTERM: the daemon was stopped" vfs_stopped
sig_case INT 2 "virtiofs loop" "${LOOP[@]}" "${VFS[@]}" -- sleep 60
check "virtiofs loop: SIGINT: the daemon was stopped" vfs_stopped

# --- virtiofs in the loop --------------------------------------------------
stub vfs-loop
rm -rf "$W/cache/loop"	# the initrd is built again: its arguments are seen
printf 'exit 0 5\n' >"$STUB/stub.status"
run "${LOOP[@]}" "${VFS[@]}" -- true
check "--fs virtiofs -- CMD: CMD's exit 0" [ "$RC" = 0 ]
check "--fs virtiofs -- CMD: the initrd is built for virtiofs" grep -qx -- --fstype=virtiofs "$STUB/mkinitrd.argv"
# socket_and_status: QEMU's argv has the daemon's socket and the status port.
socket_and_status() {
	grep -q "^socket,id=vfs-fsRoot,path=$TMPD/run9p-vfs\." "$STUB/argv" &&
		grep -q "^file,id=r9pst,path=$ROOT9P_CACHE/run/[0-9]*\.status$" "$STUB/argv"
}
# vfs_termed_nothing_left: the daemon got SIGTERM; TMPDIR is clean.
vfs_termed_nothing_left() { vfs_termed && nothing_left; }
check "--fs virtiofs -- CMD: QEMU got the socket and the status port" socket_and_status
check "--fs virtiofs -- CMD: the daemon stopped, nothing left in TMPDIR" vfs_termed_nothing_left
stub vfs-overlay
run "${LOOP[@]}" "${VFS[@]}" --overlay tmpfs -- true
# refused_before_start LINE: exit 2, said LINE, and neither QEMU nor the
# daemon started.
refused_before_start() {
	exited 2 && [ ! -e "$STUB/argv" ] && [ ! -e "$STUB/vfs.argv" ] && said "$1"
}
check "--fs virtiofs --overlay: refused by name before anything starts" refused_before_start \
	"run9p: --fs virtiofs with --overlay tmpfs: the loop's overlay works over a 9p root only; drop --fs virtiofs"

# --- the timeout -----------------------------------------------------------
stub timeout-loop
STUB_SLEEP=300
t0=$SECONDS
run "${LOOP[@]}" --timeout 1 -- sleep 60
# timed_out_within S: exit 124, QEMU got SIGTERM, within S seconds.
timed_out_within() { exited 124 && qemu_termed && within "$1"; }
check "--timeout 1, loop: exit 124, QEMU got SIGTERM, within 60 s (its sleep: 300)" timed_out_within 60
check "--timeout 1, loop: said, with the console log it keeps" \
	grep -qF "run9p: QEMU stopped after the 1 s timeout: CMD did not end (console log: $ROOT9P_CACHE/run/" "$STUB/err"
clear_left
stub timeout-i
STUB_SLEEP=300
run "${BOOT[@]}" "${VFS[@]}" --timeout 1
# timed_out_vfs: exit 124, QEMU and the daemon got SIGTERM.
timed_out_vfs() { exited 124 && qemu_termed && vfs_termed; }
# said_nothing_left LINE: said LINE; TMPDIR is clean.
said_nothing_left() { said "$1" && nothing_left; }
check "--timeout 1, virtiofs -i: exit 124, QEMU got SIGTERM, the daemon stopped" timed_out_vfs
check "--timeout 1, virtiofs -i: said; nothing left in TMPDIR" said_nothing_left \
	"run9p: QEMU stopped after the 1 s timeout (the guest did not power off: see its console output above)"
stub timer-pipe
printf 'exit 0 5\n' >"$STUB/stub.status"
t0=$SECONDS
"$RUN9P" "${LOOP[@]}" --timeout 60 -- true </dev/null 2>"$STUB/err" | cat >/dev/null
check "--timeout 60 with a quick CMD: a pipe reader sees EOF at once (the timer holds no fd)" \
	[ $((SECONDS - t0)) -lt 30 ]
stub qemu-fails
STUB_RC=1
run "${BOOT[@]}" "${VFS[@]}"
# exited_vfs_clean N: exit N, the daemon got SIGTERM, TMPDIR is clean.
exited_vfs_clean() { exited "$1" && vfs_termed && nothing_left; }
check "QEMU exits 1 (virtiofs -i): exit 1, the daemon stopped, nothing left" exited_vfs_clean 1

t_done run9p-runtime
