#!/bin/sh
# SPDX-License-Identifier: MIT
# semantics/programs-guest.sh - real programs on the root under test, run
# inside the guest by semantics/programs.sh (issue #24): sqlite3 with two
# processes (WAL and rollback journal), git, dpkg -i and apt-get install of
# a local package, tar with xattrs and ACLs. One function per program, each
# prints one line `SEM programs.<name> PASS|FAIL|SKIP <detail>`; a FAIL
# names the command and the program's own message. The files stay in DIR
# for the host's checks. Ends with `SEMPROBE-END <number of SEM lines>`.
#
#   programs-guest.sh DIR [DEB_FOLDER]
#   programs-guest.sh --journald DIR   (a systemd unit runs it: DIR/journald.sem)
#
# DEB_FOLDER holds semprog-dpkg_1.0_all.deb and semprog-apt_1.0_all.deb
# (made on the host by the runner: the guest has no dpkg-deb build step to
# trust and no network). POSIX sh: Debian's /bin/sh is dash.

MODE=programs
if [ "${1:-}" = --journald ]; then MODE=journald; shift; fi
DIR=${1:-}
DEBS=${2:-}
N_SEM=0
export HOME=/root LC_ALL=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin
export GIT_AUTHOR_NAME=semprog GIT_AUTHOR_EMAIL=semprog@localhost
export GIT_COMMITTER_NAME=semprog GIT_COMMITTER_EMAIL=semprog@localhost

# sem NAME RESULT DETAIL...: one result line, counted for the end line.
sem() {
	name=$1 res=$2
	shift 2
	N_SEM=$((N_SEM + 1))
	echo "SEM programs.$name $res${*:+ $*}"
}

# oneline FILE: the last 3 lines of FILE on one line (a program's message).
oneline() { tail -n 3 "$1" 2>/dev/null | tr '\n\t' '  ' | cut -c1-300; }

# have PROG NAME: SKIP NAME when PROG is not in the root; status 1 then.
have() {
	command -v "$1" >/dev/null 2>&1 && return 0
	sem "$2" SKIP "$1 is not installed in the root (mkroot9p --include)"
	return 1
}

# sqlite_two MODE NAME: one writer (100 transactions of 10 rows) and one
# reader (sqlite3 runs of 20 counts while the writer runs) at once on a database in MODE (wal|delete). PASS: both
# exit 0, every count the reader saw is a multiple of 10 (no torn
# transaction) and never goes back, 1000 rows at the end, integrity ok.
sqlite_two() {
	mode=$1 name=$2 d=$DIR/$2
	have sqlite3 "$name" || return 0
	mkdir -p "$d" || { sem "$name" FAIL "mkdir $d"; return 0; }
	db=$d/t.db
	if ! sqlite3 "$db" "PRAGMA journal_mode=$mode; CREATE TABLE t(i INTEGER, v TEXT);" \
		>"$d/init.out" 2>&1; then
		sem "$name" FAIL "sqlite3 create ($mode): $(oneline "$d/init.out")"
		return 0
	fi
	{
		echo ".timeout 20000"
		i=0
		while [ $i -lt 100 ]; do
			echo "BEGIN IMMEDIATE;"
			j=0
			while [ $j -lt 10 ]; do
				echo "INSERT INTO t VALUES($i, hex(randomblob(200)));"
				j=$((j + 1))
			done
			echo "COMMIT;"
			i=$((i + 1))
		done
	} >"$d/writer.sql"
	{
		echo ".timeout 20000"
		i=0
		while [ $i -lt 20 ]; do
			echo "SELECT count(*) FROM t;"
			i=$((i + 1))
		done
	} >"$d/reader.sql"
	sqlite3 -bail "$db" <"$d/writer.sql" >"$d/writer.out" 2>"$d/writer.err" &
	wpid=$!
	# The reader: a new sqlite3 (its own open and locks) for every 20
	# counts, for as long as the writer runs.
	(
		: >"$d/reader.out"
		while kill -0 "$wpid" 2>/dev/null; do
			sqlite3 -bail "$db" <"$d/reader.sql" >>"$d/reader.out" 2>"$d/reader.err" || exit
		done
	) &
	rpid=$!
	wrc=0 rrc=0
	wait "$wpid" || wrc=$?
	wait "$rpid" || rrc=$?
	if [ "$wrc" != 0 ]; then
		sem "$name" FAIL "writer sqlite3 exit $wrc: $(oneline "$d/writer.err")"
		return 0
	fi
	if [ "$rrc" != 0 ]; then
		sem "$name" FAIL "reader sqlite3 exit $rrc: $(oneline "$d/reader.err")"
		return 0
	fi
	bad=$(awk 'BEGIN { p = 0 } { if ($1 % 10 != 0 || $1 < p) { print NR": "$1" after "p; exit } p = $1 }' \
		"$d/reader.out")
	if [ -n "$bad" ]; then
		sem "$name" FAIL "differs: reader count $bad (torn or lost transaction)"
		return 0
	fi
	seen=$(sort -un "$d/reader.out" | wc -l)
	jm=$(sqlite3 "$db" "PRAGMA journal_mode;" 2>&1)
	n=$(sqlite3 "$db" "SELECT count(*) FROM t;" 2>&1)
	ic=$(sqlite3 "$db" "PRAGMA integrity_check;" 2>&1 | tr '\n' ' ')
	if [ "$jm" != "$mode" ]; then
		sem "$name" FAIL "differs: journal_mode is '$jm', not $mode"
	elif [ "$n" != 1000 ]; then
		sem "$name" FAIL "differs: $n rows, not 1000: $n"
	elif [ "$ic" != "ok " ]; then
		sem "$name" FAIL "differs: PRAGMA integrity_check: $ic"
	else
		sem "$name" PASS "journal_mode=$mode rows=1000 reader_distinct_counts=$seen"
	fi
}

# git_files: 50 files in 5 folders of the current one (shell builtins
# only: a fork costs much under TCG).
git_files() {
	mkdir d0 d1 d2 d3 d4 || return 1
	i=0
	while [ $i -lt 50 ]; do
		echo "file $i" >"d$((i % 5))/f$i" || return 1
		i=$((i + 1))
	done
}

# git_cycle: init, two commits (50 files, then changes and a rename), gc
# (pack, prune), fsck --full --strict, and a clone from the packed repo.
git_cycle() {
	d=$DIR/git
	have git git || return 0
	if ! mkdir -p "$d" || ! cd "$d"; then sem git FAIL "mkdir $d"; return 0; fi
	step=init
	{
		git init -q repo && cd repo && git_files &&
			step=commit1 && git add -A && git commit -qm one &&
			step=commit2 && echo change >>d1/f1 && git mv d2/f2 d2/moved &&
			git commit -qam two &&
			step=gc && git gc -q --prune=now &&
			step=fsck && git fsck --full --strict --no-progress &&
			step=clone && git clone -q "$d/repo" "$d/clone" &&
			step=log && [ "$(git -C "$d/clone" rev-list --count HEAD)" = 2 ] &&
			step=packed && [ -z "$(find .git/objects -path '*/[0-9a-f][0-9a-f]/*' -type f)" ]
	} >"$d/git.log" 2>&1
	rc=$?
	cd / || return 0
	if [ $rc = 0 ]; then
		sem git PASS "init commit gc fsck clone; head $(git -C "$d/repo" rev-parse --short HEAD)"
	else
		sem git FAIL "git $step: $(oneline "$d/git.log")"
	fi
}

# deb_install HOW NAME PKG: install the local package PKG with dpkg -i or
# apt-get install ./PKG.deb (no network), check its file and dpkg's
# status, then remove it again (dpkg -P) so the next run starts clean.
deb_install() {
	how=$1 name=$2 pkg=$3 d=$DIR/$2
	have dpkg "$name" || return 0
	deb=$DEBS/${pkg}_1.0_all.deb
	if [ -z "$DEBS" ] || [ ! -f "$deb" ]; then
		sem "$name" SKIP "no $deb (the runner builds it with dpkg-deb)"
		return 0
	fi
	mkdir -p "$d"
	dpkg -P "$pkg" >/dev/null 2>&1
	case $how in
	dpkg) dpkg -i "$deb" >"$d/install.log" 2>&1 ;;
	# apt takes a local file by a path with a slash; an absolute one:
	# no --no-download: it leaves the local file unfetched, and apt then
	# fails "Internal Error, Pathname to install is not absolute".
	apt) apt-get install -y "$deb" >"$d/install.log" 2>&1 ;;
	esac
	rc=$?
	if [ $rc != 0 ]; then
		sem "$name" FAIL "$how install exit $rc: $(oneline "$d/install.log")"
		return 0
	fi
	st=$(dpkg-query -W -f '${Status}' "$pkg" 2>&1)
	got=$(cat "/usr/share/semprog/$pkg.txt" 2>&1)
	if [ "$st" != "install ok installed" ]; then
		sem "$name" FAIL "differs: dpkg-query status '$st'"
	elif [ "$got" != "semprog $pkg 1.0" ]; then
		sem "$name" FAIL "differs: /usr/share/semprog/$pkg.txt: $got"
	else
		# the host checks the installed state: keep it until the next run
		sem "$name" PASS "$how: installed, dpkg-query '$st'"
	fi
}

# tar_xattrs: a tree with a user.* xattr, an access ACL, a default ACL,
# a symlink, a hard link and a 0 byte file; tar --xattrs --acls c and x
# into another folder; the same contents, xattrs and ACLs.
tar_xattrs() {
	d=$DIR/tar
	have tar tar || return 0
	have setfacl tar || return 0
	have setfattr tar || return 0
	rm -rf "$d"
	if ! mkdir -p "$d/src/sub" "$d/dst"; then sem tar FAIL "mkdir $d"; return 0; fi
	step="make files"
	{
		cd "$d/src" &&
			head -c 100000 /dev/urandom >big && echo hello >sub/small && : >empty &&
			ln big hard && ln -s sub/small link &&
			step=setfattr && setfattr -n user.semprog -v value1 big &&
			step=setfacl && setfacl -m u:65534:r,m::r sub/small &&
			setfacl -d -m u:65534:rwx sub &&
			step="tar c" && tar --xattrs --xattrs-include='*' --acls -cpf "$d/a.tar" . &&
			cd "$d/dst" &&
			step="tar x" && tar --xattrs --xattrs-include='*' --acls -xpf "$d/a.tar" &&
			step=compare && cd "$d" &&
			(cd src && find . -type f -exec sha256sum {} + | sort -k2) >sum.src &&
			(cd dst && find . -type f -exec sha256sum {} + | sort -k2) >sum.dst &&
			cmp sum.src sum.dst &&
			step="getfattr" &&
			(cd src && getfattr -h -R -d -m user. . | LC_ALL=C sort) >xa.src &&
			(cd dst && getfattr -h -R -d -m user. . | LC_ALL=C sort) >xa.dst &&
			grep -q 'user.semprog="value1"' xa.dst && cmp xa.src xa.dst &&
			step="getfacl" &&
			(cd src && getfacl -R -p -n . | LC_ALL=C sort) >acl.src &&
			(cd dst && getfacl -R -p -n . | LC_ALL=C sort) >acl.dst &&
			grep -q 'user:65534:r--' acl.dst && grep -q 'default:user:65534:rwx' acl.dst &&
			cmp acl.src acl.dst &&
			step="hard link" && [ "$(stat -c %h dst/big)" = 2 ] &&
			[ "$(stat -c %i dst/big)" = "$(stat -c %i dst/hard)" ] &&
			step=symlink && [ "$(readlink dst/link)" = sub/small ]
	} >"$d/tar.log" 2>&1
	rc=$?
	cd / || return 0
	if [ $rc = 0 ]; then
		sem tar PASS "tar --xattrs --acls c/x: contents, user xattr, access and default ACL, hard link, symlink"
	else
		extra=
		[ "$step" = getfattr ] && extra=" $(diff "$d/xa.src" "$d/xa.dst" | grep '^[<>]' | head -n 2 | tr '\n' ' ')"
		[ "$step" = getfacl ] && extra=" $(diff "$d/acl.src" "$d/acl.dst" | grep '^[<>]' | head -n 2 | tr '\n' ' ')"
		sem tar FAIL "$step: $(oneline "$d/tar.log")$extra"
	fi
}

# journald: under a systemd boot (programs-guest.sh --journald DIR): a
# message through systemd-cat, journalctl --sync, the message read back
# from the persistent journal on the root, journalctl --verify of its
# files. The host checks the same files with its own journalctl.
journald() {
	have journalctl journald || return 0
	state=$(systemctl is-system-running --wait 2>&1)
	if [ ! -d /var/log/journal ]; then
		sem journald FAIL "differs: no /var/log/journal (mkroot9p --journal persistent)"
		return 0
	fi
	msg="semprog-$(date +%s%N)"
	echo "$msg" >"$DIR/journald.msg"
	echo "$msg" | systemd-cat -t semprog
	if ! journalctl --flush >"$DIR/journald.log" 2>&1 || ! journalctl --sync >>"$DIR/journald.log" 2>&1; then
		sem journald FAIL "journalctl --flush/--sync: $(oneline "$DIR/journald.log")"
		return 0
	fi
	files=$(find /var/log/journal -name 'system*.journal' | wc -l)
	got=$(journalctl -q -t semprog -o cat 2>&1 | grep -c "$msg")
	if [ "$files" = 0 ]; then
		sem journald FAIL "differs: no system.journal under /var/log/journal (state $state): $(journalctl -q -u systemd-journald -o cat | tail -n 2 | tr '\n' ' ')"
	elif [ "$got" != 1 ]; then
		sem journald FAIL "differs: the message is not read back from the journal (state $state)"
	elif ! journalctl --verify -q >"$DIR/verify.log" 2>&1; then
		sem journald FAIL "journalctl --verify: $(oneline "$DIR/verify.log")"
	else
		sem journald PASS "persistent journal written, read back and verified (state $state)"
	fi
}

main_journald() {
	mkdir -p "$DIR" || exit 2
	N_SEM=0
	journald >"$DIR/journald.sem"
	echo "SEMPROBE-END $N_SEM" >>"$DIR/journald.sem"
	sync
	systemctl poweroff --no-block
}

main() {
	if [ -z "$DIR" ] || ! mkdir -p "$DIR"; then
		echo "programs-guest: make the work folder '$DIR': not possible" >&2
		echo "programs-guest: try: programs-guest.sh DIR [DEB_FOLDER], DIR on the root" >&2
		exit 2
	fi
	echo "SEM programs.run INFO dir=$DIR kernel=$(uname -r) root=$(awk '$2 == "/" { print $3 ":" $4 }' /proc/mounts | tail -n 1)"
	N_SEM=1
	sqlite_two wal sqlite_wal
	sqlite_two delete sqlite_rollback
	git_cycle
	deb_install dpkg dpkg_install semprog-dpkg
	deb_install apt apt_install semprog-apt
	tar_xattrs
	sync
	echo "SEMPROBE-END $N_SEM"
}

if [ $MODE = journald ]; then main_journald; else main; fi
