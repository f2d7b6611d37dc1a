# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# scripts/run9p.d/cache.sh - what run9p keeps between runs, and whom it trusts
# for it: trust_test (owner, mode, no link), cache_get (ROOT9P_CACHE's
# folders), stat once (ST), the index of facts learnt about files (IDX:
# hashes, kernel versions, QEMU's features), file_sums (SUM), key_sum
# (the initrd's key, remembered per set of inputs) and file_new (a new
# file in a cache folder).
# Sourced by scripts/run9p with the rest of run9p.d: the globals it
# reads and sets (QEMU among them, from the environment) are
# run9p_defaults' (args.sh), which shellcheck cannot see from here.
# shellcheck disable=SC2154,SC2034,SC2153

# trust_test PATH ROOT_OK: PATH is no symbolic link, belongs to the
# effective user (or to root when ROOT_OK is 1) and neither its group nor
# others can write it. run9p boots or hands the guest what it finds
# there, so anyone else who can write it owns the guest. Fails with why
# in WHY (no fork: start-up calls it for every cached file it uses).
trust_test() {
	local p=$1 root_ok=$2 uid mode me=$EUID
	WHY=""
	[ ! -L "$p" ] || { WHY="it is a symbolic link"; return 1; }
	stat_get "$p" || { WHY="it cannot be read (stat)"; return 1; }
	uid=${ST_OUT[0]} mode=${ST_OUT[2]}
	if [ "$uid" != "$me" ] && { [ "$root_ok" != 1 ] || [ "$uid" != 0 ]; }; then
		WHY="it belongs to uid $uid, not to uid $me who runs run9p"
		return 1
	fi
	[ $((8#$mode & 8#022)) = 0 ] || { WHY="its group or others can write it (mode $mode)"; return 1; }
}

# trust_check PATH ROOT_OK: trust_test, failing printing why.
trust_check() {
	trust_test "$@" || { echo "$WHY"; return 1; }
}

# cache_get SUB: CACHE_OUT = the cache folder SUB (vmlinux, loop) under
# $ROOT9P_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/root9p), made 0700
# when missing. It and SUB must pass trust_test (root's will do: under
# sudo without -E that is where they are). Fails with why in CACHE_OUT:
# 1 when it cannot be made, 2 when it is not the user's own.
cache_get() {
	local base=${ROOT9P_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/root9p} d
	for d in "$base" "$base/$1"; do
		[ -d "$d" ] || (umask 077 && mkdir -p -- "$d") 2>/dev/null ||
			{ CACHE_OUT="cannot make the cache folder $d"; return 1; }
		trust_test "$d" 1 || { CACHE_OUT="the cache folder $d: $WHY"; return 2; }
	done
	CACHE_OUT=$base/$1
}
CACHE_TRY="ROOT9P_CACHE=DIR, a folder of your own no one else can write (under sudo: without -E, so HOME is root's)"

# stat_fetch PATH...: one stat(1) for all PATHs not in ST yet (links
# followed: callers that care test -L first), kept in ST until run9p
# ends: run9p creates no file it then stats. A PATH that cannot be
# stat'ed is left out, and stat_get asks again. Call it in
# run9p itself, not in $(...), or what it learns is lost.
declare -gA ST=()
ST_FMT='%u %g %a %s %.9Y %.9Z %i %d'
stat_fetch() {
	local out rec p one=() many=() IFS=$'\n'
	# (bash reads a pipe a byte a syscall, and $(...) drops NUL bytes:
	# the records come back one a line, read with $(...), and a path
	# holding a newline is asked alone, its record then being the one.)
	for p in "$@"; do
		[ -z "${ST[$p]:-}" ] || continue
		case $p in *$'\n'*) one+=("$p") ;; *) many+=("$p") ;; esac
	done
	for p in "${one[@]}"; do
		out=$(exec stat -L --printf "$ST_FMT" -- "$p" 2>/dev/null) && ST[$p]=$out
	done
	[ ${#many[@]} != 0 ] || return 0
	# (exec: with run9p's traps set, bash would fork once more for it)
	out=$(exec stat -L --printf "$ST_FMT %n\n" -- "${many[@]}" 2>/dev/null) || true
	set -f
	# shellcheck disable=SC2206 # split on newlines, globbing off
	many=($out)
	set +f
	for rec in "${many[@]}"; do
		p=${rec#* * * * * * * * }
		ST[$p]=${rec%" $p"}
	done
}

# stat_get PATH: ST_OUT=(uid gid mode size mtime ctime inode device) of
# PATH, from ST or a stat of its own. Fails when PATH cannot be stat'ed.
declare -gA ST_USED=()
stat_get() {
	ST_USED[$1]=1
	[ -n "${ST[$1]:-}" ] || stat_fetch "$1"
	[ -n "${ST[$1]:-}" ] || return 1
	# shellcheck disable=SC2206 # eight numbers, split on spaces
	ST_OUT=(${ST[$1]})
}

# stat_startup: one stat for what start-up looks at: the root, the
# kernel, QEMU, the cache folders, the index and the files the last run
# looked at (ROOT9P_CACHE/run9p/paths: the initrd, its modules, the
# unpacked kernel...), so that later checks find them in ST. The list
# only says what to stat: a stale one costs a stat, nothing more.
declare -gA STAT_LISTED=()
STAT_PATHS_FILE=""
stat_startup() {
	local base=${ROOT9P_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/root9p} k="" f p more=()
	qemu_path
	[ ! -f "$kernel" ] || { abs_path "$kernel"; k=$ABS_OUT; }
	f=$base/run9p/paths
	[ ! -f "$f" ] || [ -L "$f" ] || mapfile -t more <"$f"
	stat_fetch "$rootdir" ${k:+"$k"} ${QEMU_PATH:+"$QEMU_PATH"} "$base" \
		"$base/run9p" "$base/run9p/index" "$base/run9p/keys" "$base/loop" "$base/run" \
		"$base/vmlinux" "$f" "${more[@]}"
	# Remembered only from a list of the user's own (stat_remember).
	if [ ${#more[@]} != 0 ] && trust_test "$f" 1; then
		for p in "${more[@]}"; do STAT_LISTED[$p]=1; done
	fi
	STAT_PATHS_FILE=$f
}

# stat_remember: keep the paths this run looked at (stat_get: ST_USED)
# for the next (stat_startup), in the cache folder idx_load trusted,
# when the list it read lacks one of them, or holds more than
# STAT_LIST_SLACK times as many paths. The paths used, not all stat'ed:
# a list that kept every path it was given would only grow, with every
# kernel, tree and test run ever seen; a few more than used (another
# command line's, another run9p's) cost a stat each, not a rewrite.
STAT_LIST_SLACK=2
stat_remember() {
	local p list="" n=0 same=1 tmp
	[ -n "$STAT_PATHS_FILE" ] && [ "$IDX_STATE" = on ] || return 0
	for p in "${!ST_USED[@]}"; do
		case $p in *$'\n'*) continue ;; esac
		list+=$p$'\n'
		n=$((n + 1))
		[ -n "${STAT_LISTED[$p]:-}" ] || same=0
	done
	[ "$same" = 0 ] || [ ${#STAT_LISTED[@]} -gt $((STAT_LIST_SLACK * n)) ] || return 0
	tmp=$(mktemp "$STAT_PATHS_FILE.XXXXXX" 2>/dev/null) || return 0
	printf '%s' "$list" >"$tmp" || { rm -f -- "$tmp"; return 0; }
	mv -f -- "$tmp" "$STAT_PATHS_FILE" || rm -f -- "$tmp"
}

# file_id PATH: FILE_ID = what identifies PATH's content without reading
# it: size, mtime, ctime, inode and device (nobody sets a ctime, so a
# file changed in place changes it). Fails for a path the index cannot
# name (a control byte: the index is one line per entry).
file_id() {
	case $1 in /*) ;; *) return 1 ;; esac
	case $1 in *["$BYTES_CNTRL"]*) return 1 ;; esac
	stat_get "$1" || return 1
	FILE_ID="${ST_OUT[3]} ${ST_OUT[4]} ${ST_OUT[5]} ${ST_OUT[6]} ${ST_OUT[7]}"
}

# The index (ROOT9P_CACHE/run9p/index): one line per fact,
# "NAME VALUE SIZE MTIME CTIME INODE DEVICE PATH". A fact counts only
# while PATH still has that identity (file_id) and its VALUE has its
# NAME's form (idx_valid): a stale or planted line is a miss, and run9p
# learns the fact again. The index is kept like the initrds: a file of
# the user's own (or root's) that nobody else can write, in a folder
# that passes cache_get.
declare -gA IDX=()
IDX_FILE="" IDX_STATE=unread

# idx_valid NAME VALUE: VALUE has the form NAME's facts have.
idx_valid() {
	local re up=$BYTES_UPPER al=$BYTES_UPPER$BYTES_LOWER$BYTES_DIGIT
	case $1 in
	sha256) re=$RE_SHA256 ;;
	kver) re="^[$al][$al._+~-]{0,63}\$" ;;
	builtin9p | config-pvh | qemu-run-with-user | qemu-sandbox=*) re='^[01]$' ;;
	loop-missing) re="^(-|[$up${BYTES_DIGIT}_]{1,32}(,[$up${BYTES_DIGIT}_]{1,32}){0,15})\$" ;;
	*) return 1 ;;
	esac
	[[ $2 =~ $re ]]
}

# idx_load: read the index once. Without a cache folder run9p can use
# (the initrd's and the unpacked kernel's refuse it by name) or with an
# index it cannot trust, nothing is kept: every fact is learnt afresh.
idx_load() {
	local why name val s m c i d p
	[ "$IDX_STATE" = unread ] || return 0
	IDX_STATE=off
	cache_get run9p || return 0
	IDX_FILE=$CACHE_OUT/index
	if [ -e "$IDX_FILE" ] || [ -L "$IDX_FILE" ]; then
		why=""
		trust_test "$IDX_FILE" 1 || why=${WHY:-?}
		[ -n "$why" ] || [ -f "$IDX_FILE" ] || why="it is not a regular file"
		if [ -n "$why" ]; then
			log "note: not using the cache index $IDX_FILE: $why (remove it: run9p makes it again)"
			return 0
		fi
	fi
	IDX_STATE=on
	[ -f "$IDX_FILE" ] || return 0
	while IFS=' ' read -r name val s m c i d p; do
		[ -n "$p" ] || continue
		IDX["$name $p"]="$val $s $m $c $i $d"
	done <"$IDX_FILE"
}

# idx_get NAME PATH: IDX_VAL = the fact NAME about PATH, when the index
# holds one for PATH as it is now. Fails otherwise.
idx_get() {
	local e
	IDX_VAL=""
	idx_load
	file_id "$2" || return 1
	e=${IDX["$1 $2"]:-}
	[ -n "$e" ] && [ "${e#* }" = "$FILE_ID" ] || return 1
	IDX_VAL=${e%% *}
	idx_valid "$1" "$IDX_VAL"
}

# idx_put NAME PATH VALUE: keep the fact, and write the index again (a
# new file renamed over it: a reader sees the old index or the new one).
# A fact that cannot be kept is learnt again next time, nothing worse.
idx_put() {
	local tmp k
	idx_valid "$1" "$3" && file_id "$2" || return 0
	idx_load
	[ "$IDX_STATE" = on ] || return 0
	IDX["$1 $2"]="$3 $FILE_ID"
	tmp=$(mktemp "$IDX_FILE.XXXXXX" 2>/dev/null) || return 0
	for k in "${!IDX[@]}"; do
		# (A fact about a file that is gone goes: every run reads the
		# whole index, which would otherwise keep every file run9p saw.)
		[ -e "${k#* }" ] || continue
		printf '%s %s %s\n' "${k%% *}" "${IDX[$k]}" "${k#* }"
	done >"$tmp" || { rm -f -- "$tmp"; return 0; }
	mv -f -- "$tmp" "$IDX_FILE" || rm -f -- "$tmp"
}

# file_sums PATH...: SUM[PATH] = the sha256 of each PATH, from the index
# or, for those it does not hold, one sha256sum for them all.
declare -gA SUM=()
file_sums() {
	local p todo=() line
	for p in "$@"; do
		[ -n "${ST[$p]:-}" ] || todo+=("$p")
	done
	[ ${#todo[@]} = 0 ] || stat_fetch "${todo[@]}"
	todo=()
	for p in "$@"; do
		[ -z "${SUM[$p]:-}" ] || continue
		if idx_get sha256 "$p"; then SUM[$p]=$IDX_VAL; else todo+=("$p"); fi
	done
	[ ${#todo[@]} != 0 ] || return 0
	stat_fetch "${todo[@]}"
	for p in "${todo[@]}"; do
		# sha256sum escapes a name with a backslash or newline: read
		# the sums in the order given instead of by name.
		read -r line || return 1
		line=${line#\\}
		SUM[$p]=${line%% *}
		idx_valid sha256 "${SUM[$p]}" || return 1
		idx_put sha256 "$p" "${SUM[$p]}"
	done < <(sha256sum -- "${todo[@]}")
}

# key_sum TEXT: KEY_OUT = the sha256 of TEXT and a newline (sha256sum
# <<<TEXT), remembered per TEXT in ROOT9P_CACHE/run9p/keys beside the
# index: the initrd's key (loop_initrd_key) names every input of the
# image in TEXT, so any change to one is a TEXT never seen, hashed
# afresh, and a warm run asks no sha256sum. One "SUM TEXT" line each
# (TEXT as printf %q writes it: one line), the newest first, KEYS_MAX
# kept. The file is trusted as the index is (trust_test): a planted
# line would name another image.
declare -gA KEYS=()
KEYS_LIST=() KEYS_FILE="" KEYS_STATE=unread KEYS_MAX=32
keys_load() {
	local k t
	[ "$KEYS_STATE" = unread ] || return 0
	KEYS_STATE=off
	idx_load
	[ "$IDX_STATE" = on ] || return 0
	KEYS_FILE=${IDX_FILE%/*}/keys
	if [ -e "$KEYS_FILE" ] || [ -L "$KEYS_FILE" ]; then
		{ trust_test "$KEYS_FILE" 1 && [ -f "$KEYS_FILE" ]; } || return 0
		while IFS=' ' read -r k t; do
			if [[ $k =~ $RE_SHA256 ]] && [ -n "$t" ] && [ -z "${KEYS[$t]:-}" ]; then
				KEYS[$t]=$k
				KEYS_LIST+=("$t")
			fi
		done <"$KEYS_FILE"
	fi
	KEYS_STATE=on
}

key_sum() {
	local q tmp t n=1
	printf -v q '%q' "$1"
	keys_load
	if [ -n "${KEYS[$q]:-}" ]; then KEY_OUT=${KEYS[$q]}; return 0; fi
	KEY_OUT=$(sha256sum <<<"$1") || return 1
	KEY_OUT=${KEY_OUT%% *}
	[[ $KEY_OUT =~ $RE_SHA256 ]] || return 1
	[ "$KEYS_STATE" = on ] || return 0
	# (A new file renamed over the old, as the index is written.)
	tmp=$(mktemp "$KEYS_FILE.XXXXXX" 2>/dev/null) || return 0
	{
		printf '%s %s\n' "$KEY_OUT" "$q"
		for t in "${KEYS_LIST[@]}"; do
			[ $((n += 1)) -le "$KEYS_MAX" ] || break
			printf '%s %s\n' "${KEYS[$t]}" "$t"
		done
	} >"$tmp" || { rm -f -- "$tmp"; return 0; }
	mv -f -- "$tmp" "$KEYS_FILE" || rm -f -- "$tmp"
	KEYS[$q]=$KEY_OUT
	KEYS_LIST=("$q" "${KEYS_LIST[@]}")
}

# umask_get: UMASK_OUT = run9p's umask, from /proc (no fork), else umask.
umask_get() {
	local line
	UMASK_OUT=""
	while read -r line; do
		case $line in Umask:*) UMASK_OUT=${line#Umask:}; UMASK_OUT=${UMASK_OUT//[!0-7]/}; break ;; esac
	done </proc/$$/status 2>/dev/null || true
	[ -n "$UMASK_OUT" ] || UMASK_OUT=$(umask)
}

# file_new PATH: make PATH, empty and 0600, only when nothing is there:
# never over a file, never through a link. bash's noclobber (set -C)
# opens a new file with O_EXCL, which fails on any link, dangling or
# not; but it opens an existing non-regular file (a link to a device)
# as it is, so anything at PATH is refused first. For the cache folders
# only (cache_get: the user's own, 0700): nobody but the user can put a
# file there between the test and the open. No fork (umask from /proc).
file_new() {
	local rc=0
	[ ! -e "$1" ] && [ ! -L "$1" ] || return 1
	umask_get
	umask 077
	set -C
	{ : >"$1"; } 2>/dev/null || rc=1
	set +C
	umask "$UMASK_OUT"
	return $rc
}
