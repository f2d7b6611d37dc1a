# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# scripts/run9p.d/main.sh - run9p's order of steps: parse, check, make the
# loop's initrd, describe the guest, then print it (--dry-run), write
# it (--libvirt-xml) or run it. scripts/run9p sources run9p.d and calls
# main "$@".
# Sourced by scripts/run9p with the rest of run9p.d: the globals it
# reads and sets (QEMU among them, from the environment) are
# run9p_defaults' (args.sh), which shellcheck cannot see from here.
# shellcheck disable=SC2154,SC2034,SC2153

# run9p_loop_setup: the loop (no -i): scripts/run9p-loop finds the
# kernel's modules and builds (or reuses) the initrd.
run9p_loop_setup() {
	# Beside run9p in the source tree; installed: PREFIX/lib/root9p.
	here=$RUN9P_DIR
	loop_lib=$here/run9p-loop
	[ -f "$loop_lib" ] || loop_lib=$here/../lib/root9p/run9p-loop
	[ -f "$loop_lib" ] || die "run9p-loop not found beside run9p or in ../lib/root9p: reinstall root9p"
	# shellcheck source=scripts/run9p-loop
	. "$loop_lib"
	loop_check_fs
	loop_find_tools
	loop_resolve_kernel
	if loop_noinitrd; then initrd=""; else loop_initrd; initrd=$LOOP_INITRD; fi
	kernel=$KIMAGE
}

# run9p_run: start the daemons, QEMU, and exit with what it says.
run9p_run() {
	[ "$rootfs" != virtiofs ] || vfs_start
	vfs_shares_start
	diod_start
	# (A share QEMU serves read-only gives the guest nothing to leave behind.)
	writable=1
	[ "$share_mode" != ro ] || [ ${#rw_paths[@]} != 0 ] || [ ${#extra_9p[@]} != 0 ] ||
		case $overlay in "" | tmpfs) writable=0 ;; esac
	if [ "$is_root" = 1 ] && [ ${#runas_args[@]} = 0 ] && [ "$writable" = 1 ] &&
		[ "$rootfs" = 9p ]; then
		log "warning: --passthrough-as-root: running QEMU as root with security_model=$secmodel; the guest's root acts on '$rootdir' with root's rights (it can leave set-uid root files and device nodes there: keep the tree in a 0700 directory or on a nosuid,nodev mount)"
	fi

	if [ "$loop_cmd" = 1 ]; then
		# fds 3 and 4 opened afresh on a terminal (QEMU wants them write-only),
		# appending when they are files.
		if [ -t 1 ]; then exec 3>>/dev/fd/1; else exec 3>&1; fi
		if [ -t 2 ]; then exec 4>>/dev/fd/2; else exec 4>&2; fi
		cleanup_add loop_relay_stop
		loop_stdin
		# QEMU's fd 1 is the stdin chardev's other half, which the guest
		# never writes: CMD's stdout goes through fd 3.
		qemu_run >/dev/null
		exec 3>&- 4>&-
		[ -z "$status_copy" ] || cp "$LOOP_STATUS" "$status_copy"
		loop_result "$qemu_rc"
	fi
	qemu_run
	if [ "$qemu_timed_out" = 1 ]; then
		log "QEMU stopped after the ${timeout} s timeout (the guest did not power off: see its console output above)"
		exit 124
	fi
	exit "$qemu_rc"
}

# main ARG...: run9p.
main() {
	run9p_defaults
	run9p_parse_args "$@"
	# --kconfig: configure a kernel tree for the loop, nothing else.
	[ -z "$kconfig_tree" ] || { run9p_kconfig "$kconfig_tree"; exit 0; }
	trap run9p_cleanup EXIT
	trap 'run9p_signal HUP 1' HUP
	trap 'run9p_signal INT 2' INT
	trap 'run9p_signal TERM 15' TERM
	trap run9p_timeout ALRM
	run9p_check_args

	stat_startup
	run9p_check_user
	run9p_check_host
	[ "$loop" = 0 ] || run9p_loop_setup
	run9p_cmdline

	[ -z "$scratch" ] || scratch_setup
	cmdline+=$cmdline_extra
	guest_shares

	[ -z "$lv_xml" ] || lv_write
	run9p_pick_kernel
	qemu_argv

	stat_remember
	if [ "$dry_run" = 1 ]; then
		[ "$rootfs" != virtiofs ] || vfs_dry_run
		vfs_shares_dry_run
		diod_dry_run
		printf '%q ' "${qemu[@]}"
		echo
		exit 0
	fi
	run9p_run
}
