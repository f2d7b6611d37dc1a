#!/bin/bash
# tests/boot/mkroot9p.sh - roots made by scripts/mkroot9p, booted for real.
#
#   tests/boot/mkroot9p.sh            (as root; O=build by default)
#
# A Debian bookworm root (mkroot9p debian: debootstrap minbase+systemd-sysv,
# cached) boots through init9p to systemd's multi-user.target twice: QEMU as
# root with passthrough, then QEMU as an unprivileged uid with mapped-xattr
# after mkroot9p convert. A probe unit checks owners, modes and types,
# symlinks, hard links, a device node, apt-get install of a local .deb and
# the unlink probe, prints "@@ key value" lines and powers off. A busybox
# tarball is imported and booted (with and without the /tmp tmpfs), bad
# tarballs are refused, and no file outside the roots changes.
# Ends with "mkroot9p: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
O=${O:-build}
LIBC=klibc
# A systemd boot under TCG on a busy machine can take minutes.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}
. tests/boot/lib.sh
# The unprivileged QEMU: any uid works with setpriv, no account needed.
QUID=${R9P_TEST_UID:-64534}
MK=scripts/mkroot9p

# Logs stay for a look after a failure; the roots (about 1 GB) go.
t_workdir mkroot "mkroot9p tests" debian tiny 'imp*' art sibling ramfs
# The plan: the builds 2; mkroot9p debian 13 (9 steps) and its re-runs and
# --journal 6; check_debian_boot 20, once passthrough and once mapped;
# the conversions, the tiny roots, run9p's refusals and the imports 43.
DEBIAN_STEPS=(base modules fstab hostname network getty root locale boot)
t_plan $((2 + 4 + ${#DEBIAN_STEPS[@]} + 6 + 2 * 20 + 43))
chmod 755 "$WORK"
ART=$WORK/art
DEB=$WORK/debian
TINY=$WORK/tiny
SIB=$WORK/sibling
mkdir -p "$ART" "$SIB"
LOG=

# --- fixtures ---------------------------------------------------------------

# mkdeb NAME VERSION: a tiny arch-all package that installs one file.
mkdeb() {
	local d=$ART/pkg-$2
	mkdir -p "$d/DEBIAN" "$d/usr/share/$1"
	printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: root9p tests <root9p@localhost>\nDescription: root9p test package\n' \
		"$1" "$2" >"$d/DEBIAN/control"
	echo "hello $2" >"$d/usr/share/$1/hello"
	dpkg-deb --root-owner-group -b "$d" "$ART/${1}_$2_all.deb" >/dev/null
}

# The probe unit: after multi-user.target, report and power off.
install_probe() {
	local r=$1
	mkdir -p "$r/usr/local/sbin"
	cp "$O/$LIBC/unlinkprobe" "$r/usr/local/sbin/unlinkprobe"
	cat >"$r/usr/local/sbin/probe9p" <<'PROBE'
#!/bin/sh
# What a systemd guest on a 9p root sees, as "@@ key value" console lines.
# The console also carries systemd's status lines, which can cut into ours:
# the test reads the copy in /root/probe.out.
exec >/dev/console 2>&1
say() { echo "@@ $*" | tee -a /root/probe.out; }
rm -f /root/probe.out
getty=$(systemctl is-active serial-getty@ttyS0.service)
# The login prompt shares the console: stop it so lines do not mix.
systemctl stop serial-getty@ttyS0.service
echo
say getty "$getty"
say multiuser_us "$(systemctl show -P ActiveEnterTimestampMonotonic multi-user.target)"
systemctl --failed --plain --no-legend | while read -r unit rest; do say failed "$unit"; done
say rootfs "$(findmnt -n -o FSTYPE /)"
say tmpfs "$(findmnt -n -o FSTYPE /tmp)"
say shadow "$(stat -c '%F %a %U:%G' /etc/shadow)"
say passwd "$(stat -c '%F %a %U:%G' /usr/bin/passwd)"
say su "$(stat -c '%F %a %U:%G' /usr/bin/su)"
say binlink "$(stat -c %F /bin) $(readlink /bin)"
say osrelease "$(. /etc/os-release && echo "$VERSION_CODENAME")"
say hostname "$(hostname)"
say locale "$(cat /etc/default/locale)"
say modules "$(ls /lib/modules)"
say journal_run "$(test -d /run/log/journal && echo yes)"
say journal_var "$(find /var/log/journal -name '*.journal' 2>/dev/null | wc -l)"
say e2scrub "$(systemctl is-enabled e2scrub_reap.service 2>&1)"
# The root's own /dev (under the devtmpfs): a bind mount of / shows it.
mkdir -p /run/r9p && mount --bind / /run/r9p &&
	say devnull "$(stat -c '%F %t:%T %a %U:%G' /run/r9p/dev/null)" && umount /run/r9p
say hardlink "$(stat -c '%h %i' /root/hl1) $(stat -c '%h %i' /root/hl2)"
ln -f /root/hl1 /root/ghl && ln -sfn hl1 /root/gsym &&
	say guestlinks "$(stat -c %h /root/hl1) $(readlink /root/gsym) $(cat /root/gsym)"
rm -f /root/ghl /root/gsym
say setuid_runs "$(su -s /bin/sh -c 'id -un' nobody 2>&1)"
t0=$(cut -d. -f1 /proc/uptime)
cd /root && apt-get install -y ./r9p-hello_*.deb >/tmp/apt.log 2>&1
say apt_rc $?
say apt_s $(($(cut -d. -f1 /proc/uptime) - t0))
tail -n 2 /tmp/apt.log | while read -r l; do say apt "$l"; done
say dpkg "$(dpkg-query -W -f '${Status} ${Version}' r9p-hello)"
/usr/local/sbin/unlinkprobe /tmp | while read -r l; do say unlink_tmp "$l"; done
/usr/local/sbin/unlinkprobe /var/tmp | while read -r l; do say unlink_9p "$l"; done
say done yes
sync
systemctl poweroff -ff
PROBE
	chmod 755 "$r/usr/local/sbin/probe9p"
	printf '%s\n' "[Unit]" "Description=root9p test probe" "After=multi-user.target" \
		"[Service]" "Type=oneshot" "TimeoutStartSec=infinity" "ExecStart=/usr/local/sbin/probe9p" \
		"[Install]" "WantedBy=multi-user.target" >"$r/etc/systemd/system/probe9p.service"
	ln -sfn /etc/systemd/system/probe9p.service \
		"$r/etc/systemd/system/multi-user.target.wants/probe9p.service"
	echo "a file with two names" >"$r/root/hl1"
	ln -f "$r/root/hl1" "$r/root/hl2"
	# a symlink that leads out of the root on the host: nothing may follow it
	ln -sfn "$SIB" "$r/root/outside"
}

# A wrapper running run9p as the unprivileged uid.
cat >"$ART/run9p-user" <<EOF
#!/bin/sh
exec setpriv --reuid=$QUID --regid=$QUID --clear-groups $PWD/scripts/run9p "\$@"
EOF
chmod 755 "$ART/run9p-user"

secs() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1e6 }'; }

# Checks of one Debian boot; $1 names the model, $2 the r9p-hello version.
# They read the probe's own copy of its lines (the console log stays as is).
check_debian_boot() {
	local m=$1 v=$2 mu
	cp "$DEB/root/probe.out" "$LOGDIR/debian-$m.probe" 2>/dev/null ||
		echo "(no probe output in the root)" >"$LOGDIR/debian-$m.probe"
	rm -f "$DEB/root/probe.out"
	LOG=$LOGDIR/debian-$m.probe
	check "$m: the probe ran to the end" probe_is "done" yes
	mu=$(probe multiuser_us)
	c_multi_user_target_was() { [ -n "$mu" ] && [ "$mu" != 0 ]; }
	check "$m: multi-user.target was reached" c_multi_user_target_was
	echo "  ($m: multi-user.target after $(secs "${mu:-0}") s of guest time;" \
		"apt-get install $(probe apt_s) s; boot to poweroff $BOOT_S s wall)"
	check "$m: no failed units ($(probe failed | paste -sd' ' -))" [ -z "$(probe failed)" ]
	check "$m: the serial getty ran" probe_is getty active
	c_9p_tmp_tmpfs() { probe_is rootfs 9p && probe_is tmpfs tmpfs; }
	check "$m: / is 9p, /tmp is tmpfs" c_9p_tmp_tmpfs
	check "$m: /etc/shadow is a 640 root:shadow file" probe_is shadow "regular file 640 root:shadow"
	check "$m: passwd is set-uid root" probe_is passwd "regular file 4755 root:root"
	check "$m: su is set-uid root" probe_is su "regular file 4755 root:root"
	check "$m: a set-uid binary runs (su to nobody)" probe_is setuid_runs nobody
	check "$m: /bin is the symlink usr/bin" probe_is binlink "symbolic link usr/bin"
	check "$m: reading through a symlink (/etc/os-release)" probe_is osrelease bookworm
	check "$m: the root's /dev/null is a 666 char device 1:3" \
		probe_is devnull "character special file 1:3 666 root:root"
	c_host_made_hard_links() { [ "$(probe hardlink | awk "\$1 == 2 && \$3 == 2 && \$2 == \$4")" ]; }
	check "$m: host-made hard links share an inode" c_host_made_hard_links
	check "$m: the guest makes hard links and symlinks" \
		probe_is guestlinks "3 hl1 a file with two names"
	check "$m: apt-get install ./r9p-hello_${v}_all.deb" probe_is apt_rc 0
	check "$m: dpkg has r9p-hello $v" probe_is dpkg "install ok installed $v"
	c_unlink_probe_passes_tmp() { [ "$(probe unlink_tmp | grep -c " ok$")" = 4 ]; }
	check "$m: the unlink probe passes on /tmp (tmpfs)" c_unlink_probe_passes_tmp
	c_mkroot9p_hostname_locale_modules() { probe_is hostname mkroot9p && probe_is locale LANG=C.UTF-8 && probe_is modules "$KVER"; }
	check "$m: mkroot9p's hostname, locale, modules" c_mkroot9p_hostname_locale_modules
	c_journal_run_none_9p() { probe_is journal_run yes && probe_is journal_var 0; }
	check "$m: the journal is in /run, none on the 9p root (mkroot9p's boot step)" c_journal_run_none_9p
	if [ -f "$DEB/usr/lib/systemd/system/e2scrub_reap.service" ]; then
		check "$m: e2scrub_reap is masked (no LVM on a 9p root)" probe_is e2scrub masked
	else
		skip "$m: e2scrub_reap masked: the root has no e2scrub_reap.service"
	fi
	echo "  ($m: unlink probe on 9p: $(probe unlink_9p | paste -sd, -))"
}

# --- the run ----------------------------------------------------------------

extra_mk=
grep -q '^include mkroot/build.mk' Makefile || extra_mk="-f Makefile -f mkroot/build.mk"
# shellcheck disable=SC2086
check "build mkinitrd9p, init9p, unlinkprobe, mkroot9p-convert" \
	make -s $extra_mk O="$O" "$O/mkinitrd9p" "$O/$LIBC/init9p" "$O/$LIBC/unlinkprobe" "$O/mkroot9p-convert"
if ! env_text=$(scripts/fetch-kernel.sh --env bookworm); then
	fail "fetch the bookworm kernel"
	t_done mkroot9p
	exit 1
fi
eval "$env_text"
cp "$KERNEL_IMAGE" "$ART/vmlinuz"
IMG=$ART/initrd.img
check "mkinitrd9p for $KVER" "$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" \
	--init "$O/$LIBC/init9p" -o "$IMG"
chmod 644 "$ART/vmlinuz" "$IMG"
mkdeb r9p-hello 1.0
mkdeb r9p-hello 2.0
scripts/mkroot-tiny.sh "$ART/tiny-src" "" "$O/$LIBC/unlinkprobe" >/dev/null
tar -C "$ART/tiny-src" -czf "$ART/tiny.tar.gz" .
# bad tarballs: a ../ member, an absolute member, a member through a symlink
mkdir -p "$ART/evil/in" "$ART/evil/link"
echo pwned >"$ART/evil/x"
echo pwned >"$ART/evil/link/pwned"
ln -s "../../sibling" "$ART/evil/in/link"
(cd "$ART/evil/in" && tar -P -cf "$ART/dotdot.tar" ../x)
tar -P -cf "$ART/abs.tar" "$ART/evil/x"
tar -C "$ART/evil/in" -cf "$ART/via-link.tar" link
tar -C "$ART/evil" -rf "$ART/via-link.tar" link/pwned
# import --force: a DIR whose etc is a symlink out, and a tarball with
# etc/pwned but no entry for etc itself (tar would write through the link).
mkdir -p "$ART/forcesrc/etc" "$WORK/imp-force" && echo pwned >"$ART/forcesrc/etc/pwned"
tar -C "$ART/forcesrc" -cf "$ART/force.tar" etc/pwned
ln -s "$SIB" "$WORK/imp-force/etc"
echo "a file next to the roots" >"$SIB/keep"
ln -s keep "$SIB/keep-link"
sib_before=$(treesum "$SIB")
touch "$ART/.marker"
sleep 1

# debian: first run (debootstrap or the cache), then a re-run changes nothing.
t0=$(date +%s)
"$MK" debian "$DEB" --kernel-modules "$KERNEL_BASE" --password r9p --hostname mkroot9p \
	>"$LOGDIR/debian.log" 2>&1
rc=$?
DEBIAN_S=$(($(date +%s) - t0))
LOG=$LOGDIR/debian.log
check "mkroot9p debian ($DEBIAN_S s)" [ $rc = 0 ]
for s in "${DEBIAN_STEPS[@]}"; do
	check "mkroot9p debian: step $s reported" grep -q "^mkroot9p: $s: " "$LOG"
done
check "fstab: the 9p root line" grep -qx 'fsRoot / 9p rw 0 0' "$DEB/etc/fstab"
check "root password is sha512crypt" grep -q '^root:\$6\$' "$DEB/etc/shadow"
check "kmod is in the root (to load the copied modules)" [ -x "$DEB/usr/bin/kmod" ]
sum1=$(treesum "$DEB")
t0=$(date +%s)
"$MK" debian "$DEB" --kernel-modules "$KERNEL_BASE" --password r9p --hostname mkroot9p \
	>"$LOGDIR/debian2.log" 2>&1
rc=$?
LOG=$LOGDIR/debian2.log
c_mkroot9p_debian_again_nothing() { [ $rc = 0 ] && ! grep -E ": (wrote|linked|copied|extracted|password set)" "$LOG"; }
check "mkroot9p debian again: nothing to do ($(($(date +%s) - t0)) s)" c_mkroot9p_debian_again_nothing
check "mkroot9p debian again: the tree is unchanged" [ "$sum1" = "$(treesum "$DEB")" ]
jconf=$DEB/etc/systemd/journald.conf.d/root9p.conf
check "boot: journald's drop-in keeps the journal in /run" grep -qx 'Storage=volatile' "$jconf"
"$MK" debian "$DEB" --kernel-modules "$KERNEL_BASE" --password r9p --hostname mkroot9p --journal persistent \
	>"$LOGDIR/debian-journal.log" 2>&1
rc=$?
LOG=$LOGDIR/debian-journal.log
c_journal_persistent_drop_gone() { [ $rc = 0 ] && [ ! -e "$jconf" ] && grep -q "boot: removed /etc/systemd/journald.conf.d/root9p.conf" "$LOG"; }
check "--journal persistent: the drop-in is gone, and said" c_journal_persistent_drop_gone
"$MK" debian "$DEB" --journal bogus >"$LOGDIR/debian-journal2.log" 2>&1
rc=$?
LOG=$LOGDIR/debian-journal2.log
c_journal_bogus_refused_name() { [ $rc = 1 ] && grep -q "journal .bogus.: use volatile" "$LOG"; }
check "--journal bogus: refused by name (exit 1)" c_journal_bogus_refused_name
"$MK" debian "$DEB" --kernel-modules "$KERNEL_BASE" --password r9p --hostname mkroot9p \
	>"$LOGDIR/debian-journal3.log" 2>&1
check "the default again: the drop-in is back" grep -qx 'Storage=volatile' "$jconf"

install_probe "$DEB"
cp "$ART/r9p-hello_1.0_all.deb" "$DEB/root/"
t0=$(date +%s)
boot debian-passthrough -k "$ART/vmlinuz" -i "$IMG" -r "$DEB" --security-model passthrough -a panic=-1
BOOT_S=$(($(date +%s) - t0))
check_debian_boot passthrough 1.0
check "passthrough: apt's file is root's on the host" \
	[ "$(stat -c %u:%g "$DEB/usr/share/r9p-hello/hello")" = 0:0 ]

# mapped-xattr: convert, then QEMU as an ordinary uid.
t0=$(date +%s)
"$MK" convert "$DEB" --to mapped-xattr --owner "$QUID:$QUID" >"$LOGDIR/convert.log" 2>&1
rc=$?
CONVERT_S=$(($(date +%s) - t0))
LOG=$LOGDIR/convert.log
check "convert to mapped-xattr ($CONVERT_S s)" [ $rc = 0 ]
cat "$LOG"
c_convert_every_host_file() { [ -z "$(find "$DEB" -xdev \( ! -user "$QUID" -o -type l -o -type c -o -type b -o -type p \) -print -quit)" ]; }
check "convert: every host file is the uid's, no symlink or device left" c_convert_every_host_file
"$MK" convert "$DEB" --to mapped-xattr --owner "$QUID:$QUID" >"$LOGDIR/convert2.log" 2>&1
rc=$?
LOG=$LOGDIR/convert2.log
c_convert_again_nothing_do() { [ $rc = 0 ] && grep -q " 0 given .* 0 symlinks/special files rewritten" "$LOG"; }
check "convert again: nothing to do" c_convert_again_nothing_do
rm -f "$DEB/root/"r9p-hello_*.deb
cp "$ART/r9p-hello_2.0_all.deb" "$DEB/root/"
chown "$QUID:$QUID" "$DEB/root/r9p-hello_2.0_all.deb"
t0=$(date +%s)
RUN9P=$ART/run9p-user boot debian-mapped -k "$ART/vmlinuz" -i "$IMG" -r "$DEB" \
	--security-model mapped-xattr -a panic=-1
BOOT_S=$(($(date +%s) - t0))
check "mapped: QEMU ran as uid $QUID" hasnt "running QEMU as root"
check_debian_boot mapped 2.0
check "mapped: apt's new file is the uid's on the host" \
	[ "$(stat -c %u "$DEB/usr/share/r9p-hello/hello")" = "$QUID" ]

# The user.virtfs.* values are the guest's by now: passthrough makes no
# set-uid file or device node of them unless told to, and says which.
"$MK" convert "$DEB" --to passthrough >"$LOGDIR/convert-back.log" 2>&1
rc=$?
LOG=$LOGDIR/convert-back.log
check "convert back to passthrough" [ $rc = 0 ]
c_passthrough_without_allow_privileged() { [ "$(stat -c "%F %a %U:%G" "$DEB/etc/shadow" "$DEB/usr/bin/passwd" | paste -sd, -),$(stat -c "%F %a" "$DEB/dev/null")" = "regular file 640 root:shadow,regular file 755 root:root,regular empty file 600" ]; }
check "passthrough without --allow-privileged: passwd not set-uid, /dev/null a plain file, /etc/shadow as it was" c_passthrough_without_allow_privileged
c_warning_lists_them() { grep -q "withheld: usr/bin/passwd: set-uid, mode 4755, owner 0:0" "$LOG" && grep -q "withheld: dev/null: character device 1:3, mode 0666" "$LOG"; }
check "... and the warning lists them" c_warning_lists_them
c_set_uid_file_or() { [ -z "$(find "$DEB" -xdev \( -perm -4000 -o -type b -o -type c \) -print -quit)" ]; }
check "no set-uid file or device node on the host" c_set_uid_file_or
"$MK" convert "$DEB" --to passthrough --allow-privileged >"$LOGDIR/convert-back2.log" 2>&1
rc=$?
LOG=$LOGDIR/convert-back2.log
check "convert to passthrough --allow-privileged" [ $rc = 0 ]
c_passthrough_again_etc_shadow() { [ "$(stat -c "%F %a %U:%G" "$DEB/etc/shadow" "$DEB/usr/bin/passwd" "$DEB/dev/null" | paste -sd, -)" = "regular file 640 root:shadow,regular file 4755 root:root,character special file 666 root:root" ] && [ "$(readlink "$DEB/bin")" = usr/bin ]; }
check "passthrough again: /etc/shadow, passwd, /bin, /dev/null as debootstrap made them" c_passthrough_again_etc_shadow

# import: a busybox-only tarball; the unlink probe with and without tmpfs.
LOG=
check "import a busybox tarball" "$MK" import "$ART/tiny.tar.gz" "$TINY"
boot tiny-tmpfs -k "$ART/vmlinuz" -i "$IMG" -r "$TINY" -a panic=-1
check "imported root boots" probe_is "done" yes
c_imported_root_unlink_probe() { [ "$(probe unlink | grep -c " ok$")" = 4 ]; }
check "imported root: unlink probe passes on /tmp (tmpfs)" c_imported_root_unlink_probe
echo "  (tmpfs: $(probe unlink | paste -sd, -))"
boot tiny-9p -k "$ART/vmlinuz" -i "$IMG" -r "$TINY" -a "panic=-1 root9p.tmp=off"
check "root9p.tmp=off: ftruncate on an unlinked 9p file fails" probe_has unlink '^ftruncate failed: '
c_root9p_tmp_off_read() { probe_is unlink "fstat ok" && probe unlink | grep -qx "read ok" && probe unlink | grep -qx "write ok"; }
check "root9p.tmp=off: read and write still work" c_root9p_tmp_off_read
echo "  (9p passthrough: $(probe unlink | paste -sd, -))"
# The same with no root at all: import and convert as the uid, then boot.
UTINY=$WORK/imp-user/root
mkdir -p "$WORK/imp-user" && chown "$QUID:$QUID" "$WORK/imp-user"
as_user() { setpriv --reuid="$QUID" --regid="$QUID" --clear-groups "$@"; }
check "import as an ordinary user" as_user "$MK" import "$ART/tiny.tar.gz" "$UTINY"
c_convert_mapped_xattr_that() { as_user env O="$O" "$MK" convert "$UTINY" --to mapped-xattr >"$LOGDIR/convert-user.log" 2>&1; }
check "convert to mapped-xattr as that user" c_convert_mapped_xattr_that
RUN9P=$ART/run9p-user boot tiny-9p-mapped -k "$ART/vmlinuz" -i "$IMG" -r "$UTINY" \
	--security-model mapped-xattr -a "panic=-1 root9p.tmp=off"
check "a root imported and booted with no root rights runs its init" probe_is "done" yes
check "... and the guest's root owns its files there (it can write /out)" probe_is write ok
echo "  (9p mapped-xattr: $(probe unlink | paste -sd, -))"

# run9p as root. By default QEMU drops to the owner of the root (-runas) with
# mapped-xattr: a file the guest creates is that uid's on the host.
rm -f "$UTINY/out/written"
LOG=$LOGDIR/tiny-runas.log
echo "boot tiny-runas"
scripts/run9p --accel tcg --timeout "$BOOT_TIMEOUT" -k "$ART/vmlinuz" -i "$IMG" -r "$UTINY" \
	-a "panic=-1 root9p.tmp=off probe.token=runas" </dev/null >"$LOG" 2>&1
check "run9p as root, no option: the mapped-xattr root boots" probe_is "done" yes
c_qemu_ran_root_owner() { [ "$(stat -c %u "$UTINY/out/written" 2>/dev/null)" = "$QUID" ] && hasnt "running QEMU as root"; }
check "... QEMU ran as the root's owner: the guest's new file is uid $QUID's on the host" c_qemu_ran_root_owner
# --ro: QEMU serves the root read-only, so the guest's own remount,rw gains
# nothing (before, only the kernel's "ro" asked it not to write).
host_name_sum=$(md5sum <"$TINY/etc/hostname")
boot tiny-ro -k "$ART/vmlinuz" -i "$IMG" -r "$TINY" --ro -a "panic=-1 probe.remount"
check "--ro: the probe ran (remount,rw said $(probe remount))" probe_is "done" yes
check "--ro: the guest cannot write after mount -o remount,rw /" probe_is remount_write failed
check "--ro: the host's file is unchanged" [ "$(md5sum <"$TINY/etc/hostname")" = "$host_name_sum" ]
# What run9p refuses before starting QEMU (as root; --dry-run).
LOG=
rf() { ! scripts/run9p -k "$ART/vmlinuz" -i "$IMG" --dry-run "$@" >/dev/null 2>&1; }
check "run9p as root refuses passthrough without --passthrough-as-root" rf -r "$TINY" --security-model passthrough
check "run9p as root refuses a root-owned tree for mapped-xattr (no user to run as)" rf -r "$TINY"
c_run9p_refuses_r_path() { rf -r / --passthrough-as-root && rf -r /tmp/.. --passthrough-as-root; }
check "run9p refuses -r / (and a path resolving to it)" c_run9p_refuses_r_path
check "run9p refuses a double quote in rootflags" rf -r "$TINY" --passthrough-as-root -o 'cache=mmap"'
c_run9p_refuses_newline_or() { rf -r "$TINY" --passthrough-as-root -a "$(printf "a\nb")" && rf -r "$TINY" --passthrough-as-root -a "x=\"y"; }
check "run9p refuses a newline or an unpaired quote in -a" c_run9p_refuses_newline_or
c_run9p_two_add_up() {
	scripts/run9p -k "$ART/vmlinuz" -i "$IMG" -r "$TINY" --passthrough-as-root -a "one=1" -a "two=2" --dry-run 2>/dev/null |
		grep -qF "console=ttyS0\\ one=1\\ two=2"
}
check "run9p: two -a add up, in their order" c_run9p_two_add_up
c_run9p_ro_fsdev_readonly() { scripts/run9p -k "$ART/vmlinuz" -i "$IMG" -r "$TINY" --passthrough-as-root --ro --dry-run 2>/dev/null | grep -q "readonly=on"; }
check "run9p --ro: -fsdev ...,readonly=on" c_run9p_ro_fsdev_readonly

# import refuses what would land outside DIR, or a DIR in use.
LOG=
mkdir -p "$WORK/imp-full" && touch "$WORK/imp-full/x"
c_import_refuses_non_empty() { ! "$MK" import "$ART/tiny.tar.gz" "$WORK/imp-full" 2>/dev/null; }
check "import refuses a non-empty DIR" c_import_refuses_non_empty
for t in dotdot abs via-link; do
	c_import_refuses_tar_writes() { ! "$MK" import "$ART/$t.tar" "$WORK/imp-$t" >"$LOGDIR/imp-$t.log" 2>&1 && [ ! -e "$WORK/x" ] && [ ! -e "$SIB/pwned" ]; }
	check "import refuses $t.tar and writes nothing outside" c_import_refuses_tar_writes
done
c_import_force_refuses_write() { ! "$MK" import "$ART/force.tar" "$WORK/imp-force" --force >"$LOGDIR/imp-force.log" 2>&1 && [ ! -e "$SIB/pwned" ] && grep -q "etc (a symlink)" "$LOGDIR/imp-force.log"; }
check "import --force refuses to write through a symlink already in DIR" c_import_force_refuses_write
c_import_force_over_dir() { "$MK" import "$ART/tiny.tar.gz" "$WORK/imp-full" --force >/dev/null && [ -x "$WORK/imp-full/sbin/init" ] && [ -e "$WORK/imp-full/x" ]; }
check "import --force over a DIR without such symlinks works" c_import_force_over_dir
c_import_member_refused_before() { grep -q "members outside the root" "$LOGDIR/imp-dotdot.log" && [ -z "$(ls -A "$WORK/imp-dotdot")" ]; }
check "import: a ../ member is refused before extracting" c_import_member_refused_before

# convert refuses a filesystem without user xattrs (ramfs), with a reason.
mkdir -p "$WORK/ramfs"
unshare -m sh -c "mount -t ramfs r9p-test '$WORK/ramfs' && mkdir '$WORK/ramfs/d' &&
	'$MK' convert '$WORK/ramfs/d' --to mapped-xattr" >"$LOGDIR/ramfs.log" 2>&1
rc=$?
c_convert_refuses_ramfs_user() { [ $rc != 0 ] && grep -q "does not keep user xattrs" "$LOGDIR/ramfs.log"; }
check "convert refuses ramfs (no user xattrs) and says why" c_convert_refuses_ramfs_user

check "the sibling directory is unchanged (symlinks to it were not followed)" \
	[ "$sib_before" = "$(treesum "$SIB")" ]
c_nothing_outside_roots_changed() {
	[ -z "$(find "$WORK" -newer "$ART/.marker" -not -path "$DEB*" -not -path "$TINY*" \
		-not -path "$WORK/imp-*" -not -path "$LOGDIR*" -not -path "$WORK/ramfs*" -not -path "$WORK" -print)" ]
}
check "nothing outside the roots changed since the start" c_nothing_outside_roots_changed

echo "times: mkroot9p debian $DEBIAN_S s, convert $CONVERT_S s"
t_done mkroot9p
