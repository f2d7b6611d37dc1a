#!/bin/bash
# SPDX-License-Identifier: MIT
# semantics/lib-test.sh - semantics/lib.sh function by function, on the
# host, no guest: the configuration table, the parse of semprobe's lines,
# each kind of HOST check (passthrough and mapped-xattr), the statfs
# comparison and the expected-file comparison. Needs root for nothing;
# the xattr checks are skipped where the work folder's filesystem has no
# user xattrs.
#
# Ends with "semantics-lib: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/boot/lib.sh
. semantics/lib.sh
PLAN=56

W=$(mktemp -d "${TMPDIR:-/var/tmp}/root9p-semlib.XXXXXX") || exit 2
trap 'rm -rf --one-file-system "$W"' EXIT
LOG=

# --- sem_config ---
c_sem_config_default_row() { sem_config 9p-mmap && [ "$C_PATH $C_FS $C_MODEL $C_CACHE $C_OWNER" = "init9p 9p mapped-xattr mmap user" ] && [ -z "$C_ARGS" ]; }
check "sem_config: the default row" c_sem_config_default_row
c_sem_config_kernel_args() { sem_config 9p-mmap-nopin && [ "$C_ARGS" = root9p.pin=0 ]; }
check "sem_config: kernel arguments kept" c_sem_config_kernel_args
c_sem_config_virtiofs_rows() { sem_config vfs-none && [ "$C_FS $C_OWNER $C_CACHE" = "virtiofs root none" ]; }
check "sem_config: virtiofs rows are root's trees" c_sem_config_virtiofs_rows
c_sem_config_refuses_unknown() { ! sem_config no-such; }
check "sem_config: an unknown name is refused" c_sem_config_refuses_unknown
c_sem_config_names_every_row() { [ "$(sem_config_names | head -n 1)" = 9p-mmap ] && [ "$(sem_config_names | wc -l)" = 12 ]; }
check "sem_config_names: every row, the default first" c_sem_config_names_every_row

# --- sem_lines, sem_parse ---
printf '%s\r\n' '[    7.1] SEM unlink.fstat PASS ok' 'noise' '[   12.5] SEM unlink.mmap FAIL errno=ENOENT mmap of it' \
	'HOST unlink.setup sem.1/a size=3' '[ 12.6] SEMPROBE-END 2' >"$W/console"
sem_lines "$W/console" >"$W/lines"
c_sem_lines_cleaned() { [ "$(wc -l <"$W/lines")" = 4 ] && [ "$(head -n 1 "$W/lines")" = "SEM unlink.fstat PASS ok" ]; }
check "sem_lines: timestamps and \\r gone, other lines dropped" c_sem_lines_cleaned
sem_parse "$W/lines" "$W/res"
check "sem_parse: probe, result and detail" grep -qx 'unlink.mmap FAIL errno=ENOENT mmap of it' "$W/res"
check "sem_parse: a complete run" grep -qx 'run.complete PASS 2 results' "$W/res"
grep -v SEMPROBE-END "$W/lines" >"$W/cut"
sem_parse "$W/cut" "$W/res2"
check "sem_parse: no SEMPROBE-END is a cut-off run" grep -q '^run.complete FAIL differs: no SEMPROBE-END' "$W/res2"
sed 's/SEMPROBE-END 2/SEMPROBE-END 3/' "$W/lines" >"$W/short"
sem_parse "$W/short" "$W/res3"
check "sem_parse: fewer SEM lines than SEMPROBE-END says" grep -q '^run.complete FAIL differs: SEMPROBE-END says 3 results, 2 arrived' "$W/res3"

# --- sem_host_check ---
d=$W/dir
mkdir -p "$d/sem.1"
printf abc >"$d/sem.1/a"
ln "$d/sem.1/a" "$d/sem.1/b"
chmod 4750 "$d/sem.1/a"
h() { sem_host_check "$d" "$1" "$2" "$3"; }
# host_is MODE CHECK PATH LINE: sem_host_check's verdict is LINE exactly;
# host_says MODE CHECK PATH PATTERN: it matches PATTERN (grep's basic syntax)
host_is() { [ "$(h "$1" "$2" "$3")" = "$4" ]; }
host_says() { h "$1" "$2" "$3" | grep -q -- "$4"; }
check "sha256= alike" host_is passthrough sha256=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad sem.1/a "PASS sha256=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
check "sha256= differs" host_says passthrough sha256=00 sem.1/a "^FAIL differs: sha256=ba78.* on the host, 00 in the guest"
check "size= alike" host_is passthrough size=3 sem.1/a "PASS size=3"
check "size= differs" host_says passthrough size=4 sem.1/a "^FAIL differs: size=3 on the host, 4 in the guest"
check "nlink=" host_is passthrough nlink=2 sem.1/a "PASS nlink=2"
check "mode= passthrough, set-uid kept, leading zeros alike" host_is passthrough mode=04750 sem.1/a "PASS mode=04750"
check "mode= passthrough differs" host_says passthrough mode=755 sem.1/a "^FAIL differs: mode=4750 on the host, 755 in the guest"
check "absent: alike" host_is passthrough absent sem.1/none "PASS absent"
check "absent: it exists" host_says passthrough absent sem.1/a "^FAIL differs: sem.1/a exists on the host"
check "a file not on the host: ENOENT" host_says passthrough size=1 sem.1/none "^FAIL errno=ENOENT"
check "a path out of the folder is refused" host_says passthrough size=3 ../dir/sem.1/a "^FAIL differs: path .* leaves the folder"
check "an unknown check is named" host_says passthrough colour=red sem.1/a "^FAIL differs: unknown check .colour=red."
if python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.t", b"x")' "$d/sem.1/a" 2>/dev/null; then
	# QEMU's mapped-xattr: the guest's mode in user.virtfs.mode, LE.
	python3 -c 'import os, sys, struct; os.setxattr(sys.argv[1], "user.virtfs.mode", struct.pack("<I", 0o100640))' "$d/sem.1/b"
	python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.virtfs.trusted.t", bytes.fromhex("0102"))' "$d/sem.1/a"
	check "mode= mapped-xattr reads user.virtfs.mode" host_is mapped-xattr mode=640 sem.1/b "PASS mode=640"
	check "xattr: user.* as it is" host_is mapped-xattr xattr:user.t=78 sem.1/a "PASS xattr:user.t=78"
	check "xattr: mapped trusted.* under user.virtfs." host_is mapped-xattr xattr:trusted.t=0102 sem.1/a "PASS xattr:trusted.t=0102"
	python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.virtiofs.trusted.v", bytes.fromhex("0a0b"))' "$d/sem.1/a"
	check "xattr: virtiofsd's trusted.* under user.virtiofs." host_is passthrough xattr:trusted.v=0a0b sem.1/a "PASS xattr:trusted.v=0a0b"
	check "xattr: none on the host: ENODATA" host_says passthrough xattr:user.none=00 sem.1/a "^FAIL errno=ENODATA"
else
	for n in 1 2 3 4 5; do skip "xattr check $n: no user xattrs on $W's filesystem"; done
fi

# --- sem_host_checks ---
printf '%s\n' 'HOST a.b sem.1/a size=3' 'SEM a.b PASS ok' 'HOST a.c sem.1/a nlink=1' >"$W/hl"
sem_host_checks "$W/hl" "$d" passthrough "" >"$W/hr"
c_host_checks_one_per_line() {
	[ "$(cat "$W/hr")" = "a.b.host PASS size=3
a.c.host FAIL differs: nlink=2 on the host, 1 in the guest" ]
}
check "sem_host_checks: one .host result per HOST line" c_host_checks_one_per_line
c_host_checks_all_skip() { [ "$(sem_host_checks "$W/hl" "$d" passthrough "no files" | grep -c " SKIP no files$")" = 2 ]; }
check "sem_host_checks: all SKIP with a reason" c_host_checks_all_skip

# --- sem_statfs_check ---
read -r bs b bf f ff nm < <(stat -f -c '%S %b %f %c %d %l' "$W")
echo "SEM statfs.values INFO bsize=$bs blocks=$b bfree=$bf files=$f ffree=$ff namemax=$nm" >"$W/sf"
check "statfs: the host's own figures pass" grep -q '^statfs.values.host PASS' <(sem_statfs_check "$W/sf" "$W")
# The 9p way: blocks of msize, rounded down.
echo "SEM statfs.values INFO bsize=507904 blocks=$((bs * b / 507904)) bfree=$((bs * bf / 507904)) files=$f ffree=$ff namemax=$nm" >"$W/sf9"
check "statfs: 9p's larger blocks, rounded down, pass" grep -q '^statfs.values.host PASS' <(sem_statfs_check "$W/sf9" "$W")
echo "SEM statfs.values INFO bsize=$bs blocks=$((b / 2)) bfree=$bf files=$((f + 1)) ffree=$ff namemax=$nm" >"$W/sfx"
c_statfs_other_total_named() { sem_statfs_check "$W/sfx" "$W" | grep -q "^statfs.values.host FAIL differs: total=.* files=$((f + 1)) host $f"; }
check "statfs: another total and file count are named" c_statfs_other_total_named
check "statfs: no line from the guest is a skip" grep -q '^statfs.values.host SKIP' <(sem_statfs_check /dev/null "$W")

# --- sem_unique ---
printf '%s\n' 'a.x.host PASS mode=640' 'a.y PASS' 'a.x.host FAIL differs: m' >"$W/dup"
sem_unique "$W/dup"
sem_unique "$W/dup"
c_sem_unique_once() { [ "$(cut -d" " -f1 "$W/dup" | tr "\n" " ")" = "a.x.host a.y a.x.host.2 " ]; }
check "sem_unique: a name again gets .2, once" c_sem_unique_once

# --- sem_compare ---
printf '%s\n' '# comment' 'a.x PASS' 'a.y FAIL' 'a.z SKIP' 'a.gone PASS' 'a.s PASS' 'a.p SKIP' 'a.f SKIP' >"$W/exp"
printf '%s\n' 'a.x PASS ok' 'a.y PASS ok' 'a.z SKIP why' 'a.new PASS' 'a.s SKIP out of time' 'a.p PASS' 'a.f FAIL errno=EIO' >"$W/got"
S_PASS=0 S_FAIL=0 S_SKIP=0
sem_compare "$W/exp" "$W/got" t >"$W/cmp"
out=$(cat "$W/cmp")
check "sem_compare: 2 passes (one expected SKIP), 2 differing, 1 missing, 2 skips" [ "$S_PASS $S_FAIL $S_SKIP" = "2 3 2" ]
check "sem_compare: a FAIL where SKIP was expected fails" grep -qF "FAIL t a.f: expected SKIP, got FAIL (errno=EIO)" <<<"$out"
check "sem_compare: a PASS skipped here is a skip, said" grep -qF "skip t a.s: expected PASS, skipped here (out of time)" <<<"$out"
check "sem_compare: says what differs" grep -qF "FAIL t a.y: expected FAIL, got PASS (ok)" <<<"$out"
check "sem_compare: says what is missing" grep -qF "FAIL t a.gone: expected PASS, no result (missing)" <<<"$out"
check "sem_compare: notes a result not in the file" grep -qF "note t a.new" <<<"$out"

# --- durability.sh: the virtiofsd-kill configuration ---
# shellcheck source=semantics/durability.sh
. semantics/durability.sh
c_dur_flags_virtiofs_killd() { [ "$(dur_flags virtiofs-killd)" = "--fs virtiofs --vfs-cache auto" ]; }
check "dur_flags: virtiofs-killd boots virtiofs" c_dur_flags_virtiofs_killd
c_dur_victim() { [ "$(dur_victim virtiofs-killd) $(dur_victim virtiofs) $(dur_victim mmap)" = "virtiofsd qemu-system qemu-system" ]; }
check "dur_victim: the daemon for virtiofs-killd, QEMU else" c_dur_victim
(exec -a sem-victim-a sleep 60) & va=$!
(exec -a sem-victim-b sleep 60) & vb=$!
sleep 0.2
c_dur_procs_of() { [ "$(dur_procs_of $$ sleep | sort -n | tr "\n" " ")" = "$(printf "%s\n" $va $vb | sort -n | tr "\n" " ")" ] && [ -z "$(dur_procs_of $va sleep)" ]; }
check "dur_procs_of: every process of the name below PID, no other" c_dur_procs_of
kill $va $vb 2>/dev/null
wait $va $vb 2>/dev/null

# --- cite.sh: the rows mount9p --explain cites ---
# shellcheck source=semantics/cite.sh
. semantics/cite.sh
printf '%s\n' config,kernel,probe,result,detail \
	9p-mmap,6.1.0-1,run.start,INFO,x 9p-mmap,6.1.0-1,a.b,PASS,ok 9p-mmap,6.1.0-1,a.c,FAIL,e \
	9p-mmap,6.1.0-1,a.d,SKIP,s 9p-mmap,6.1.0-1,a.b.host,PASS,ok \
	9p-none,6.1.0-1,run.start,INFO,x 9p-none,6.1.0-1,a.b,FAIL,e 9p-none,6.1.0-1,a.c,FAIL,e \
	9p-none,6.1.0-1,a.d,PASS,ok 9p-none,6.1.0-1,a.b.host,FAIL,e vfs-auto,6.1.0-1,a.b,FAIL,e >"$W/cite.csv"
c_sem_cite_rows() {
	[ "$(sem_cite_rows "$W/cite.csv")" = "mmap 6.1.0-1 1 -
none 6.1.0-1 3 a.b FAIL" ]
}
check "sem_cite_rows: FAIL count, PASS/FAIL rows unlike 9p-mmap (no SKIP, no .host)" c_sem_cite_rows
c_semcite_h_current() { sem_cite_header docs/semantics.csv | cmp -s - mount9p/semcite.h; }
check "mount9p/semcite.h is what cite.sh makes of docs/semantics.csv" c_semcite_h_current

# --- faults.sh: the verdicts from semfault's lines ---
# shellcheck source=semantics/faults.sh
. semantics/faults.sh
printf '%s\n' 'FILL write errno=ENOSPC at=4194304' 'FILL fsync ok' 'FILL close ok' 'FILL size stat=4194304 read=4194304' >"$W/f1"
c_fault_full_error_at_write() { fault_full_verdict "$W/f1" 4194304 | grep -q "^fault.full PASS error at write (write:ENOSPC); guest wrote 4194304"; }
check "fault_full_verdict: an error at write is where it shows" c_fault_full_error_at_write
printf '%s\n' 'FILL write ok bytes=8388608' 'FILL fsync errno=ENOSPC' 'FILL close ok' 'FILL size stat=8388608 read=4194304' >"$W/f2"
c_fault_full_error_at_fsync() { fault_full_verdict "$W/f2" 4194304 | grep -q "^fault.full PASS error at fsync (fsync:ENOSPC)"; }
check "fault_full_verdict: an error only at fsync" c_fault_full_error_at_fsync
printf '%s\n' 'FILL write ok bytes=8388608' 'FILL fsync ok' 'FILL close ok' 'FILL size stat=8388608 read=8388608' >"$W/f3"
c_fault_full_silently_lost() { fault_full_verdict "$W/f3" 4194304 | grep -q "^fault.full FAIL differs: silently lost"; }
check "fault_full_verdict: no error and less on the host is silently lost" c_fault_full_silently_lost
c_fault_full_unfinished() { head -n 2 "$W/f1" >"$W/f4"; fault_full_verdict "$W/f4" 0 | grep -q "^fault.full FAIL differs: the guest never finished"; }
check "fault_full_verdict: no FILL size line is an unfinished guest" c_fault_full_unfinished
printf '%s\n' 'GONE stat ok ms=0' 'GONE open ok ms=0' 'GONE stat errno=ENOENT ms=400' 'GONE-END' >"$W/g1"
c_fault_gone_bounded() { [ "$(fault_gone_verdict "$W/g1" yes rename)" = "fault.rename PASS bounded; last: stat=errno=ENOENT open=ok" ]; }
check "fault_gone_verdict: each call's last outcome, bounded" c_fault_gone_bounded
c_fault_gone_hang() { fault_gone_verdict "$W/g1" no remove | grep -q "^fault.remove FAIL differs: the guest did not end within $FAULT_BOUND s"; }
check "fault_gone_verdict: a guest that did not end is a hang" c_fault_gone_hang

# --- twoguest.sh: the verdicts from the two guests' lines ---
# shellcheck source=semantics/twoguest.sh
. semantics/twoguest.sh
printf '%s\n' 'PEER a write 0 ms=1000' 'PEER a overwrite 0 ms=3000' 'PEER a rename 0 ms=5000' 'PEER a unlink 0 ms=7000' \
	'PEER a lock flock=ok posix=ok ms=13000' >"$W/pa"
printf '%s\n' 'PEER b seen write ms=1250' 'PEER b seen overwrite ms=3100' 'PEER b seen rename ms=5010' \
	'PEER b lock flock=ok posix=EAGAIN ms=15000' 'PEER b unseen overwrite_fd,unlink' >"$W/pb"
for i in $(seq 0 199); do printf 'A%03d%27s\nB%03d%27s\n' "$i" "" "$i" ""; done >"$W/app"
tg_verdicts "$W/pa" "$W/pb" "$W/app" >"$W/tg"
check "tg_verdicts: a step seen, after how long" grep -qx 'twoguest.write PASS seen after 250 ms .*' "$W/tg"
check "tg_verdicts: a step never seen fails" grep -q '^twoguest.unlink FAIL differs: never seen by b' "$W/tg"
check "tg_verdicts: 400 whole records pass" grep -q '^twoguest.append PASS 400 records' "$W/tg"
c_tg_lock_exclusion() { grep -q "^twoguest.flock FAIL differs: not excluded" "$W/tg" && grep -q "^twoguest.posix PASS excluded: b refused (EAGAIN)" "$W/tg"; }
check "tg_verdicts: a lock granted to both fails, one refused passes" c_tg_lock_exclusion
head -n 390 "$W/app" >"$W/app2"
tg_verdicts "$W/pa" "$W/pb" "$W/app2" >"$W/tg2"
check "tg_verdicts: lost appends fail" grep -q '^twoguest.append FAIL differs: 390 whole records of 400' "$W/tg2"

ran=$((T_PASS + T_FAIL + T_SKIP))
[ "$ran" = "$PLAN" ] || fail "the plan: $PLAN checks, $ran ran"
t_done semantics-lib
