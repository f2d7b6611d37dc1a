#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/host/run9p-dryrun.sh - what run9p refuses, and what its QEMU
# command line says, with --dry-run: no QEMU, no kernel (empty stand-in
# files for -k and -i), seconds. The same refusals the boot suites check
# beside their boots (scratch.sh, mkroot9p.sh, arm64.sh), for make quick.
# Ends with "run9p-dryrun: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/lib/check.sh
. tests/lib/check.sh
RUN9P=${RUN9P:-scripts/run9p}
t_plan 14

W=$(mktemp -d "${TMPDIR:-/var/tmp}/root9p-dryrun.XXXXXX") || exit 2
cleanup() { rm -rf "$W"; }
trap cleanup EXIT
: >"$W/vmlinuz"
: >"$W/initrd.img"
mkdir -p "$W/root" "$W/dir.disk"
ln -s /etc/passwd "$W/link.disk"

# dry ARGS...: run9p --dry-run on the stand-ins; output in OUT, status RC.
dry() {
	OUT=$("$RUN9P" -k "$W/vmlinuz" -i "$W/initrd.img" --dry-run "$@" 2>&1) && RC=0 || RC=$?
}
# refused MESSAGE ARGS...: run9p fails and says MESSAGE (a fixed string).
refused() {
	local msg=$1
	shift
	dry "$@"
	[ "$RC" != 0 ] && grep -qF -- "$msg" <<<"$OUT"
}
# says PATTERN ARGS...: run9p succeeds and its command line has PATTERN.
says() {
	local pat=$1
	shift
	dry "$@"
	[ "$RC" = 0 ] && grep -qF -- "$pat" <<<"$OUT"
}
link_intact() { [ -L "$W/link.disk" ] && head -n 1 /etc/passwd | grep -q '^root:'; }

R=(-r "$W/root" --passthrough-as-root)
check "--scratch: a symbolic link is refused" refused "is a symbolic link" "${R[@]}" --scratch "64M:x:$W/link.disk"
check "--scratch: the link's target is untouched" link_intact
check "--scratch: a folder is refused" refused "exists and is not a regular file" "${R[@]}" --scratch "64M:x:$W/dir.disk"
check "--scratch: a bad label is refused" refused "LABEL must be" "${R[@]}" --scratch "64M:a,b"
check "--scratch: a bad size is refused" refused "SIZE must be" "${R[@]}" --scratch "lots:x"
check "-r / is refused" refused "is the host's /" -r / --passthrough-as-root
check "-r /tmp/.. (resolving to /) is refused" refused "is the host's /" -r /tmp/.. --passthrough-as-root
check "a double quote in rootflags is refused" refused "has a double quote" "${R[@]}" -o 'cache=mmap"'
check "a newline in -a is refused" refused "outside printable ASCII" "${R[@]}" -a "$(printf 'a\nb')"
check "an unpaired double quote in -a is refused" refused "unpaired double quote" "${R[@]}" -a 'x="y'
check "two -a add up, in their order" says 'console=ttyS0\ one=1\ two=2' "${R[@]}" -a one=1 -a two=2
check "--ro: -fsdev ...,readonly=on" says 'readonly=on' "${R[@]}" --ro
check "--transport mmio on x86_64 is refused, naming --arch aarch64" \
	refused "transport mmio needs --arch aarch64" "${R[@]}" --transport mmio
if [ "$(id -u)" = 0 ]; then
	check "as root: passthrough without --passthrough-as-root is refused" \
		refused "Give --passthrough-as-root to mean it" -r "$W/root" --security-model passthrough
else
	skip "as root: passthrough without --passthrough-as-root is refused (runs as root only)"
fi
t_done run9p-dryrun
