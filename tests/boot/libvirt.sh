#!/bin/bash
# tests/boot/libvirt.sh - run9p --libvirt-xml (#16): the domain it writes
# passes virt-xml-validate (9p and virtiofs forms) and boots, through
# libvirt 9.0's embedded QEMU driver (virt-qemu-run: no daemon), a tiny
# root to the probe: the guest's console in a file, its write on the host.
#
# The domain runs as an ordinary user (nobody): as root the embedded
# driver wants the libvirt-qemu user of libvirt-daemon-system. So the root
# is converted to mapped-xattr for that user (mkroot9p convert), and the
# kernel and image are copied where it can read them. virt-qemu-run does
# not return after the guest powered off (libvirt 9.0): the test waits for
# libvirt's "shutting down" line, then ends it.
#
# Ends with "libvirt: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
O=${O:-build}
LIBC=klibc
. tests/boot/lib.sh

t_workdir libvirt "libvirt tests" root lvroot vmlinuz '*.img'
LV_TIMEOUT=${LV_TIMEOUT:-$BOOT_TIMEOUT}
# 17 checks, then 1 xattr check or its skip
t_plan 18

if ! command -v virt-qemu-run >/dev/null || ! command -v virt-xml-validate >/dev/null; then
	t_skip_rest "libvirt: no virt-qemu-run/virt-xml-validate (packages libvirt-daemon-driver-qemu, libvirt-clients)"
	t_done libvirt
	exit
fi
if [ "$(id -u)" != 0 ]; then
	t_skip_rest "libvirt: runs as root (it starts the domain as nobody)"
	t_done libvirt
	exit
fi
eval "$(scripts/fetch-kernel.sh --env bookworm)" || { fail "fetch the bookworm kernel"; t_done libvirt; exit 1; }
NB=$(id -u nobody):$(id -g nobody)
chmod 0755 "$WORK"
cp "$KERNEL_IMAGE" "$WORK/vmlinuz"
check "mkinitrd9p builds the 9p image" \
	"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/$LIBC/init9p" -o "$WORK/9p.img"
chmod 0644 "$WORK/vmlinuz" "$WORK/9p.img"
ROOT=$WORK/root
scripts/mkroot-tiny.sh "$ROOT" "$O/$LIBC/mount9p" >/dev/null
mkdir -p "$ROOT/out"
check "the root is converted to mapped-xattr for nobody" \
	eval 'scripts/mkroot9p convert "$ROOT" --to mapped-xattr --owner "$NB" >"$LOGDIR/convert.log" 2>&1'

# --- the domains ------------------------------------------------------------
# shellcheck disable=SC2034 # read by the eval'd checks
token=lv-$RANDOM-$$
LOG=$LOGDIR/run9p.log
check "run9p --libvirt-xml writes the 9p domain" \
	eval '"$RUN9P" -k "$WORK/vmlinuz" -i "$WORK/9p.img" -r "$ROOT" --accel tcg \
		--libvirt-xml "$WORK/9p.xml" --libvirt-serial "$WORK/console.log" \
		-a "probe.token=$token panic=-1" 2>"$LOG"'
check "9p domain: virt-xml-validate accepts it" virt-xml-validate "$WORK/9p.xml" domain
check "9p domain: direct kernel boot (kernel, initrd, cmdline with root= and the token)" \
	eval 'grep -q "<kernel>$WORK/vmlinuz</kernel>" "$WORK/9p.xml" && grep -q "<initrd>$WORK/9p.img</initrd>" "$WORK/9p.xml" &&
		grep -q "<cmdline>root=fsRoot rw rootfstype=9p .*probe.token=$token" "$WORK/9p.xml"'
check "9p domain: the root as <filesystem accessmode=mapped multidevs=remap> with tag fsRoot" \
	eval 'grep -q "<filesystem type=.mount. accessmode=.mapped. multidevs=.remap.>" "$WORK/9p.xml" &&
		grep -q "<target dir=.fsRoot./>" "$WORK/9p.xml"'
check "9p domain: TCG (type qemu), serial console to a file" \
	eval 'grep -q "<domain type=.qemu.>" "$WORK/9p.xml" && grep -q "<serial type=.file.>" "$WORK/9p.xml"'
check "run9p --fs virtiofs --libvirt-xml writes the virtiofs domain" \
	eval '"$RUN9P" -k "$WORK/vmlinuz" -i "$WORK/9p.img" -r "$ROOT" --accel tcg --fs virtiofs \
		--passthrough-as-root -o dax=never --libvirt-xml "$WORK/vfs.xml" 2>>"$LOG"'
check "virtiofs domain: virt-xml-validate accepts it" virt-xml-validate "$WORK/vfs.xml" domain
check "virtiofs domain: shared memfd backing, virtiofs driver, rootfstype=virtiofs" \
	eval 'grep -q "<memoryBacking><source type=.memfd./><access mode=.shared./></memoryBacking>" "$WORK/vfs.xml" &&
		grep -q "<driver type=.virtiofs./>" "$WORK/vfs.xml" &&
		grep -q "rootfstype=virtiofs rootflags=dax=never" "$WORK/vfs.xml"'
check "libvirt XML: markup in paths and the command line is escaped" \
	eval '"$RUN9P" -k "$WORK/vmlinuz" -i "$WORK/9p.img" -r "$ROOT" --accel tcg --libvirt-xml - -a "x=\"<a&b>\"" 2>/dev/null |
		grep -q "x=&quot;&lt;a&amp;b&gt;&quot;"'

# --- the boot: embedded QEMU driver, as nobody -------------------------------
LV=$WORK/lvroot
mkdir -p "$LV/etc/qemu"
# No virtlogd in a daemon-less run: QEMU's output to a file.
printf 'stdio_handler = "file"\n' | tee "$LV/etc/qemu.conf" >"$LV/etc/qemu/qemu.conf"
touch "$WORK/console.log"
chown -R "$NB" "$LV" "$WORK/console.log"
chmod 0644 "$WORK/9p.xml"
LOG=$WORK/console.log
echo "boot libvirt (virt-qemu-run, embedded QEMU driver)"
setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups env HOME="$LV" \
	virt-qemu-run -r "$LV" "$WORK/9p.xml" >"$LOGDIR/virt-qemu-run.log" 2>&1 &
VQR=$!
n=0
while [ $n -lt $((LV_TIMEOUT * 2)) ] && kill -0 "$VQR" 2>/dev/null &&
	! grep -qs 'shutting down, reason=' "$LV"/log/qemu/*.log; do
	sleep 0.5; n=$((n + 1))
done
kill "$VQR" 2>/dev/null
wait "$VQR" 2>/dev/null
cp "$LV"/log/qemu/*.log "$LOGDIR/" 2>/dev/null
check "libvirt: the domain ran and powered off within ${LV_TIMEOUT} s" \
	grep -qs 'shutting down, reason=shutdown' "$LV"/log/qemu/*.log
check "libvirt: QEMU ran under TCG with the 9p device libvirt made" \
	eval 'grep -q -- "-accel tcg" "$LV"/log/qemu/*.log && grep -q "security_model=mapped,multidevs=remap" "$LV"/log/qemu/*.log'
check "libvirt: the guest ran the probe to the end" probe_is "done" yes
check "libvirt: / is 9p from tag fsRoot, rw" grep -qE ' / / rw,.* - 9p fsRoot ' <<<"$(mountinfo_of /)"
check "libvirt: the guest's write reached the host" \
	eval '[ "$(cat "$ROOT/out/written" 2>/dev/null)" = "$token" ]'
check "libvirt: the file the guest's root wrote belongs to nobody on the host" \
	[ "$(stat -c %U "$ROOT/out/written")" = nobody ]
# mapped: the guest's owner is only an xattr (uid 0, little-endian).
if command -v python3 >/dev/null; then
	check "libvirt: the guest's root (uid 0) is only its user.virtfs.uid xattr" \
		python3 -c 'import os, sys; sys.exit(os.getxattr(sys.argv[1], "user.virtfs.uid") != bytes(4))' "$ROOT/out/written"
else
	skip "libvirt: user.virtfs.uid of the guest's file (no python3 to read xattrs)"
fi
LOG=
t_done libvirt
