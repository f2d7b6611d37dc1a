/* SPDX-License-Identifier: MIT */
/*
 * semantics/fault.c - semfault: what a guest's calls return when the
 * host fails under it (semantics/faults.sh runs it in a loop guest).
 *
 *   semfault fill FILE BYTES    write BYTES in 64 KiB chunks, fsync, close
 *   semfault gone DIR SECONDS   after READY, poll DIR until SECONDS pass
 *   semfault peer a|b DIR       one of two guests on one tree (twoguest.sh)
 *
 * fill says where the host's full filesystem shows: "FILL write ok
 * bytes=N" or "FILL write errno=E at=N" (the first failed write), then
 * "FILL fsync ok|errno=E", "FILL close ok|errno=E" and "FILL size
 * stat=N read=N" (a fresh open, read to the end). gone holds an open
 * file of DIR and its folder, prints READY, and every 200 ms tries
 * stat, a fresh open, read and write through the held descriptor,
 * readdir and a create in DIR, printing "GONE <call> <ok|errno=E> ms=N"
 * each time a call's outcome changes; an alarm bounds every call (a
 * hung one prints "GONE <call> hung"). peer: both guests print READY
 * and wait for the host's DIR/go; then a writes, overwrites, renames,
 * unlinks, appends and locks (flock on lockf, POSIX on lockp) on a schedule ("PEER a <step> ms=N", ms
 * since it saw go) while b polls and prints "PEER b seen <step> ms=N"
 * when the step shows, appends at the same time as a, and tries a's
 * locks while a holds them ("PEER b lock flock=... posix=..."); b ends
 * with "PEER b unseen <steps>". Exit 0 when it ran to the end,
 * 2 on bad usage, 1 when it could not start.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "common/array.h"
#include "common/clock.h"
#include "semantics/sem.h"

#define CHUNK 65536
#define POLL_MS 200
#define CALL_LIMIT_S 10		/* a call blocked this long is "hung" */
#define PATH_LEN 4096

static const char *prog = "semfault";

/* say: one line in one write(2), so the host never reads half of it. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(1, line, n) < 0)
		return;
}

static int run_fill(const char *file, unsigned long long bytes)
{
	static char buf[CHUNK];
	unsigned long long done = 0, got = 0;
	ssize_t w, r;
	struct stat st;
	int fd, rc;

	memset(buf, 'f', sizeof(buf));
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fprintf(stderr, "%s: open %s: %s\n", prog, file, strerror(errno));
		return 1;
	}
	while (done < bytes) {
		size_t n = bytes - done < CHUNK ? bytes - done : CHUNK;

		w = write(fd, buf, n);
		if (w < 0) {
			say("FILL write errno=%s at=%llu", sem_errname(errno), done);
			break;
		}
		if (w == 0) {
			say("FILL write errno=none short=0 at=%llu", done);
			break;
		}
		done += w;
	}
	if (done >= bytes)
		say("FILL write ok bytes=%llu", done);
	rc = fsync(fd);
	say("FILL fsync %s%s", rc ? "errno=" : "ok", rc ? sem_errname(errno) : "");
	rc = close(fd);
	say("FILL close %s%s", rc ? "errno=" : "ok", rc ? sem_errname(errno) : "");
	fd = open(file, O_RDONLY);
	if (fd < 0) {
		say("FILL size errno=%s", sem_errname(errno));
		return 0;
	}
	if (fstat(fd, &st) < 0)
		st.st_size = -1;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		got += r;
	say("FILL size stat=%lld read=%llu%s%s", (long long)st.st_size, got,
	    r < 0 ? " read_errno=" : "", r < 0 ? sem_errname(errno) : "");
	close(fd);
	return 0;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* The calls gone tries; each returns 0 or -errno. */
struct held {
	const char *dir;
	int fd;			/* DIR/held, opened before READY */
	int dfd;		/* DIR itself */
};

static int c_stat(struct held *h)
{
	struct stat st;

	return stat(h->dir, &st) ? -errno : 0;
}

static int c_open(struct held *h)
{
	char path[PATH_LEN];
	int fd;

	snprintf(path, sizeof(path), "%s/held", h->dir);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int c_read_held(struct held *h)
{
	char b[8];

	return pread(h->fd, b, sizeof(b), 0) < 0 ? -errno : 0;
}

static int c_write_held(struct held *h)
{
	return pwrite(h->fd, "w", 1, 8) < 0 ? -errno : 0;
}

static int c_readdir(struct held *h)
{
	DIR *d = opendir(h->dir);
	int e = 0;

	if (!d)
		return -errno;
	errno = 0;
	while (readdir(d))
		;
	e = errno;
	closedir(d);
	return -e;
}

static int c_create(struct held *h)
{
	int fd = openat(h->dfd, "created", O_WRONLY | O_CREAT, 0644);

	if (fd < 0)
		return -errno;
	close(fd);
	unlinkat(h->dfd, "created", 0);
	return 0;
}

static const struct {
	const char *name;
	int (*call)(struct held *h);
} calls[] = {
	{ "stat", c_stat }, { "open", c_open }, { "read_held", c_read_held },
	{ "write_held", c_write_held }, { "readdir", c_readdir },
	{ "create_at", c_create },
};

static int run_gone(const char *dir, unsigned seconds)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int last[ARRAY_SIZE(calls)];
	struct held h = { dir, -1, -1 };
	char path[PATH_LEN];
	long long start, end;
	unsigned i;

	snprintf(path, sizeof(path), "%s/held", dir);
	h.fd = open(path, O_RDWR | O_CREAT, 0644);
	h.dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (h.fd < 0 || h.dfd < 0 || pwrite(h.fd, "held", 4, 0) != 4) {
		fprintf(stderr, "%s: open %s: %s\n", prog, path, strerror(errno));
		return 1;
	}
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: a blocked call ends */
	for (i = 0; i < ARRAY_SIZE(calls); i++)
		last[i] = 1;	/* no outcome yet */
	start = r9p_now_ms();
	end = start + seconds * 1000LL;
	say("READY");
	while (r9p_now_ms() < end) {
		for (i = 0; i < ARRAY_SIZE(calls); i++) {
			long long t0 = r9p_now_ms();
			int r;

			alarm(CALL_LIMIT_S);
			r = calls[i].call(&h);
			alarm(0);
			if (r == -EINTR && r9p_now_ms() - t0 >= CALL_LIMIT_S * 1000LL - 100) {
				say("GONE %s hung ms=%lld", calls[i].name, t0 - start);
				r = 2;	/* its own outcome */
			}
			if (r != last[i] && r != 2)
				say("GONE %s %s%s ms=%lld", calls[i].name,
				    r ? "errno=" : "ok", r ? sem_errname(-r) : "",
				    t0 - start);
			last[i] = r;
		}
		usleep(POLL_MS * 1000);
	}
	say("GONE-END");
	return 0;
}

/* --- peer: two guests on one tree --- */
#define PEER_REC 32		/* an appended record: "A%03u" or "B%03u", padded */
#define PEER_RECS 200
#define PEER_GO_WAIT_MS 300000
#define PEER_POLL_MS 5

/* a's schedule, ms after it saw go (b tries the locks at PEER_TRY). */
enum { PEER_WRITE = 1000, PEER_OVERWRITE = 3000, PEER_RENAME = 5000,
       PEER_UNLINK = 7000, PEER_APPEND = 9000, PEER_LOCK = 13000,
       PEER_TRY = 15000, PEER_UNLOCK = 19000, PEER_END = 21000 };

static int peer_path(char *out, const char *dir, const char *name)
{
	return snprintf(out, PATH_LEN, "%s/%s", dir, name) >= PATH_LEN ? -1 : 0;
}

static void sleep_until(long long t0, long long at)
{
	long long now = r9p_now_ms();

	if (now < t0 + at)
		usleep((t0 + at - now) * 1000);
}

static int put_file(const char *path, const char *text, int trunc)
{
	int fd = open(path, O_WRONLY | O_CREAT | (trunc ? O_TRUNC : 0), 0644);
	int rc;

	if (fd < 0)
		return -errno;
	rc = pwrite(fd, text, strlen(text), 0) == (ssize_t)strlen(text) ? 0 : -EIO;
	return close(fd) ? -errno : rc;
}

static void peer_append(const char *dir, char who, long long t0)
{
	char path[PATH_LEN], rec[PEER_REC + 1];
	unsigned i, bad = 0;
	int fd;

	peer_path(path, dir, "append.log");
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	for (i = 0; fd >= 0 && i < PEER_RECS; i++) {
		snprintf(rec, sizeof(rec), "%c%03u%*s\n", who, i, PEER_REC - 5, "");
		if (write(fd, rec, PEER_REC) != PEER_REC)
			bad++;
		usleep(2000);
	}
	if (fd >= 0)
		close(fd);
	say("PEER %c appended %u bad=%u ms=%lld", who - 'A' + 'a', fd < 0 ? 0 : PEER_RECS,
	    bad, r9p_now_ms() - t0);
}

/*
 * flock on DIR/lockf and a POSIX write lock on DIR/lockp, non-blocking;
 * "ok" or the errno. Two files: on 9p a flock and a POSIX lock of one
 * file conflict with each other in the same process (seen on 6.1).
 */
static void peer_lock(const char *dir, int fd[2], const char **fl, const char **px)
{
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char path[PATH_LEN];

	peer_path(path, dir, "lockf");
	fd[0] = open(path, O_RDWR | O_CREAT, 0644);
	*fl = fd[0] < 0 ? sem_errname(errno) : flock(fd[0], LOCK_EX | LOCK_NB) ? sem_errname(errno) : "ok";
	peer_path(path, dir, "lockp");
	fd[1] = open(path, O_RDWR | O_CREAT, 0644);
	*px = fd[1] < 0 ? sem_errname(errno) : fcntl(fd[1], F_SETLK, &l) ? sem_errname(errno) : "ok";
}

static void peer_unlock(int fd[2])
{
	if (fd[0] >= 0)
		close(fd[0]);
	if (fd[1] >= 0)
		close(fd[1]);	/* closing drops the locks */
}

static void peer_a(const char *dir, long long t0)
{
	char w[PATH_LEN], w2[PATH_LEN];
	const char *fl, *px;
	int fd[2];

	peer_path(w, dir, "w.txt");
	peer_path(w2, dir, "w2.txt");
	sleep_until(t0, PEER_WRITE);
	say("PEER a write %d ms=%lld", put_file(w, "v1", 1), r9p_now_ms() - t0);
	sleep_until(t0, PEER_OVERWRITE);
	say("PEER a overwrite %d ms=%lld", put_file(w, "v2", 0), r9p_now_ms() - t0);
	sleep_until(t0, PEER_RENAME);
	say("PEER a rename %d ms=%lld", rename(w, w2) ? -errno : 0, r9p_now_ms() - t0);
	sleep_until(t0, PEER_UNLINK);
	say("PEER a unlink %d ms=%lld", unlink(w2) ? -errno : 0, r9p_now_ms() - t0);
	sleep_until(t0, PEER_APPEND);
	peer_append(dir, 'A', t0);
	sleep_until(t0, PEER_LOCK);
	peer_lock(dir, fd, &fl, &px);
	say("PEER a lock flock=%s posix=%s ms=%lld", fl, px, r9p_now_ms() - t0);
	sleep_until(t0, PEER_UNLOCK);
	peer_unlock(fd);
	say("PEER a unlocked ms=%lld", r9p_now_ms() - t0);
	sleep_until(t0, PEER_END);
}

static int read_is(int fd, const char *want)
{
	char b[8];
	ssize_t n = pread(fd, b, sizeof(b) - 1, 0);

	if (n < 0)
		return 0;
	b[n] = '\0';
	return !strcmp(b, want);
}

static int file_is(const char *path, const char *want)
{
	int fd = open(path, O_RDONLY), r;

	if (fd < 0)
		return 0;
	r = read_is(fd, want);
	close(fd);
	return r;
}

static void peer_b(const char *dir, long long t0)
{
	enum { S_WRITE, S_OVERWRITE, S_OVERWRITE_FD, S_RENAME, S_UNLINK, S_N };
	static const char *names[S_N] = { "write", "overwrite", "overwrite_fd",
					  "rename", "unlink" };
	char w[PATH_LEN], w2[PATH_LEN], unseen[128] = "";
	int seen[S_N] = { 0 }, held = -1, appended = 0, tried = 0, i, hit;
	struct stat st;

	peer_path(w, dir, "w.txt");
	peer_path(w2, dir, "w2.txt");
	while (r9p_now_ms() < t0 + PEER_END) {
		for (i = 0; i < S_N; i++) {
			if (seen[i])
				continue;
			switch (i) {
			case S_WRITE:
				hit = file_is(w, "v1") || file_is(w, "v2");
				if (hit && held < 0)
					held = open(w, O_RDONLY);
				break;
			case S_OVERWRITE: hit = file_is(w, "v2"); break;
			case S_OVERWRITE_FD: hit = held >= 0 && read_is(held, "v2"); break;
			case S_RENAME:
				hit = !stat(w2, &st) && stat(w, &st) && errno == ENOENT;
				break;
			default:
				hit = seen[S_RENAME] && stat(w2, &st) && errno == ENOENT;
				break;
			}
			if (hit) {
				seen[i] = 1;
				say("PEER b seen %s ms=%lld", names[i], r9p_now_ms() - t0);
			}
		}
		if (!appended && r9p_now_ms() >= t0 + PEER_APPEND) {
			appended = 1;
			peer_append(dir, 'B', t0);
		}
		if (!tried && r9p_now_ms() >= t0 + PEER_TRY) {
			const char *fl, *px;
			int fd[2];

			tried = 1;
			peer_lock(dir, fd, &fl, &px);
			say("PEER b lock flock=%s posix=%s ms=%lld", fl, px, r9p_now_ms() - t0);
			peer_unlock(fd);
		}
		usleep(PEER_POLL_MS * 1000);
	}
	for (i = 0; i < S_N; i++)
		if (!seen[i])
			snprintf(unseen + strlen(unseen), sizeof(unseen) - strlen(unseen),
				 "%s%s", *unseen ? "," : "", names[i]);
	say("PEER b unseen %s", *unseen ? unseen : "-");
	if (held >= 0)
		close(held);
}

static int run_peer(const char *role, const char *dir)
{
	char go[PATH_LEN];
	long long t0, limit;
	struct stat st;

	if (peer_path(go, dir, "go") < 0)
		return 1;
	say("READY %s", role);
	limit = r9p_now_ms() + PEER_GO_WAIT_MS;
	while (stat(go, &st)) {
		if (r9p_now_ms() > limit) {
			fprintf(stderr, "%s: wait for %s: it never came\n", prog, go);
			return 1;
		}
		usleep(PEER_POLL_MS * 1000);
	}
	t0 = r9p_now_ms();
	say("PEER %s go", role);
	if (!strcmp(role, "a"))
		peer_a(dir, t0);
	else
		peer_b(dir, t0);
	say("PEER-END %s", role);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: %s fill FILE BYTES\n"
		"       %s gone DIR SECONDS\n"
		"       %s peer a|b DIR\n", prog, prog, prog);
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long long n;
	char *end;

	if (argc != 4)
		return usage();
	if (!strcmp(argv[1], "peer")) {
		if (strcmp(argv[2], "a") && strcmp(argv[2], "b")) {
			fprintf(stderr, "%s: run peer '%s': the role is a or b\n",
				prog, argv[2]);
			fprintf(stderr, "%s: try: %s peer a DIR\n", prog, prog);
			return 2;
		}
		return run_peer(argv[2], argv[3]);
	}
	errno = 0;
	n = strtoull(argv[3], &end, 10);
	if (errno || *end || end == argv[3] || n == 0) {
		fprintf(stderr, "%s: read count '%s': not a positive number\n",
			prog, argv[3]);
		fprintf(stderr, "%s: try: %s %s %s 1048576\n", prog, prog,
			argv[1], argv[2]);
		return 2;
	}
	if (!strcmp(argv[1], "fill"))
		return run_fill(argv[2], n);
	if (!strcmp(argv[1], "gone"))
		return run_gone(argv[2], (unsigned)n);
	return usage();
}
