# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# scripts/run9p.d/virtiofs.sh - --fs virtiofs: pick the daemon, refuse what it
# cannot do safely, its command line, its socket, QEMU's device.
# Sourced by scripts/run9p with the rest of run9p.d: the globals it
# reads and sets (QEMU among them, from the environment) are
# run9p_defaults' (args.sh), which shellcheck cannot see from here.
# shellcheck disable=SC2154,SC2034,SC2153

# --- virtiofs (--fs virtiofs): the daemon, its socket, QEMU's device ---
# QEMU 7.2's C virtiofsd (Debian 12: qemu-system-common) must run as root:
# it sandboxes itself (namespaces, seccomp) but serves the tree with root's
# rights, so as root it is started only with --passthrough-as-root, and
# never with CAP_MKNOD or CAP_SETFCAP (no device nodes or file
# capabilities on the host). The Rust virtiofsd (Debian 13: virtiofsd) is
# preferred when installed: maintained (QEMU 8.0 dropped the C one),
# --readonly, and it runs unprivileged.
VFS_C=/usr/lib/qemu/virtiofsd
VFS_SOCKET_WAIT=100	# tenths of a second for the daemon's socket
# The C daemon's xattrs (-o xattrmap turns them on; without it every xattr
# call failed). The guest's user.* pass as they are; its trusted.* and
# security.* (overlayfs, file capabilities, labels) live on the host only
# as user.virtiofs.*, so no guest-written xattr becomes a host privilege
# (a real security.capability or trusted.*); the guest may not write
# user.virtiofs.* itself; system.* (ACLs: not sent without posix_acl) and
# other namespaces are refused, and the host's own trusted.*/security.*
# stay hidden. Rules: client side matches the guest's name, server side
# the host's (QEMU's docs/tools/virtiofsd.rst, "xattr-mapping").
VFS_XATTRMAP=':prefix:all:trusted.:user.virtiofs.::prefix:client:security.:user.virtiofs.::bad:client:user.virtiofs.:::ok:client:user.:::bad:client::::ok:server::user.::bad:server:::'

# vfs_find: the daemon in vfsd (--virtiofsd, else the Rust one, else
# QEMU's C one), its kind in vfs_kind and its --help in vfs_help. Fails
# (with vfsd empty) when there is none.
vfs_find() {
	if [ -z "$vfsd" ]; then
		vfsd=$(command -v virtiofsd 2>/dev/null || true)
		[ -n "$vfsd" ] || [ ! -x /usr/libexec/virtiofsd ] || vfsd=/usr/libexec/virtiofsd
		[ -n "$vfsd" ] || [ ! -x $VFS_C ] || vfsd=$VFS_C
		[ -n "$vfsd" ] || return 1
	fi
	[ -x "$vfsd" ] || die "--virtiofsd '$vfsd' is not an executable file"
	vfs_help=$("$vfsd" --help 2>&1 || true)
	if grep -q -- '--shared-dir' <<<"$vfs_help"; then vfs_kind=rust; else vfs_kind=c; fi
}

# vfs_kernel_fs: what the kernel says about 9p and virtiofs, in
# VFS_K9P and VFS_KVFS (y: built in or a module; n: not; "" unknown), and
# where it says it in VFS_KFROM: its configuration (kernel_config: the
# build tree's .config, config-KVER beside the bzImage or in /boot), or
# its module tree (--modules, /lib/modules/KVER: modules.builtin and
# modules.dep).
vfs_kernel_fs() {
	local cfg dir="" kv=""
	VFS_K9P="" VFS_KVFS="" VFS_KFROM=""
	[ -d "$kernel" ] || ! kernel_kver "$kernel" || kv=$KVER_OUT
	kernel_config "$kernel" "$kv"
	cfg=$KCONFIG_OUT
	if [ -n "$cfg" ] && [ -r "$cfg" ]; then
		VFS_KFROM=$cfg VFS_K9P=n VFS_KVFS=n
		! grep -qE '^CONFIG_9P_FS=[ym]$' "$cfg" || VFS_K9P=y
		! grep -qE '^CONFIG_VIRTIO_FS=[ym]$' "$cfg" || VFS_KVFS=y
		return 0
	fi
	if [ -n "$modules_dir" ]; then
		dir=$modules_dir
		[ -f "$dir/modules.dep" ] || [ -z "$kv" ] || dir=$dir/lib/modules/$kv
	elif [ -n "$kv" ]; then
		dir=/lib/modules/$kv
	fi
	[ -n "$dir" ] && [ -f "$dir/modules.dep" ] || return 0
	VFS_KFROM=$dir VFS_K9P=n VFS_KVFS=n
	! grep -qE '(^|/)fs/9p/9p\.ko' "$dir/modules.dep" "$dir/modules.builtin" 2>/dev/null || VFS_K9P=y
	! grep -qE '(^|/)fs/fuse/virtiofs\.ko' "$dir/modules.dep" "$dir/modules.builtin" 2>/dev/null || VFS_KVFS=y
}

# vfs_usable: 0 when a virtiofs daemon can serve the root for this user:
# the Rust one (as an ordinary user, or as root for a tree of a user's or
# with --passthrough-as-root), or the C one as root with
# --passthrough-as-root. VFS_WHY says why not.
vfs_usable() {
	VFS_WHY=""
	vfs_find || { VFS_WHY="no virtiofs daemon (virtiofsd in PATH, /usr/libexec/virtiofsd, $VFS_C)"; return 1; }
	if [ "$vfs_kind" = c ]; then
		[ "$(id -u)" = 0 ] || { VFS_WHY="$vfsd (QEMU's C virtiofsd) runs only as root"; return 1; }
		[ "$pt_as_root" = 1 ] || { VFS_WHY="$vfsd (QEMU's C virtiofsd) serves as root only with --passthrough-as-root"; return 1; }
		return 0
	fi
	grep -q -- '--uid-map' <<<"$vfs_help" || { [ "$(id -u)" = 0 ] && [ "$pt_as_root" = 1 ]; } ||
		{ VFS_WHY="$vfsd has no --uid-map"; return 1; }
	[ "$(id -u)" != 0 ] || [ "$pt_as_root" = 1 ] || ! stat_get "$rootdir" ||
		[ "${ST_OUT[0]}" != 0 ] || { VFS_WHY="'$rootdir' is root's (give --passthrough-as-root)"; return 1; }
}

# vfs_auto: --fs auto becomes virtiofs or 9p, and says which and why on
# one line. virtiofs when the kernel has it and a daemon can serve the
# root (vfs_usable), else 9p; a kernel without 9p gets virtiofs or a
# refusal. The 9p-only features (--host-root, --overlay, --rw,
# --extra-9p-tcp) keep 9p.
vfs_auto() {
	local why
	vfs_kernel_fs
	if [ "$host_root" = 1 ] || [ -n "$overlay" ] || [ ${#rw_paths[@]} != 0 ] || [ ${#extra_tcp[@]} != 0 ]; then
		rootfs=9p why="--host-root, --overlay, --rw and --extra-9p-tcp are 9p's"
	elif [ "$VFS_KVFS" = n ]; then
		rootfs=9p why="$VFS_KFROM has no virtiofs (CONFIG_VIRTIO_FS)"
	elif [ -z "$VFS_KVFS" ]; then
		rootfs=9p why="nothing says whether kernel '$kernel' has virtiofs (no .config in its build tree, no config-KVER beside it or in $KCONFIG_BOOT, no module tree)"
	elif vfs_usable; then
		rootfs=virtiofs why="$VFS_KFROM has virtiofs and $vfsd can serve '$rootdir' as $(id -un 2>/dev/null || id -u)"
	else
		rootfs=9p why="$VFS_WHY"
	fi
	if [ "$rootfs" = 9p ] && [ "$VFS_K9P" = n ]; then
		[ "$VFS_KVFS" = y ] ||
			die_try "pick the root's transport for kernel '$kernel': $VFS_KFROM has neither 9p (CONFIG_9P_FS) nor virtiofs (CONFIG_VIRTIO_FS)" "a kernel with either (Debian's linux-image-amd64 has both)"
		die_try "boot kernel '$kernel' over virtiofs (--fs auto): $VFS_KFROM has no 9p (CONFIG_9P_FS), and $why" "the Rust virtiofsd (Debian 13: apt-get install virtiofsd), or a kernel with 9p (Debian's linux-image-amd64)"
	fi
	log "--fs auto: $rootfs: $why"
	if [ "$rootfs" = virtiofs ]; then
		TAG_MAX=36
		check_tag "$tag"
	fi
}

# vfs_pick: the daemon (vfs_find) and its cache mode, for the root and
# the shares alike; a refusal when there is none.
vfs_pick() {
	vfs_find || die_try "boot over virtiofs: no virtiofs daemon found (virtiofsd in PATH, /usr/libexec/virtiofsd, $VFS_C)" "apt-get install virtiofsd (Debian 13, the Rust daemon) or qemu-system-common (Debian 12, QEMU's C daemon, root only), or give --virtiofsd PATH"
	case $vfs_cache in
	auto | always) ;;
	none) [ "$vfs_kind" = c ] || vfs_cache=never ;;
	*) die "--vfs-cache '$vfs_cache': use auto, always or none" ;;
	esac
}

# vfs_check: pick the daemon and refuse what it cannot do safely.
vfs_check() {
	[ "$rootfs" != auto ] || vfs_auto
	case $rootfs in
	9p | diod) return 0 ;;
	virtiofs) ;;
	*) die "--fs '$rootfs': use 9p, virtiofs, diod or auto" ;;
	esac
	vfs_pick
	if [ "$vfs_kind" = c ] && [ "$(id -u)" != 0 ]; then
		die_try "start $vfsd (QEMU's C virtiofsd) as $(id -un 2>/dev/null || id -u): it runs only as root (it sets up its namespace sandbox)" "the Rust virtiofsd, which runs as an ordinary user (Debian 13: apt-get install virtiofsd; or --virtiofsd PATH), or run9p as root with --passthrough-as-root"
	fi
	if [ "$vfs_kind" = c ] && [ "$(id -u)" = 0 ] && [ "$pt_as_root" = 0 ]; then
		die_try "serve '$rootdir' over virtiofs as root with $vfsd (QEMU's C virtiofsd): it cannot drop to the tree's owner, and as root the guest's root is root over the tree on the host (set-uid root files; device nodes are refused: the daemon runs without CAP_MKNOD)" "--passthrough-as-root to mean it (keep the tree in a 0700 directory or on a nosuid,nodev mount), or the Rust virtiofsd (apt-get install virtiofsd), which run9p starts as the tree's owner"
	fi
	if [ "$vfs_kind" = rust ] && { [ "$(id -u)" != 0 ] || [ "$pt_as_root" = 0 ]; } &&
		! grep -q -- '--uid-map' <<<"$vfs_help"; then
		die_try "start $vfsd as an ordinary user: it has no --uid-map, so the guest's root would not own the tree's files" "virtiofsd 1.7 or newer (Debian 13's), or run9p as root with --passthrough-as-root"
	fi
	if [ "$mode" = ro ] && [ "$vfs_kind" = c ]; then
		die "--ro with --fs virtiofs: QEMU 7.2's virtiofsd cannot serve a tree read-only, and a guest can remount its root rw; use --fs 9p (QEMU enforces readonly=on there) or the Rust virtiofsd (--readonly)"
	fi
	[ ${#extra_9p[@]} = 0 ] || log "note: --extra-9p shares stay 9p beside the virtiofs root"
	# 9p's rootflags default means nothing to virtiofs: only -o counts.
	[ "$rootflags" != "$DEFAULT_ROOTFLAGS" ] || rootflags=""
}

# vfs_opt_value TEXT: TEXT as one value of the C daemon's -o. Its option
# parser (fuse_opt) splits on commas and takes a backslash as an escape
# (of a comma, of a backslash, or three octal digits), so an unescaped
# "-o source=/srv/x,source=/" would serve / (QEMU 7.2's
# /usr/lib/qemu/virtiofsd, checked).
vfs_opt_value() {
	local v=${1//\\/\\\\}
	printf '%s' "${v//,/\\,}"
}

# vfs_command SOCKET [DIR]: the daemon's command line in vfs_cmd, for
# DIR (default: the root, read-only with --ro; a share is read-write).
vfs_command() {
	local dir=${2:-$rootdir} ro=$mode
	[ -z "${2:-}" ] || ro=rw
	if [ "$vfs_kind" = rust ]; then
		vfs_cmd=("$vfsd" "--socket-path=$1" "--shared-dir=$dir"
			"--cache=$vfs_cache" --sandbox=namespace
			--xattr "--xattrmap=$VFS_XATTRMAP")
		[ "$ro" != ro ] || vfs_cmd+=(--readonly)
		if [ "$vfs_uid" = 0 ]; then
			# File handles need CAP_DAC_READ_SEARCH, which only root
			# has: an ordinary user's daemon logs "Failed to open file
			# handle for the root node" and keeps O_PATH fds.
			vfs_cmd+=(--modcaps=-mknod:-setfcap)
			! grep -q -- '--inode-file-handles' <<<"$vfs_help" ||
				vfs_cmd+=(--inode-file-handles=prefer)
		else
			vfs_cmd+=("${vfs_maps[@]}")
			# root drops it to the tree's owner (as QEMU for 9p)
			[ "$(id -u)" != 0 ] ||
				vfs_cmd=(setpriv "--reuid=$vfs_uid" "--regid=$vfs_gid" --clear-groups -- "${vfs_cmd[@]}")
		fi
	else
		vfs_cmd=("$vfsd" "--socket-path=$1" -o "source=$(vfs_opt_value "$dir")"
			-o "cache=$vfs_cache" -o modcaps=-mknod:-setfcap
			-o "xattrmap=$(vfs_opt_value "$VFS_XATTRMAP")"
			-o log_level=warn)
	fi
}

# vfs_qemu_args SOCKET: QEMU's side. vhost-user needs the guest's RAM in
# shared memory the daemon can map: a memfd backend of -m's size as the
# (only) NUMA node.
vfs_qemu_args() {
	vfs_device_args "$tag" "$1"
	vfs_memory_args
}

# vfs_device_args TAG SOCKET: one vhost-user-fs device, its daemon at SOCKET.
vfs_device_args() {
	# shellcheck disable=SC2054 # the commas are QEMU's
	qemu+=(-chardev "socket,id=vfs-$1,path=$2"
		-device "vhost-user-fs-pci,chardev=vfs-$1,tag=$1")
}

# vfs_memory_args: the guest's RAM as shared memory, once for all devices.
vfs_memory_args() {
	# shellcheck disable=SC2054 # the commas are QEMU's
	qemu+=(-object "memory-backend-memfd,id=vfs-mem,size=$mem,share=on"
		-numa node,memdev=vfs-mem)
}

# vfs_mkdir: a private directory (0700) for the socket and the daemon's
# log (run9p_cleanup removes it).
vfs_mkdir() {
	cleanup_add vfs_stop
	vfs_dir=$(mktemp -d "${TMPDIR:-/tmp}/run9p-vfs.XXXXXX") || die "cannot make a directory for virtiofsd's socket"
	# A Unix socket's path holds 107 bytes (sun_path[108]): the daemon
	# would fail to bind, or cut it, with a message of its own.
	local spec t longest=$vfs_dir/sock
	for spec in "${vfs_shares[@]}"; do
		t=$vfs_dir/sock-${spec%%:*}
		[ ${#t} -le ${#longest} ] || longest=$t
	done
	[ ${#longest} -le 107 ] ||
		die_try "make virtiofsd's socket $longest: it is ${#longest} bytes, and a Unix socket's path holds at most 107" "a shorter TMPDIR (TMPDIR=/tmp)"
	# (the daemon, dropped to the tree's owner, writes its socket there)
	[ "$(id -u)" != 0 ] || [ "$vfs_uid" = 0 ] || chown "$vfs_uid:$vfs_gid" "$vfs_dir" ||
		die "cannot give $vfs_dir to virtiofsd's user $vfs_uid:$vfs_gid (chown)"
}

# vfs_subid FILE USER UID: "START COUNT" of USER's (or UID's) first range
# in FILE (/etc/subuid, /etc/subgid), COUNT at most 65535 (the guest's
# ids 1..65535). Fails when there is none.
vfs_subid() {
	local name start count
	[ -r "$1" ] || return 1
	while IFS=: read -r name start count; do
		[ "$name" = "$2" ] || [ "$name" = "$3" ] || continue
		[[ $start =~ ^[0-9]+$ && $count =~ ^[1-9][0-9]*$ ]] || continue
		[ "$count" -le 65535 ] || count=65535
		echo "$start $count"
		return 0
	done <"$1"
	return 1
}

# vfs_user: who runs the daemon (vfs_uid, vfs_gid) and its id maps
# (vfs_maps). An ordinary user runs it as themself; root runs it as the
# tree's owner, as QEMU serves 9p, unless --passthrough-as-root keeps it
# root. Its user namespace makes that user the guest's root (0:0), so the
# guest sees root-owned system files while the host sees the user's; with
# a range in /etc/subuid and /etc/subgid (and newuidmap, newgidmap) the
# guest's ids 1..N map onto it, as podman and mkosi do; without one they
# are the overflow id, and chown to them fails (EINVAL).
vfs_user() {
	local name sub
	vfs_maps=()
	# (Asked only with a daemon to run: two forks a 9p run needs not.)
	{ [ "$rootfs" = virtiofs ] || [ ${#vfs_shares[@]} != 0 ]; } || return 0
	vfs_uid=$(id -u) vfs_gid=$(id -g)
	[ "$vfs_kind" = rust ] || return 0
	if [ "$is_root" = 1 ]; then
		[ "$pt_as_root" = 0 ] || return 0
		stat_get "$rootdir" || die "root directory '$rootdir' cannot be read (stat)"
		vfs_uid=${ST_OUT[0]} vfs_gid=${ST_OUT[1]}
		{ [ "$vfs_uid" != 0 ] && [ "$vfs_gid" != 0 ]; } ||
			die_try "serve '$rootdir' over virtiofs as root: it is root's (${ST_OUT[0]}:${ST_OUT[1]}), and run9p runs virtiofsd as the tree's owner (its user namespace makes that owner the guest's root)" "a tree owned by an ordinary user and group (chown -R USER:GROUP '$rootdir', or make it as that user), or --passthrough-as-root to serve it with root's rights"
	fi
	vfs_maps=(--uid-map=":0:$vfs_uid:1:" --gid-map=":0:$vfs_gid:1:")
	name=$(id -un "$vfs_uid" 2>/dev/null || echo "$vfs_uid")
	if command -v newuidmap >/dev/null && sub=$(vfs_subid /etc/subuid "$name" "$vfs_uid"); then
		vfs_maps+=(--uid-map=":1:${sub% *}:${sub#* }:")
	fi
	name=$(getent group "$vfs_gid" 2>/dev/null | cut -d: -f1)
	if command -v newgidmap >/dev/null && sub=$(vfs_subid /etc/subgid "${name:-$vfs_gid}" "$vfs_gid"); then
		vfs_maps+=(--gid-map=":1:${sub% *}:${sub#* }:")
	fi
}

# vfs_dry_run: the daemon's command, for --dry-run.
vfs_dry_run() {
	vfs_command "${TMPDIR:-/tmp}/run9p-vfs.XXXXXX/sock"
	printf '%q ' "${vfs_cmd[@]}"
	echo '&'
}

# vfs_start [TAG DIR]: start the root's daemon (or share TAG's, serving
# DIR), wait for its socket (vfs_stop ends it).
vfs_start() {
	local i sock=$vfs_dir/sock${1:+-$1} log=$vfs_dir/log${1:+-$1} pid
	vfs_command "$sock" ${2:+"$2"}
	"${vfs_cmd[@]}" >"$log" 2>&1 </dev/null &
	pid=$!
	if [ -n "${1:-}" ]; then vfs_share_pids+=("$pid"); else vfs_pid=$pid; fi
	for ((i = 0; i < VFS_SOCKET_WAIT; i++)); do
		[ -S "$sock" ] && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			sed 's/^/  virtiofsd: /' "$log" >&2
			die "virtiofsd ($vfsd${1:+ for $1}) ended before its socket appeared (its messages above)"
		fi
		sleep 0.1
	done
	sed 's/^/  virtiofsd: /' "$log" >&2
	die "virtiofsd ($vfsd${1:+ for $1}) made no socket $sock in $((VFS_SOCKET_WAIT / 10)) s"
}

# shellcheck disable=SC2317 # reached through run9p_cleanup, a trap
vfs_stop() {
	local pid log
	[ -z "$vfs_pid" ] || proc_stop "$vfs_pid" TERM
	vfs_pid=""
	for pid in "${vfs_share_pids[@]}"; do proc_stop "$pid" TERM; done
	vfs_share_pids=()
	if [ -n "$vfs_dir" ]; then
		for log in "$vfs_dir"/log*; do
			[ ! -s "$log" ] || grep -v -e 'fv_\|virtio_loop\|virtio_session_mount' "$log" | sed 's/^/  virtiofsd: /' >&2 || true
		done
		rm -rf "$vfs_dir"
	fi
	vfs_dir=""
}

# --- virtiofs shares beside the root (run9p --fstests --fs virtiofs) ---
# Each TAG:DIR in vfs_shares is served by a daemon of its own (vfs_pick's,
# read-write), with its socket (vfs_dir/sock-TAG) and its own
# vhost-user-fs-pci device, whatever the root is; vfs_stop ends them all.
# The loop's initrd loads virtiofs for them (vfs_modules).

# vfs_shares_check: the daemon for the shares, and what cannot work.
vfs_shares_check() {
	[ ${#vfs_shares[@]} != 0 ] || return 0
	local what="serve ${vfs_shares[*]%%:*} over virtiofs"
	vfs_pick
	[ "$vfs_kind" != c ] || [ "$(id -u)" = 0 ] ||
		die_try "$what: $vfsd (QEMU's C virtiofsd) must run as root (it sets up its namespace sandbox)" "run run9p as root with --passthrough-as-root, or install the Rust virtiofsd (Debian 13: apt-get install virtiofsd)"
	[ "$(id -u)" != 0 ] || [ "$pt_as_root" = 1 ] ||
		die_try "$what as root: virtiofsd serves them with root's rights (set-uid root files on the host)" "--passthrough-as-root to mean it, and keep the folders in a 0700 directory"
	[ "$transport" = pci ] ||
		die_try "$what with --transport $transport: run9p's virtiofs devices are vhost-user-fs-pci" "drop --transport"
	vfs_modules=,virtiofs
}

# vfs_shares_qemu_args: a device per share (after the 9p shares of
# guest_shares: a tag is used once), the shared RAM when the root has not
# added it.
vfs_shares_qemu_args() {
	local spec t used TAG_MAX=36 # virtio_fs_config.tag[36], for check_tag
	[ ${#vfs_shares[@]} != 0 ] || return 0
	[ -n "$vfs_dir" ] || [ "$dry_run" = 1 ] || vfs_mkdir
	used=" $tag ${SHARE_TAGS[*]} "
	for spec in "${vfs_shares[@]}"; do
		t=${spec%%:*}
		check_tag "$t"
		case $used in *" $t "*) die "tag '$t' is used twice: each share needs its own tag" ;; esac
		used="$used$t "
		vfs_device_args "$t" "${vfs_dir:-${TMPDIR:-/tmp}/run9p-vfs.XXXXXX}/sock-$t"
	done
	[ "$rootfs" = virtiofs ] || vfs_memory_args
}

# vfs_shares_dry_run: the shares' daemons, for --dry-run.
vfs_shares_dry_run() {
	local spec
	for spec in "${vfs_shares[@]}"; do
		vfs_command "${TMPDIR:-/tmp}/run9p-vfs.XXXXXX/sock-${spec%%:*}" "${spec#*:}"
		printf '%q ' "${vfs_cmd[@]}"
		echo '&'
	done
}

# vfs_shares_start: a daemon per share, each waited for.
vfs_shares_start() {
	local spec
	for spec in "${vfs_shares[@]}"; do
		vfs_start "${spec%%:*}" "${spec#*:}"
	done
}
