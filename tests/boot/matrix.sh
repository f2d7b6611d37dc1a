#!/bin/bash
# tests/boot/matrix.sh - one engine, four boot paths: the same command lines
# through init9p's image, initramfs-tools (root9p's hook), and dracut's
# script and systemd images (90root9p), on Debian 12's kernel under QEMU TCG.
#
#   tests/boot/matrix.sh [--rows "howto ro ..."]
#
# For every row, what each guest saw (its root and /tmp from
# /proc/self/mountinfo, whether it could write) or the error it stopped
# with is reduced to one line, and the four lines must be the same; each
# is also checked against what the row expects, so four paths that agree
# on a wrong answer still fail. The images are built here, from `make
# install` into a staging tree (scripts/distro-images.sh, as the distro
# suites do). Ends with "matrix: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
O=${O:-build}
LIBC=${LIBC:-klibc}
ROWS="howto defaults-ro flags-ro flags-rw quoted tmp-off tmp-size tmp-link badflags timeout rootdelay rootwait"
while [ $# -gt 0 ]; do
	case $1 in
	--rows) ROWS=$2; shift 2 ;;
	*) echo "usage: $0 [--rows LIST]" >&2; exit 2 ;;
	esac
done
. tests/boot/lib.sh
. scripts/distro-images.sh

t_workdir matrix "matrix tests" L0 L1 stage base tmp '*.img' '*.ov'
# The plan: install, init9p's image, the 3 distro images, the root and
# tmp-link's link, 7 checks, and 3 for each row.
read -ra rows <<<"$ROWS"
t_plan $((7 + 3 * ${#rows[@]}))
PATHS="init9p itools dracut dracut-sd"
# Failure rows end the boot the way each path can: panic= (init9p,
# initramfs-tools, dracut's script init), rd.emergency (dracut's systemd).
ENDING="panic=1 rd.shell=0 rd.emergency=poweroff"

# row NAME: sets CMD (the command line but console and probe token), R
# (which root: root or root-link), WANT (a grep -E on the reduced line) and
# KIND (mount: boots to the probe; fail: stops with an error; wait: still
# waiting when stopped).
row() {
	R=root KIND=mount
	case $1 in
	howto) CMD="root=fsRoot rw rootfstype=9p rootflags=$HOWTO_FLAGS"
		WANT="^root rw,.* 9p fsRoot .*,mmap,.*posixacl,msize=512000,.*; tmp rw,nosuid,nodev[^ ]* tmpfs tmpfs [^ ]* mode 1777; write ok$" ;;
	defaults-ro) CMD="root=fsRoot rootfstype=9p"
		WANT="^root ro,.* 9p fsRoot .*,mmap,.*msize=512000,.*; tmp rw,nosuid,nodev[^ ]* tmpfs tmpfs [^ ]* mode 1777; write failed$" ;;
	flags-ro) CMD="root=fsRoot rw rootfstype=9p rootflags=ro"
		WANT="^root ro,.* 9p fsRoot .*; write failed$" ;;
	flags-rw) CMD="root=fsRoot ro rootfstype=9p rootflags=rw"
		WANT="^root rw,.* 9p fsRoot .*; write ok$" ;;
	quoted) CMD='root="fsRoot" rw rootfstype=9p'
		WANT="^root rw,.* 9p fsRoot .*; tmp rw,nosuid,nodev[^ ]* tmpfs .*; write ok$" ;;
	tmp-off) CMD="root=fsRoot rw rootfstype=9p root9p.tmp=off"
		WANT="^root rw,.*; tmp none \\(no tmpfs on NEWROOT/tmp: root9p.tmp=off\\); write ok$" ;;
	tmp-size) CMD="root=fsRoot rw rootfstype=9p root9p.tmp=size=1m"
		WANT="^root rw,.*; tmp rw,nosuid,nodev[^ ]* tmpfs tmpfs [^ ]*size=1024k[^ ]* mode 1777; write ok$" ;;
	tmp-link) CMD="root=fsRoot rw rootfstype=9p" R=root-link
		WANT="^root rw,.*; tmp none \\(no tmpfs on NEWROOT/tmp: the root's /tmp is a symbolic link, .*\\); write ok$" ;;
	badflags) CMD="root=fsRoot rw rootfstype=9p rootflags=cache=readahead $ENDING" KIND=fail
		WANT="^cannot use rootflags: cache=readahead is not a cache mode of Linux 6.1 \\(accepted: none, loose, fscache, mmap\\)$" ;;
	timeout) CMD="root=nosuchtag rootfstype=9p root9p.timeout=2 $ENDING" KIND=fail
		WANT="^cannot find the root: mount tag \"nosuchtag\" not found after 2 s; tags present: fsRoot$" ;;
	rootdelay) CMD="root=nosuchtag rootfstype=9p root9p.timeout=1 rootdelay=3 $ENDING" KIND=fail
		WANT="^cannot find the root: mount tag \"nosuchtag\" not found after 3 s; tags present: fsRoot$" ;;
	rootwait) CMD="root=nosuchtag rootfstype=9p root9p.timeout=1 rootwait" KIND=wait
		WANT="^still waiting for mount tag nosuchtag after 5 s \\(present: fsRoot\\); no failure$" ;;
	*) return 1 ;;
	esac
}

# reduce_mi LINE: a mountinfo line without IDs, device and peer fields:
# "OPTS FSTYPE SOURCE SUPER".
reduce_mi() {
	awk '{ for (i = 7; $i != "-"; i++) ; print $6, $(i + 1), $(i + 2), $(i + 3) }' <<<"$1"
}

# The newroot differs by path (/root, /sysroot): messages name NEWROOT.
newroot() { sed -E 's#(/sysroot|/root)(/tmp)?([:) ]|$)#NEWROOT\2\3#g'; }

# reduce KIND: the one line this boot comes to (reads $LOG).
reduce() {
	local mi tmp why
	case $1 in
	mount)
		if ! probe_is "done" yes; then echo "no probe"; return; fi
		mi=$(mountinfo_of /)
		tmp=$(mountinfo_of /tmp)
		if [ -n "$tmp" ]; then
			tmp="$(reduce_mi "$tmp") mode $(probe tmpmode)"
		else
			why=$(console | sed -nE 's/.*(init9p|mount9p): (no tmpfs on .*)/\2/p' | head -n 1 | newroot)
			tmp="none ($why)"
		fi
		echo "root $(reduce_mi "$mi"); tmp $tmp; write $(probe write)" ;;
	fail)
		console | sed -nE 's/.*(init9p|mount9p): (cannot [a-z ]+: .*)/\2/p' | head -n 1 | newroot ;;
	wait)
		why=$(console | sed -nE 's/.*(init9p|mount9p): (still waiting for mount tag .* after 5 s .*)/\2/p' | head -n 1)
		if console | grep -qE '(init9p|mount9p): cannot '; then why="$why; failed"; else why="$why; no failure"; fi
		echo "$why" ;;
	esac
}

# boot_row ROW PATH: boot it on the roots in $ROOTS (one set per lane),
# RES[ROW/PATH] gets the reduced line.
declare -A RES IMG
boot_row() {
	local r=$1 p=$2 token=$1-$2-$RANDOM
	row "$r"
	if [ "$KIND" = wait ]; then
		boot_bg "$r-$p" -k "$KERNEL_IMAGE" -i "${IMG[$p]}" -r "$ROOTS/$R" \
			--cmdline "$CMD console=ttyS0 probe.token=$token"
		wait_for "still waiting for mount tag nosuchtag after 5 s" 120
		sleep 1
		stop_bg 0
	else
		boot "$r-$p" -k "$KERNEL_IMAGE" -i "${IMG[$p]}" -r "$ROOTS/$R" \
			--cmdline "$CMD console=ttyS0 probe.token=$token"
	fi
	RES[$r/$p]=$(reduce "$KIND")
	if [ "$KIND" = mount ] && [ "$(probe write)" = ok ] &&
	   [ "$(cat "$ROOTS/$R/out/written" 2>/dev/null)" != "$token" ]; then
		RES[$r/$p]="${RES[$r/$p]} (not on the host)"
	fi
}

# --- images -----------------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	fail "these tests run as root (mount namespaces, 9p passthrough)"
	t_done matrix
	exit 1
fi
if ! env_text=$(scripts/fetch-kernel.sh --env bookworm); then
	fail "fetch Debian 12's kernel"
	t_done matrix
	exit 1
fi
eval "$env_text"
STAGE=$WORK/stage
check "make install PREFIX=/usr DESTDIR=... (mount9p, hooks, dracut module)" \
	make -s install O="$O" LIBC="$LIBC" PREFIX=/usr DESTDIR="$STAGE"
IMG[init9p]=$WORK/init9p.img
IMG[itools]=$WORK/itools.img
IMG[dracut]=$WORK/dracut.img
IMG[dracut-sd]=$WORK/dracut-sd.img
check "mkinitrd9p builds init9p's image" \
	"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/$LIBC/init9p" -o "${IMG[init9p]}"
itools_conf "$WORK/conf" MODULES=list
dracut_tree "$WORK/base" "$STAGE/usr/lib/dracut/modules.d/90root9p"
(itools_image "${IMG[itools]}" "$WORK/conf" "$STAGE" >"$LOGDIR/itools.build.log" 2>&1; echo $? >"$WORK/itools.rc") &
export ROOT9P_MOUNT9P=$STAGE/usr/lib/root9p/mount9p
(dracut_image "${IMG[dracut]}" script "root9p" "$DRACUT_LEAN_OMIT" "$WORK/base" "$WORK/d1" \
	>"$LOGDIR/dracut.build.log" 2>&1; echo $? >"$WORK/dracut.rc") &
wait
dracut_image "${IMG[dracut-sd]}" systemd "root9p" "$DRACUT_LEAN_OMIT" "$WORK/base" "$WORK/d2" \
	>"$LOGDIR/dracut-sd.build.log" 2>&1; echo $? >"$WORK/dracut-sd.rc"
for p in itools dracut dracut-sd; do
	check "build the $p image" [ "$(cat "$WORK/$p.rc")" = 0 ]
done

# The probe root, and the same with /tmp a link out of the root (to the
# initramfs' /run); a copy of both for each lane.
check "the tiny probe root is made" \
	scripts/mkroot-tiny.sh "$WORK/L0/root" "$STAGE/usr/sbin/mount9p"
cp -a "$WORK/L0/root" "$WORK/L0/root-link"
rm -rf "$WORK/L0/root-link/tmp"
ln -s /run "$WORK/L0/root-link/tmp"
cp -a "$WORK/L0" "$WORK/L1"

# --- boots --------------------------------------------------------------------------
# Two lanes, as the machine has two cores: each boots its paths in turn.
LANES=("init9p dracut-sd" "itools dracut")
mkdir -p "$WORK/res"
for r in $ROWS; do
	row "$r" || { fail "no row $r"; continue; }
	echo "row $r: $CMD"
	before=$(treesum "$WORK/L0/$R")
	for i in 0 1; do
		(
			ROOTS=$WORK/L$i
			for p in ${LANES[$i]}; do
				if [ -f "${IMG[$p]}" ]; then boot_row "$r" "$p"; else RES[$r/$p]="no image"; fi
				printf '%s\n' "${RES[$r/$p]}" >"$WORK/res/$r.$p"
			done
		) &
	done
	wait
	for p in $PATHS; do
		RES[$r/$p]=$(cat "$WORK/res/$r.$p")
		echo "  $p: ${RES[$r/$p]}"
	done
	LOG=
	first=${RES[$r/init9p]}
	same=1
	for p in $PATHS; do [ "${RES[$r/$p]}" = "$first" ] || same=0; done
	check "$r: init9p, initramfs-tools, dracut and dracut+systemd agree" [ "$same" = 1 ]
	check "$r: and say what the row expects" grep -qE -- "$WANT" <<<"$first"
	c_nothing_but_out_changed() { [ "$before" = "$(treesum "$WORK/L0/$R")" ] && [ "$before" = "$(treesum "$WORK/L1/$R")" ]; }
	check "$r: nothing but out/ changed in the root directories" c_nothing_but_out_changed
done
check "tmp-link: the link in the root is still a link to /run" \
	[ "$(readlink "$WORK/L0/root-link/tmp")" = /run ]

echo "=== the matrix (bookworm $KVER): one line per row, [n] marks a path that differs"
for r in $ROWS; do
	printf '  %-12s %s\n' "$r" "${RES[$r/init9p]:-}"
	for p in itools dracut dracut-sd; do
		[ "${RES[$r/$p]:-}" = "${RES[$r/init9p]:-}" ] || printf '  %-12s [%s] %s\n' "" "$p" "${RES[$r/$p]:-}"
	done
done
t_done matrix
