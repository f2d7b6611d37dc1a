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

# vfs_check: pick the daemon and refuse what it cannot do safely.
vfs_check() {
	case $rootfs in
	9p | diod) return 0 ;;
	virtiofs) ;;
	*) die "--fs '$rootfs': use 9p, virtiofs or diod" ;;
	esac
	if [ -z "$vfsd" ]; then
		vfsd=$(command -v virtiofsd 2>/dev/null || true)
		[ -n "$vfsd" ] || [ ! -x /usr/libexec/virtiofsd ] || vfsd=/usr/libexec/virtiofsd
		[ -n "$vfsd" ] || [ ! -x $VFS_C ] || vfsd=$VFS_C
		[ -n "$vfsd" ] || die "--fs virtiofs: no virtiofs daemon found (virtiofsd in PATH, /usr/libexec/virtiofsd, $VFS_C): apt-get install qemu-system-common (Debian 12, QEMU's virtiofsd) or virtiofsd (Debian 13), or give --virtiofsd PATH"
	fi
	[ -x "$vfsd" ] || die "--virtiofsd '$vfsd' is not an executable file"
	if "$vfsd" --help 2>&1 | grep -q -- '--shared-dir'; then vfs_kind=rust; else vfs_kind=c; fi
	case $vfs_cache in
	auto | always) ;;
	none) [ "$vfs_kind" = c ] || vfs_cache=never ;;
	*) die "--vfs-cache '$vfs_cache': use auto, always or none" ;;
	esac
	if [ "$vfs_kind" = c ] && [ "$(id -u)" != 0 ]; then
		die "--fs virtiofs: $vfsd (QEMU's C virtiofsd) must run as root (it sets up its namespace sandbox); run run9p as root with --passthrough-as-root, or install the Rust virtiofsd (Debian 13: apt-get install virtiofsd)"
	fi
	if [ "$(id -u)" = 0 ] && [ "$pt_as_root" = 0 ]; then
		die "--fs virtiofs as root: virtiofsd serves '$rootdir' with root's rights, so the guest's root is root over it on the host (set-uid root files; device nodes are refused: the daemon runs without CAP_MKNOD). Give --passthrough-as-root to mean it, and keep the tree in a 0700 directory or on a nosuid,nodev mount"
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

# vfs_command SOCKET: the daemon's command line in vfs_cmd.
vfs_command() {
	if [ "$vfs_kind" = rust ]; then
		vfs_cmd=("$vfsd" "--socket-path=$1" "--shared-dir=$rootdir"
			"--cache=$vfs_cache" --sandbox=namespace
			--modcaps=-mknod:-setfcap)
		[ "$mode" != ro ] || vfs_cmd+=(--readonly)
	else
		vfs_cmd=("$vfsd" "--socket-path=$1" -o "source=$(vfs_opt_value "$rootdir")"
			-o "cache=$vfs_cache" -o modcaps=-mknod:-setfcap
			-o "xattrmap=$(vfs_opt_value "$VFS_XATTRMAP")"
			-o log_level=warn)
	fi
}

# vfs_qemu_args SOCKET: QEMU's side. vhost-user needs the guest's RAM in
# shared memory the daemon can map: a memfd backend of -m's size as the
# (only) NUMA node.
vfs_qemu_args() {
	# shellcheck disable=SC2054 # the commas are QEMU's
	qemu+=(-chardev "socket,id=vfs-$tag,path=$1"
		-device "vhost-user-fs-pci,chardev=vfs-$tag,tag=$tag"
		-object "memory-backend-memfd,id=vfs-mem,size=$mem,share=on"
		-numa node,memdev=vfs-mem)
}

# vfs_mkdir: a private directory (0700) for the socket and the daemon's
# log (run9p_cleanup removes it).
vfs_mkdir() {
	cleanup_add vfs_stop
	vfs_dir=$(mktemp -d "${TMPDIR:-/tmp}/run9p-vfs.XXXXXX") || die "cannot make a directory for virtiofsd's socket"
}

# vfs_dry_run: the daemon's command, for --dry-run.
vfs_dry_run() {
	vfs_command "${TMPDIR:-/tmp}/run9p-vfs.XXXXXX/sock"
	printf '%q ' "${vfs_cmd[@]}"
	echo '&'
}

# vfs_start: start the daemon, wait for its socket (vfs_stop ends it).
vfs_start() {
	local i
	vfs_command "$vfs_dir/sock"
	"${vfs_cmd[@]}" >"$vfs_dir/log" 2>&1 </dev/null &
	vfs_pid=$!
	for ((i = 0; i < VFS_SOCKET_WAIT; i++)); do
		[ -S "$vfs_dir/sock" ] && return 0
		if ! kill -0 "$vfs_pid" 2>/dev/null; then
			sed 's/^/  virtiofsd: /' "$vfs_dir/log" >&2
			die "virtiofsd ($vfsd) ended before its socket appeared (its messages above)"
		fi
		sleep 0.1
	done
	sed 's/^/  virtiofsd: /' "$vfs_dir/log" >&2
	die "virtiofsd ($vfsd) made no socket $vfs_dir/sock in $((VFS_SOCKET_WAIT / 10)) s"
}

# shellcheck disable=SC2317 # reached through run9p_cleanup, a trap
vfs_stop() {
	[ -z "$vfs_pid" ] || proc_stop "$vfs_pid" TERM
	vfs_pid=""
	if [ -n "$vfs_dir" ]; then
		[ ! -s "$vfs_dir/log" ] || grep -v -e 'fv_\|virtio_loop\|virtio_session_mount' "$vfs_dir/log" | sed 's/^/  virtiofsd: /' >&2 || true
		rm -rf "$vfs_dir"
	fi
	vfs_dir=""
}
