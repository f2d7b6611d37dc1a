# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# scripts/run9p.d/diod.sh - --extra-9p-tcp and --fs diod: a second 9p server
# over TCP, its user, its command line, its socket, QEMU's network.
# Sourced by scripts/run9p with the rest of run9p.d: the globals it
# reads and sets (QEMU among them, from the environment) are
# run9p_defaults' (args.sh), which shellcheck cannot see from here.
# shellcheck disable=SC2154,SC2034,SC2153

# --- diod (--extra-9p-tcp DIR[:PATH]): a second 9p server, over TCP ---
# diod (Debian: diod) exports each DIR; the guest mounts it with
# trans=tcp from 10.0.2.100:564 (DIOD_GUEST_IP), which QEMU's user network
# forwards (guestfwd) to diod's socket. restrict=on: the guest reaches
# nothing else, neither the host nor the outside. diod listens on a Unix
# socket in a private folder, not on a TCP port, so no other user of the
# host can attach to its unauthenticated service (-n). It reads no
# diod.conf (-c /dev/null: its exports would add to ours), runs as an
# ordinary user (as root: the owner of the first DIR, nobody for root's
# own), which, with -S, is who every guest user acts as: it serves what
# that user may read and write, and follows links on the host as that
# user (diod does not keep a walk inside its export). QEMU connects to it
# when it starts; run9p_cleanup stops it.
DIOD_GUEST_IP=10.0.2.100
DIOD_GUEST_PORT=564
DIOD_NET="ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off"
DIOD_SOCKET_WAIT=100	# tenths of a second for diod's socket


# diod_check: parse the --extra-9p-tcp specs into diod_dirs (absolute)
# and diod_paths (in the guest; "/" for the root of --fs diod, the
# first), find diod, refuse what cannot work.
diod_check() {
	local spec d p i
	[ ${#extra_tcp[@]} != 0 ] || [ "$rootfs" = diod ] || return 0
	[ -z "$lv_xml" ] || lv_refuse "--extra-9p-tcp or --fs diod" "the domain has no diod: run it without --libvirt-xml"
	if [ "$rootfs" = diod ]; then
		[ "$mode" = rw ] || die_try "serve the root read-only with diod: run9p does not ask diod for that yet" "--fs 9p --ro (QEMU enforces readonly=on)"
		[ -z "$overlay" ] || die_try "mount an overlay over a diod root: the loop's overlay works over a virtio 9p root only" "drop --fs diod, or --host-root/--overlay"
		diod_dirs=("$root_real") diod_paths=(/)
	fi
	if [ -n "${DIOD:-}" ]; then
		diod_bin=$(command -v "$DIOD" 2>/dev/null || true)
		[ -n "$diod_bin" ] || die_try "start diod: DIOD='$DIOD' is not a command" "DIOD=PATH of diod's binary, or unset DIOD"
	else
		# /usr/sbin is not in every user's PATH.
		diod_bin=$(command -v diod 2>/dev/null || true)
		[ -n "$diod_bin" ] || [ ! -x /usr/sbin/diod ] || diod_bin=/usr/sbin/diod
		[ -n "$diod_bin" ] ||
			die_try "start diod for ${extra_tcp[0]:-the root}: diod (the 9p server) is not installed" "apt-get install diod, or set DIOD=PATH"
	fi
	for spec in "${extra_tcp[@]}"; do
		d=${spec%%:*}
		p=${spec#"$d"}
		p=${p#:}
		check_dir "--extra-9p-tcp directory" "$d"
		d=$(cd "$d" && pwd -P)
		p=${p:-$d}
		# Both go on the kernel command line (root9p.mount=, aname=),
		# where ':' and ',' separate fields.
		for i in "$d" "$p"; do
			case $i in
			/*[!A-Za-z0-9._/+@-]* | [!/]*)
				die_try "--extra-9p-tcp '$spec': the path '$i' cannot go on the kernel command line" "absolute paths of letters, digits and . _ / + @ - only" ;;
			esac
		done
		[ "$p" != / ] || die "--extra-9p-tcp '$spec': the guest's / is the root; give a PATH such as /mnt/diod"
		diod_dirs+=("$d") diod_paths+=("$p")
	done
	for i in "${diod_dirs[@]}"; do
		case $i in
		/*[!A-Za-z0-9._/+@-]* | [!/]*)
			die_try "serve '$i' with diod: the path cannot go on the kernel command line (aname=)" "a directory whose path has only letters, digits and . _ / + @ -" ;;
		esac
	done
	diod_modules=,virtio_net,9pnet_fd
	# 9p2000.L; msize 65536, the most diod 1.0.24 gives (it caps Tversion).
	if [ "$rootfs" = diod ]; then
		tag=$DIOD_GUEST_IP
		[ "$rootflags" != "$DEFAULT_ROOTFLAGS" ] || rootflags=""
		rootflags="trans=tcp,port=$DIOD_GUEST_PORT,aname=$root_real,version=9p2000.L,msize=65536${rootflags:+,$rootflags}"
	fi
	for i in "${!diod_dirs[@]}"; do
		[ "${diod_paths[$i]}" != / ] || continue
		cmdline_extra+=" root9p.mount=$DIOD_GUEST_IP:${diod_paths[$i]}:trans=tcp,port=$((DIOD_GUEST_PORT + i)),aname=${diod_dirs[$i]},version=9p2000.L,msize=65536"
	done
	cmdline_extra+=" $DIOD_NET"
}

# diod_user_of: the user diod runs as, UID:GID. Never root: as root, the
# owner of the first directory (nobody for root's own).
diod_user_of() {
	local u
	if [ "$(id -u)" != 0 ]; then
		echo "$(id -u):$(id -g)"
		return 0
	fi
	u=$(stat -c %u:%g -- "${diod_dirs[0]}")
	if [ "${u%%:*}" = 0 ] || [ "${u#*:}" = 0 ]; then
		u=$(id -u nobody 2>/dev/null):$(id -g nobody 2>/dev/null) || u=:
		[ "$u" != : ] || die_try "run diod as an ordinary user: '${diod_dirs[0]}' is root's and there is no user nobody" "chown the directory to an ordinary user"
	fi
	# diod 1.0.24 looks its own user up and ends without it.
	getent passwd "${u%%:*}" >/dev/null ||
		die_try "run diod as uid ${u%%:*}, the owner of '${diod_dirs[0]}': the user database (getent passwd) has no such user, and diod ends without one" "chown the directory to a user of /etc/passwd (nobody will do)"
	echo "$u"
}

# diod_command SOCKET: diod's command line in diod_cmd.
diod_command() {
	local d
	diod_cmd=("$diod_bin" -f -c /dev/null -n -S -l "$1" -L stderr)
	for d in "${diod_dirs[@]}"; do
		diod_cmd+=(-e "$d")
	done
	if [ "$(id -u)" = 0 ]; then
		diod_cmd=(setpriv "--reuid=${diod_user%%:*}" "--regid=${diod_user#*:}"
			--clear-groups --no-new-privs -- "${diod_cmd[@]}")
	fi
}

# diod_qemu_args SOCKET: QEMU's user network, restricted, with one
# forward per share to diod's socket, and its virtio-net card.
diod_qemu_args() {
	local net=user,id=r9pdiod,restrict=on i
	for i in "${!diod_dirs[@]}"; do
		net+=",guestfwd=tcp:$DIOD_GUEST_IP:$((DIOD_GUEST_PORT + i))-unix:${1//,/,,}"
	done
	# shellcheck disable=SC2054 # the commas are QEMU's
	qemu+=(-netdev "$net" -device virtio-net-pci,netdev=r9pdiod)
}

# diod_mkdir: diod_dir, a private folder (0700, diod's user's own) for
# its socket and log (run9p_cleanup removes it).
diod_mkdir() {
	diod_user=$(diod_user_of)
	cleanup_add diod_stop
	diod_dir=$(mktemp -d "${TMPDIR:-/tmp}/run9p-diod.XXXXXX") || die "cannot make a directory for diod's socket"
	[ "$(id -u)" != 0 ] || chown "$diod_user" "$diod_dir" || die "cannot give $diod_dir to diod's user $diod_user"
}

# diod_start: diod started, its socket waited for (diod_stop ends it).
diod_start() {
	local i
	[ -n "$diod_dir" ] || return 0
	diod_command "$diod_dir/sock"
	"${diod_cmd[@]}" >"$diod_dir/log" 2>&1 </dev/null &
	diod_pid=$!
	for ((i = 0; i < DIOD_SOCKET_WAIT; i++)); do
		[ -S "$diod_dir/sock" ] && return 0
		if ! kill -0 "$diod_pid" 2>/dev/null; then
			sed 's/^/  diod: /' "$diod_dir/log" >&2
			die_try "start diod ($diod_bin) for --extra-9p-tcp: it ended before its socket appeared (its messages above)" "run the command run9p --dry-run prints"
		fi
		sleep 0.1
	done
	sed 's/^/  diod: /' "$diod_dir/log" >&2
	die "start diod ($diod_bin): no socket $diod_dir/sock in $((DIOD_SOCKET_WAIT / 10)) s"
}

# diod_dry_run: diod's command, for --dry-run.
diod_dry_run() {
	[ ${#diod_dirs[@]} != 0 ] || return 0
	diod_user=$(diod_user_of)
	diod_command "${TMPDIR:-/tmp}/run9p-diod.XXXXXX/sock"
	printf '%q ' "${diod_cmd[@]}"
	echo '&'
}

# diod_stop: diod ended (it serves no one once QEMU is gone), its folder
# removed, its messages shown.
# shellcheck disable=SC2317 # reached through run9p_cleanup, a trap
diod_stop() {
	[ -z "$diod_pid" ] || proc_stop "$diod_pid" TERM
	diod_pid=""
	if [ -n "$diod_dir" ]; then
		[ ! -s "$diod_dir/log" ] || grep -v -e 'exiting\|^\s*$' "$diod_dir/log" | sed 's/^/  diod: /' >&2 || true
		rm -rf "$diod_dir"
	fi
	diod_dir=""
}
