#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/run.sh - `make bench`: root9p against a hand-written busybox initrd,
# initramfs-tools and dracut (stock and with root9p's hooks), in one run on
# Debian 12's kernel under QEMU TCG: image figures, boot times with a
# timeline picture, guest I/O with three rootflags sets.
#
#   bench/run.sh [--quick | --smoke] [-n BOOTS] [--builds N] [--io-rounds N] [-o DIR]
#
# Then the loop: run9p --kernel K --host-root -- echo go beside a busybox
# initrd, fakemachine and virtme-ng (bench/loop.sh), the loop's floor (a
# kernel with 9p built in and no initrd, bench/floor.sh), and a Debian 12 root
# to multi-user.target: the howto's setup, init9p, mkroot9p's settings,
# an overlay root (bench/userspace.sh); 1-8 such guests at once
# (bench/scale.sh) and the same tree's I/O over 9p, virtiofs and an ext4
# image (bench/ioalt.sh), both skipped by --smoke.
# --quick: one build and one boot per image, lean distro images, small I/O
# workloads (under 5 minutes); --smoke: the same with every image, for
# `make check` (figures printed, none judged). Default: 3 builds, N=5 boots
# per image, 1 I/O round.
# Everything goes to DIR (default results/bench-DATE, not committed):
# report.txt (the tables), images.csv, boot.csv, io.csv, timeline.svg, logs.
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
export O

# Full: 3 builds per image, one at a time (the host's two CPUs are shared:
# side by side, each build takes twice the CPU), 5 boots, 1 I/O round (tar
# of /usr takes half a minute per cache=none boot; --io-rounds 3 for the
# spread). About 30 minutes on this 2-CPU machine, mostly the distro builds. --quick builds the distro
# images lean (the tests' configurations: minutes less to build, seconds
# less to boot) and leaves out dracut-sd-root9p (not one of the issue's
# six); --smoke (for make check) is --quick with every image.
builds=3 boots=5 io_args=(-n 1) out="" mode=full only="" lean=""
while [ $# -gt 0 ]; do
	case $1 in
	--quick) mode=quick builds=1 boots=1 io_args=(--quick) lean=--lean
		only="busybox itools-stock dracut-stock init9p itools-root9p dracut-root9p" ;;
	--smoke) mode=smoke builds=1 boots=1 io_args=(--quick) lean=--lean ;;
	-n) [ $# -ge 2 ] || { echo "bench: -n needs a number" >&2; exit 2; }; boots=$2; shift ;;
	--builds) [ $# -ge 2 ] || { echo "bench: --builds needs a number" >&2; exit 2; }; builds=$2; shift ;;
	--io-rounds) [ $# -ge 2 ] || { echo "bench: --io-rounds needs a number" >&2; exit 2; }; io_args=(-n "$2"); shift ;;
	-o) [ $# -ge 2 ] || { echo "bench: -o needs a directory" >&2; exit 2; }; out=$2; shift ;;
	*) echo "usage: bench/run.sh [--quick | --smoke] [-n BOOTS] [--builds N] [--io-rounds N] [-o DIR]" >&2; exit 2 ;;
	esac
	shift
done
[[ $boots =~ ^[1-9][0-9]*$ ]] || { echo "bench: -n '$boots' is not a positive number" >&2; exit 2; }
[[ $builds =~ ^[1-9][0-9]*$ ]] || { echo "bench: --builds '$builds' is not a positive number" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "bench: run as root (mkinitramfs in a private mount namespace, 9p passthrough)" >&2; exit 2; }

start=$(date +%s)
make -s all
env_text=$(scripts/fetch-kernel.sh --env bookworm)
eval "$env_text"
export KVER KERNEL_BASE MODDIR
[ -n "$out" ] || out=results/bench-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"

# main: every phase; its output is the report.
main() {
	echo "root9p bench ($mode): Linux $KVER, QEMU TCG, $(nproc) host CPUs, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "host load at start: $(cut -d' ' -f1-3 /proc/loadavg)"

	# --- images -----------------------------------------------------------------
	echo
	echo "== images"
	bench/images.sh -n "$builds" $lean ${only:+--only "$only"} -o "$out/images" --csv "$out/images.csv"

	echo
	echo "== init9p's size by part (bench/size.sh)"
	bench/size.sh || echo "(no size report)"

	# --- boots ------------------------------------------------------------------
	# The probe root of the boot tests (an OS tree, as dracut-sd-root9p's
	# systemd wants one).
	root=$out/root
	scripts/mkroot-tiny.sh "$root" >/dev/null
	# The floor of init9p's own steps: init9p's modules and list with
	# bench/bareinit as /init (the same syscalls, no check); one boot
	# more per round, a few seconds.
	"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/klibc/bareinit" -o "$out/images/bare.img" \
		2>"$out/images/bare.log" || echo "(no bare image: see $out/images/bare.log)"
	# init9p first: the ratios are to it. Every image gets run9p's command line
	# (the howto's root=fsRoot rootfstype=9p, root9p's default rootflags);
	# stock dracut's 95virtfs wants root=virtfs:TAG (the last root= wins).
	# Failures end the boot instead of waiting for a shell.
	nodrac="rd.shell=0 rd.emergency=poweroff"
	specs=()
	for spec in "init9p:panic=-1" "bare:panic=-1" "busybox:panic=-1" "itools-stock:panic=-1" "itools-root9p:panic=-1" \
		"dracut-stock:root=virtfs:fsRoot $nodrac" "dracut-root9p:$nodrac" "dracut-sd-root9p:$nodrac"; do
		name=${spec%%:*}
		if [ -f "$out/images/$name.img" ]; then
			specs+=("$name=$out/images/$name.img:${spec#*:}")
		elif [ "$name" != bare ] && { [ -z "$only" ] || [[ " $only " == *" $name "* ]]; }; then
			echo "(no $name image: its build failed, see $out/images/logs)"
		fi
	done
	echo
	echo "== boot"
	bench/boottime.sh -n "$boots" -k "$KERNEL_IMAGE" -r "$root" --csv "$out/boot.csv" \
		--logs "$out/boot-logs" "${specs[@]}"
	# The same images with 2 vCPUs (init9p loads its module chains in
	# parallel there); not in --smoke, which keeps one boot per image.
	if [ "$mode" != smoke ]; then
		echo
		echo "== boot, 2 vCPUs"
		bench/boottime.sh -n "$boots" -c 2 -k "$KERNEL_IMAGE" -r "$root" --csv "$out/boot-cpus2.csv" \
			--logs "$out/boot-cpus2-logs" "${specs[@]}"
	fi
	bench/timeline.sh "$out/boot.csv" "$out/timeline.svg" \
		"boot timeline, Linux $KVER, TCG (median of $boots)" || echo "(no timeline picture)"
	rm -rf "$root"

	# --- overlay roots: the lower's cache modes (#13); not in --smoke
	if [ "$mode" != smoke ]; then
		echo
		echo "== overlay root (lower cache modes)"
		bench/overlay.sh -n "$boots" -o "$out/overlay" || echo "(overlay run failed, see $out/overlay)"
	fi

	# --- kernels and vCPUs: init9p parallel/sequential vs busybox -------------
	# --smoke: one boot each, Debian 12 with 2 vCPUs only (the 1-vCPU
	# path ran above).
	echo
	echo "== init9p's initramfs phase by kernel and vCPUs (bench/kernels.sh)"
	if [ "$mode" = smoke ]; then
		bench/kernels.sh -n 1 --kernels bookworm --cpus 2 -o "$out/kernels"
	else
		bench/kernels.sh -n "$boots" -o "$out/kernels"
	fi

	# --- mkinitrd9p per compression ------------------------------------------
	echo
	echo "== mkinitrd9p per compression (bench/compress.sh; mkinitramfs and dracut: the images table)"
	croot=$out/croot
	scripts/mkroot-tiny.sh "$croot" >/dev/null
	if [ "$mode" = smoke ]; then
		bench/compress.sh -n 1 -b 0 -o "$out/compress"
	else
		bench/compress.sh -n "$builds" -b "$boots" -k "$KERNEL_IMAGE" -r "$croot" -o "$out/compress"
	fi
	rm -rf "$croot" "$out/compress/"*.img

	# --- guest I/O --------------------------------------------------------------
	echo
	echo "== guest I/O"
	if [ -f "$out/images/init9p.img" ] && scripts/mkroot9p debian "$out/debian" >"$out/mkroot9p.log" 2>&1; then
		bench/io.sh "${io_args[@]}" -k "$KERNEL_IMAGE" -i "$out/images/init9p.img" -r "$out/debian" \
			--csv "$out/io.csv" --logs "$out/io-logs"
		# 9p against virtiofs on the same root (#16): one image with both.
		echo
		echo "== guest I/O and boot: 9p against virtiofs"
		if build/mkinitrd9p -k "$KVER" -b "$KERNEL_BASE" --init build/klibc/init9p \
			--modules=virtiofs -o "$out/images/init9p-vfs.img" 2>"$out/init9p-vfs.log"; then
			bench/io.sh "${io_args[@]}" --fs-compare -k "$KERNEL_IMAGE" -i "$out/images/init9p-vfs.img" \
				-r "$out/debian" --csv "$out/io-vfs.csv" --logs "$out/io-vfs-logs"
		else
			echo "(no virtiofs run: see $out/init9p-vfs.log)"
		fi
	else
		echo "(no I/O run: no init9p image or no Debian root, see $out/mkroot9p.log)"
	fi
	# The images are ~150 MB together: their listings stay.
	rm -rf "$out/debian" "$out/images/"*.img

	# --- the loop: one command in a fresh guest -------------------------------
	echo
	echo "== loop (run9p --kernel K -- CMD)"
	bench/loop.sh -n "$boots" --csv "$out/loop.csv" --logs "$out/loop-logs"
	# The floor: the same source with modules, built in, no initrd (#28).
	# Not in --smoke: its second kernel tree is a build of minutes.
	if [ "$mode" != smoke ]; then
		echo
		echo "== the loop's floor (bench/floor.sh)"
		bench/floor.sh -n "$((boots < 3 ? boots : 3))" --csv "$out/floor.csv" --logs "$out/floor-logs" ||
			echo "(floor run failed, see $out/floor-logs)"
	fi

	# --- time to a usable system: Debian 12 to multi-user.target -------------
	echo
	echo "== Debian 12 to multi-user.target (bench/userspace.sh)"
	if [ "$mode" = smoke ]; then
		bench/userspace.sh --smoke -o "$out/userspace" || echo "(userspace run failed, see $out/userspace/logs)"
	else
		bench/userspace.sh -n "$((boots < 3 ? boots : 3))" -o "$out/userspace" ||
			echo "(userspace run failed, see $out/userspace/logs)"
	fi

	# --- growth and the alternatives (#28): minutes of Debian boots each,
	# so --smoke prints that it skips them (make check stays fast).
	echo
	echo "== scale: 1-8 guests at once, one lower with tmpfs overlays and N copies (bench/scale.sh)"
	if [ "$mode" = smoke ]; then
		echo "scale: skipped in --smoke (Debian guests to multi-user.target, minutes; bench/scale.sh --tiny checks the harness)"
	elif [ "$mode" = quick ]; then
		nice -n 10 bench/scale.sh -N "1 2" -o "$out/scale" || echo "(scale run failed, see $out/scale/logs)"
	else
		nice -n 10 bench/scale.sh -o "$out/scale" || echo "(scale run failed, see $out/scale/logs)"
	fi
	echo
	echo "== guest I/O against virtiofs and an ext4 image (bench/ioalt.sh)"
	if [ "$mode" = smoke ]; then
		echo "ioalt: skipped in --smoke (seven sets of Debian boots, tens of minutes)"
	else
		nice -n 10 bench/ioalt.sh ${lean:+--quick} -o "$out/ioalt" || echo "(ioalt run failed, see $out/ioalt/logs)"
	fi

	echo
	echo "bench ($mode) done in $(($(date +%s) - start)) s; results in $out"
}

main 2>&1 | tee "$out/report.txt"
exit "${PIPESTATUS[0]}"
