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
# 29 checks (12 of them the XML rules of #29.8), then 1 xattr check or its skip
t_plan 30

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
c_root_converted_mapped_xattr() { scripts/mkroot9p convert "$ROOT" --to mapped-xattr --owner "$NB" >"$LOGDIR/convert.log" 2>&1; }
check "the root is converted to mapped-xattr for nobody" c_root_converted_mapped_xattr

# --- the domains ------------------------------------------------------------
token=lv-$RANDOM-$$
LOG=$LOGDIR/run9p.log
c_run9p_libvirt_xml_writes() {
	"$RUN9P" -k "$WORK/vmlinuz" -i "$WORK/9p.img" -r "$ROOT" --accel tcg \
		--libvirt-xml "$WORK/9p.xml" --libvirt-serial "$WORK/console.log" \
		-a "probe.token=$token panic=-1" 2>"$LOG"
}
check "run9p --libvirt-xml writes the 9p domain" c_run9p_libvirt_xml_writes
check "9p domain: virt-xml-validate accepts it" virt-xml-validate "$WORK/9p.xml" domain
c_9p_domain_direct_kernel() {
	grep -q "<kernel>$WORK/vmlinuz</kernel>" "$WORK/9p.xml" && grep -q "<initrd>$WORK/9p.img</initrd>" "$WORK/9p.xml" &&
		grep -q "<cmdline>root=fsRoot rw rootfstype=9p .*probe.token=$token" "$WORK/9p.xml"
}
check "9p domain: direct kernel boot (kernel, initrd, cmdline with root= and the token)" c_9p_domain_direct_kernel
c_9p_domain_root_filesystem() {
	grep -q "<filesystem type=.mount. accessmode=.mapped. multidevs=.remap.>" "$WORK/9p.xml" &&
		grep -q "<target dir=.fsRoot./>" "$WORK/9p.xml"
}
check "9p domain: the root as <filesystem accessmode=mapped multidevs=remap> with tag fsRoot" c_9p_domain_root_filesystem
c_9p_domain_tcg_type() { grep -q "<domain type=.qemu.>" "$WORK/9p.xml" && grep -q "<serial type=.file.>" "$WORK/9p.xml"; }
check "9p domain: TCG (type qemu), serial console to a file" c_9p_domain_tcg_type
c_run9p_fs_virtiofs_libvirt() {
	"$RUN9P" -k "$WORK/vmlinuz" -i "$WORK/9p.img" -r "$ROOT" --accel tcg --fs virtiofs \
		--passthrough-as-root -o dax=never --libvirt-xml "$WORK/vfs.xml" 2>>"$LOG"
}
check "run9p --fs virtiofs --libvirt-xml writes the virtiofs domain" c_run9p_fs_virtiofs_libvirt
check "virtiofs domain: virt-xml-validate accepts it" virt-xml-validate "$WORK/vfs.xml" domain
c_virtiofs_domain_shared_memfd() {
	grep -q "<memoryBacking><source type=.memfd./><access mode=.shared./></memoryBacking>" "$WORK/vfs.xml" &&
		grep -q "<driver type=.virtiofs./>" "$WORK/vfs.xml" &&
		grep -q "rootfstype=virtiofs rootflags=dax=never" "$WORK/vfs.xml"
}
check "virtiofs domain: shared memfd backing, virtiofs driver, rootfstype=virtiofs" c_virtiofs_domain_shared_memfd
c_libvirt_xml_markup_paths() {
	"$RUN9P" -k "$WORK/vmlinuz" -i "$WORK/9p.img" -r "$ROOT" --accel tcg --libvirt-xml - -a "x=\"<a&b>\"" 2>/dev/null |
		grep -q "x=&quot;&lt;a&amp;b&gt;&quot;"
}
check "libvirt XML: markup in paths and the command line is escaped" c_libvirt_xml_markup_paths

# --- every path and option reaches the XML, or is refused by name (#29 8, #25)
lv() { "$RUN9P" -k "$WORK/vmlinuz" -i "$WORK/9p.img" --accel tcg "$@"; }
# has_line FILE LINE: FILE holds LINE, leading blanks aside.
has_line() { sed 's/^ *//' "$1" | grep -qxF -- "$2"; }
valid() { virt-xml-validate "$1" domain >/dev/null 2>&1; }
X=$WORK/x
TD=$X/t$'\t'ab NL=$X/nl$'\n'x
mkdir -p "$X/ex" "$TD" "$NL" "$X/bin"
# A stand-in Rust virtiofsd (--shared-dir in its help: --ro is its --readonly).
printf '#!/bin/sh\necho "  --shared-dir <DIR>"\n' >"$X/bin/virtiofsd"
chmod +x "$X/bin/virtiofsd"
xml_tab() {
	lv -r "$TD" --libvirt-xml "$X/tab.xml" 2>/dev/null &&
		has_line "$X/tab.xml" "<source dir='$X/t&#9;ab'/>" && valid "$X/tab.xml"
}
check "a tab in the root's path: encoded &#9;, the domain validates" xml_tab
xml_newline() {
	! lv -r "$NL" --libvirt-xml - 2>"$X/err" >/dev/null &&
		[ "$(head -n 1 "$X/err")" = "run9p: --libvirt-xml: root directory '$X/nl" ] &&
		[ "$(tail -n 1 "$X/err")" = "x' holds a newline or carriage return, which libvirt takes in no path: rename it, or run without --libvirt-xml" ]
}
check "a newline in the root's path: refused by name (libvirt takes none in a path)" xml_newline
ln -s "$X/victim" "$X/link.xml"
xml_link() {
	lv -r "$ROOT" --libvirt-xml "$X/link.xml" 2>/dev/null && [ ! -L "$X/link.xml" ] &&
		valid "$X/link.xml" && [ ! -e "$X/victim" ] &&
		[ -z "$(find "$X" -maxdepth 1 -name '.run9p-xml.*')" ]
}
check "the XML replaces a symbolic link at FILE, never writes through it" xml_link
xml_vfs_ro() {
	local run9p
	run9p=$(realpath "$RUN9P")
	(cd "$X" && "$run9p" -k "$WORK/vmlinuz" -i "$WORK/9p.img" --accel tcg -r "$ROOT" --ro \
		--fs virtiofs --virtiofsd bin/virtiofsd --passthrough-as-root --libvirt-xml vro.xml 2>/dev/null) &&
		has_line "$X/vro.xml" "<readonly/>" && has_line "$X/vro.xml" "<binary path='$X/bin/virtiofsd'/>" &&
		valid "$X/vro.xml"
}
check "--fs virtiofs --ro: <readonly/>, an absolute <binary path> from a relative --virtiofsd" xml_vfs_ro
xml_more() {
	lv -r "$ROOT" --extra-9p data:"$X/ex" --scratch 16M:lvscr:"$X/scr.img" --libvirt-xml "$X/more.xml" 2>/dev/null &&
		has_line "$X/more.xml" "<source dir='$X/ex'/>" && has_line "$X/more.xml" "<target dir='data'/>" &&
		has_line "$X/more.xml" "<source file='$X/scr.img'/>" && has_line "$X/more.xml" "<target dev='vda' bus='virtio'/>" &&
		grep -q "root9p.tmp=LABEL=lvscr" "$X/more.xml" && valid "$X/more.xml"
}
check "--extra-9p and --scratch: a second <filesystem> and the scratch <disk>, validated" xml_more
xml_refused() { # OPTION VALUE
	! lv -r "$ROOT" "$@" --libvirt-xml "$X/no.xml" 2>"$X/err" && [ ! -e "$X/no.xml" ] &&
		grep -q "^run9p: --libvirt-xml does not take $1" "$X/err"
}
check "--libvirt-xml refuses --qemu ARG by name, writes nothing" xml_refused --qemu -nic
check "--libvirt-xml refuses --timeout by name, writes nothing" xml_refused --timeout 5
check "--libvirt-xml refuses --user by name, writes nothing" xml_refused --user nobody
check "--libvirt-xml refuses --security-model passthrough by name, writes nothing" xml_refused --security-model passthrough
check "--libvirt-xml refuses --no-sandbox by name, writes nothing" xml_refused --no-sandbox
xml_cmd() {
	! "$RUN9P" -k "$WORK/vmlinuz" -r "$ROOT" --accel tcg --libvirt-xml "$X/no.xml" -- true 2>"$X/err" &&
		[ ! -e "$X/no.xml" ] && grep -q "^run9p: --libvirt-xml does not take -- CMD: " "$X/err"
}
check "--libvirt-xml refuses -- CMD (the loop's ports) by name, writes nothing" xml_cmd
mkdir -p "$X/upper" "$X/rw" "$X/a b<c"
xml_loop() {
	"$RUN9P" -k "$WORK/vmlinuz" --modules "$KERNEL_BASE/lib/modules/$KVER" -r "$X/a b<c" --accel tcg \
		--overlay "$X/upper" --rw "$X/rw" --libvirt-xml "$X/loop.xml" 2>"$X/err" &&
		has_line "$X/loop.xml" "<name>root9p-a_b_c</name>" &&
		has_line "$X/loop.xml" "<source dir='$X/a b&lt;c'/>" && has_line "$X/loop.xml" "<readonly/>" &&
		has_line "$X/loop.xml" "<target dir='r9pupper'/>" && has_line "$X/loop.xml" "<target dir='r9prw0'/>" &&
		grep -q "root9p.overlay=r9pupper root9p.mount=r9prw0:$X/rw" "$X/loop.xml" && valid "$X/loop.xml"
}
check "the loop's --overlay DIR and --rw: their <filesystem>, the lower layer <readonly/>, a clean <name>" xml_loop

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
c_libvirt_qemu_ran_under() { grep -q -- "-accel tcg" "$LV"/log/qemu/*.log && grep -q "security_model=mapped,multidevs=remap" "$LV"/log/qemu/*.log; }
check "libvirt: QEMU ran under TCG with the 9p device libvirt made" c_libvirt_qemu_ran_under
check "libvirt: the guest ran the probe to the end" probe_is "done" yes
check "libvirt: / is 9p from tag fsRoot, rw" grep -qE ' / / rw,.* - 9p fsRoot ' <<<"$(mountinfo_of /)"
c_libvirt_guest_write_reached() { [ "$(cat "$ROOT/out/written" 2>/dev/null)" = "$token" ]; }
check "libvirt: the guest's write reached the host" c_libvirt_guest_write_reached
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
