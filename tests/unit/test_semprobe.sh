#!/bin/sh
# tests/unit/test_semprobe.sh - semprobe's host build on a fresh tmpfs:
# the probes that must pass on a local filesystem pass, the output keeps
# its form (SEM/HOST lines, SEMPROBE-END with the right count), every HOST
# line holds on the host, bad usage is exit 2 and an unusable DIR exit 1.
#   tests/unit/test_semprobe.sh [SEMPROBE]   (default build/semprobe-host)
# Needs root (mount, the probes' setresuid); else every check is skipped.
set -u
p=${1:-build/semprobe-host}
pass=0 fail=0 skip=0
# The probes that must PASS on tmpfs, one per word: the plan.
MUST="unlink.fstat unlink.read unlink.write unlink.mmap unlink.ftruncate
unlink.fchmod unlink.linkat unlink.rename_over unlink.rmdir
link.nlink link.ino link.open link.unique
mmap.shared_read mmap.write_seen mmap.msync mmap.private
lock.flock lock.posix lock.ofd
xattr.user xattr.trusted xattr.capability xattr.acl_access xattr.acl_default
own.chown own.chgrp own.setid_chmod own.setid_write_root own.setid_chown
own.setid_write_user own.sticky own.umask own.access
special.fifo special.socket special.mknod special.symlink_long special.nofollow
special.tmpfile
size.sparse size.seek_data size.fallocate size.punch_hole size.4gib
size.copy_file_range size.o_direct size.longname size.dir_10000
size.readdir_churn
time.utimensat_ns time.write time.rename time.chmod
statfs.consistent
inotify.create inotify.modify inotify.close_write inotify.rename inotify.delete
fsx.run"
# Checks beyond the must-pass list: exit 0, the form, the count, FAIL's
# form, the HOST lines, exit 2 and exit 1.
EXTRA=7
planned=$(($(printf '%s\n' "$MUST" | wc -w) + EXTRA))
ok() { pass=$((pass + 1)); }
no() { fail=$((fail + 1)); echo "FAIL $*" >&2; }
check() { desc=$1; shift; if "$@"; then ok; else no "$desc"; fi; }
finish() {
	if [ $((pass + fail + skip)) -lt "$planned" ]; then
		no "ran $((pass + fail + skip)) checks of the $planned planned"
	fi
	echo "semprobe: $pass passed, $fail failed, $skip skipped"
	[ "$fail" = 0 ]
	exit
}

if [ "$(id -u)" != 0 ]; then
	echo "SKIP semprobe: not root (mounting a tmpfs and setresuid need it)" >&2
	skip=$planned
	finish
fi
work=$(mktemp -d) || { no "mktemp -d"; finish; }
# the user of -u runs a copy of semprobe in there: open the way
chmod 0755 "$work"
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	umount "$work/fs" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
mkdir "$work/fs"
if ! mount -t tmpfs -o mode=0755,size=64m semtest "$work/fs"; then
	echo "SKIP semprobe: cannot mount a tmpfs here" >&2
	skip=$planned
	finish
fi

"$p" "$work/fs" >"$work/out" 2>"$work/err"
rc=$?
check "semprobe exits 0 on tmpfs (exit $rc)" [ "$rc" = 0 ]

# The form: every line SEM, HOST or the one SEMPROBE-END, its count right.
bad=$(grep -Ev '^(SEM [a-z_]+\.[a-z_0-9.]+ (PASS|FAIL|SKIP|INFO) .*|HOST [a-z_]+\.[a-z_0-9.]+ [^ ]+ [^ ]+|SEMPROBE-END [0-9]+)$' "$work/out")
check "every line in the output's form (bad: $bad)" [ -z "$bad" ]
sems=$(grep -c '^SEM ' "$work/out")
check "SEMPROBE-END counts the $sems SEM lines" \
	[ "$(tail -n 1 "$work/out")" = "SEMPROBE-END $sems" ]
grep -E '^SEM [^ ]+ FAIL ' "$work/out" | grep -Ev ' FAIL (errno=E[A-Z0-9]+|differs:) ' >"$work/badfail"
check "every FAIL starts with errno=NAME or differs:" [ ! -s "$work/badfail" ]

for name in $MUST; do
	line=$(grep "^SEM $name " "$work/out")
	case $line in
	"SEM $name PASS "*) ok ;;
	"") no "$name: no result" ;;
	*) no "$name on tmpfs: $line" ;;
	esac
done

# xattr_hex NAME FILE: the attribute's value in hex, by getfattr or
# python3 (attr is not among the test dependencies).
xattr_hex() {
	if command -v getfattr >/dev/null; then
		getfattr --absolute-names --only-values -n "$1" "$2" 2>/dev/null | od -An -tx1 | tr -d ' \n'
	else
		python3 -c 'import os, sys; print(os.getxattr(sys.argv[2], sys.argv[1]).hex())' "$1" "$2" 2>/dev/null
	fi
}

# host_check REL WHAT: the HOST line's claim about fs/REL, checked here.
host_check() {
	f=$work/fs/$1
	case $2 in
	absent) [ ! -e "$f" ] && [ ! -L "$f" ] ;;
	sha256=*) [ "$(sha256sum <"$f" | cut -d' ' -f1)" = "${2#sha256=}" ] ;;
	size=*) [ "$(stat -c %s "$f")" = "${2#size=}" ] ;;
	nlink=*) [ "$(stat -c %h "$f")" = "${2#nlink=}" ] ;;
	mode=*) [ "$(stat -c %04a "$f")" = "$(printf '%04o' "0${2#mode=}")" ] ;;
	xattr:*)
		kv=${2#xattr:}
		[ "$(xattr_hex "${kv%%=*}" "$f")" = "${kv#*=}" ] ;;
	*) return 1 ;;
	esac
}
# Without getfattr or python3 (a minimal host tree) the xattr lines cannot
# be read here: that is a skip, never a pass.
readx=yes
command -v getfattr >/dev/null || command -v python3 >/dev/null || readx=
hostbad='' hostunread=''
while read -r _ name rel what; do
	case $what in xattr:*) [ -n "$readx" ] || { hostunread="$hostunread $name"; continue; } ;; esac
	host_check "$rel" "$what" || hostbad="$hostbad $name:$rel:$what"
done <<HOST
$(grep '^HOST ' "$work/out")
HOST
if [ -z "$hostbad" ] && [ -n "$hostunread" ]; then
	skip=$((skip + 1))
	echo "skip every HOST line holds on the host: no getfattr or python3 to read the xattrs of$hostunread (apt-get install attr)"
else
	check "every HOST line holds on the host (bad:$hostbad)" [ -z "$hostbad" ]
fi

"$p" -g nosuch "$work/fs" >/dev/null 2>"$work/err"
rc=$?
check "an unknown group is exit 2 (exit $rc) with the list" \
	grep -q '^semprobe: try: .*groups: unlink,' "$work/err"
[ "$rc" = 2 ] || no "unknown group: exit $rc, want 2"
"$p" "$work/fs/missing" >/dev/null 2>&1
check "a missing DIR is exit 1" [ $? = 1 ]
finish
