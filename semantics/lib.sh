# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# semantics/lib.sh - the semantics runner's functions, sourced by
# semantics/run.sh (the thin main) and semantics/table.sh: the table of
# configurations, the guest's init, one boot per configuration and kernel,
# the parse of semprobe's lines, the host halves of its probes (HOST
# lines, statfs) and the comparison with an expected-results file.
#
# A results file holds one line per result, "probe RESULT detail", RESULT
# one of PASS FAIL SKIP INFO; the runner's own results are run.* (the
# boot, a complete probe run) and <probe>.host (what the host saw).

# Every configuration: name, path (init9p or the loop), fs, QEMU's
# security model, cache (9p's cache= or virtiofsd's cache), tree owner
# (user: an ordinary uid, as QEMU drops to it with mapped-xattr; root:
# served with root's rights, --passthrough-as-root), kernel arguments.
# 9p-mmap is run9p's default (no -o given). diod: run9p --fs diod, a
# plain tree of nobody's (diod 1.0.24 runs only as a user /etc/passwd
# has) served over trans=tcp by diod as nobody (-S: every guest user
# acts as nobody).
SEM_CONFIGS="
9p-mmap             init9p 9p       mapped-xattr mmap    user -
9p-mmap-nopin       init9p 9p       mapped-xattr mmap    user root9p.pin=0
9p-none             init9p 9p       mapped-xattr none    user -
9p-loose            init9p 9p       mapped-xattr loose   user -
9p-fscache          init9p 9p       mapped-xattr fscache user -
9p-mmap-passthrough init9p 9p       passthrough  mmap    root -
9p-overlay          init9p 9p       mapped-xattr mmap    user root9p.overlay=tmpfs
9p-loop             loop   9p       mapped-xattr mmap    user -
vfs-auto            init9p virtiofs passthrough  auto    root -
vfs-always          init9p virtiofs passthrough  always  root -
vfs-none            init9p virtiofs passthrough  none    root -
diod-mmap           init9p diod     allsquash    mmap    nobody -
"
# The smoke: the defaults on Debian 12's 6.1. Not the loop: semprobe, not
# the boot, takes a run's time (some 2 minutes under TCG), so it would
# double the smoke's.
# shellcheck disable=SC2034 # read by run.sh
SEM_SMOKE_CONFIGS="9p-mmap"
# shellcheck disable=SC2034 # read by run.sh
SEM_SMOKE_KERNELS=bookworm
# The uid:gid a mapped-xattr tree belongs to on the host (QEMU runs as it).
SEM_TREE_OWNER=${SEM_TREE_OWNER:-59999:59999}
# The folder of the root semprobe works in, and its fixed seed (the
# expected files are made with it).
# shellcheck disable=SC2034 # read by run.sh
SEM_DIR=semdir
SEM_SEED=${SEM_SEED:-24}
SEM_TIMEOUT=${SEM_TIMEOUT:-900}
# statfs: free blocks may move between the guest's call and the host's.
SEM_STATFS_SLACK_PCT=2

sem_log() { echo "semantics: $*" >&2; }

# sem_config NAME: the fields of NAME's row into C_PATH C_FS C_MODEL
# C_CACHE C_OWNER C_ARGS; 1 when there is no such configuration.
sem_config() {
	local name path fs model cache owner args
	while read -r name path fs model cache owner args; do
		[ "$name" = "$1" ] || continue
		C_PATH=$path C_FS=$fs C_MODEL=$model C_CACHE=$cache C_OWNER=$owner
		C_ARGS=${args#-}
		return 0
	done <<<"$SEM_CONFIGS"
	return 1
}

# sem_config_names: every configuration's name, in the table's order.
sem_config_names() { awk 'NF { print $1 }' <<<"$SEM_CONFIGS"; }

# sem_guest_init FILE: the guest's init. It runs semprobe on /SEM_DIR
# with the arguments the command line gives (semprobe.g= groups,
# semprobe.s= seed, semprobe.n= operations) and prints every line through
# the kernel log (printk reaches the console when a loaded TCG host
# stalls a tty; tests/boot/lib.sh's probes do the same), then powers off.
sem_guest_init() {
	cat >"$1" <<'EOF'
#!/bin/sh
# semantics/run.sh's init: semprobe on /semdir, its lines to the kernel log.
export PATH=/bin:/sbin
say() { echo "<5>$*" >/dev/kmsg; }
arg() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" /proc/cmdline | tail -n 1; }
[ -e /proc/self ] || mount -t proc proc /proc
say "SEMRUN mount $(awk '$2 == "/" { print $3, $4 }' /proc/mounts | tail -n 1)"
set --
g=$(arg semprobe.g); [ -z "$g" ] || set -- "$@" -g "$g"
s=$(arg semprobe.s); [ -z "$s" ] || set -- "$@" -s "$s"
n=$(arg semprobe.n); [ -z "$n" ] || set -- "$@" -n "$n"
mkdir -p /semdir
{ /bin/semprobe "$@" /semdir 2>&1; echo "SEMRUN rc $?"; } |
	while IFS= read -r l; do say "$l"; done
sync
say "SEMRUN done"
poweroff -f
EOF
	chmod 0755 "$1"
}

# sem_base_root DIR SEMPROBE MOUNT9P: the tiny busybox root every boot
# copies, with semprobe and the init above.
sem_base_root() {
	scripts/mkroot-tiny.sh "$1" "$3" >/dev/null || return 1
	install -m 0755 "$2" "$1/bin/semprobe" || return 1
	mkdir -p "$1/sem" && sem_guest_init "$1/sem/init"
}

# sem_bases BASE: BASE-root (real owners and symlinks, for passthrough
# and virtiofs, served with root's rights) and BASE-user (converted for
# mapped-xattr: symlinks as files, owners in user.virtfs.*, the whole
# tree SEM_TREE_OWNER's on the host, as QEMU runs as that user), from BASE.
sem_bases() {
	rm -rf --one-file-system "$1-root" "$1-user" "$1-nobody"
	cp -a "$1" "$1-root" && cp -a "$1" "$1-user" && cp -a "$1" "$1-nobody" &&
		chown -R nobody:nogroup "$1-nobody" &&
		"$O/mkroot9p-convert" --to mapped-xattr --owner "$SEM_TREE_OWNER" "$1-user"
}

# sem_fresh_root BASE DIR OWNER: a copy of BASE-OWNER (sem_bases) for one
# boot (cp -a keeps the user.virtfs.* xattrs).
sem_fresh_root() {
	rm -rf --one-file-system "$2"
	cp -a "$1-$3" "$2"
}

# sem_kargs GROUPS OPS: the kernel arguments that carry
# semprobe's options to the guest's init (for the loop: its argv).
sem_kargs() {
	printf 'semprobe.s=%s' "$SEM_SEED"
	[ -z "$1" ] || printf ' semprobe.g=%s' "$1"
	[ -z "$2" ] || printf ' semprobe.n=%s' "$2"
}

# sem_boot NAME KERNELNAME ROOT LOG: boot configuration NAME (sem_config)
# on ROOT with the kernel of the environment (KERNEL_IMAGE, MODDIR, IMG_9P,
# IMG_VFS, IMG_NET), every semprobe line into LOG. Returns run9p's status.
sem_boot() {
	local name=$1 root=$3 log=$4 args=() rc=0 kargs
	sem_config "$name" || return 2
	kargs=$(sem_kargs "${SEM_GROUPS:-}" "${SEM_OPS:-}")
	args=(--accel tcg --timeout "$SEM_TIMEOUT" -k "$KERNEL_IMAGE" -r "$root")
	[ "$C_OWNER" != root ] || args+=(--passthrough-as-root)
	[ "$C_FS" != 9p ] || args+=(--security-model "$C_MODEL")
	if [ "$C_PATH" = loop ]; then
		local sem=()
		[ -z "${SEM_GROUPS:-}" ] || sem+=(-g "$SEM_GROUPS")
		[ -z "${SEM_OPS:-}" ] || sem+=(-n "$SEM_OPS")
		# shellcheck disable=SC2016 # expanded in the guest
		"${RUN9P:-scripts/run9p}" "${args[@]}" --modules "$MODDIR" -- \
			/bin/sh -c 'echo "SEMRUN mount $(grep " / " /proc/mounts | tail -n 1 | cut -d" " -f3,4)"
				mkdir -p /semdir && exec /bin/semprobe "$@" /semdir' sh \
			-s "$SEM_SEED" "${sem[@]}" </dev/null >"$log" 2>"$log.err" || rc=$?
		return $rc
	fi
	if [ "$C_FS" = virtiofs ]; then
		args+=(-i "$IMG_VFS" --fs virtiofs --vfs-cache "$C_CACHE")
	elif [ "$C_FS" = diod ]; then
		args+=(-i "$IMG_NET" --fs diod)
	else
		args+=(-i "$IMG_9P")
		# run9p's default rootflags are the default configuration's.
		[ "$C_CACHE" = mmap ] ||
			args+=(-o "trans=virtio,version=9p2000.L,msize=512000,cache=$C_CACHE")
	fi
	# no_timer_check: a slow TCG guest on a loaded host can fail x86's
	# IO-APIC timer check and panic before init (as run9p's loop says).
	"${RUN9P:-scripts/run9p}" "${args[@]}" \
		-a "init=/sem/init panic=-1 no_timer_check $kargs${C_ARGS:+ $C_ARGS}" </dev/null >"$log" 2>&1 || rc=$?
	return $rc
}

# sem_lines LOG: the semprobe and runner lines of a console log or the
# loop's stdout, without \r, kernel timestamps and terminal escapes.
sem_lines() {
	tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/^\[ *[0-9]*\.[0-9]*\] //' |
		grep -E '^(SEM|HOST|SEMPROBE-END|SEMRUN) '
}

# sem_parse LINES RESULTS: the SEM lines of LINES (a file) as results,
# plus run.boot and run.complete: the run reached SEMPROBE-END and printed
# as many SEM lines as it says.
sem_parse() {
	local lines=$1 out=$2 n end
	awk '$1 == "SEM" { d = ""; for (i = 4; i <= NF; i++) d = d (i > 4 ? " " : "") $i; print $2, $3, d }' \
		"$lines" >"$out"
	n=$(grep -c '^SEM ' "$lines")
	end=$(sed -n 's/^SEMPROBE-END \([0-9]*\).*/\1/p' "$lines" | tail -n 1)
	if [ -z "$end" ]; then
		echo "run.complete FAIL differs: no SEMPROBE-END line after $n results (cut off)" >>"$out"
	elif [ "$end" != "$n" ]; then
		echo "run.complete FAIL differs: SEMPROBE-END says $end results, $n arrived" >>"$out"
	else
		echo "run.complete PASS $n results" >>"$out"
	fi
}

# sem_unique RESULTS: a probe name that comes again (a probe with two
# HOST lines) gets .2, .3 ... in place, so each result has its own row in
# the table and its own line in an expected file. Idempotent.
sem_unique() {
	awk '{ n = ++seen[$1]; if (n > 1) $1 = $1 "." n; print }' "$1" >"$1.u" && mv "$1.u" "$1"
}

# sem_xattr PATH NAME: the hex value of xattr NAME of PATH (not followed
# when a link); 1 when it has none.
sem_xattr() {
	python3 -c 'import os, sys
try:
    print(os.getxattr(sys.argv[1], sys.argv[2], follow_symlinks=False).hex())
except OSError:
    sys.exit(1)' "$1" "$2"
}

# sem_mapped_mode PATH: the guest's mode of PATH under mapped-xattr
# (user.virtfs.mode, a little-endian 32-bit word) as octal permission
# bits, or its host mode when QEMU stored none.
sem_mapped_mode() {
	local hex
	if hex=$(sem_xattr "$1" user.virtfs.mode) && [ ${#hex} = 8 ]; then
		printf '%o\n' $((16#${hex:6:2}${hex:4:2}${hex:2:2}${hex:0:2} & 07777))
	else
		stat -c %a "$1"
	fi
}

# sem_host_check DIR MODEL WHAT REL: one HOST line's check of REL under
# DIR (the folder semprobe was given, seen on the host). Prints
# "PASS detail" or "FAIL differs: ..." / "FAIL errno=...".
sem_host_check() {
	local dir=$1 model=$2 what=$3 rel=$4 p got want
	case /$rel/ in
	*/../* | //*) echo "FAIL differs: path '$rel' leaves the folder"; return ;;
	esac
	p=$dir/$rel
	if [ "$what" = absent ]; then
		if [ -e "$p" ] || [ -L "$p" ]; then echo "FAIL differs: $rel exists on the host"; else echo "PASS absent"; fi
		return
	fi
	[ -e "$p" ] || [ -L "$p" ] || { echo "FAIL errno=ENOENT $rel not on the host"; return; }
	want=${what#*=}
	case $what in
	sha256=*) got=$(sha256sum <"$p" | cut -d' ' -f1) ;;
	size=*) got=$(stat -c %s "$p") ;;
	nlink=*) got=$(stat -c %h "$p") ;;
	mode=*)
		if [ "$model" = mapped-xattr ]; then got=$(sem_mapped_mode "$p"); else got=$(stat -c %a "$p"); fi
		[ $((8#$got)) != $((8#$want)) ] || got=$want ;;
	xattr:*)
		local name=${what#xattr:}
		name=${name%%=*}
		# mapped-xattr keeps the guest's system.*, security.*, trusted.*
		# under user.virtfs.NAME, run9p's virtiofsd its trusted.* and
		# security.* under user.virtiofs.NAME; user.* as they are.
		got=$(sem_xattr "$p" "$name") || got=$(sem_xattr "$p" "user.virtfs.$name") ||
			got=$(sem_xattr "$p" "user.virtiofs.$name") ||
			{ echo "FAIL errno=ENODATA $rel has no $name on the host"; return; } ;;
	*) echo "FAIL differs: unknown check '$what'"; return ;;
	esac
	if [ "$got" = "$want" ]; then echo "PASS $what"; else echo "FAIL differs: ${what%%=*}=$got on the host, $want in the guest"; fi
}

# sem_host_checks LINES DIR MODEL SKIPWHY: each HOST line of LINES as a
# result "<probe>.host ...", checked under DIR; every one SKIP when
# SKIPWHY is set (the files are not on the host).
sem_host_checks() {
	local lines=$1 dir=$2 model=$3 why=$4 tag probe rel what r
	while read -r tag probe rel what; do
		[ "$tag" = HOST ] || continue
		if [ -n "$why" ]; then
			echo "$probe.host SKIP $why"
		else
			r=$(sem_host_check "$dir" "$model" "$what" "$rel")
			echo "$probe.host $r"
		fi
	done <"$lines"
}

# sem_statfs_check LINES HOSTDIR: statfs.values (the guest's figures)
# against the host folder's (stat -f): block size times blocks (the total
# bytes, within one guest block), files and the longest name alike, free bytes within
# SEM_STATFS_SLACK_PCT of the total. Prints one result line.
sem_statfs_check() {
	local v g_bs g_b g_bf g_f g_nm h_bs h_b h_bf h_f h_nm diff=""
	v=$(awk '$1 == "SEM" && $2 == "statfs.values" { $1 = $2 = $3 = ""; print }' "$1" | tail -n 1)
	[ -n "$v" ] || { echo "statfs.values.host SKIP no statfs.values line from the guest"; return; }
	g_bs=$(sed -n 's/.*bsize=\([0-9]*\).*/\1/p' <<<"$v")
	g_b=$(sed -n 's/.* blocks=\([0-9]*\).*/\1/p' <<<"$v")
	g_bf=$(sed -n 's/.*bfree=\([0-9]*\).*/\1/p' <<<"$v")
	g_f=$(sed -n 's/.* files=\([0-9]*\).*/\1/p' <<<"$v")
	g_nm=$(sed -n 's/.*namemax=\([0-9]*\).*/\1/p' <<<"$v")
	read -r h_bs h_b h_bf h_f h_nm < <(stat -f -c '%S %b %f %c %l' "$2")
	[ -n "$g_bs$g_b" ] || { echo "statfs.values.host FAIL differs: unreadable guest figures '$v'"; return; }
	# 9p reports the host's bytes in blocks of its own size (about msize):
	# rounded down, the total may fall short by less than one of them.
	local td=$((h_bs * h_b - g_bs * g_b))
	[ "$td" -ge 0 ] && [ "$td" -lt "$g_bs" ] || diff+=" total=$((g_bs * g_b))B host $((h_bs * h_b))B;"
	[ "${g_f:-x}" = "$h_f" ] || diff+=" files=${g_f:-?} host $h_f;"
	[ "${g_nm:-x}" = "$h_nm" ] || diff+=" namemax=${g_nm:-?} host $h_nm;"
	local fd=$((g_bs * ${g_bf:-0} - h_bs * h_bf))
	[ $((${fd#-} * 100)) -le $((h_bs * h_b * SEM_STATFS_SLACK_PCT)) ] ||
		diff+=" free=$((g_bs * ${g_bf:-0}))B host $((h_bs * h_bf))B;"
	if [ -z "$diff" ]; then
		echo "statfs.values.host PASS total, files, namemax alike; free within $SEM_STATFS_SLACK_PCT%"
	else
		echo "statfs.values.host FAIL differs:${diff%;}"
	fi
}

# sem_compare EXPECTED RESULTS LABEL: each "probe result" line of
# EXPECTED against RESULTS; counts into S_PASS S_FAIL S_SKIP (a SKIP
# here is a skip, whatever was expected; a PASS where SKIP was expected a
# pass), one line for each that differs, is missing or changed between
# SKIP and PASS.
sem_compare() {
	local exp=$1 res=$2 label=$3 probe want got detail
	while read -r probe want; do
		case $probe in '' | '#'*) continue ;; esac
		got=$(awk -v p="$probe" '$1 == p { print $2; exit }' "$res")
		detail=$(awk -v p="$probe" '$1 == p { $1 = $2 = ""; sub(/^  /, ""); print; exit }' "$res")
		if [ -z "$got" ]; then
			S_FAIL=$((S_FAIL + 1))
			echo "  FAIL $label $probe: expected $want, no result (missing)"
		elif [ "$got" = SKIP ]; then
			# A probe that could not run here (semprobe says why) is a
			# skip, never a pass nor a failure.
			S_SKIP=$((S_SKIP + 1))
			[ "$want" = SKIP ] || echo "  skip $label $probe: expected $want, skipped here${detail:+ ($detail)}"
		elif [ "$want" = SKIP ] && [ "$got" = PASS ]; then
			# Skipped when the file was made (a faster host runs what
			# a loaded one had no time for): a pass, said.
			S_PASS=$((S_PASS + 1))
			echo "  note $label $probe: expected SKIP, passed here"
		elif [ "$got" != "$want" ]; then
			S_FAIL=$((S_FAIL + 1))
			echo "  FAIL $label $probe: expected $want, got $got${detail:+ ($detail)}"
		else
			S_PASS=$((S_PASS + 1))
		fi
	done <"$exp"
	awk 'NR == FNR { if ($1 !~ /^#/) seen[$1] = 1; next } !($1 in seen) { print $1 }' "$exp" "$res" |
		while read -r probe; do
			echo "  note $label $probe: a result the expected file does not list (make semantics remakes it)"
		done
}
