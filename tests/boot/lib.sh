# tests/boot/lib.sh - helpers for boot tests: boot a guest, read what the
# probe printed, count checks. Sourced by tests/boot/*.sh.
#
# Every boot is bounded (BOOT_TIMEOUT) and uses TCG: KVM guests hang on
# the machines this runs on. Console logs are kept in $LOGDIR.

T_PASS=0
T_FAIL=0
T_SKIP=0
BOOT_TIMEOUT=${BOOT_TIMEOUT:-150}
RUN9P=${RUN9P:-scripts/run9p}

pass() { T_PASS=$((T_PASS + 1)); echo "  ok   $*"; }
fail() { T_FAIL=$((T_FAIL + 1)); echo "  FAIL $*"; [ -n "${LOG:-}" ] && echo "       (console log: $LOG)"; return 0; }
# skip DESCRIPTION: a check that cannot run here (say why in DESCRIPTION);
# counted apart, never as passed.
skip() { T_SKIP=$((T_SKIP + 1)); echo "  skip $*"; }

# check DESCRIPTION COMMAND...: one check.
check() {
	desc=$1; shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# Console lines without the serial line's \r.
# Kernel-log lines (init9p's, the probe's "@@") lose their timestamp.
# Terminal escapes go too: systemd's status lines (ESC[K, colours) share
# the serial line with kmsg and can land before a timestamp.
console() { tr -d '\r' < "$LOG" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/^\[ *[0-9]*\.[0-9]*\] //'; }
# has PATTERN: the console shows a line matching the fixed string.
has() { console | grep -qF -- "$1"; }
hasnt() { ! has "$1"; }
# probe KEY: the values the probe printed as "@@ KEY value".
probe() { console | sed -n "s/^@@ $1 //p"; }
# probe_is KEY VALUE
probe_is() { [ "$(probe "$1" | head -n 1)" = "$2" ]; }
# probe_has KEY PATTERN (grep -E on the values)
probe_has() { probe "$1" | grep -qE -- "$2"; }

# The mountinfo line of a mount point, as the probe printed it.
mountinfo_of() { probe mountinfo | awk -v m="$1" '$5 == m' | tail -n 1; }

# treesum DIR: names, types, modes, owners, sizes, mtimes and contents of
# everything under DIR but out/ (where the guest is allowed to write).
treesum() {
	(cd "$1" && find . -path ./out -prune -o -printf '%p %y %m %U:%G %s %T@ %l\n' | sort &&
		find . -path ./out -prune -o -type f -print0 | sort -z | xargs -0 md5sum) | md5sum | cut -d' ' -f1
}

# boot NAME RUN9P-ARGS...: boot to the end (the guest powers off or QEMU
# is killed at BOOT_TIMEOUT). Sets LOG and RC. The test roots are made by
# root with real owners and symlinks: as root they boot only with QEMU as
# root and passthrough, which run9p wants said (--passthrough-as-root; it
# is ignored when run9p does not run as root).
boot() {
	name=$1; shift
	LOG=$LOGDIR/$name.log
	echo "boot $name"
	"$RUN9P" --accel tcg --timeout "$BOOT_TIMEOUT" --passthrough-as-root "$@" </dev/null >"$LOG" 2>&1 && RC=0 || RC=$?
}

# wait_for PATTERN SECONDS: until the console shows PATTERN; 1 on timeout.
wait_for() {
	n=0
	while ! has "$1"; do
		n=$((n + 1))
		[ "$n" -gt $(($2 * 5)) ] && return 1
		kill -0 "$QPID" 2>/dev/null || { has "$1"; return; }
		sleep 0.2
	done
}

# boot_bg NAME RUN9P-ARGS...: start a boot in the background with a FIFO
# on its console input (fd 7). Use wait_for, send, then stop_bg.
boot_bg() {
	name=$1; shift
	LOG=$LOGDIR/$name.log
	echo "boot $name"
	rm -f "$LOGDIR/$name.in"
	mkfifo "$LOGDIR/$name.in"
	"$RUN9P" --accel tcg --timeout "$BOOT_TIMEOUT" --passthrough-as-root "$@" <"$LOGDIR/$name.in" >"$LOG" 2>&1 &
	QPID=$!
	exec 7>"$LOGDIR/$name.in"
}

# send LINE: type a line on the guest's serial console.
send() { printf '%s\n' "$1" >&7; }

# stop_bg [SECONDS]: wait for QEMU to end by itself, then kill it.
stop_bg() {
	n=0
	while kill -0 "$QPID" 2>/dev/null && [ "$n" -lt $((${1:-10} * 5)) ]; do
		sleep 0.2; n=$((n + 1))
	done
	if kill -0 "$QPID" 2>/dev/null; then
		pkill -P "$QPID" 2>/dev/null || true
		kill "$QPID" 2>/dev/null || true
	fi
	wait "$QPID" 2>/dev/null && RC=0 || RC=$?
	exec 7>&-
	rm -f "$LOGDIR/$name.in"
}

# check_9p_root LABEL: what every initrd must leave behind with the howto's
# rootflags: a 9p root from fsRoot with msize clamped, the cache mode as
# this kernel prints it ($CACHE_SHOWN), posixacl, rw, a tmpfs /tmp, the
# initramfs gone, the 9p modules loaded. Reads the probe of the last boot.
check_9p_root() {
	local root_mi tmp_mi
	root_mi=$(mountinfo_of /)
	tmp_mi=$(mountinfo_of /tmp)
	check "$1: the guest ran the probe to the end" probe_is done yes
	check "$1: / is 9p from tag fsRoot" grep -qE ' - 9p fsRoot ' <<<"$root_mi"
	check "$1: msize shows the virtio clamp (512000)" grep -q 'msize=512000' <<<"$root_mi"
	check "$1: cache as this kernel prints it ($CACHE_SHOWN)" grep -q "$CACHE_SHOWN" <<<"$root_mi"
	check "$1: posixacl" grep -q 'posixacl' <<<"$root_mi"
	check "$1: / is read-write" grep -qE '^[0-9]+ [0-9]+ [0-9:]+ / / rw' <<<"$root_mi"
	check "$1: /tmp is tmpfs nosuid,nodev" \
		grep -qE ' /tmp rw,nosuid,nodev[^ ]* .*- tmpfs ' <<<"$tmp_mi"
	check "$1: /tmp mode 1777" probe_is tmpmode 1777
	check "$1: initramfs gone (no /init, no /lib/modules)" probe_is initramfs_left 0
	check "$1: 9p modules loaded" probe_has module '^9pnet_virtio$'
}

# probe_unit ROOT: a systemd unit that runs ROOT's /usr/local/sbin/root9p-probe
# (the caller writes it) once multi-user.target is reached.
probe_unit() {
	cat >"$1/etc/systemd/system/root9p-probe.service" <<'EOF'
[Unit]
Description=root9p probe: record what the guest saw, then power off
After=multi-user.target

[Service]
# simple, not oneshot: is-system-running --wait must not wait for us.
Type=simple
ExecStart=/usr/local/sbin/root9p-probe

[Install]
WantedBy=multi-user.target
EOF
	ln -sf /etc/systemd/system/root9p-probe.service \
		"$1/etc/systemd/system/multi-user.target.wants/root9p-probe.service"
}

t_done() {
	echo "$1: $T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
	[ "$T_FAIL" -eq 0 ]
}
