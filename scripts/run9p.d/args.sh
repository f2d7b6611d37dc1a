# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# scripts/run9p.d/args.sh - run9p's options: --help's text, the defaults of
# every global (run9p_defaults) and the parser (run9p_parse_args).
# Sourced by scripts/run9p with the rest of run9p.d: the globals it
# reads and sets (QEMU among them, from the environment) are
# run9p_defaults' (args.sh), which shellcheck cannot see from here.
# shellcheck disable=SC2154,SC2034,SC2153

usage() {
	cat <<'EOF'
usage: run9p -k KERNEL -i INITRD -r ROOTDIR [options] [--qemu ARG]...
       run9p -k KERNEL [--modules DIR] [-r ROOTDIR | --host-root] [--overlay tmpfs|DIR]
             [--rw PATH]... [--cwd] [options] [--qemu ARG]... [-- CMD [ARGS...]]

Boot KERNEL (and INITRD) in QEMU with ROOTDIR shared over virtio-9p as the root.
Without -i: run CMD in such a guest and exit with its exit code (the loop).

Changed: "-- ARGS" used to pass QEMU arguments; that is now "--qemu ARG"
(once per argument: --qemu -nic --qemu user), and "--" starts the guest's
command, as in virtme-ng's "vng -- CMD". "--rw" (the default) now takes a
PATH; "--ro" stays.

  -k, --kernel FILE|DIR   kernel image (bzImage/vmlinuz; for aarch64 Debian's
                          vmlinuz, a gzip'ed Image, as it is). Without -i
                          also a kernel build tree after `make` (no
                          modules_install): its arch/x86/boot/bzImage, and
                          its modules from modules.order
      --arch x86_64|aarch64  the guest's architecture (default x86_64).
                          aarch64 runs qemu-system-aarch64 -M virt,gic-version=3
                          with the console on ttyAMA0 (PL011)
      --transport pci|mmio  the bus of the virtio-9p device: pci (default,
                          virtio-9p-pci) or mmio (virtio-9p-device on the virt
                          machine's virtio-mmio slots; --arch aarch64 only).
                          Build the initrd for the same one (mkinitrd9p
                          --transport)
  -i, --initrd FILE       initramfs (e.g. from mkinitrd9p) to boot the root's own
                          init with. Without it (or with auto, none, own),
                          the loop runs CMD: auto (the default) boots with no
                          initrd when the kernel's .config (its build tree's,
                          config-KVER beside it or in /boot) builds in 9p,
                          9pnet_virtio, virtio_pci, virtio_console, overlayfs,
                          tmpfs and devtmpfs and the root holds payload9p
                          (--host-root: run9p's own at its host path; -r DIR:
                          DIR/usr/lib/root9p/payload9p), which the kernel
                          then starts from the root as init=; else with run9p's
                          initrd around payload9p (cached in
                          ~/.cache/root9p/loop, keyed by the kernel and its
                          modules). none: no initrd, or a refusal saying why;
                          own: run9p's initrd. (A file so named: -i ./none)
  -r, --root DIR          host directory to boot as / (the loop's default:
                          --host-root)
  -t, --tag TAG           9p mount tag, also root=TAG (default fsRoot). At most
                          31 bytes of [A-Za-z0-9._-], starting with a letter:
                          QEMU uses it as a device id and splits options on
                          commas, so "a,b" would end the -device option early
  -o, --rootflags FLAGS   rootflags= (default
                          trans=virtio,version=9p2000.L,msize=512000,cache=mmap)
      --ro                mount the root read-only (default read-write).
                          QEMU serves it read-only too (-fsdev readonly=on):
                          a guest's remount,rw cannot write
      --usr-cache loose   ROOTDIR/usr as a second 9p share (tag r9pusr, the
                          root's security model, read-only with --ro)
                          mounted over the guest's /usr with cache=loose
                          (root9p.mount=r9pusr:/usr:cache=loose), the root
                          itself staying at its cache=mmap: faster boots and
                          programs, but the running guest does not see
                          host-side edits under /usr, and its writes there
                          reach the host at writeback or sync (DESIGN.md,
                          "A loose /usr"). ROOTDIR/usr must be a folder, not
                          a link; a 9p root only, no --overlay
  -a, --append "ARGS"     extra kernel arguments after the generated ones
                          (e.g. "root9p.debug init=/bin/sh"); more than one
                          -a add up, in their order
      --cmdline "LINE"    the whole kernel command line, replacing the generated
                          one (root=, console=ttyS0 or ttyAMA0, ... are then
                          up to you)
  -m, --mem SIZE          guest memory (default 512M)
  -c, --cpus N            virtual CPUs (default 1)
      --accel kvm|tcg|auto  default auto: kvm when /dev/kvm is usable (and the
                          guest's arch is the host's), else tcg.
                          tcg runs with -cpu max, kvm with -cpu host
      --pvh, --no-pvh     under TCG, an x86 kernel whose config has CONFIG_PVH=y
                          (config-KVER beside the bzImage, or its build tree's
                          .config) boots uncompressed through its PVH entry:
                          QEMU skips some 3 s of unpacking the bzImage. The
                          unpacked kernel is kept in ~/.cache/root9p/vmlinux.
                          --no-pvh boots the bzImage as it is; --pvh asks for
                          PVH under KVM too, and fails when it cannot
      --timeout SECONDS   stop QEMU after SECONDS (SIGTERM, SIGKILL 5 s later),
                          print why and exit 124; 0 = no limit (default)
      --security-model passthrough|mapped-xattr|mapped-file|none
                          QEMU's 9p security model (default mapped-xattr;
                          passthrough with --passthrough-as-root). A tree made
                          on the host (debootstrap, tarball) boots with
                          passthrough; mapped-* expect QEMU's own user.virtfs.*
                          xattrs (mkroot9p convert DIR --to mapped-xattr)
      --user USER|UID:GID as root: the user QEMU runs as once started (QEMU's
                          -runas, or -run-with user= on newer QEMU; it opens the
                          kernel, initrd and shares first). Default: the owner
                          of ROOTDIR, which must not be root (virtiofs: nobody
                          for a tree of root's). Group 0 is refused too
      --passthrough-as-root  as root, let QEMU keep root's rights with
                          security_model=passthrough (or none), and make
                          passthrough the default model. The guest's root is
                          then root over ROOTDIR on the host: it can make
                          set-uid root files and device nodes there. Ignored
                          when not run as root
      --allow-host-root   allow the host's / (or a path resolving to it) as
                          ROOTDIR or an --extra-9p directory
      --extra-9p TAG:DIR  one more virtio-9p share (repeatable); mount it in
                          the guest with mount -t 9p -o trans=virtio TAG /mnt
      --extra-9p-tcp DIR[:PATH]  one more share served by diod (a second 9p
                          server; apt-get install diod) over trans=tcp,
                          mounted on PATH in the guest (default: DIR's own
                          path; the folder must exist in the root).
                          Repeatable. diod runs as an ordinary user (you;
                          as root, DIR's owner or nobody) and every guest
                          user acts as that user; it reaches the guest
                          through QEMU's user network (restrict=on: the
                          guest gets no other network) and is stopped when
                          QEMU ends. The guest gets ip= and virtio_net
                          (the loop's image has it; an -i image needs it)
      --scratch SIZE[:LABEL[:FILE]]
                          a scratch disk for the guest's /tmp: FILE (default
                          ./LABEL.scratch.img; LABEL default scratch) is made
                          as a sparse file of SIZE (e.g. 4G) and formatted
                          with mkfs.ext4 -L LABEL when it does not exist
                          (mode 0600), reused as it is when it is a regular
                          file of your own that nobody else can write (never
                          a symbolic link or anything else), attached as
                          virtio-blk, and root9p.tmp=LABEL=LABEL is added to
                          the command line (--cmdline too). The initrd needs
                          it: mkinitrd9p --scratch
      --fs 9p|virtiofs|diod|auto  the root's transport (default 9p). diod
                          serves ROOTDIR over trans=tcp as --extra-9p-tcp
                          does (root=10.0.2.100, rootflags trans=tcp,port=,
                          aname= and ip=; -o adds to them), for an initrd
                          with virtio_net and 9pnet_fd (mkinitrd9p
                          --modules=virtio_net,9pnet_fd); not with --ro or
                          an overlay. virtiofs starts a
                          virtiofsd for ROOTDIR (--virtiofsd), gives QEMU a
                          vhost-user-fs-pci device with the tag and the shared
                          memory it needs (memory-backend-memfd,share=on), boots
                          with rootfstype=virtiofs (rootflags only from -o) and
                          stops the daemon when QEMU ends. The Rust virtiofsd
                          runs as the invoking user (as root: as the tree's
                          owner, as QEMU for 9p) in a user namespace
                          (--sandbox=namespace, --uid-map/--gid-map) that makes
                          that user the guest's root: the guest sees root's
                          files, the host the user's (/etc/subuid and
                          /etc/subgid ranges map the guest's other ids).
                          QEMU 7.2's C virtiofsd runs only as root, and as
                          root needs --passthrough-as-root (the guest's root
                          is root over the tree: see SECURITY.md), as does
                          the Rust one for a tree of root's. In the loop
                          (-- CMD) the root alone: no --host-root, --overlay
                          or --rw. auto: virtiofs when the kernel has it
                          (config-KVER beside it, or its module tree) and a
                          daemon can serve the root for this user, else 9p
                          (a kernel without 9p: virtiofs or a refusal); run9p
                          says which and why on one line
      --virtiofsd PATH    the daemon (default: the Rust virtiofsd when
                          installed, else QEMU's /usr/lib/qemu/virtiofsd)
      --vfs-cache auto|always|none  the daemon's cache mode (default auto)
      --libvirt-xml FILE  write a libvirt domain for this guest to FILE (- for
                          stdout) instead of running QEMU: direct kernel boot
                          (<kernel>, <initrd>, <cmdline>), the root as
                          <filesystem accessmode='mapped' multidevs='remap'>
                          (9p) or with <driver type='virtiofs'> and a shared
                          memfd <memoryBacking> (--fs virtiofs), domain type
                          qemu (TCG) or kvm per --accel; --extra-9p, --rw,
                          --overlay DIR as more <filesystem>, <readonly/>
                          where QEMU serves a share read-only, --scratch as
                          a <disk>. Refused by name: -- CMD, --status,
                          --qemu, --timeout, --user, --security-model other
                          than mapped-xattr, --pvh, --transport mmio,
                          --no-sandbox, a path with a control byte but tab.
                          FILE is replaced (a new file renamed over it,
                          never written through a link). Check it with
                          virt-xml-validate FILE domain; run it with virsh
                          define/start or virt-qemu-run FILE (see README.md
                          for the traps: labels, permissions)
      --libvirt-serial FILE  the domain's serial console goes to FILE
                          (default: a pty, for virsh console)
      --no-sandbox        do not pass -sandbox to QEMU
      --dry-run           print the command instead of running it
      --qemu ARG          one argument passed to QEMU last (repeatable, e.g.
                          --qemu -nic --qemu user)
  -h, --help              this text
      --kconfig TREE      configure Linux source tree TREE for the loop and
                          exit: kconfig/root9p-loop.config (9p, virtio-pci,
                          virtio console, overlayfs, tmpfs, devtmpfs built
                          in) merged into its .config (x86_64 defconfig when
                          none) by its merge_config.sh, then make
                          olddefconfig; names every option that did not take
                          (exit 1). Does not build: run make in TREE, then
                          run9p --kernel TREE -- CMD needs no modules

The loop (no -i):
      --modules DIR       the kernel's modules: a lib/modules/KVER folder or a
                          root holding one (default /lib/modules/KVER, KVER
                          from the bzImage). Not needed for a build tree, nor
                          for a kernel with 9p, virtio-pci and virtio-console
                          built in
      --host-root         the host's / as the root, served read-only by QEMU,
                          with a tmpfs overlay (root9p.overlay=tmpfs) so the
                          guest can write without changing the host. The
                          default without -r: `run9p -k TREE --cwd --
                          make -C tools/testing/selftests TARGETS=size
                          run_tests` runs kselftests from a kernel build
                          tree, at its host path, their builds and
                          results written to the tmpfs (--rw TREE keeps
                          them in the tree)
      --overlay tmpfs|DIR the root read-only under an overlay whose upper
                          layer is a tmpfs, or host folder DIR (another 9p
                          share: changes kept there)
      --rw PATH           make the host's PATH writable in an --host-root or
                          --overlay guest (one more 9p share mounted over
                          PATH, root9p.mount=; repeatable)
      --cwd               run CMD in the current folder (its path under
                          --host-root or --rw, the path inside ROOTDIR)
      --console           show the guest kernel's console on stderr (default:
                          kept in a log file, its tail shown on a crash)
      --status FILE       copy the guest's status lines there (start/exit
                          with guest milliseconds, for benchmarks)
      --fstests DIR       run fstests: DIR is a built checkout of fstests
                          (xfstests-dev); the arguments after -- are its
                          ./check's (-g quick, test names, -x GROUP ...).
                          The guest's root is the host's / read-only with a
                          tmpfs overlay (fstests' tools are the host's); the
                          results folder, shared read-write, gets
                          local.config (FSTYP=9p, TEST_DEV=fstest,
                          SCRATCH_DEV=fscratch, PLAN9_MOUNT_OPTIONS="-o
                          OPTS" with OPTS from -o, default the root's
                          default; the root itself keeps the default),
                          run-check.sh, test/, scratch/ and results/
                          (RESULT_BASE). Exit status: ./check's; 2 when
                          the TEST share cannot be mounted in the guest
                          (its message says why). As root it needs
                          --passthrough-as-root. With --fs virtiofs the
                          shares are virtiofs (a virtiofsd each; -o as
                          MOUNT_OPTIONS), the root stays 9p
      --fstests-results DIR  the results folder (default ./fstests-results;
                          made when missing)
      --fstests-test DIR, --fstests-scratch DIR
                          the TEST and SCRATCH shares (default test/ and
                          scratch/ in the results folder; made when missing)
  -- CMD [ARGS...]        the command to run in the guest (PATH lookup in the
                          guest's root). Its stdin is run9p's (a pipe, a
                          file, /dev/null, a terminal), its end read as
                          EOF, bytes unchanged; its stdout and stderr reach
                          run9p's stdout and stderr apart. CMD's end ends
                          the guest: what it left unread on stdin is not
                          waited for (a pipe whose writer stays open does
                          not hold run9p). A terminal is read in its own
                          line mode (lines go when Enter is pressed, Ctrl-D
                          ends the input, Ctrl-C stops run9p); in the
                          guest CMD's stdin is no terminal.
                          Without CMD: an interactive /bin/sh on the console

Console: the guest's ttyS0 (ttyAMA0 on aarch64) is on stdin/stdout. On a terminal the console is
multiplexed with the QEMU monitor: Ctrl-A x quits, Ctrl-A c switches to the
monitor, Ctrl-C goes to the guest. When stdin is not a terminal (a pipe, a file,
/dev/null) it is a plain byte stream to ttyS0, so a script can drive a rescue
shell: printf '\necho hi\npoweroff -f\n' | run9p ... The kernel resets the UART
when /init opens the console, which can drop the first byte sent before that:
start piped input with an empty line.

Text for the kernel command line is checked: rootflags, -a, --cmdline and
tags are printable ASCII only (no control bytes, no 0xa0, which the kernel
splits on as on a space); rootflags may not hold spaces or double quotes,
-a and --cmdline no unpaired double quote, which would change how the
kernel splits the arguments after it.

As root, --host-root keeps QEMU as root (passthrough): --rw, --overlay DIR
and --extra-9p beside it need --passthrough-as-root. The cache
(ROOT9P_CACHE, default ~/.cache/root9p) must be yours (or root's) and
writable by nobody else: run9p boots the kernels and initrds in it.

Exit status of the loop: CMD's own (a signal N as 128+N; a note says so
when it is one of run9p's 119-125); 2 for run9p's arguments; 118 the
guest's status line is malformed (only "exit N MS", N 0-255, is
payload9p's); 119 KERNEL is no kernel image or build tree, or a tree
not built (what to run is said); 120 a build tree without
modules.order; 121 a kernel with no 9p over virtio built in and no
modules; 122 the initrd could not be built; 123 the guest ended without
CMD's status (a kernel panic: the console's last lines are shown); 124
--timeout; 125 the guest could not run CMD (the root did not mount: its
message is shown); 126 CMD is not executable; 127 CMD was not found.

QEMU runs with -no-reboot: a guest reboot or poweroff ends it. No panic= is
set: init9p reads panic=N as "reboot instead of the rescue shell" (as
initramfs-tools does), so add -a panic=-1 for unattended runs that must end
on a failure. The exit status is QEMU's (0 for all three), 124 on --timeout, 2 when
run9p's own arguments are wrong.
SIGINT, SIGTERM and SIGHUP to run9p are passed on to QEMU; run9p waits for
it (SIGKILL 5 s later), stops the virtiofsd, removes its temporary folders
and exits 128+N. Bytes from the guest that run9p prints in its own lines
(a status or failure line, the console's tail) show as \xHH unless
printable ASCII.
When QEMU supports it, -sandbox on,obsolete=deny,elevateprivileges=deny,
spawn=deny,resourcecontrol=deny is used (without elevateprivileges=deny when
QEMU drops to --user: it needs setuid/setgid for that, and has nothing left
to gain afterwards). Environment: QEMU=binary to run
(default qemu-system-x86_64, qemu-system-aarch64 with --arch aarch64).
EOF
}

# run9p_defaults: every global run9p reads, at its default.
run9p_defaults() {
	QEMU=${QEMU:-}
	# QEMU 7.2: MAX_TAG_LEN 32 including the NUL (hw/9pfs/9p.h).
	TAG_MAX=31
	kernel="" initrd="" rootdir="" tag=fsRoot mode=rw extra_append="" cmdline=""
	rootflags=$DEFAULT_ROOTFLAGS usr_cache=""
	mem=512M cpus=1 accel=auto timeout=0 secmodel="" sandbox=1 dry_run=0 pvh=auto
	runas="" pt_as_root=0 allow_host_root=0 arch=x86_64 transport=pci
	extra_9p=() extra_tcp=() cmdline_extra="" qemu_user=() scratch="" scratch_qemu=() scratch_file=""
	rootfs=9p vfsd="" vfs_cache=auto vfs_dir="" vfs_pid="" vfs_kind="" vfs_help=""
	vfs_uid="" vfs_gid="" vfs_maps=()
	vfs_shares=() vfs_share_pids=() vfs_modules=""
	lv_xml="" lv_serial="" lv_tmp=""
	kconfig_tree=""
	qemu_pid="" timer_pid="" qemu_rc=0 qemu_timed_out=0 LOOP_RUN="" LOOP_KEEP=0 LOOP_STATUS="" LOOP_CONSOLE=""
	RUN9P_CLEANUPS=()
	LOOP_RELAY=""
	# The loop (no --initrd): scripts/run9p-loop.
	modules_dir="" host_root=0 overlay="" rw_paths=() use_cwd=0 show_console=0
	status_copy="" guest_cmd=() has_cmd=0 rootflags_given=""
	# --fstests: scripts/run9p-fstests.
	fst_tree="" fst_out="" fst_test="" fst_scratch=""
	diod_bin="" diod_dir="" diod_pid="" diod_user="" diod_modules=""
	diod_dirs=() diod_paths=()
}

# run9p_parse_args ARG...: the command line into the globals; -h prints
# --help and exits 0, an unknown or incomplete option exits 2.
run9p_parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		-k | --kernel) need_arg "$1" $#; kernel=$2; shift ;;
		-i | --initrd) need_arg "$1" $#; initrd=$2; shift ;;
		-r | --root) need_arg "$1" $#; rootdir=$2; shift ;;
		-t | --tag) need_arg "$1" $#; tag=$2; shift ;;
		-o | --rootflags) need_arg "$1" $#; rootflags=$2 rootflags_given=$2; shift ;;
		--rw) [ $# -ge 2 ] || die "--rw needs a PATH to make writable (the root is read-write by default; see --help)"
			rw_paths+=("$2"); shift ;;
		--ro) mode=ro ;;
		--usr-cache) need_arg "$1" $#; usr_cache=$2; shift ;;
		--modules) need_arg "$1" $#; modules_dir=$2; shift ;;
		--host-root) host_root=1 ;;
		--overlay) need_arg "$1" $#; overlay=$2; shift ;;
		--cwd) use_cwd=1 ;;
		--console) show_console=1 ;;
		--status) need_arg "$1" $#; status_copy=$2; shift ;;
		--fstests) need_arg "$1" $#; fst_tree=$2; shift ;;
		--fstests-results) need_arg "$1" $#; fst_out=$2; shift ;;
		--fstests-test) need_arg "$1" $#; fst_test=$2; shift ;;
		--fstests-scratch) need_arg "$1" $#; fst_scratch=$2; shift ;;
		--qemu) need_arg "$1" $#; qemu_user+=("$2"); shift ;;
		-a | --append) need_arg "$1" $#; extra_append="${extra_append:+$extra_append }$2"; shift ;;
		--cmdline) need_arg "$1" $#; cmdline=$2; shift ;;
		-m | --mem) need_arg "$1" $#; mem=$2; shift ;;
		-c | --cpus) need_arg "$1" $#; cpus=$2; shift ;;
		--accel) need_arg "$1" $#; accel=$2; shift ;;
		--pvh) pvh=yes ;;
		--no-pvh) pvh=no ;;
		--arch) need_arg "$1" $#; arch=$2; shift ;;
		--transport) need_arg "$1" $#; transport=$2; shift ;;
		--timeout) need_arg "$1" $#; timeout=$2; shift ;;
		--security-model) need_arg "$1" $#; secmodel=$2; shift ;;
		--user) need_arg "$1" $#; runas=$2; shift ;;
		--passthrough-as-root) pt_as_root=1 ;;
		--allow-host-root) allow_host_root=1 ;;
		--extra-9p) need_arg "$1" $#; extra_9p+=("$2"); shift ;;
		--extra-9p-tcp) need_arg "$1" $#; extra_tcp+=("$2"); shift ;;
		--scratch) need_arg "$1" $#; scratch=$2; shift ;;
		--fs) need_arg "$1" $#; rootfs=$2; shift
			[ "$rootfs" != virtiofs ] || TAG_MAX=36 ;; # virtio_fs_config.tag[36]
		--virtiofsd) need_arg "$1" $#; vfsd=$2; shift ;;
		--vfs-cache) need_arg "$1" $#; vfs_cache=$2; shift ;;
		--libvirt-xml) need_arg "$1" $#; lv_xml=$2; shift ;;
		--libvirt-serial) need_arg "$1" $#; lv_serial=$2; shift ;;
		--no-sandbox) sandbox=0 ;;
		--kconfig) need_arg "$1" $#; kconfig_tree=$2; shift ;;
		--dry-run) dry_run=1 ;;
		-h | --help) usage; exit 0 ;;
		--) shift; guest_cmd=("$@"); has_cmd=1; break ;;
		*) die "unknown argument '$1' (see --help)" ;;
		esac
		shift
	done
}
