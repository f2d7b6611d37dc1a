/* SPDX-License-Identifier: MIT */
/*
 * semantics/fault.c - semfault: what a guest's calls return when the
 * host fails under it (semantics/faults.sh runs it in a loop guest).
 *
 *   semfault fill FILE BYTES    write BYTES in 64 KiB chunks, fsync, close
 *   semfault gone DIR SECONDS   after READY, poll DIR until SECONDS pass
 *
 * fill says where the host's full filesystem shows: "FILL write ok
 * bytes=N" or "FILL write errno=E at=N" (the first failed write), then
 * "FILL fsync ok|errno=E", "FILL close ok|errno=E" and "FILL size
 * stat=N read=N" (a fresh open, read to the end). gone holds an open
 * file of DIR and its folder, prints READY, and every 200 ms tries
 * stat, a fresh open, read and write through the held descriptor,
 * readdir and a create in DIR, printing "GONE <call> <ok|errno=E> ms=N"
 * each time a call's outcome changes; an alarm bounds every call (a
 * hung one prints "GONE <call> hung"). Exit 0 when it ran to the end,
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
#include <sys/stat.h>

#define CHUNK 65536
#define POLL_MS 200
#define CALL_LIMIT_S 10		/* a call blocked this long is "hung" */
#define PATH_LEN 4096
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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

static const char *ename(int e)
{
	static const struct { int e; const char *name; } names[] = {
		{ ENOSPC, "ENOSPC" }, { EIO, "EIO" }, { ENOENT, "ENOENT" },
		{ ESTALE, "ESTALE" }, { EDQUOT, "EDQUOT" }, { EINTR, "EINTR" },
		{ EBADF, "EBADF" }, { EACCES, "EACCES" }, { EPERM, "EPERM" },
		{ ENOTDIR, "ENOTDIR" }, { ENOTCONN, "ENOTCONN" },
		{ EFBIG, "EFBIG" }, { EROFS, "EROFS" },
	};
	static char other[16];
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].e == e)
			return names[i].name;
	snprintf(other, sizeof(other), "%d", e);
	return other;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
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
			say("FILL write errno=%s at=%llu", ename(errno), done);
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
	say("FILL fsync %s%s", rc ? "errno=" : "ok", rc ? ename(errno) : "");
	rc = close(fd);
	say("FILL close %s%s", rc ? "errno=" : "ok", rc ? ename(errno) : "");
	fd = open(file, O_RDONLY);
	if (fd < 0) {
		say("FILL size errno=%s", ename(errno));
		return 0;
	}
	if (fstat(fd, &st) < 0)
		st.st_size = -1;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		got += r;
	say("FILL size stat=%lld read=%llu%s%s", (long long)st.st_size, got,
	    r < 0 ? " read_errno=" : "", r < 0 ? ename(errno) : "");
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
	start = now_ms();
	end = start + seconds * 1000LL;
	say("READY");
	while (now_ms() < end) {
		for (i = 0; i < ARRAY_SIZE(calls); i++) {
			long long t0 = now_ms();
			int r;

			alarm(CALL_LIMIT_S);
			r = calls[i].call(&h);
			alarm(0);
			if (r == -EINTR && now_ms() - t0 >= CALL_LIMIT_S * 1000LL - 100) {
				say("GONE %s hung ms=%lld", calls[i].name, t0 - start);
				r = 2;	/* its own outcome */
			}
			if (r != last[i] && r != 2)
				say("GONE %s %s%s ms=%lld", calls[i].name,
				    r ? "errno=" : "ok", r ? ename(-r) : "",
				    t0 - start);
			last[i] = r;
		}
		usleep(POLL_MS * 1000);
	}
	say("GONE-END");
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: %s fill FILE BYTES\n"
		"       %s gone DIR SECONDS\n", prog, prog);
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long long n;
	char *end;

	if (argc != 4)
		return usage();
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
