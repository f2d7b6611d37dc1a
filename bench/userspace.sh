#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/userspace.sh - time to a usable system: a Debian 12 root with its
# own kernel (mkroot9p debian --include linux-image-amd64) booted under QEMU
# TCG (1 vCPU, 1 GiB) to systemd's multi-user.target, interleaved:
#
#   howto    the howto's setup: Debian's initramfs-tools with the 9p
#            modules added (/etc/initramfs-tools/modules, update-initramfs
#            run in the root), the howto's command line, and Debian's own
#            boot settings (mkroot9p's boot step undone: persistent
#            journal, nothing masked; systemd-networkd enabled at boot
#            rather than started by udev)
#   plain    the same root, booted by init9p (mkinitrd9p): the initramfs's
#            share of the difference
#   root9p   mkroot9p's root as it makes it (its boot step: journal in
#            /run, e2scrub_reap and getty-static masked; networkd started
#            by udev with the network card), init9p (with root9p-pin
#            holding the root's busiest directories)
#   nopin    the same with root9p.pin=0: root9p-pin's share
#   overlay  the root9p root as an overlay root (mkinitrd9p --overlay,
#            root9p.overlay=tmpfs; the read-only lower with cache=loose,
#            the engine's default for a lower)
#   overlay-mmap  the same with the lower at cache=mmap (rootflags)
#   loose    the root9p root with rootflags cache=loose: the opt-in for a
#            guest that needs not see host-side edits at once
#   usr-loose  the root9p root (cache=mmap, root9p-pin) with its /usr a
#            second share at cache=loose (run9p --usr-cache loose): the
#            opt-in that keeps host-side edits to /etc, /var, /home seen
#
#   bench/userspace.sh [-n BOOTS] [--variants "howto plain ..."] [--smoke] [-o DIR]
#
# Per boot, a probe unit (after the boot has finished: systemctl
# is-system-running --wait) prints systemd-analyze's line, multi-user.target's
# ActiveEnterTimestampMonotonic (guest time from the kernel's start) and
# systemd-analyze blame, and the 9p requests sent from the generators to
# multi-user.target (a generator the bench adds turns on the 9p client's
# tracepoint: in all, and by process), then powers off. Each root gets one boot first
# that is not counted (first-boot work: machine-id, ldconfig...); not with
# --smoke: one boot of root9p, figures printed, none judged (make check's
# look that the harness still runs; the howto's root costs an
# update-initramfs with MODULES=most and a boot of minutes under TCG, and
# its setup is what tests/boot/packages.sh boots).
# Prints median/min/max of the guest time to multi-user.target with ratios
# to howto, systemd-analyze's parts, and the blame top 5 per variant.
# Performance only: nothing here passes or fails but the boots themselves.
set -eu
prog=userspace
cd "$(dirname "$0")/.."
. bench/lib.sh
O=${O:-build}
RUN9P=${RUN9P:-scripts/run9p}

boots=3 variants="howto plain root9p nopin overlay overlay-mmap loose usr-loose" out="" smoke=0 timeout=900
while [ $# -gt 0 ]; do
	case $1 in
	-n) [ $# -ge 2 ] || die "-n needs a number"; boots=$2; shift ;;
	--variants) [ $# -ge 2 ] || die "--variants needs a list"; variants=$2; shift ;;
	--smoke) smoke=1 boots=1 variants="root9p" ;;
	--timeout) [ $# -ge 2 ] || die "--timeout needs seconds"; timeout=$2; shift ;;
	-o) [ $# -ge 2 ] || die "-o needs a directory"; out=$2; shift ;;
	*) die "usage: bench/userspace.sh [-n BOOTS] [--variants LIST] [--smoke] [-o DIR]" ;;
	esac
	shift
done
[[ $boots =~ ^[1-9][0-9]*$ ]] || die "-n '$boots' is not a positive number"
[ -n "$out" ] || die "give -o DIR"
[ "$(id -u)" = 0 ] || die "run as root (debootstrap, chroot, 9p passthrough)"
for v in $variants; do
	case $v in howto | plain | root9p | nopin | overlay | overlay-mmap | loose | usr-loose) ;;
	*) die "variant '$v': use howto plain root9p nopin overlay overlay-mmap loose usr-loose" ;; esac
done
mkdir -p "$out/logs"
make -s "$O/mkinitrd9p" "$O/klibc/init9p" >/dev/null

# The howto's rootflags (tests/boot/lib.sh has the same line).
HOWTO_FLAGS="trans=virtio,version=9p2000.L,msize=5000000,cache=mmap,posixacl"

# The probe: after the boot, what systemd says, as "@@ key value" lines on
# the console (an overlay guest cannot leave a file behind).
install_probe() {
	local r=$1
	mkdir -p "$r/usr/local/sbin" "$r/etc/systemd/system/multi-user.target.wants"
	cat >"$r/usr/local/sbin/usbench" <<'PROBE'
#!/bin/sh
exec >/dev/console 2>&1
echo 0 > /sys/kernel/tracing/tracing_on
systemctl stop serial-getty@ttyS0.service 2>/dev/null
systemctl is-system-running --wait >/dev/null 2>&1
echo
echo "@@ analyze $(systemd-analyze 2>/dev/null | head -n 1)"
mu=$(systemctl show -P ActiveEnterTimestampMonotonic multi-user.target)
echo "@@ mu $mu"
systemd-analyze blame --no-pager 2>/dev/null | head -n 5 | while read -r l; do echo "@@ blame $l"; done
# The 9p requests sent from the generators to multi-user.target: in all,
# and the three processes that sent the most.
awk -v mu="$mu" '/9p_client_req/ {
		c = $1; sub(/-[0-9]+$/, "", c)
		for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { t = $i; break }
		if (t * 1e6 > mu) next
		n[c]++; all++
	}
	END {
		printf "@@ req9p %d\n", all
		top = ""
		for (k = 0; k < 3; k++) {
			best = ""; for (c in n) if (best == "" || n[c] > n[best]) best = c
			if (best == "") break
			top = top " " best " " n[best]; delete n[best]
		}
		printf "@@ req9p_top%s\n", top
	}' /sys/kernel/tracing/trace
systemctl --failed --plain --no-legend | while read -r u rest; do echo "@@ failed $u"; done
echo "@@ done"
systemctl poweroff -ff
PROBE
	chmod 755 "$r/usr/local/sbin/usbench"
	# The 9p client's requests traced from the generators on (the
	# earliest point the real root's files run; 9p is loaded by then).
	mkdir -p "$r/etc/systemd/system-generators"
	cat >"$r/etc/systemd/system-generators/00-usbench-trace" <<'TRACE'
#!/bin/sh
grep -q ' /sys/kernel/tracing ' /proc/self/mountinfo || mount -t tracefs nodev /sys/kernel/tracing
echo 16384 > /sys/kernel/tracing/buffer_size_kb
echo 1 > /sys/kernel/tracing/events/9p/9p_client_req/enable
TRACE
	chmod 755 "$r/etc/systemd/system-generators/00-usbench-trace"
	# Type=simple: the probe must not hold the boot up while it waits for it.
	printf '%s\n' "[Unit]" "Description=root9p bench probe" "After=multi-user.target" \
		"[Service]" "Type=simple" "ExecStart=/usr/local/sbin/usbench" \
		"[Install]" "WantedBy=multi-user.target" >"$r/etc/systemd/system/usbench.service"
	ln -sfn /etc/systemd/system/usbench.service "$r/etc/systemd/system/multi-user.target.wants/usbench.service"
}

# kver ROOT: the kernel installed in ROOT.
kver() { find "$1/boot/" -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sed -n 's/^vmlinuz-//p' | sort -V | tail -n 1; }

need_howto=0 need_r9=0
for v in $variants; do
	case $v in howto | plain) need_howto=1 ;; *) need_r9=1 ;; esac
done
log "roots in $out (mkroot9p debian --include linux-image-amd64, cached)"
# Fresh roots every run: a root left by an earlier run has been booted,
# and the probe and the howto's module list are written into it as root
# (through any link a guest left there).
rm -rf --one-file-system "${out:?}/howto" "${out:?}/root9p"
if [ $need_r9 = 1 ]; then
	scripts/mkroot9p debian "$out/root9p" --include linux-image-amd64 >"$out/logs/mkroot9p.log" 2>&1 ||
		die "mkroot9p failed: see $out/logs/mkroot9p.log"
	install_probe "$out/root9p"
fi
if [ $need_howto = 1 ]; then
	scripts/mkroot9p debian "$out/howto" --include linux-image-amd64 --journal persistent \
		>"$out/logs/mkroot9p-howto.log" 2>&1 || die "mkroot9p failed: see $out/logs/mkroot9p-howto.log"
	rm -f "$out/howto/etc/systemd/system/e2scrub_reap.service" "$out/howto/etc/systemd/system/getty-static.service" \
		"$out/howto/etc/udev/rules.d/90-root9p-networkd.rules" \
		"$out/howto/etc/systemd/system-generators/systemd-gpt-auto-generator" \
		"$out/howto/etc/systemd/system-generators/systemd-hibernate-resume-generator"
	# networkd enabled at boot, as a hand-made root would have it
	mkdir -p "$out/howto/etc/systemd/system/multi-user.target.wants" "$out/howto/etc/systemd/system/sockets.target.wants"
	ln -sfn /lib/systemd/system/systemd-networkd.service \
		"$out/howto/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
	ln -sfn /lib/systemd/system/systemd-networkd.socket \
		"$out/howto/etc/systemd/system/sockets.target.wants/systemd-networkd.socket"
	install_probe "$out/howto"
	kv=$(kver "$out/howto")
	# The howto: the 9p modules in initramfs-tools' list, the image made
	# again in the root (chrooted, in a private mount namespace).
	printf '%s\n' 9p 9pnet 9pnet_virtio virtio_pci >>"$out/howto/etc/initramfs-tools/modules"
	# shellcheck disable=SC2016 # expanded by the inner bash
	unshare -m --propagation private bash -c '
		r=$1 kv=$2
		mount -t proc proc "$r/proc" && mount -t sysfs sys "$r/sys" && mount --rbind /dev "$r/dev" || exit 97
		exec chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin update-initramfs -u -k "$kv"' \
		howto "$out/howto" "$kv" >"$out/logs/update-initramfs.log" 2>&1 ||
		die "update-initramfs in the howto root failed: see $out/logs/update-initramfs.log"
fi

# The images.
r9root=$out/root9p
[ $need_r9 = 1 ] || r9root=$out/howto
KV=$(kver "$r9root")
"$O/mkinitrd9p" -k "$KV" -b "$r9root" --init "$O/klibc/init9p" -o "$out/init9p.img" 2>"$out/logs/mkinitrd9p.log" ||
	die "mkinitrd9p failed: see $out/logs/mkinitrd9p.log"
case " $variants " in *" overlay"*)
	"$O/mkinitrd9p" -k "$KV" -b "$r9root" --init "$O/klibc/init9p" --overlay -o "$out/overlay.img" \
		2>>"$out/logs/mkinitrd9p.log" || die "mkinitrd9p --overlay failed: see $out/logs/mkinitrd9p.log" ;;
esac

# boot VARIANT LOGNAME: one boot to the probe's poweroff.
boot() {
	local v=$1 name=$2 root=$out/root9p img=$out/init9p.img args=()
	case $v in
	howto) root=$out/howto img=$out/howto/boot/initrd.img-$KV
		args=(--cmdline "root=fsRoot rw rootfstype=9p rootflags=$HOWTO_FLAGS console=ttyS0") ;;
	plain) root=$out/howto ;;
	overlay) img=$out/overlay.img args=(-a root9p.overlay=tmpfs) ;;
	overlay-mmap) img=$out/overlay.img
		args=(-a root9p.overlay=tmpfs -o "trans=virtio,version=9p2000.L,msize=512000,cache=mmap") ;;
	loose) args=(-o "trans=virtio,version=9p2000.L,msize=512000,cache=loose") ;;
	nopin) args=(-a root9p.pin=0) ;;
	usr-loose) args=(--usr-cache loose) ;;
	esac
	timeout $((timeout + 30)) "$RUN9P" --accel tcg -c 1 -m 1G --timeout "$timeout" --passthrough-as-root \
		-k "$root/boot/vmlinuz-$KV" -i "$img" -r "$root" "${args[@]}" \
		</dev/null >"$out/logs/$name.log" 2>&1 || true
}

# probe LOG KEY: the probe's values for KEY in a console log.
probe() { tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' | sed -n "s/^@@ $2 //p"; }

# part_s LINE PART: seconds of one part of systemd-analyze's line
# ("Startup finished in 5.849s (kernel) + 1min 2.400s (userspace) = ..."),
# nothing when the line has no such part.
part_s() {
	sed -n "s/.*\(finished in\|+\) \([0-9][0-9min .]*s\) ($2).*/\2/p" <<<"$1" |
		awk '{ t = 0
			for (i = 1; i <= NF; i++)
				if ($i ~ /min$/) t += 60 * $i; else if ($i ~ /ms$/) t += $i / 1000; else t += $i
			printf "%.1f", t }'
}

echo "userspace bench: Debian 12 root, Linux $KV, QEMU TCG, 1 vCPU, $boots boot(s) per variant, interleaved; host load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ $smoke = 0 ]; then
	# first-boot work, once per root
	for v in $variants; do
		case $v in howto) boot howto warm-howto ;; root9p) boot root9p warm-root9p ;; esac
	done
fi
declare -A mu kern initrd user req ok
for i in $(seq 1 "$boots"); do
	for v in $variants; do
		t0=$SECONDS
		boot "$v" "$v.$i"
		m=$(probe "$out/logs/$v.$i.log" mu | head -n 1)
		a=$(probe "$out/logs/$v.$i.log" analyze | head -n 1)
		if [[ $m =~ ^[1-9][0-9]*$ ]]; then
			ok[$v]=$((${ok[$v]:-0} + 1))
			mu[$v]+="$(awk -v u="$m" 'BEGIN { printf "%.1f", u / 1e6 }') "
			kern[$v]+="$(part_s "$a" kernel) "
			initrd[$v]+="$(part_s "$a" initrd) "
			user[$v]+="$(part_s "$a" userspace) "
			req[$v]+="$(probe "$out/logs/$v.$i.log" req9p | head -n 1) "
			log "boot $i $v: multi-user.target at $(awk -v u="$m" 'BEGIN { printf "%.1f", u / 1e6 }') s guest time ($((SECONDS - t0)) s wall)"
		else
			log "boot $i $v: no multi-user.target time ($((SECONDS - t0)) s wall; see $out/logs/$v.$i.log)"
		fi
	done
done

echo
printf '%-12s %4s | %-26s %6s | %-26s | %s\n' variant ok "multi-user.target, guest s" ratio "systemd-analyze medians, s" "9p requests"
printf '%-12s %4s | %-26s %6s | %-26s | %s\n' "" "" "median   min    max" "" "kernel initrd userspace" "median"
base=$(L="${mu[howto]:-}" awk "$AWK_STATS"'BEGIN { print median(ENVIRON["L"]) }' </dev/null)
for v in $variants; do
	L=${mu[$v]:-} K=${kern[$v]:-} I=${initrd[$v]:-} U=${user[$v]:-} R=${req[$v]:-} B=$base N="${ok[$v]:-0}/$boots" V=$v \
		awk "$AWK_STATS"'BEGIN {
			n = sorted(ENVIRON["L"], v)
			m = n ? mid(v, n) : "-"
			printf "%-12s %4s | %6s %6s %6s        %6s | %6s %6s %9s    | %s\n", ENVIRON["V"], ENVIRON["N"],
				m, n ? v[1] : "-", n ? v[n] : "-", ratio(m, ENVIRON["B"]),
				median(ENVIRON["K"]), median(ENVIRON["I"]), median(ENVIRON["U"]), median(ENVIRON["R"])
		}' </dev/null
done
echo
echo "systemd-analyze blame, top 5 (the last counted boot of each variant):"
for v in $variants; do
	echo "  $v:"
	probe "$out/logs/$v.$boots.log" blame | sed 's/^/    /'
	echo "    9p requests by process, top 3:$(probe "$out/logs/$v.$boots.log" req9p_top)"
	f=$(probe "$out/logs/$v.$boots.log" failed | paste -sd' ' -)
	[ -z "$f" ] || echo "    (failed units: $f)"
done
echo "(console logs in $out/logs)"
# The roots are a few hundred MB each; the logs stay.
rm -rf --one-file-system "${out:?}/howto" "${out:?}/root9p" "$out"/*.img
