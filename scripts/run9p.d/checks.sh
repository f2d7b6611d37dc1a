# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# scripts/run9p.d/checks.sh - run9p's refusals: each input checked before
# anything starts (tags, files, folders, command-line text, the user
# QEMU runs as, the accelerator), with a message that names it.
# Sourced by scripts/run9p with the rest of run9p.d: the globals it
# reads and sets (QEMU among them, from the environment) are
# run9p_defaults' (args.sh), which shellcheck cannot see from here.
# shellcheck disable=SC2154,SC2034,SC2153

# A mount tag doubles as a QEMU id and an option value: keep it to what both take.
check_tag() {
	local tag=$1 LC_ALL=C
	is_print_ascii "$tag" ||
		die_try "use tag $(printf %q "$tag"): it holds a byte outside printable ASCII" "a tag of letters, digits, '.', '_' and '-'"
	if [ ${#tag} -gt "$TAG_MAX" ]; then
		die "tag '$tag' is ${#tag} bytes; QEMU takes at most $TAG_MAX"
	fi
	case $tag in
	*,*) die "tag '$tag' has a comma: QEMU splits -device options on commas, so mount_tag= would end there (and the kernel's root= would not match)" ;;
	[A-Za-z]*) ;;
	*) die "tag '$tag' must start with a letter (QEMU uses it as a device id)" ;;
	esac
	case $tag in
	*[!A-Za-z0-9._-]*) die "tag '$tag' may only hold letters, digits, '.', '_' and '-' (QEMU device id rules; spaces would also split the kernel command line)" ;;
	esac
}

check_file() {
	[ -e "$2" ] || die "$1 '$2' does not exist"
	[ -f "$2" ] || die "$1 '$2' is not a regular file"
	[ -r "$2" ] || die "$1 '$2' is not readable"
}

# check_dir WHAT DIR [ALLOW]: ALLOW (default --allow-host-root's) lets DIR be /.
check_dir() {
	[ -e "$2" ] || die "$1 '$2' does not exist"
	[ -d "$2" ] || die "$1 '$2' is not a directory"
	# The whole host as a guest's root (or share) only when asked for.
	real_dir "$2" || REAL_OUT=""
	if [ "$REAL_OUT" = / ] && [ "${3:-$allow_host_root}" = 0 ]; then
		die "$1 '$2' is the host's / : the guest would get the whole host filesystem; give --allow-host-root if that is really meant"
	fi
}

# check_cmdline_text WHAT TEXT: nothing that changes how the kernel splits
# its command line (lib/cmdline.c next_arg: spaces split, double quotes
# group): no control bytes (a newline, tab, ESC ...) and no unpaired quote.
check_cmdline_text() {
	local quotes
	is_print_ascii "$2" ||
		die_try "put $1 $(printf %q "$2") on the kernel command line: it holds a byte outside printable ASCII (a control character such as a newline or tab, or 0xa0, which the kernel splits on as on a space)" "$1 in printable ASCII only (bytes 0x20-0x7e)"
	quotes=${2//[!\"]/}
	[ $((${#quotes} % 2)) = 0 ] ||
		die "$1 has an unpaired double quote: the kernel would take the rest of the command line into that argument"
}

# runas_check FROM: $runas (UID:GID) is an ordinary user and group, in
# plain decimal ("00" is root too, to QEMU). Group 0 would leave QEMU the
# rights of root's group (files and devices of group root). FROM says
# where it came from.
runas_check() {
	local u=${runas%%:*} g=${runas#*:}
	[[ $runas =~ ^[0-9]{1,10}:[0-9]{1,10}$ ]] || die "--user '$runas': give a user name or UID:GID"
	u=$((10#$u)) g=$((10#$g))
	[ "$u" != 0 ] || die "--user '$runas' is root: QEMU would keep root's rights"
	[ "$g" != 0 ] ||
		die_try "run QEMU as $runas ($1): group 0 is root's, whose rights QEMU would keep (files and devices of group root)" "--user $u:GID with the user's own group (--user $u:$u, say), or chgrp the root directory"
	runas=$u:$g
}


# run9p_check_args: the arguments, checked and completed (the loop or
# not, the root, the overlay, --rw, the tag, the transport, sizes).
run9p_check_args() {
	[ -n "$kernel" ] || die "no kernel: give -k KERNEL (see --help)"
	if [ -n "$fst_tree" ]; then
		# The arguments after -- are ./check's.
		fst_args=("${guest_cmd[@]}")
		fst_lib=$(run9p_lib run9p-fstests) || exit 2
		# shellcheck source=scripts/run9p-fstests
		. "$fst_lib"
		fstests_setup
	else
		for opt in "${fst_out:+--fstests-results}" "${fst_test:+--fstests-test}" "${fst_scratch:+--fstests-scratch}"; do
			[ -z "$opt" ] || die "$opt goes with --fstests DIR (see --help)"
		done
	fi
	# An empty CMD would reach the guest as no command: a shell on a console
	# that, with a CMD, goes to a log nobody reads.
	[ ${#guest_cmd[@]} = 0 ] || [ -n "${guest_cmd[0]}" ] ||
		die_try "run the command '': it is empty" "-- CMD [ARGS...] with a command, or -- alone for an interactive shell on the console"
	# --initrd auto|none|own: the loop, with or without run9p's own initrd
	# (loop_noinitrd); any other value is an image whose init runs.
	initrd_mode=auto
	case $initrd in "" | auto | none | own) initrd_mode=${initrd:-auto} initrd="" ;; esac
	# The loop: no --initrd FILE. Its options mean nothing to a given image's init.
	loop=0
	[ -n "$initrd" ] || loop=1
	if [ "$loop" = 0 ]; then
		for opt in "$has_cmd:-- CMD" "$host_root:--host-root" "${overlay:+1}:--overlay" \
			"${rw_paths[*]:+1}:--rw" "$use_cwd:--cwd" "${modules_dir:+1}:--modules"; do
			[ "${opt%%:*}" != 1 ] ||
				die "${opt#*:} runs through run9p's own initrd: drop -i '$initrd' (with -i the image's init runs, and QEMU arguments go after --qemu)"
		done
	fi
	# The loop with no root given boots the host's / (--host-root), as vng
	# does: a command run from a kernel tree sees it at its host path.
	[ "$loop" = 0 ] || [ -n "$rootdir" ] || host_root=1
	if [ "$host_root" = 1 ]; then
		[ -z "$rootdir" ] || die "--host-root and -r '$rootdir': give one of them"
		rootdir=/ overlay=${overlay:-tmpfs}
	fi
	[ -n "$rootdir" ] || die "no root directory: give -r DIR or --host-root (see --help)"
	if [ "$loop" = 1 ] && [ -d "$kernel" ]; then
		:	# a kernel build tree: run9p-loop checks it
	else
		check_file kernel "$kernel"
	fi
	[ -z "$initrd" ] || check_file initrd "$initrd"
	check_dir "root directory" "$rootdir" $((allow_host_root | host_root))
	real_dir "$rootdir" || die "root directory '$rootdir' cannot be entered"
	root_real=$REAL_OUT
	case $overlay in
	"" | tmpfs) ;;
	*) check_dir "--overlay directory" "$overlay"
		overlay=$(cd "$overlay" && pwd -P)
		[ "$overlay" != "$root_real" ] || die "--overlay '$overlay' is the root itself: give another folder for the changes" ;;
	esac
	# An overlay's lower layer is never written: QEMU serves it read-only,
	# while the overlay itself is read-write unless --ro.
	share_mode=$mode
	[ -z "$overlay" ] || share_mode=ro
	for i in "${!rw_paths[@]}"; do
		[ -n "$overlay" ] || die "--rw '${rw_paths[$i]}': the root is writable already; --rw is for --host-root or --overlay guests"
		check_dir "--rw path" "${rw_paths[$i]}"
		rw_paths[i]=$(cd "${rw_paths[i]}" && pwd -P)
		[ "${rw_paths[$i]}" != / ] || die "--rw /: the whole host writable; use -r / --allow-host-root without --overlay if that is meant"
		case ${rw_paths[$i]} in
		*[!A-Za-z0-9._/+@-]*) die "--rw '${rw_paths[$i]}': the path may hold only letters, digits and . _ / + @ - (it goes on the kernel command line as root9p.mount=)" ;;
		esac
	done
	check_tag "$tag"
	vfs_check
	vfs_shares_check
	usr_cache_check
	[[ $mem =~ ^[0-9]+[KMGTkmgt]?$ ]] || die "memory '$mem' is not a size like 512M or 2G"
	[[ $cpus =~ ^[1-9][0-9]*$ ]] || die "cpus '$cpus' is not a positive number"
	[[ $timeout =~ ^[0-9]+$ ]] || die "timeout '$timeout' is not a number of seconds"
	is_print_ascii "$rootflags" ||
		die_try "use rootflags $(printf %q "$rootflags"): they hold a byte outside printable ASCII (a control character, or 0xa0, which the kernel splits on as on a space)" "-o with printable ASCII only (bytes 0x20-0x7e), no spaces"
	case $rootflags in
	*[[:space:]]*) die "rootflags '$rootflags' has a space: it would split the kernel command line" ;;
	*\"*) die "rootflags '$rootflags' has a double quote: the kernel would group the arguments after it into rootflags" ;;
	esac
	[ -z "$extra_append" ] || check_cmdline_text "-a" "$extra_append"
	# Per architecture: QEMU binary, machine, serial console name.
	# shellcheck disable=SC2054 # the comma is QEMU's, inside one argument
	case $arch in
	x86_64 | amd64) arch=x86_64 machine_args=() console=ttyS0 ;;
	aarch64 | arm64) arch=aarch64 machine_args=(-M virt,gic-version=3) console=ttyAMA0 ;;
	*) die "arch '$arch': use x86_64 or aarch64" ;;
	esac
	QEMU=${QEMU:-qemu-system-$arch}
	case $transport in
	pci) p9dev=virtio-9p-pci ;;
	mmio)
		[ "$arch" = aarch64 ] || die "--transport mmio needs --arch aarch64: the x86 pc machine has no virtio-mmio slots"
		p9dev=virtio-9p-device ;;
	*) die "transport '$transport': use pci or mmio" ;;
	esac
	[ -z "$cmdline" ] || check_cmdline_text "--cmdline" "$cmdline"
	[ -z "$lv_xml" ] || lv_check
	diod_check
}

# usr_cache_check: --usr-cache MODE, for a 9p root whose ROOTDIR/usr is
# a folder. Refused: a link there (QEMU would serve where it leads, and
# the engine never mounts through one), virtiofs and diod (their roots'
# caches are their daemons' and rootflags'), an overlay (its lower layer,
# /usr with it, is cache=loose already).
usr_cache_check() {
	[ -n "$usr_cache" ] || return 0
	[ "$usr_cache" = loose ] ||
		die_try "use --usr-cache '$usr_cache': not a cache mode run9p gives /usr" "--usr-cache loose (or no --usr-cache: /usr stays at the root's cache=mmap)"
	case $rootfs in
	9p) ;;
	virtiofs) die_try "use --usr-cache with --fs virtiofs: the daemon's cache covers the whole root" "--vfs-cache always for a cached root, or --fs 9p --usr-cache loose" ;;
	*) die_try "use --usr-cache with --fs $rootfs: /usr is a second virtio-9p share, for a virtio-9p root" "--fs 9p, or -o with cache=loose for the whole root" ;;
	esac
	[ -z "$overlay" ] ||
		die_try "use --usr-cache with --overlay or --host-root: the overlay's lower layer, /usr with it, is cache=loose already" "drop --usr-cache"
	if [ -L "$rootdir/usr" ]; then
		die_try "share $rootdir/usr for --usr-cache: it is a symbolic link (run9p never serves or mounts through a link in the guest's tree)" "make usr a folder in the root (merged /usr has /bin -> usr/bin, not usr -> elsewhere)"
	fi
	[ -d "$rootdir/usr" ] ||
		die_try "share $rootdir/usr for --usr-cache: the root has no usr folder" "mkdir $rootdir/usr (a root with its programs in /usr), or drop --usr-cache"
}

# run9p_check_user: the security model and the user QEMU runs as
# (runas_args); as root, what needs --passthrough-as-root.
run9p_check_user() {
	is_root=0
	[ "$EUID" -ne 0 ] || is_root=1
	# As root, the host's / is root's: only QEMU as root can serve it, and
	# read-only (QEMU enforces it) that gives the guest nothing to abuse. A
	# writable share beside it (--rw, --overlay DIR) must be asked for.
	if [ "$is_root" = 1 ] && [ "$host_root" = 1 ] && [ "$pt_as_root" = 0 ]; then
		{ [ ${#rw_paths[@]} = 0 ] && [ "$overlay" = tmpfs ] && [ ${#extra_9p[@]} = 0 ]; } ||
			die_try "share a writable folder beside --host-root as root (--rw, --overlay DIR or --extra-9p): QEMU keeps root's rights (passthrough) for the host's /, and with them for every share, so the guest could make set-uid root files and device nodes there" "--passthrough-as-root to mean it, or run run9p as an ordinary user"
		pt_as_root=1
	fi
	if [ -z "$secmodel" ]; then
		# (virtiofs: only its daemon keeps root; QEMU serves the 9p shares
		# beside it as an ordinary user.)
		if [ "$is_root" = 1 ] && [ "$pt_as_root" = 1 ] && [ "$rootfs" = 9p ]; then secmodel=passthrough; else secmodel=mapped-xattr; fi
	fi
	case $secmodel in
	passthrough | mapped-xattr | mapped-file | none) ;;
	*) die "security model '$secmodel': use passthrough, mapped-xattr, mapped-file or none" ;;
	esac

	# As root: passthrough (and none) keep QEMU as root, on request only; any
	# other model runs QEMU as an ordinary user once it has opened its files.
	# With virtiofs QEMU serves no tree itself (the daemon does, as root), so
	# it always drops: to the tree's owner, or to nobody for a tree of root's.
	runas_args=()
	if [ "$is_root" = 1 ] && [ -z "$lv_xml" ]; then
		case $rootfs:$secmodel in
		9p:passthrough | 9p:none)
			[ "$pt_as_root" = 1 ] || die "security model $secmodel as root: QEMU would keep root's rights and the guest's root would be root over '$rootdir' (set-uid root files, device nodes on the host). Give --passthrough-as-root to mean it, or convert the tree (mkroot9p convert DIR --to mapped-xattr) and boot it with the default mapped-xattr"
			[ -z "$runas" ] || die "--user and security model $secmodel: passthrough needs QEMU as root"
			;;
		virtiofs:passthrough | virtiofs:none)
			die_try "serve 9p shares with security model $secmodel beside a virtiofs root: QEMU runs as an ordinary user there (only virtiofsd keeps root), and $secmodel needs root" "drop --security-model (mapped-xattr)"
			;;
		*)
			runas_from="--user"
			if [ -z "$runas" ]; then
				stat_get "$rootdir" || die "root directory '$rootdir' cannot be read (stat)"
				runas=${ST_OUT[0]}:${ST_OUT[1]}
				runas_from="the owner of '$rootdir'"
				if [ "${runas%%:*}" = 0 ] && [ "$rootfs" != 9p ]; then
					runas=$(id -u nobody 2>/dev/null):$(id -g nobody 2>/dev/null) || runas=:
					[ "$runas" != : ] ||
						die_try "run QEMU as an ordinary user: '$rootdir' is root's and there is no user nobody" "--user USER|UID:GID"
					runas_from="nobody: '$rootdir' is root's"
				fi
				[ "${runas%%:*}" != 0 ] || die "root directory '$rootdir' belongs to root: QEMU, run as an ordinary user with $secmodel, could not serve it. Convert it for a user (mkroot9p convert DIR --to mapped-xattr --owner UID:GID), or give --user, or --passthrough-as-root for a tree made for passthrough"
			elif [[ ! $runas =~ ^[0-9]+:[0-9]+$ ]]; then
				id -u "$runas" >/dev/null 2>&1 || die "--user '$runas': no such user (give a name or UID:GID)"
				runas_from="--user $runas"
				runas=$(id -u "$runas"):$(id -g "$runas")
			fi
			runas_check "$runas_from"
			# QEMU 9.1 has -run-with user= (and deprecates -runas).
			if qemu_has run-with-user; then
				runas_args=(-run-with "user=$runas")
			else
				runas_args=(-runas "$runas")
			fi
			;;
		esac
	elif [ -n "$runas" ]; then
		die "--user: only root can start QEMU as another user"
	fi
	vfs_user
}

# run9p_check_host: the accelerator (KVM only for the host's own
# architecture) and the QEMU binary.
run9p_check_host() {
	# KVM runs a guest of the host's own architecture only.
	# (The kernel's own word, read without a fork; uname -m on kernels before 6.1.)
	native=0
	host_arch=""
	read -r host_arch 2>/dev/null </proc/sys/kernel/arch || host_arch=$(uname -m)
	[ "$host_arch" != "$arch" ] || native=1
	if [ "$accel" = auto ]; then
		if [ "$native" = 1 ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then accel=kvm; else accel=tcg; fi
	fi
	[ "$accel" != kvm ] || [ "$native" = 1 ] ||
		die "--accel kvm: KVM cannot run an $arch guest on this $host_arch host; use --accel tcg"
	case $accel in
	kvm) accel_args=(-accel kvm -cpu host) ;;
	tcg) accel_args=(-accel tcg -cpu max) ;;
	*) die "accel '$accel': use kvm, tcg or auto" ;;
	esac

	command -v "$QEMU" >/dev/null ||
		die "$QEMU not found: apt-get install $([ "$arch" = aarch64 ] && echo qemu-system-arm || echo qemu-system-x86) (or set QEMU=)"
}
