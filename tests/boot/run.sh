#!/bin/bash
# tests/boot/run.sh - boot real Debian kernels on a 9p root through
# root9p's initrd, under QEMU TCG, and check from inside the guest (the
# probe's "@@" lines) and from the host (the root directory's files).
#
#   tests/boot/run.sh [--libc klibc|musl|glibc] [--kernels "bookworm trixie"]
#
# Ends with "boot-LIBC: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
LIBC=klibc
KERNELS="bookworm trixie"
. tests/boot/lib.sh
t_options "$0 [--libc L] [--kernels LIST]" "$@"
O=${O:-build}

t_workdir boot "boot tests ($LIBC)" 'root-*'

# The howto's command line, exactly, plus the probe's token.
case_howto() {
	token=howto-$RANDOM-$$
	before=$(treesum "$ROOT")
	boot "$K-howto" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" \
		--cmdline "root=fsRoot rw rootfstype=9p rootflags=$HOWTO_FLAGS console=ttyS0 probe.token=$token"
	check_9p_root "$K howto"
	check_wipe "$K howto"
	check "$K howto: init9p logged the mount with its time and options" \
		grep -qE "init9p: mounted fsRoot on /root in [0-9]+ ms \(rw msize=512000 cache=$CACHE_WORD posixacl\)" <(console)
	check "$K howto: init9p reported the msize clamp" \
		has "msize 5000000 requested, kernel uses 512000 (virtio maximum)"
	check "$K howto: init9p logged module loading and total time" \
		grep -qE 'init9p: loaded [0-9]+ modules in [0-9]+ ms' <(console)
	check "$K howto: init9p's lines reached /dev/kmsg" probe_has dmesg 'init9p: starting /sbin/init after [0-9]+ ms'
	c_howto_init_pid_1() { [ "$(probe pid)" = 1 ] && [ "$(probe argc)" = 0 ]; }
	check "$K howto: init is PID 1 with no arguments" c_howto_init_pid_1
	c_howto_guest_write_reached() { [ "$(cat "$ROOT/out/written" 2>/dev/null)" = "$token" ]; }
	check "$K howto: the guest's write reached the host" c_howto_guest_write_reached
	check "$K howto: nothing else changed in the root directory" \
		[ "$before" = "$(treesum "$ROOT")" ]
	check "$K howto: mount9p --tags in the guest lists fsRoot as mounted" \
		probe_has tags 'fsRoot.*virtio[0-9]+.*mounted'
}

# ro on the command line gives a read-only root; nothing at all changes.
case_ro() {
	before=$(treesum "$ROOT")
	rm -f "$ROOT/out/written"
	boot "$K-ro" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" --ro \
		-a "probe.token=ro $MODPARAM=3 probe.params=${MODPARAM%%.*}/debug"
	check "$K ro: / is mounted read-only" \
		grep -qE '^[0-9]+ [0-9]+ [0-9:]+ / / ro' <<<"$(mountinfo_of /)"
	check "$K ro: the guest could not write" probe_is write failed
	check "$K ro: /tmp is still a writable tmpfs" \
		grep -qE ' /tmp rw,[^ ]* .*- tmpfs ' <<<"$(mountinfo_of /tmp)"
	check "$K module.param=value reached the module ($MODPARAM=3)" \
		probe_is param "${MODPARAM%%.*}/debug 3"
	c_ro_root_directory_unchanged() { [ "$before" = "$(treesum "$ROOT")" ] && [ ! -e "$ROOT/out/written" ]; }
	check "$K ro: the root directory is unchanged" c_ro_root_directory_unchanged
}

# init= and the arguments after "--" reach the real init unchanged;
# root9p.tmp=off leaves /tmp on 9p; defaults fill a bare rootflags.
case_init_args() {
	boot "$K-init" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" \
		--cmdline "root=fsRoot rootfstype=9p rw console=ttyS0 root9p.tmp=off init=/probe/init2 -- alpha \"beta gamma\" --delta"
	check "$K init=: the requested init ran" probe_is argv0 /probe/init2
	check "$K init=: three arguments" probe_is argc 3
	c_init_arguments_unchanged() { [ "$(probe arg1)" = alpha ] && [ "$(probe arg2)" = "beta gamma" ] && [ "$(probe arg3)" = --delta ]; }
	check "$K init=: arguments unchanged" c_init_arguments_unchanged
	c_root9p_tmp_off_tmp() { [ -z "$(mountinfo_of /tmp)" ]; }
	check "$K root9p.tmp=off: /tmp is not a tmpfs" c_root9p_tmp_off_tmp
	check "$K root9p.tmp=off: init9p said so" has "no tmpfs on /root/tmp: root9p.tmp=off"
	check "$K defaults: msize=512000 and cache filled in" \
		grep -qE "msize=512000.*$CACHE_SHOWN|$CACHE_SHOWN.*msize=512000" <<<"$(mountinfo_of /)"
}

# A root= tag that does not exist: the message names the real tag, in time.
case_bad_tag() {
	before=$(treesum "$ROOT")
	boot "$K-badtag" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" \
		--cmdline "root=nosuchtag rootfstype=9p rw console=ttyS0 root9p.timeout=2 panic=1"
	check "$K bad tag: message lists the tags present" \
		has 'mount tag "nosuchtag" not found after 2 s; tags present: fsRoot'
	check "$K bad tag: says what to try" has "init9p: try: set root= to one of the tags present"
	# The reboot itself, as the console shows it: init9p's announcement,
	# then the kernel's (a QEMU that ended early for another reason has
	# neither); QEMU not killed at the timeout (124) as well.
	check "$K bad tag: init9p says it reboots (panic=1)" has "init9p: rebooting in 1 s (panic=1)"
	check "$K bad tag: the kernel restarted the machine" has "reboot: Restarting system"
	check "$K bad tag: QEMU ended by itself (not the timeout)" [ "$RC" -ne 124 ]
	check "$K bad tag: no kernel panic" hasnt "Kernel panic"
	check "$K bad tag: the root directory is unchanged" [ "$before" = "$(treesum "$ROOT")" ]
}

# init= that does not exist: refused before anything is deleted.
case_bad_init() {
	before=$(treesum "$ROOT")
	boot "$K-badinit" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" \
		-a "init=/no/such/init panic=1"
	check "$K bad init=: the message names it" \
		has "init9p: cannot find the init to run: /no/such/init in the root: No such file or directory"
	check "$K bad init=: no kernel panic" hasnt "Kernel panic"
	check "$K bad init=: the root directory is unchanged" [ "$before" = "$(treesum "$ROOT")" ]
}

# No shell, no panic=: init9p waits and says so, never exits.
case_wait() {
	boot_bg "$K-wait" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" \
		--cmdline "root=nosuchtag rootfstype=9p console=ttyS0 root9p.timeout=1"
	wait_for "waiting. Fix the kernel command line and reboot" 90
	check "$K no shell: init9p says it waits" has "no rescue shell in this image"
	sleep 2
	check "$K no shell: PID 1 did not exit" hasnt "Kernel panic"
	stop_bg 0
}

# rootwait: waits past the timeout, saying so every few seconds.
case_rootwait() {
	boot_bg "$K-rootwait" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" \
		--cmdline "root=nosuchtag rootfstype=9p console=ttyS0 root9p.timeout=1 rootwait"
	check "$K rootwait: still waiting after the timeout, with the tags present" \
		wait_for "still waiting for mount tag nosuchtag after 5 s (present: fsRoot)" 90
	check "$K rootwait: no failure reported meanwhile" hasnt "cannot find the root"
	stop_bg 0
}

# The rescue shell, driven over the serial console.
case_rescue() {
	boot_bg "$K-rescue" -k "$KERNEL_IMAGE" -i "$IMG_RESCUE" -r "$ROOT" \
		--cmdline "root=nosuchtag rootfstype=9p console=ttyS0 root9p.timeout=1"
	if shell_open "starting a rescue shell" 90; then
		send 'echo RESCUE-$((6*7)); ls /lib/modules; echo TAGS-$(cat /sys/bus/virtio/drivers/9pnet_virtio/*/mount_tag)'
		wait_for "TAGS-fsRoot" 30
		send 'mount9p --tags; poweroff -f'
	fi
	stop_bg 30
	check "$K rescue: the shell ran commands" has "RESCUE-42"
	check "$K rescue: the shell sees the image and the tag" has "TAGS-fsRoot"
	check "$K rescue: mount9p is in the image" grep -qE '^fsRoot' <(console)
}

# An init whose ELF interpreter is not in the root: init9p refuses it
# before the wipe and names the missing file; the rescue shell still has
# the whole initramfs; nothing in the root directory changed.
case_bad_interp() {
	local interp=/lib/root9p-no-such-ld.so.1
	if ! printf 'int main(void) { return 0; }\n' | ${CC:-cc} -x c - \
		-o "$ROOT/probe/badinterp" -Wl,--dynamic-linker=$interp; then
		fail "$K bad interpreter: build the probe binary"
		return
	fi
	before=$(treesum "$ROOT")
	boot_bg "$K-badinterp" -k "$KERNEL_IMAGE" -i "$IMG_RESCUE" -r "$ROOT" \
		-a "init=/probe/badinterp"
	if shell_open "starting a rescue shell" 90; then
		send 'ls /init /lib/modules; echo RESCUE-$((6*7))'
		wait_for "RESCUE-42" 30
		send 'poweroff -f'
	fi
	stop_bg 30
	check "$K bad interpreter: refused, naming the missing file" \
		has "/probe/badinterp in the root: its ELF interpreter $interp is missing"
	check "$K bad interpreter: refused before switching" \
		hasnt "init9p: starting /probe/badinterp"
	check "$K bad interpreter: the rescue shell ran commands" has "RESCUE-42"
	c_bad_interpreter_initramfs_intact() { console | grep -qx /init && console | grep -qx "$KVER"; }
	check "$K bad interpreter: the initramfs is intact (/init, /lib/modules/$KVER)" c_bad_interpreter_initramfs_intact
	check "$K bad interpreter: no kernel panic" hasnt "Kernel panic"
	check "$K bad interpreter: the root directory is unchanged" \
		[ "$before" = "$(treesum "$ROOT")" ]
}

# A refused rootflags; the root mounted by hand in the rescue shell is
# taken when the shell exits (as initramfs-tools' panic shell allows).
case_rescue_mount() {
	boot_bg "$K-rescuemount" -k "$KERNEL_IMAGE" -i "$IMG_RESCUE" -r "$ROOT" \
		--cmdline "root=fsRoot rw rootfstype=9p rootflags=msize=100 console=ttyS0"
	if shell_open "starting a rescue shell" 90; then
		send 'mount9p -o trans=virtio,msize=262144 fsRoot /root && exit'
	fi
	wait_for "@@ done yes" 90
	stop_bg 30
	check "$K rescue mount: refused first, with the reason" \
		has "init9p: cannot use rootflags: msize=100 is below the minimum 4096"
	check "$K rescue mount: init9p took the root mounted by hand" \
		has "but /root is mounted already (9p from fsRoot): going on with it"
	c_rescue_mount_boot_went() { probe_is "done" yes && grep -q "msize=262144" <<<"$(mountinfo_of /)"; }
	check "$K rescue mount: the boot went on to the real init" c_rescue_mount_boot_went
}

# root9p.debug: the command line and each step in the log. root9p.modules=
# loads modules of the image by name (the rescue image has overlay) and
# names the one it lacks; a name modprobe would take for an option is
# refused before anything is loaded.
case_debug_modules() {
	boot "$K-debug" -k "$KERNEL_IMAGE" -i "$IMG_RESCUE" -r "$ROOT" \
		-a "root9p.debug root9p.modules=overlay probe.params=overlay/redirect_dir"
	check "$K root9p.debug: the command line is logged" has "init9p: command line: "
	c_root9p_debug_each_module() { grep -qE "init9p: loaded 9p( |$)" <(console) && grep -qE "init9p: found mount tag fsRoot in [0-9]+ ms" <(console); }
	check "$K root9p.debug: each module and the tag wait are logged" c_root9p_debug_each_module
	# Issue 28: every step timed, the total of init9p's own (all but the
	# modules), and the mountinfo reads counted (2: the mount's read-back,
	# the tmpfs step's; init9p's st_dev check spares the engine's "mounted
	# already?").
	check "$K root9p.debug: each step's ms, init9p's own total, 2 mountinfo reads" \
		grep -qE 'init9p: steps in ms: early [0-9]+, command line [0-9]+, modules [0-9]+, tag wait [0-9]+, mount [0-9]+, tmpfs [0-9]+, init check [0-9]+, pin [0-9]+, wipe [0-9]+; own [0-9]+; mountinfo reads 2$' <(console)
	check "$K root9p.modules=overlay: the module is loaded" \
		probe_has param '^overlay/redirect_dir [YN]$'
	check "$K root9p.modules=overlay: the probe ran to the end" probe_is "done" yes
	boot "$K-nodebug" -k "$KERNEL_IMAGE" -i "$IMG_RESCUE" -r "$ROOT"
	c_root9p_debug_debug_lines() { probe_is "done" yes && hasnt "init9p: command line: " && hasnt "init9p: found mount tag"; }
	check "$K no root9p.debug: no debug lines" c_root9p_debug_debug_lines
	boot "$K-nomod" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" -a "root9p.modules=overlay panic=1"
	c_root9p_modules_overlay_image() {
		has "init9p: cannot load a module: overlay: No such file or directory" &&
			has "init9p: try: root9p.modules names a module the image does not have: add it with mkinitrd9p --modules=overlay"
	}
	check "$K root9p.modules=overlay, not in the image: named, with what to do" c_root9p_modules_overlay_image
	boot "$K-badmod" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" \
		-a "root9p.modules=--force,overlay panic=1"
	c_root9p_modules_force_refused() {
		has "init9p: cannot use root9p.modules: root9p.modules=--force,overlay: \"--force\" is not a module name" &&
			[ -z "$(probe pid)" ] && hasnt "cannot load a module"
	}
	check "$K root9p.modules=--force: refused by name, never tried as a module" c_root9p_modules_force_refused
}

# pin_holds_dirs: every path root9p-pin holds is, in the root directory
# on the host, a directory or a link (the guest's /bin may be either).
pin_holds_dirs() {
	local p n=0
	for p in $(probe pin); do
		[ -d "$ROOT$p" ] || [ -L "$ROOT$p" ] || { echo "root9p-pin holds $p: not a directory or link"; return 1; }
		n=$((n + 1))
	done
	[ $n -gt 0 ]
}

# root9p-pin: on by default for a 9p root, holding the root's directories
# (not files); host-side edits in them are still seen at once (the same
# probe under cache=loose sees them late); off with
# root9p.pin=0 and with cache=loose (which keeps dentries itself).
case_pin() {
	# a root9p.mount= share on /var/lib, a path of the pin's list (#29.14)
	mkdir -p "$ROOT/var/lib" "$WORK/share-$K"
	boot "$K-pin" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" --extra-9p "again:$ROOT" \
		--extra-9p "share:$WORK/share-$K" \
		-a "probe.pinseen=again probe.pinwait root9p.debug root9p.mount=share:/var/lib probe.umount=/var/lib"
	c_root9p_pin_one_process() { [ "$(probe pin | wc -l)" = 1 ] && probe_has pin "^/bin /etc .*/usr /var $"; }
	check "$K root9p-pin: one process holds the root's /bin /etc /usr /var" c_root9p_pin_one_process
	check "$K root9p-pin: no capability left, the bounding set empty, no_new_privs" \
		probe_has pin_status "^CapPrm: 0+ CapEff: 0+ CapBnd: 0+ NoNewPrivs: 1 $"
	c_root9p_pin_maps_nothing() { probe_has pin_maps "/memfd:root9p-pin" && ! probe_has pin_maps "(^| )/init( |$)"; }
	check "$K root9p-pin: maps nothing of the initramfs (its sealed memfd copy, no /init)" c_root9p_pin_maps_nothing
	c_root9p_pin_holds_nothing() { ! probe_has pin "/var/lib" && probe_is umount "/var/lib ok"; }
	check "$K root9p-pin: holds nothing of a root9p.mount= share, which unmounts" c_root9p_pin_holds_nothing
	check "$K root9p-pin: each is a directory or link of the root, no file" pin_holds_dirs
	check "$K root9p-pin: init9p logged it (root9p.debug)" \
		has "init9p: root9p-pin (pid "
	c_root9p_pin_file_made() { probe_is pinseen_new one && probe_is pinseen_changed two && probe_is pinseen_removed gone; }
	check "$K root9p-pin: a file made, changed, removed on the host is seen at once in /etc" c_root9p_pin_file_made
	boot "$K-nopin" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" -a "root9p.pin=0 root9p.debug"
	c_root9p_pin_0_root9p() { probe_is "done" yes && hasnt "init9p: root9p-pin (pid " && [ -z "$(probe pin)" ]; }
	check "$K root9p.pin=0: no root9p-pin" c_root9p_pin_0_root9p
	# The same probe under cache=loose, which caches without asking the
	# host: it must see the stale file, or the check above proves nothing.
	boot "$K-loosepin" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" --extra-9p "again:$ROOT" \
		-o "trans=virtio,version=9p2000.L,cache=loose" -a "probe.pinseen=again root9p.debug"
	c_cache_loose_root9p_pin() { probe_is "done" yes && hasnt "init9p: root9p-pin (pid " && [ -z "$(probe pin)" ]; }
	check "$K cache=loose: no root9p-pin (loose keeps its dentries)" c_cache_loose_root9p_pin
	c_cache_loose_probe_sees() { probe_is pinseen_new one && ! probe_is pinseen_changed two; }
	check "$K cache=loose: the probe sees the host's change late (loose hides it)" c_cache_loose_probe_sees
}

# rd.shell=0 (and root9p.shell=0): no rescue shell even in an image that
# has one; init9p says it waits.
case_noshell() {
	boot_bg "$K-noshell" -k "$KERNEL_IMAGE" -i "$IMG_RESCUE" -r "$ROOT" \
		--cmdline "root=nosuchtag rootfstype=9p console=ttyS0 root9p.timeout=1 rd.shell=0"
	check "$K rd.shell=0: init9p waits, saying the shell is turned off" \
		wait_for "rescue shell turned off (rd.shell=0 or root9p.shell=0); waiting" 90
	check "$K rd.shell=0: no shell started" hasnt "starting a rescue shell"
	stop_bg 0
}

# break=premount: the rescue shell at that point; exiting it goes on.
case_break() {
	boot_bg "$K-break" -k "$KERNEL_IMAGE" -i "$IMG_RESCUE" -r "$ROOT" \
		--cmdline "root=fsRoot rw rootfstype=9p console=ttyS0 break=premount"
	if shell_open "starting a rescue shell (break=premount)" 90; then
		send 'echo BRK-$((6*7)) $(ls /root | wc -l); exit'
	fi
	wait_for "@@ done yes" 90
	stop_bg 30
	check "$K break=premount: the shell ran before the root was mounted" has "BRK-42 0"
	check "$K break=premount: the boot went on when it exited" probe_is "done" yes
}

# rootflags checked by mount9p at boot: warnings go on, errors stop; and
# mount9p --explain inside the guest judges for the running kernel.
case_opts() {
	boot "$K-optwarn" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" \
		-o "cahce=loose,mmap,msize=5000000" -a "probe.explain=cache=readahead"
	check "$K rootflags: cahce=loose boots with a typo warning" \
		has "init9p: warning: cahce=loose: unknown option, Linux $KMM ignores it; did you mean cache?"
	check "$K rootflags: the guest ran the probe to the end" probe_is "done" yes
	if [ "$KMM" = 6.1 ]; then
		check "$K rootflags: the bare word mmap is taken, no warning" hasnt "ignores the bare word mmap"
		c_mount9p_explain_guest_refuses() { [ "$(probe explain_rc)" = 1 ] && probe_has explain "error: cache=readahead is not a cache mode of Linux 6.1 \(accepted: none, loose, fscache, mmap\)"; }
		check "$K mount9p --explain in the guest refuses cache=readahead" c_mount9p_explain_guest_refuses
	else
		check "$K rootflags: the bare word mmap warns" \
			has "init9p: warning: mmap: Linux $KMM ignores the bare word mmap (bare cache words ended in 6.4); write cache=mmap"
		c_mount9p_explain_guest_accepts() { [ "$(probe explain_rc)" = 0 ] && probe_has explain "^trans=virtio,version=9p2000.L,msize=512000,cache=readahead$"; }
		check "$K mount9p --explain in the guest accepts cache=readahead" c_mount9p_explain_guest_accepts
	fi

	before=$(treesum "$ROOT")
	boot "$K-readahead" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" \
		-o "cache=readahead" -a "panic=1"
	if [ "$KMM" = 6.1 ]; then
		check "$K cache=readahead is refused at boot with mount9p's message" \
			has "init9p: cannot use rootflags: cache=readahead is not a cache mode of Linux 6.1 (accepted: none, loose, fscache, mmap)"
		c_cache_readahead_nothing_was() { hasnt "mounted fsRoot" && hasnt "Kernel panic"; }
		check "$K cache=readahead: nothing was mounted, no panic" c_cache_readahead_nothing_was
		check "$K cache=readahead: the root directory is unchanged" [ "$before" = "$(treesum "$ROOT")" ]
	else
		check "$K cache=readahead is accepted and shows as cache=0x1" \
			grep -q ',cache=0x1' <<<"$(mountinfo_of /)"
	fi
}

# checks_for K: one kernel's checks: 3, then the cases': howto 20
# (check_9p_root's 10 and check_wipe's 2 among them), ro 5, init_args 6, bad_tag 7,
# bad_init 3, wait 2, rootwait 2, rescue 3, bad_interp 6, rescue_mount 3,
# debug_modules 8, pin 10, noshell 2, break 2, opts 7 on 6.1 (5 later).
# Debian's: bookworm 6.1, trixie 6.12; another kernel's version is not
# known before it is fetched, and the suite then has no plan.
checks_for() {
	local n=$((3 + 20 + 5 + 6 + 7 + 3 + 2 + 2 + 3 + 6 + 3 + 8 + 10 + 2 + 2))
	case $1 in
	bookworm) echo $((n + 7)) ;;
	trixie) echo $((n + 5)) ;;
	*) return 1 ;;
	esac
}
# shellcheck disable=SC2086 # KERNELS is a list of words
t_plan_kernels 0 checks_for $KERNELS

for K in $KERNELS; do
	if ! env_text=$(scripts/fetch-kernel.sh --env "$K"); then
		fail "$K: fetch the kernel"
		[ -z "$T_PLAN" ] || t_skip $(($(checks_for "$K") - 1)) "$K: no kernel"
		continue
	fi
	eval "$env_text"
	cache_words "$KVER"
	KMM=$(echo "$KVER" | cut -d. -f1-2)
	# A module of the image with a readable parameter (6.12 builds fscache in).
	case $KMM in 6.1) MODPARAM=fscache.debug ;; *) MODPARAM=netfs.debug ;; esac
	IMG=$WORK/$K.img
	IMG_RESCUE=$WORK/$K-rescue.img
	ROOT=$WORK/root-$K
	LOG=
	check "$K: mkinitrd9p builds the image" \
		"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/$LIBC/init9p" -o "$IMG"
	check "$K: mkinitrd9p builds the rescue image" \
		"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/$LIBC/init9p" \
		--rescue-shell --modules=overlay -o "$IMG_RESCUE"
	check "$K: the tiny probe root is made" \
		scripts/mkroot-tiny.sh "$ROOT" "$O/$LIBC/mount9p"
	mkdir -p "$ROOT/probe"
	ln -sf /sbin/init "$ROOT/probe/init2"
	case_howto
	case_ro
	case_init_args
	case_bad_tag
	case_bad_init
	case_wait
	case_rootwait
	case_rescue
	case_bad_interp
	case_rescue_mount
	case_debug_modules
	case_pin
	case_noshell
	case_break
	case_opts
done
t_done "boot-$LIBC"
