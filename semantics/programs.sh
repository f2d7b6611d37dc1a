#!/bin/bash
# SPDX-License-Identifier: MIT
# semantics/programs.sh - real programs on a 9p root, per configuration
# (issue #24): sqlite3 (WAL and rollback journal, two processes), git,
# dpkg -i and apt-get install of a local package, tar --xattrs --acls.
# Builds a Debian root (scripts/mkroot9p debian, cached), puts the guest
# side (semantics/programs-guest.sh) and two local .debs into it, runs it
# in run9p's loop for each configuration and kernel, checks the results on
# the host (`programs.<name>.host`), writes OUT/<kernel>-<config>.sem and
# a Markdown table. journald needs a systemd boot of the root (through
# init9p, build/mkinitrd9p); --no-journald leaves it out (SKIP).
# --table-only writes the table of the .sem files in DIR and runs nothing.
#
#   semantics/programs.sh [--smoke] [--kernels "bookworm trixie"]
#       [--configs "none mmap loose mapped"] [--out DIR] [--summary FILE]
#       [--no-journald]
#   semantics/programs.sh --table-only --out DIR [--summary FILE]
#
# Configurations: none, mmap, loose are cache= with security_model=
# passthrough (QEMU as root over the root-owned debootstrap tree);
# mapped is cache=mmap with mapped-xattr over a converted copy (mkroot9p
# convert, QEMU as nobody). --smoke: bookworm and mmap only, each result
# compared with semantics/expected-programs/bookworm-mmap.sem, so a
# regression fails. Ends with "programs: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.." || exit 2
# shellcheck source=tests/lib/check.sh
. tests/lib/check.sh

BOOT_TIMEOUT=${BOOT_TIMEOUT:-1200}
PKGS=acl,attr,git,sqlite3,tar
BASE=${SEMPROG_ROOTS:-/var/tmp/root9p-programs}
EXPECTED=semantics/expected-programs
# The probes each run reports, in order (the guest's and the host's).
PROBES=(sqlite_wal sqlite_wal.host sqlite_rollback sqlite_rollback.host git git.host
	dpkg_install dpkg_install.host apt_install apt_install.host tar tar.host
	journald journald.host)
RUNDIR=/var/tmp/semprog

say() { echo "programs: $*" >&2; }

# flags_of CONFIG: the rootflags of a configuration.
flags_of() {
	local c=$1
	[ "$c" = mapped ] && c=mmap
	echo "trans=virtio,version=9p2000.L,msize=512000,cache=$c,posixacl"
}

# make_deb NAME FOLDER: a minimal arch-all package NAME 1.0 with one file,
# /usr/share/semprog/NAME.txt, built with dpkg-deb into FOLDER.
make_deb() {
	local name=$1 out=$2 t
	t=$(mktemp -d) || return 1
	mkdir -p "$t/DEBIAN" "$t/usr/share/semprog"
	printf 'Package: %s\nVersion: 1.0\nArchitecture: all\nMaintainer: root9p <root9p@localhost>\nDescription: root9p semantics test package\n' \
		"$name" >"$t/DEBIAN/control"
	echo "semprog $name 1.0" >"$t/usr/share/semprog/$name.txt"
	dpkg-deb --root-owner-group -b "$t" "$out/${name}_1.0_all.deb" >/dev/null
	local rc=$?
	rm -rf "$t"
	return $rc
}

# prepare_root SUITE: the Debian root of SUITE in $BASE/pt/SUITE (mkroot9p's
# cache makes a second build quick), with the guest script and the debs.
# pt is 0700: the passthrough tree holds set-uid root files; the mapped
# copy beside it must be reachable by nobody, QEMU's user for it.
prepare_root() {
	local suite=$1 r=$BASE/pt/$1
	mkdir -p "$BASE/pt" && chmod 0700 "$BASE/pt" || return 1
	if ! scripts/mkroot9p debian "$r" --suite "$suite" --include "$PKGS" --journal persistent \
		>"$BASE/mkroot9p-$suite.log" 2>&1; then
		say "build the Debian root $r: mkroot9p failed (log: $BASE/mkroot9p-$suite.log)"
		say "try: scripts/mkroot9p debian $r --suite $suite --include $PKGS"
		return 1
	fi
	# The journald probe's unit, enabled, and no serial getty (it waits
	# 90 s for ttyS0 without udev): made here, before the mapped copy, so
	# that mkroot9p convert turns the links into mapped-xattr ones (QEMU
	# serves a host symlink in a mapped tree as no symlink at all).
	mkdir -p "$r/etc/systemd/system/multi-user.target.wants" "$r/var/log/journal" &&
		printf '[Unit]\nDescription=root9p semantics: journald on the root\nAfter=multi-user.target\n\n[Service]\nType=simple\nExecStart=/bin/sh /usr/local/lib/semprog/programs-guest.sh --journald %s\n\n[Install]\nWantedBy=multi-user.target\n' \
			"$RUNDIR/journald" >"$r/etc/systemd/system/semprog-journald.service" &&
		ln -sfn /etc/systemd/system/semprog-journald.service \
			"$r/etc/systemd/system/multi-user.target.wants/semprog-journald.service" &&
		ln -sfn /dev/null "$r/etc/systemd/system/serial-getty@ttyS0.service" &&
		rm -f "$r/etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service" || return 1
	install -D -m 0755 semantics/programs-guest.sh "$r/usr/local/lib/semprog/programs-guest.sh" &&
		mkdir -p "$r$RUNDIR-debs" &&
		make_deb semprog-dpkg "$r$RUNDIR-debs" &&
		make_deb semprog-apt "$r$RUNDIR-debs"
}

# prepare_mapped SUITE: a copy of the root converted to mapped-xattr.
prepare_mapped() {
	local r=$BASE/pt/$1 m=$BASE/$1-mapped
	rm -rf --one-file-system "$m" && cp -a "$r" "$m" &&
		scripts/mkroot9p convert "$m" --to mapped-xattr --owner 65534:65534 \
			>"$BASE/convert-$1.log" 2>&1 && return 0
	say "convert $m to mapped-xattr: failed (log: $BASE/convert-$1.log)"
	say "try: make build/mkroot9p-convert; scripts/mkroot9p convert $m --to mapped-xattr"
	return 1
}

# host_checks ROOT CONFIG SEMFILE: the host's view of what the guest did,
# one `SEM programs.<name>.host` line per probe the guest passed.
host_checks() {
	local r=$1 cfg=$2 sem=$3 d=$1$RUNDIR/$2 p res out note
	for p in sqlite_wal sqlite_rollback git dpkg_install apt_install tar; do
		res=$(awk -v n="programs.$p" '$1 == "SEM" && $2 == n { print $3 }' "$sem")
		if [ "$res" != PASS ]; then
			echo "SEM programs.$p.host SKIP the guest's result is ${res:-missing}"
			continue
		fi
		case $p in
		sqlite_*)
			if ! command -v sqlite3 >/dev/null; then
				echo "SEM programs.$p.host SKIP no sqlite3 on the host (scripts/deps.sh)"
				continue
			fi
			out=$(sqlite3 "$d/$p/t.db" "PRAGMA integrity_check; SELECT count(*) FROM t;" 2>&1 | tr '\n' ' ')
			if [ "$out" = "ok 1000 " ]; then
				echo "SEM programs.$p.host PASS integrity_check ok, 1000 rows"
			else
				echo "SEM programs.$p.host FAIL differs: host sqlite3: $out"
			fi ;;
		git)
			out=$(git -c safe.directory='*' -C "$d/git/repo" fsck --full --strict --no-progress 2>&1 &&
				git -c safe.directory='*' -C "$d/git/repo" rev-list --count HEAD 2>&1)
			if [ "$out" = 2 ]; then
				echo "SEM programs.git.host PASS git fsck --full --strict, 2 commits"
			else
				echo "SEM programs.git.host FAIL differs: host git fsck: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
			fi ;;
		dpkg_install | apt_install)
			local pkg=semprog-${p%_install}
			out=$(awk -v p="$pkg" '$1 == "Package:" { on = ($2 == p) } on && $1 == "Status:" { print }' \
				"$r/var/lib/dpkg/status")
			if [ "$out" != "Status: install ok installed" ]; then
				echo "SEM programs.$p.host FAIL differs: var/lib/dpkg/status of $pkg: '$out'"
			elif [ "$(cat "$r/usr/share/semprog/$pkg.txt" 2>&1)" != "semprog $pkg 1.0" ]; then
				echo "SEM programs.$p.host FAIL differs: usr/share/semprog/$pkg.txt"
			else
				echo "SEM programs.$p.host PASS dpkg status and the file"
			fi ;;
		tar)
			if ! cmp -s "$d/tar/src/big" "$d/tar/dst/big"; then
				echo "SEM programs.tar.host FAIL differs: tar/dst/big is not tar/src/big"
			elif ! tar -tf "$d/tar/a.tar" 2>&1 | grep -qx './sub/small'; then
				echo "SEM programs.tar.host FAIL differs: host tar does not list ./sub/small"
			elif [ "$cfg" != mapped ] &&
				[ "$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.semprog").decode())' \
					"$d/tar/dst/big" 2>&1)" != value1 ]; then
				echo "SEM programs.tar.host FAIL differs: host user.semprog of tar/dst/big"
			else
				note=
				[ "$cfg" != mapped ] || note=" (xattr not checked: mapped-xattr)"
				echo "SEM programs.tar.host PASS the archive lists, the extracted bytes match$note"
			fi ;;
		esac
	done
}

# run_config SUITE CONFIG OUT: one guest run, its SEM lines and the host's
# checks in OUT/SUITE-CONFIG.sem (the guest's stderr and console beside).
run_config() {
	local suite=$1 cfg=$2 out=$3 r=$BASE/pt/$1 sem args rc=0 t0
	sem=$out/$suite-$cfg.sem
	args=(--accel tcg --timeout "$BOOT_TIMEOUT" -k "$KERNEL_IMAGE" --modules "$MODDIR"
		-m 1G -o "$(flags_of "$cfg")" -a panic=-1)
	if [ "$cfg" = mapped ]; then
		r=$BASE/$suite-mapped
		args+=(--security-model mapped-xattr)
	else
		args+=(--passthrough-as-root)
	fi
	# A fresh run folder: the host checks read this run's files only.
	rm -rf --one-file-system "${r:?}$RUNDIR/$cfg"
	say "$suite $cfg: run9p -r $r -o $(flags_of "$cfg")"
	t0=$(date +%s)
	scripts/run9p "${args[@]}" -r "$r" -- /bin/sh /usr/local/lib/semprog/programs-guest.sh \
		"$RUNDIR/$cfg" "$RUNDIR-debs" </dev/null >"$sem.guest" 2>"$out/$suite-$cfg.err" || rc=$?
	{
		echo "SEM programs.config INFO suite=$suite kver=$KVER config=$cfg rootflags=$(flags_of "$cfg") model=$([ "$cfg" = mapped ] && echo mapped-xattr || echo passthrough) qemu=$(qemu_version) run9p_exit=$rc seconds=$(($(date +%s) - t0))"
		grep '^SEM \|^SEMPROBE-END' "$sem.guest"
		host_checks "$r" "$cfg" "$sem.guest"
	} >"$sem"
	rm -f "$sem.guest"
	if ! grep -q '^SEMPROBE-END' "$sem"; then
		say "$suite $cfg: the guest ended without SEMPROBE-END (run9p exit $rc; $out/$suite-$cfg.err)"
	fi
}

# run_journald SUITE CONFIG OUT: a systemd boot of the root (its own init
# through init9p, persistent journal) whose unit runs the guest's journald
# probe; its SEM lines (left in the root) and the host's journalctl
# --verify of the journal files go into OUT/SUITE-CONFIG.sem.
run_journald() {
	local suite=$1 cfg=$2 out=$3 r=$BASE/pt/$1 img=$BASE/initrd-$KVER.img sem jd rc=0 got
	local args
	sem=$out/$suite-$cfg.sem
	[ "$cfg" = mapped ] && r=$BASE/$suite-mapped
	jd=$RUNDIR/journald
	if [ ! -s "$img" ] && ! build/mkinitrd9p -k "$KVER" -b "$KERNEL_BASE" --init build/klibc/init9p \
		-o "$img" >"$out/mkinitrd9p.log" 2>&1; then
		echo "SEM programs.journald FAIL mkinitrd9p for $KVER failed (make first; $out/mkinitrd9p.log)" >>"$sem"
		return
	fi
	rm -rf --one-file-system "${r:?}$jd" "$r/var/log/journal/"*
	if [ "$cfg" = mapped ]; then
		args=(--security-model mapped-xattr)
	else
		args=(--passthrough-as-root)
	fi
	say "$suite $cfg: systemd boot for journald"
	scripts/run9p --accel tcg --timeout "$BOOT_TIMEOUT" -k "$KERNEL_IMAGE" -i "$img" -m 1G \
		-r "$r" -o "$(flags_of "$cfg")" -a panic=-1 "${args[@]}" </dev/null \
		>"$out/$suite-$cfg.journald.console" 2>&1 || rc=$?
	if [ -f "$r$jd/journald.sem" ] && grep -q '^SEMPROBE-END' "$r$jd/journald.sem"; then
		grep '^SEM ' "$r$jd/journald.sem" >>"$sem"
	else
		echo "SEM programs.journald FAIL the systemd boot gave no result (run9p exit $rc; console $out/$suite-$cfg.journald.console)" >>"$sem"
	fi
	if [ "$(result "$sem" journald | cut -d' ' -f1)" != PASS ]; then
		echo "SEM programs.journald.host SKIP the guest's result is not PASS" >>"$sem"
	elif ! journalctl -D "$r/var/log/journal" --verify -q >"$out/$suite-$cfg.verify" 2>&1; then
		# A newer systemd's journal (Debian 13's 257: compact mode) is
		# not readable by the host's older journalctl, which then calls
		# every file corrupt. The root's own journalctl is the guest's
		# program: never run on the host as root, so not judged.
		if grep -q 'unknown extensions' "$out/$suite-$cfg.verify"; then
			echo "SEM programs.journald.host SKIP the host's journalctl ($(journalctl --version | head -n 1)) cannot read this journal's format: $(head -n 1 "$out/$suite-$cfg.verify")" >>"$sem"
		else
			echo "SEM programs.journald.host FAIL host journalctl --verify: $(tail -n 2 "$out/$suite-$cfg.verify" | tr '\n' ' ')" >>"$sem"
		fi
	else
		got=$(journalctl -D "$r/var/log/journal" -q -t semprog -o cat 2>/dev/null | grep -c "$(cat "$r$jd/journald.msg")")
		if [ "$got" = 1 ]; then
			echo "SEM programs.journald.host PASS host journalctl --verify and the message" >>"$sem"
		else
			echo "SEM programs.journald.host FAIL differs: host journalctl finds the message $got times" >>"$sem"
		fi
	fi
}

qemu_version() { qemu-system-x86_64 --version 2>/dev/null | head -n 1 | sed 's/.*version \([^ ]*\).*/\1/'; }

# result SEMFILE NAME: "RESULT DETAIL" of programs.NAME, or nothing.
result() { awk -v n="programs.$2" '$1 == "SEM" && $2 == n { $1 = ""; $2 = ""; sub(/^  /, ""); print; exit }' "$1"; }

# report SEMFILE: one check per probe, counted as the run found it.
report() {
	local sem=$1 p r
	for p in "${PROBES[@]}"; do
		r=$(result "$sem" "$p")
		case $r in
		PASS*) pass "$(basename "$sem" .sem) $p" ;;
		SKIP*) skip "$(basename "$sem" .sem) $p: ${r#SKIP }" ;;
		*) fail "$(basename "$sem" .sem) $p: ${r:-missing (a cut-off run)}" ;;
		esac
	done
}

# fail_all WHY: every probe of a run that could not be made, failed.
fail_all() {
	local p
	for p in "${PROBES[@]}"; do fail "$p: $1"; done
}

# compare SEMFILE EXPECTED: one check per probe, the result word as in
# EXPECTED (the SEM lines of a full run); an expected SKIP is a skip.
compare() {
	local sem=$1 exp=$2 p r e
	for p in "${PROBES[@]}"; do
		r=$(result "$sem" "$p")
		e=$(result "$exp" "$p")
		e=${e%% *}
		if [ "$e" = SKIP ] && [ "${r%% *}" = SKIP ]; then
			skip "$p: ${r#SKIP }"
		elif [ -n "$e" ] && [ "${r%% *}" = "$e" ]; then
			pass "$p: $e as expected${r#"$e"}"
		else
			fail "$p: ${r:-missing (a cut-off run)}, expected ${e:-nothing (not in $exp)}"
		fi
	done
}

# summary OUT: the Markdown table of OUT/*.sem, one row per probe, one
# column per run, then the causes (semantics/expected-programs/causes.md).
summary() {
	local out=$1 f p cols=() line
	# columns in the order users meet the choices
	for f in "$out"/*-none.sem "$out"/*-mmap.sem "$out"/*-loose.sem "$out"/*-mapped.sem; do
		[ -f "$f" ] && cols+=("$f")
	done
	echo "# Real programs on a 9p root"
	echo
	echo "Made by \`semantics/programs.sh\` (issue #24) on $(date -u +%F), QEMU $(qemu_version), host $(uname -r);"
	echo "results (SEM lines) in \`semantics/results-programs/\`. Kernels and configurations:"
	echo
	for f in "${cols[@]}"; do
		echo "- $(basename "$f" .sem): $(result "$f" config | sed 's/^INFO //')"
	done
	echo
	line="| probe |"
	for f in "${cols[@]}"; do line+=" $(basename "$f" .sem) |"; done
	echo "$line"
	line="|---|"
	for f in "${cols[@]}"; do line+="---|"; done
	echo "$line"
	for p in "${PROBES[@]}"; do
		line="| $p |"
		for f in "${cols[@]}"; do
			r=$(result "$f" "$p")
			case $r in
			PASS*) line+=" PASS |" ;;
			'') line+=" (missing) |" ;;
			*) line+=" ${r//|/\\|} |" ;;
			esac
		done
		echo "$line"
	done
	echo
	cat "$EXPECTED/causes.md"
}

main() {
	local smoke=0 kernels=bookworm configs="none mmap loose mapped" out=build/semantics-programs
	local summary_file="" suite cfg n=0 journald=1 table_only=0
	while [ $# -gt 0 ]; do
		case $1 in
		--smoke) smoke=1 ;;
		--no-journald) journald=0 ;;
		--table-only) table_only=1 ;;
		--kernels) kernels=${2:?}; shift ;;
		--configs) configs=${2:?}; shift ;;
		--out) out=${2:?}; shift ;;
		--summary) summary_file=${2:?}; shift ;;
		-h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
		*)
			say "read the argument '$1': unknown"
			say "try: semantics/programs.sh [--smoke] [--kernels LIST] [--configs LIST] [--out DIR] [--summary FILE] [--no-journald] [--table-only]"
			exit 2 ;;
		esac
		shift
	done
	if [ $table_only = 1 ]; then
		summary "$out" >"${summary_file:-/dev/stdout}"
		exit
	fi
	if [ $smoke = 1 ]; then kernels=bookworm configs=mmap; fi
	for suite in $kernels; do for cfg in $configs; do n=$((n + 1)); done; done
	t_plan $((n * ${#PROBES[@]}))
	if [ "$(id -u)" != 0 ]; then
		t_skip_rest "needs root: the Debian root is root's (debootstrap), served with passthrough"
		t_done programs
		exit
	fi
	mkdir -p "$out"
	for suite in $kernels; do
		if ! eval "$(scripts/fetch-kernel.sh --env "$suite")" || ! prepare_root "$suite"; then
			say "$suite: no kernel or no root, its runs not made"
			for cfg in $configs; do fail_all "$suite-$cfg: not run (no kernel or no root)"; done
			continue
		fi
		case " $configs " in *" mapped "*) prepare_mapped "$suite" || true ;; esac
		for cfg in $configs; do
			run_config "$suite" "$cfg" "$out"
			if [ "$journald" = 1 ]; then
				run_journald "$suite" "$cfg" "$out"
			else
				echo "SEM programs.journald SKIP not run (--no-journald)" >>"$out/$suite-$cfg.sem"
				echo "SEM programs.journald.host SKIP not run (--no-journald)" >>"$out/$suite-$cfg.sem"
			fi
			if [ $smoke = 1 ]; then
				compare "$out/$suite-$cfg.sem" "$EXPECTED/$suite-$cfg.sem"
			else
				report "$out/$suite-$cfg.sem"
			fi
		done
	done
	if [ -n "$summary_file" ]; then summary "$out" >"$summary_file"; fi
	t_done programs
}

# exit here: bash reads a script as it runs, an edit must not run on.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; exit; fi
