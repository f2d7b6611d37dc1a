/* SPDX-License-Identifier: MIT */
/*
 * semantics/durable.c - semdurable: what survives QEMU's death, and how
 * soon each side of a shared root sees the other's changes.
 *
 *   semdurable write [-k K] [-n MAX] [-p N] DIR   the writer loop (guest)
 *   semdurable check DIR SYNCED REPLACED WROTE   its files, after (host)
 *   semdurable watch SECONDS HELD PLAIN      the coherence poller (guest)
 *
 * write appends numbered, checksummed records to DIR/log and fsyncs each
 * ("SYNCED n"), appends the same record to DIR/nosync.log without fsync
 * ("WROTE n"), and every K records replaces DIR/replace with a whole new
 * version: temp name, fsync, rename, fsync of DIR ("REPLACED v"). Each
 * line is written after the step it names, so a line the host read is a
 * promise. -p N stops after "SYNCED N" and sleeps, for a kill at that
 * very moment. check holds the files to the last lines the host read. watch
 * prints "SEEN <dir>.<change> ms=N" when a host change becomes visible.
 * Exit 0 (check: 0 when every promise held, 1 when one broke), 2 on bad
 * usage, 1 when a step failed (its message on stderr).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "common/array.h"
#include "common/clock.h"
#include "common/err.h"

#define REC_LEN 64		/* a record: "R%010u <payload> %08x\n" */
#define REC_SUM_AT 54		/* the checksum covers bytes [0, 54) */
#define REC_FMT_LEN 12		/* "R" + 10 digits + " " */
#define VER_HEAD_LEN 24		/* "V%010u L%010u\n" + NUL slack */
#define VER_TAIL_LEN 10		/* "E%08x\n" */
#define VER_BODY_MIN 1000
#define VER_BODY_SPAN 20000	/* body lengths vary, so a mix shows */
#define VER_MAX (VER_HEAD_LEN + VER_BODY_MIN + VER_BODY_SPAN + VER_TAIL_LEN)
#define DEFAULT_K 8
#define POLL_NS 5000000L	/* 5 ms between polls */
#define PATH_LEN 4096

static const char *prog = "semdurable";

/* err: the one report of a failed step ("semdurable: STEP: REASON"); 1. */
static int err(int e, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(e));
	return 1;
}

/* say: one output line in one write(2), so a kill cuts between lines. */
static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(line))
		(void)!write(1, line, (size_t)n);
}

static uint32_t fnv1a(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void make_record(unsigned n, char rec[REC_LEN])
{
	char head[REC_FMT_LEN + 1];
	size_t i;

	snprintf(head, sizeof(head), "R%010u ", n);
	memcpy(rec, head, REC_FMT_LEN);
	for (i = REC_FMT_LEN; i < REC_SUM_AT; i++)
		rec[i] = (char)('a' + (n + i) % 26);
	snprintf(rec + REC_SUM_AT, REC_LEN - REC_SUM_AT + 1, " %08x\n",
		 (unsigned)fnv1a((unsigned char *)rec, REC_SUM_AT));
}

static size_t version_body_len(unsigned v)
{
	return VER_BODY_MIN + (size_t)((v * 7919u) % VER_BODY_SPAN);
}

/* make_version: version v of the replaced file into buf; its length. */
static size_t make_version(unsigned v, char *buf)
{
	size_t body = version_body_len(v), i, n;

	n = (size_t)snprintf(buf, VER_HEAD_LEN, "V%010u L%010zu\n", v, body);
	for (i = 0; i < body; i++)
		buf[n + i] = (char)('A' + (v + i) % 26);
	n += body;
	n += (size_t)snprintf(buf + n, VER_TAIL_LEN + 1, "E%08x\n",
			      (unsigned)fnv1a((unsigned char *)buf, n));
	return n;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* replace: version v under a temp name, fsync, rename over, fsync DIR. */
static int replace(const char *dir, unsigned v, char *buf)
{
	char tmp[PATH_LEN], dst[PATH_LEN];
	size_t n = make_version(v, buf);
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/replace.tmp", dir);
	snprintf(dst, sizeof(dst), "%s/replace", dir);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return err(errno, "create %s", tmp);
	if (write_all(fd, buf, n) < 0 || fsync(fd) < 0) {
		int e = errno;

		close(fd);
		return err(e, "write and fsync %s", tmp);
	}
	close(fd);
	if (rename(tmp, dst) < 0)
		return err(errno, "rename %s over %s", tmp, dst);
	if (fsync_dir(dir) < 0)
		return err(errno, "fsync folder %s", dir);
	say("REPLACED %u\n", v);
	return 0;
}

static int open_log(const char *dir, const char *name)
{
	char path[PATH_LEN];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		err(errno, "create %s (the writer wants a fresh folder)", path);
	return fd;
}

static int run_write(const char *dir, unsigned k, unsigned max, unsigned pause_at)
{
	static char buf[VER_MAX];
	char rec[REC_LEN + 1];
	int log, nosync;
	unsigned n;

	log = open_log(dir, "log");
	if (log < 0)
		return 1;
	nosync = open_log(dir, "nosync.log");
	if (nosync < 0)
		return 1;
	/* The names too must be durable before any SYNCED line. */
	if (fsync_dir(dir) < 0)
		return err(errno, "fsync folder %s", dir);
	say("START k=%u\n", k);
	if (replace(dir, 0, buf))
		return 1;
	for (n = 1; max == 0 || n <= max; n++) {
		make_record(n, rec);
		if (write_all(log, rec, REC_LEN) < 0)
			return err(errno, "append record %u to %s/log", n, dir);
		if (fsync(log) < 0)
			return err(errno, "fsync %s/log", dir);
		say("SYNCED %u\n", n);
		while (n == pause_at)
			pause();	/* the host kills QEMU now */
		if (write_all(nosync, rec, REC_LEN) < 0)
			return err(errno, "append record %u to %s/nosync.log", n, dir);
		say("WROTE %u\n", n);
		if (n % k == 0 && replace(dir, n / k, buf))
			return 1;
	}
	say("WRITE-END %u\n", max);
	return 0;
}

/*
 * count_records: how many records from the start of FILE are whole and in
 * order; *tail gets the bytes after them (a torn or lost write).
 */
static int count_records(const char *path, unsigned *whole, long *tail,
			 unsigned *bad_at)
{
	char rec[REC_LEN], want[REC_LEN + 1];
	FILE *f = fopen(path, "re");
	long size;

	*whole = 0;
	*tail = 0;
	*bad_at = 0;
	if (!f)
		return -1;
	while (fread(rec, 1, REC_LEN, f) == REC_LEN) {
		make_record(*whole + 1, want);
		if (memcmp(rec, want, REC_LEN)) {
			*bad_at = *whole + 1;
			break;
		}
		(*whole)++;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	*tail = size - (long)*whole * REC_LEN;
	return 0;
}

/* The step of check_replace's struct r9p_err; its why is the verdict
 * run_check prints ("absent", "short (a torn version)" ...). */
#define REPLACE_STEP "check the replaced file"

/* check_replace: 0 and the version when DIR/replace is one whole version,
 * else -1 with E filled. */
static int check_replace(const char *dir, unsigned *v, struct r9p_err *e)
{
	static char got[VER_MAX + 1], want[VER_MAX];
	char path[PATH_LEN];
	unsigned ver;
	size_t n, wn;
	FILE *f;

	snprintf(path, sizeof(path), "%s/replace", dir);
	f = fopen(path, "re");
	if (!f)
		return r9p_errf(e, REPLACE_STEP, -errno, NULL, "absent");
	n = fread(got, 1, sizeof(got), f);
	fclose(f);
	got[n < sizeof(got) ? n : sizeof(got) - 1] = '\0';
	if (n == 0)
		return r9p_errf(e, REPLACE_STEP, -1, NULL, "empty");
	if (sscanf(got, "V%10u ", &ver) != 1)
		return r9p_errf(e, REPLACE_STEP, -1, NULL, "no version header");
	wn = make_version(ver, want);
	if (n != wn)
		return r9p_errf(e, REPLACE_STEP, -1, NULL, "%s", n < wn ?
				"short (a torn version)" : "long (a mix)");
	if (memcmp(got, want, wn))
		return r9p_errf(e, REPLACE_STEP, -1, NULL,
				"bytes differ (a mix)");
	*v = ver;
	return 0;
}

static int parse_uint(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 0xffffffffUL)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/*
 * run_check: DIR against the last lines the host read. Prints CHECK lines:
 * log (every record up to SYNCED whole), replace (a whole version, not
 * older than REPLACED), unsynced (of WROTE records, how many survived).
 */
static int run_check(const char *dir, unsigned synced, unsigned replaced,
		     unsigned wrote)
{
	char path[PATH_LEN];
	unsigned whole, bad_at, v = 0, ns_whole, ns_bad;
	long tail, ns_tail;
	struct r9p_err e;
	int broke = 0;

	snprintf(path, sizeof(path), "%s/log", dir);
	if (count_records(path, &whole, &tail, &bad_at) < 0) {
		say("CHECK log FAIL errno=%d %s absent synced=%u\n", errno, path, synced);
		broke = 1;
	} else if (whole < synced) {
		say("CHECK log FAIL differs: %u whole records, %u were synced%s tail=%ld\n",
		    whole, synced, bad_at ? " (a damaged record)" : "", tail);
		broke = 1;
	} else {
		say("CHECK log PASS whole=%u synced=%u tail=%ld\n", whole, synced, tail);
	}

	if (check_replace(dir, &v, &e) < 0) {
		say("CHECK replace FAIL differs: %s replaced=%u\n", e.why,
		    replaced);
		broke = 1;
	} else if (v < replaced) {
		say("CHECK replace FAIL differs: version %u, %u was replaced and synced\n",
		    v, replaced);
		broke = 1;
	} else {
		say("CHECK replace PASS version=%u replaced=%u state=%s\n", v, replaced,
		    v == replaced ? "last" : "next");
	}

	snprintf(path, sizeof(path), "%s/nosync.log", dir);
	if (count_records(path, &ns_whole, &ns_tail, &ns_bad) < 0)
		ns_whole = 0;
	if (ns_whole > wrote)
		ns_whole = wrote;	/* one written after the last line read */
	say("CHECK unsynced INFO wrote=%u survived=%u lost=%u\n", wrote, ns_whole,
	    wrote - ns_whole);
	return broke;
}

/* --- watch ------------------------------------------------------------ */

/* The host's changes, as the guest tests them; the files as the host left
 * them before the boot (semantics/coherence.sh). */
enum { EDIT_LEN = 4096, APPEND_LEN = 4096 };

struct folder {
	const char *tag;	/* "held" or "plain" */
	const char *dir;
	int edit_fd;		/* opened before the host's edit */
	time_t edit_mtime;
	long edit_mtime_ns;
};

struct cond {
	const char *name;
	int (*test)(const struct folder *f);
};

static int path_of(const struct folder *f, const char *name, char *out)
{
	return snprintf(out, PATH_LEN, "%s/%s", f->dir, name) >= PATH_LEN ? -1 : 0;
}

static int stat_of(const struct folder *f, const char *name, struct stat *st)
{
	char p[PATH_LEN];

	return path_of(f, name, p) < 0 ? -1 : stat(p, st);
}

static int exists(const struct folder *f, const char *name)
{
	struct stat st;

	return stat_of(f, name, &st) == 0;
}

static int listed(const struct folder *f, const char *name)
{
	DIR *d = opendir(f->dir);
	struct dirent *e;
	int found = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (!strcmp(e->d_name, name))
			found = 1;
	closedir(d);
	return found;
}

static int t_edit_content(const struct folder *f)
{
	char p[PATH_LEN], c = 0;
	int fd, r;

	if (path_of(f, "edit", p) < 0 || (fd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	r = pread(fd, &c, 1, 100) == 1 && c == 'B';
	close(fd);
	return r;
}

static int t_edit_open_fd(const struct folder *f)
{
	char c = 0;

	return f->edit_fd >= 0 && pread(f->edit_fd, &c, 1, 100) == 1 && c == 'B';
}

static int t_edit_mtime(const struct folder *f)
{
	struct stat st;

	return stat_of(f, "edit", &st) == 0 &&
	       (st.st_mtim.tv_sec != f->edit_mtime ||
		st.st_mtim.tv_nsec != f->edit_mtime_ns);
}

static int t_append_size(const struct folder *f)
{
	struct stat st;

	return stat_of(f, "append", &st) == 0 && st.st_size > APPEND_LEN;
}

static int t_append_content(const struct folder *f)
{
	char p[PATH_LEN], c;
	int fd, r;

	if (path_of(f, "append", p) < 0 || (fd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	r = pread(fd, &c, 1, APPEND_LEN) == 1;
	close(fd);
	return r;
}

static int t_create_name(const struct folder *f) { return exists(f, "created"); }
static int t_create_readdir(const struct folder *f) { return listed(f, "created") == 1; }
static int t_delete_name(const struct folder *f) { return !exists(f, "deleted"); }
static int t_delete_readdir(const struct folder *f) { return listed(f, "deleted") == 0; }
static int t_rename_new(const struct folder *f) { return exists(f, "renamed.new"); }
static int t_rename_old(const struct folder *f) { return !exists(f, "renamed.old"); }

static int t_chmod_mode(const struct folder *f)
{
	struct stat st;

	return stat_of(f, "mode", &st) == 0 && (st.st_mode & 07777) == 0600;
}

static const struct cond conds[] = {
	{ "edit.content", t_edit_content },
	{ "edit.open_fd", t_edit_open_fd },
	{ "edit.mtime", t_edit_mtime },
	{ "append.size", t_append_size },
	{ "append.content", t_append_content },
	{ "create.name", t_create_name },
	{ "create.readdir", t_create_readdir },
	{ "delete.name", t_delete_name },
	{ "delete.readdir", t_delete_readdir },
	{ "rename.new", t_rename_new },
	{ "rename.old", t_rename_old },
	{ "chmod.mode", t_chmod_mode },
};

static int folder_open(struct folder *f, const char *tag, const char *dir)
{
	char p[PATH_LEN];
	struct stat st;

	f->tag = tag;
	f->dir = dir;
	if (path_of(f, "edit", p) < 0 || stat(p, &st) < 0)
		return err(errno, "stat %s/edit (the host makes it before the boot)", dir);
	f->edit_mtime = st.st_mtim.tv_sec;
	f->edit_mtime_ns = st.st_mtim.tv_nsec;
	f->edit_fd = open(p, O_RDONLY | O_CLOEXEC);
	if (f->edit_fd < 0)
		return err(errno, "open %s", p);
	return 0;
}

/* nosync_write: a file the host times; the descriptor stays open (a close
 * could flush what the measure is about). */
static int nosync_write(const char *dir)
{
	static const char text[] = "GUEST-NOSYNC\n";
	char p[PATH_LEN];
	int fd;

	snprintf(p, sizeof(p), "%s/guest.nosync", dir);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return err(errno, "create %s", p);
	if (write_all(fd, text, sizeof(text) - 1) < 0)
		return err(errno, "write %s", p);
	say("WROTE-NOSYNC %s\n", p);
	return 0;	/* fd kept open until exit */
}

/*
 * run_watch: hold HELD by an O_PATH descriptor (as root9p-pin holds its
 * folders), write the no-fsync file, print READY, then poll every change
 * in both folders until SECONDS pass, printing each once when seen.
 */
static int run_watch(unsigned seconds, const char *held, const char *plain)
{
	struct folder f[2];
	unsigned char seen[2][ARRAY_SIZE(conds)];
	struct timespec nap = { 0, POLL_NS };
	long long start, end;
	size_t i, j, left = ARRAY_SIZE(f) * ARRAY_SIZE(conds);
	unsigned long rounds = 0;
	int pin;

	pin = open(held, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pin < 0)
		return err(errno, "hold %s", held);
	if (folder_open(&f[0], "held", held) || folder_open(&f[1], "plain", plain))
		return 1;
	memset(seen, 0, sizeof(seen));
	/* A change seen before the host made it is a broken test: say so. */
	for (i = 0; i < ARRAY_SIZE(f); i++)
		for (j = 0; j < ARRAY_SIZE(conds); j++)
			if (conds[j].test(&f[i])) {
				say("EARLY %s.%s\n", f[i].tag, conds[j].name);
				seen[i][j] = 1;
				left--;
			}
	if (nosync_write(plain))
		return 1;
	start = r9p_now_ms();
	end = start + (long long)seconds * 1000;
	say("READY\n");
	while (left && r9p_now_ms() < end) {
		for (i = 0; i < ARRAY_SIZE(f); i++)
			for (j = 0; j < ARRAY_SIZE(conds); j++) {
				if (seen[i][j] || !conds[j].test(&f[i]))
					continue;
				seen[i][j] = 1;
				left--;
				say("SEEN %s.%s ms=%lld\n", f[i].tag, conds[j].name,
				    r9p_now_ms() - start);
			}
		rounds++;
		nanosleep(&nap, NULL);
	}
	/* A round of polls takes long under TCG: it bounds the resolution. */
	say("WATCH-END unseen=%zu rounds=%lu round_ms=%lld\n", left, rounds,
	    rounds ? (r9p_now_ms() - start) / (long long)rounds : 0);
	close(pin);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: %s write [-k K] [-n MAX] [-p N] DIR\n"
		"       %s check DIR SYNCED REPLACED WROTE\n"
		"       %s watch SECONDS HELD_DIR PLAIN_DIR\n", prog, prog, prog);
	return 2;
}

int main(int argc, char **argv)
{
	unsigned k = DEFAULT_K, max = 0, pause_at = 0, a, b, c;
	int i;

	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "write")) {
		for (i = 2; i + 1 < argc && argv[i][0] == '-'; i += 2) {
			unsigned *to = !strcmp(argv[i], "-k") ? &k :
				       !strcmp(argv[i], "-n") ? &max :
				       !strcmp(argv[i], "-p") ? &pause_at : NULL;

			if (!to || parse_uint(argv[i + 1], to) < 0 || (to == &k && k == 0)) {
				fprintf(stderr, "%s: read option %s %s: not a known option with a number (K > 0)\n",
					prog, argv[i], argv[i + 1]);
				fprintf(stderr, "%s: try: %s write -k 8 -n 0 DIR\n", prog, prog);
				return 2;
			}
		}
		if (i != argc - 1)
			return usage();
		return run_write(argv[i], k, max, pause_at);
	}
	if (!strcmp(argv[1], "check") && argc == 6) {
		if (parse_uint(argv[3], &a) || parse_uint(argv[4], &b) ||
		    parse_uint(argv[5], &c)) {
			fprintf(stderr, "%s: read counts '%s %s %s': not numbers\n", prog,
				argv[3], argv[4], argv[5]);
			fprintf(stderr, "%s: try: the last SYNCED, REPLACED and WROTE numbers the writer printed (0 for none)\n", prog);
			return 2;
		}
		return run_check(argv[2], a, b, c);
	}
	if (!strcmp(argv[1], "watch") && argc == 5) {
		if (parse_uint(argv[2], &a) || a == 0) {
			fprintf(stderr, "%s: read SECONDS '%s': not a positive number\n", prog, argv[2]);
			fprintf(stderr, "%s: try: %s watch 20 HELD_DIR PLAIN_DIR\n", prog, prog);
			return 2;
		}
		return run_watch(a, argv[3], argv[4]);
	}
	return usage();
}
