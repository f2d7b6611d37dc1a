# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# scripts/run9p.d/common.sh - run9p's messages, its constants and the helpers
# every part uses: log, die, die_try (exit 2 with `run9p: ...` and
# `run9p: try: ...`), is_print_ascii, real_dir and abs_path (no fork),
# need_arg, run9p_lib (a file beside run9p or installed).
# Sourced by scripts/run9p with the rest of run9p.d: the globals it
# reads and sets (QEMU among them, from the environment) are
# run9p_defaults' (args.sh), which shellcheck cannot see from here.
# shellcheck disable=SC2154,SC2034,SC2153

prog=run9p

# root9p's default rootflags (the howto's, with root9p's msize and cache):
# the one copy in the shell; -o replaces it, virtiofs and diod drop it.
# mount9p decides them (R9P_DEFAULTS, `mount9p --explain`'s first line);
# asking it would be a fork on every run, so bats checks the two agree.
DEFAULT_ROOTFLAGS=trans=virtio,version=9p2000.L,msize=512000,cache=mmap

# Byte sets spelled out, not as ranges or classes, for the checks run
# on every path and fact: they need no LC_ALL=C, each change of which
# makes bash reload the locale (0.15 ms of locale files read, again on
# the way back), dozens of times a run.
BYTES_CNTRL=$'\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020\021\022\023\024\025\026\027\030\031\032\033\034\035\036\037\177'
BYTES_UPPER=ABCDEFGHIJKLMNOPQRSTUVWXYZ
BYTES_LOWER=abcdefghijklmnopqrstuvwxyz
BYTES_DIGIT=0123456789
RE_SHA256="^[${BYTES_DIGIT}abcdef]{64}\$"

log() { echo "$prog: $*" >&2; }
die() {
	log "$*"
	exit 2
}
# die_try WHAT TRY: a refusal and what to do instead, on two lines.
die_try() {
	log "$1"
	log "try: $2"
	exit 2
}


# is_print_ascii TEXT: only bytes 0x20-0x7e. The kernel's isspace()
# takes 0xa0 for a space too (lib/ctype.c) and splits its command line
# there; the C locale makes the range one of bytes, not of characters.
is_print_ascii() {
	local LC_ALL=C
	case $1 in *[!\ -~]*) return 1 ;; esac
}

# --- start-up without waste: stat once, probe once ---
# run9p's own time before QEMU starts is paid on every run of the loop,
# so its warm path forks little: stat results are fetched for several
# files at once, and what is costly to learn about a file (its hash, a
# kernel's version, what a QEMU binary supports) is kept in the index.

# real_dir DIR: REAL_OUT = DIR with every symbolic link resolved, as
# $(cd DIR && pwd -P) says, without the fork: cd -P in run9p itself and
# back. Fails when DIR cannot be entered.
real_dir() {
	local back=$PWD CDPATH=
	builtin cd -P -- "$1" 2>/dev/null || return 1
	REAL_OUT=$PWD
	builtin cd -- "$back" 2>/dev/null || true
}

# abs_path PATH: ABS_OUT = PATH made absolute (not resolved), no fork.
abs_path() {
	case $1 in /*) ABS_OUT=$1 ;; *) ABS_OUT=$PWD/$1 ;; esac
}

need_arg() {
	[ "$2" -ge 2 ] || die "$1 needs a value (see --help)"
}

# run9p_lib NAME: a part of run9p, beside it in the source tree or
# installed in PREFIX/lib/root9p (RUN9P_DIR: run9p's own folder).
run9p_lib() {
	local lib
	lib=$RUN9P_DIR/$1
	[ -f "$lib" ] || lib=$RUN9P_DIR/../lib/root9p/$1
	[ -f "$lib" ] || die "$1 not found beside run9p or in ../lib/root9p: reinstall root9p"
	echo "$lib"
}
