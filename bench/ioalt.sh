#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/ioalt.sh - guest I/O on one tree against what a user would choose
# instead of a 9p root: 9p per cache mode (none, mmap, loose), virtiofs per
# cache mode of Debian 12's C virtiofsd (QEMU 7.2's vhost-user-fs: none,
# auto, always) and an ext4 image of the same tree (mke2fs -d) on
# virtio-blk, booted by the tree's own initramfs-tools image.
#
#   bench/ioalt.sh [-r ROOT] [--src-tar TAR] [--debs DIR] [--quick] [--sets LIST]
#                  [--no-boot | --no-work] [--csv FILE] -o DIR
#   bench/ioalt.sh [--sets LIST] --table DIR/rows.tsv
#
# ROOT: a Debian 12 root with its kernel and git (default: made in DIR by
# scripts/mkroot9p debian DIR --include linux-image-amd64,git); TAR: an
# uncompressed tar of a kernel source subset (default: linux-source-6.1/fs,
# 44 MB in 2,200 entries, from /usr/src/linux-source-6.1.tar.xz; --quick:
# linux-source-6.1/kernel, 12 MB in 590); DEBS: .deb files whose
# dependencies ROOT has (default: apt-get download of DEB_SET below).
# --quick: 16 MiB instead of 256 for the sequential write and read.
# --no-boot, --no-work: leave out the boots to multi-user.target, or the
# workloads. Per set, one boot runs a guest script as init
# (write_guest below) over the tree: sequential write and read, untar of
# TAR, find and git status (twice: the first refreshes git's index, whose
# inode numbers are the host's) over a git repository of the same
# sources, rm -rf of the untarred tree, apt-get install of DEBS (offline)
# and their purge; every workload after sync and drop_caches (the guest's
# caches; the host's page cache stays warm for every set alike). One more
# boot per set to multi-user.target (its systemd, a probe unit).
# Prints seconds per workload and set with ratios to 9p cache=mmap, the
# guest's busy CPU share per workload, 9p requests per workload (the 9p
# client's tracepoint), and the host CPU of QEMU and virtiofsd per boot.
# --table: the tables again from a run's rows.tsv (one that was cut
# short: the sets it did not reach show "-").
# Run it nice'd; performance only: nothing passes or fails but the boots.
set -eu
prog=ioalt
cd "$(dirname "$0")/.."
. bench/lib.sh
O=${O:-build}
RUN9P=${RUN9P:-scripts/run9p}
VIRTIOFSD=${VIRTIOFSD:-/usr/lib/qemu/virtiofsd}

# The package set for apt-get install: its dependencies are in minbase.
DEB_SET="file libmagic1 libmagic-mgc less tree"
all_sets="9p-none 9p-mmap 9p-loose vfs-none vfs-auto vfs-always ext4"
sets=$all_sets root="" srctar="" debs="" out="" csv="" quick=0 boot=1 work=1 table=""
while [ $# -gt 0 ]; do
	case $1 in
	-r) [ $# -ge 2 ] || die "-r needs a directory"; root=$2; shift ;;
	--src-tar) [ $# -ge 2 ] || die "--src-tar needs a tar file"; srctar=$2; shift ;;
	--debs) [ $# -ge 2 ] || die "--debs needs a directory"; debs=$2; shift ;;
	--sets) [ $# -ge 2 ] || die "--sets needs a list"; sets=$2; shift ;;
	--quick) quick=1 ;;
	--no-boot) boot=0 ;;
	--no-work) work=0 ;;
	--csv) [ $# -ge 2 ] || die "--csv needs a file"; csv=$2; shift ;;
	--table) [ $# -ge 2 ] || die "--table needs a rows.tsv"; table=$2; shift ;;
	-o) [ $# -ge 2 ] || die "-o needs a directory"; out=$2; shift ;;
	*) die "usage: bench/ioalt.sh [-r ROOT] [--src-tar TAR] [--debs DIR] [--quick] [--sets LIST] [--no-boot | --no-work] [--csv FILE] -o DIR | --table ROWS" ;;
	esac
	shift
done
bench_words_in --sets set "$sets" "$all_sets"
# print_tables ROWS: the tables of a run (its rows.tsv), one column per set.
print_tables() {
	echo "seconds per workload (guest clock; ratio: to 9p-mmap, root9p's default; lower is faster)"
	S="$sets" awk -F '\t' "$AWK_STATS"'
		BEGIN { ns = split(ENVIRON["S"], s, " ") }
		$2 == "work" || $2 == "boot" {
			if (!($3 in seen)) { seen[$3] = 1; w[++nw] = $3 }
			ms[$1 "," $3] = $4; busy[$1 "," $3] = $5; idle[$1 "," $3] = $6; req[$1 "," $3] = $7; rc[$1 "," $3] = $8
		}
		$2 == "cpu" { qc[$1 "," $3] = $4; vc[$1 "," $3] = $5 }
		function sec(x) { return x == "" || x == "-" ? "-" : sprintf("%.1f", x / 1000) }
		function row(title, kind,   i, j, k, line) {
			printf "%-12s", title
			for (i = 1; i <= ns; i++) printf " %10s", s[i]
			print ""
			for (j = 1; j <= nw; j++) {
				k = w[j]
				if ((kind == "busy" || kind == "req") && k == "multi-user") continue
				line = sprintf("%-12s", k)
				for (i = 1; i <= ns; i++) {
					v = ms[s[i] "," k]
					if (kind == "s") c = sec(v) (rc[s[i] "," k] != "" && rc[s[i] "," k] != "0" && rc[s[i] "," k] != "-" ? "!" : "")
					else if (kind == "ratio") c = ratio(v == "" ? "-" : v, ms["9p-mmap," k] == "" ? "-" : ms["9p-mmap," k])
					else if (kind == "busy") {
						b = busy[s[i] "," k]; d = idle[s[i] "," k]
						c = (b == "" || b + d == 0) ? "-" : sprintf("%.0f%%", 100 * b / (b + d))
					} else c = req[s[i] "," k] == "" ? "-" : req[s[i] "," k]
					line = line sprintf(" %10s", c)
				}
				print line
			}
		}
		END {
			row("workload, s", "s")
			print "(! the workload exited non-zero: see the console log)"
			print ""
			row("ratio", "ratio")
			print ""
			print "guest CPU busy during the workload (/proc/stat: the rest is the guest waiting on the transport)"
			row("busy", "busy")
			print ""
			print "9p requests during the workload (the 9p client tracepoint; virtiofs and ext4 send none)"
			row("9p requests", "req")
			print ""
			print "host CPU s per boot (utime+stime, last sample before it ended): QEMU / virtiofsd"
			printf "%-12s", "boot"
			for (i = 1; i <= ns; i++) printf " %10s", s[i]
			print ""
			split("work boot", kk, " ")
			for (j = 1; j <= 2; j++) {
				line = sprintf("%-12s", kk[j])
				for (i = 1; i <= ns; i++) {
					q = qc[s[i] "," kk[j]]; v = vc[s[i] "," kk[j]]
					line = line sprintf(" %10s", q == "" ? "-" : q (v != "-" && v != "" ? "/" v : ""))
				}
				print line
			}
		}' "$1"
}
if [ -n "$table" ]; then
	[ -f "$table" ] || die "read $table: no such file; try: --table DIR/rows.tsv of a run"
	print_tables "$table"
	exit 0
fi
[ -n "$out" ] || die "no output directory; try: -o DIR"
[ "$(id -u)" = 0 ] || die "run as root (9p passthrough, virtiofsd, the tree's owners in the image)"
mkdir -p "$out/logs"
# What is not given is made in DIR: the root (mkroot9p, cached), the
# sources (fs/, or kernel/ with --quick, of Debian's linux-source-6.1),
# the .debs (apt-get download, from the host's Debian 12 archive).
if [ -z "$root" ]; then
	root=$out/root
	rm -rf --one-file-system "$root"
	log "root in $root (mkroot9p debian --include linux-image-amd64,git, cached)"
	scripts/mkroot9p debian "$root" --include linux-image-amd64,git >"$out/logs/mkroot9p.log" 2>&1 ||
		die "make the root $root: mkroot9p failed; try: see $out/logs/mkroot9p.log"
fi
if [ -z "$srctar" ]; then
	sub=fs
	[ $quick = 0 ] || sub=kernel
	srctar=$out/linux-6.1-$sub.tar
	if [ ! -f "$srctar" ]; then
		[ -f /usr/src/linux-source-6.1.tar.xz ] ||
			die "read /usr/src/linux-source-6.1.tar.xz: no such file; try: apt-get install linux-source-6.1, or --src-tar TAR"
		log "sources: linux-source-6.1/$sub of /usr/src/linux-source-6.1.tar.xz"
		rm -rf "$out/src"
		mkdir -p "$out/src"
		tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$out/src" "linux-source-6.1/$sub"
		tar -cf "$srctar" -C "$out/src" "linux-source-6.1/$sub"
		rm -rf "$out/src"
	fi
fi
if [ -z "$debs" ]; then
	debs=$out/debs
	mkdir -p "$debs"
	# shellcheck disable=SC2086 # package names, one word each
	compgen -G "$debs/*.deb" >/dev/null || (cd "$debs" && apt-get download $DEB_SET) >"$out/logs/debs.log" 2>&1 ||
		die "download $DEB_SET: apt-get download failed; try: see $out/logs/debs.log, or --debs DIR"
fi
{ [ -n "$root" ] && [ -d "$root" ]; } || die "root '$root' is no directory; try: scripts/mkroot9p debian DIR --include linux-image-amd64,git"
[ -x "$root/usr/bin/git" ] || die "use root $root: it has no git; try: scripts/mkroot9p debian DIR --include linux-image-amd64,git"
[ -f "$srctar" ] || die "read source tar '$srctar': no such file; try: leave --src-tar out (a subset of /usr/src/linux-source-6.1.tar.xz)"
{ [ -d "$debs" ] && compgen -G "$debs/*.deb" >/dev/null; } || die "read .deb folder '$debs': no .deb files; try: apt-get download PKG... in it"
[ -x "$VIRTIOFSD" ] || die "virtiofsd '$VIRTIOFSD' not found; try: apt-get install qemu-system-common, or VIRTIOFSD=PATH"
command -v mke2fs >/dev/null || die "mke2fs not found; try: apt-get install e2fsprogs"
kv=$(find "$root/boot/" -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sed -n 's/^vmlinuz-//p' | sort -V | tail -n 1)
[ -n "$kv" ] || die "boot $root: no vmlinuz-* in its /boot; try: scripts/mkroot9p debian DIR --include linux-image-amd64,git"
# Only the ext4 set boots the tree's own initramfs-tools image.
case " $sets " in *" ext4 "*)
	[ -f "$root/boot/initrd.img-$kv" ] ||
		die "boot $root as ext4: no initrd.img-$kv in its /boot; try: scripts/mkroot9p debian DIR --include linux-image-amd64,git" ;;
esac
kernel=$root/boot/vmlinuz-$kv
[ -n "$csv" ] || csv=$out/ioalt.csv
size=256 timeout=1800
[ $quick = 0 ] || size=16 timeout=600
make -s "$O/mkinitrd9p" "$O/klibc/init9p" >/dev/null

bench=$root/root9p-alt
img=$out/tree.ext4
guest_pid="" sampler=""
# cleanup: stop what this script started, take its files out of the tree.
cleanup() {
	[ -z "$sampler" ] || kill "$sampler" 2>/dev/null || true
	[ -z "$guest_pid" ] || { kill -TERM "$guest_pid" 2>/dev/null || true; wait "$guest_pid" 2>/dev/null || true; }
	rm -f "$root/etc/systemd/system/multi-user.target.wants/ioalt-probe.service" \
		"$root/etc/systemd/system/ioalt-probe.service"
	rm -rf --one-file-system "$bench" "$img"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# write_guest FILE: the guest's side, in the tree. As init ("work SIZE"):
# the workloads, one "@@ r NAME MS BUSY IDLE REQ9P RC" line each (jiffies
# from /proc/stat: busy = user+nice+system+irq+softirq, idle = idle+iowait;
# REQ9P "-" where the root is not 9p), then power off. As the probe unit
# ("probe"): multi-user.target's time, then power off.
write_guest() {
	cat >"$1" <<'GUEST'
#!/bin/sh
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
exec >/dev/console 2>&1
off() { sync; echo o >/proc/sysrq-trigger; sleep 60; }
if [ "$1" = probe ]; then
	echo "@@ mu $(systemctl show -P ActiveEnterTimestampMonotonic multi-user.target)"
	off
fi
size=${2:-16} D=/root9p-alt T=/sys/kernel/tracing tr=""
mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sys /sys
mountpoint -q /dev || mount -t devtmpfs dev /dev
mountpoint -q /tmp || mount -t tmpfs tmp /tmp
mkdir -p /dev/pts && { mountpoint -q /dev/pts || mount -t devpts devpts /dev/pts; }
mount -o remount,rw / 2>/dev/null
mountpoint -q $T || mount -t tracefs nodev $T 2>/dev/null
if [ -d $T/events/9p/9p_client_req ]; then
	echo 32768 >$T/buffer_size_kb && echo 1 >$T/events/9p/9p_client_req/enable && tr=1
fi
echo "@@ root $(awk '$2 == "/" { print $3, $4 }' /proc/mounts | tail -n 1)"
cpu() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat; }
reqs() {
	if [ -z "$tr" ]; then echo -; else
		awk '$1 == "entries:" || $1 == "overrun:" { s += $2 } END { print s + 0 }' $T/per_cpu/cpu0/stats
	fi
}
# w NAME CMD...: CMD timed after sync and drop_caches.
w() {
	n=$1
	shift
	sync
	echo 3 >/proc/sys/vm/drop_caches
	[ -z "$tr" ] || echo >$T/trace
	c0=$(cpu) s=$(date +%s%N)
	"$@" >"/tmp/$n.out" 2>&1
	rc=$?
	e=$(date +%s%N) c1=$(cpu)
	echo "@@ r $n $(((e - s) / 1000000)) $(echo "$c0 $c1" | awk '{ print $3 - $1, $4 - $2 }') $(reqs) $rc"
	[ $rc = 0 ] || tail -n 3 "/tmp/$n.out"
}
pkgs=$(for f in "$D"/debs/*.deb; do dpkg-deb -f "$f" Package; done)
mkdir -p $D/x
w seqwrite dd if=/dev/zero of=$D/big bs=1M count="$size" conv=fsync
w seqread dd if=$D/big of=/dev/null bs=1M
rm -f $D/big
w untar tar -xf $D/src.tar -C $D/x
w find find $D/repo
w gitstatus1 git -C $D/repo status --porcelain
w gitstatus2 git -C $D/repo status --porcelain
w rmtree rm -rf $D/x
# Offline without --no-download: the guest has no package lists, and apt
# 2.6 with --no-download does not take local .debs ("Pathname to install
# is not absolute").
w apt env DEBIAN_FRONTEND=noninteractive apt-get install -y $D/debs/*.deb
# shellcheck disable=SC2086 # package names, one word each
w purge dpkg --purge $pkgs
echo "@@ done"
off
GUEST
	chmod 755 "$1"
}

# The tree's bench folder: the guest script, the sources as a tar and as
# a git repository, the .debs, and the probe unit for the boot.
[ ! -e "$bench" ] || die "use root $root: $bench exists (an interrupted run?); try: rm -rf $bench"
mkdir -p "$bench/debs" "$bench/repo"
write_guest "$bench/guest.sh"
cp "$srctar" "$bench/src.tar"
cp "$debs"/*.deb "$bench/debs/"
tar -xf "$srctar" -C "$bench/repo"
git -C "$bench/repo" init -q
git -C "$bench/repo" -c user.name=bench -c user.email=bench@root9p add -A
git -C "$bench/repo" -c user.name=bench -c user.email=bench@root9p commit -q -m "kernel source subset"
# The probe unit: linked in for the boots to multi-user.target only.
printf '%s\n' "[Unit]" "Description=root9p ioalt probe" "After=multi-user.target" \
	"[Service]" "Type=simple" "ExecStart=/root9p-alt/guest.sh probe" >"$bench/ioalt-probe.service"
src_files=$(tar -tf "$srctar" | wc -l)
src_mib=$(du -sm "$srctar" | cut -f1)

# The images: init9p for 9p, with virtiofs; the tree's own initramfs-tools
# image for ext4 (virtio_blk and ext4 are in its MODULES=most).
"$O/mkinitrd9p" -k "$kv" -b "$root" --init "$O/klibc/init9p" -o "$out/init9p.img" 2>"$out/logs/mkinitrd9p.log" ||
	die "make $out/init9p.img: mkinitrd9p failed; try: see $out/logs/mkinitrd9p.log"
"$O/mkinitrd9p" -k "$kv" -b "$root" --init "$O/klibc/init9p" --modules=virtiofs -o "$out/init9p-vfs.img" \
	2>>"$out/logs/mkinitrd9p.log" || die "make $out/init9p-vfs.img: mkinitrd9p failed; try: see $out/logs/mkinitrd9p.log"

# mk_image: the ext4 image of the tree as it is now (owners, modes, xattrs
# kept by mke2fs -d), with room for the workloads.
mk_image() {
	local mib
	mib=$(($(du -sm "$root" | cut -f1) * 2 + size + 512))
	rm -f "$img"
	mke2fs -q -t ext4 -d "$root" -L ioalt "$img" "${mib}M" >"$out/logs/mke2fs.log" 2>&1 ||
		die "make $img: mke2fs -d $root failed; try: see $out/logs/mke2fs.log"
}

# run_set SET LOG INIT_ARGS...: one boot of the tree through SET; host CPU
# of QEMU and virtiofsd sampled every second into LOG.cpu.
run_set() {
	local set=$1 log=$2 args=()
	shift 2
	local r9="trans=virtio,version=9p2000.L,msize=512000"
	case $set in
	9p-*) args=(-i "$out/init9p.img" -o "$r9,cache=${set#9p-}" -a "panic=-1 no_timer_check $*") ;;
	vfs-*) args=(-i "$out/init9p-vfs.img" --fs virtiofs --virtiofsd "$VIRTIOFSD" --vfs-cache "${set#vfs-}"
		-a "panic=-1 no_timer_check $*") ;;
	ext4) args=(-i "$root/boot/initrd.img-$kv" --cmdline "root=/dev/vda rootfstype=ext4 rw console=ttyS0 panic=-1 no_timer_check $*"
		--qemu -drive --qemu "file=$img,if=virtio,format=raw") ;;
	esac
	"$RUN9P" --accel tcg -c 1 -m 1G --timeout "$timeout" --passthrough-as-root -k "$kernel" -r "$root" \
		"${args[@]}" </dev/null >"$log" 2>&1 &
	guest_pid=$!
	(
		tck=$(getconf CLK_TCK)
		while kill -0 "$guest_pid" 2>/dev/null; do
			ps -o pid=,comm= --ppid "$guest_pid" | while read -r p c; do
				case $c in qemu-system* | virtiofsd) ;; *) continue ;; esac
				# The C virtiofsd serves from a child it forks into its
				# sandbox: its time counts with the daemon's.
				pids=$p
				[ "$c" != virtiofsd ] || pids="$p $(ps -o pid= --ppid "$p" | tr '\n' ' ')"
				t=$(for q in $pids; do sed 's/^.*) //' "/proc/$q/stat" 2>/dev/null; done |
					awk -v k="$tck" '{ s += $12 + $13 } END { if (NR) printf "%.1f", s / k }')
				[ -z "$t" ] || echo "${c%%-*} $t" >>"$log.cpu"
			done
			sleep 1
		done
	) &
	sampler=$!
	wait "$guest_pid" || true
	guest_pid=""
	wait "$sampler" 2>/dev/null || true
	sampler=""
}

# host_cpu LOG WHO: the last CPU seconds sampled for WHO (qemu, virtiofsd).
host_cpu() { awk -v w="$2" '$1 == w { t = $2 } END { print t == "" ? "-" : t }' "$1.cpu" 2>/dev/null || echo -; }

# guest_lines LOG KEY: the guest's "@@ KEY ..." lines, prefixes removed.
guest_lines() { tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' | sed -n "s/^.*@@ $2 //p"; }

echo "ioalt: the same tree over 9p, virtiofs and an ext4 image; Linux $kv, QEMU TCG, 1 vCPU, 1 GiB"
echo "host load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "workloads: $size MiB written and read; $(basename "$srctar") ($src_mib MiB, $src_files entries) untarred,"
echo "and as a git repository for find and git status; apt-get install of $(find "$debs" -name '*.deb' | wc -l) local .debs"
rows=$out/rows.tsv
: >"$rows"
for set in $sets; do
	if [ $work = 1 ]; then
		[ "$set" != ext4 ] || mk_image
		t0=$SECONDS
		run_set "$set" "$out/logs/$set.work.log" "init=/root9p-alt/guest.sh -- work $size"
		n=0
		while read -r name ms busy idle req rc; do
			printf '%s\twork\t%s\t%s\t%s\t%s\t%s\t%s\n' "$set" "$name" "$ms" "$busy" "$idle" "$req" "$rc" >>"$rows"
			n=$((n + 1))
		done < <(guest_lines "$out/logs/$set.work.log" r)
		printf '%s\tcpu\twork\t%s\t%s\t-\t-\t-\n' "$set" "$(host_cpu "$out/logs/$set.work.log" qemu)" \
			"$(host_cpu "$out/logs/$set.work.log" virtiofsd)" >>"$rows"
		log "$set: $n workload results ($((SECONDS - t0)) s wall)"
	fi
	if [ $boot = 1 ]; then
		# The unit in systemd's own folder: a .wants link to a file
		# outside the unit paths is not loaded (systemd 252).
		cp "$bench/ioalt-probe.service" "$root/etc/systemd/system/ioalt-probe.service"
		ln -sfn ../ioalt-probe.service "$root/etc/systemd/system/multi-user.target.wants/ioalt-probe.service"
		[ "$set" != ext4 ] || mk_image
		t0=$SECONDS
		run_set "$set" "$out/logs/$set.boot.log" ""
		rm -f "$root/etc/systemd/system/multi-user.target.wants/ioalt-probe.service" \
			"$root/etc/systemd/system/ioalt-probe.service"
		mu=$(guest_lines "$out/logs/$set.boot.log" mu | head -n 1)
		[[ $mu =~ ^[1-9][0-9]*$ ]] && mu=$((mu / 1000)) || mu=-
		printf '%s\tboot\tmulti-user\t%s\t-\t-\t-\t-\n' "$set" "$mu" >>"$rows"
		printf '%s\tcpu\tboot\t%s\t%s\t-\t-\t-\n' "$set" "$(host_cpu "$out/logs/$set.boot.log" qemu)" \
			"$(host_cpu "$out/logs/$set.boot.log" virtiofsd)" >>"$rows"
		log "$set: multi-user.target at ${mu} ms guest time ($((SECONDS - t0)) s wall)"
	fi
done

{
	echo "set,kind,workload,ms_or_host_qemu_cpu_s,guest_busy_jiffies_or_virtiofsd_cpu_s,guest_idle_jiffies,requests_9p,rc"
	tr '\t' ',' <"$rows"
} >"$csv"

echo
print_tables "$rows"
echo
echo "(TCG: the guest's CPU is emulated, so its share of every workload is far larger than"
echo " under KVM, and the transports differ less than they would there. host load at end:"
echo " $(cut -d' ' -f1-3 /proc/loadavg); CSV: $csv; console logs in $out/logs)"
