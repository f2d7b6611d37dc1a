#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/boottime.sh - how long the initramfs phase takes, per initrd.
#
# Boots each image N times, interleaved (A B C A B C ...) so drift in the
# host's load hits all images alike, and reads the guest's own clock off the
# console: "Run /init as init process" to the root's "realinit: started" kmsg
# line (scripts/mkroot-tiny.sh's probe). Prints a table; never judges.
set -eu

prog=boottime
RUN9P=${RUN9P:-$(dirname "$0")/../scripts/run9p}

usage() {
	cat <<'EOF'
usage: bench/boottime.sh [-n N] [-c CPUS] -k KERNEL_IMAGE -r ROOTDIR [--csv FILE]
                         [--logs DIR] [--timeout S] NAME=INITRD[:EXTRA_APPEND] ...

Boot every image N times (default 5), interleaved, under TCG with
scripts/run9p, and report per image the initramfs phase (kernel timestamp of
"Run /init as init process" to that of the root's "realinit: started") and
the guest time at realinit: median, min, max in ms, and the ratio of the
medians to the first image given (the reference).
ROOTDIR must have an init that logs "realinit: started" to /dev/kmsg first
and then powers off: make one with scripts/mkroot-tiny.sh DIR.
An image whose /init is bench/bareinit (mkinitrd9p --init build/klibc/bareinit)
is the floor of init9p's own steps: every other image with a "steps in ms"
line gets a line of its own steps above it.

  -n N            boots per image (default 5)
  -c CPUS         virtual CPUs of every guest (default 1)
  -k FILE         kernel image (vmlinuz)
  -r DIR          root directory shared over 9p
  --csv FILE      also write one row per boot
  --logs DIR      keep console logs there (default: a new /tmp/boottime.* dir)
  --timeout S     per boot, passed to run9p (default 120)
  NAME=INITRD[:EXTRA_APPEND]  an image, and extra kernel arguments for it
Environment: RUN9P (default scripts/run9p next to this script).
EOF
}

. "$(dirname "$0")/lib.sh"

# parse_log FILE: one line "run_init_ms realinit_ms mod_ms mount_ms tmp_ms
# start_ms unpack0_ms unpack1_ms p9net_ms v9fs_ms", "-" for what the console
# does not show. The step lines are init9p's own, or the baseline's
# (bench/busybox-initrd.sh) in the same words; the last four are the
# kernel's: unpacking the initramfs (start, end: it runs alongside the
# kernel's own start-up), the 9p client and the 9p filesystem registering
# (the modules loaded, whoever loaded them). Then, from a "steps in ms"
# line, its "modules", "tag wait", "mount" and "tmpfs" (each from the end
# of the step before, so that the own steps add up to "own") and the
# image's kind: "bare" for bench/bareinit's line (the floor), else "-".
parse_log() {
	tr -d '\r' <"$1" | awk '
	function ts(line) {
		if (!match(line, /^\[ *[0-9]+\.[0-9]+\]/)) return "-"
		line = substr(line, 2, RLENGTH - 2)
		return sprintf("%.3f", line * 1000)
	}
	# The number before " ms" in a step line.
	function ms(line) {
		match(line, /[0-9]+ ms/)
		return substr(line, RSTART, RLENGTH - 3) + 0
	}
	function step(line, name,   re) {
		re = name " [0-9]+"
		if (!match(line, re)) return "-"
		return substr(line, RSTART + length(name) + 1, RLENGTH - length(name) - 1) + 0
	}
	BEGIN { ri = rl = mod = mnt = tmp = start = u0 = u1 = net = fs = "-"
		wait = early = cfg = ichk = wipe = own = pin = sw = "-"
		smod = swait = smnt = stmp = kind = "-" }
	/\] Run \/init as init process/ && ri == "-" { ri = ts($0) }
	/\] realinit: started/ && rl == "-" { rl = ts($0) }
	/\] Trying to unpack rootfs image as initramfs/ && u0 == "-" { u0 = ts($0) }
	/\] Freeing initrd memory/ && u1 == "-" { u1 = ts($0) }
	/\] 9pnet: Installing 9P2000 support/ && net == "-" { net = ts($0) }
	/\] 9p: Installing v9fs/ && fs == "-" { fs = ts($0) }
	!/(init9p|bbinit|bare): / { next }
	/: loaded [0-9]+ modules in [0-9]+ ms/ && mod == "-" { mod = ms($0) }
	/: mounted tmpfs on [^ ]+ in [0-9]+ ms/ { if (tmp == "-") tmp = ms($0); next }
	/: mounted [^ ]+ on [^ ]+ in [0-9]+ ms/ && mnt == "-" { mnt = ms($0) }
	/: starting [^ ]+ after [0-9]+ ms/ && start == "-" { start = ms($0) }
	/: found mount tag [^ ]+ in [0-9]+ ms/ && wait == "-" { wait = ms($0) }
	/: removed [0-9]+ initramfs entries in [0-9]+ ms/ && !/background/ && wipe == "-" { wipe = ms($0) }
	/: steps in ms: / && early == "-" {
		early = step($0, "early"); cfg = step($0, "command line")
		ichk = step($0, "init check")
		# Since issue 28: pin, the switch (API mounts moved, wipe) and
		# "own", all the steps but the modules.
		pin = step($0, "pin"); sw = step($0, "wipe"); own = step($0, "own")
		smod = step($0, "modules"); swait = step($0, "tag wait")
		smnt = step($0, "mount"); stmp = step($0, "tmpfs")
		if ($0 ~ /bare: steps in ms: /) kind = "bare"
	}
	# An older init9p has no "own": its time to the exec less the
	# modules, plus the wipe (the same steps, the move of /dev etc. and
	# root9p-pin'"'"'s fork counted in "to exec").
	END {
		if (own == "-" && start != "-" && mod != "-" && wipe != "-")
			own = start - mod + wipe
		print ri, rl, mod, mnt, tmp, start, u0, u1, net, fs, wait, early, cfg, ichk, wipe, own, pin, sw, \
			smod, swait, smnt, stmp, kind
	}'
}

# summarize RESULTS_TSV: the tables. Rows: idx name round status rc
# run_init realinit phase mod mount tmp start unpack0 unpack1 9pnet v9fs log
# wait early cmdline initchk wipe own pin switch smod swait smount stmp kind.
# The floor: the first image of kind "bare" (bench/bareinit), whose own
# steps every other image's are compared with, step by step.
summarize() {
	awk -F '\t' -v nboots="$nboots" "$AWK_STATS"'
	# "median min max", rounded
	function stats(list,   v, n) {
		n = sorted(list, v)
		if (n == 0) return "- - -"
		return sprintf("%.0f %.0f %.0f", mid(v, n), v[1], v[n])
	}
	function add(k, x) { if (x != "-") vals[k] = vals[k] " " x }
	{
		if (!($1 in name)) { name[$1] = $2; order[++nimg] = $1 }
		tries[$1]++
		if ($4 != "ok") { failed[$1] = failed[$1] " " $3 ":" $4; next }
		ok[$1]++
		add($1 ",phase", $8); add($1 ",at", $7)
		add($1 ",mod", $9); add($1 ",mount", $10); add($1 ",tmp", $11); add($1 ",start", $12)
		add($1 ",u0", $13); add($1 ",u1", $14); add($1 ",ri", $6); add($1 ",fs", $16); add($1 ",rl", $7)
		add($1 ",wait", $18); add($1 ",early", $19); add($1 ",cfg", $20); add($1 ",ichk", $21)
		add($1 ",wipe", $22); add($1 ",own", $23); add($1 ",pin", $24); add($1 ",switch", $25)
		# bareinit says its steps on the one line: they fill the
		# steps table where no line of their own was seen
		if ($9 == "-") add($1 ",mod", $26)
		if ($10 == "-") add($1 ",mount", $28)
		if ($11 == "-") add($1 ",tmp", $29)
		if ($18 == "-") add($1 ",wait", $27)
		# the own-steps table: the steps line spans where there is one
		add($1 ",owait", $27 != "-" ? $27 : $18)
		add($1 ",omount", $28 != "-" ? $28 : $10)
		add($1 ",otmp", $29 != "-" ? $29 : $11)
		if ($30 == "bare" && floor == "") floor = $1
		if ($13 != "-" && $14 != "-") add($1 ",unpack", $14 - $13)
		if ($16 != "-") { add($1 ",tofs", $16 - $6); add($1 ",fsto", $7 - $16) }
	}
	END {
		printf "%-17s %5s | %-30s | %-30s\n", "", "", "initramfs phase, ms", "guest time at realinit, ms"
		printf "%-17s %5s | %7s %7s %7s %6s | %7s %7s %7s %6s\n", "image", "ok", \
			"median", "min", "max", "ratio", "median", "min", "max", "ratio"
		for (i = 1; i <= nimg; i++) {
			k = order[i]
			split(stats(vals[k ",phase"]), p, " "); split(stats(vals[k ",at"]), a, " ")
			if (i == 1) { refp = p[1]; refa = a[1] }
			printf "%-17s %2d/%-2d | %7s %7s %7s %6s | %7s %7s %7s %6s\n", name[k], ok[k], tries[k], \
				p[1], p[2], p[3], ratio(p[1], refp), a[1], a[2], a[3], ratio(a[1], refa)
		}
		print ""
		print "steps the initrd reported itself (init9p: / bbinit: lines), median ms;"
		print "early .. wipe only with root9p.debug (init9p'"'"'s \"steps in ms\" line):"
		printf "%-17s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s\n", "image", "early", "cmdline", "modules", \
			"tag wait", "9p mount", "tmpfs", "init chk", "to exec", "wipe", "unpack"
		for (i = 1; i <= nimg; i++) {
			k = order[i]
			printf "%-17s", name[k]
			n = split("early cfg mod wait mount tmp ichk start wipe unpack", s, " ")
			for (j = 1; j <= n; j++) { split(stats(vals[k "," s[j]]), m, " "); printf " %8s", m[1] }
			print ""
		}
		print ""
		print "init9p'"'"'s own steps: all but the modules step (the kernel'"'"'s finit_module work)"
		print "and the real init'"'"'s exec, median ms, goal <= 20 (issue 28); \"switch\": the API"
		print "mounts moved and the wipe; only with root9p.debug, or bench/bareinit'"'"'s \"bare:\" line"
		print "(the floor: the same syscalls with no check; its init check and pin are 0):"
		printf "%-17s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s\n", "image", "early", "cmdline", \
			"tag wait", "9p mount", "tmpfs", "init chk", "pin", "switch", "own", "goal"
		for (i = 1; i <= nimg; i++) {
			k = order[i]
			printf "%-17s", name[k]
			n = split("early cfg owait omount otmp ichk pin switch own", s, " ")
			for (j = 1; j <= n; j++) { split(stats(vals[k "," s[j]]), m, " "); printf " %8s", m[1] }
			split(stats(vals[k ",own"]), m, " ")
			printf " %8s\n", m[1] == "-" ? "-" : (m[1] <= 20 ? "met" : "x" sprintf("%.1f", m[1] / 20))
		}
		if (floor != "") {
			# the median of each step less that of the floor
			split("early cfg owait omount otmp ichk pin switch own", s, " ")
			split("early,command line,tag wait,mount,tmpfs,init check,pin,wipe,own", label, ",")
			for (j = 1; j <= 9; j++) { split(stats(vals[floor "," s[j]]), m, " "); fl[j] = m[1] }
			for (i = 1; i <= nimg; i++) {
				k = order[i]
				split(stats(vals[k ",own"]), m, " ")
				if (k == floor || m[1] == "-") continue
				line = ""
				for (j = 1; j <= 9; j++) {
					split(stats(vals[k "," s[j]]), m, " ")
					d = (m[1] == "-" || fl[j] == "-") ? "-" : sprintf("%+d", m[1] - fl[j])
					line = line (j == 1 ? "" : (j == 9 ? "; " : ", ")) label[j] " " d
				}
				printf "%s above the floor (%s): %s\n", name[k], name[floor], line
			}
		}
		print ""
		print "timeline, median guest time in ms (kernel messages; \"9p loaded\": 9p: Installing v9fs):"
		printf "%-17s %8s %8s %8s %8s %8s | %9s %9s\n", "image", "unpack", "unpacked", "Run", "9p", "realinit", \
			"Run /init", "9p loaded"
		printf "%-17s %8s %8s %8s %8s %8s | %9s %9s\n", "", "initrd", "", "/init", "loaded", "", "-> 9p", "-> real"
		for (i = 1; i <= nimg; i++) {
			k = order[i]
			printf "%-17s", name[k]
			n = split("u0 u1 ri fs rl", s, " ")
			for (j = 1; j <= n; j++) { split(stats(vals[k "," s[j]]), m, " "); printf " %8s", m[1] }
			split(stats(vals[k ",tofs"]), m, " "); printf " | %9s", m[1]
			split(stats(vals[k ",fsto"]), m, " "); printf " %9s\n", m[1]
		}
		for (i = 1; i <= nimg; i++)
			if (failed[order[i]] != "")
				printf "failed boots of %s (round:why):%s\n", name[order[i]], failed[order[i]]
	}' "$1"
}

nboots=5 cpus=1 kernel="" rootdir="" csv="" logdir="" timeout=120
specs=()
while [ $# -gt 0 ]; do
	case $1 in
	-n) [ $# -ge 2 ] || die "-n needs a number"; nboots=$2; shift ;;
	-c) [ $# -ge 2 ] || die "-c needs a number"; cpus=$2; shift ;;
	-k) [ $# -ge 2 ] || die "-k needs a kernel image"; kernel=$2; shift ;;
	-r) [ $# -ge 2 ] || die "-r needs a directory"; rootdir=$2; shift ;;
	--csv) [ $# -ge 2 ] || die "--csv needs a file"; csv=$2; shift ;;
	--logs) [ $# -ge 2 ] || die "--logs needs a directory"; logdir=$2; shift ;;
	--timeout) [ $# -ge 2 ] || die "--timeout needs seconds"; timeout=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*=*) specs+=("$1") ;;
	*) die "'$1' is not NAME=INITRD[:EXTRA_APPEND] (see --help)" ;;
	esac
	shift
done

[[ $nboots =~ ^[1-9][0-9]*$ ]] || die "-n '$nboots' is not a positive number"
[[ $cpus =~ ^[1-9][0-9]*$ ]] || die "-c '$cpus' is not a positive number"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout '$timeout' is not a positive number"
[ -n "$kernel" ] || die "no kernel: give -k KERNEL_IMAGE"
[ -f "$kernel" ] || die "kernel image '$kernel' does not exist"
[ -n "$rootdir" ] || die "no root directory: give -r DIR (make one with scripts/mkroot-tiny.sh DIR)"
[ -x "$rootdir/sbin/init" ] || die "'$rootdir' has no executable sbin/init (make it with scripts/mkroot-tiny.sh DIR)"
[ ${#specs[@]} -gt 0 ] || die "no image: give one or more NAME=INITRD[:EXTRA_APPEND]"
[ -x "$RUN9P" ] || die "$RUN9P not found or not executable (set RUN9P=)"

names=() initrds=() extras=()
declare -A seen=()
for spec in "${specs[@]}"; do
	name=${spec%%=*} rest=${spec#*=}
	initrd=${rest%%:*} extra=""
	[ "$initrd" = "$rest" ] || extra=${rest#*:}
	[[ $name =~ ^[A-Za-z0-9._-]+$ ]] || die "image name '$name': use letters, digits, . _ -"
	[ -z "${seen[$name]:-}" ] || die "image name '$name' is given twice"
	[ -f "$initrd" ] || die "$name: initrd '$initrd' does not exist"
	seen[$name]=1
	names+=("$name") initrds+=("$initrd") extras+=("$extra")
done

[ -n "$logdir" ] || logdir=$(mktemp -d /tmp/boottime.XXXXXX)
mkdir -p "$logdir"
results=$logdir/results.tsv
: >"$results"

total=$((nboots * ${#names[@]})) k=0
for round in $(seq 1 "$nboots"); do
	for i in "${!names[@]}"; do
		k=$((k + 1))
		name=${names[$i]}
		out=$logdir/$name.$round.log
		rc=0
		"$RUN9P" --accel tcg --timeout "$timeout" --passthrough-as-root -c "$cpus" -k "$kernel" -i "${initrds[$i]}" \
			-r "$rootdir" -a "${extras[$i]}" </dev/null >"$out" 2>"$out.err" || rc=$?
		read -r ri rl mod mnt tmp start u0 u1 net fs wait early cfg ichk wipe own pin sw smod swait smnt stmp \
			kind < <(parse_log "$out")
		phase=- status=ok
		if [ "$ri" = - ]; then
			status=no-run-init
		elif [ "$rl" = - ]; then
			status=no-realinit
		else
			phase=$(awk -v a="$ri" -v b="$rl" 'BEGIN { printf "%.3f", b - a }')
		fi
		# A timeout or a QEMU error before realinit names the failure better.
		if [ $status != ok ]; then
			[ $rc = 124 ] && status=timeout
			[ $rc != 0 ] && [ $rc != 124 ] && status=rc$rc
		fi
		row=("$i" "$name" "$round" "$status" "$rc" "$ri" "$rl" "$phase" "$mod" "$mnt" "$tmp" "$start"
			"$u0" "$u1" "$net" "$fs" "$out" "$wait" "$early" "$cfg" "$ichk" "$wipe" "$own" "$pin" "$sw"
			"$smod" "$swait" "$smnt" "$stmp" "$kind")
		(IFS=$'\t'; printf '%s\n' "${row[*]}") >>"$results"
		msg=$status
		[ "$phase" = - ] || msg="$status, $phase ms"
		log "boot $k/$total: $name round $round: $msg"
	done
done

if [ -n "$csv" ]; then
	{
		echo "image,round,status,rc,run_init_ms,realinit_ms,initramfs_ms,modules_ms,mount_ms,tmpfs_ms,exec_ms,unpack_start_ms,unpack_end_ms,9pnet_ms,v9fs_ms,log,tag_wait_ms,early_ms,cmdline_ms,init_check_ms,wipe_ms,own_ms,pin_ms,switch_ms,modules_step_ms,tag_wait_step_ms,mount_step_ms,tmpfs_step_ms,kind"
		# "-" (not seen) becomes an empty field.
		cut -f 2- "$results" | awk -F '\t' -v OFS=, '{ for (i = 1; i <= NF; i++) if ($i == "-") $i = ""; $1 = $1; print }'
	} >"$csv"
fi

echo "boottime: $nboots boots per image, interleaved; TCG, $cpus vCPU; kernel $(basename "$kernel")"
echo "initramfs phase = kernel timestamps from \"Run /init as init process\" to \"realinit: started\""
summarize "$results"
echo "console logs: $logdir"
