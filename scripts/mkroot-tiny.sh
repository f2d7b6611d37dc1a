#!/bin/sh
# scripts/mkroot-tiny.sh - a tiny root directory for 9p boot tests and the
# demo: busybox-static, and an init that probes the guest and powers off.
#
#   scripts/mkroot-tiny.sh [--busybox PATH] DIR [MOUNT9P_BINARY [UNLINKPROBE_BINARY]]
#
# --busybox: another static busybox than /bin/busybox, e.g. an arm64 one
# for an arm64 guest (scripts/fetch-kernel.sh --deb busybox-static arm64);
# one the host cannot run is asked for its applets through qemu-user
# (qemu-aarch64-static, package qemu-user-static).
#
# The probe (/sbin/init) prints "@@ key value" lines to the kernel log,
# hence the console (the host reads them even when the root is read-only) and copies what it saw
# into /out when it can write. It powers the guest off when done; with
# probe.hold on the command line it starts a shell on the console instead.
set -eu

busybox=/bin/busybox
if [ "${1:-}" = --busybox ]; then
	busybox=${2:?--busybox needs a PATH}
	shift 2
fi
case $busybox in /*) ;; *) busybox=$PWD/$busybox ;; esac
dir=${1:?usage: mkroot-tiny.sh [--busybox PATH] DIR [MOUNT9P_BINARY [UNLINKPROBE_BINARY]]}
mount9p=${2:-}
unlinkprobe=${3:-}
# Absolute, since the copies below happen after cd "$dir".
case $mount9p in ""|/*) ;; *) mount9p=$PWD/$mount9p ;; esac
case $unlinkprobe in ""|/*) ;; *) unlinkprobe=$PWD/$unlinkprobe ;; esac

# How to run it here: directly, or (another architecture) through qemu-user.
run_bb=""
if ! "$busybox" --list >/dev/null 2>&1; then
	for q in qemu-aarch64-static qemu-aarch64; do
		if command -v "$q" >/dev/null && "$q" "$busybox" --list >/dev/null 2>&1; then
			run_bb=$q
			break
		fi
	done
	[ -n "$run_bb" ] || {
		echo "mkroot-tiny: cannot run $busybox --list (not a busybox, or another architecture without qemu-user: apt-get install qemu-user-static)" >&2
		exit 1
	}
fi
if LC_ALL=C readelf -l "$busybox" 2>/dev/null | grep -q 'INTERP'; then
	echo "mkroot-tiny: $busybox is not a static busybox: apt-get install busybox-static" >&2
	exit 1
fi

mkdir -p "$dir"
cd "$dir"
# usr, var, mnt and os-release make it an OS tree as systemd's switch-root
# (dracut's systemd initrd) wants one; it would create the dirs otherwise.
mkdir -p bin sbin etc dev proc sys run root out probe usr var mnt
mkdir -p -m 1777 tmp
cp "$busybox" bin/busybox
for applet in $($run_bb bin/busybox --list); do
	[ "$applet" = busybox ] && continue
	[ -e "bin/$applet" ] || ln -s busybox "bin/$applet"
done
if [ -n "$mount9p" ]; then
	cp "$mount9p" bin/mount9p
fi
[ -z "$unlinkprobe" ] || cp "$unlinkprobe" bin/unlinkprobe
echo "tiny9p" > etc/hostname
echo "root:x:0:0:root:/root:/bin/sh" > etc/passwd
echo "root:x:0:" > etc/group
printf 'NAME="root9p probe"\nID=root9p-probe\n' > etc/os-release

cat > sbin/init <<'PROBE'
#!/bin/sh
# The probe: what did the kernel and init9p leave us?
# First line: a kmsg line, so the console shows when the real init began
# on the kernel's clock (bench/ measures "Run /init" to this line).
echo "<5>realinit: started" > /dev/kmsg 2>/dev/null
export PATH=/bin:/sbin
# Through the kernel log: printk reaches the console even when a loaded
# TCG host stalls the UART's tty output (see init/log.c).
say() { echo "<5>@@ $*" > /dev/kmsg; }
sayall() { while IFS= read -r l; do say "$1 $l"; done; }
arg() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" /proc/cmdline | tail -n 1; }

[ -e /proc/self ] || mount -t proc proc /proc
say pid $$
say argv0 "$0"
say argc $#
i=1
for a in "$@"; do say "arg$i" "$a"; i=$((i + 1)); done
say cmdline "$(cat /proc/cmdline)"
while read -r id parent devno fsroot mnt rest; do
	case "$mnt" in /|/tmp) ;; *) continue ;; esac
	say mountinfo "$id $parent $devno $fsroot $mnt $rest"
done < /proc/self/mountinfo
while read -r src mnt type opts rest; do
	say mount "$mnt $type $src $opts"
done < /proc/mounts
say tmpmode "$(stat -c %a /tmp)"
say initramfs_left "$(ls /init /lib/modules 2>/dev/null | wc -l)"
for m in 9p 9pnet 9pnet_virtio; do
	[ -d /sys/module/$m ] && say module "$m"
done
# root9p-wipe (init9p) deletes the initramfs in the background at idle
# priority: give it 5 s to end (its line is in dmesg then), and say how
# many are left.
i=0
while [ $i -lt 50 ] && grep -qx root9p-wipe /proc/[0-9]*/comm 2>/dev/null; do
	sleep 0.1 2>/dev/null || sleep 1
	i=$((i + 1))
done
say wipe_left "$(grep -lx root9p-wipe /proc/[0-9]*/comm 2>/dev/null | wc -l)"
dmesg | grep 'init9p:' | sayall dmesg

# root9p-pin (init9p): what it holds, one "pin" line per process. It
# takes its name once it holds everything; probe.pinwait waits for that
# (20 s at most: it runs at nice 19, after this probe).
if grep -q 'probe.pinwait' /proc/cmdline; then
	i=0
	while [ $i -lt 20 ] && ! grep -qx root9p-pin /proc/[0-9]*/comm 2>/dev/null; do
		sleep 1
		i=$((i + 1))
	done
fi
for d in /proc/[0-9]*; do
	[ "$(cat "$d/comm" 2>/dev/null)" = root9p-pin ] || continue
	say pin "$(ls -l "$d/fd" 2>/dev/null | sed -n 's/.* -> //p' | sort | tr '\n' ' ')"
	# its privileges and what it maps (#29.14)
	say pin_status "$(grep -E '^(CapPrm|CapEff|CapBnd|NoNewPrivs):' "$d/status" | tr -s ' \t' ' ' | tr '\n' ' ')"
	say pin_maps "$(awk 'NF >= 6 { $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print }' "$d/maps" | sort -u | tr '\n' ' ')"
done
# probe.umount=PATH,...: unmount each (a root9p.mount= share), say how.
for p in $(arg probe.umount | tr , ' '); do
	say umount "$p $(umount "$p" 2>&1 && echo ok)"
done
# probe.pinseen=TAG: a file made, changed and removed through TAG, a
# second share of the root's directory (its own QEMU server: an edit on
# the host, as far as the root's mount can tell), is seen at once in
# /etc, a directory root9p-pin holds.
pintag=$(arg probe.pinseen)
if [ -n "$pintag" ] && mkdir -p /tmp/m &&
	mount -t 9p -o trans=virtio,version=9p2000.L "$pintag" /tmp/m; then
	echo one > /tmp/m/etc/pinseen
	say pinseen_new "$(cat /etc/pinseen 2>&1)"
	echo two > /tmp/m/etc/pinseen
	say pinseen_changed "$(cat /etc/pinseen 2>&1)"
	rm /tmp/m/etc/pinseen
	say pinseen_removed "$(test -e /etc/pinseen && echo there || echo gone)"
	umount /tmp/m
fi

# probe.params=mod/param,...: module parameters as the kernel holds them.
for p in $(arg probe.params | tr , ' '); do
	say param "$p $(cat /sys/module/$p 2>/dev/null || cat /sys/module/${p%%/*}/parameters/${p#*/} 2>&1)"
done

# Unlinked-but-open file in /tmp: ftruncate fails on 9p, works on tmpfs.
if [ -x /bin/unlinkprobe ]; then /bin/unlinkprobe /tmp | sayall unlink; fi

token=$(arg probe.token)
if (echo "$token" > /out/written) 2>/dev/null; then
	say write ok
	cp /proc/self/mountinfo /out/mountinfo
	sync
else
	say write failed
fi
if [ -x /bin/mount9p ]; then
	/bin/mount9p --tags 2>&1 | sayall tags
	explain=$(arg probe.explain)
	if [ -n "$explain" ]; then
		/bin/mount9p --explain -o "$explain" > /tmp/explain 2>&1
		say explain_rc $?
		sayall explain < /tmp/explain
	fi
fi
# probe.remount: a guest told ro (run9p --ro) makes itself rw and writes.
if grep -q 'probe.remount' /proc/cmdline; then
	mount -o remount,rw / 2>/dev/null
	say remount "$?"
	if (echo "written by the guest" > /etc/hostname) 2>/dev/null; then
		say remount_write ok
	else
		say remount_write failed
	fi
fi
if grep -q 'probe.hold' /proc/cmdline; then
	say hold
	exec sh
fi
say done yes
poweroff -f
PROBE
chmod 0755 sbin/init
