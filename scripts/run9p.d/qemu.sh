# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# scripts/run9p.d/qemu.sh - what QEMU is given: its path and features
# (qemu_path, qemu_has), the kernel command line (run9p_cmdline), one
# share's -fsdev/-device (share_args) and the whole argv (qemu_argv).
# Sourced by scripts/run9p with the rest of run9p.d: the globals it
# reads and sets (QEMU among them, from the environment) are
# run9p_defaults' (args.sh), which shellcheck cannot see from here.
# shellcheck disable=SC2154,SC2034,SC2153

# qemu_path: QEMU_PATH = the absolute path of $QEMU ("" when there is
# none), from bash's own table of commands: no fork.
qemu_path() {
	QEMU_PATH=""
	case $QEMU in
	*/*) QEMU_PATH=$QEMU ;;
	*) hash -- "$QEMU" 2>/dev/null && QEMU_PATH=${BASH_CMDS[$QEMU]:-} ;;
	esac
	[ -z "$QEMU_PATH" ] || { abs_path "$QEMU_PATH"; QEMU_PATH=$ABS_OUT; }
}

# qemu_has CAP: QEMU supports CAP (run-with-user: -run-with user=, QEMU
# 9.1; sandbox=OPTS: -sandbox OPTS, seccomp). Asked of the binary once
# (each probe starts QEMU: a tenth of a second or more), then kept in the
# index for this binary as it is (path, size, times, inode).
qemu_has() {
	local q rc=1
	qemu_path
	q=$QEMU_PATH
	[ -n "$q" ] || return 1
	if idx_get "qemu-$1" "$q"; then [ "$IDX_VAL" = 1 ]; return; fi
	case $1 in
	run-with-user) "$QEMU" -help 2>/dev/null | grep -q -- '-run-with .*user=' && rc=0 ;;
	sandbox=*) "$QEMU" -sandbox "${1#sandbox=}" -version >/dev/null 2>&1 && rc=0 ;;
	*) return 1 ;;
	esac
	idx_put "qemu-$1" "$q" $((1 - rc))
	return $rc
}

# -fsdev/-device options for one share. QEMU escapes a comma in a value as ",,".
share_args() {
	local tag=$1 dir=$2 ro=${3:-}
	qemu+=(-fsdev "local,security_model=$secmodel,multidevs=remap,id=fsdev-$tag,path=${dir//,/,,}${ro:+,readonly=on}")
	qemu+=(-device "$p9dev,id=$tag,fsdev=fsdev-$tag,mount_tag=$tag")
}

# run9p_cmdline: the kernel command line (unless --cmdline gave it),
# with the loop's keys.
run9p_cmdline() {
	if [ -z "$cmdline" ]; then
		cmdline="root=$tag $mode rootfstype=${rootfs/#diod/9p}${rootflags:+ rootflags=$rootflags} console=$console"
		# (Appended, not $(...): a subshell is a fork on every run.)
		[ "$loop" = 0 ] || cmdline="$cmdline panic=-1"
		[ "$loop" = 0 ] || [ "$show_console" = 1 ] || cmdline="$cmdline quiet"
		# A slow TCG guest (a loaded host) can fail x86's IO-APIC timer check
		# and panic at once ("IO-APIC + timer doesn't work"): skip it.
		[ "$loop" = 0 ] || [ "$arch" != x86_64 ] || cmdline="$cmdline no_timer_check"
		[ -z "${LOOP_INIT:-}" ] || cmdline="$cmdline init=$LOOP_INIT"
		[ -z "$extra_append" ] || cmdline="$cmdline $extra_append"
	elif [ -n "$extra_append" ]; then
		die "--cmdline replaces the whole command line: put the -a arguments in it"
	fi
	# --usr-cache: the engine mounts the r9pusr share over /usr (--cmdline too).
	if [ -n "$usr_cache" ]; then
		cmdline="$cmdline root9p.mount=r9pusr:/usr:"
		[ "$share_mode" != ro ] || cmdline+=ro,
		cmdline+=cache=$usr_cache
	fi
	# The loop's keys: the overlay, the writable shares, the command, its folder.
	if [ "$loop" = 1 ]; then
		case $overlay in
		"") ;;
		tmpfs) cmdline="$cmdline root9p.overlay=tmpfs" ;;
		*) cmdline="$cmdline root9p.overlay=r9pupper" ;;
		esac
		for i in "${!rw_paths[@]}"; do
			cmdline="$cmdline root9p.mount=r9prw$i:${rw_paths[$i]}"
		done
		[ ${#guest_cmd[@]} = 0 ] || { loop_encode_argv "${guest_cmd[@]}"; cmdline="$cmdline root9p.run=$LOOP_ENC"; }
		[ "$use_cwd" = 0 ] || cmdline="$cmdline root9p.cwd=$(loop_encode "$(loop_guest_cwd)")"
		[ "${#cmdline}" -le "$LOOP_CMDLINE_MAX" ] ||
			die "the kernel command line would be ${#cmdline} bytes, more than the kernel's $LOOP_CMDLINE_MAX: shorten CMD (put it in a script in the guest's root)"
	fi
}

# guest_shares: the guest's 9p shares, the one list both QEMU's argv
# (qemu_argv) and the libvirt domain (lv_domain) are written from, so a
# share reaches both or neither: SHARE_TAGS, SHARE_DIRS and SHARE_RO ("ro"
# when QEMU serves it read-only). The root's first (9p only: virtiofs and
# diod serve theirs apart), then --overlay DIR's upper layer, each --rw
# PATH, --usr-cache's ROOTDIR/usr, each --extra-9p TAG:DIR (checked
# here: its form, tag and folder).
guest_shares() {
	local spec etag edir i ro=""
	declare -A seen=([$tag]=1)
	SHARE_TAGS=() SHARE_DIRS=() SHARE_RO=()
	if [ "$rootfs" = 9p ]; then
		SHARE_TAGS+=("$tag") SHARE_DIRS+=("$rootdir")
		[ "$share_mode" != ro ] || ro=ro
		SHARE_RO+=("$ro")
	fi
	case $overlay in "" | tmpfs) ;; *) SHARE_TAGS+=(r9pupper) SHARE_DIRS+=("$overlay") SHARE_RO+=("") ;; esac
	for i in "${!rw_paths[@]}"; do
		SHARE_TAGS+=("r9prw$i") SHARE_DIRS+=("${rw_paths[$i]}") SHARE_RO+=("")
	done
	# --usr-cache: ROOTDIR/usr, served as the root is (read-only with --ro).
	if [ -n "$usr_cache" ]; then
		[ -z "${seen[r9pusr]:-}" ] || die "tag 'r9pusr' is --usr-cache's: give the root another tag (-t)"
		SHARE_TAGS+=(r9pusr) SHARE_DIRS+=("$rootdir/usr") SHARE_RO+=("$ro")
		seen[r9pusr]=1
	fi
	for spec in "${extra_9p[@]}"; do
		case $spec in *:*) ;; *) die "--extra-9p '$spec': use TAG:DIR" ;; esac
		etag=${spec%%:*} edir=${spec#*:}
		check_tag "$etag"
		check_dir "--extra-9p directory" "$edir"
		[ -z "${seen[$etag]:-}" ] || die "tag '$etag' is used twice: each share needs its own tag"
		seen[$etag]=1
		SHARE_TAGS+=("$etag") SHARE_DIRS+=("$edir") SHARE_RO+=("")
	done
}

# loop_run_files: LOOP_STATUS and LOOP_CONSOLE, the new files QEMU
# writes CMD's status and the guest's console to, PID.status and
# PID.console.log (PID-N.* when a kept pair has the name) in the cache
# folder ROOT9P_CACHE/run (cache_get: the user's own, 0700), each made
# by file_new (no clobber, 0600, never through a link). Not mktemp -d
# in TMPDIR: its fork, and rm -rf's after, on every run. A dry run
# only names them.
LOOP_RUN_TRIES=100
loop_run_files() {
	local dir base n
	cache_get run || die_try "keep the guest's status and console: $CACHE_OUT" "$CACHE_TRY"
	dir=$CACHE_OUT
	for ((n = 0; n < LOOP_RUN_TRIES; n++)); do
		base=$dir/$$
		[ "$n" = 0 ] || base+=-$n
		if [ "$dry_run" = 1 ]; then
			[ -e "$base.status" ] || [ -L "$base.status" ] || [ -e "$base.console.log" ] ||
				[ -L "$base.console.log" ] || break
			continue
		fi
		file_new "$base.status" || continue
		LOOP_RUN=$base
		file_new "$base.console.log" && break
		rm -f -- "$base.status"
		LOOP_RUN=""
	done
	[ "$n" -lt "$LOOP_RUN_TRIES" ] ||
		die_try "make the guest's status and console files $dir/$$.*: $LOOP_RUN_TRIES names taken (or it cannot be written)" "remove the kept files in $dir"
	LOOP_STATUS=$base.status LOOP_CONSOLE=$base.console.log
}

# qemu_argv: QEMU's command line in qemu: the machine, the kernel, the
# loop's ports, the console, the shares, the sandbox, the user's own.
qemu_argv() {
	qemu=("$QEMU" "${machine_args[@]}" "${accel_args[@]}" -m "$mem" -smp "$cpus"
		-display none -vga none -no-reboot -kernel "$qemu_kernel")
	[ -z "$initrd" ] || qemu+=(-initrd "$initrd")
	qemu+=(-append "$cmdline")

	# With a CMD: its stdin, stdout, stderr and status on four virtio ports.
	# QEMU reads stdin from its own fd 0 (a stdio chardev: its end closes the
	# port, which the guest reads as EOF; loop_stdin), writes stdout and
	# stderr to our fds 3 and 4 (copies of 1 and 2; QEMU refuses to take std
	# streams themselves), the console to a log or, with --console, to stderr.
	loop_cmd=0
	[ "$loop" = 0 ] || [ ${#guest_cmd[@]} = 0 ] || loop_cmd=1
	if [ "$loop_cmd" = 1 ]; then
		cleanup_add loop_run_remove
		loop_run_files
		# shellcheck disable=SC2054 # the commas are QEMU's, inside one argument
		qemu+=(-add-fd fd=3,set=1 -add-fd fd=4,set=2
			-device virtio-serial-pci,id=r9pser
			-chardev file,id=r9pout,path=/dev/fdset/1,append=on
			-device virtserialport,bus=r9pser.0,chardev=r9pout,name=root9p.out
			-chardev file,id=r9perr,path=/dev/fdset/2,append=on
			-device virtserialport,bus=r9pser.0,chardev=r9perr,name=root9p.err
			-chardev "file,id=r9pst,path=${LOOP_STATUS//,/,,}"
			-device virtserialport,bus=r9pser.0,chardev=r9pst,name=root9p.status
			-chardev stdio,id=r9pin,signal=off
			-device virtserialport,bus=r9pser.0,chardev=r9pin,name=root9p.in
			-monitor none)
		if [ "$show_console" = 1 ]; then
			# shellcheck disable=SC2054 # the commas are QEMU's option syntax, one argument
			qemu+=(-chardev file,id=con0,path=/dev/fdset/2,append=on -serial chardev:con0)
		else
			qemu+=(-chardev "file,id=con0,path=${LOOP_CONSOLE//,/,,}" -serial chardev:con0)
		fi
	fi

	# A terminal gets the monitor mux (Ctrl-A x, Ctrl-C to the guest); anything else
	# gets a plain stream so piped bytes (even 0x01) reach the guest unchanged.
	# QEMU's stdio chardev fails on a closed stdin ("no stdin" callers): give it /dev/null.
	[ -e /proc/$$/fd/0 ] || exec </dev/null
	# shellcheck disable=SC2054 # the commas are QEMU's, inside one argument
	if [ "$loop_cmd" = 1 ]; then
		:
	elif [ -t 0 ]; then
		qemu+=(-chardev stdio,id=con0,mux=on,signal=off -serial chardev:con0
			-mon chardev=con0,mode=readline)
	else
		qemu+=(-chardev stdio,id=con0 -serial chardev:con0 -monitor none)
	fi

	# --ro is QEMU's to enforce: the guest can remount / rw whatever its cmdline says.
	if [ "$rootfs" = virtiofs ]; then
		[ "$dry_run" = 1 ] || vfs_mkdir
		vfs_qemu_args "${vfs_dir:-${TMPDIR:-/tmp}/run9p-vfs.XXXXXX}/sock"
	fi
	for i in "${!SHARE_TAGS[@]}"; do
		share_args "${SHARE_TAGS[$i]}" "${SHARE_DIRS[$i]}" "${SHARE_RO[$i]}"
	done
	vfs_shares_qemu_args
	if [ ${#diod_dirs[@]} != 0 ]; then
		[ "$dry_run" = 1 ] || diod_mkdir
		diod_qemu_args "${diod_dir:-${TMPDIR:-/tmp}/run9p-diod.XXXXXX}/sock"
	fi

	# seccomp: parsing the option is enough to know the binary has it.
	sandbox_opts=on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny
	# -runas is done with setgid/setuid after the sandbox is in place (seccomp
	# would kill QEMU there); as that user it has no privilege to gain.
	[ ${#runas_args[@]} = 0 ] || sandbox_opts=on,obsolete=deny,spawn=deny,resourcecontrol=deny
	if [ "$sandbox" = 1 ]; then
		if qemu_has "sandbox=$sandbox_opts"; then
			qemu+=(-sandbox "$sandbox_opts")
		else
			log "note: $QEMU has no -sandbox (seccomp) support; running without it"
		fi
	fi
	qemu+=("${runas_args[@]}" "${scratch_qemu[@]}" "${qemu_user[@]}")
}
