#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/io.sh - guest I/O on a 9p root, per rootflags set.
#
# Boots one root directory through init9p with three rootflags sets (the
# kernel's defaults, root9p's defaults, cache=loose), interleaved, with
# bench/iobench.c as the guest's init, and reads its kmsg lines off the
# console: sequential write and read, stat of small files, tar of /usr.
# Prints tables and what each cache mode trades; never judges pass/fail.
set -eu

prog=io
here=$(dirname "$0")
RUN9P=${RUN9P:-$here/../scripts/run9p}
IOBENCH=${IOBENCH:-$here/../${O:-build}/iobench}

# The sets. init9p fills root9p's defaults (msize=512000,cache=mmap) for keys
# not given, so the kernel's own defaults must be spelled out: cache=none and
# msize=131072, Linux 6.1's DEFAULT_MSIZE (128 KiB; later kernels use 128 KiB
# + 24 header bytes, 131096). 6.1 shows msize in /proc/mounts only when it
# differs from that default: the options table is the proof.
set_names=(kernel root9p loose)
# shellcheck disable=SC2054 # the commas are rootflags', inside one element
set_flags=(
	trans=virtio,version=9p2000.L,msize=131072,cache=none
	trans=virtio,version=9p2000.L
	trans=virtio,version=9p2000.L,cache=loose
)
set_args=("" "" "")
workloads=(seqwrite seqread-cold seqread-warm stat-cold stat-warm tar)

# --fs-compare: 9p against virtiofs (#16) on the same root. run9p --fs
# virtiofs starts QEMU's virtiofsd with its cache mode; INITRD must hold
# virtiofs too (mkinitrd9p --modules=virtiofs).
fs_compare_sets() {
	set_names=(root9p loose vfs-auto vfs-always)
	# shellcheck disable=SC2054 # the commas are rootflags'
	set_flags=(trans=virtio,version=9p2000.L trans=virtio,version=9p2000.L,cache=loose "" "")
	set_args=("" "" "--fs virtiofs --vfs-cache auto" "--fs virtiofs --vfs-cache always")
}

# boot_ms LOG: kernel ms at "Run /init" and at iobench's start.
boot_ms() {
	tr -d '\r' <"$1" | awk '
		function t(s) { sub(/^\[ */, "", s); sub(/\].*/, "", s); return s * 1000 }
		/Run \/init as init process/ && !a { a = t($0) }
		/iobench: start: / && !b { b = t($0) }
		END { if (a && b) printf "%d %d\n", a, b; else print "- -" }'
}

usage() {
	cat <<'EOF'
usage: bench/io.sh -k KERNEL_IMAGE -i INITRD -r ROOTDIR [-n N] [--quick]
                   [--csv FILE] [--logs DIR] [--timeout S]

Boot ROOTDIR through INITRD (an init9p image from mkinitrd9p) with three
rootflags sets, interleaved, N rounds, under TCG with scripts/run9p:
  kernel  trans=virtio,version=9p2000.L,msize=131072,cache=none
          (what Linux 6.1 picks with no options; given explicitly because
          init9p fills root9p's defaults for keys not given)
  root9p  trans=virtio,version=9p2000.L (init9p adds msize=512000,cache=mmap)
  loose   trans=virtio,version=9p2000.L,cache=loose (msize=512000 added)
The guest's init is iobench (bench/iobench.c): sequential write of a 64 MiB
file (1 MiB writes + fsync), cold and warm read of it, lstat of 5000 small
files (cold, warm), tar of /usr into a pipe. Prints per workload median, min,
max and the ratio to the kernel set, the root's options as the guest's
/proc/mounts shows them, and what each cache mode trades for its speed.
Files go to ROOTDIR/root9p-bench (removed at the end); ROOTDIR needs the
root's own /usr/bin/tar (scripts/mkroot9p debian DIR makes such a root).

  -n N            rounds, one boot per set each (default 3; 1 with --quick)
  --quick         small workloads: 16 MiB, 1000 files, tar of /usr/bin
  -k FILE         kernel image (vmlinuz) with 9p as modules in INITRD
  -i FILE         init9p initrd (build/mkinitrd9p --init build/klibc/init9p)
  -r DIR          root directory shared over 9p
  --csv FILE      also write one row per boot and workload
  --logs DIR      keep console logs there (default: a new /tmp/io.* dir)
  --timeout S     per boot, passed to run9p (default 300; 150 with --quick)
  --fs-compare    the sets are 9p (root9p defaults, cache=loose) and virtiofs
                  (virtiofsd cache=auto, cache=always): INITRD needs virtiofs
                  (mkinitrd9p --modules=virtiofs); boot times are printed too
Environment: RUN9P (default scripts/run9p), IOBENCH (default build/iobench).
EOF
}

. "$(dirname "$0")/lib.sh"

# parse_log FILE: what iobench said, one record a line:
#   R NAME AMOUNT UNIT SECS RATE RATE_UNIT   a result
#   M OPTIONS                                the root's /proc/mounts options
#   S / D NERRORS / E MESSAGE                started / done / first error
parse_log() {
	tr -d '\r' <"$1" | awk '
	{ sub(/^\[ *[0-9]+\.[0-9]+\] /, "") }
	!/^iobench: / { next }
	/^iobench: start: / { print "S"; next }
	/^iobench: mount: / { print "M", $6; next }
	/^iobench: done: [0-9]+ errors/ { print "D", $3; next }
	/^iobench: error: / && !err { err = 1; sub(/^iobench: error: /, ""); print "E", $0; next }
	# iobench: NAME: AMOUNT UNIT in SECS s = RATE UNIT
	$5 == "in" && $7 == "s" && $8 == "=" { sub(/:$/, "", $2); print "R", $2, $3, $4, $6, $9, $10 }'
}

# summarize RESULTS_TSV: the tables. Rows: setidx set round status rc
# workload amount unit secs rate rate_unit opts log.
summarize() {
	awk -F '\t' -v wl="${workloads[*]}" "$AWK_STATS"'
	function num(x) { return x == "-" ? "-" : sprintf(x >= 100 ? "%.0f" : "%.1f", x) }
	BEGIN { nw = split(wl, w, " ") }
	# Per boot (its first workload row): tries, failures, the options seen.
	$6 == w[1] {
		if (!($1 in name)) { name[$1] = $2; order[++nset] = $1 }
		tries[$1]++
		if ($4 != "ok")
			failed[$1] = failed[$1] " " $3 ":" $4
		else if (index(" | " opts[$1] " | ", " | " $12 " | ") == 0)
			opts[$1] = opts[$1] (opts[$1] == "" ? "" : " | ") $12
	}
	$4 != "ok" { next }
	{
		rate[$1 "," $6] = rate[$1 "," $6] " " $10
		secs[$1 "," $6] = secs[$1 "," $6] " " $9
		amount[$6] = $7 " " $8; unit[$6] = $11
	}
	END {
		what["seqwrite"] = "sequential write, 1 MiB writes + fsync"
		what["seqread-cold"] = "sequential read after drop_caches"
		what["seqread-warm"] = "the same read again"
		what["stat-cold"] = "lstat of host-made small files after drop_caches"
		what["stat-warm"] = "the same lstats again"
		what["tar"] = "tar -cf - into a pipe, after drop_caches"
		for (i = 1; i <= nw; i++) {
			k = w[i]
			printf "%s: %s%s, %s, higher is better\n", k, what[k], \
				amount[k] == "" ? "" : " (" amount[k] ")", unit[k] == "" ? "rate" : unit[k]
			printf "  %-8s %5s %9s %9s %9s %7s %9s\n", "set", "ok", "median", "min", "max", "ratio", "median s"
			ref = median(rate[order[1] "," k])
			for (j = 1; j <= nset; j++) {
				s = order[j]
				n = sorted(rate[s "," k], v)
				med = n ? mid(v, n) : "-"
				printf "  %-8s %2d/%-2d %9s %9s %9s %7s %9s\n", name[s], n, tries[s], num(med), \
					n ? num(v[1]) : "-", n ? num(v[n]) : "-", ratio(med, ref), \
					n ? sprintf("%.3f", median(secs[s "," k])) : "-"
				med_of[s "," k] = med
			}
			print ""
		}
		print "root options as the guest saw them (/proc/self/mounts). Linux 6.1 prints"
		print "msize only when it is not its default 131072, no cache word for cache=none"
		print "(but sync: it mounts cache=none synchronous), mmap or loose for the others:"
		for (j = 1; j <= nset; j++) {
			s = order[j]
			printf "  %-8s %s\n", name[s], opts[s] == "" ? "- (no boot got that far)" : opts[s]
		}
		for (j = 1; j <= nset; j++)
			if (failed[order[j]] != "")
				printf "failed boots of %s (round:why):%s\n", name[order[j]], failed[order[j]]
		# For the closing paragraph: one line per set of ratios to the reference.
		for (j = 2; j <= nset; j++) {
			s = order[j]
			line = ""
			for (i = 1; i <= nw; i++)
				line = line sprintf("%s%s x%s", i > 1 ? ", " : "", w[i], \
					ratio(med_of[s "," w[i]], med_of[order[1] "," w[i]]))
			print "#ratios", name[s], line
		}
	}' "$1"
}

# The closing paragraph: hand-written trade-offs, the run's own ratios.
which_default() {
	local r9p=$1 loose=$2
	cat <<EOF
Which default (ratios: median of the set over the kernel set's, this run):
  root9p  (msize=512000,cache=mmap): $r9p
  loose   (msize=512000,cache=loose): $loose
What each cache mode trades (Linux 6.1):
  none    no page cache: every read, write, lookup and stat goes to the host,
          so changes made on the host are seen at once. No shared writable
          mmap (MAP_SHARED + PROT_WRITE fails with EINVAL).
  mmap    as none for read() and write(); only mmapped files use the page
          cache, which makes shared writable mmap work. Host-side changes are
          seen at once except through a live mapping.
  loose   page cache for all data plus cached dentries and attributes: warm
          reads and stats stay in the guest. Changes made on the host may not
          be seen (stale data, sizes, deleted or new files) until the guest
          drops them. Fine when only the guest writes the tree. On 6.1 it
          writes dirty pages back one 4 KiB page per request: large writes
          are much slower than with none or mmap (seqwrite above).
  fscache loose plus a persistent cache on a guest disk; needs cachefilesd
          (not measured here).
Lookups and stats send the same small requests with none and mmap; where a
run shows kernel and root9p apart on stat, run more rounds (-n) before
reading anything into it: the host's noise moves whole boots. The default should stay root9p's, msize=512000,cache=mmap: as coherent as the
kernel's cache=none, with shared writable mmap, and the larger msize saves
round trips on every large read and write. cache=loose is the option to give
(rootflags=cache=loose) when the guest is the only writer of the tree (a
throwaway or CI root) and the work is lookups and re-reads more than large
writes. Under TCG much of tar's time is the guest's (emulated) CPU, the same
in every mode: the modes likely differ more under KVM.
EOF
}

nrounds="" kernel="" initrd="" rootdir="" csv="" logdir="" timeout="" quick=0 fs_compare=0
while [ $# -gt 0 ]; do
	case $1 in
	-n) [ $# -ge 2 ] || die "-n needs a number"; nrounds=$2; shift ;;
	--quick) quick=1 ;;
	--fs-compare) fs_compare=1; fs_compare_sets ;;
	-k) [ $# -ge 2 ] || die "-k needs a kernel image"; kernel=$2; shift ;;
	-i) [ $# -ge 2 ] || die "-i needs an initrd"; initrd=$2; shift ;;
	-r) [ $# -ge 2 ] || die "-r needs a directory"; rootdir=$2; shift ;;
	--csv) [ $# -ge 2 ] || die "--csv needs a file"; csv=$2; shift ;;
	--logs) [ $# -ge 2 ] || die "--logs needs a directory"; logdir=$2; shift ;;
	--timeout) [ $# -ge 2 ] || die "--timeout needs seconds"; timeout=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done

if [ $quick = 1 ]; then
	size=16 nfiles=1000 tarpath=usr/bin
	: "${nrounds:=1}" "${timeout:=150}"
else
	size=64 nfiles=5000 tarpath=usr
	: "${nrounds:=3}" "${timeout:=300}"
fi
[[ $nrounds =~ ^[1-9][0-9]*$ ]] || die "-n '$nrounds' is not a positive number"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout '$timeout' is not a positive number"
[ -n "$kernel" ] || die "no kernel: give -k KERNEL_IMAGE"
[ -f "$kernel" ] || die "kernel image '$kernel' does not exist"
[ -n "$initrd" ] || die "no initrd: give -i INITRD (build/mkinitrd9p --init build/klibc/init9p -o FILE)"
[ -f "$initrd" ] || die "initrd '$initrd' does not exist"
[ -n "$rootdir" ] || die "no root directory: give -r DIR (make one with scripts/mkroot9p debian DIR)"
[ -d "$rootdir" ] || die "root directory '$rootdir' does not exist"
[ -x "$rootdir/usr/bin/tar" ] || die "'$rootdir' has no usr/bin/tar: the tar workload runs the root's own tar (make a root with scripts/mkroot9p debian DIR)"
[ -d "$rootdir/$tarpath" ] || die "'$rootdir' has no $tarpath to tar"
[ -x "$RUN9P" ] || die "$RUN9P not found or not executable (set RUN9P=)"
[ -x "$IOBENCH" ] || die "$IOBENCH not found: build it with make (or set IOBENCH=)"

benchdir=$rootdir/root9p-bench
[ ! -e "$benchdir" ] || die "'$benchdir' exists (left by an interrupted run?): remove it first"
# From here on the root holds our files: take them away however we end, and
# give the root directory back its times (adding an entry changes its mtime).
stamp=$(mktemp /tmp/io-stamp.XXXXXX)
touch -r "$rootdir" "$stamp"
trap 'rm -rf "$benchdir"; touch -r "$stamp" "$rootdir"; rm -f "$stamp"' EXIT
trap 'exit 130' INT TERM
mkdir "$benchdir" "$benchdir/files"
cp "$IOBENCH" "$benchdir/iobench"
# Small files for the stat workload, named as iobench looks for them.
for ((i = 0; i < nfiles; i++)); do
	printf -v f '%s/files/f%05d' "$benchdir" "$i"
	echo "root9p io bench file $i" >"$f"
done

[ -n "$logdir" ] || logdir=$(mktemp -d /tmp/io.XXXXXX)
mkdir -p "$logdir"
results=$logdir/results.tsv
: >"$results"
: >"$logdir/boot.tsv"
guest_args="dir=/root9p-bench size=$size files=$nfiles tar=$tarpath"

total=$((nrounds * ${#set_names[@]})) k=0
for round in $(seq 1 "$nrounds"); do
	for i in "${!set_names[@]}"; do
		k=$((k + 1))
		name=${set_names[$i]}
		out=$logdir/$name.$round.log
		rc=0 t0=$SECONDS
		# panic=-1: should init9p fail, it reboots (QEMU ends) instead of
		# waiting in a rescue shell until the timeout.
		# shellcheck disable=SC2086 # set_args: words of run9p options, split on purpose
		"$RUN9P" --accel tcg --timeout "$timeout" --passthrough-as-root -k "$kernel" -i "$initrd" \
			-r "$rootdir" -o "${set_flags[$i]}" ${set_args[$i]} \
			-a "init=/root9p-bench/iobench panic=-1 -- $guest_args" \
			</dev/null >"$out" 2>"$out.err" || rc=$?
		parsed=$(parse_log "$out")
		started=$(grep -c '^S' <<<"$parsed" || true)
		nerr=$(sed -n 's/^D //p' <<<"$parsed")
		opts=$(sed -n 's/^M //p' <<<"$parsed" | head -n 1)
		why=$(sed -n 's/^E //p' <<<"$parsed")
		if [ "$nerr" = 0 ]; then
			status=ok
		elif [ -n "$nerr" ]; then
			status=errors
		elif [ $rc = 124 ]; then
			status=timeout
		elif [ $rc != 0 ]; then
			status=rc$rc
		elif [ "$started" = 0 ]; then
			status=no-iobench
		else
			status=no-done
		fi
		for w in "${workloads[@]}"; do
			r=$(awk -v w="$w" '$1 == "R" && $2 == w { print $3, $4, $5, $6, $7; exit }' <<<"$parsed")
			read -r amount unit secs rate runit <<<"${r:-- - - - -}"
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$name" "$round" \
				"$status" "$rc" "$w" "$amount" "$unit" "$secs" "$rate" "$runit" "${opts:--}" \
				"$out" >>"$results"
		done
		read -r ms_init ms_start < <(boot_ms "$out")
		printf '%s\t%s\t%s\n' "$name" "$ms_init" "$ms_start" >>"$logdir/boot.tsv"
		msg="$status after $((SECONDS - t0)) s"
		[ -z "$why" ] || msg="$msg: $why"
		log "boot $k/$total: $name round $round: $msg"
	done
done

if [ -n "$csv" ]; then
	{
		echo "set,round,status,rc,rootflags,workload,amount,unit,seconds,rate,rate_unit,mount_opts,log"
		# "-" (not seen) becomes an empty field; flags and options hold commas.
		awk -F '\t' -v flags="${set_flags[*]}" '
		function q(x) { return "\"" x "\"" }
		BEGIN { split(flags, fl, " ") }
		{
			for (i = 1; i <= NF; i++) if ($i == "-") $i = ""
			print $2 "," $3 "," $4 "," $5 "," q(fl[$1 + 1]) "," $6 "," $7 "," $8 "," \
				$9 "," $10 "," $11 "," ($12 == "" ? "" : q($12)) "," $13
		}' "$results"
	} >"$csv"
fi

echo "io: $nrounds round(s) of ${set_names[*]}, interleaved; TCG; kernel $(basename "$kernel")"
echo "guest: iobench $guest_args"
for i in "${!set_names[@]}"; do
	printf '  %-8s rootflags=%s\n' "${set_names[$i]}" "${set_flags[$i]}"
done
if [ $fs_compare = 1 ]; then
	echo "(vfs-*: run9p --fs virtiofs, QEMU's virtiofsd with -o cache=auto|always)"
else
	echo "(kernel: Linux 6.1's own defaults, spelled out because init9p fills in"
	echo " root9p's msize=512000,cache=mmap for keys not given)"
fi
echo
table=$(summarize "$results")
grep -v '^#ratios' <<<"$table"
echo
if [ $fs_compare = 1 ]; then
	echo "boot: kernel ms at Run /init and at iobench's start (median of the set's boots)"
	awk -F '\t' "$AWK_STATS"'
		$2 != "-" { a[$1] = a[$1] " " $2; b[$1] = b[$1] " " $3; if (!($1 in seen)) { seen[$1] = 1; o[++n] = $1 } }
		END { for (i = 1; i <= n; i++) printf "  %-10s Run /init %6d ms   iobench start %6d ms\n", o[i], median(a[o[i]]), median(b[o[i]]) }' "$logdir/boot.tsv"
	echo "(virtiofs: the daemon, not the guest, has the cache mode; 9p's cache= is the"
	echo " guest's. cache=always keeps attributes and data in the guest like 9p's loose.)"
else
	which_default "$(sed -n 's/^#ratios root9p //p' <<<"$table")" \
		"$(sed -n 's/^#ratios loose //p' <<<"$table")"
fi
echo "console logs: $logdir"
