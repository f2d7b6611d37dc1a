#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/size.sh - what each part of init9p costs in bytes: its objects'
# code + data (size(1)), grouped, and the rest of the file (libc, ELF).
#
#   bench/size.sh [GO]     GO: the guest build dir (default build/klibc)
#
# Only the objects the linker took count: libroot9p.a and libmount9p.a
# members that init9p does not use are left out, as in the binary.
# Objects are counted whole: --gc-sections may drop a few unused
# functions of theirs from the file, which then shows in "the rest".
set -eu
go=${1:-build/klibc}
bin=$go/init9p
[ -f "$bin" ] || { echo "size: $bin not built (make)" >&2; exit 2; }
# The archive members the link pulled in, from the linker's map.
map=$(mktemp)
trap 'rm -f "$map" "$map.out"' EXIT
# init9p's own objects, as make links them (obj/init also holds
# payload9p's, which has a main() of its own).
init_objs=$(make -s --no-print-directory print-init-objs O="${go%/*}" LIBC="${go##*/}") ||
	{ echo "size: cannot list init9p's objects (make print-init-objs)" >&2; exit 2; }
# shellcheck disable=SC2086 # a list of object files
${GUEST_CC:-klcc} -static -Wl,-Map,"$map" -o "$map.out" $init_objs "$go/libroot9p.a" "$go/libmount9p.a" ||
	{ echo "size: cannot link $go's objects again for the map" >&2; exit 2; }
members=$(grep -o 'lib\(root\|mount\)9p\.a([^)]*)' "$map" | sed 's/.*(\(.*\))/\1/' | sort -u)
objs=$init_objs
for m in $members; do
	objs="$objs $(ls "$go"/obj/mount9p/"$m" "$go"/obj/engine/"$m" "$go"/obj/tmpfs/"$m" 2>/dev/null || true)"
done
# shellcheck disable=SC2086 # a list of object files
size $objs | awk -v total="$(stat -c %s "$bin")" '
	function part(f) {
		if (f ~ /opttab/) return "option table (opttab)"
		if (f ~ /explain/) return "explain text (explain)"
		if (f ~ /suggest/) return "suggestions (suggest)"
		if (f ~ /optval|optcombo|opts\.o/) return "option checks (optval optcombo opts)"
		if (f ~ /init\/mod/) return "module loading (modload modrun modplan modinfo)"
		if (f ~ /init\//) return "init9p (init9p switchroot execcheck rescue log compat pin)"
		return "root engine (root rootmount effective cmdline tags mount tmpfs ...)"
	}
	NR > 1 { p = part($6); b[p] += $1 + $2; if (!(p in seen)) { seen[p] = 1; order[++n] = p }; sum += $1 + $2 }
	END {
		printf "%-62s %7s %6s\n", "init9p part", "bytes", "share"
		for (i = 1; i <= n; i++)
			printf "%-62s %7d %5.1f%%\n", order[i], b[order[i]], 100 * b[order[i]] / total
		printf "%-62s %7d %5.1f%%\n", "libc, ELF headers, alignment (the rest)", total - sum, 100 * (total - sum) / total
		printf "%-62s %7d\n", "init9p file (stripped)", total
	}'
