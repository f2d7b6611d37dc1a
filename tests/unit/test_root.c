/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_root.c - the root engine's decisions (engine/root.c):
 * one row a command line, the settings or the refusal it must give.
 * Nothing is mounted; sysfs is an empty fake tree (no tags present).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/array.h"
#include "engine/root.h"
#include "tests/unit/t.h"
#include "tests/unit/troot.h"

#define ASSUME R9P_ROOT_ASSUME_9P
#define R9P_ROOT_MODULES "virtio_pci 9pnet_virtio 9p"

static const struct {
	const char *cmdline;
	unsigned flags;
	int ret;		/* r9p_root_config's */
	const char *tag;	/* or the failed step, when ret != 0 */
	const char *opts;	/* flags + data, or a piece of the why */
	long long timeout_ms;
	const char *tmp;
	const char *modules;
} rows[] = {
	/* the howto's line: rw, the msize clamp is the kernel's business */
	{ "root=fsRoot rw rootfstype=9p rootflags=trans=virtio,version=9p2000.L,"
	  "msize=5000000,cache=mmap,posixacl console=ttyS0", 0, 0, "fsRoot",
	  "rw,trans=virtio,version=9p2000.L,msize=5000000,cache=mmap,posixacl",
	  10000, "mode=1777,nosuid,nodev", R9P_ROOT_MODULES },
	/* the kernel's default is read-only; defaults fill the rest */
	{ "root=fsRoot rootfstype=9p", 0, 0, "fsRoot",
	  "ro,trans=virtio,version=9p2000.L,msize=512000,cache=mmap", 10000,
	  "mode=1777,nosuid,nodev", R9P_ROOT_MODULES },
	/* ro/rw: the last word wins, rootflags' own wins over both */
	{ "root=a rootfstype=9p ro rw", 0, 0, "a", "rw,", 10000, NULL, NULL },
	{ "root=a rootfstype=9p rw ro", 0, 0, "a", "ro,", 10000, NULL, NULL },
	{ "root=a rootfstype=9p rw rootflags=ro,nosuid", 0, 0, "a",
	  "ro,nosuid,trans=virtio", 10000, NULL, NULL },
	{ "root=a rootfstype=9p ro rootflags=rw", 0, 0, "a", "rw,", 10000,
	  NULL, NULL },
	/* waiting: root9p.timeout, raised by rootdelay, rootwait forever */
	{ "root=a rootfstype=9p root9p.timeout=3", 0, 0, "a", "", 3000, NULL,
	  NULL },
	{ "root=a rootfstype=9p root9p.timeout=3 rootdelay=7", 0, 0, "a", "",
	  7000, NULL, NULL },
	{ "root=a rootfstype=9p rootdelay=2", 0, 0, "a", "", 10000, NULL, NULL },
	{ "root=a rootfstype=9p rootwait root9p.timeout=3", 0, 0, "a", "", -1,
	  NULL, NULL },
	/* huge values saturate: no overflow into a negative "forever" */
	{ "root=a rootfstype=9p root9p.timeout=99999999999999999999", 0, 0,
	  "a", "", R9P_SECONDS_MAX * 1000, NULL, NULL },
	{ "root=a rootfstype=9p rootdelay=9223372036854775807", 0, 0, "a", "",
	  R9P_SECONDS_MAX * 1000, NULL, NULL },
	/* /tmp: options add to the safe defaults */
	{ "root=a rootfstype=9p root9p.tmp=size=1m", 0, 0, "a", "", 10000,
	  "mode=1777,size=1m,nosuid,nodev", NULL },
	{ "root=a rootfstype=9p root9p.tmp=off", 0, 0, "a", "", 10000, "off",
	  NULL },
	{ "root=a rootfstype=9p root9p.tmp=suid,mode=0755", 0, 0, "a", "",
	  10000, "mode=0755,nodev", NULL },
	/* quotes are the kernel's, not part of the tag */
	{ "root=\"fsRoot\" rootfstype=9p", 0, 0, "fsRoot", "", 10000, NULL,
	  NULL },
	{ "\"root=my tag\" rootfstype=9p", 0, 0, "my tag", "", 10000, NULL,
	  NULL },
	/* dracut's spelling, and no rootfstype when only 9p is mounted */
	{ "root=virtfs:fsRoot", 0, 0, "fsRoot", "", 10000, NULL, NULL },
	{ "root=fsRoot", ASSUME, 0, "fsRoot", "", 10000, NULL, NULL },
	/* extra modules, checked as names */
	{ "root=a rootfstype=9p root9p.modules=overlay,virtio_blk", 0, 0, "a",
	  "", 10000, NULL, R9P_ROOT_MODULES " overlay virtio_blk" },
	{ "root=a rootfstype=9p root9p.modules=-v", 0, -1, "use root9p.modules",
	  "\"-v\" is not a module name", 0, NULL, NULL },
	{ "root=a rootfstype=9p root9p.modules=*", 0, -1, "use root9p.modules",
	  "\"*\" is not a module name", 0, NULL, NULL },
	/* not ours, or refused */
	{ "root=fsRoot", 0, 1, "use the command line", "no rootfstype=9p", 0,
	  NULL, NULL },
	{ "root=/dev/vda1 rootfstype=ext4", ASSUME, 1, "use the command line",
	  "rootfstype=ext4: root9p mounts only 9p and virtiofs roots", 0, NULL, NULL },
	{ "rootfstype=9p", 0, -1, "find the root",
	  "no root= on the kernel command line (mount tags present: none)", 0,
	  NULL, NULL },
	{ "root=a rootfstype=9p rootflags=cache=readahead", 0, -1,
	  "use rootflags", "cache=readahead is not a cache mode of Linux 6.1",
	  0, NULL, NULL },
	{ "root=a rootfstype=9p root9p.tmp=", 0, 0, "a", "", 10000,
	  "mode=1777,nosuid,nodev", NULL },
	/* virtiofs: its modules, /tmp left on the root (unlinked-open files
	 * work there), only dax and generic words taken */
	{ "root=myfs rootfstype=virtiofs rw", ASSUME, 0, "myfs", "rw,", 10000,
	  "off", "virtio_pci fuse virtiofs" },
	{ "root=virtiofs:myfs rootflags=dax=never,noatime,nofail", 0, 0,
	  "myfs", "ro,noatime,dax=never", 10000, "off", NULL },
	{ "root=myfs rootfstype=virtiofs rootflags=dax", 0, 0, "myfs",
	  "ro,dax=always", 10000, NULL, NULL },
	{ "root=myfs rootfstype=virtiofs root9p.tmp=size=1m", 0, 0, "myfs",
	  "", 10000, "mode=1777,size=1m,nosuid,nodev", NULL },
	{ "root=myfs rootfstype=virtiofs root9p.modules=overlay", 0, 0, "myfs",
	  "", 10000, NULL, "virtio_pci fuse virtiofs overlay" },
	{ "root=myfs rootfstype=virtiofs rootflags=cache=always", 0, -1,
	  "use rootflags", "cache=always: the cache mode is the daemon's", 0,
	  NULL, NULL },
	{ "root=myfs rootfstype=virtiofs rootflags=msize=512000", 0, -1,
	  "use rootflags", "msize=512000: a 9p option", 0, NULL, NULL },
	{ "root=myfs rootfstype=virtiofs rootflags=user_id=0", 0, -1,
	  "use rootflags", "user_id=0: a FUSE option that virtiofs does not",
	  0, NULL, NULL },
	{ "root=myfs rootfstype=virtiofs rootflags=dax=auto", 0, -1,
	  "use rootflags", "dax=auto: virtiofs takes dax=always, dax=never or "
	  "dax=inode", 0, NULL, NULL },
	{ "root=myfs rootfstype=virtiofs rootflags=noatim", 0, -1,
	  "use rootflags", "did you mean noatime?", 0, NULL, NULL },
	{ "root=virtiofs: rootfstype=virtiofs", 0, -1, "find the root",
	  "no root= on the kernel command line (virtiofs: no virtiofs device)",
	  0, NULL, NULL },
	{ "root=abcdefghijabcdefghijabcdefghijabcdefg rootfstype=virtiofs", 0,
	  -1, "find the root", "is 37 bytes long: virtiofs tags have at most "
	  "36", 0, NULL, NULL },
	{ "root=virtiofs:myfs rootfstype=9p", 0, 1, "use the command line",
	  "rootfstype=9p", 0, NULL, NULL },
	/* #29.12: control bytes, refused with the key named. Inside double
	 * quotes the kernel keeps \t \n \v \f \r; other control bytes
	 * reach a value quoted or not. */
	{ "root=a rootfstype=9p \"rootflags=cache=loose\nWhat=/etc\"", 0, -1,
	  "use the command line", "rootflags= holds the control byte 0x0a "
	  "at byte 11", 0, NULL, NULL },
	{ "root=a rootfstype=9p rootflags=\"msize=8192\rType=ext4\"", 0, -1,
	  "use the command line", "rootflags= holds the control byte 0x0d",
	  0, NULL, NULL },
	{ "root=a rootfstype=9p rootflags=cache=loose\x01", 0, -1,
	  "use the command line", "rootflags= holds the control byte 0x01",
	  0, NULL, NULL },
	{ "\"root=fs\tRoot\" rootfstype=9p", 0, -1, "use the command line",
	  "root= holds the control byte 0x09 at byte 2", 0, NULL, NULL },
	{ "root=fsRoot\x7f rootfstype=9p", 0, -1, "use the command line",
	  "root= holds the control byte 0x7f", 0, NULL, NULL },
	{ "root=\"my\vfs\" rootfstype=virtiofs", 0, -1, "use the command line",
	  "root= holds the control byte 0x0b", 0, NULL, NULL },
	{ "root=a rootfstype=9p \"root9p.mount=d:/mnt\n:ro\"", 0, -1,
	  "use the command line", "root9p.mount= holds the control byte 0x0a",
	  0, NULL, NULL },
	{ "root=a rootfstype=9p root9p.overlay=tmp\x1b" "fs", 0, -1,
	  "use the command line", "root9p.overlay= holds the control byte "
	  "0x1b", 0, NULL, NULL },
	{ "root=a rootfstype=9p \"root9p.tmp=LABEL=a\fb,mkfs\"", 0, -1,
	  "use the command line", "root9p.tmp= holds the control byte 0x0c",
	  0, NULL, NULL },
	/* not a 9p root: not ours to refuse */
	{ "root=/dev/vda1 rootfstype=ext4 \"rootflags=a\nb\"", 0, 1,
	  "use the command line", "rootfstype=ext4", 0, NULL, NULL },
	/* a control byte the refusal above does not cover reaches no
	 * console raw: every engine message writes it as \xNN */
	{ "root=a rootfstype=9p root9p.modules=a\x1b[2Jb", 0, -1,
	  "use root9p.modules", "\\x1b[2Jb\" is not a module name", 0, NULL,
	  NULL },
};

#define SAID_LEN 900	/* what keep() collects */

/* What r9p_root_say_diags says, the lines one after the other. */
static void keep(void *ctx, int level, const char *text)
{
	char *said = ctx;

	(void)level;
	snprintf(said + strlen(said), SAID_LEN - strlen(said), "%s|", text);
}

int main(void)
{
	char sys[] = "/tmp/r9p-root-XXXXXX", buf[600], tmp[300];
	struct r9p_kernel k = { 6, 1 };
	static struct r9p_cmdline c;
	static struct r9p_root r;
	struct r9p_err f;
	size_t i;
	int ret;

	t_fake_sysfs(sys);
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		const char *line = rows[i].cmdline;

		if (!t_root_row(line, rows[i].flags, rows[i].ret, &c, &r, &f))
			continue;
		ret = rows[i].ret;
		if (ret != 0) {
			CHECK_STR(f.step, rows[i].tag, line);
			CHECK(strstr(f.why, rows[i].opts) != NULL, "%s: why \"%s\" "
			      "lacks \"%s\"", line, f.why, rows[i].opts);
			CHECK(f.code == R9P_EXIT_REFUSED, "%s: exit %d", line,
			      f.code);
			continue;
		}
		CHECK_STR(r.tag, rows[i].tag, line);
		r9p_opts_flags(&r.opts, tmp, sizeof(tmp));
		snprintf(buf, sizeof(buf), "%s,%s", tmp, r.opts.data);
		CHECK(strncmp(buf, rows[i].opts, strlen(rows[i].opts)) == 0,
		      "%s: options \"%s\", want \"%s...\"", line, buf,
		      rows[i].opts);
		CHECK(r.timeout_ms == rows[i].timeout_ms, "%s: timeout %lld, "
		      "want %lld", line, r.timeout_ms, rows[i].timeout_ms);
		if (rows[i].tmp)
			CHECK_STR(r9p_tmp_describe(&r.tmp, tmp, sizeof(tmp)),
				  rows[i].tmp, line);
		if (rows[i].modules)
			CHECK_STR(r.modules, rows[i].modules, line);
	}
	/* Words past the parser's table: a warning, modules lose params. */
	{
		static char many[R9P_CMDLINE_MAX];
		int n;

		snprintf(many, sizeof(many), "root=a rootfstype=9p");
		for (n = 0; n < 300; n++)
			snprintf(many + strlen(many), sizeof(many) - strlen(many),
				 " w%d", n);
		r9p_cmdline_parse(many, &c);
		CHECK(r9p_root_config(&c, &k, 0, &r, &f) == 0 &&
		      r.diags.n > 0 && strstr(r.diags.d[0].text, "are ignored"),
		      "300 words: %s", r.diags.n ? r.diags.d[0].text : "none");
	}
	/* A typo warns (and goes on); the warning is in the diags. */
	r9p_cmdline_parse("root=a rootfstype=9p rootflags=cahce=loose", &c);
	CHECK(r9p_root_config(&c, &k, 0, &r, &f) == 0 && r.diags.n > 0 &&
	      strstr(r.diags.d[0].text, "did you mean cache?") != NULL,
	      "typo warning: %s", r.diags.n ? r.diags.d[0].text : "none");
	/* trans=tcp: root= is the server's address, no tag to wait for
	 * (the fake sysfs has none: a virtio root fails at once there). */
	{
		char said[SAID_LEN] = "", mods[200];

		r9p_cmdline_parse("root=10.0.2.100 rootfstype=9p root9p.timeout=0 "
				  "rootflags=trans=tcp,port=564", &c);
		CHECK(r9p_root_config(&c, &k, 0, &r, &f) == 0 &&
		      r9p_root_wait(&r, keep, said, &f) == 0,
		      "tcp root waited for a tag: %s", f.why);
		r9p_cmdline_parse("root=10.0.2.100 rootfstype=9p root9p.timeout=0",
				  &c);
		CHECK(r9p_root_config(&c, &k, 0, &r, &f) == 0 &&
		      r9p_root_wait(&r, keep, said, &f) == -1,
		      "a virtio root found a tag in an empty sysfs");
		/* ip=: the network card's driver and 9p's TCP transport */
		r9p_cmdline_parse("root=a ip=10.0.2.15::::::off", &c);
		CHECK_STR(r9p_root_wanted_modules(&c, mods, sizeof(mods)),
			  "virtio_net,9pnet_fd", "ip=");
		r9p_cmdline_parse("root=a ip=off root9p.modules=x", &c);
		CHECK_STR(r9p_root_wanted_modules(&c, mods, sizeof(mods)), "x",
			  "ip=off");
	}
	/* The messages said quote the command line escaped too. */
	{
		char said[SAID_LEN] = "";

		/* a control byte in a value is refused, and the refusal
		 * names it without carrying it */
		r9p_cmdline_parse("root=a rootfstype=9p root9p.mount=d\a:rel",
				  &c);
		CHECK(r9p_root_config(&c, &k, 0, &r, &f) == -1 &&
		      strstr(f.why, "0x07") && !strchr(f.why, '\a'),
		      "bell: %s", f.why);
		/* every line said goes through one escaping function */
		r9p_root_sayf(keep, said, R9P_SAY_WARN, "root9p.mount=%s",
			      "d\a:rel");
		CHECK(strstr(said, "root9p.mount=d\\x07:rel") != NULL &&
		      !strchr(said, '\a'), "bell said as \"%s\"", said);
	}
	rmdir(sys);
	return t_done("root");
}
