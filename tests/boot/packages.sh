#!/bin/bash
# tests/boot/packages.sh - the Debian packages as a distro builder and a
# guest's owner use them: build (twice: same bytes), lintian, contents and
# maintainer scripts; then real Debian guests with their own kernel
# (mkroot9p debian --include linux-image-amd64) get the packages with apt
# inside the root, their trigger regenerates the guest's initramfs, and the
# guest boots from its own /boot/vmlinuz-KVER and /boot/initrd.img-KVER over
# 9p with the howto's command line to multi-user.target.
#
#   tests/boot/packages.sh [--only build|bookworm|trixie|dracut]... [--debs DIR]
#
#   --debs DIR  the packages live in DIR (src-a/, src-b/) instead of the
#             work dir: built there when the build part is among the parts
#             (no --only, or --only build), else taken from there. make
#             check builds once and boots the parts in both lanes with it.
#
#   bookworm  initramfs-tools: boot 1 the image apt's trigger made; boot 2
#             root9p's own initrd (mkinitrd9p run in the root), in which the
#             guest runs update-initramfs -u itself with MODULES=dep; boot 3
#             that image; then root9p-initramfs-tools purged (chrooted):
#             the image is made again without root9p, no file is left
#   trixie    Debian 13 (6.12, merged /usr, .ko.xz, virtio built in): a
#             boot from apt's image, then the purge
#   dracut    dracut + root9p-dracut installed in the root (Debian's trigger
#             runs dracut), boot to multi-user.target from the systemd initrd,
#             where dracut --hostonly --list-modules takes root9p by itself;
#             then root9p-dracut purged (chrooted): image made again without
#
# Roots with a kernel are cached by mkroot9p (ROOT9P_CACHE/roots); the dracut
# one (apt-get install dracut in the bookworm root) as
# roots/bookworm-dracut-kernel.tar.zst (flock, temp file + rename).
# Ends with "packages: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/boot/lib.sh
CACHE=${ROOT9P_CACHE:-${HOME:-/root}/.cache/root9p}
BOOT_TIMEOUT=${PKG_BOOT_TIMEOUT:-900}
ONLY=()
DEBS=
while [ $# -gt 0 ]; do
	case $1 in
	--only) ONLY+=("$2"); shift 2 ;;
	--debs) DEBS=$2; shift 2 ;;
	*) echo "usage: $0 [--only build|bookworm|trixie|dracut]... [--debs DIR]" >&2; exit 2 ;;
	esac
done
want() {
	[ ${#ONLY[@]} -eq 0 ] && return 0
	local o
	for o in "${ONLY[@]}"; do [ "$o" = "$1" ] && return 0; done
	return 1
}

t_workdir packages "package tests" 'src-*' 'root-*'
T_CLEAN_PASSED=('*.deb')
# BUILD: whether this run builds the packages (without --debs it always
# does: every part needs them); SRC: where src-a/ and src-b/ are.
BUILD=1
if [ -n "$DEBS" ]; then
	want build || BUILD=0
	case $DEBS in /*) ;; *) DEBS=$PWD/$DEBS ;; esac
fi
SRC=${DEBS:-$WORK}

# part_checks PART: how many checks a part reports: the build 15 (3
# packages); an initramfs-tools root installed_checks 4, checks_up 5, 1,
# after_purge 7 (list_diff's 2 among them), and on bookworm the init9p
# boot 10 and the guest's own image 6; the dracut root 18.
part_checks() {
	case $1 in
	build) echo 15 ;;
	bookworm) echo $((4 + 5 + 1 + 10 + 6 + 7)) ;;
	trixie) echo $((4 + 5 + 1 + 7)) ;;
	dracut) echo $((4 + 5 + 1 + 2 + 6)) ;;
	esac
}
plan=0
[ "$BUILD" = 0 ] || plan=$(part_checks build)
for p in bookworm trixie dracut; do
	! want "$p" || plan=$((plan + $(part_checks "$p")))
done
t_plan "$plan"

# Times of each part, printed at the end.
declare -a TIMES
timed_start() { T0=$(date +%s); }
timed_end() { TIMES+=("$1: $(($(date +%s) - T0)) s"); }

# --- build ------------------------------------------------------------------

# build_pkgs DIR: the working tree's files (tracked and new, not ignored)
# copied to DIR/root9p, dpkg-buildpackage -b there; the .debs in DIR.
build_pkgs() {
	local d=$1
	mkdir -p "$d/root9p"
	git ls-files -co --exclude-standard -z | tar --null -cf - -T - | tar -xf - -C "$d/root9p"
	(cd "$d/root9p" && SOURCE_DATE_EPOCH=$EPOCH dpkg-buildpackage -us -uc -b) \
		>"$LOGDIR/build-${d##*/}.log" 2>&1
}

PKGS=(root9p root9p-initramfs-tools root9p-dracut)
VERSION=$(dpkg-parsechangelog -S Version)
EPOCH=$(dpkg-parsechangelog -S Timestamp)
ARCH=$(dpkg --print-architecture)
deb_of() {
	case $1 in
	root9p) echo "$SRC/src-a/root9p_${VERSION}_$ARCH.deb" ;;
	*) echo "$SRC/src-a/$1_${VERSION}_all.deb" ;;
	esac
}

# members DEB: the package's paths without folders, sorted.
members() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' | sort; }

expected_members() {
	case $1 in
	root9p) printf '%s\n' /usr/bin/mkinitrd9p /usr/bin/mkroot9p /usr/bin/run9p \
		/usr/lib/root9p/blkid9p /usr/lib/root9p/init9p /usr/lib/root9p/mkroot9p-convert \
		/usr/lib/root9p/mount9p /usr/lib/root9p/payload9p /usr/lib/root9p/run9p-loop /usr/lib/root9p/run9p-fstests \
		/usr/sbin/mount9p /usr/share/doc/root9p/changelog.gz /usr/share/doc/root9p/copyright \
		/usr/share/lintian/overrides/root9p /usr/share/man/man1/run9p.1.gz \
		/usr/share/root9p/root9p-loop.config \
		/usr/share/man/man7/root9p.7.gz /usr/share/man/man8/init9p.8.gz \
		/usr/share/man/man8/mkinitrd9p.8.gz /usr/share/man/man8/mkroot9p.8.gz \
		/usr/share/man/man8/mount9p.8.gz
		# run9p's library, file for file as the source tree has it
		for f in scripts/run9p.d/*.sh; do echo "/usr/lib/root9p/run9p.d/${f##*/}"; done ;;
	root9p-initramfs-tools) printf '%s\n' /usr/share/doc/root9p-initramfs-tools/changelog.gz \
		/usr/share/doc/root9p-initramfs-tools/copyright \
		/usr/share/initramfs-tools/conf-hooks.d/root9p /usr/share/initramfs-tools/hooks/root9p \
		/usr/share/initramfs-tools/scripts/9p /usr/share/initramfs-tools/scripts/virtiofs \
		/usr/share/initramfs-tools/scripts/init-top/root9p ;;
	root9p-dracut) printf '%s\n' /usr/lib/dracut/dracut.conf.d/50-root9p.conf \
		/usr/lib/dracut/modules.d/90root9p/module-setup.sh \
		/usr/lib/dracut/modules.d/90root9p/mount-root9p.sh \
		/usr/lib/dracut/modules.d/90root9p/mount.9p.sh \
		/usr/lib/dracut/modules.d/90root9p/parse-root9p.sh \
		/usr/lib/dracut/modules.d/90root9p/premount-root9p.sh \
		/usr/lib/dracut/modules.d/90root9p/root9p-generator.sh \
		/usr/share/doc/root9p-dracut/changelog.gz /usr/share/doc/root9p-dracut/copyright ;;
	esac | sort
}

# ctl DEB: the names of its control members (maintainer scripts, triggers).
ctl() { dpkg-deb --ctrl-tarfile "$1" | tar -t | sed 's|^\./||; /^$/d' | sort | paste -sd' ' -; }

part_build() {
	timed_start
	echo "build: dpkg-buildpackage twice (SOURCE_DATE_EPOCH=$EPOCH)"
	# a --debs folder may hold an older build: start from nothing
	rm -rf --one-file-system "$SRC/src-a" "$SRC/src-b"
	build_pkgs "$SRC/src-a" && rc_a=0 || rc_a=$?
	build_pkgs "$SRC/src-b" && rc_b=0 || rc_b=$?
	LOG=$LOGDIR/build-src-a.log
	check "dpkg-buildpackage -us -uc -b builds (twice, two folders)" [ "$rc_a$rc_b" = 00 ]
	LOG=
	local p same=1
	for p in "${PKGS[@]}" root9p-dbgsym; do
		local a b
		case $p in root9p | root9p-dbgsym) a=$SRC/src-a/${p}_${VERSION}_$ARCH.deb ;; *) a=$SRC/src-a/${p}_${VERSION}_all.deb ;; esac
		b=$SRC/src-b/${a##*/}
		cmp -s "$a" "$b" || { same=0; echo "  differs: ${a##*/}"; }
	done
	check "reproducible: the same .deb bytes from both builds (dbgsym too)" [ "$same" = 1 ]
	for p in "${PKGS[@]}"; do
		echo "  size: $(stat -c %s "$(deb_of "$p")") bytes ${p}_$VERSION.deb," \
			"installed $(dpkg-deb -f "$(deb_of "$p")" Installed-Size) KiB"
	done

	lintian --pedantic -I "$SRC/src-a/root9p_${VERSION}_$ARCH.changes" >"$LOGDIR/lintian.log" 2>&1
	sed 's/^/  lintian: /' "$LOGDIR/lintian.log" | grep -v 'running with root privileges'
	c_lintian_error_or_warning() { ! grep -qE "^[EW]: " "$LOGDIR/lintian.log"; }
	check "lintian: no error or warning (overrides carry their reason)" c_lintian_error_or_warning

	for p in "${PKGS[@]}"; do
		check "$p: contents as expected (dpkg -c)" \
			diff -u <(expected_members "$p") <(members "$(deb_of "$p")")
	done
	check "root9p: no maintainer scripts (control md5sums only)" \
		[ "$(ctl "$(deb_of root9p)")" = "control md5sums" ]
	check "root9p-initramfs-tools: only a trigger, no maintainer scripts" \
		[ "$(ctl "$(deb_of root9p-initramfs-tools)")" = "control md5sums triggers" ]
	check "root9p-dracut: only a trigger, no maintainer scripts" \
		[ "$(ctl "$(deb_of root9p-dracut)")" = "control md5sums triggers" ]
	for p in root9p-initramfs-tools root9p-dracut; do
		c_activate_noawait_update_initramfs() { dpkg-deb --ctrl-tarfile "$(deb_of "$p")" | tar -xOf - ./triggers | grep -qx "activate-noawait update-initramfs"; }
		check "$p: activate-noawait update-initramfs (install and removal)" c_activate_noawait_update_initramfs
	done
	c_root9p_initramfs_tools_depends() { dpkg-deb -f "$(deb_of root9p-initramfs-tools)" Depends | grep -q "initramfs-tools, root9p (>= $VERSION)"; }
	check "root9p-initramfs-tools: Depends initramfs-tools and root9p" c_root9p_initramfs_tools_depends
	c_root9p_dracut_depends_dracut() { dpkg-deb -f "$(deb_of root9p-dracut)" Depends | grep -q "dracut-core, root9p (>= $VERSION)"; }
	check "root9p-dracut: Depends dracut-core and root9p" c_root9p_dracut_depends_dracut
	c_root9p_depends_libraries_mkinitrd9p() { dpkg-deb -f "$(deb_of root9p)" Depends | grep -q libkmod2; }
	check "root9p: Depends on the libraries mkinitrd9p links (libkmod2)" c_root9p_depends_libraries_mkinitrd9p
	c_hook_copies_packaged_mount9p() { dpkg-deb --fsys-tarfile "$(deb_of root9p-initramfs-tools)" | tar -xOf - ./usr/share/initramfs-tools/hooks/root9p | grep -q "ROOT9P_MOUNT9P:-/usr/lib/root9p/mount9p}"; }
	check "the hook copies the packaged mount9p (/usr/lib/root9p/mount9p)" c_hook_copies_packaged_mount9p
	timed_end "build + lintian"
}

# --- roots and chroot --------------------------------------------------------

# in_root ROOT CMD...: run CMD chrooted in ROOT, in a private mount namespace
# with /proc, /sys, /dev and the host's resolv.conf (for apt-get update),
# as a guest's owner would with a rescue system: nothing stays mounted.
in_root() {
	local r=$1
	shift
	unshare -m --propagation private bash -c '
		r=$1; shift
		mount -t proc proc "$r/proc" && mount -t sysfs sys "$r/sys" &&
		mount --rbind /dev "$r/dev" || exit 97
		# for apt-get update: the host resolv.conf over the root one
		if [ -n "${R9P_NET:-}" ] && [ -f "$r/etc/resolv.conf" ] && [ ! -L "$r/etc/resolv.conf" ]; then
			mount --bind /etc/resolv.conf "$r/etc/resolv.conf" || exit 97
		fi
		exec chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
			DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"' in_root "$r" "$@"
}

# kver ROOT: the one kernel installed in ROOT.
kver() { find "$1/boot/" -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sed -n 's/^vmlinuz-//p' | sort -V | tail -n 1; }

# flist ROOT: names and types in ROOT, without what a boot or apt changes
# by itself (logs, caches, dpkg's and apt's own state, systemd's state,
# the guest checks' own files).
flist() {
	(cd "$1" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run \
		-o -path ./tmp -o -path ./var/tmp -o -path ./var/log -o -path ./var/cache \
		-o -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./var/lib/systemd \
		-o -path ./var/lib/private -o -path ./var/lib/initramfs-tools \
		-o -path ./etc/.updated -o -path ./var/.updated \) -prune -o \
		-printf '%y %p\n' | sort)
}

# debian_root NAME SUITE: $WORK/root-NAME from mkroot9p's cache, kernel in.
debian_root() {
	local r=$WORK/root-$1
	scripts/mkroot9p debian "$r" --suite "$2" --include linux-image-amd64 \
		>"$LOGDIR/mkroot9p-$1.log" 2>&1 || return 1
	ROOT=$r
	KV=$(kver "$r")
	[ -n "$KV" ]
}

# dracut_root: $WORK/root-dracut: the bookworm root with dracut instead of
# initramfs-tools (apt-get in the root), cached as a tarball.
dracut_root() {
	local tar=$CACHE/roots/bookworm-dracut-kernel.tar.zst r=$WORK/root-dracut tmp
	mkdir -p "$CACHE/roots"
	(
		flock 9
		if [ ! -s "$tar" ]; then
			debian_root dracut-build bookworm || exit 1
			R9P_NET=1 in_root "$ROOT" sh -c 'apt-get -q update && apt-get -q -y install dracut &&
				rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb' \
				>"$LOGDIR/dracut-root.log" 2>&1 || exit 1
			tmp=$(mktemp "$tar.XXXXXX")
			tar --numeric-owner --xattrs --xattrs-include='*' -C "$ROOT" -cf - . |
				zstd -q -T0 -3 -o "$tmp" -f && mv -f "$tmp" "$tar" || { rm -f "$tmp"; exit 1; }
			rm -rf --one-file-system "$ROOT"
		fi
	) 9>"$CACHE/roots/.lock-bookworm-dracut-kernel" || return 1
	mkdir -p "$r"
	zstd -q -dc "$tar" | tar --numeric-owner --xattrs --xattrs-include='*' -C "$r" -xf - || return 1
	ROOT=$r
	KV=$(kver "$r")
	[ -n "$KV" ]
}

# put_debs ROOT PKG...: the .debs into ROOT/var/tmp/debs.
put_debs() {
	local r=$1 p
	shift
	mkdir -p "$r/var/tmp/debs"
	for p in "$@"; do cp "$(deb_of "$p")" "$r/var/tmp/debs/"; done
}

# --- the guest's side ----------------------------------------------------------

# guest_setup ROOT: /usr/local/sbin/guestcheck, run once multi-user.target
# is reached; what it does comes from /var/tmp/gc/mode (boot, regen, hostonly),
# what it saw goes to /var/tmp/gc/ and, as "@@" lines, to the kernel log.
guest_setup() {
	local r=$1
	mkdir -p "$r/usr/local/sbin" "$r/etc/systemd/system/multi-user.target.wants" "$r/var/tmp/gc"
	cat >"$r/usr/local/sbin/guestcheck" <<'EOF'
#!/bin/sh
say() { echo "<5>@@ $*" >/dev/kmsg; }
gc=/var/tmp/gc
mode=$(cat $gc/mode)
say state "$(systemctl is-system-running --wait)"
say target "$(systemctl is-active multi-user.target)"
say failed "$(systemctl --failed --plain --no-legend | tr '\n' ' ')"
say analyze "$(systemd-analyze 2>/dev/null | head -n 1)"
say root "$(findmnt -no SOURCE,FSTYPE,OPTIONS /)"
say tmp "$(findmnt -no FSTYPE,OPTIONS /tmp)"
# block devices other than the kernel's loop and ram ones (QEMU's default
# pc machine adds an empty CD-ROM, sr0, and floppy drive, fd0)
say blockdevs "$(ls /sys/class/block | grep -vE '^(loop|ram|zram)[0-9]' | tr '\n' ' ')"
# mkroot9p's network: networkd started by udev when QEMU's default NIC
# appears, after the boot; wait (bounded) for its DHCP lease.
n=0
until [ -n "$(ls /run/systemd/netif/leases 2>/dev/null)" ] || [ $n -ge 90 ]; do sleep 1; n=$((n + 1)); done
say networkd "$(systemctl is-active systemd-networkd) leases=$(ls /run/systemd/netif/leases 2>/dev/null | wc -l) waited=$n"
case $mode in
regen)
	# the test's own setting, taken away again below
	echo MODULES=dep >/etc/initramfs-tools/conf.d/root9p-test
	update-initramfs -u >$gc/regen.log 2>&1
	echo $? >$gc/regen.rc
	rm -f /etc/initramfs-tools/conf.d/root9p-test
	say regen "$(cat $gc/regen.rc)"
	;;
hostonly)
	# dracut's hostonly mode on a 9p root: module-setup's check() sees 9p
	# in host_fs_types and takes root9p by itself. --list-modules runs the
	# checks without making an image (a whole hostonly image overran the
	# boot's 900 s under TCG).
	dracut --hostonly --list-modules --kver "$(uname -r)" >$gc/hostonly.log 2>&1
	echo $? >$gc/hostonly.rc
	say hostonly "$(cat $gc/hostonly.rc)"
	;;
esac
say done yes
sync
systemctl poweroff --no-block
EOF
	chmod 0755 "$r/usr/local/sbin/guestcheck"
	cat >"$r/etc/systemd/system/guestcheck.service" <<'EOF'
[Unit]
Description=root9p package test: what the guest saw, then power off
After=multi-user.target

[Service]
Type=simple
ExecStart=/usr/local/sbin/guestcheck

[Install]
WantedBy=multi-user.target
EOF
	ln -sf /etc/systemd/system/guestcheck.service \
		"$r/etc/systemd/system/multi-user.target.wants/guestcheck.service"
	# no login prompt sharing ttyS0 with the "@@" lines
	ln -sf /dev/null "$r/etc/systemd/system/serial-getty@ttyS0.service"
}

# guest_boot NAME MODE INITRD: boot ROOT's kernel with INITRD and the
# howto's command line; the guest check does MODE.
guest_boot() {
	local n=$1 mode=$2 img=$3 t0
	echo "$mode" >"$ROOT/var/tmp/gc/mode"
	rm -f "$ROOT"/var/tmp/gc/*.rc
	t0=$(date +%s)
	boot "$n" -m 1G -k "$ROOT/boot/vmlinuz-$KV" -i "$img" -r "$ROOT" --cmdline \
		"root=fsRoot rw rootfstype=9p rootflags=$HOWTO_FLAGS console=ttyS0"
	echo "  $n: QEMU ran $(($(date +%s) - t0)) s (rc $RC); guest: $(probe analyze)"
}

# checks_up NAME: what every boot must show.
checks_up() {
	c_multi_user_target_reached() { probe_is target active && probe_is state running; }
	check "$1: multi-user.target reached, nothing failed" c_multi_user_target_reached
	c_9p_from_fsroot_rw() { probe root | grep -qE "^fsRoot +9p +rw,.*msize=512000"; }
	check "$1: / is 9p from fsRoot, rw, msize=512000 (the howto's line)" c_9p_from_fsroot_rw
	c_disk_guest_sys_class() { ! probe blockdevs | tr " " "\n" | grep -vE "^(sr|fd)[0-9]+\$" | grep -q .; }
	check "$1: no disk in the guest (/sys/class/block: loop, ram, QEMU's empty sr0/fd0)" c_disk_guest_sys_class
	c_guest_powered_itself_off() { probe_is "done" yes && [ "$RC" -ne 124 ]; }
	check "$1: the guest powered itself off" c_guest_powered_itself_off
	check "$1: systemd-networkd ran and got a DHCP lease on QEMU's NIC" probe_has networkd '^active leases=1 '
}

# img_list IMG: the image's paths (lsinitramfs), sorted.
img_list() { lsinitramfs "$1" 2>/dev/null | sort; }
img_has() { img_list "$1" | grep -qE -- "$2"; }

# installs ROOT PKG...: apt-get install ./PKG.deb... in ROOT; log in
# $LOGDIR/NAME-install.log.
installs() {
	local r=$1 name=$2
	shift 2
	put_debs "$r" "$@"
	local args=() p
	for p in "$@"; do args+=("./var/tmp/debs/$(basename "$(deb_of "$p")")"); done
	in_root "$r" sh -c 'cd / && apt-get -q -y install "$@"' sh "${args[@]}" \
		>"$LOGDIR/$name-install.log" 2>&1
}

# list_diff NAME: the file list now against the one before install, without
# the paths of the root9p package (installed with the integration and kept).
list_diff() {
	local n=$1
	rm -rf "$ROOT/var/tmp/debs"
	flist "$ROOT" >"$WORK/$n.after"
	in_root "$ROOT" dpkg -L root9p | sed 's|^|.|' >"$WORK/$n.root9p"
	diff <(awk 'NR == FNR { own[$0] = 1; next } !($2 in own)' "$WORK/$n.root9p" "$WORK/$n.before") \
		<(awk 'NR == FNR { own[$0] = 1; next } !($2 in own)' "$WORK/$n.root9p" "$WORK/$n.after") \
		>"$WORK/$n.diff"
	echo "  $n: file-list diff before install / after purge, root9p's own $(wc -l <"$WORK/$n.root9p") paths aside ($(wc -l <"$WORK/$n.diff") lines):"
	sed 's/^/    /' "$WORK/$n.diff"
	check "$n: the file list after purge is the one before install (root9p's paths aside)" [ ! -s "$WORK/$n.diff" ]
	# new paths (not there before, not root9p's) that name root9p
	awk 'FILENAME != ARGV[3] { if (FILENAME == ARGV[1]) own[$0] = 1; else own[$2] = 1; next }
		!($2 in own) && tolower($2) ~ /root9p/' \
		"$WORK/$n.root9p" "$WORK/$n.before" "$WORK/$n.after" >"$WORK/$n.named"
	check "$n: ... and no other path of the root names root9p" [ ! -s "$WORK/$n.named" ]
}

# after_purge NAME PKG: the checks once PKG was purged (in the root).
after_purge() {
	local n=$1 pkg=$2 img=$ROOT/boot/initrd.img-$KV
	c_apt_get_purge_root() { [ "$(cat "$ROOT/var/tmp/gc/purge.rc" 2>/dev/null)" = 0 ]; }
	check "$n: apt-get purge $pkg in the root worked" c_apt_get_purge_root
	check "$n: its trigger made the image again (update-initramfs)" \
		grep -q "update-initramfs: Generating /boot/initrd.img-$KV" "$ROOT/var/tmp/gc/purge.log"
	c_new_image_holds_root9p() { ! img_has "$img" "(scripts/9p|bin/mount9p|init-top/root9p)\$"; }
	check "$n: the new image holds no root9p (no scripts/9p, mount9p, init-top/root9p)" c_new_image_holds_root9p
	# purged: unknown or "pn" (not "rc": config files left)
	c_dpkg_has_purged_config() { [[ "$(in_root "$ROOT" dpkg-query -W -f "\${db:Status-Abbrev}" "$pkg" 2>/dev/null)" =~ ^(|[pu]n.*)$ ]]; }
	check "$n: dpkg has $pkg as purged (no config files left)" c_dpkg_has_purged_config
	c_dpkg_finds_file() { ! in_root "$ROOT" dpkg -S /usr/share/initramfs-tools/hooks/root9p /usr/share/initramfs-tools/scripts/9p >/dev/null 2>&1; }
	check "$n: dpkg -S finds no file of it" c_dpkg_finds_file
	list_diff "$n"
}

# installed_checks NAME: after apt-get install of root9p + root9p-initramfs-tools.
installed_checks() {
	local n=$1 img=$ROOT/boot/initrd.img-$KV
	LOG=$LOGDIR/$n-install.log
	check "$n: apt-get install ./root9p*.deb in the root" [ "$rc" = 0 ]
	check "$n: the trigger ran update-initramfs" \
		grep -q "update-initramfs: Generating /boot/initrd.img-$KV" "$LOG"
	LOG=
	c_guest_image_holds_mount9p() { img_has "$img" "usr/sbin/mount9p\$" && img_has "$img" "^scripts/9p\$" && img_has "$img" "scripts/init-top/root9p\$"; }
	check "$n: the guest's image holds mount9p, scripts/9p, init-top/root9p" c_guest_image_holds_mount9p
	c_9p_modules_9p_9pnet() { img_has "$img" "/9p\.ko(\.[a-z]+)?\$" && img_has "$img" "/9pnet_virtio\.ko(\.[a-z]+)?\$"; }
	check "$n: ... and the 9p modules (9p, 9pnet_virtio)" c_9p_modules_9p_9pnet
}

# after_purge_dracut: root9p-dracut purged; its trigger ran dracut.
after_purge_dracut() {
	local n=dracut img=$ROOT/boot/initrd.img-$KV
	LOG=$LOGDIR/$n-purge.log
	check "$n: apt-get purge root9p-dracut worked" [ "$rc" = 0 ]
	check "$n: its trigger made the image again" grep -q "dracut: Generating /boot/initrd.img-$KV" "$LOG"
	LOG=
	c_new_image_holds_root9p_2() { ! img_has "$img" "root9p"; }
	check "$n: the new image holds no root9p module" c_new_image_holds_root9p_2
	c_dpkg_finds_file_2() { ! in_root "$ROOT" dpkg -S /usr/lib/dracut/modules.d/90root9p /usr/lib/dracut/dracut.conf.d/50-root9p.conf >/dev/null 2>&1; }
	check "$n: dpkg -S finds no file of it" c_dpkg_finds_file_2
	list_diff "$n"
}

# --- Debian 12 and 13 with initramfs-tools ---------------------------------------

part_itools() {
	local n=$1 suite=$2 img
	timed_start
	echo "$n: Debian $suite root with linux-image-amd64 (mkroot9p, cached)"
	if ! debian_root "$n" "$suite"; then
		LOG=$LOGDIR/mkroot9p-$n.log fail "$n: mkroot9p debian --suite $suite --include linux-image-amd64"
		t_skip $(($(part_checks "$n") - 1)) "$n: no root"
		return
	fi
	guest_setup "$ROOT"
	flist "$ROOT" >"$WORK/$n.before"
	img=$ROOT/boot/initrd.img-$KV
	installs "$ROOT" "$n" root9p root9p-initramfs-tools && rc=0 || rc=$?
	installed_checks "$n"
	echo "  $n: Linux $KV, image $(stat -c %s "$img") bytes"

	guest_boot "$n-apt" boot "$img"
	checks_up "$n (image from apt's trigger)"
	check "$n: initramfs-tools' image mounted the root with mount9p" \
		has "mount9p: mounted fsRoot on /root"

	if [ "$n" = bookworm ]; then
		# root9p's own initrd, made in the root by the package's mkinitrd9p
		in_root "$ROOT" mkinitrd9p -k "$KV" -o /var/tmp/gc/initrd9p.img >"$LOGDIR/$n-mkinitrd9p.log" 2>&1
		check "$n: the packaged mkinitrd9p makes root9p's own image in the root" \
			[ -s "$ROOT/var/tmp/gc/initrd9p.img" ]
		guest_boot "$n-init9p" regen "$ROOT/var/tmp/gc/initrd9p.img"
		checks_up "$n (init9p)"
		check "$n (init9p): init9p mounted the root" has "init9p: mounted fsRoot on /root"
		LOG=$ROOT/var/tmp/gc/regen.log
		c_init9p_update_initramfs_u() { [ "$(cat "$ROOT/var/tmp/gc/regen.rc" 2>/dev/null)" = 0 ]; }
		check "$n (init9p): update-initramfs -u with MODULES=dep works in the 9p guest" c_init9p_update_initramfs_u
		check "$n (init9p): the conf-hook said why MODULES=dep became list" \
			grep -q "I: root9p: / is a 9p mount" "$LOG"
		LOG=
		c_init9p_new_image_has() { img_has "$img" "/9pnet_virtio\.ko" && img_has "$img" "^scripts/9p\$" && img_has "$img" "usr/sbin/mount9p\$"; }
		check "$n (init9p): the new image has the 9p modules, scripts/9p and mount9p" c_init9p_new_image_has
		echo "  $n: image made in the guest with MODULES=dep: $(stat -c %s "$img") bytes"
		rm -f "$ROOT/var/tmp/gc/initrd9p.img"
	fi

	if [ "$n" = bookworm ]; then
		guest_boot "$n-again" boot "$img"
		checks_up "$n (image made in the guest)"
		check "$n (image made in the guest): mounted by mount9p" has "mount9p: mounted fsRoot on /root"
	fi
	# Removal chrooted, as apt in the guest would do it: a MODULES=most
	# image made under TCG takes longer than CI's budget (the guest-side
	# regeneration is the init9p boot's update-initramfs above).
	in_root "$ROOT" apt-get -q -y purge root9p-initramfs-tools >"$LOGDIR/$n-purge.log" 2>&1
	echo $? >"$ROOT/var/tmp/gc/purge.rc"
	cp "$LOGDIR/$n-purge.log" "$ROOT/var/tmp/gc/purge.log"
	after_purge "$n" root9p-initramfs-tools
	timed_end "$n"
}

# --- Debian 12 with dracut -----------------------------------------------------

part_dracut() {
	local n=dracut img
	timed_start
	echo "dracut: Debian bookworm root with linux-image-amd64 and dracut (cached)"
	if ! dracut_root; then
		LOG=$LOGDIR/dracut-root.log fail "dracut: a root with dracut in place of initramfs-tools"
		t_skip $(($(part_checks dracut) - 1)) "dracut: no root"
		return
	fi
	guest_setup "$ROOT"
	flist "$ROOT" >"$WORK/$n.before"
	img=$ROOT/boot/initrd.img-$KV
	installs "$ROOT" "$n" root9p root9p-dracut && rc=0 || rc=$?
	LOG=$LOGDIR/$n-install.log
	check "dracut: apt-get install ./root9p*.deb in the root" [ "$rc" = 0 ]
	check "dracut: Debian's dracut trigger made the image again" grep -q "dracut: Generating /boot/initrd.img-$KV" "$LOG"
	LOG=
	c_dracut_image_holds_root9p() { img_has "$img" "mount9p\$" && img_has "$img" "root9p-generator"; }
	check "dracut: the image holds root9p's module and mount9p" c_dracut_image_holds_root9p
	check "dracut: a systemd initrd" img_has "$img" "usr/lib/systemd/systemd\$"
	echo "  dracut: Linux $KV, image $(stat -c %s "$img") bytes"
	guest_boot "$n" hostonly "$img"
	checks_up "dracut (systemd initrd)"
	check "dracut: mount9p mounted the root" has "mount9p: mounted fsRoot on /sysroot"
	LOG=$ROOT/var/tmp/gc/hostonly.log
	c_dracut_dracut_hostonly_list() { [ "$(cat "$ROOT/var/tmp/gc/hostonly.rc" 2>/dev/null)" = 0 ]; }
	check "dracut: dracut --hostonly --list-modules in the 9p guest works" c_dracut_dracut_hostonly_list
	check "dracut: ... and takes root9p by itself (9p in host_fs_types)" \
		grep -qx root9p "$ROOT/var/tmp/gc/hostonly.log"
	LOG=

	# removal (chrooted, as apt in the guest would): the trigger runs dracut
	in_root "$ROOT" apt-get -q -y purge root9p-dracut >"$LOGDIR/$n-purge.log" 2>&1 && rc=0 || rc=$?
	cp "$LOGDIR/$n-purge.log" "$ROOT/var/tmp/gc/purge.log"
	echo "$rc" >"$ROOT/var/tmp/gc/purge.rc"
	after_purge_dracut
	timed_end dracut
}

# the packages are built for every part, or taken from --debs DIR
if [ "$BUILD" = 1 ]; then
	part_build
else
	for p in "${PKGS[@]}"; do
		[ -s "$(deb_of "$p")" ] && continue
		echo "packages: no $(deb_of "$p")" >&2
		echo "packages: try: $0 --only build --debs $DEBS first" >&2
		fail "the packages built in $DEBS"
		t_skip $((plan - 1)) "no packages to install"
		t_done packages
		exit 1
	done
fi
want bookworm && part_itools bookworm bookworm
want trixie && part_itools trixie trixie
want dracut && part_dracut
printf '  time: %s\n' "${TIMES[@]}"
t_done packages
