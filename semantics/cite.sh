#!/bin/bash
# SPDX-License-Identifier: MIT
# semantics/cite.sh - the table's rows that `mount9p --explain` cites for
# 9p's cache= modes, as C (mount9p/semcite.h), from docs/semantics.csv:
# one source, so what --explain says is what the table measured.
#
#   semantics/cite.sh [CSV [HEADER]]   (default docs/semantics.csv,
#                                       mount9p/semcite.h)
#
# Per 9p cache mode (the configurations 9p-none, 9p-mmap, 9p-loose,
# 9p-fscache) and guest kernel: how many FAIL rows its column has and
# the rows whose PASS/FAIL differs from 9p-mmap's (run9p's default), in
# the table's order. semantics/table.sh calls it after writing the CSV;
# semantics/lib-test.sh checks the committed header is what it makes.
# Sourcing it defines the functions only.
set -u

# sem_cite_rows CSV: "MODE KVER FAILS DIFFERS" lines, DIFFERS the rows
# unlike 9p-mmap as "probe RESULT" joined by ", " (or "-").
sem_cite_rows() {
	awk -F, '
		NR == 1 { next }
		$1 !~ /^9p-(none|mmap|loose|fscache)$/ { next }
		{
			mode = substr($1, 4); k = $2
			if (!(k in kseen)) { kseen[k] = 1; ks[++nk] = k }
			if (!(mode in mseen)) { mseen[mode] = 1; ms[++nm] = mode }
			if (!((k, $3) in pseen)) { pseen[k, $3] = 1; ps[k, ++np[k]] = $3 }
			r[mode, k, $3] = $4
			if ($4 == "FAIL") fails[mode, k]++
		}
		END {
			for (i = 1; i <= nm; i++) for (j = 1; j <= nk; j++) {
				m = ms[i]; k = ks[j]; d = ""
				if (!((m, k, "run.start") in r)) continue
				for (n = 1; n <= np[k]; n++) {
					p = ps[k, n]
					if (p ~ /\.host(\.[0-9]+)?$/) continue
					a = r[m, k, p]; b = r["mmap", k, p]
					if (a !~ /^(PASS|FAIL)$/ || b !~ /^(PASS|FAIL)$/ || a == b) continue
					d = d (d == "" ? "" : ", ") p " " a
				}
				printf "%s %s %d %s\n", m, k, fails[m, k], (d == "" ? "-" : d)
			}
		}' "$1"
}

# sem_cite_header CSV: the C header on stdout.
sem_cite_header() {
	local mode kver fails differs major minor
	cat <<'EOF'
/* SPDX-License-Identifier: MIT */
/*
 * mount9p/semcite.h - made by semantics/cite.sh from docs/semantics.csv
 * (make semantics); do not edit. What the semantics table measured per
 * 9p cache mode and guest kernel, for `mount9p --explain` (explain.c).
 */
#ifndef R9P_SEMCITE_H
#define R9P_SEMCITE_H

struct r9p_semcite {
	const char *mode;	/* cache=MODE; the column is 9p-MODE */
	unsigned major, minor;	/* the guest kernel it ran on */
	const char *kernel;	/* its release, as the table names it */
	unsigned fails;		/* FAIL rows in the column */
	const char *differs;	/* rows unlike 9p-mmap: "probe RESULT, ..." */
};

static const struct r9p_semcite r9p_semcites[] = {
EOF
	sem_cite_rows "$1" | while read -r mode kver fails differs; do
		major=${kver%%.*}
		minor=${kver#*.}
		minor=${minor%%[!0-9]*}
		[ "$differs" != - ] || differs=""
		printf '\t{ "%s", %s, %s, "%s", %s,\n\t  "%s" },\n' \
			"$mode" "$major" "$minor" "$kver" "$fails" "$differs"
	done
	cat <<'EOF'
};

#endif
EOF
}

sem_cite_main() {
	local csv=${1:-docs/semantics.csv} out=${2:-mount9p/semcite.h}
	[ $# -le 2 ] || { echo "usage: semantics/cite.sh [CSV [HEADER]]" >&2; exit 2; }
	[ -r "$csv" ] || {
		echo "cite: read $csv: no such file" >&2
		echo "cite: try: make semantics (it writes docs/semantics.csv)" >&2
		exit 1
	}
	sem_cite_header "$csv" >"$out.tmp" && mv "$out.tmp" "$out"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	cd "$(dirname "$0")/.." || exit 2
	sem_cite_main "$@"
fi
