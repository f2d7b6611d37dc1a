#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/unit/test_cmdline_doc.sh - the kernel command line keys root9p
# reads and the ones root9p(7) documents are the same list: every key of
# the engine's table (engine/cmdline.c, keys[]) and every root9p.* key
# payload9p reads (init/payload.c) has its item in the man page's COMMAND
# LINE section, and every key an item there names is read by the code.
# One check per key on either list.
#   tests/unit/test_cmdline_doc.sh [SRCDIR]   (default .)
src=${1:-.}
cd "$src" || { echo "cmdline-doc: cannot enter $src"; exit 1; }
T_QUIET=${T_QUIET-1}
# shellcheck source=tests/lib/check.sh
. tests/lib/check.sh
tmp=$(mktemp -d) || { echo "cmdline-doc: cannot make a temporary folder"; exit 1; }
trap 'rm -rf "$tmp"' EXIT

# The code's keys: the quoted names of keys[] (one entry a line, from
# "static const struct key keys[]" to its "};"), and the root9p.* keys
# payload9p looks up with cmdline_get.
awk '/^static const struct key keys\[\]/ { in_t = 1; next }
	in_t && /^};/ { in_t = 0 }
	in_t && match($0, /\{ "[^"]+"/) { print substr($0, RSTART + 3, RLENGTH - 4) }' \
	engine/cmdline.c >"$tmp/code"
sed -n 's/.*cmdline_get([^,]*, "\(root9p\.[a-z]*\)").*/\1/p' init/payload.c >>"$tmp/code"
sort -u -o "$tmp/code" "$tmp/code"

# The page's keys: each .TP item of COMMAND LINE names one key, or more
# separated by a quoted comma (.BR ro ", " rw): the first word of each,
# troff fonts and quotes taken off, up to "=", "[", "|" or a space
# ("module.param=value" is the modules' own, not a key).
awk '/^\.SH COMMAND LINE/ { s = 1; next } /^\.SH/ { s = 0 }
	s && prev == ".TP" { print } { prev = $0 }' man/root9p.7 |
	sed 's/^\.[BIR]*[ ]//; s/", "/\n/g' | sed 's/\\f[BIRP]//g; s/"//g; s/^ *//' |
	sed 's/[=[| ].*//' | grep -vx 'module' | sort -u >"$tmp/doc"

t_plan $(($(grep -c . "$tmp/code") + $(grep -c . "$tmp/doc")))
while read -r k; do
	check "$k (read by the code) has its item in root9p(7) COMMAND LINE" grep -qxF "$k" "$tmp/doc"
done <"$tmp/code"
while read -r k; do
	check "$k (an item of root9p(7) COMMAND LINE) is read by the code" grep -qxF "$k" "$tmp/code"
done <"$tmp/doc"
t_done cmdline-doc
