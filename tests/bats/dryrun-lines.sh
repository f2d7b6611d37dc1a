#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/bats/dryrun-lines.sh - print what `run9p --dry-run` says (status,
# stderr, the daemon and QEMU lines) for a fixed set of invocations, so
# two versions of run9p can be diffed byte for byte:
#     tests/bats/dryrun-lines.sh OLD/run9p >old.txt
#     tests/bats/dryrun-lines.sh scripts/run9p >new.txt && diff old.txt new.txt
# Needs a real kernel (KERNEL_IMAGE, KERNEL_BASE, KVER: scripts/fetch-kernel.sh
# --env bookworm) for the loop's lines; builds nothing but the loop's cached
# initrd. Paths are fixed (/tmp/run9p-dry) so the lines compare; as
# root, the shares belong to uid 1000.
set -u
RUN9P=${1:?usage: dryrun-lines.sh PATH/run9p}
: "${KERNEL_IMAGE:?set it: eval \"\$(scripts/fetch-kernel.sh --env bookworm)\"}"
W=/tmp/run9p-dry
rm -rf "$W"
mkdir -p "$W/root/tmp" "$W/up" "$W/share" "$W/rw" "$W/tcp" "$W/tmp"
chown -R 1000:1000 "$W/root" "$W/up" "$W/share" "$W/rw" "$W/tcp" 2>/dev/null || true
cp "$KERNEL_IMAGE" "$W/vmlinuz"
: >"$W/initrd.img"
export TMPDIR=$W/tmp
M=(--modules "$KERNEL_BASE/lib/modules/$KVER")
I=(-k "$W/vmlinuz" -i "$W/initrd.img" -r "$W/root")
n=0
run() {
	local rc=0 out
	n=$((n + 1))
	out=$(cd "$W" && "$RUN9P" --dry-run "$@" 2>&1) || rc=$?
	# The loop's run folder (mktemp -d) is named at random.
	printf '=== %d: %s\n--- status %d\n%s\n' "$n" "$*" "$rc" "$out" |
		sed 's#/run9p\.[A-Za-z0-9]\{6\}/#/run9p.XXXXXX/#g'
}
run "${I[@]}"
run "${I[@]}" --ro
run "${I[@]}" -a one=1 -o trans=virtio,cache=loose --mem 1G --cpus 2 --accel tcg
run "${I[@]}" --no-pvh --no-sandbox --timeout 5 --qemu -nic --qemu user
run "${I[@]}" --extra-9p share:"$W/share"
run "${I[@]}" --scratch 64M:s:"$W/s.img"
run "${I[@]}" --fs virtiofs --passthrough-as-root
run "${I[@]}" --fs virtiofs --passthrough-as-root --virtiofsd /usr/lib/qemu/virtiofsd --vfs-cache none
run "${I[@]}" --fs diod
run "${I[@]}" --extra-9p-tcp "$W/tcp:/mnt/tcp"
run "${I[@]}" --arch aarch64 --transport mmio
run "${I[@]}" --libvirt-xml -
run "${I[@]}" --libvirt-xml - --ro --extra-9p share:"$W/share" --scratch 64M:s:"$W/s.img"
run "${I[@]}" --libvirt-xml - --fs virtiofs --passthrough-as-root
run "${I[@]}" --libvirt-xml - --qemu -nic
run -k "$W/vmlinuz" "${M[@]}" -r "$W/root" -- echo hi
run -k "$W/vmlinuz" "${M[@]}" -r "$W/root" --overlay tmpfs -- echo hi
run -k "$W/vmlinuz" "${M[@]}" -r "$W/root" --overlay "$W/up" --rw "$W/rw" --cwd --console -- true
run -k "$W/vmlinuz" "${M[@]}" --host-root -- uname -r
run -k "$W/vmlinuz" "${M[@]}" -r "$W/root" --fs virtiofs --passthrough-as-root -- echo hi
run -k "$W/vmlinuz" "${M[@]}" -r "$W/root" --scratch 64M:s:"$W/s.img" -- true
run -k "$W/vmlinuz" "${M[@]}" -r "$W/root" --libvirt-xml - --overlay "$W/up" --rw "$W/rw"
run -k "$W/vmlinuz" "${M[@]}" -r "$W/root" --libvirt-xml - -- true
run "${I[@]}" --bogus
run "${I[@]}" -t 'a,b'
run -k "$W/vmlinuz" -i "$W/initrd.img"
run -i "$W/initrd.img"
rm -rf "$W"
