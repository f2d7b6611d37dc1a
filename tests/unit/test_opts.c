/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_opts.c - the 9p option parser against a table of good,
 * bad and odd option strings, on the 6.1 and 6.6 kernel profiles (and a
 * few on 6.12 and 6.19).
 *
 * Each row gives the normalized string, and a substring of the expected
 * error and warning; NULL means "none at all" (notes do not count).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mount.h>

#include "common/array.h"
#include "tests/unit/t.h"
#include "mount9p/opts.h"
#include "mount9p/opttab.h"

#define D	R9P_DEFAULTS
#define BAD	(-EINVAL)
#define DEF	"trans=virtio,version=9p2000.L,msize=512000,cache=mmap"
#define BOTH	"6.1 6.6"

struct row {
	const char *kernels;	/* profiles it runs on */
	unsigned flags;
	const char *in;
	int rc;
	const char *data;
	const char *err;	/* substring of an error, NULL: no error */
	const char *warn;	/* substring of a warning, NULL: none */
};

static const struct row rows[] = {
	/* empty, odd separators, defaults */
	{ BOTH, D, "", 0, DEF, NULL, NULL },
	{ BOTH, 0, "", 0, "", NULL, NULL },
	{ BOTH, D, ",,,", 0, DEF, NULL, NULL },
	{ BOTH, D, "msize=262144,", 0,
	  "trans=virtio,version=9p2000.L,msize=262144,cache=mmap", NULL, NULL },
	{ BOTH, D, ",msize=262144,,cache=loose,", 0,
	  "trans=virtio,version=9p2000.L,msize=262144,cache=loose", NULL, NULL },
	{ BOTH, D, "cache=none,trans=virtio,msize=65536,version=9p2000.L", 0,
	  "trans=virtio,version=9p2000.L,msize=65536,cache=none", NULL, NULL },
	{ BOTH, D, "posixacl,msize=65536,uname=bob", 0,
	  "trans=virtio,version=9p2000.L,msize=65536,cache=mmap,posixacl,"
	  "uname=bob", NULL, NULL },
	/* msize: numbers as the kernel reads them */
	{ BOTH, 0, "msize=4096", 0, "msize=4096", NULL, NULL },
	{ BOTH, 0, "msize=0x1000", 0, "msize=4096", NULL, NULL },
	{ BOTH, 0, "msize=0X2000", 0, "msize=8192", NULL, NULL },
	{ BOTH, 0, "msize=010000", 0, "msize=4096", NULL, "octal, 4096" },
	{ BOTH, 0, "msize=4096k", BAD, "msize=4096k",
	  "msize=4096k is not a number", NULL },
	{ BOTH, 0, "msize=abc", BAD, "msize=abc", "not a number", NULL },
	{ BOTH, 0, "msize=0x", BAD, "msize=0x", "not a number", NULL },
	{ BOTH, 0, "msize=-1", BAD, "msize=-1", "not a number", NULL },
	{ BOTH, 0, "msize= 4096", BAD, "msize= 4096", "not a number", NULL },
	{ BOTH, 0, "msize=1024", BAD, "msize=1024",
	  "msize=1024 is below the minimum 4096", NULL },
	{ BOTH, 0, "msize=4095", BAD, "msize=4095", "below the minimum", NULL },
	{ BOTH, 0, "msize=2147483647", 0, "msize=2147483647", NULL,
	  "above the virtio maximum 512000" },
	{ BOTH, 0, "msize=2147483648", BAD, "msize=2147483648",
	  "out of range", NULL },
	{ BOTH, 0, "msize=99999999999999999999999999", BAD,
	  "msize=99999999999999999999999999", "out of range", NULL },
	{ BOTH, 0, "msize", BAD, "msize", "msize needs a value", NULL },
	{ BOTH, 0, "msize=", BAD, "msize=", "msize= needs a value", NULL },
	{ BOTH, D, "msize=5000000", 0,
	  "trans=virtio,version=9p2000.L,msize=5000000,cache=mmap", NULL,
	  "msize=5000000 is above the virtio maximum 512000: the kernel will "
	  "use 512000" },
	{ BOTH, 0, "trans=tcp,msize=1000000", 0, "trans=tcp,msize=1000000",
	  NULL, NULL },
	{ BOTH, 0, "trans=tcp,msize=2000000", 0, "trans=tcp,msize=2000000",
	  NULL, "above the tcp maximum 1048576" },
	/* repeated keys: the last wins, kept once where it first came */
	{ BOTH, 0, "msize=8192,uname=a,msize=16384", 0, "msize=16384,uname=a",
	  NULL, NULL },
	{ BOTH, 0, "cache=loose,cache=none", 0, "cache=none", NULL, NULL },
	{ BOTH, 0, "nodevmap,nodevmap", 0, "nodevmap", NULL, NULL },
	{ BOTH, 0, "foo=bar,foo=baz", 0, "foo=baz", NULL, "unknown option" },
	/* cache modes per kernel */
	{ "6.1", 0, "cache=readahead", BAD, "cache=readahead",
	  "cache=readahead is not a cache mode of Linux 6.1 (accepted: none, "
	  "loose, fscache, mmap)", NULL },
	{ "6.6", 0, "cache=readahead", 0, "cache=readahead", NULL, NULL },
	{ "6.1", 0, "cache=0x5", BAD, "cache=0x5",
	  "not a cache mode of Linux 6.1", NULL },
	{ "6.6", 0, "cache=0x5", 0, "cache=0x5", NULL, NULL },
	{ "6.6", 0, "cache=5", 0, "cache=0x5", NULL, NULL },
	{ "6.6", 0, "cache=0x10", 0, "cache=0x10", NULL, "does not define" },
	{ "6.6", 0, "cache=-1", BAD, "cache=-1",
	  "not a cache mode of Linux 6.6 (accepted: none, readahead, mmap, "
	  "loose, fscache or a bitmask", NULL },
	{ BOTH, 0, "cache=foo", BAD, "cache=foo", "is not a cache mode", NULL },
	{ BOTH, 0, "cache=MMAP", BAD, "cache=MMAP", "did you mean mmap?", NULL },
	{ BOTH, 0, "cache=", BAD, "cache=", "cache= needs a value", NULL },
	{ "6.1", 0, "loose", 0, "cache=loose", NULL, NULL },
	{ "6.6", 0, "loose", 0, "loose", NULL,
	  "Linux 6.6 ignores the bare word loose" },
	{ "6.1", D, "mmap", 0, DEF, NULL, NULL },
	{ "6.6", D, "mmap", 0, DEF ",mmap", NULL, "write cache=mmap" },
	{ "6.1", 0, "fscache,cache=none", 0, "cache=none", NULL, NULL },
	{ "6.1", 0, "loose=1", BAD, "cache", "loose takes no value", NULL },
	/* unknown keys, typos, case */
	{ BOTH, 0, "cahce=loose", 0, "cahce=loose", NULL,
	  "cahce=loose: unknown option, Linux 6." },
	{ BOTH, 0, "cahce=loose", 0, "cahce=loose", NULL,
	  "did you mean cache?" },
	{ BOTH, 0, "MSIZE=4096", 0, "MSIZE=4096", NULL,
	  "case-sensitive and Linux 6." },
	{ BOTH, 0, "Cache=loose", 0, "Cache=loose", NULL, "did you mean cache?" },
	{ BOTH, 0, "msize =4096", 0, "msize =4096", NULL,
	  "did you mean msize?" },
	{ BOTH, 0, "nosiud", 0, "nosiud", NULL, "did you mean nosuid?" },
	{ BOTH, 0, "zzzzzz", 0, "zzzzzz", NULL, "zzzzzz: unknown option" },
	{ BOTH, 0, "=x", 0, "=x", NULL, "unknown option" },
	{ "6.1", 0, "noxattr", 0, "noxattr", NULL,
	  "noxattr is not an option of Linux 6.1 (it came in 6.4)" },
	{ "6.6", 0, "noxattr,directio,ignoreqv", 0, "noxattr,directio,ignoreqv",
	  NULL, NULL },
	{ BOTH, 0, "source=x", 0, "source=x", NULL, "(it came in 6.19)" },
	/* flags and values */
	{ BOTH, 0, "posixacl", 0, "posixacl", NULL, NULL },
	{ BOTH, 0, "posixacl=1", BAD, "posixacl=1",
	  "posixacl=1: posixacl takes no value", NULL },
	{ BOTH, 0, "posixacl,version=9p2000.u", 0, "version=9p2000.u,posixacl",
	  NULL, "posixacl has no effect with version=9p2000.u" },
	{ BOTH, 0, "posixacl,access=user", 0, "posixacl,access=user", NULL,
	  "ACLs need access=client" },
	{ BOTH, 0, "access=client,version=9p2000.u", 0,
	  "version=9p2000.u,access=client", NULL,
	  "access=client needs version=9p2000.L" },
	{ BOTH, 0, "access=1000", 0, "access=1000", NULL, NULL },
	{ BOTH, 0, "access=any", 0, "access=any", NULL, NULL },
	{ BOTH, 0, "access=foo", BAD, "access=foo", "is not an access mode",
	  NULL },
	{ BOTH, 0, "access=4294967295", BAD, "access=4294967295",
	  "is not an access mode", NULL },
	{ BOTH, 0, "version=9p2000.l", BAD, "version=9p2000.l",
	  "did you mean 9p2000.L?", NULL },
	{ BOTH, 0, "version=9p2000.L", 0, "version=9p2000.L", NULL, NULL },
	{ BOTH, 0, "version=9p2000", 0, "version=9p2000", NULL,
	  "not legacy 9p2000" },
	{ BOTH, 0, "noextend", 0, "version=9p2000", NULL, "not legacy 9p2000" },
	{ BOTH, 0, "noextend,version=9p2000.L", 0, "version=9p2000.L", NULL,
	  NULL },
	{ BOTH, 0, "trans=vitrio", BAD, "trans=vitrio",
	  "trans=vitrio is not a transport of Linux 6.", NULL },
	{ BOTH, 0, "trans=vitrio", BAD, "trans=vitrio", "did you mean virtio?",
	  NULL },
	{ BOTH, 0, "trans=fd", BAD, "trans=fd",
	  "trans=fd needs rfdno= and wfdno=", NULL },
	{ BOTH, 0, "trans=fd,rfdno=3,wfdno=4", 0, "trans=fd,rfdno=3,wfdno=4",
	  NULL, NULL },
	{ BOTH, 0, "port=564", 0, "port=564", NULL,
	  "port only applies to trans=tcp or rdma; trans=virtio ignores it" },
	{ BOTH, 0, "trans=tcp,port=564,privport", 0,
	  "trans=tcp,port=564,privport", NULL, NULL },
	{ BOTH, 0, "trans=rdma,sq=64,rq=64,timeout=1000", 0,
	  "trans=rdma,sq=64,rq=64,timeout=1000", NULL, NULL },
	{ BOTH, 0, "rfdno=3", 0, "rfdno=3", NULL, "only applies to trans=fd" },
	{ BOTH, 0, "uname=alice,aname=/srv/root", 0,
	  "uname=alice,aname=/srv/root", NULL, NULL },
	{ BOTH, 0, "aname=/a=b", 0, "aname=/a=b", NULL, NULL },
	{ BOTH, 0, "uname=", BAD, "uname=", "uname= needs a value", NULL },
	{ BOTH, 0, "debug=0x1f", 0, "debug=0x1f", NULL, NULL },
	{ "6.1", 0, "debug=10", 0, "debug=0xa", NULL, NULL },
	{ "6.1", 0, "debug=1f", 0, "debug=0x1", NULL,
	  "Linux 6.1 reads it as 1" },
	{ "6.6", 0, "debug=ff", BAD, "debug=ff", "refuses it", NULL },
	{ BOTH, 0, "debug=zz", BAD, "debug=zz", "is not a hex mask", NULL },
	{ BOTH, 0, "dfltuid=1000,dfltgid=1000", 0, "dfltuid=1000,dfltgid=1000",
	  NULL, NULL },
	{ BOTH, 0, "dfltuid=-1", BAD, "dfltuid=-1", "not a number", NULL },
	{ BOTH, 0, "locktimeout=0", BAD, "locktimeout=0",
	  "below the minimum 1", NULL },
	{ BOTH, 0, "locktimeout=60,afid=7", 0, "locktimeout=60,afid=7", NULL,
	  NULL },
	{ BOTH, 0, "cachetag=x", 0, "cachetag=x", NULL,
	  "only used with cache=fscache" },
	{ "6.1", 0, "cache=fscache,cachetag=x", 0, "cache=fscache,cachetag=x",
	  NULL, NULL },
	{ "6.6", 0, "cache=0x8f,cachetag=x", 0, "cache=0x8f,cachetag=x", NULL,
	  NULL },
	/* generic mount flags leave the data string */
	{ BOTH, 0, "ro,nosuid,nodev,noatime", 0, "", NULL, NULL },
	{ BOTH, D, "rw,msize=8192,noexec", 0,
	  "trans=virtio,version=9p2000.L,msize=8192,cache=mmap", NULL, NULL },
	{ BOTH, 0, "ro=1", BAD, "", "ro takes no value", NULL },
	{ BOTH, 0, "defaults,nofail", 0, "", NULL, NULL },
	/* other kernels */
	{ "6.19", 0, "source=x", BAD, "source=x",
	  "refuses a second mount source", NULL },
	{ "6.19", 0, "debug=10", 0, "debug=0x10", NULL, NULL },
	{ "6.19", 0, "msize=3000000000", BAD, "msize=3000000000",
	  "out of range", NULL },
	{ "6.19", 0, "dfltuid=3000000000", 0, "dfltuid=3000000000", NULL,
	  NULL },
	{ "6.6", 0, "dfltuid=3000000000", BAD, "dfltuid=3000000000",
	  "(Linux 6.6 takes at most 2147483647)", NULL },
	{ "6.12", 0, "trans=usbg", 0, "trans=usbg", NULL, NULL },
	{ "6.6", 0, "trans=usbg", BAD, "trans=usbg", "not a transport", NULL },
};

/* The first message of LEVEL containing WANT (any one when WANT is ""). */
static int has_diag(const struct r9p_opts *o, enum r9p_level level,
		    const char *want)
{
	int i;

	for (i = 0; i < o->diags.n; i++)
		if (o->diags.d[i].level == level &&
		    strstr(o->diags.d[i].text, want))
			return 1;
	return 0;
}

static void dump(const struct r9p_opts *o)
{
	int i;

	for (i = 0; i < o->diags.n; i++)
		fprintf(stderr, "    %s: %s\n", r9p_level_name(o->diags.d[i].level),
			o->diags.d[i].text);
}

static void run_row(const struct row *r, const char *kname)
{
	struct r9p_kernel k;
	struct r9p_opts o;
	char ctx[160];
	int rc, ok;

	r9p_kernel_parse(kname, &k);
	snprintf(ctx, sizeof(ctx), "%s \"%s\"%s", kname, r->in,
		 r->flags ? " +defaults" : "");
	rc = r9p_opts_parse(r->in, &k, r->flags, &o);
	ok = t_fail;
	CHECK(rc == r->rc, "%s: rc %d, want %d", ctx, rc, r->rc);
	CHECK_STR(o.data, r->data, ctx);
	if (r->err)
		CHECK(has_diag(&o, R9P_ERR, r->err), "%s: no error with \"%s\"",
		      ctx, r->err);
	else
		CHECK(o.diags.nerr == 0, "%s: unexpected error", ctx);
	if (r->warn)
		CHECK(has_diag(&o, R9P_WARN, r->warn), "%s: no warning with "
		      "\"%s\"", ctx, r->warn);
	else
		CHECK(!has_diag(&o, R9P_WARN, ""), "%s: unexpected warning", ctx);
	if (t_fail != ok)
		dump(&o);
}

static void test_table(void)
{
	char kernels[32], *k, *rest;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		snprintf(kernels, sizeof(kernels), "%s", rows[i].kernels);
		rest = kernels;
		while ((k = strsep(&rest, " ")) != NULL)
			run_row(&rows[i], k);
	}
}

static void test_flags(void)
{
	struct r9p_kernel k = { 6, 1 };
	struct r9p_opts o;
	char buf[128];

	r9p_opts_parse("ro,nosuid,nodev,noexec,sync,dirsync,noatime,"
		       "nodiratime,relatime,strictatime,lazytime,silent", &k, 0,
		       &o);
	CHECK(o.rdonly == 1, "ro: rdonly %d", o.rdonly);
	CHECK(o.mflags == (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS |
			   MS_DIRSYNC | MS_NOATIME | MS_NODIRATIME |
			   MS_RELATIME | MS_STRICTATIME | MS_LAZYTIME |
			   MS_SILENT), "mflags 0x%lx", o.mflags);
	CHECK_STR(r9p_opts_flags(&o, buf, sizeof(buf)),
		  "ro,nosuid,nodev,noexec,sync,dirsync,relatime,noatime,"
		  "nodiratime,strictatime,lazytime,silent", "flag words");
	r9p_opts_parse("ro,rw,nosuid,suid,atime,noatime,atime", &k, 0, &o);
	CHECK(o.rdonly == 0, "ro,rw: rdonly %d", o.rdonly);
	CHECK(o.mflags == 0, "set then cleared: 0x%lx", o.mflags);
	CHECK_STR(r9p_opts_flags(&o, buf, sizeof(buf)), "rw", "rw word");
	r9p_opts_parse("msize=8192", &k, 0, &o);
	CHECK(o.rdonly == -1, "no ro/rw: %d", o.rdonly);
	CHECK_STR(r9p_opts_flags(&o, buf, sizeof(buf)), "", "no flag words");
	r9p_opts_parse("defaults,nofail", &k, 0, &o);
	CHECK(has_diag(&o, R9P_INFO, "nofail is a mount(8)/fstab word"),
	      "fstab word noted");
}

static void test_summary(void)
{
	struct r9p_kernel k = { 6, 6 };
	struct r9p_opts o;

	r9p_opts_parse("access=client,posixacl,msize=0x10000", &k, D, &o);
	CHECK(o.msize == 65536, "msize %lu", o.msize);
	CHECK_STR(o.cache, "mmap", "default cache");
	CHECK_STR(o.trans, "virtio", "default trans");
	CHECK_STR(o.version, "9p2000.L", "default version");
	CHECK_STR(o.access, "client", "access");
	CHECK(o.posixacl == 1, "posixacl");
	CHECK(o.defaulted == (R9P_DEF_TRANS | R9P_DEF_VERSION | R9P_DEF_CACHE),
	      "defaulted 0x%x", o.defaulted);
	r9p_opts_parse(NULL, &k, 0, &o);
	CHECK_STR(o.data, "", "NULL text");
	CHECK(o.msize == 0 && !*o.cache && o.defaulted == 0, "empty summary");
	r9p_opts_parse("msize=8192,msize=65536", &k, 0, &o);
	CHECK(has_diag(&o, R9P_INFO, "the last one, msize=65536, wins over "
		       "msize=8192"), "repeat noted");
	r9p_opts_parse("noextend", &k, 0, &o);
	CHECK_STR(o.version, "9p2000", "noextend is legacy");
}

static void test_limits(void)
{
	struct r9p_kernel k = { 6, 1 };
	static char text[6000];
	struct r9p_opts o;
	int i;

	memset(text, 'a', 5000);
	text[5000] = '\0';
	CHECK(r9p_opts_parse(text, &k, 0, &o) == BAD, "5000 bytes refused");
	CHECK(has_diag(&o, R9P_ERR, "the kernel takes at most 4095"),
	      "too long message");
	snprintf(text, sizeof(text), "uname=");
	memset(text + 6, 'u', 1100);
	text[1106] = '\0';
	CHECK(r9p_opts_parse(text, &k, 0, &o) == BAD, "long data refused");
	CHECK(has_diag(&o, R9P_ERR, "normalized options"), "data too long");
	text[0] = '\0';
	for (i = 0; i < 130; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "k%d,", i);
	CHECK(r9p_opts_parse(text, &k, 0, &o) == BAD, "130 options refused");
	CHECK(has_diag(&o, R9P_ERR, "at most 128"), "too many options");
	CHECK(o.diags.n == R9P_DIAG_MAX && o.diags.dropped > 0,
	      "diags capped: n %d dropped %d", o.diags.n, o.diags.dropped);
}

static int lines;

static void count_line(void *ctx, const char *key, const char *value,
		       const char *meaning)
{
	(void)ctx;
	(void)value;
	lines++;
	CHECK(*key && *meaning, "explain line for %s", key);
}

static void test_explain(void)
{
	struct r9p_kernel k61 = { 6, 1 }, k66 = { 6, 6 };
	struct r9p_opts o;

	r9p_opts_parse("cahce=loose,posixacl,ro", &k61, D, &o);
	lines = 0;
	r9p_opts_explain(&o, &k61, count_line, NULL);
	CHECK(lines == 7, "6.1: %d explain lines (cache= cited)", lines);
	lines = 0;
	r9p_opts_explain_flags(&o, count_line, NULL);
	CHECK(lines == 1, "1 flag line, got %d", lines);
	r9p_opts_parse("mmap", &k66, 0, &o);
	lines = 0;
	r9p_opts_explain(&o, &k66, count_line, NULL);
	CHECK(lines == 1, "6.6: %d explain lines", lines);
}

static char cited[512];

static void keep_cite(void *ctx, const char *key, const char *value,
		      const char *meaning)
{
	(void)ctx;
	(void)value;
	if (!strcmp(key, "cache") && strstr(meaning, "docs/semantics.md"))
		snprintf(cited, sizeof(cited), "%s", meaning);
}

/* The cache= line cites the semantics table (mount9p/semcite.h). */
static const struct {
	const char *opts;
	struct r9p_kernel k;
	const char *want;	/* in the citation; NULL: no citation */
} cite_rows[] = {
	{ "cache=none", { 6, 1 }, "column 9p-none, Linux 6.1.0-57-amd64: " },
	{ "cache=loose", { 6, 1 }, "column 9p-loose, Linux 6.1." },
	{ "cache=mmap", { 6, 6 }, "column 9p-mmap, Linux 6.1." },
	{ "cache=mmap", { 6, 12 }, "column 9p-mmap, Linux 6.12." },
	{ "cache=0x5", { 6, 12 }, "column 9p-mmap, Linux 6.12." },
	{ "cache=fscache", { 5, 10 }, "column 9p-fscache, Linux 6.1." },
	{ "cache=none", { 6, 12 }, "mmap.shared_read FAIL" },
	{ "cache=readahead", { 6, 12 }, NULL },
	{ "cache=0x3", { 6, 12 }, NULL },
};

static void test_explain_cites(void)
{
	struct r9p_opts o;
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(cite_rows); i++) {
		cited[0] = '\0';
		r9p_opts_parse(cite_rows[i].opts, &cite_rows[i].k, D, &o);
		r9p_opts_explain(&o, &cite_rows[i].k, keep_cite, NULL);
		if (cite_rows[i].want)
			CHECK(strstr(cited, cite_rows[i].want), "%s on %u.%u "
			      "cites '%s', got '%s'", cite_rows[i].opts,
			      cite_rows[i].k.major, cite_rows[i].k.minor,
			      cite_rows[i].want, cited);
		else
			CHECK(!cited[0], "%s: no column, got '%s'",
			      cite_rows[i].opts, cited);
	}
}

static void test_kernel(void)
{
	struct r9p_kernel k;
	char name[24];

	CHECK(r9p_kernel_parse("6.1.0-28-amd64", &k) == 0 && k.major == 6 &&
	      k.minor == 1, "debian 6.1");
	CHECK(r9p_kernel_parse("6.12.38+deb13-amd64", &k) == 0 &&
	      k.minor == 12, "debian 6.12");
	CHECK(r9p_kernel_parse("6.19-rc1", &k) == 0 && k.minor == 19, "rc");
	CHECK(r9p_kernel_parse("6", &k) < 0, "no minor");
	CHECK(r9p_kernel_parse("x6.1", &k) < 0, "junk");
	CHECK(r9p_kernel_parse("", &k) < 0, "empty");
	k.major = 6;
	k.minor = 3;
	CHECK(r9p_kernel_at_least(&k, 6, 3) && !r9p_kernel_at_least(&k, 6, 4),
	      "at least");
	CHECK_STR(r9p_kernel_name(&k, name, sizeof(name)), "Linux 6.3", "name");
	/* The environment must not steer it: PID 1 gets the command
	 * line's unknown KEY=VALUE words there. */
	setenv("R9P_KERNEL", "2.4.1", 1);
	CHECK(r9p_kernel_running(&k) == 0 && k.major > 2, "$R9P_KERNEL ignored");
	unsetenv("R9P_KERNEL");
	CHECK(r9p_kernel_running(&k) == 0 && k.major > 0, "uname");
}

/* Which cache modes keep unused dentries (init9p starts no root9p-pin). */
static void test_cache_dentries(void)
{
	static const struct { const char *cache; unsigned kv; int keeps; } c[] = {
		{ "", R9P_KV(6, 1), 0 },	{ "none", R9P_KV(6, 1), 0 },
		{ "mmap", R9P_KV(6, 1), 0 },	{ "loose", R9P_KV(6, 1), 1 },
		{ "fscache", R9P_KV(6, 1), 1 },	{ "mmap", R9P_KV(6, 12), 0 },
		{ "readahead", R9P_KV(6, 12), 0 }, { "loose", R9P_KV(6, 12), 1 },
		{ "0x5", R9P_KV(6, 12), 0 },	{ "0x2", R9P_KV(6, 12), 1 },
		{ "8", R9P_KV(6, 12), 1 },	{ "0x80", R9P_KV(6, 12), 0 },
		{ "bogus", R9P_KV(6, 12), 0 },	{ "-1", R9P_KV(6, 12), 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		CHECK(r9p_cache_keeps_dentries(c[i].cache, c[i].kv) == c[i].keeps,
		      "cache=%s on %u.%u: keeps dentries %d", c[i].cache,
		      c[i].kv / 1000, c[i].kv % 1000, c[i].keeps);
	CHECK(r9p_cache_bits("loose", R9P_KV(6, 1)) == 0xf &&
	      r9p_cache_bits("0x5", R9P_KV(6, 12)) == 5 &&
	      r9p_cache_bits("nope", R9P_KV(6, 12)) == -1, "cache bits");
}

int main(void)
{
	test_table();
	test_cache_dentries();
	test_flags();
	test_summary();
	test_limits();
	test_explain();
	test_explain_cites();
	test_kernel();
	return t_done("test_opts");
}
