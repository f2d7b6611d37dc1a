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
	{ "mmap", 6, 1, "6.1.0-57-amd64", 12,
	  "" },
	{ "mmap", 6, 12, "6.12.118+deb13-amd64", 11,
	  "" },
	{ "none", 6, 1, "6.1.0-57-amd64", 16,
	  "mmap.shared_read FAIL, mmap.write_seen FAIL, mmap.msync FAIL, fsx.run FAIL" },
	{ "none", 6, 12, "6.12.118+deb13-amd64", 15,
	  "unlink.mmap FAIL, link.open PASS, mmap.shared_read FAIL, mmap.write_seen FAIL, mmap.msync FAIL, fsx.run FAIL" },
	{ "loose", 6, 1, "6.1.0-57-amd64", 11,
	  "unlink.mmap PASS, own.setid_write_user PASS, size.sparse FAIL, time.chmod FAIL" },
	{ "loose", 6, 12, "6.12.118+deb13-amd64", 13,
	  "link.open PASS, time.write FAIL, time.rename FAIL, time.chmod FAIL" },
	{ "fscache", 6, 1, "6.1.0-57-amd64", 12,
	  "unlink.mmap PASS, own.setid_write_user PASS, size.sparse FAIL, time.write FAIL, time.chmod FAIL" },
	{ "fscache", 6, 12, "6.12.118+deb13-amd64", 12,
	  "link.open PASS, time.write FAIL, time.rename FAIL" },
};

#endif
