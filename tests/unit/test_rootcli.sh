#!/bin/sh
# tests/unit/test_rootcli.sh - mount9p --check / --modules / --root as the
# hooks use them: the KEY=VALUE lines survive eval whatever the tag holds,
# exit codes, and --root's refusals before anything is mounted.
#   tests/unit/test_rootcli.sh [MOUNT9P]   (default build/mount9p)
m=${1:-build/mount9p}
case $m in /*) ;; *) m=$PWD/$m ;; esac	# one test runs in another folder
# only failures are printed: the unit tests' way
T_QUIET=1
# shellcheck source=tests/lib/check.sh
. "$(dirname "$0")/../lib/check.sh"
# one result a check or check_eval line below
t_plan 35

# check_eval CMDLINE VAR WANT: eval of --check's output sets VAR to WANT.
check_eval() {
	out=$("$m" --check --kernel 6.1 --cmdline "$1" 2>/dev/null)
	# shellcheck disable=SC2034 # unset for the eval: set only if --check says it
	val=$(R9P_ROOT=; eval "$out"; eval "printf '%s' \"\$$2\"")
	[ "$val" = "$3" ] || { fail "$1: $2='$val', want '$3'"; return; }
	pass "$1: $2"
}

check_eval 'root=fsRoot rootfstype=9p' R9P_ROOT yes
check_eval 'root=fsRoot rootfstype=9p' R9P_TAG fsRoot
check_eval "\"root=it's \$(touch /tmp/pwned-r9p) \`x\`\" rootfstype=9p" R9P_TAG "it's \$(touch /tmp/pwned-r9p) \`x\`"
check "no command ran from a tag" [ ! -e /tmp/pwned-r9p ]
check_eval 'root=a rootfstype=9p rootflags=msize=262144,cache=loose rw' R9P_OPTIONS 'rw,trans=virtio,version=9p2000.L,msize=262144,cache=loose'
check_eval '"rootflags=cache=loose,access=any" root=a rootfstype=9p' R9P_OPTIONS 'ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose,access=any'
check_eval 'root=a rootfstype=9p rootwait' R9P_TIMEOUT -1
check_eval 'root=a rootfstype=9p root9p.tmp=size=1m' R9P_TMP 'mode=1777,size=1m,nosuid,nodev'
check_eval 'root=a rootfstype=9p root9p.tmp=LABEL=scr root9p.swap=UUID=1-2' R9P_TMP_DISK 'LABEL=scr'
check_eval 'root=a rootfstype=9p root9p.tmp=LABEL=scr root9p.swap=UUID=1-2' R9P_SWAP 'UUID=1-2'
check "--modules: a scratch disk adds virtio_blk and ext4" \
	[ "$("$m" --modules --cmdline 'root9p.tmp=LABEL=x')" = "virtio_pci 9pnet_virtio 9p virtio_blk ext4" ]
check_eval 'root=/dev/vda1' R9P_ROOT no
check_eval 'root=a rootfstype=9p rootflags=cache=readahead' R9P_ERROR 'cannot use rootflags: cache=readahead is not a cache mode of Linux 6.1 (accepted: none, loose, fscache, mmap)'
# Overlay roots and extra shares (#13): the lower read-only and caching,
# the module asked for, bad values explained.
check_eval 'root=a rootfstype=9p rw' R9P_OVERLAY ''
check_eval 'root=a rootfstype=9p rw root9p.overlay=tmpfs' R9P_OVERLAY tmpfs
check_eval 'root=a rootfstype=9p rw root9p.overlay=tmpfs' R9P_OPTIONS 'ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose'
check_eval 'root=a rootfstype=9p root9p.overlay=guest1' R9P_MODULES 'virtio_pci 9pnet_virtio 9p overlay'
check_eval 'root=a rootfstype=9p root9p.overlay=a=b' R9P_ERROR 'cannot use root9p.overlay: root9p.overlay=a=b: not "tmpfs", a 9p mount tag nor a disk; write root9p.overlay=tmpfs (changes in RAM), root9p.overlay=TAG (changes in that share'"'"'s upper/ folder) or root9p.overlay=LABEL=name (on that disk)'
check_eval 'root=a rootfstype=9p root9p.mount=d:/mnt:ro root9p.mount=e:rel' R9P_MOUNTS 'd:/mnt:ro,trans=virtio,version=9p2000.L,msize=512000,cache=mmap'
# Every mount flag an entry keeps, not only ro (found by fuzz_extramount).
check_eval 'root=a rootfstype=9p root9p.mount=d:/mnt:noexec,ro,nosuid' R9P_MOUNTS 'd:/mnt:ro,nosuid,noexec,trans=virtio,version=9p2000.L,msize=512000,cache=mmap'
c_bad_mount_explained() {
	"$m" --check --cmdline "root=a rootfstype=9p root9p.mount=e:rel" 2>&1 >/dev/null |
		grep -q "root9p.mount=e:rel: the path \"rel\" is not an absolute path"
}
check "--check: a bad root9p.mount is explained on stderr" c_bad_mount_explained
check "--modules: overlay for root9p.overlay=, before root9p.modules" \
	[ "$("$m" --modules --cmdline 'root9p.overlay=tmpfs root9p.modules=virtio_blk')" = "virtio_pci 9pnet_virtio 9p overlay virtio_blk" ]

"$m" --check --kernel 6.1 --cmdline 'root=a rootfstype=9p rootflags=cache=readahead' >/dev/null 2>&1
check "--check: refused is exit 1" [ $? = 1 ]
"$m" --check --cmdline 'root=/dev/vda1 rootfstype=ext4' >/dev/null 2>&1
check "--check: not ours is exit 0" [ $? = 0 ]
check "--modules: the list, then root9p.modules" \
	[ "$("$m" --modules --cmdline 'root9p.modules=overlay')" = "virtio_pci 9pnet_virtio 9p overlay" ]
"$m" --modules --cmdline 'root9p.modules=--force' >/dev/null 2>&1
check "--modules: an option-like name is refused (exit 1)" [ $? = 1 ]
f=$(mktemp)
printf 'root=fromfile rootfstype=9p\n' >"$f"
check "--cmdline-file FILE reads the file" [ "$("$m" --check --cmdline-file "$f" | grep R9P_TAG)" = "R9P_TAG='fromfile'" ]
rm -f "$f"
# #29.11: --cmdline is text only, even when a file in the current folder
# has the text's name (a planted one would have chosen the modules).
d=$(mktemp -d)
printf 'root9p.modules=planted\n' >"$d/root9p.overlay=tmpfs"
check "--cmdline TEXT is the text, not a file of that name" \
	[ "$(cd "$d" && "$m" --modules --cmdline 'root9p.overlay=tmpfs')" = "virtio_pci 9pnet_virtio 9p overlay" ]
rm -rf "$d"
"$m" --check --cmdline-file /nonexistent/cmdline >/dev/null 2>&1
check "--cmdline-file: a missing file is exit 5" [ $? = 5 ]
"$m" --check --cmdline 'root=a' --cmdline-file /proc/cmdline >/dev/null 2>&1
check "--cmdline and --cmdline-file together are a usage error" [ $? = 2 ]

# --root refuses before mounting anything, with the reason on stdout too.
d=$(mktemp -d)
out=$("$m" --root "$d" --kernel 6.1 --cmdline 'root=a rootfstype=9p rootflags=cache=readahead' 2>/dev/null)
check "--root: refused rootflags exit 1" [ $? = 1 ]
check "--root: the reason on stdout for panic/die" \
	[ "$out" = "mount9p: cannot use rootflags: cache=readahead is not a cache mode of Linux 6.1 (accepted: none, loose, fscache, mmap)
mount9p: try: fix rootflags= on the kernel command line (mount9p --explain -o OPTS shows what a kernel takes)" ]
"$m" --root "$d" --sysfs "$d" --cmdline 'root=nosuchtag rootfstype=9p root9p.timeout=0' >/dev/null 2>&1
check "--root: a missing tag is exit 3" [ $? = 3 ]
"$m" --root "$d/missing" --cmdline 'root=a rootfstype=9p' >/dev/null 2>&1
check "--root: a missing folder is exit 4" [ $? = 4 ]
"$m" --root >/dev/null 2>&1
check "--root without DIR is a usage error" [ $? = 2 ]
rmdir "$d"
t_done rootcli
