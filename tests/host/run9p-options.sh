#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/host/run9p-options.sh - run9p's options are described in three
# places besides its parser (run9p_parse_args' case arms in
# scripts/run9p.d/args.sh):
# --help, man/run9p.1 and README.md. This holds them together: the same
# long options in the parser, --help and the man page, each short option
# the same long one's in all three, and no option in README.md's run9p
# lines that the parser does not take. No QEMU, no kernel.
#
# Ends with "run9p-options: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/lib/check.sh
. tests/lib/check.sh
RUN9P=${RUN9P:-scripts/run9p}
PARSER=${PARSER:-scripts/run9p.d/args.sh}
MAN=${MAN:-man/run9p.1}
README=${README:-README.md}
t_plan 6

# The lists below are "OPTION" lines, or "SHORT LONG" pairs, sorted.

# parser_opts: the options of run9p's argument loop (the last
# `while [ $# -gt 0 ]` loop's case arms in PARSER: "-k | --kernel)").
parser_opts() {
	awk '/^\twhile \[ \$# -gt 0 \]; do$/ { on = 1; n++; delete arms; next }
		on && /^\tdone$/ { on = 0; next }
		on && /^\t\t-[-a-zA-Z0-9 |]*\)/ { arms[n, ++k[n]] = $0 }
		END { for (i = 1; i <= k[n]; i++) print arms[n, i] }' "$PARSER" |
		sed 's/).*//; s/[\t ]//g' | tr '|' '\n' | grep -x -- '-[-a-zA-Z0-9]*' | grep -vx -- '--' | LC_ALL=C sort -u
}
# parser_pairs: "SHORT LONG" for each arm that has both.
parser_pairs() {
	awk '/^\twhile \[ \$# -gt 0 \]; do$/ { on = 1; n++; next }
		on && /^\tdone$/ { on = 0; next }
		on && /^\t\t-[a-zA-Z] \| --[-a-z0-9]*\)/ { p[n, ++k[n]] = $1 " " $3 }
		END { for (i = 1; i <= k[n]; i++) print p[n, i] }' "$PARSER" |
		sed 's/)$//' | LC_ALL=C sort -u
}

# help_lines: the option lines of --help ("  -k, --kernel FILE", "      --pvh, --no-pvh").
help_lines() { "$RUN9P" --help | grep -E '^ {2,8}-'; }
help_opts() {
	help_lines | sed -E 's/^ +//; s/  .*//' | grep -oE '(^|[ ,])--?[a-zA-Z0-9][-a-zA-Z0-9]*' |
		sed -E 's/^[ ,]//' | LC_ALL=C sort -u
}
help_pairs() {
	help_lines | sed -nE 's/^ +(-[a-zA-Z]), (--[-a-z0-9]+).*/\1 \2/p' | LC_ALL=C sort -u
}

# man_tags: the line after each .TP of the man page's option list, with
# troff's \- as -.
man_tags() { awk 'tp { print; tp = 0 } /^\.TP/ { tp = 1 }' "$MAN" | sed 's/\\-/-/g'; }
man_opts() {
	man_tags | grep -E '^\.B[IR]? +-' | sed -E 's/^\.B[IR]? +//; s/ "[^",]*"$//; s/ "[^",]* \\f.*$//' |
		grep -oE '(^|[ "])--?[a-zA-Z0-9][-a-zA-Z0-9]*' | sed -E 's/^[ "]//' | LC_ALL=C sort -u
}
man_pairs() {
	man_tags | sed -nE 's/^\.BR (-[a-zA-Z]) ", " (--[-a-z0-9]+).*/\1 \2/p' | LC_ALL=C sort -u
}

# readme_opts: the options on README.md's lines that run run9p
# ("scripts/run9p ...", "run9p ..."), up to a "--" that starts CMD.
readme_opts() {
	grep -E '(^|[ `(])(scripts/)?run9p ' "$README" | sed -E 's/.*run9p //; s/ -- .*//; s/`.*//' |
		grep -oE '(^| )--?[a-zA-Z][-a-zA-Z0-9]*' | sed 's/^ //' | LC_ALL=C sort -u
}

# same WHAT A B: the two lists agree; the differences said when not.
same() {
	local d
	d=$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | grep '^[<>]' | tr '\n' ' ')
	[ -z "$d" ] && return 0
	echo "    $1: $d"
	return 1
}

P=$(parser_opts)
H=$(help_opts)
M=$(man_opts)
R=$(readme_opts)
check "the parser takes options ($(grep -c . <<<"$P") found)" [ "$(grep -c . <<<"$P")" -ge 40 ]
check "--help describes the parser's options, no more (< parser, > --help)" same --help "$P" "$H"
check "man/run9p.1 describes the parser's options, no more (< parser, > man)" same man "$P" "$M"
check "--help gives each short option the parser's long one" same --help "$(parser_pairs)" "$(help_pairs)"
check "man/run9p.1 gives each short option the parser's long one" same man "$(parser_pairs)" "$(man_pairs)"
check "README.md's run9p lines use only options the parser takes" \
	same README "$(comm -12 <(printf '%s\n' "$R") <(printf '%s\n' "$P"))" "$R"
t_done run9p-options
