#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/scale.sh - what one more guest costs: 1, 2, 4 and 8 Debian 12 guests
# booting at once to multi-user.target under QEMU TCG (1 vCPU, 1 GiB each),
#
#   overlay  on one lower tree: each guest boots it read-only under a tmpfs
#            overlay (mkinitrd9p --overlay, root9p.overlay=tmpfs: what
#            run9p --overlay tmpfs does in the loop; the lower at the
#            engine's cache=loose)
#   copies   on N copies of it, each a plain read-write root (init9p,
#            root9p's rootflags). The copies are made with cp -a
#            --reflink=auto: on a filesystem with reflinks (btrfs, XFS)
#            they share blocks on disk, on ext4 they are full copies;
#            never hardlinks, since a read-write guest writes its files
#            in place (machine-id, journal, timers) and would write them
#            into every other root too.
#
# each through each transport of --fs (default 9p):
#
#   9p        this host's QEMU (Debian 12: QEMU 7.2), virtio-9p
#   virtiofs  Debian 13's QEMU 10 and Rust virtiofsd, in scripts/host-env.sh's
#             trixie tree (built: scripts/host-env.sh build); run9p starts
#             one virtiofsd per guest, and the overlay mode mounts the one
#             lower over virtiofs under each guest's tmpfs overlay (the
#             engine's overlay takes either transport's lower). DIR must be
#             under /var/tmp or the checkout: the trixie tree sees those.
#
#   bench/scale.sh [-N "1 2 4 8"] [--copies-N LIST] [--modes "overlay copies"]
#                  [--fs "9p virtiofs"] [-m MEM] [--limit S] [--csv FILE] [--tiny] -o DIR
#   bench/scale.sh [--modes LIST] [--fs LIST] --table DIR/rows.tsv
#
# Per batch the host starts N run9p at once and polls their consoles. A
# probe unit in the root (After=multi-user.target) prints multi-user.target's
# ActiveEnterTimestampMonotonic and then waits; when every guest has printed
# it (or the batch's time is up) the host reads, at one moment, each QEMU's
# and virtiofsd's RSS and PSS (/proc/PID/smaps_rollup) and CPU time
# (utime+stime), the page cache the roots hold on the host (fincore over
# their files, evicted before the batch) and /proc/meminfo's Cached and
# Shmem against their values before the batch (a virtiofs guest's RAM is a
# shared memfd, which the kernel counts in both: Cached+ is Cached's growth
# less Shmem's); then it stops the guests (SIGTERM to its own run9p, which
# stops QEMU and virtiofsd). Batches go mode, N, then transport innermost,
# so load falls on both alike. Prints one table per transport and mode
# with the growth per added guest, and a CSV.
# --copies-N: the guest counts of the copies mode alone (default -N's):
# each copy is the whole tree on disk, so bench/cost.sh runs 8 copies
# only, beside 1 2 4 8 on the one lower.
# --limit: a batch's time in seconds (default 240 + 120 N; --tiny 60 + 30 N),
# for a host so loaded that the guests need longer.
# --table: the tables again from a run's rows.tsv (one that was cut short;
# an older run's rows, without the virtiofs columns, are 9p's).
# --tiny: scripts/mkroot-tiny.sh's root and the host's kernel (the probe is
# its init): a check of the harness in seconds, no figure worth keeping.
# Run it nice'd (nice -n 10 bench/scale.sh ...): the guests inherit it.
# Performance only: nothing here passes or fails but the boots themselves.
set -eu
prog=scale
cd "$(dirname "$0")/.."
. bench/lib.sh
O=${O:-build}
RUN9P=${RUN9P:-scripts/run9p}

counts="1 2 4 8" copies_counts="" modes="overlay copies" fses=9p mem=1G batch_s="" out="" csv="" tiny=0 table=""
while [ $# -gt 0 ]; do
	case $1 in
	-N) [ $# -ge 2 ] || die "-N needs a list of guest counts"; counts=$2; shift ;;
	--copies-N) [ $# -ge 2 ] || die "--copies-N needs a list of guest counts"; copies_counts=$2; shift ;;
	--modes) [ $# -ge 2 ] || die "--modes needs a list"; modes=$2; shift ;;
	--fs) [ $# -ge 2 ] || die "--fs needs a list; try: --fs \"9p virtiofs\""; fses=$2; shift ;;
	-m) [ $# -ge 2 ] || die "-m needs a size"; mem=$2; shift ;;
	--limit) [ $# -ge 2 ] || die "--limit needs seconds"; batch_s=$2; shift ;;
	--csv) [ $# -ge 2 ] || die "--csv needs a file"; csv=$2; shift ;;
	--tiny) tiny=1 ;;
	--table) [ $# -ge 2 ] || die "--table needs a rows.tsv"; table=$2; shift ;;
	-o) [ $# -ge 2 ] || die "-o needs a directory"; out=$2; shift ;;
	*) die "usage: bench/scale.sh [-N \"1 2 4 8\"] [--copies-N LIST] [--modes \"overlay copies\"] [--fs \"9p virtiofs\"] [-m MEM] [--limit S] [--csv FILE] [--tiny] -o DIR | --table ROWS" ;;
	esac
	shift
done
# print_tables ROWS: the tables of a run (its rows.tsv), one per transport
# and mode. Rows of a run before --fs (13 fields, no virtiofsd or Shmem
# columns) are read as 9p's.
print_tables() {
	echo "per guest: medians over the batch's guests; memory, CPU and page cache read at one moment,"
	echo "when every guest had reached the probe. virtiofsd: the guest's daemon (its processes summed);"
	echo "PSS guest: QEMU's and virtiofsd's PSS together (they share the guest's RAM, a memfd: PSS"
	echo "splits it between them, RSS counts it in both), all: of every guest. cache: the roots' files"
	echo "in the host's page cache (fincore; evicted before each batch). Cached+: /proc/meminfo Cached"
	echo "against before the batch with Shmem's growth subtracted (the memfd RAM of virtiofs guests is"
	echo "counted in both; Shmem+ is what was taken out), the whole host: other work moves it."
	echo "growth: per guest added since the row above (per guest measured: a guest lost in a batch,"
	echo "e.g. to a panic, has no reading)."
	for fs in $fses; do
		for mode in $modes; do
			print_table "$1" "$fs" "$mode"
		done
	done
}

# print_table ROWS FS MODE: one table; nothing when ROWS has no such row.
print_table() {
	F=$2 M=$3 awk -F '\t' "$AWK_STATS"'
	function mib(k) { return k == "-" || k == "" ? "-" : sprintf("%.0f", k / 1024) }
	function max(list,   v, n) { n = sorted(list, v); return n ? v[n] : "-" }
	function s1(x) { return x == "-" ? x : sprintf("%.1f", x) }
	# an older run: mode n i st wall mu rss pss cpu cache dcache load0 load1
	NF == 13 { $0 = "9p\t" $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 "\t" $7 "\t" $8 "\t" $9 \
		"\t-\t-\t-\t" $10 "\t" $11 "\t-\t" $12 "\t" $13 }
	$1 != ENVIRON["F"] || $2 != ENVIRON["M"] { next }
	{
		n = $3
		if (!(n in seen)) { seen[n] = 1; order[++k] = n }
		if ($5 == "ok") ok[n]++
		if ($6 != "-") w[n] = w[n] " " $6
		if ($7 != "-") u[n] = u[n] " " $7
		if ($8 != "-") {
			g1 = $9 + ($12 == "-" ? 0 : $12)
			r[n] = r[n] " " $8; p[n] = p[n] " " $9; c[n] = c[n] " " $10
			pg[n] = pg[n] " " g1; psum[n] += g1; got[n]++
			if ($11 != "-") { vr[n] = vr[n] " " $11; vp[n] = vp[n] " " $12; vc[n] = vc[n] " " $13 }
		}
		cache[n] = $14; dc[n] = $15; ds[n] = $16; l0[n] = $17; l1[n] = $18
	}
	END {
		if (!k) exit
		print ""
		if (ENVIRON["F"] == "9p") t = "9p (this host\047s QEMU, virtio-9p)"
		else t = "virtiofs (Debian 13: QEMU 10, Rust virtiofsd, one per guest)"
		if (ENVIRON["M"] == "overlay") print t ", overlay: N guests on one lower tree, tmpfs overlays (root9p.overlay=tmpfs)"
		else print t ", copies: N plain read-write roots, copies of the tree (cp -a --reflink=auto)"
		printf "%3s %5s | %-13s | %-13s | %-11s | %-11s | %-11s | %-11s | %5s | %-15s | %-15s | %s\n", \
			"N", "ok", "probe, wall s", "mu, guest s", "QEMU MiB", "vfsd MiB", "PSS MiB", "CPU s", \
			"cache", "Cached+ Shmem+", "growth/guest", "load"
		printf "%3s %5s | %-13s | %-13s | %-11s | %-11s | %-11s | %-11s | %5s | %-15s | %-15s | %s\n", \
			"", "", "median   max", "median   max", "RSS   PSS", "RSS   PSS", "guest   all", "QEMU  vfsd", \
			"MiB", "MiB      MiB", "PSS MiB cache", "before after"
		for (j = 1; j <= k; j++) {
			n = order[j]
			g = "-"
			# per guest measured: a guest lost in a batch has no reading
			q = order[j - 1]
			if (j > 1 && got[n] > got[q])
				g = sprintf("%5.0f %6.0f", (psum[n] - psum[q]) / 1024 / (got[n] - got[q]), \
					(cache[n] - cache[q]) / 1024 / (got[n] - got[q]))
			net = dc[n] == "-" ? "-" : ds[n] == "-" ? dc[n] : dc[n] - ds[n]
			printf "%3d %2d/%-2d | %6s %6s | %6s %6s | %5s %5s | %5s %5s | %5s %5s | %5s %5s | %5s | %7s %7s | %-15s | %s %s\n", \
				n, ok[n], n, s1(median(w[n])), s1(max(w[n])), s1(median(u[n])), s1(max(u[n])), \
				mib(median(r[n])), mib(median(p[n])), mib(median(vr[n])), mib(median(vp[n])), \
				mib(median(pg[n])), mib(psum[n]), s1(median(c[n])), s1(median(vc[n])), \
				mib(cache[n]), mib(net), mib(ds[n]), g, l0[n], l1[n]
		}
	}' "$1"
}
if [ -n "$table" ]; then
	[ -f "$table" ] || die "read $table: no such file; try: --table DIR/rows.tsv of a run"
	print_tables "$table"
	exit 0
fi
[ -n "$copies_counts" ] || copies_counts=$counts
for n in $counts; do
	[[ $n =~ ^[1-9][0-9]?$ ]] || die "-N '$counts': '$n' is not a guest count from 1 to 99"
done
for n in $copies_counts; do
	[[ $n =~ ^[1-9][0-9]?$ ]] || die "--copies-N '$copies_counts': '$n' is not a guest count from 1 to 99"
done
bench_words_in --modes mode "$modes" "overlay copies"
bench_words_in --fs transport "$fses" "9p virtiofs"
[ -z "$batch_s" ] || [[ $batch_s =~ ^[1-9][0-9]{1,4}$ ]] ||
	die "--limit '$batch_s': not a number of seconds from 10 to 99999; try: --limit 1500"
[ -n "$out" ] || die "no output directory; try: -o DIR"
[ "$(id -u)" = 0 ] || die "run as root (mkroot9p, 9p passthrough, other users' QEMU memory maps)"
case " $fses " in *" virtiofs "*)
	scripts/host-env.sh path >/dev/null 2>&1 ||
		die "run the virtiofs guests: no Debian 13 host tree; try: scripts/host-env.sh build, or --fs 9p"
	mkdir -p "$out"
	case $(cd "$out" && pwd -P)/ in
	/var/tmp/* | "$(pwd -P)"/*) ;;
	*) die "use -o $out for virtiofs guests: the Debian 13 host tree sees only /var/tmp and the checkout; try: -o /var/tmp/scale" ;;
	esac ;;
esac
command -v fincore >/dev/null || die "fincore not found; try: apt-get install util-linux"
command -v python3 >/dev/null || die "python3 not found (it evicts the roots from the page cache); try: apt-get install python3"
mkdir -p "$out/logs"
[ -n "$csv" ] || csv=$out/scale.csv
make -s "$O/mkinitrd9p" "$O/klibc/init9p" >/dev/null

guest_pids=()
# stop_guests: SIGTERM to each run9p this script started (run9p passes it
# on to QEMU and waits for it), then reap them. The one cleanup path.
stop_guests() {
	local p
	for p in "${guest_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${guest_pids[@]}"; do wait "$p" 2>/dev/null || true; done
	guest_pids=()
}
# cleanup: the guests, then the roots (hundreds of MB each) and images;
# the logs, rows and CSV stay. Also when the run is cut short.
cleanup() {
	stop_guests
	[ -z "${lower:-}" ] || rm -rf --one-file-system "$lower" "$out"/copy* "$out"/*.img
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The probe: at multi-user.target, its time as an "@@ mu" line on the
# console (an overlay guest cannot leave a file behind), then it waits
# for the host to stop the guest.
install_probe() {
	local r=$1
	mkdir -p "$r/usr/local/sbin" "$r/etc/systemd/system/multi-user.target.wants"
	cat >"$r/usr/local/sbin/scaleprobe" <<'PROBE'
#!/bin/sh
exec >/dev/console 2>&1
echo
echo "@@ mu $(systemctl show -P ActiveEnterTimestampMonotonic multi-user.target)"
exec sleep infinity
PROBE
	chmod 755 "$r/usr/local/sbin/scaleprobe"
	printf '%s\n' "[Unit]" "Description=root9p scale probe" "After=multi-user.target" \
		"[Service]" "Type=simple" "ExecStart=/usr/local/sbin/scaleprobe" \
		"[Install]" "WantedBy=multi-user.target" >"$r/etc/systemd/system/scaleprobe.service"
	ln -sfn /etc/systemd/system/scaleprobe.service \
		"$r/etc/systemd/system/multi-user.target.wants/scaleprobe.service"
}

# kver ROOT: the kernel installed in ROOT.
kver() { find "$1/boot/" -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sed -n 's/^vmlinuz-//p' | sort -V | tail -n 1; }

# evict DIR...: drop the files of the trees from the host's page cache
# (written back first), so that a batch's fincore counts what it read.
evict() {
	sync
	python3 - "$@" <<'PY'
import os, stat, sys
for top in sys.argv[1:]:
    for d, _, files in os.walk(top):
        for f in files:
            try:
                fd = os.open(os.path.join(d, f), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError:
                continue
            try:
                if stat.S_ISREG(os.fstat(fd).st_mode):
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
PY
}

# cached_kib DIR...: KiB of the trees' regular files in the page cache.
cached_kib() {
	find "$@" -type f -print0 | xargs -0 -r fincore -b -n -o RES 2>/dev/null |
		awk '{ s += $1 } END { printf "%d\n", s / 1024 }'
}

meminfo_kib() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }

# qemu_of PID: the QEMU that run9p PID started (its child), if running.
qemu_of() { ps -o pid=,comm= --ppid "$1" 2>/dev/null | awk '$2 ~ /^qemu-system/ { print $1; exit }'; }

# vfsd_of PID: the virtiofsd processes under run9p PID (the Rust daemon's
# sandbox forks one into its namespaces), space-separated.
vfsd_of() {
	local p kids=() all=() q
	kids=("$1")
	while [ ${#kids[@]} -gt 0 ]; do
		p=${kids[0]}
		kids=("${kids[@]:1}")
		for q in $(ps -o pid=,comm= --ppid "$p" 2>/dev/null | awk '{ print $1 }'); do
			kids+=("$q")
			[ "$(cat "/proc/$q/comm" 2>/dev/null)" != virtiofsd ] || all+=("$q")
		done
	done
	echo "${all[*]}"
}

# mem_of PID...: "RSS_KiB PSS_KiB CPU_s" of running processes, summed
# (a QEMU, or a guest's virtiofsd processes); "- - -" for none.
mem_of() {
	local tck p
	tck=$(getconf CLK_TCK)
	for p in "$@"; do
		{ cat "/proc/$p/smaps_rollup" && sed 's/^.*) //' "/proc/$p/stat"; } 2>/dev/null
	done | awk -v tck="$tck" '$1 == "Rss:" { r += $2; n++ } $1 == "Pss:" { s += $2 }
			NF > 20 && $1 ~ /^[A-Z]$/ { c += ($12 + $13) / tck }
			END { if (!n) print "- - -"; else printf "%d %d %.1f\n", r, s, c }'
}


# The roots and images.
if [ $tiny = 1 ]; then
	env_text=$(scripts/fetch-kernel.sh --env bookworm)
	eval "$env_text"
	lower=$out/lower
	rm -rf --one-file-system "$lower"
	scripts/mkroot-tiny.sh "$lower" >/dev/null
	kernel=$KERNEL_IMAGE KV=$KVER base=$KERNEL_BASE
	probe_key=hold	# the tiny probe's last line with probe.hold
else
	lower=$out/lower
	rm -rf --one-file-system "$lower"
	log "root in $lower (mkroot9p debian --include linux-image-amd64, cached)"
	scripts/mkroot9p debian "$lower" --include linux-image-amd64 >"$out/logs/mkroot9p.log" 2>&1 ||
		die "make the root $lower: mkroot9p failed; try: see $out/logs/mkroot9p.log"
	install_probe "$lower"
	KV=$(kver "$lower")
	kernel=$lower/boot/vmlinuz-$KV base=$lower
	probe_key=mu
fi
"$O/mkinitrd9p" -k "$KV" -b "$base" --init "$O/klibc/init9p" -o "$out/init9p.img" 2>"$out/logs/mkinitrd9p.log" ||
	die "make $out/init9p.img: mkinitrd9p failed; try: see $out/logs/mkinitrd9p.log"
"$O/mkinitrd9p" -k "$KV" -b "$base" --init "$O/klibc/init9p" --overlay -o "$out/overlay.img" \
	2>>"$out/logs/mkinitrd9p.log" || die "make $out/overlay.img: mkinitrd9p failed; try: see $out/logs/mkinitrd9p.log"
case " $fses " in *" virtiofs "*)
	for f in vfs vfs-overlay; do
		ov=()
		[ $f = vfs ] || ov=(--overlay)
		"$O/mkinitrd9p" -k "$KV" -b "$base" --init "$O/klibc/init9p" --fstype=virtiofs "${ov[@]}" \
			-o "$out/$f.img" 2>>"$out/logs/mkinitrd9p.log" ||
			die "make $out/$f.img: mkinitrd9p failed; try: see $out/logs/mkinitrd9p.log"
	done ;;
esac

# start_guest FS MODE ROOT LOG: one run9p in the background; its pid is
# added to guest_pids. virtiofs: run9p of the Debian 13 tree (host-env.sh
# run execs it: the pid is run9p's), which starts the guest's own
# virtiofsd and stops it with QEMU. panic=-1: a failed boot ends instead of a rescue shell;
# no_timer_check: on a loaded TCG host the IO-APIC timer check can panic
# the kernel at once (seen here with 2 guests at once). run9p's own
# timeout is a minute past the batch's, so that the batch reads every
# QEMU's memory before run9p stops it (with the same limit, 7 of 8
# guests that missed multi-user.target were gone when it read).
start_guest() {
	local img=$out/init9p.img args=(-a "panic=-1 no_timer_check") env=()
	if [ "$1" = virtiofs ]; then
		img=$out/vfs.img args+=(--fs virtiofs) env=(scripts/host-env.sh run --)
		[ "$2" != overlay ] || img=$out/vfs-overlay.img
	else
		[ "$2" != overlay ] || img=$out/overlay.img
	fi
	[ "$2" != overlay ] || args+=(-a root9p.overlay=tmpfs)
	[ $tiny = 0 ] || args+=(-a probe.hold)
	"${env[@]}" "$RUN9P" --accel tcg -c 1 -m "$mem" --timeout "$((limit + 60))" --passthrough-as-root \
		-k "$kernel" -i "$img" -r "$3" "${args[@]}" </dev/null >"$4" 2>&1 &
	guest_pids+=($!)
}

# probe_val LOG: "=" and the probe's value, once it printed its line
# (after a kernel timestamp, or systemd's status escapes on the console).
probe_val() {
	# the guest's shell may not have made its log yet
	[ -e "$1" ] || return 0
	tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' |
		sed -n "s/^.*@@ $probe_key\( \(.*\)\)\{0,1\}\$/=\2/p" | head -n 1
}

# The first boot's work (machine-id, ldconfig, ...) done once in the lower,
# before the copies are made from it.
if [ $tiny = 0 ]; then
	log "first boot of $lower (not counted)"
	limit=900 guest_pids=()
	start_guest 9p copies "$lower" "$out/logs/warm.log"
	t0=$SECONDS
	while [ $((SECONDS - t0)) -lt $limit ] && [ -z "$(probe_val "$out/logs/warm.log")" ] &&
		kill -0 "${guest_pids[0]}" 2>/dev/null; do sleep 1; done
	stop_guests
	[ -n "$(probe_val "$out/logs/warm.log")" ] || die "boot $lower: no multi-user.target in $limit s; try: see $out/logs/warm.log"
fi

# ensure_copies N: the copies 1..N of the lower (made once, reused).
copy_s=""
ensure_copies() {
	local i t
	for i in $(seq 1 "$1"); do
		[ ! -d "$out/copy$i" ] || continue
		t=$SECONDS
		cp -a --reflink=auto "$lower" "$out/copy$i"
		copy_s+="$((SECONDS - t)) "
	done
}

# batch FS MODE N: N guests of MODE through FS at once on roots[], their
# rows into $rows.
batch() {
	local fs=$1 mode=$2 n=$3 i q m v t0 up alive cache0 shmem0 load0 load1 tree_kib dcache dshmem st mu lg
	local -A wall=() val=()
	local mems=() vmems=()
	lg=$out/logs/$fs.$mode.$n
	evict "${trees[@]}" "$kernel" "$out"/*.img
	cache0=$(meminfo_kib Cached) shmem0=$(meminfo_kib Shmem) load0=$(cut -d' ' -f1 /proc/loadavg)
	limit=$((240 + 120 * n))
	[ $tiny = 0 ] || limit=$((60 + 30 * n))
	[ -z "$batch_s" ] || limit=$batch_s
	guest_pids=()
	t0=$(date +%s.%N)
	for i in $(seq 1 "$n"); do start_guest "$fs" "$mode" "${roots[$((i - 1))]}" "$lg.$i.log"; done
	while :; do
		up=0 alive=0
		for i in $(seq 1 "$n"); do
			kill -0 "${guest_pids[$((i - 1))]}" 2>/dev/null && alive=$((alive + 1))
			if [ -z "${wall[$i]:-}" ]; then
				v=$(probe_val "$lg.$i.log")
				[ -z "$v" ] || { wall[$i]=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'); val[$i]=$v; }
			fi
			[ -z "${wall[$i]:-}" ] || up=$((up + 1))
		done
		# all up, all gone, or the batch's time is up
		if [ "$up" = "$n" ] || [ "$alive" = 0 ] ||
			! awk -v a="$t0" -v b="$(date +%s.%N)" -v l="$limit" 'BEGIN { exit !(b - a < l) }'; then
			break
		fi
		sleep 0.5
	done
	# One moment for all: each QEMU's and virtiofsd's memory, the page cache.
	for i in $(seq 1 "$n"); do
		q=$(qemu_of "${guest_pids[$((i - 1))]}")
		m=$([ -n "$q" ] && mem_of "$q" || echo "- - -")
		mems[i]=$m
		vmems[i]="- - -"
		# shellcheck disable=SC2046 # the daemon's pids, one word each
		[ "$fs" != virtiofs ] || vmems[i]=$(mem_of $(vfsd_of "${guest_pids[$((i - 1))]}"))
	done
	tree_kib=$(cached_kib "${trees[@]}")
	dcache=$(($(meminfo_kib Cached) - cache0)) dshmem=$(($(meminfo_kib Shmem) - shmem0))
	load1=$(cut -d' ' -f1 /proc/loadavg)
	stop_guests
	for i in $(seq 1 "$n"); do
		st=ok
		[ -n "${wall[$i]:-}" ] || st=no-probe
		mu=-
		if [ $tiny = 0 ] && [[ ${val[$i]:-} =~ ^=[1-9][0-9]*$ ]]; then
			mu=$(awk -v u="${val[$i]#=}" 'BEGIN { printf "%.1f", u / 1e6 }')
		fi
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$fs" "$mode" "$n" "$i" "$st" \
			"${wall[$i]:--}" "$mu" "${mems[i]}" "${vmems[i]}" "$tree_kib" "$dcache" "$dshmem" "$load0" "$load1" |
			tr ' ' '\t' >>"$rows"
	done
	log "$fs $mode, $n guest(s): $(awk -F '\t' -v f="$fs" -v m="$mode" -v n="$n" '$1 == f && $2 == m && $3 == n && $5 == "ok"' "$rows" | wc -l)/$n reached the probe; host load $load0 -> $load1"
}

echo "scale bench: $([ $tiny = 1 ] && echo "tiny root to its probe (--tiny: the harness only)" || echo "Debian 12 root to multi-user.target"), Linux $KV, QEMU TCG, 1 vCPU and $mem per guest, $(nproc) host CPUs"
for fs in $fses; do
	case $fs in
	9p) echo "9p: $(qemu-system-x86_64 --version | head -n 1) (Debian $(cat /etc/debian_version))" ;;
	virtiofs) echo "virtiofs: $(scripts/host-env.sh run -- sh -c 'qemu-system-x86_64 --version | head -n 1; echo "(Debian $(cat /etc/debian_version)),"; "$(command -v virtiofsd || echo /usr/libexec/virtiofsd)" --version' 2>&1 | tr '\n' ' ')" ;;
	esac
done
echo "host load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(TCG on $(nproc) host CPUs: each guest's vCPU is a host thread, so past $(nproc) guests they share"
echo " the CPUs and the time to multi-user.target grows ~N/$(nproc) by construction; the memory"
echo " and page-cache figures are the point)"
rows=$out/rows.tsv
: >"$rows"
for mode in $modes; do
	mode_counts=$counts
	[ "$mode" != copies ] || mode_counts=$copies_counts
	for n in $mode_counts; do
		roots=()
		if [ "$mode" = copies ]; then
			ensure_copies "$n"
			for i in $(seq 1 "$n"); do roots+=("$out/copy$i"); done
		else
			for i in $(seq 1 "$n"); do roots+=("$lower"); done
		fi
		# distinct trees, for the page cache
		mapfile -t trees < <(printf '%s\n' "${roots[@]}" | sort -u)
		for fs in $fses; do
			batch "$fs" "$mode" "$n"
		done
	done
done
{
	echo "fs,mode,guests,guest,status,probe_wall_s,multi_user_guest_s,rss_kib,pss_kib,qemu_cpu_s,virtiofsd_rss_kib,virtiofsd_pss_kib,virtiofsd_cpu_s,roots_page_cache_kib,meminfo_cached_delta_kib,meminfo_shmem_delta_kib,load_before,load_after"
	tr '\t' ',' <"$rows" | sed 's/,-,/,,/g; s/,-,/,,/g; s/,-$/,/'
} >"$csv"

echo
print_tables "$rows"
if [ -n "$copy_s" ]; then
	echo
	echo "copies: $(du -sm "$lower" | cut -f1) MiB each (du of the tree; cp -a --reflink=auto on $(stat -f -c %T "$out"): $(
		[ "$(stat -f -c %T "$out")" = ext2/ext3 ] && echo "no reflinks, full copies" || echo "shared blocks where the filesystem can")); made in ${copy_s% } s"
fi
echo "(CSV: $csv; console logs in $out/logs)"
