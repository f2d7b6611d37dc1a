#!/bin/bash
# SPDX-License-Identifier: MIT
# semantics/table.sh - semantics/run.sh's results into the table:
# docs/semantics.md (one table per guest kernel, one row per probe, one
# column per configuration, a footnote for each FAIL saying what differed;
# a header with the date and the host's, QEMU's, virtiofsd's and the
# guests' versions), docs/semantics.csv (config,kernel,probe,result,detail)
# and semantics/expected/CONFIG-KERNEL.txt ("probe result", what the smoke
# compares with); with the default DOCS-DIR also mount9p/semcite.h, the
# rows `mount9p --explain` cites (semantics/cite.sh).
#
#   semantics/table.sh RESULTS-DIR [DOCS-DIR [EXPECTED-DIR]]
set -u
cd "$(dirname "$0")/.." || exit 2
. semantics/lib.sh
res=${1:-}
docs=${2:-docs}
expdir=${3:-semantics/expected}
if [ -z "$res" ] || [ $# -gt 3 ]; then
	echo "usage: semantics/table.sh RESULTS-DIR [DOCS-DIR [EXPECTED-DIR]]" >&2
	exit 2
fi
[ -f "$res/versions" ] || { sem_log "read $res/versions: no such file"
	sem_log "try: semantics/run.sh --out $res first"; exit 1; }
mkdir -p "$docs" "$expdir" || exit 1

# ver KEY: a line of the versions file, without its key.
ver() { sed -n "s/^$1 //p" "$res/versions" | head -n 1; }
# The runs that exist, in the table's order: configurations, then kernels.
runs=()
kernels=$(sed -n 's/^guest \([^ ]*\) .*/\1/p' "$res/versions")
for k in $kernels; do
	for c in $(sem_config_names); do
		[ ! -f "$res/$c-$k.txt" ] || runs+=("$c-$k")
	done
done
[ ${#runs[@]} -gt 0 ] || { sem_log "read $res: no results files (CONFIG-KERNEL.txt)"; exit 1; }
for r in "${runs[@]}"; do sem_unique "$res/$r.txt" || exit 1; done

# The CSV and the expected files.
csv=$docs/semantics.csv
echo "config,kernel,probe,result,detail" >"$csv"
for r in "${runs[@]}"; do
	k=${r##*-} c=${r%-*}
	kver=$(sed -n 's/^kernel //p' "$res/$r.meta" 2>/dev/null)
	awk -v c="$c" -v k="${kver:-$k}" '{
		d = ""; for (i = 3; i <= NF; i++) d = d (i > 3 ? " " : "") $i
		gsub(/"/, "\"\"", d)
		printf "%s,%s,%s,%s,\"%s\"\n", c, k, $1, $2, d }' "$res/$r.txt" >>"$csv"
	{
		echo "# semantics/expected/$r.txt - made by make semantics on $(ver date); probe result"
		awk '{ print $1, $2 }' "$res/$r.txt"
	} >"$expdir/$r.txt"
done

# The Markdown: a table per kernel, cells PASS/FAIL [n]/SKIP/INFO.
md=$docs/semantics.md
{
	echo "# What a guest can rely on: filesystem semantics per configuration"
	echo
	echo "Made by \`make semantics\` (semantics/run.sh, then semantics/table.sh) on"
	echo "$(ver date); do not edit by hand. Issue #24. Each run boots a real guest"
	echo "under QEMU TCG on a fresh copy of a tiny busybox root and runs semprobe"
	echo "(semantics/) as root in /semdir on that root; \`.host\` rows are the host's"
	echo "check of what the guest wrote, \`run.*\` rows the runner's own."
	echo
	echo "- Host: $(ver host); $(ver qemu); $(ver virtiofsd)"
	for k in $kernels; do echo "- Guest $k: Linux $(ver "guest $k" | cut -d' ' -f1)"; done
	echo "- semprobe $(ver semprobe) (sha256 prefix), seed $SEM_SEED"
	echo "- Run time: $(ver seconds) s for ${#runs[@]} runs ($(ver jobs)) on a loaded, shared 2-core machine ($(ver load)): times are noise"
	echo
	echo "## Configurations"
	echo
	echo "| name | path | fs | security model | cache | kernel arguments | root as mounted (first kernel) |"
	echo "|---|---|---|---|---|---|---|"
	first=$(head -n 1 <<<"$kernels")
	for c in $(sem_config_names); do
		sem_config "$c"
		mnt=$(sed -n 's/^mount //p' "$res/$c-$first.meta" 2>/dev/null)
		echo "| $c | $C_PATH | $C_FS | $C_MODEL | $C_CACHE | ${C_ARGS:--} | \`${mnt:-not run}\` |"
	done
	echo
	echo "9p-mmap is run9p's default (no -o). 9p trees are mkroot9p-converted for mapped-xattr"
	echo "and served by QEMU as uid:gid $SEM_TREE_OWNER; passthrough and virtiofs trees are"
	echo "served with root's rights (--passthrough-as-root); virtiofs uses QEMU 7.2's C"
	echo "virtiofsd as run9p starts it (-o cache=..., -o xattrmap: user.* as they are, trusted.* and security.* as user.virtiofs.* on the host)."
	for k in $kernels; do
		cols=()
		for r in "${runs[@]}"; do [ "${r##*-}" != "$k" ] || cols+=("$r"); done
		echo
		echo "## Linux $(ver "guest $k" | cut -d' ' -f1) ($k)"
		echo
		for r in "${cols[@]}"; do echo "$r"; done | awk -v dir="$res" -v k="$k" '
			{ run[++n] = $0; c = $0; sub("-" k "$", "", c); name[n] = c
			  f = dir "/" $0 ".txt"
			  while ((getline line < f) > 0) {
				split(line, a, " "); p = a[1]
				if (!(p in seen)) { seen[p] = 1; order[++np] = p }
				d = line; sub(/^[^ ]* [^ ]* ?/, "", d)
				res[n, p] = a[2]; det[n, p] = d
			  } }
			END {
				printf "| probe |"; for (i = 1; i <= n; i++) printf " %s |", name[i]; print ""
				printf "|---|"; for (i = 1; i <= n; i++) printf "---|"; print ""
				for (j = 1; j <= np; j++) {
					p = order[j]; printf "| %s |", p
					for (i = 1; i <= n; i++) {
						r = res[i, p]
						if (r == "") { printf " - |"; continue }
						if (r == "FAIL") {
							key = p SUBSEP det[i, p]
							if (!(key in fn)) { fn[key] = ++nf; ftext[nf] = p ": " det[i, p] }
							fcfg[fn[key]] = fcfg[fn[key]] (fcfg[fn[key]] == "" ? "" : ", ") name[i]
							printf " FAIL [%d] |", fn[key]
						} else printf " %s |", r
					}
					print ""
				}
				if (nf) { print ""; print "FAIL notes:"; print "" }
				for (j = 1; j <= nf; j++) {
					t = ftext[j]; gsub(/\|/, "\\|", t)
					printf "%d. %s (%s)\n", j, t, fcfg[j]
				}
				ni = 0
				for (j = 1; j <= np; j++) for (i = 1; i <= n; i++)
					if (res[i, order[j]] == "INFO") {
						if (!ni++) { print ""; print "Figures (INFO):"; print "" }
						printf "- %s, %s: %s\n", order[j], name[i], det[i, order[j]]
					}
			}'
	done
} >"$md"
echo "semantics: wrote $md, $csv ($(($(wc -l <"$csv") - 1)) results) and ${#runs[@]} files in $expdir"
# mount9p --explain cites the same CSV's columns (semantics/cite.sh); only
# the repository's own table feeds it.
if [ "$docs" = docs ]; then
	semantics/cite.sh "$csv" mount9p/semcite.h && echo "semantics: wrote mount9p/semcite.h (rebuild mount9p)"
fi
