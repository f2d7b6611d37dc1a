#!/bin/bash
# tests/boot/initramfs-tools.sh - root9p's initramfs-tools integration on
# the real thing: Debian's mkinitramfs with our files where `make install`
# puts them, Debian 12's kernel, QEMU TCG, checks from inside the guest.
#
#   tests/boot/initramfs-tools.sh [--no-debian]
#
# The machine is not changed: images are built in a private mount
# namespace (unshare -m) in which the installed files are overlaid on
# /usr/share/initramfs-tools and the fetched kernel's modules and config
# appear in /lib/modules and /boot; the configuration is a temporary
# CONFDIR (mkinitramfs -d). MODULES=list, so an image holds what the hooks
# add and nothing the host suggests: MODULES=dep would look at the host's
# hardware, MODULES=most adds disk and net drivers (and no 9p at all).
# Images build in parallel (scripts/distro-images.sh, shared with bench/),
# boots run in two lanes. Timing against the stock images is bench/'s job.
# Ends with "initramfs-tools: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
O=${O:-build}
LIBC=${LIBC:-klibc}
. tests/boot/lib.sh
debian_args "$@"
. scripts/distro-images.sh

# Logs and image listings stay; the images too when a check failed.
t_workdir itools "initramfs-tools tests" 'root*' debian '*.x' stage
T_CLEAN_PASSED=('*.img')
# The plan: install 6, the images 17, lane 1 52 (check_howto's 18 twice,
# with check_9p_root's 10), lane 2 11, the machine and the mounts 2; the
# Debian root 5 unless --no-debian.
t_plan $((6 + 17 + 52 + 11 + 2 + 5 * DEBIAN))

# What the tests must leave as they found it.
machine_state() {
	for d in /usr/share/initramfs-tools /etc/initramfs-tools /boot /lib/modules; do
		if [ -e "$d" ]; then
			find "$d/" -printf '%p %y %m %s %T@ %l\n' | sort
		else
			echo "$d absent"
		fi
	done | md5sum | cut -d' ' -f1
}

# mkconf DIR [LINE...]: a CONFDIR with MODULES=list, so an image holds what
# the hooks add and nothing the host suggests; LINEs are added.
mkconf() {
	local dir=$1
	shift
	itools_conf "$dir" MODULES=list "$@"
}

# mkimg NAME CONFDIR [STAGE]: $WORK/NAME.img (scripts/distro-images.sh);
# wall and CPU seconds go to $WORK/NAME.ms, the listing to $WORK/NAME.list.
mkimg() {
	local name=$1 conf=$2 stage=${3:-} rc TIMEFORMAT='%R %U %S'
	{ time itools_image "$WORK/$name.img" "$conf" "$stage" \
		>"$LOGDIR/$name.mkinitramfs.log" 2>&1; } 2>"$WORK/$name.time" && rc=0 || rc=$?
	# wall and CPU (user + system, all processes) seconds
	awk '{ printf "%.1f %.1f\n", $1, $2 + $3 }' "$WORK/$name.time" >"$WORK/$name.ms"
	lsinitramfs "$WORK/$name.img" 2>/dev/null | sort >"$WORK/$name.list"
	return "$rc"
}

# image_checked NAME DESCRIPTION: after mkimg NAME ran (rc in $WORK/NAME.rc).
declare -A SIZE BUILD
image_checked() {
	LOG=$LOGDIR/$1.mkinitramfs.log
	check "mkinitramfs builds $2" [ "$(cat "$WORK/$1.rc")" = 0 ]
	LOG=
	SIZE[$1]=$(stat -c %s "$WORK/$1.img" 2>/dev/null || echo 0)
	BUILD[$1]=$(cat "$WORK/$1.ms")
}

# in_img NAME PATH: the image lists PATH (exactly).
in_img() { grep -qxF -- "$2" "$WORK/$1.list"; }
# img_cat NAME PATH: a file of the image (unmkinitramfs puts the main
# archive in main/ when there is an early one).
img_cat() {
	[ -d "$WORK/$1.x" ] || unmkinitramfs "$WORK/$1.img" "$WORK/$1.x" 2>/dev/null
	if [ -d "$WORK/$1.x/main" ]; then cat "$WORK/$1.x/main/$2"; else cat "$WORK/$1.x/$2"; fi
}
# said PATTERN: a line from user space (not the kernel's) matches.
said() { raw_console | grep -v '^\[' | grep -qE -- "$1"; }

# boot_howto NAME IMG [ARGS]: the howto's command line (+ ARGS).
boot_howto() {
	local n=$1 img=$2
	shift 2
	token=$n-$RANDOM-$$
	rm -f "$ROOT/out/written"
	before=$(treesum "$ROOT")
	boot "$n" -k "$KERNEL_IMAGE" -i "$img" -r "$ROOT" --cmdline \
		"root=fsRoot rw rootfstype=9p rootflags=$HOWTO_FLAGS console=ttyS0 probe.token=$token $*"
}

# The facts of tests/boot/run.sh's howto case, through initramfs-tools.
check_howto() {
	local n=$1
	check_9p_root "$n"
	check "$n: the real init is PID 1" probe_is pid 1
	check "$n: mount9p reported the msize clamp" \
		has "mount9p: note: msize 5000000 requested, kernel uses 512000 (virtio maximum)"
	# a kernel-log line: mount9p --root --kmsg
	check "$n: mount9p said where the tmpfs went" \
		grep -qE "^mount9p: mounted tmpfs on /root/tmp in [0-9]+ ms \(mode=1777,nosuid,nodev\)" <(console)
	# shellcheck disable=SC2317 # called through check
	c_fsck_noise() { ! said "fsck|file system check"; }
	check "$n: no fsck noise" c_fsck_noise
	# shellcheck disable=SC2317 # called through check
	c_warning_or_failure_from() { ! said "Warning: |Failure: |Gave up waiting"; }
	check "$n: no warning or failure from initramfs-tools" c_warning_or_failure_from
	# shellcheck disable=SC2317 # called through check
	c_guest_write_reached_host() { [ "$(cat "$ROOT/out/written" 2>/dev/null)" = "$token" ]; }
	check "$n: the guest's write reached the host" c_guest_write_reached_host
	check "$n: nothing else changed in the root directory" \
		[ "$before" = "$(treesum "$ROOT")" ]
	check "$n: mount9p --tags in the guest lists fsRoot as mounted" \
		probe_has tags 'fsRoot.*virtio[0-9]+.*mounted'
}

# qemu_tag TAG: one more 9p device for $ROOT with a tag run9p refuses (it
# is a QEMU id there too): run9p's --qemu ARG pairs, one word per line.
qemu_tag() {
	printf -- '--qemu\n%s\n' -fsdev "local,id=fsx,path=$ROOT,security_model=passthrough,multidevs=remap" \
		-device "virtio-9p-pci,fsdev=fsx,mount_tag=$1"
}

# --- lane 1: the howto's line, odd tags ------------------------------------------
lane1() {
	local QARGS
	ROOT=$WORK/root1
	scripts/mkroot-tiny.sh "$ROOT" "$STAGE/usr/sbin/mount9p"

	# The howto's line, no boot=: init-top/root9p hands over to scripts/9p.
	boot_howto howto "$WORK/it.img"
	check_howto "howto (local flow, busybox)"
	echo "  howto: Run /init to the real init: $(init_ms) ms (lanes in parallel)"

	boot_howto howto-9p "$WORK/it.img" boot=9p
	check_howto "howto + boot=9p"
	echo "  boot=9p: Run /init to the real init: $(init_ms) ms (lanes in parallel)"

	# An overlay root (#13) through the engine: the hook put overlay in.
	boot_howto overlay "$WORK/it.img" root9p.overlay=tmpfs
	check "overlay: the image has overlayfs" grep -q 'fs/overlayfs/overlay.ko' "$WORK/it.list"
	check "overlay: / is overlay on /run/root9p's layers, the lower 9p read-only" c_root_overlay_on_root9p_layers
	check "overlay: the guest wrote, the host tree is unchanged" c_guest_wrote_host_unchanged

	# /dev/root, virtme's and u-root's tag: `local` would wait 30 s for a
	# block device. QEMU takes the tag.
	mapfile -t QARGS < <(qemu_tag /dev/root)
	boot devroot -k "$KERNEL_IMAGE" -i "$WORK/it-klibc.img" -r "$ROOT" --cmdline \
		"root=/dev/root rw rootfstype=9p console=ttyS0 root9p.tmp=size=8m,mode=1777" "${QARGS[@]}"
	check "tag /dev/root (klibc): / is 9p from tag /dev/root" \
		grep -qE ' - 9p /dev/root ' <<<"$(mountinfo_of /)"
	check "tag /dev/root: no wait for a block device" hasnt "Waiting for root file system"
	check "root9p.tmp=size=8m,mode=1777: that tmpfs, nosuid,nodev kept (options add to the defaults)" \
		grep -qE ' /tmp rw,nosuid,nodev,relatime .*- tmpfs .*size=8192k' <<<"$(mountinfo_of /tmp)"
	# shellcheck disable=SC2317 # called through check
	c_rootflags_root9p_defaults_msize() { mountinfo_of / | grep "msize=512000" | grep -q "$CACHE_SHOWN"; }
	check "no rootflags: root9p's defaults (msize=512000, cache mmap)" c_rootflags_root9p_defaults_msize

	# A tag with '=' (resolve_device would take it for a KEY=VALUE spec).
	# Also quiet: mount9p's report (kernel log, info) is not shown
	# (loglevel=6 keeps the probe's lines, notice).
	mapfile -t QARGS < <(qemu_tag 'root=9p')
	boot tageq -k "$KERNEL_IMAGE" -i "$WORK/it.img" -r "$ROOT" --cmdline \
		"root=root=9p rw rootfstype=9p boot=9p console=ttyS0 quiet loglevel=6" "${QARGS[@]}"
	check "tag root=9p (boot=9p): / is 9p from tag root=9p" \
		grep -qE ' - 9p root=9p ' <<<"$(mountinfo_of /)"
	# shellcheck disable=SC2317 # called through check
	c_quiet_report_from_mount9p() { hasnt "mount9p: mounted" && [ -n "$(mountinfo_of /tmp)" ]; }
	check "quiet: no report from mount9p" c_quiet_report_from_mount9p

	# A bad rootflags without panic=: initramfs-tools' rescue shell. A root
	# mounted there by hand is taken when the shell exits.
	boot_bg rescue -k "$KERNEL_IMAGE" -i "$WORK/it.img" -r "$ROOT" -o "cache=readahead"
	if shell_open "(initramfs)" 120; then
		send 'mount9p -o trans=virtio fsRoot /root && exit'
		wait_for "@@ done yes" 60
	fi
	stop_bg 30
	# shellcheck disable=SC2317 # called through check
	c_rescue_bad_rootflags_opens() { has "mount9p: cannot use rootflags: cache=readahead" && has "(initramfs)"; }
	check "rescue: a bad rootflags opens the rescue shell" c_rescue_bad_rootflags_opens
	# shellcheck disable=SC2317 # called through check
	c_rescue_root_mounted_shell() { probe_is "done" yes && grep -q " - 9p fsRoot " <<<"$(mountinfo_of /)"; }
	check "rescue: the root mounted in the shell boots when it exits" c_rescue_root_mounted_shell
	check "rescue: mount9p took that root, and said why" \
		has "but /root is mounted already (9p from fsRoot): going on with it"

	# A tag that is not there: the tags present, within root9p.timeout.
	boot notag -k "$KERNEL_IMAGE" -i "$WORK/it.img" -r "$ROOT" --cmdline \
		"root=nosuchtag rootfstype=9p console=ttyS0 root9p.timeout=2 panic=1"
	check "missing tag: says which tags are there" \
		has 'mount9p: cannot find the root: mount tag "nosuchtag" not found after 2 s; tags present: fsRoot'
	check "missing tag: panic= reboot, QEMU ended by itself" [ "$RC" -ne 124 ]

	# /tmp on a scratch disk by LABEL= (#18): mount9p --root runs blkid9p.
	scratch_disk "$WORK/scr.disk" scr || fail "scratch: make the disk"
	mapfile -t QARGS < <(disk_args d1 "$WORK/scr.disk")
	qemu_args "${QARGS[@]}"
	boot scratch -k "$KERNEL_IMAGE" -i "$WORK/it.img" -r "$ROOT" --cmdline \
		"root=fsRoot rw rootfstype=9p console=ttyS0 root9p.tmp=LABEL=scr" "${QARGS[@]}"
	check "scratch: /tmp is the ext4 disk LABEL=scr, nosuid,nodev" \
		grep -qE ' /tmp rw,nosuid,nodev[^ ]* .*- ext4 /dev/vda ' <<<"$(mountinfo_of /tmp)"
	# shellcheck disable=SC2317 # called through check
	c_scratch_mount9p_found_said() { has "mount9p: found LABEL=scr on /dev/vda (ext4)" && probe_is tmpmode 1777; }
	check "scratch: mount9p found it and said so" c_scratch_mount9p_found_said
}

# --- lane 2: failures, cafe, boot=local, a real Debian root ----------------------
lane2() {
	ROOT=$WORK/root2
	scripts/mkroot-tiny.sh "$ROOT" "$STAGE/usr/sbin/mount9p"

	# A bad rootflags: mount9p's message, then initramfs-tools' panic (panic=1
	# reboots, so QEMU ends by itself); nothing is mounted or written.
	before=$(treesum "$ROOT")
	boot badflags -k "$KERNEL_IMAGE" -i "$WORK/it-klibc.img" -r "$ROOT" -o "cache=readahead" -a "panic=1"
	check "bad rootflags: mount9p's error" \
		has "mount9p: cannot use rootflags: cache=readahead is not a cache mode of Linux 6.1 (accepted: none, loose, fscache, mmap)"
	# shellcheck disable=SC2317 # called through check
	c_bad_rootflags_panic_says() { [ "$(console | grep -c "mount9p: cannot use rootflags: cache=readahead is not a cache mode")" -ge 2 ] && has "mount9p: try: fix rootflags="; }
	check "bad rootflags: the panic says what and what to try" c_bad_rootflags_panic_says
	# shellcheck disable=SC2317 # called through check
	c_bad_rootflags_initramfs_tools() { has "Rebooting automatically due to panic= boot argument" && [ "$RC" -ne 124 ]; }
	check "bad rootflags: initramfs-tools' panic= reboot, QEMU ended by itself" c_bad_rootflags_initramfs_tools
	# shellcheck disable=SC2317 # called through check
	c_bad_rootflags_probe_never() { [ -z "$(probe pid)" ] && hasnt "Kernel panic"; }
	check "bad rootflags: the probe never ran, no kernel panic" c_bad_rootflags_probe_never
	check "bad rootflags: the root directory is unchanged" [ "$before" = "$(treesum "$ROOT")" ]

	# A hex-looking tag: /init's parse_numeric makes ROOT=/dev/block/202:254.
	# Also ro and root9p.tmp=off, on the klibc-only image.
	before=$(treesum "$ROOT")
	rm -f "$ROOT/out/written"
	boot cafe -k "$KERNEL_IMAGE" -i "$WORK/it-klibc.img" -r "$ROOT" -t cafe --ro -a "root9p.tmp=off"
	check "tag cafe (klibc): / is 9p from tag cafe" grep -qE ' - 9p cafe ' <<<"$(mountinfo_of /)"
	check "tag cafe: ro gives a read-only root" \
		grep -qE '^[0-9]+ [0-9]+ [0-9:]+ / / ro' <<<"$(mountinfo_of /)"
	check "tag cafe: the guest could not write" probe_is write failed
	# shellcheck disable=SC2317 # called through check
	c_root9p_tmp_off_tmpfs() { [ -z "$(mountinfo_of /tmp)" ] && has "mount9p: no tmpfs on /root/tmp: root9p.tmp=off"; }
	check "root9p.tmp=off: no tmpfs on /tmp, and root9p said so" c_root9p_tmp_off_tmpfs
	check "tag cafe: the root directory is unchanged" [ "$before" = "$(treesum "$ROOT")" ]

	# An explicit boot=local is left to initramfs-tools' own flow.
	boot_howto stock-local "$WORK/it.img" boot=local
	# shellcheck disable=SC2317 # called through check
	c_boot_local_stock_flow() { probe_is "done" yes && hasnt "mount9p: mounted tmpfs" && [ -z "$(mountinfo_of /tmp)" ]; }
	check "boot=local: the stock flow mounted the root, without root9p" c_boot_local_stock_flow

	if [ "$DEBIAN" = 0 ]; then
		echo "  (Debian root skipped: --no-debian)"
	elif [ ! -x scripts/mkroot9p ]; then
		t_skip 5 "the Debian root: no scripts/mkroot9p"
	elif [ "$DEB_RC" != 0 ]; then
		LOG=$LOGDIR/mkroot9p.log
		fail "mkroot9p debian makes a Debian root"
		t_skip 4 "the Debian root's boot: no root"
	else
		# No --kernel-modules: the 9p modules come from the initramfs.
		debian_probe "$DEB"
		BOOT_TIMEOUT=400 boot debian -k "$KERNEL_IMAGE" -i "$WORK/it-klibc.img" -r "$DEB" --cmdline \
			"root=fsRoot rw rootfstype=9p rootflags=$HOWTO_FLAGS console=ttyS0"
		check "debian (klibc image): systemd reached multi-user.target" probe_is target active
		check "debian: the system is running, no unit failed" probe_is state running
		# shellcheck disable=SC2317 # called through check
		c_debian_9p_from_fsroot() { mountinfo_of / | grep -E " / rw,.* - 9p fsRoot " | grep "msize=512000" | grep -q posixacl; }
		check "debian: / is 9p from fsRoot, rw, msize=512000, posixacl" c_debian_9p_from_fsroot
		check "debian: /tmp is root9p's tmpfs" probe_has tmp '^tmpfs +rw,nosuid,nodev'
		# shellcheck disable=SC2317 # called through check
		c_debian_probe_powered_guest() { probe_is "done" yes && [ "$RC" -ne 124 ]; }
		check "debian: the probe powered the guest off" c_debian_probe_powered_guest
		echo "  debian: Run /init to systemd: $(init_ms 'systemd\[1\]: ') ms; failed units: $(probe failed)"
	fi
}

# --- install, as a distro package would ----------------------------------------
# unshare -m and the mounts in it, and QEMU's passthrough for the Debian root.
if [ "$(id -u)" != 0 ]; then
	fail "these tests run as root (private mount namespace, 9p passthrough)"
	t_done initramfs-tools
	exit 1
fi
state_before=$(machine_state)
STAGE=$WORK/stage
IT=$STAGE/usr/share/initramfs-tools
check "make install PREFIX=/usr DESTDIR=... succeeds" \
	make -s install O="$O" LIBC="$LIBC" PREFIX=/usr DESTDIR="$STAGE"
c_install_hook_conf_hook() { [ -x "$IT/hooks/root9p" ] && [ -f "$IT/conf-hooks.d/root9p" ]; }
check "install: hook and conf hook in /usr/share/initramfs-tools" c_install_hook_conf_hook
c_install_boot_scripts_scripts() { [ -f "$IT/scripts/9p" ] && [ -x "$IT/scripts/init-top/root9p" ]; }
check "install: boot scripts scripts/9p and scripts/init-top/root9p (executable)" c_install_boot_scripts_scripts
c_install_mount9p_usr_sbin() { [ -x "$STAGE/usr/sbin/mount9p" ] && ! ldd "$STAGE/usr/sbin/mount9p" >/dev/null 2>&1; }
check "install: mount9p in /usr/sbin, static" c_install_mount9p_usr_sbin
check "install: the hook looks for mount9p in PREFIX/lib/root9p" \
	grep -q 'ROOT9P_MOUNT9P:-/usr/lib/root9p/mount9p}' "$IT/hooks/root9p"
c_install_shell_syntax_scripts() { for f in "$IT/hooks/root9p" "$IT/scripts/9p" "$IT/scripts/init-top/root9p" "$IT/conf-hooks.d/root9p"; do dash -n "$f" || return 1; done; }
check "install: shell syntax of the scripts (dash -n)" c_install_shell_syntax_scripts

if ! env_text=$(scripts/fetch-kernel.sh --env bookworm); then
	fail "fetch the bookworm kernel"
	t_done initramfs-tools
	exit 1
fi
eval "$env_text"
cache_words "$KVER"

# --- images, built side by side --------------------------------------------------
mkconf "$WORK/conf"
mkconf "$WORK/conf-klibc" BUSYBOX=n
mkconf "$WORK/conf-off"
echo ROOT9P=no >"$WORK/conf-off/conf.d/root9p"
for spec in "it conf" "it-klibc conf-klibc" "it-off conf-off"; do
	# shellcheck disable=SC2086 # two words: image and conf folder
	set -- $spec
	(mkimg "$1" "$WORK/$2" "$STAGE"; echo $? >"$WORK/$1.rc") &
done
if [ "$DEBIAN" = 1 ] && [ -x scripts/mkroot9p ]; then
	DEB=$WORK/debian
	scripts/mkroot9p debian "$DEB" >"$LOGDIR/mkroot9p.log" 2>&1 &
	DEB_PID=$!
fi
# shellcheck disable=SC2046 # one job id a word
wait $(jobs -p | grep -vx "${DEB_PID:-}")
DEB_RC=

image_checked it "an image with root9p (busybox)"
check "image: mount9p in /usr/sbin" in_img it usr/sbin/mount9p
for ko in fs/9p/9p net/9p/9pnet net/9p/9pnet_virtio drivers/virtio/virtio_pci \
	fs/netfs/netfs fs/fscache/fscache; do
	check "image: ${ko##*/}.ko (the hook, or what it depends on)" \
		in_img it "usr/lib/modules/$KVER/kernel/$ko.ko"
done
c_image_scripts_9p_scripts() { in_img it scripts/9p && in_img it scripts/init-top/root9p; }
check "image: scripts/9p and scripts/init-top/root9p" c_image_scripts_9p_scripts
check "image: init-top/ORDER runs root9p" \
	grep -qxF '/scripts/init-top/root9p "$@"' <(img_cat it scripts/init-top/ORDER)
c_image_blkid9p_virtio_blk() {
	in_img it usr/sbin/blkid9p && grep -q "/virtio_blk.ko" "$WORK/it.list" &&
		grep -q "/ext4.ko" "$WORK/it.list"
}
check "image: blkid9p, virtio_blk and ext4 for scratch disks" c_image_blkid9p_virtio_blk
c_image_nothing_force_loaded() { ! img_cat it conf/modules 2>/dev/null | grep -qE "9p|virtio"; }
check "image: nothing force-loaded (no 9p in conf/modules)" c_image_nothing_force_loaded

image_checked it-klibc "an image with root9p, no busybox (klibc's tools only)"
c_image_busybox_n_busybox() { ! in_img it-klibc usr/bin/busybox && in_img it-klibc usr/sbin/mount9p; }
check "image (BUSYBOX=n): no busybox, mount9p present" c_image_busybox_n_busybox

image_checked it-off "an image with ROOT9P=no"
c_root9p_mount9p_9p_module() { ! grep -vxF conf/conf.d/root9p "$WORK/it-off.list" | grep -qE "mount9p|9p|root9p"; }
check "ROOT9P=no: no mount9p, no 9p module, no root9p boot script" c_root9p_mount9p_9p_module
c_root9p_root9p_image_has() {
	! comm -13 "$WORK/it.list" "$WORK/it-off.list" | grep -qvxF conf/conf.d/root9p &&
		! comm -23 "$WORK/it.list" "$WORK/it-off.list" |
			grep -qvE "^(usr/sbin/mount9p|usr/sbin/blkid9p|scripts/9p|scripts/virtiofs|scripts/init-top/root9p|usr/lib/modules/[^/]+/kernel(/.*)?)$"
}
check "ROOT9P=no: root9p's image has that and mount9p, modules, scripts more" c_root9p_root9p_image_has
echo "  image size: root9p ${SIZE[it]} B, ROOT9P=no ${SIZE[it-off]} B (+$((SIZE[it] - SIZE[it-off])) B);" \
	"CPU to build: $(cut -d' ' -f2 <<<"${BUILD[it]}") s and $(cut -d' ' -f2 <<<"${BUILD[it-off]}") s"

# --- boots: two lanes side by side ------------------------------------------------
[ -z "${DEB_PID:-}" ] || { wait "$DEB_PID" && DEB_RC=0 || DEB_RC=$?; }
# run_lane LANE: in the background, LANE counted from 0, ending with its
# own closing line, which t_result reads back (a lane that died without
# one is a failure).
run_lane() {
	T_PASS=0 T_FAIL=0 T_SKIP=0 T_PLAN=
	"$1"
	t_done "$1"
}
for lane in lane1 lane2; do
	run_lane "$lane" >"$WORK/$lane.out" 2>&1 &
done
wait
for lane in lane1 lane2; do
	cat "$WORK/$lane.out"
	read -r p f s <<<"$(t_result "$WORK/$lane.out")"
	T_PASS=$((T_PASS + ${p:-0})) T_FAIL=$((T_FAIL + ${f:-1})) T_SKIP=$((T_SKIP + ${s:-0}))
done

check "the machine is unchanged (/usr/share/initramfs-tools, /etc/initramfs-tools, /boot, /lib/modules)" \
	[ "$state_before" = "$(machine_state)" ]
c_mount_left_behind() { ! grep -q root9p-it /proc/mounts; }
check "no mount left behind" c_mount_left_behind
t_done initramfs-tools
