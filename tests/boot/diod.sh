#!/bin/bash
# tests/boot/diod.sh - a second 9p server (#26): diod, over trans=tcp
# through QEMU's user network, on Debian 12's kernel under TCG.
#
# run9p --extra-9p-tcp DIR:PATH in the loop (payload9p mounts the share
# next to the QEMU-served root): the guest's mountinfo, a host file read
# and a guest file written through diod, diod gone when run9p ends.
# run9p --fs diod with init9p (ip= brings the network up): / is 9p over
# TCP, the probe runs, its write reaches the host. A port no one serves:
# init9p retries the refused connection and says what to do. Host-side
# refusals, no boot: diod missing, DIR not a directory, a path the
# kernel command line cannot carry, --ro, --libvirt-xml; the dry run's
# diod command.
#
#   tests/boot/diod.sh
#
# Ends with "diod: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
O=${O:-build}
LIBC=klibc
. tests/boot/lib.sh
t_workdir diod "diod tests" 'root' 'share' tmp '*.img'
# The plan: refusals 11, the extra share 7, the diod root 7, the port
# no one serves 4.
t_plan $((11 + 7 + 7 + 4))

if ! command -v diod >/dev/null && [ ! -x /usr/sbin/diod ]; then
	skip "diod: not installed (apt-get install diod; scripts/deps.sh does)"
	t_skip_rest "diod: the rest need diod"
	t_done diod
	exit
fi
make -s "$O/mkinitrd9p" "$O/$LIBC/init9p" "$O/$LIBC/payload9p" "$O/$LIBC/mount9p" \
	"$O/$LIBC/unlinkprobe" >/dev/null || {
	fail "build mkinitrd9p, init9p and payload9p"
	t_skip_rest "diod: nothing built"
	t_done diod
	exit 1
}
eval "$(scripts/fetch-kernel.sh --env bookworm)" || {
	fail "fetch Debian 12's kernel"
	t_skip_rest "diod: no kernel"
	t_done diod
	exit 1
}
ROOT=$WORK/root SHARE=$WORK/share
scripts/mkroot-tiny.sh "$ROOT" "$O/$LIBC/mount9p" "$O/$LIBC/unlinkprobe" >/dev/null ||
	{ fail "make the tiny probe root"; t_skip_rest "diod: no root"; t_done diod; exit 1; }
mkdir -p "$SHARE"
echo "from the host" >"$SHARE/hostfile"
# As root, diod runs as nobody (the owner of root's folders): the folders
# the guest writes are nobody's.
if [ "$(id -u)" = 0 ]; then
	chown -R nobody "$SHARE" "$ROOT/out"
	chmod 755 "$WORK"
fi
# run9p's own temporary folders (diod's socket) go here, to be counted.
mkdir -p "$WORK/tmp"

# run NAME RUN9P-ARGS...: run9p with its stdout in OUT, its stderr in
# ERR, its status in RC. A boot is bounded by the caller's --timeout.
run() {
	local name=$1
	shift
	LOG=$LOGDIR/$name.err
	RC=0
	TMPDIR=$WORK/tmp "$RUN9P" "$@" </dev/null >"$LOGDIR/$name.out" 2>"$LOG" || RC=$?
	OUT=$(cat "$LOGDIR/$name.out")
	ERR=$(cat "$LOG")
}
said() { grep -qF -- "$1" <<<"$ERR"; }
# diod_gone: no diod of this suite's left, nor its socket folder.
diod_gone() {
	! pgrep -f "diod .*-e $WORK/" >/dev/null &&
		[ -z "$(find "$WORK/tmp" -maxdepth 1 -name 'run9p-diod.*' 2>/dev/null)" ]
}

# --- refusals, no boot ---------------------------------------------------------
IMG=$WORK/net.img
: >"$WORK/none.img"
DIOD=/no/such/diod run nodiod -k "$KERNEL_IMAGE" -i "$WORK/none.img" -r "$ROOT" \
	--extra-9p-tcp "$SHARE:/mnt"
check "no diod: refused before booting (exit 2)" [ "$RC" = 2 ]
c_naming_what_do() { said "DIOD='/no/such/diod' is not a command" && said "try: DIOD=PATH"; }
check "... naming it and what to do" c_naming_what_do
run notdir -k "$KERNEL_IMAGE" -i "$WORK/none.img" -r "$ROOT" --extra-9p-tcp "$SHARE/hostfile:/mnt"
check "a file as DIR: exit 2" [ "$RC" = 2 ]
check "... 'is not a directory', named" said "--extra-9p-tcp directory '$SHARE/hostfile' is not a directory"
mkdir -p "$WORK/tmp/a,b"
run comma -k "$KERNEL_IMAGE" -i "$WORK/none.img" -r "$ROOT" --extra-9p-tcp "$WORK/tmp/a,b:/mnt"
c_dir_comma_refused_what() { [ "$RC" = 2 ] && said "cannot go on the kernel command line" && said "try: absolute paths"; }
check "a DIR with a comma: refused, with what to use" c_dir_comma_refused_what
rmdir "$WORK/tmp/a,b"
run ro -k "$KERNEL_IMAGE" -i "$WORK/none.img" -r "$ROOT" --fs diod --ro
c_fs_diod_ro_refused() { [ "$RC" = 2 ] && said "serve the root read-only with diod"; }
check "--fs diod --ro: refused by name" c_fs_diod_ro_refused
run lv -k "$KERNEL_IMAGE" -i "$WORK/none.img" -r "$ROOT" --extra-9p-tcp "$SHARE:/mnt" --libvirt-xml -
c_libvirt_xml_refused_name() { [ "$RC" = 2 ] && said "--extra-9p-tcp or --fs diod"; }
check "--libvirt-xml: refused by name" c_libvirt_xml_refused_name
# As root, diod runs as the folder's owner, whom diod 1.0.24 must find in
# the user database.
if [ "$(id -u)" = 0 ] && ! getent passwd 59998 >/dev/null; then
	mkdir -p "$WORK/tmp/nouser"
	chown 59998:59998 "$WORK/tmp/nouser"
	run nouser -k "$KERNEL_IMAGE" -i "$WORK/none.img" -r "$ROOT" --extra-9p-tcp "$WORK/tmp/nouser:/mnt" \
		--passthrough-as-root --dry-run
	c_folder_uid_user_refused() { [ "$RC" = 2 ] && said "run diod as uid 59998" && said "try: chown the directory to a user of /etc/passwd"; }
	check "a folder of a uid with no user: refused, with what to do" c_folder_uid_user_refused
	rmdir "$WORK/tmp/nouser"
else
	skip "a folder of a uid with no user: needs root and a free uid 59998"
fi
run dry -k "$KERNEL_IMAGE" -i "$WORK/none.img" -r "$ROOT" --extra-9p-tcp "$SHARE:/mnt" \
	--passthrough-as-root --dry-run
check "dry run: diod exports DIR only, reads no diod.conf, no auth, squashed" \
	grep -qE "diod -f -c /dev/null -n -S -l [^ ]*/run9p-diod\.[^ ]*/sock -L stderr -e $SHARE &" <<<"$OUT"
check "dry run: the guest's network is restricted, diod reached by guestfwd" \
	grep -qF "user\\,id=r9pdiod\\,restrict=on\\,guestfwd=tcp:10.0.2.100:564-unix:" <<<"$OUT"
check "dry run: root9p.mount= with trans=tcp and ip=" \
	grep -qF "root9p.mount=10.0.2.100:/mnt:trans=tcp\\,port=564\\,aname=$SHARE" <<<"$OUT"

# --- the extra share, in the loop ----------------------------------------------
run extra --accel tcg --timeout "$BOOT_TIMEOUT" -k "$KERNEL_IMAGE" --modules "$KERNEL_BASE" -r "$ROOT" --passthrough-as-root \
	--extra-9p-tcp "$SHARE:/mnt" -- sh -c \
	'grep " /mnt " /proc/self/mountinfo; cat /mnt/hostfile; echo from the guest >/mnt/guestfile'
check "extra share: the command ran (exit 0)" [ "$RC" = 0 ]
mi=$(grep ' /mnt ' <<<"$OUT")
check "extra share: /mnt is 9p from 10.0.2.100" grep -qE ' - 9p 10\.0\.2\.100 ' <<<"$mi"
c_extra_share_over_trans() { grep -q "trans=tcp" <<<"$mi" && grep -qF "aname=$SHARE," <<<"$mi"; }
check "extra share: ... over trans=tcp, aname the host folder" c_extra_share_over_trans
check "extra share: the host's file read in the guest" grep -qx 'from the host' <<<"$OUT"
c_extra_share_guest_file() { [ "$(cat "$SHARE/guestfile" 2>/dev/null)" = "from the guest" ]; }
check "extra share: the guest's file on the host" c_extra_share_guest_file
if [ "$(id -u)" = 0 ]; then
	check "extra share: written as diod's user (nobody), not root" \
		[ "$(stat -c %U "$SHARE/guestfile" 2>/dev/null)" = nobody ]
else
	check "extra share: written as run9p's user" \
		[ "$(stat -c %u "$SHARE/guestfile" 2>/dev/null)" = "$(id -u)" ]
fi
check "extra share: diod and its socket folder gone after run9p" diod_gone

# --- the root over TCP, init9p -------------------------------------------------
check "mkinitrd9p: an init9p image with virtio_net and 9pnet_fd" \
	"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/$LIBC/init9p" \
	--modules=virtio_net,9pnet_fd -o "$IMG"
token=diod-$RANDOM
rm -f "$ROOT/out/written"
TMPDIR=$WORK/tmp boot root -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" --fs diod \
	-a "probe.token=$token panic=-1"
mi=$(mountinfo_of /)
check "diod root: the probe ran to the end" probe_is "done" yes
c_diod_root_9p_from() { grep -qE " - 9p 10\.0\.2\.100 " <<<"$mi" && grep -q "trans=tcp" <<<"$mi"; }
check "diod root: / is 9p from 10.0.2.100 over trans=tcp" c_diod_root_9p_from
check "diod root: aname is the root folder" grep -qF "aname=$ROOT," <<<"$mi"
check "diod root: init9p brought the network up" \
	has "init9p: network: 10.0.2.15/255.255.255.0 on eth0 via 10.0.2.2 up in"
check "diod root: init9p said what it mounted" \
	grep -qE "init9p: mounted 10\.0\.2\.100 on /root in [0-9]+ ms \(rw msize=65536" <(console)
c_diod_root_guest_write() { [ "$(cat "$ROOT/out/written" 2>/dev/null)" = "$token" ]; }
check "diod root: the guest's write reached the host" c_diod_root_guest_write

# --- a port no one serves: retried, then said ----------------------------------
TMPDIR=$WORK/tmp boot noserver -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" --fs diod \
	-o port=999 -a "root9p.timeout=4 panic=-1"
check "no server: the mount was retried (more than one try)" \
	grep -qE "mount -t 9p .*port=999.* 10\.0\.2\.100 /root: Connection refused \(([2-9]|[1-9][0-9]+) tries\)" <(console)
check "no server: with what to do" has "try: no 9p server listens at root= (the address) and port="
check "no server: no kernel panic past init9p's message" hasnt "Kernel panic - not syncing: Attempted to kill init"
check "diod and its socket folder gone after both boots" diod_gone
t_done diod
