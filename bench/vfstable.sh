#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/vfstable.sh - 9p against virtiofs on one tree, on both hosts, in one
# run (#27): Debian 12 (this machine: QEMU 7.2, its C virtiofsd) and Debian
# 13 (scripts/host-env.sh's trixie tree: QEMU 10, the Rust virtiofsd).
#
#   bench/vfstable.sh [--quick] [--sets LIST] [--hosts LIST] [-n LOOPS]
#                     [-r ROOT] [--src-tar TAR] -o DIR
#   bench/vfstable.sh [--sets LIST] [--hosts LIST] --table DIR/rows.tsv
#
# One kernel for everything: Debian 13's 6.12 (scripts/fetch-kernel.sh
# --env trixie), booting a Debian 12 root (default: scripts/mkroot9p
# debian DIR/root --include linux-image-amd64,git, cached; the kernel's
# modules copied in). Sets (--sets, default "9p-mmap vfs-auto"): 9p-mmap
# (root9p's rootflags), 9p-loose (the same with cache=loose: 7-10 minutes
# more at load 10), vfs-auto (virtiofs with run9p's default cache mode). Hosts (--hosts): d12, d13.
# Per host and set: (a) one boot to multi-user.target (a probe unit says
# systemd's ActiveEnterTimestampMonotonic; the host's wall time to that
# line), (b) LOOPS runs of the loop (run9p -k K --modules M -r ROOT --
# echo go: host ms to "go" and to run9p's exit), (c) one boot running the
# I/O set as init: sequential write and read (16 MiB with --quick, else
# 256, with fsync), untar of TAR (default linux-source-6.1/kernel with
# --quick, else /fs), find and git status (twice) over a git repository
# of the same sources, rm -rf of the untarred tree; each after sync and
# drop_caches in the guest. Interleaved: each kind runs every set on
# both hosts in turn (hosts innermost), so load falls on all alike.
# QEMU TCG, 1 vCPU, 1 GiB; every run9p under --timeout. As root (the
# trixie tree runs in a mount namespace; passthrough; C virtiofsd).
# DIR must be under /var/tmp or the checkout: the trixie tree sees those.
# Prints a markdown table, ratios virtiofs/9p-mmap per host, and the
# load. A workload that exits non-zero is "failed: its message".
set -eu
prog=vfstable
cd "$(dirname "$0")/.."
. bench/lib.sh
O=${O:-build}
RUN9P=${RUN9P:-scripts/run9p}
ALL_SETS="9p-mmap 9p-loose vfs-auto"
ALL_HOSTS="d12 d13"
R9="trans=virtio,version=9p2000.L,msize=512000"
W_NAMES="seqwrite seqread untar find gitstatus1 gitstatus2 rmtree"

# --- the guest's side -----------------------------------------------------

# write_guest FILE: the guest script, in the tree. As init ("work SIZE"):
# the I/O set, one "@@ r NAME MS RC" line each and "@@ f NAME TEXT" with
# the last line of a failing one's output, then power off. As the probe
# unit ("probe"): multi-user.target's time (us), then power off.
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
size=${2:-16} D=/root9p-vfstable
mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sys /sys
mountpoint -q /dev || mount -t devtmpfs dev /dev
mountpoint -q /tmp || mount -t tmpfs tmp /tmp
mount -o remount,rw / 2>/dev/null
echo "@@ root $(awk '$2 == "/" { print $3, $4 }' /proc/mounts | tail -n 1)"
# what an interrupted run left
rm -rf $D/x $D/big
mkdir -p $D/x
# w NAME CMD...: CMD timed after sync and drop_caches.
w() {
	n=$1
	shift
	sync
	echo 3 >/proc/sys/vm/drop_caches
	s=$(date +%s%N)
	"$@" >"/tmp/$n.out" 2>&1
	rc=$?
	e=$(date +%s%N)
	echo "@@ r $n $(((e - s) / 1000000)) $rc"
	[ $rc = 0 ] || echo "@@ f $n $(grep -v '^tar: Exiting' "/tmp/$n.out" | tail -n 1 | cut -c1-160)"
}
w seqwrite dd if=/dev/zero of=$D/big bs=1M count="$size" conv=fsync
w seqread dd if=$D/big of=/dev/null bs=1M
rm -f $D/big
w untar tar -xf $D/src.tar -C $D/x
w find find $D/repo
w gitstatus1 git -C $D/repo status --porcelain
w gitstatus2 git -C $D/repo status --porcelain
w rmtree rm -rf $D/x
echo "@@ done"
off
GUEST
	chmod 755 "$1"
}

# guest_lines LOG KEY: the guest's "@@ KEY ..." lines, prefixes removed.
guest_lines() { tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' | sed -n "s/^.*@@ $2 //p"; }

# --- one measurement, on the host it runs on ------------------------------

# set_args SET: run9p's transport options for SET into SARGS.
set_args() {
	case $1 in
	9p-*) SARGS=(-o "$R9,cache=${1#9p-}") ;;
	vfs-*) SARGS=(--fs virtiofs --vfs-cache "${1#vfs-}") ;;
	esac
}

# row FIELDS...: one line of rows.tsv (HOST SET KIND NAME VALUE RC TEXT).
row() { (IFS=$'\t'; echo "$*") >>"$D/rows.tsv"; }

# one HOST SET KIND RUN: one measurement through this host's QEMU and
# virtiofsd; its rows into $D/rows.tsv. The state (root, kernel, sizes)
# from $D/state, written by main: the trixie tree's env -i passes none.
# shellcheck disable=SC2153 # ROOT, SIZE, the timeouts: from $D/state
one() {
	local host=$1 set=$2 kind=$3 run=$4 log t0 mu tmu rc name ms text init
	# shellcheck source=/dev/null
	. "$D/state"
	set_args "$set"
	logs=$D/logs
	log=$logs/$host.$set.$kind.$run
	rm -f "$log" "$log.mu"
	[ "$kind" = warm ] || row "$host" "$set" "$kind" load "$(cut -d' ' -f1 /proc/loadavg)" 0 ""
	case $kind in
	warm)
		# the loop's initrd and unpacked kernel into run9p's cache
		"$RUN9P" --dry-run --accel tcg -c 1 -m 1G --passthrough-as-root -k "$KERNEL_IMAGE" \
			--modules "$MODDIR" -r "$ROOT" "${SARGS[@]}" -- echo go >"$log" 2>&1 ||
			log "$host $set: run9p --dry-run of the loop failed; see $log"
		;;
	info)
		row "$host" - info qemu - 0 "$(qemu-system-x86_64 --version | head -n 1)"
		row "$host" - info virtiofsd - 0 "$("$RUN9P" --dry-run --accel tcg -k "$KERNEL_IMAGE" -i "$D/vfs.img" \
			-r "$ROOT" --fs virtiofs --passthrough-as-root 2>/dev/null | grep -o '^[^ ]*virtiofsd' | head -n 1)"
		row "$host" - info debian - 0 "$(cat /etc/debian_version)"
		;;
	loop)
		# shellcheck disable=SC2034 # T_FIRST, T_EXIT, RC: bench_timed's
		bench_timed "$host.$set.loop" "$run" "$RUN9P" --accel tcg -c 1 -m 1G --timeout "$LOOP_TIMEOUT" \
			--passthrough-as-root -k "$KERNEL_IMAGE" --modules "$MODDIR" -r "$ROOT" "${SARGS[@]}" -- echo go
		text=""
		[ "$RC" = 0 ] || text="exit $RC: $(tail -n 1 "$logs/$host.$set.loop.$run.err")"
		row "$host" "$set" loop "go" "$T_FIRST" "$RC" "$text"
		row "$host" "$set" loop "exit" "$T_EXIT" "$RC" "$text"
		;;
	boot)
		# The unit in systemd's own folder: a .wants link to a file
		# outside the unit paths is not loaded (systemd 252).
		cp "$ROOT/root9p-vfstable/vfstable-probe.service" "$ROOT/etc/systemd/system/vfstable-probe.service"
		ln -sfn ../vfstable-probe.service "$ROOT/etc/systemd/system/multi-user.target.wants/vfstable-probe.service"
		t0=$(now_ms)
		tmu=-
		rc=0
		{ "$RUN9P" --accel tcg -c 1 -m 1G --timeout "$BOOT_TIMEOUT" --passthrough-as-root -k "$KERNEL_IMAGE" \
			-i "$(image "$set")" -r "$ROOT" "${SARGS[@]}" -a "panic=-1 no_timer_check" </dev/null 2>&1 ||
			echo "@@rc $?"; } | while IFS= read -r line; do
			printf '%s\n' "$line" >>"$log"
			case $line in *"@@ mu "*) [ -e "$log.mu" ] || echo $(($(now_ms) - t0)) >"$log.mu" ;; esac
		done
		rm -f "$ROOT/etc/systemd/system/multi-user.target.wants/vfstable-probe.service" \
			"$ROOT/etc/systemd/system/vfstable-probe.service"
		mu=$(guest_lines "$log" mu | head -n 1)
		[ ! -e "$log.mu" ] || tmu=$(cat "$log.mu")
		rc=$(sed -n 's/^@@rc //p' "$log" | tail -n 1)
		if [[ $mu =~ ^[1-9][0-9]*$ ]]; then
			row "$host" "$set" boot mu-guest $((mu / 1000)) 0 ""
			row "$host" "$set" boot mu-host "$tmu" 0 ""
		else
			text="no multi-user.target (run9p exit ${rc:-0}; see $log)"
			[ "${rc:-0}" != 124 ] || text="no multi-user.target in $BOOT_TIMEOUT s (see $log)"
			row "$host" "$set" boot mu-guest - 1 "$text"
			row "$host" "$set" boot mu-host - 1 "$text"
		fi
		;;
	work)
		init="init=/root9p-vfstable/guest.sh -- work $SIZE"
		"$RUN9P" --accel tcg -c 1 -m 1G --timeout "$WORK_TIMEOUT" --passthrough-as-root -k "$KERNEL_IMAGE" \
			-i "$(image "$set")" -r "$ROOT" "${SARGS[@]}" -a "panic=-1 no_timer_check $init" \
			</dev/null >"$log" 2>&1 || rc=$?
		while read -r name ms rc; do
			text=$(guest_lines "$log" f | sed -n "s/^$name //p" | head -n 1)
			row "$host" "$set" work "$name" "$ms" "$rc" "$text"
		done < <(guest_lines "$log" r)
		;;
	esac
}

# image SET: the init9p image for SET's transport.
image() { case $1 in vfs-*) echo "$D/vfs.img" ;; *) echo "$D/9p.img" ;; esac; }

# on HOST SET KIND RUN: one() on HOST: here for d12, in the trixie tree
# for d13 (a private mount namespace; this checkout at its own path).
on() {
	case $1 in
	d12) one "$@" ;;
	d13) scripts/host-env.sh run -- bench/vfstable.sh --one "$D" "$@" ;;
	esac
}

# --- the table ------------------------------------------------------------

# print_table ROWS: the markdown table of a run: one row per figure, per
# host a column per set and the ratio virtiofs/9p-mmap.
print_table() {
	H="$hosts" S="$sets" W="$W_NAMES" awk -F '\t' "$AWK_STATS"'
		BEGIN { nh = split(ENVIRON["H"], h, " "); ns = split(ENVIRON["S"], s, " ") }
		$3 == "info" { info[$1 "," $4] = $7; next }
		$4 == "load" { ld[$1] = ld[$1] " " $5; next }
		{
			k = $1 "," $2 "," $3 "," $4
			if ($6 != "0" || $5 == "-") { bad[k] = $7 != "" ? $7 : $6 != "0" ? "exit " $6 : "no figure"; next }
			v[k] = v[k] " " $5
		}
		function cell(k,   x) {
			if (k in bad && !(k in v)) return "failed: " bad[k]
			x = median(v[k])
			return x == "-" ? "-" : sprintf("%.1f", x / 1000)
		}
		function num(k) { return (k in v) ? median(v[k]) : "-" }
		function line(title, kind, name,   i, j, out, a, b) {
			out = "| " title
			for (i = 1; i <= nh; i++) {
				for (j = 1; j <= ns; j++) out = out " | " cell(h[i] "," s[j] "," kind "," name)
				a = num(h[i] ",vfs-auto," kind "," name); b = num(h[i] ",9p-mmap," kind "," name)
				out = out " | " ratio(a, b)
			}
			print out " |"
		}
		END {
			out = "| figure, s"
			sep = "|---"
			for (i = 1; i <= nh; i++) {
				for (j = 1; j <= ns; j++) { out = out " | " h[i] " " s[j]; sep = sep "|---:" }
				out = out " | " h[i] " vfs/9p"; sep = sep "|---:"
			}
			print out " |"
			print sep "|"
			line("boot to multi-user.target, guest", "boot", "mu-guest")
			line("boot to multi-user.target, host wall", "boot", "mu-host")
			line("loop to \"go\", host wall (median)", "loop", "go")
			line("loop to exit, host wall (median)", "loop", "exit")
			nw = split(ENVIRON["W"], w, " ")
			for (j = 1; j <= nw; j++) line(w[j] ", guest", "work", w[j])
			print ""
			for (i = 1; i <= nh; i++) {
				printf "%s: Debian %s, %s, virtiofsd %s; load (1 min) at the start of its runs: median %.1f\n",
					h[i], info[h[i] ",debian"], info[h[i] ",qemu"], info[h[i] ",virtiofsd"], median(ld[h[i]])
			}
		}' "$1"
}

# --- main -----------------------------------------------------------------

# prepare: the root, the kernel's modules in it, the sources, the guest's
# files, the images; $D/state for one().
prepare() {
	local kenv srctar sub
	make -s "$O/mkinitrd9p" "$O/klibc/init9p" "$O/klibc/payload9p" >/dev/null
	kenv=$(scripts/fetch-kernel.sh --env trixie) || die "fetch the trixie kernel: scripts/fetch-kernel.sh failed (above); try: scripts/fetch-kernel.sh --env trixie"
	eval "$kenv"
	if [ -z "$root" ]; then
		root=$D/root
		if [ ! -x "$root/usr/bin/git" ]; then
			rm -rf --one-file-system "$root"
			log "root in $root (mkroot9p debian --include linux-image-amd64,git, cached)"
			scripts/mkroot9p debian "$root" --include linux-image-amd64,git >"$D/logs/mkroot9p.log" 2>&1 ||
				die "make the root $root: mkroot9p failed; try: see $D/logs/mkroot9p.log"
		fi
	fi
	[ -d "$root/etc/systemd/system" ] || die "use root '$root': no /etc/systemd/system; try: scripts/mkroot9p debian DIR --include linux-image-amd64,git"
	[ -x "$root/usr/bin/git" ] || die "use root $root: it has no git; try: scripts/mkroot9p debian DIR --include linux-image-amd64,git"
	# The kernel's modules for the root's udev (the images carry their own).
	[ -d "$root/usr/lib/modules/$KVER" ] || cp -a "$MODDIR" "$root/usr/lib/modules/"
	srctar=$src_tar
	if [ -z "$srctar" ]; then
		sub=fs
		[ "$quick" = 0 ] || sub=kernel
		srctar=$D/linux-6.1-$sub.tar
		if [ ! -f "$srctar" ]; then
			[ -f /usr/src/linux-source-6.1.tar.xz ] ||
				die "read /usr/src/linux-source-6.1.tar.xz: no such file; try: apt-get install linux-source-6.1, or --src-tar TAR"
			log "sources: linux-source-6.1/$sub of /usr/src/linux-source-6.1.tar.xz"
			rm -rf "$D/src"
			mkdir -p "$D/src"
			tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$D/src" "linux-source-6.1/$sub"
			tar -cf "$srctar.new" -C "$D/src" "linux-source-6.1/$sub"
			mv "$srctar.new" "$srctar"
			rm -rf "$D/src"
		fi
	fi
	[ -f "$srctar" ] || die "read source tar '$srctar': no such file; try: leave --src-tar out"
	[ ! -e "$root/root9p-vfstable" ] ||
		die "use root $root: $root/root9p-vfstable exists (an interrupted run?); try: rm -rf $root/root9p-vfstable"
	bench=$root/root9p-vfstable
	mkdir -p "$bench/repo"
	write_guest "$bench/guest.sh"
	cp "$srctar" "$bench/src.tar"
	tar -xf "$srctar" -C "$bench/repo"
	git -C "$bench/repo" init -q
	git -C "$bench/repo" -c user.name=bench -c user.email=bench@root9p add -A
	git -C "$bench/repo" -c user.name=bench -c user.email=bench@root9p commit -q -m "kernel source subset"
	printf '%s\n' "[Unit]" "Description=root9p vfstable probe" "After=multi-user.target" \
		"[Service]" "Type=simple" "ExecStart=/root9p-vfstable/guest.sh probe" >"$bench/vfstable-probe.service"
	SRC_INFO="$(basename "$srctar"): $(du -sm "$srctar" | cut -f1) MiB, $(tar -tf "$srctar" | wc -l) entries"
	"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/klibc/init9p" -o "$D/9p.img" 2>"$D/logs/mkinitrd9p.log" ||
		die "make $D/9p.img: mkinitrd9p failed; try: see $D/logs/mkinitrd9p.log"
	"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/klibc/init9p" --fstype=virtiofs -o "$D/vfs.img" \
		2>>"$D/logs/mkinitrd9p.log" || die "make $D/vfs.img: mkinitrd9p failed; try: see $D/logs/mkinitrd9p.log"
	{
		printf 'ROOT=%q\nKERNEL_IMAGE=%q\nMODDIR=%q\nKVER=%q\n' "$root" "$KERNEL_IMAGE" "$MODDIR" "$KVER"
		printf 'SIZE=%q\nBOOT_TIMEOUT=%q\nWORK_TIMEOUT=%q\nLOOP_TIMEOUT=%q\n' "$size" 900 "$work_timeout" 300
	} >"$D/state"
}

# cleanup: the probe link and the bench folder out of the tree.
cleanup() {
	[ -z "${bench:-}" ] || rm -rf --one-file-system "$bench"
	[ -z "${root:-}" ] || rm -f "$root/etc/systemd/system/multi-user.target.wants/vfstable-probe.service" \
		"$root/etc/systemd/system/vfstable-probe.service"
}

main() {
	local k set host run t0 t00 load0
	[ -n "$D" ] || die "no output directory; try: -o /var/tmp/vfstable"
	[ "$(id -u)" = 0 ] || die "run as root (the trixie tree's mount namespace, passthrough, the C virtiofsd)"
	mkdir -p "$D/logs"
	# the root holds set-uid files in passthrough form: no other user's
	chmod 0700 "$D"
	D=$(cd "$D" && pwd -P)
	case $D/ in
	/var/tmp/* | "$(pwd -P)"/*) ;;
	*) die "use -o $D: the trixie host sees only /var/tmp and the checkout; try: -o /var/tmp/vfstable" ;;
	esac
	case " $hosts " in *" d13 "*)
		scripts/host-env.sh path >/dev/null 2>&1 ||
			die "use host d13: no trixie host tree; try: scripts/host-env.sh build, or --hosts d12" ;;
	esac
	[ ! -e "$D/rows.tsv" ] || mv "$D/rows.tsv" "$D/rows.tsv.old"
	: >"$D/rows.tsv"
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	t00=$SECONDS load0=$(cut -d' ' -f1-3 /proc/loadavg)
	prepare
	echo "vfstable: 9p against virtiofs, Linux $KVER (Debian 13's kernel) on a Debian 12 root, QEMU TCG, 1 vCPU, 1 GiB"
	echo "host load at start: $load0 ($(date -u '+%F %H:%M') UTC); prepared in $((SECONDS - t00)) s"
	echo "I/O: $size MiB written and read; $SRC_INFO untarred, and as a git repository for find and git status"
	for host in $hosts; do on "$host" - info 1; done
	for k in work boot; do
		for set in $sets; do
			for host in $hosts; do
				t0=$SECONDS
				# git's index as the host made it: every set's first
				# git status starts from the same one.
				[ "$k" != work ] || git -C "$bench/repo" status --porcelain >/dev/null
				on "$host" "$set" "$k" 1
				log "$host $set $k: $((SECONDS - t0)) s wall"
			done
		done
	done
	for set in $sets; do
		for host in $hosts; do on "$host" "$set" warm 0; done
	done
	for run in $(seq 1 "$loops"); do
		for set in $sets; do
			for host in $hosts; do
				t0=$SECONDS
				on "$host" "$set" loop "$run"
				log "$host $set loop $run: $((SECONDS - t0)) s wall"
			done
		done
	done
	echo "host load at end: $(cut -d' ' -f1-3 /proc/loadavg) ($(date -u '+%F %H:%M') UTC); $((SECONDS - t00)) s in all"
	echo
	print_table "$D/rows.tsv"
	echo
	echo "(seconds; guest: the guest's clock, host wall: from run9p's start; ratio: vfs-auto / 9p-mmap"
	echo " per host, lower is faster for virtiofs. rows: $D/rows.tsv; console logs in $D/logs)"
}

sets="9p-mmap vfs-auto" hosts=$ALL_HOSTS loops=3 root="" src_tar="" D="" quick=0 table=""
if [ "${1:-}" = --one ]; then
	[ $# = 6 ] || die "--one DIR HOST SET KIND RUN: wrong arguments ($*)"
	D=$2
	shift 2
	one "$@"
	exit 0
fi
while [ $# -gt 0 ]; do
	case $1 in
	-r) [ $# -ge 2 ] || die "-r needs a directory"; root=$2; shift ;;
	--src-tar) [ $# -ge 2 ] || die "--src-tar needs a tar file"; src_tar=$2; shift ;;
	--sets) [ $# -ge 2 ] || die "--sets needs a list"; sets=$2; shift ;;
	--hosts) [ $# -ge 2 ] || die "--hosts needs a list"; hosts=$2; shift ;;
	-n) [ $# -ge 2 ] || die "-n needs a number"; loops=$2; shift ;;
	--quick) quick=1 ;;
	--table) [ $# -ge 2 ] || die "--table needs a rows.tsv"; table=$2; shift ;;
	-o) [ $# -ge 2 ] || die "-o needs a directory"; D=$2; shift ;;
	*) die "usage: bench/vfstable.sh [--quick] [--sets LIST] [--hosts LIST] [-n LOOPS] [-r ROOT] [--src-tar TAR] -o DIR | --table ROWS" ;;
	esac
	shift
done
bench_words_in --sets set "$sets" "$ALL_SETS"
bench_words_in --hosts host "$hosts" "$ALL_HOSTS"
[[ $loops =~ ^[1-9][0-9]*$ ]] || die "-n '$loops': not a positive number; try: -n 3"
if [ -n "$table" ]; then
	[ -f "$table" ] || die "read $table: no such file; try: --table DIR/rows.tsv of a run"
	print_table "$table"
	exit 0
fi
size=256 work_timeout=1200
[ $quick = 0 ] || size=16 work_timeout=900
main
