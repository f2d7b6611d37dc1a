# tests/boot/lib.sh - helpers for boot tests: boot a guest, read what the
# probe printed. Sourced by tests/boot/*.sh from the top of the tree; the
# checks, the plan and the closing line are tests/lib/check.sh's.
# shellcheck shell=bash
#
# Every boot is bounded (BOOT_TIMEOUT) and uses TCG: KVM guests hang on
# the machines this runs on. Console logs are kept in $LOGDIR.

# shellcheck source=tests/lib/check.sh
. tests/lib/check.sh
BOOT_TIMEOUT=${BOOT_TIMEOUT:-150}
RUN9P=${RUN9P:-scripts/run9p}

# The howto's rootflags (msize above the virtio maximum: the clamp shows).
# shellcheck disable=SC2034 # for the suites
HOWTO_FLAGS="trans=virtio,version=9p2000.L,msize=5000000,cache=mmap,posixacl"

# t_options USAGE ARGS...: a suite's options, --libc L and --kernels LIST,
# into LIBC and KERNELS (the suite sets their defaults first); anything
# else prints "usage: USAGE" and exits 2.
t_options() {
	local usage=$1
	shift
	# shellcheck disable=SC2034 # LIBC, KERNELS: the suite's settings
	while [ $# -ge 2 ]; do
		case $1 in
		--libc) LIBC=$2 ;;
		--kernels) KERNELS=$2 ;;
		*) break ;;
		esac
		shift 2
	done
	[ $# = 0 ] || { echo "usage: $usage" >&2; exit 2; }
}

# t_workdir NAME LABEL [PATTERN...]: a new work dir $WORK (root9p-NAME.*
# under ${TMPDIR:-/var/tmp}) with $LOGDIR in it, said as "LABEL: work dir".
# At exit (t_cleanup, also on INT and TERM) a run with no failed check
# removes $WORK whole (KEEP=1 keeps it); a failed run keeps its logs for a
# look, the PATTERNs (globs in $WORK, the big roots and images) removed.
# Those of T_CLEAN_PASSED go only when no check failed, as before.
T_CLEAN=()
T_CLEAN_PASSED=()
t_workdir() {
	local name=$1 label=$2
	shift 2
	WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/root9p-$name.XXXXXX") || exit 2
	LOGDIR=$WORK/logs
	mkdir -p "$LOGDIR"
	T_CLEAN=("$@")
	t_traps
	echo "$label: work dir $WORK"
}
# t_traps: t_cleanup at exit; INT and TERM exit (through it) as 130, 143.
t_traps() {
	trap t_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}
t_cleanup() {
	local pats=("${T_CLEAN[@]}")
	[ -n "${WORK:-}" ] && [ -d "$WORK" ] || return 0
	if [ "$T_FAIL" = 0 ] && [ -z "${KEEP:-}" ]; then
		rm -rf --one-file-system -- "$WORK" 2>/dev/null
		return 0
	fi
	[ "$T_FAIL" -gt 0 ] || pats+=("${T_CLEAN_PASSED[@]}")
	# unquoted on purpose: the patterns are globs, with no spaces
	# shellcheck disable=SC2068
	(cd "$WORK" && rm -rf --one-file-system -- ${pats[@]}) 2>/dev/null
	echo "logs kept in $WORK (remove it when done)" >&2
	return 0
}

# cache_words KVER: how this kernel prints cache=mmap in mountinfo:
# CACHE_SHOWN (in the options) and CACHE_WORD (init9p's report). 6.1 shows
# the cache mode as a bare word, 6.4+ as a bitmask.
# shellcheck disable=SC2034 # both words are for the suites
cache_words() {
	case $1 in
	[0-5].* | 6.[0-3].* | 6.[0-3]) CACHE_SHOWN=,mmap,; CACHE_WORD=mmap ;;
	*) CACHE_SHOWN=,cache=0x5; CACHE_WORD=0x5 ;;
	esac
}

# Console lines without the serial line's \r.
# Kernel-log lines (init9p's, the probe's "@@") lose their timestamp.
# Terminal escapes go too: systemd's status lines (ESC[K, colours) share
# the serial line with kmsg and can land before a timestamp.
console() { tr -d '\r' < "$LOG" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/^\[ *[0-9]*\.[0-9]*\] //'; }
# The console as printed, kernel timestamps kept.
raw_console() { tr -d '\r' <"$LOG"; }
# has PATTERN: the console shows a line matching the fixed string.
has() { console | grep -qF -- "$1"; }
hasnt() { ! has "$1"; }
# probe KEY: the values the probe printed as "@@ KEY value".
probe() { console | sed -n "s/^@@ $1 //p"; }
# probe_is KEY VALUE
probe_is() { [ "$(probe "$1" | head -n 1)" = "$2" ]; }
# probe_has KEY PATTERN (grep -E on the values)
probe_has() { probe "$1" | grep -qE -- "$2"; }

# init_ms [ERE]: ms from the kernel's "Run /init" to the real init's first
# kmsg line (ERE, default the probe root's "realinit: started"), from the
# raw console: console() drops the kernel's timestamps.
# shellcheck disable=SC2120 # ERE is optional
init_ms() {
	# ERE through the environment: awk -v would take its backslashes
	raw_console | FIRST=${1:-realinit: started} awk '
		function t(s) { sub(/^\[ */, "", s); sub(/\].*/, "", s); return s + 0 }
		BEGIN { first = "^\\[ *[0-9.]+\\] (" ENVIRON["FIRST"] ")" }
		/^\[ *[0-9.]+\] Run \/init as init process/ { a = t($0) }
		$0 ~ first && a { printf "%d\n", (t($0) - a) * 1000; exit }'
}

# The mountinfo line of a mount point, as the probe printed it.
mountinfo_of() { probe mountinfo | awk -v m="$1" '$5 == m' | tail -n 1; }

# The overlay root of root9p.overlay=tmpfs, as the probe saw it: / is the
# overlay on /run/root9p's layers, the lower the 9p root read-only.
# shellcheck disable=SC2317 # called through check
c_root_overlay_on_root9p_layers() {
	grep -qE " - overlay overlay rw,lowerdir=/run/root9p/lower,upperdir=/run/root9p/rw/upper" <<<"$(mountinfo_of /)" &&
		probe_has mount "^/run/root9p/lower 9p fsRoot ro,"
}
# The guest wrote (the probe's write), and nothing of the host's ROOT
# changed: not out/written, and the tree as treesum saw it before the boot
# (the caller's $before).
# shellcheck disable=SC2317,SC2153,SC2154 # called through check; ROOT and before are the suite's
c_guest_wrote_host_unchanged() {
	probe_is write ok && [ ! -e "$ROOT/out/written" ] && [ "$before" = "$(treesum "$ROOT")" ]
}

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

# shell_open PROMPT SECONDS [PAUSE]: wait (SECONDS) until the console shows
# a shell's PROMPT, give it PAUSE seconds (1), then type an empty line (what
# sulogin's "Press Enter" wants) and a comment line (the UART may drop the
# first bytes). 1 when the prompt never came.
shell_open() {
	wait_for "$1" "$2" || return 1
	sleep "${3:-1}"
	send ''
	send '################################'
	sleep 1
}

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
	# shellcheck disable=SC2034 # the suite reads RC
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
	check "$1: the guest ran the probe to the end" probe_is "done" yes
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

# check_wipe LABEL: init9p's root9p-wipe (init/switchroot.c) deleted the
# initramfs in the background, logged it with a count above 0, and ended
# (the probe waits 5 s for it). Reads the probe of the last boot.
check_wipe() {
	check "$1: root9p-wipe logged its background wipe" \
		probe_has dmesg 'init9p: removed [1-9][0-9]* initramfs entries in [0-9]+ ms \(background\)$'
	check "$1: no root9p-wipe process is left" probe_is wipe_left 0
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

# debian_args ARGS...: the distro suites' one option: --no-debian (DEBIAN=0)
# leaves out the debootstrapped Debian root.
# shellcheck disable=SC2034 # the suite reads DEBIAN
debian_args() {
	DEBIAN=1
	while [ $# -gt 0 ]; do
		case $1 in
		--no-debian) DEBIAN=0; shift ;;
		*) echo "usage: $0 [--no-debian]" >&2; exit 2 ;;
		esac
	done
}

# debian_probe ROOT: a probe for a Debian root (scripts/mkroot9p) that
# waits for the boot to finish, prints what it saw as "@@" lines through
# /dev/kmsg and powers off; no login prompt on ttyS0 to share lines with.
debian_probe() {
	local root=$1
	mkdir -p "$root/usr/local/sbin" "$root/etc/systemd/system/multi-user.target.wants"
	cat >"$root/usr/local/sbin/root9p-probe" <<'EOF'
#!/bin/sh
# What a Debian guest booted on 9p sees. Lines go through /dev/kmsg, as
# the kernel's: a getty's vhangup() can cut a write to ttyS0.
say() { echo "<5>@@ $*" >/dev/kmsg; }
say state "$(systemctl is-system-running --wait)"
say target "$(systemctl is-active multi-user.target)"
say failed "$(systemctl --failed --plain --no-legend | tr '\n' ' ')"
while read -r id parent devno fsroot mnt rest; do
	case "$mnt" in /|/tmp) say mountinfo "$id $parent $devno $fsroot $mnt $rest" ;; esac
done </proc/self/mountinfo
say opts "$(awk '$2 == "/" { print $4 }' /proc/mounts)"
say tmp "$(findmnt -no FSTYPE,OPTIONS /tmp)"
say initrd "$(systemd-analyze 2>/dev/null | head -n 1)"
say done yes
sync
systemctl poweroff --no-block
EOF
	chmod 0755 "$root/usr/local/sbin/root9p-probe"
	probe_unit "$root"
	rm -f "$root/etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service"
	ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
}

# qemu_args ARG...: QEMU arguments for run9p, however this run9p takes
# them (--qemu ARG each, or everything after "--"): sets QARGS, to be
# given last.
qemu_args() {
	QARGS=()
	if "$RUN9P" --help 2>/dev/null | grep -q -- '--qemu ARG'; then
		for a in "$@"; do QARGS+=(--qemu "$a"); done
	else
		QARGS=(-- "$@")
	fi
}

# disk_args ID FILE: a raw virtio-blk disk for QEMU, one argument a line.
disk_args() {
	printf '%s\n' -drive "file=$2,format=raw,if=none,id=$1,cache=unsafe" \
		-device "virtio-blk-pci,drive=$1"
}

# scratch_disk FILE LABEL: a 64 MiB ext4 disk image labelled LABEL (#18).
scratch_disk() {
	rm -f "$1"
	truncate -s 64M "$1" && mkfs.ext4 -q -F -L "$2" "$1"
}
