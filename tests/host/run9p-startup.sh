#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/host/run9p-startup.sh - run9p's start-up once its caches are warm
# (#28): what QEMU supports is asked of a binary once and kept in the
# cache's index under the binary's identity (path, size, times, inode);
# the kernel is hashed at most once, and not at all when warm; the cached
# initrd is found without mkinitrd9p and without walking the module tree,
# and built again when a module it holds changes. A stale, planted or
# malformed index line is never used, nor an index others can write.
# Stand-ins: QEMU, mkinitrd9p and sha256sum (on PATH) record each call;
# the kernel is a file with a bzImage header. --dry-run: no guest.
#
# Ends with "run9p-startup: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/boot/lib.sh
t_plan 17
RUN9P=$(realpath "$RUN9P")

t_workdir run9p-startup "run9p start-up tests"
W=$WORK
K=6.1.0-stub
M=$W/mods/lib/modules/$K
mkdir -p "$W/bin" "$W/root" "$W/cache" "$M/kernel/fs/9p" "$M/kernel/other"
: >"$M/modules.dep"
: >"$M/modules.order"
echo 9p >"$M/kernel/fs/9p/9p.ko"
echo other >"$M/kernel/other/other.ko"

# A kernel file as far as run9p reads it: "HdrS" at 0x202, the version
# string's offset (relative to 0x200) at 0x20e.
head -c 2048 /dev/zero >"$W/vmlinuz"
printf 'HdrS' | dd of="$W/vmlinuz" bs=1 seek=514 conv=notrunc 2>/dev/null
printf '\000\002' | dd of="$W/vmlinuz" bs=1 seek=526 conv=notrunc 2>/dev/null
printf '%s (stub@run9p) #1\000' "$K" | dd of="$W/vmlinuz" bs=1 seek=1024 conv=notrunc 2>/dev/null
# (config-KVER says PVH: run9p hashes the kernel for its unpacked copy too.)
echo CONFIG_PVH=y >"$W/config-$K"

# The stand-in QEMU: each call's arguments on one line of $W/qemu.calls.
cat >"$W/bin/qemu" <<'EOF'
#!/bin/bash
echo "$*" >>"$CALLS/qemu.calls"
EOF
# The stand-in mkinitrd9p: its calls, -o written, and -v's lines for the
# one module an image holds here (9p.ko).
cat >"$W/bin/mkinitrd9p" <<EOF
#!/bin/bash
echo "\$*" >>"\$CALLS/mkinitrd.calls"
while [ \$# -gt 0 ]; do [ "\$1" = -o ] && : >"\$2"; shift; done
echo "mkinitrd9p: module 9p <- $M/kernel/fs/9p/9p.ko (3 bytes)" >&2
EOF
# sha256sum on PATH: what it reads (arguments, or its stdin's file).
cat >"$W/bin/sha256sum" <<'EOF'
#!/bin/bash
{ echo "$* <$(readlink /proc/self/fd/0)"; } >>"$CALLS/sha.calls"
exec /usr/bin/sha256sum "$@"
EOF
chmod +x "$W/bin/"*
cp "$W/bin/qemu" "$W/bin/qemu.orig"

export MKINITRD9P=$W/bin/mkinitrd9p PAYLOAD9P=$W/bin/mkinitrd9p
export ROOT9P_CACHE=$W/cache QEMU=$W/bin/qemu PATH=$W/bin:$PATH
export TMPDIR=$W
# As root, QEMU drops to the tree's owner: the run-with probe runs too.
[ "$(id -u)" != 0 ] || chown 1000:1000 "$W/root"
RUN=(-k "$W/vmlinuz" --modules "$M" -r "$W/root" --overlay tmpfs --accel tcg --dry-run -- true)
n=0

# run: one dry run with fresh call records in CALLS; RC, OUT, ERR.
run() {
	n=$((n + 1))
	export CALLS=$W/calls.$n
	mkdir -p "$CALLS"
	: >"$CALLS/qemu.calls"
	: >"$CALLS/mkinitrd.calls"
	: >"$CALLS/sha.calls"
	"$RUN9P" "${RUN[@]}" </dev/null >"$CALLS/out" 2>"$CALLS/err" && RC=0 || RC=$?
}
calls() { grep -c . "$CALLS/$1.calls"; }
kernel_hashes() { grep -c -F "$W/vmlinuz" "$CALLS/sha.calls"; }
has_sandbox() { grep -q -- '-sandbox on' "$CALLS/out"; }

run
check "cold: the dry run succeeds" [ "$RC" = 0 ]
check "cold: QEMU is asked what it supports" [ "$(calls qemu)" -ge 1 ]
check "cold: the initrd is built" [ "$(calls mkinitrd)" = 1 ]
check "cold: the kernel is hashed once, not once per use ($(kernel_hashes))" [ "$(kernel_hashes)" = 1 ]
# argv_norm: the dry run's command line with the run's own names (the
# loop's status and console files, named by run9p's pid) made one.
argv_norm() { sed -E 's/run9p\.[A-Za-z0-9]*/RUN/g; s#/run/[0-9]+(-[0-9]+)?\.#/run/PID.#g' "$CALLS/out"; }
cold_out=$(argv_norm)

run
check "warm: QEMU is not started ($(calls qemu) calls)" [ "$(calls qemu)" = 0 ]
check "warm: mkinitrd9p does not run" [ "$(calls mkinitrd)" = 0 ]
check "warm: the kernel is not hashed ($(kernel_hashes))" [ "$(kernel_hashes)" = 0 ]
check "warm: no sha256sum at all, the initrd's key remembered ($(calls sha))" [ "$(calls sha)" = 0 ]
check "warm: the same QEMU command line as cold" \
	[ "$(argv_norm)" = "$cold_out" ]
# Warm, run9p starts one program: the stat(1) that reads every file's
# identity at once (strace counts the execs, run9p's own aside). With
# --no-pvh: the stand-in kernel, a header alone, never unpacks, so PVH
# would try again each run (a real one is unpacked once, then reused).
# warm_execs: the programs a warm dry run executes, one a line.
warm_execs() {
	CALLS=$W/calls.strace
	mkdir -p "$CALLS"
	# (once untraced: warm for this command, whose paths differ)
	"$RUN9P" --no-pvh "${RUN[@]}" </dev/null >/dev/null 2>&1
	strace -f -qq -e trace=execve -o "$W/strace.out" "$RUN9P" --no-pvh "${RUN[@]}" </dev/null >/dev/null 2>&1
	grep -o 'execve("[^"]*"' "$W/strace.out" | sed 1d | sed 's/execve("//; s/"$//'
}
if command -v strace >/dev/null && strace -f -qq -e trace=execve -o /dev/null true 2>/dev/null; then
	execs=$(warm_execs | tr '\n' ' ')
	check "warm: one program started, stat (started: ${execs:-none})" [ "$execs" = "$(command -v stat) " ]
else
	skip "warm: one program started, stat (no strace here that can trace: apt-get install strace)"
fi

# A module of the tree that the image does not hold: the image stands.
touch -d '+1 minute' "$M/kernel/other/other.ko"
run
check "a module the image does not hold changed: no rebuild" [ "$(calls mkinitrd)" = 0 ]
# One that it holds: built again.
echo 9p-new >"$M/kernel/fs/9p/9p.ko"
run
check "a module the image holds changed: the initrd is built again" [ "$(calls mkinitrd)" = 1 ]

# Another QEMU at the same path (a new mtime, size, inode): asked again.
rm -f "$W/bin/qemu"
{ cat "$W/bin/qemu.orig"; echo "# another build"; } >"$W/bin/qemu"
chmod +x "$W/bin/qemu"
run
check "QEMU replaced: asked again ($(calls qemu) calls)" [ "$(calls qemu)" -ge 1 ]

# Planted lines: "no sandbox" for this QEMU under another identity, and a
# value of no valid form. Neither is used: -sandbox stays.
idx=$W/cache/run9p/index
q_id() { stat -L -c '%s %.9Y %.9Z %i %d' "$W/bin/qemu"; }
grep -v "^qemu-sandbox" "$idx" >"$idx.new" && mv "$idx.new" "$idx"
{
	echo "qemu-sandbox=on,obsolete=deny,spawn=deny,resourcecontrol=deny 0 1 2 3 4 5 $W/bin/qemu"
	echo "qemu-sandbox=on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny x $(q_id) $W/bin/qemu"
	echo "qemu-sandbox=on,obsolete=deny,spawn=deny,resourcecontrol=deny x $(q_id) $W/bin/qemu"
} >>"$idx"
run
asked_and_sandboxed() { [ "$(calls qemu)" -ge 1 ] && has_sandbox; }
check "a stale or malformed index line is not used: QEMU asked, -sandbox kept" asked_and_sandboxed

# An index others can write is not read.
run
chmod 666 "$idx"
run
check "an index others can write is not used: QEMU asked again" [ "$(calls qemu)" -ge 1 ]
check "... and said so" grep -q "not using the cache index $idx: its group or others can write it" "$CALLS/err"
check "... and the run goes on" [ "$RC" = 0 ]
t_done run9p-startup
