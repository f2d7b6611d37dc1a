#!/bin/sh
# scripts/demo.sh - `make demo`: build root9p, fetch Debian 12's kernel,
# make a tiny root directory, boot it over 9p under QEMU and show what the
# guest saw. Everything lands in a folder outside the repo.
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
LIBC=${LIBC:-klibc}

make -s all LIBC="$LIBC"
eval "$(scripts/fetch-kernel.sh --env bookworm)"
demo=${ROOT9P_DEMO:-${TMPDIR:-/var/tmp}/root9p-demo}
mkdir -p "$demo"
"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/$LIBC/init9p" -o "$demo/initrd.img"
rm -rf "$demo/root"
scripts/mkroot-tiny.sh "$demo/root" "$O/$LIBC/mount9p"

echo
echo "== booting Linux $KVER on the 9p root $demo/root (QEMU, TCG) =="
flags=trans=virtio,version=9p2000.L,msize=5000000,cache=mmap,posixacl
scripts/run9p --accel tcg --timeout 180 --passthrough-as-root -k "$KERNEL_IMAGE" -i "$demo/initrd.img" \
	-r "$demo/root" --cmdline "root=fsRoot rw rootfstype=9p rootflags=$flags console=ttyS0 probe.token=hello-from-the-guest" \
	</dev/null | tr -d '\r' | tee "$demo/console.log" |
	grep -E '^(\[[ 0-9.]*\] )?(init9p:|@@ mount |@@ done)|Run /init|realinit'

echo
echo "== what the guest wrote to the host directory =="
echo "$demo/root/out/written: $(cat "$demo/root/out/written")"
echo "root / as the guest's kernel reported it:"
awk '$5 == "/" && $4 == "/"' "$demo/root/out/mountinfo"
echo
echo "Full console log: $demo/console.log"
