#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/timeline.sh - draw each image's boot timeline from boottime.sh's CSV.
#
#   bench/timeline.sh BOOT_CSV OUT.svg [TITLE]
#
# One bar per image, on the guest's clock, medians of its good boots:
# the kernel's start-up up to "Run /init" (grey) with the unpacking of the
# initramfs drawn inside it (orange: it runs alongside the kernel's own
# start-up), then the initrd up to the 9p filesystem registering (blue: the
# initrd's start and its module loading), then up to the real init's first
# line (green: mount, /tmp, switch). Needs gnuplot (gnuplot-nox).
set -eu

prog=timeline
. "$(dirname "$0")/lib.sh"
{ [ $# -ge 2 ] && [ $# -le 3 ]; } || die "usage: bench/timeline.sh BOOT_CSV OUT.svg [TITLE]"
csv=$1 svg=$2 title=${3:-boot timeline (median guest time)}
[ -f "$csv" ] || die "'$csv' does not exist (make it with bench/boottime.sh --csv)"
command -v gnuplot >/dev/null || die "gnuplot not found: apt-get install gnuplot-nox"
head -n 1 "$csv" | grep -q '^image,round,status,rc,run_init_ms,realinit_ms' ||
	die "'$csv' is not a boottime.sh CSV (its header differs)"

data=$(mktemp)
trap 'rm -f "$data"' EXIT

# Columns of the CSV by name, medians per image in the CSV's order; a box
# per segment: "x_lo x_hi y color label".
awk -F , "$AWK_STATS"'
function med(list) { return list == "" ? "" : median(list) }
function box(lo, hi, y, color) { if (lo != "" && hi != "" && hi > lo) printf "%.1f %.1f %d %s\n", lo, hi, y, color }
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
$col["status"] != "ok" { next }
{
	img = $col["image"]
	if (!(img in seen)) { seen[img] = 1; order[++n] = img }
	split("run_init_ms realinit_ms initramfs_ms unpack_start_ms unpack_end_ms v9fs_ms", keys, " ")
	for (k in keys) if ($col[keys[k]] != "") v[img, keys[k]] = v[img, keys[k]] " " $col[keys[k]]
}
END {
	for (i = 1; i <= n; i++) {
		img = order[i]; y = n - i
		ri = med(v[img, "run_init_ms"]); rl = med(v[img, "realinit_ms"])
		u0 = med(v[img, "unpack_start_ms"]); u1 = med(v[img, "unpack_end_ms"])
		fs = med(v[img, "v9fs_ms"])
		# seconds on the axis
		box(0, ri / 1000, y, 12303291)
		box(u0 / 1000, u1 / 1000, y, 15965202)
		if (fs != "" && fs > ri) { box(ri / 1000, fs / 1000, y, 3897538); box(fs / 1000, rl / 1000, y, 3054159) }
		else box(ri / 1000, rl / 1000, y, 3897538)
		# the label is the median phase of the boots (as boottime.sh prints
		# it), not the difference of the two medians the bar ends at
		printf "# label %d %s %.2f %.0f\n", y, img, rl / 1000, med(v[img, "initramfs_ms"])
	}
}' "$csv" >"$data"
grep -qv '^#' "$data" || die "no good boot in '$csv': nothing to draw"

n=$(grep -c '^# label' "$data")
ytics=$(awk '/^# label/ { printf "%s\"%s\" %d", sep, $4, $3; sep = ", " }' "$data")
labels=$(awk '/^# label/ { printf "set label \"%s ms\" at %.2f,%d offset 0.5,0 left font \",9\"\n", $6, $5, $3 }' "$data")
gnuplot <<EOF
set terminal svg size 960,$((80 + 40 * n)) dynamic font "sans,11" background "white"
set output "$svg"
set title "$title"
set xlabel "guest time, s (labels: Run /init to the real init)"
set ytics ($ytics)
set yrange [-0.6:$n - 0.4]
set xrange [0:*]
set offsets 0, graph 0.12, 0, 0
set grid xtics
set key outside bottom center horizontal
set style fill solid 1.0 noborder
$labels
plot "$data" using (0):(0):(0):(0):(0):(0) with boxxyerror lc rgb "#bbbbbb" title "kernel start-up", \
	"" using (0):(0):(0):(0):(0):(0) with boxxyerror lc rgb "#f39c12" title "initramfs unpacking", \
	"" using (0):(0):(0):(0):(0):(0) with boxxyerror lc rgb "#3b78c2" title "initrd: start, modules (to 9p loaded)", \
	"" using (0):(0):(0):(0):(0):(0) with boxxyerror lc rgb "#2e9e4f" title "initrd: mount, /tmp, switch", \
	"" using ((\$1 + \$2) / 2):3:1:2:(\$3 - (\$4 == 15965202 ? 0.12 : 0.3)):(\$3 + (\$4 == 15965202 ? 0.12 : 0.3)):4 \
		with boxxyerror lc rgb variable notitle
EOF
[ -s "$svg" ] || die "gnuplot wrote no $svg"
echo "timeline: $svg"
