/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_mkinitrd_hostile.c - mkinitrd9p against a hostile host.
 *
 * Links planted where the output goes (OUT.tmp, OUT) must never be
 * followed, with O_TMPFILE and with the named fallback; inputs that are
 * not regular files or too big are refused without reading (a FIFO
 * must not hang us: an alarm turns a hang into a failure); --list bounds
 * what it decompresses and prints names with no raw control byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "mkinitrd/compress.h"
#include "mkinitrd/cpio.h"
#include "mkinitrd/decompress.h"
#include "mkinitrd/listimg.h"
#include "mkinitrd/outfile.h"
#include "mkinitrd/util.h"
#include "tests/unit/t.h"

#define MIB ((size_t)1 << 20)
#define VICTIM "victim\n"

static char top[64];

static char *tpath(const char *name)
{
	return xasprintf("%s/%s", top, name);
}

static int put_file(const char *path, const void *buf, size_t len,
		    mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = write(fd, buf, len);
	close(fd);
	return r == (ssize_t)len ? 0 : -EIO;
}

/* Names in dir, sorted, space-separated ("." and ".." left out). */
static char *list_dir(const char *dir)
{
	char *cmd = xasprintf("ls -A '%s' | tr '\\n' ' '", dir), buf[512];
	FILE *p = popen(cmd, "r");
	size_t n = p ? fread(buf, 1, sizeof(buf) - 1, p) : 0;

	if (p)
		pclose(p);
	free(cmd);
	buf[n] = '\0';
	return xstrdup(buf);
}

/* ---- the output file: planted links, both ways of creating it ---- */

static const struct plant_case {
	const char *what;
	int flags;		/* r9p_outfile_open flags */
	const char *plant;	/* a link to the victim at this name */
	const char *names;	/* what the directory holds after */
} plants[] = {
	{ "nothing planted, O_TMPFILE", 0, NULL, "out.img " },
	{ "nothing planted, named", R9P_OUTFILE_NAMED, NULL, "out.img " },
	{ "OUT.tmp planted, O_TMPFILE", 0, "out.img.tmp",
	  "out.img out.img.tmp " },
	{ "OUT.tmp planted, named", R9P_OUTFILE_NAMED, "out.img.tmp",
	  "out.img out.img.tmp " },
	{ "OUT planted, O_TMPFILE", 0, "out.img", "out.img " },
	{ "OUT planted, named", R9P_OUTFILE_NAMED, "out.img", "out.img " },
};

static void test_plant(const struct plant_case *pc)
{
	char *dir = tpath("plant"), *victim = tpath("victim"), *out, *link;
	char *names, *cmd;
	unsigned char *got = NULL;
	struct r9p_outfile f;
	struct r9p_err e;
	struct stat st;
	size_t len = 0;
	int err;

	cmd = xasprintf("rm -rf '%s'", dir);
	CHECK(system(cmd) == 0 && mkdir(dir, 0755) == 0, "%s: mkdir", pc->what);
	free(cmd);
	CHECK(put_file(victim, VICTIM, strlen(VICTIM), 0600) == 0 &&
	      chmod(victim, 0600) == 0, "%s: victim", pc->what);
	out = xasprintf("%s/out.img", dir);
	if (pc->plant) {
		link = xasprintf("%s/%s", dir, pc->plant);
		CHECK(symlink(victim, link) == 0, "%s: plant", pc->what);
		free(link);
	}
	err = r9p_outfile_open(&f, out, 0644, pc->flags, &e);
	CHECK(err == 0, "%s: open: %s", pc->what, e.why);
	if (!err) {
		CHECK(write(f.fd, "image\n", 6) == 6, "%s: write", pc->what);
		err = r9p_outfile_commit(&f, &e);
		CHECK(err == 0, "%s: commit: %s", pc->what, e.why);
	}
	CHECK(r9p_read_file(victim, &got, &len) == 0 && len == strlen(VICTIM) &&
	      memcmp(got, VICTIM, len) == 0, "%s: victim content changed",
	      pc->what);
	free(got);
	CHECK(stat(victim, &st) == 0 && (st.st_mode & 07777) == 0600,
	      "%s: victim mode now %o", pc->what, st.st_mode & 07777);
	got = NULL;
	CHECK(lstat(out, &st) == 0 && S_ISREG(st.st_mode) &&
	      (st.st_mode & 07777) == 0644 && r9p_read_file(out, &got, &len) == 0 &&
	      len == 6 && memcmp(got, "image\n", 6) == 0,
	      "%s: OUT is not the 0644 regular file written", pc->what);
	free(got);
	names = list_dir(dir);
	CHECK_STR(names, pc->names, pc->what);
	free(names);
	free(out);
	free(victim);
	free(dir);
}

static void test_outfile_errors(void)
{
	char *dir = tpath("abort"), *out = tpath("abort/out.img"), *names;
	char *nodir = tpath("missing/out.img");
	struct r9p_outfile f;
	struct r9p_err e;
	int flags, err;

	CHECK(mkdir(dir, 0755) == 0, "mkdir %s", dir);
	/* An abort leaves nothing behind, however the file was made. */
	for (flags = 0; flags <= R9P_OUTFILE_NAMED; flags++) {
		err = r9p_outfile_open(&f, out, 0644, flags, &e);
		CHECK(err == 0, "abort case %d: open: %s", flags, strerror(-err));
		if (!err) {
			CHECK(write(f.fd, "x", 1) == 1, "abort case %d", flags);
			r9p_outfile_abort(&f);
		}
		names = list_dir(dir);
		CHECK_STR(names, "", "abort leaves an empty directory");
		free(names);
	}
	err = r9p_outfile_open(&f, nodir, 0644, 0, &e);
	CHECK(err == -ENOENT && strcmp(e.step, "open the directory of") == 0,
	      "missing directory: %d, step %s", err, e.step);
	err = r9p_outfile_open(&f, "somedir/", 0644, 0, &e);
	CHECK(err == -EISDIR, "OUT ending in /: %d", err);
	free(nodir);
	free(out);
	free(dir);
}

/* ---- inputs: only regular files, and not too big ---- */

static void on_alarm(int sig)
{
	static const char msg[] = "FAIL test_mkinitrd_hostile: a read hung "
				  "(a FIFO or device read as a file)\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

static void test_inputs(void)
{
	char *fifo = tpath("fifo"), *small = tpath("small"), *big = tpath("big");
	char *link = tpath("fifo-link"), *missing = tpath("missing");
	const struct {
		const char *path;
		size_t max;
		int want;
	} cases[] = {
		{ "/dev/zero", R9P_READ_MAX, -EINVAL },	/* endless */
		{ "/dev/null", R9P_READ_MAX, -EINVAL },
		{ fifo, R9P_READ_MAX, -EINVAL },	/* would block */
		{ link, R9P_READ_MAX, -EINVAL },	/* what it points to counts */
		{ top, R9P_READ_MAX, -EISDIR },
		{ small, 3, 0 },
		{ small, 2, -EFBIG },
		{ big, R9P_READ_MAX, -EFBIG },		/* sparse: refused unread */
		{ missing, R9P_READ_MAX, -ENOENT },
	};
	unsigned char *buf;
	size_t i, len;
	int fd, err;

	CHECK(mkfifo(fifo, 0600) == 0 && symlink(fifo, link) == 0, "mkfifo");
	CHECK(put_file(small, "abc", 3, 0644) == 0, "small file");
	fd = open(big, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	CHECK(fd >= 0 && ftruncate(fd, (off_t)R9P_READ_MAX + 1) == 0,
	      "sparse file");
	if (fd >= 0)
		close(fd);
	signal(SIGALRM, on_alarm);
	alarm(10);	/* a FIFO that blocks fails the run, not hangs it */
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		buf = NULL;
		err = r9p_read_input(cases[i].path, cases[i].max, &buf, &len);
		CHECK(err == cases[i].want, "read %s (max %zu): %d (%s), want %d",
		      cases[i].path, cases[i].max, err, strerror(-err),
		      cases[i].want);
		if (!err)
			free(buf);
	}
	CHECK(r9p_read_file(big, &buf, &len) == -EFBIG, "r9p_read_file cap");
	alarm(0);
	CHECK(strstr(r9p_read_strerror(-EINVAL), "not a regular file") != NULL,
	      "EINVAL text: %s", r9p_read_strerror(-EINVAL));
	CHECK(strstr(r9p_read_strerror(-EFBIG), "256 MiB") != NULL,
	      "EFBIG text: %s", r9p_read_strerror(-EFBIG));
	unlink(big);	/* sparse, but keep the tree small anyway */
	free(fifo);
	free(small);
	free(big);
	free(link);
	free(missing);
}

/* ---- decompression bounds ---- */

/* n bytes of zeros, compressed with comp, into path. */
static int write_zeros(const char *path, enum r9p_comp comp, size_t n,
		       int append)
{
	struct r9p_zout *z;
	unsigned char *zeros = calloc(1, n ? n : 1);
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC |
		  (append ? O_APPEND : O_TRUNC), 0644);
	if (fd < 0 || !zeros) {
		free(zeros);
		if (fd >= 0)
			close(fd);
		return -EIO;
	}
	err = r9p_zout_open(&z, comp, fd);
	if (!err)
		err = r9p_zout_write(z, zeros, n);
	if (!err)
		err = r9p_zout_finish(z, NULL);
	close(fd);
	free(zeros);
	return err;
}

static void test_decompress_bound(void)
{
	static const enum r9p_comp comps[] = {
		R9P_COMP_GZIP, R9P_COMP_XZ, R9P_COMP_ZSTD,
	};
	const struct {
		size_t max;
		int want;
	} bounds[] = {
		{ MIB, 0 }, { MIB + 1, 0 }, { MIB - 1, -EFBIG }, { 4096, -EFBIG },
	};
	char *path = tpath("zeros");
	unsigned char *in, *out;
	size_t i, j, inlen, outlen, used;
	int err;

	for (i = 0; i < ARRAY_SIZE(comps); i++) {
		CHECK(write_zeros(path, comps[i], MIB, 0) == 0, "compress %s",
		      r9p_comp_name(comps[i]));
		if (r9p_read_file(path, &in, &inlen) != 0)
			continue;
		for (j = 0; j < ARRAY_SIZE(bounds); j++) {
			out = NULL;
			err = r9p_decompress(comps[i], in, inlen, bounds[j].max,
					     &out, &outlen, &used);
			CHECK(err == bounds[j].want, "%s of 1 MiB, max %zu: %d",
			      r9p_comp_name(comps[i]), bounds[j].max, err);
			if (!err) {
				CHECK(outlen == MIB && used == inlen,
				      "%s: %zu bytes from %zu of %zu",
				      r9p_comp_name(comps[i]), outlen, used,
				      inlen);
				free(out);
			}
		}
		free(in);
	}
	unlink(path);
	free(path);
}

/* ---- --list: escaped names, bounded images ---- */

static const struct {
	const char *in, *want;
} escapes[] = {
	{ "lib/modules/9p.ko", "lib/modules/9p.ko" },
	{ "sp ace~", "sp ace~" },
	{ "evil\033[31mred", "evil\\033[31mred" },	/* ESC */
	{ "csi\x9b" "31m", "csi\\23331m" },		/* 8-bit CSI */
	{ "bell\a del\x7f", "bell\\007 del\\177" },
	{ "tab\tnl\ncr\r", "tab\\011nl\\012cr\\015" },
	{ "back\\slash", "back\\\\slash" },		/* stays unambiguous */
	{ "caf\xc3\xa9", "caf\\303\\251" },		/* UTF-8, as ls -b in C */
};

static void test_escape(void)
{
	char *buf;
	size_t i, len;
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(escapes); i++) {
		buf = NULL;
		f = open_memstream(&buf, &len);
		if (!f)
			continue;
		r9p_list_put_escaped(f, escapes[i].in, strlen(escapes[i].in));
		fclose(f);
		/* Not CHECK_STR: a failure must not print the raw bytes. */
		CHECK(strcmp(buf, escapes[i].want) == 0, "escaping gives "
		      "something else than %s", escapes[i].want);
		free(buf);
	}
}

static int file_sink(void *ctx, const void *buf, size_t len)
{
	return fwrite(buf, 1, len, ctx) == len ? 0 : -EIO;
}

/* List path with a bound; out gets the listing, E->why the message
 * ("" when there is none). */
static int list(const char *path, size_t max, char **out, struct r9p_err *e)
{
	size_t len;
	FILE *f = open_memstream(out, &len);
	int err;

	e->why[0] = '\0';
	if (!f) {
		*out = NULL;
		return -ENOMEM;
	}
	err = r9p_list_image_max(path, f, max, e);
	fclose(f);
	return err;
}

/* gzip segments of zeros (seg2 0: one segment) listed with a 1 MiB bound. */
static const struct {
	const char *what;
	size_t seg1, seg2;
	int want;
	const char *why;
} bombs[] = {
	{ "one 2 MiB segment", 2 * MIB, 0, -EFBIG,
	  "gzip segment: more than 1 MiB after decompression" },
	{ "two 600 KiB segments", 600 << 10, 600 << 10, -EFBIG,
	  "gzip segment: more than 1 MiB after decompression" },
	{ "one 600 KiB segment", 600 << 10, 0, 0, NULL },
};

static void test_list(void)
{
	char *path = tpath("evil.cpio"), *bomb = tpath("bomb.img"), *out;
	struct r9p_err e;
	struct r9p_cpio c;
	size_t i;
	FILE *f;
	int err;

	r9p_cpio_init(&c);
	CHECK(r9p_cpio_add_file(&c, "evil\033[31mred", 0644,
				(unsigned char *)xstrdup("x"), 1) == 0 &&
	      r9p_cpio_add_symlink(&c, "link", "to\033]0;title\a") == 0,
	      "build the archive");
	f = fopen(path, "w");
	CHECK(f && r9p_cpio_write(&c, 0, file_sink, f, NULL) == 0 &&
	      fclose(f) == 0, "write %s", path);
	r9p_cpio_free(&c);
	err = list(path, R9P_LIST_MAX, &out, &e);
	CHECK(err == 0, "list escapes: %s", e.why);
	CHECK(!strchr(out, '\033') && !strchr(out, '\a'),
	      "a raw control byte in the listing");
	CHECK(strstr(out, " evil\\033[31mred\n") != NULL, "escaped name");
	CHECK(strstr(out, " link -> to\\033]0;title\\007\n") != NULL,
	      "escaped target");
	free(out);

	for (i = 0; i < ARRAY_SIZE(bombs); i++) {
		CHECK(write_zeros(bomb, R9P_COMP_GZIP, bombs[i].seg1, 0) == 0 &&
		      (!bombs[i].seg2 ||
		       write_zeros(bomb, R9P_COMP_GZIP, bombs[i].seg2, 1) == 0),
		      "%s: make", bombs[i].what);
		err = list(bomb, MIB, &out, &e);
		CHECK(err == bombs[i].want, "%s: %d", bombs[i].what, err);
		CHECK(!bombs[i].why || strstr(e.why, bombs[i].why),
		      "%s: message %s", bombs[i].what, e.why);
		free(out);
	}
	/* The file itself is bounded before any byte of it is read. */
	CHECK(truncate(bomb, (off_t)(2 * MIB)) == 0, "grow %s", bomb);
	err = list(bomb, MIB, &out, &e);
	CHECK(err == -EFBIG && strstr(e.why, "larger than 1 MiB"),
	      "file over the bound: %d %s", err, e.why);
	free(out);
	unlink(bomb);
	free(bomb);
	free(path);
}

int main(void)
{
	char *cmd;
	size_t i;

	snprintf(top, sizeof(top), "/tmp/test_mkinitrd_hostile.XXXXXX");
	if (!mkdtemp(top)) {
		perror("test_mkinitrd_hostile: mkdtemp");
		return 1;
	}
	umask(077);	/* the output mode must not follow the umask */
	for (i = 0; i < ARRAY_SIZE(plants); i++)
		test_plant(&plants[i]);
	test_outfile_errors();
	test_inputs();
	test_decompress_bound();
	test_escape();
	test_list();
	cmd = xasprintf("rm -rf '%s'", top);
	if (system(cmd) != 0)
		fprintf(stderr, "test_mkinitrd_hostile: could not remove %s\n",
			top);
	free(cmd);
	return t_done("test_mkinitrd_hostile");
}
