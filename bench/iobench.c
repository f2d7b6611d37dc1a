/* SPDX-License-Identifier: MIT */
/*
 * bench/iobench.c - guest I/O workloads on the 9p root, run as the guest's init.
 *
 *   init=/root9p-bench/iobench -- [dir=/root9p-bench] [size=MIB] [files=N] [tar=PATH]
 *
 * Prints the root's mount options, then times a sequential write of SIZE MiB
 * (1 MiB writes + fsync), a cold and a warm sequential read of it, lstat of
 * N files DIR/files/fNNNNN made by the host (cold, warm), and `tar -cf - -C /
 * PATH` read from a pipe. One kmsg line per result, "iobench: NAME: AMOUNT
 * UNIT in SECS s = RATE UNIT/s", and "iobench: done: N errors" last; then it
 * powers the guest off, whatever happened. bench/io.sh reads the console.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common/array.h"

#define CHUNK		(1024 * 1024)
#define MIB		(1024.0 * 1024.0)
#define TAR_BIN		"/usr/bin/tar"
/* tar's stderr: on /tmp (init9p's tmpfs), not the console nor the 9p root. */
#define TAR_ERR		"/tmp/iobench-tar.err"

static char buf[CHUNK];
static int nerrors;

static const char *dir = "/root9p-bench";
static const char *tar_path = "usr";
static long size_mib = 64;
static long nfiles = 5000;

/* The cmdline keys after "--": a string or a number in [1, max]. */
static const struct {
	const char *key;
	const char **str;
	long *num;
	long max;
} keys[] = {
	{ "dir",	&dir,		NULL,		0 },
	{ "tar",	&tar_path,	NULL,		0 },
	{ "size",	NULL,		&size_mib,	4096 },
	{ "files",	NULL,		&nfiles,	99999 },
};

/*
 * One line, one write(), to /dev/kmsg: printk reaches the console even when
 * a loaded TCG host stalls the UART. A fresh open per line, as init9p does,
 * because the kernel rate-limits each open file (10 lines per 5 s).
 */
static void say(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n, fd;

	n = snprintf(line, sizeof(line), "<5>iobench: ");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		int ok = write(fd, line, n) == n;

		close(fd);
		if (ok)
			return;
	}
	if (write(2, line + 3, n - 3) < 0)
		return;
}

/* On an error path: close fd, pass the error (evaluated before the close) on. */
static int close_fail(int fd, int err)
{
	close(fd);
	return err;
}

/* err: -errno, or 1 for a failure that has no errno (what says it all). */
static void report_error(const char *name, const char *what, int err)
{
	nerrors++;
	if (err < 0)
		say("error: %s: %s: %s", name, what, strerror(-err));
	else
		say("error: %s: %s", name, what);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void report_bytes(const char *name, long long bytes, double secs)
{
	say("%s: %.1f MiB in %.3f s = %.1f MiB/s", name, bytes / MIB, secs,
	    secs > 0 ? bytes / MIB / secs : 0.0);
}

/* Later keys win, as on the kernel command line. */
static int parse_args(int argc, char **argv)
{
	int i;
	size_t k;

	for (i = 1; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');

		for (k = 0; eq && k < ARRAY_SIZE(keys); k++)
			if (strlen(keys[k].key) == (size_t)(eq - argv[i]) &&
			    !strncmp(argv[i], keys[k].key, eq - argv[i]))
				break;
		if (!eq || k == ARRAY_SIZE(keys)) {
			say("error: argument '%s': expected dir=, tar=, size= or files=", argv[i]);
			return -1;
		}
		if (keys[k].str) {
			*keys[k].str = eq + 1;
		} else {
			char *end;
			long v = strtol(eq + 1, &end, 10);

			if (*end || end == eq + 1 || v < 1 || v > keys[k].max) {
				say("error: argument '%s': want a number from 1 to %ld",
				    argv[i], keys[k].max);
				return -1;
			}
			*keys[k].num = v;
		}
	}
	return 0;
}

/* What the kernel made of rootflags: the last 9p (or virtiofs, for
 * io.sh --fs-compare) mount on "/". */
static void report_mount(void)
{
	char line[1024], found[1024] = "";
	char src[256], mnt[256], type[64];
	FILE *f = fopen("/proc/self/mounts", "re");

	if (!f) {
		report_error("mount", "open /proc/self/mounts", -errno);
		return;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %255s %63s", src, mnt, type) == 3 &&
		    !strcmp(mnt, "/") &&
		    (!strcmp(type, "9p") || !strcmp(type, "virtiofs")))
			snprintf(found, sizeof(found), "%s", line);
	fclose(f);
	found[strcspn(found, "\n")] = '\0';
	if (!found[0])
		report_error("mount", "find the 9p or virtiofs root in "
			     "/proc/self/mounts", -ENOENT);
	else
		say("mount: %s", found);
}

/* Cold means cold: dirty pages out, then page cache, dentries and inodes. */
static int drop_caches(const char **what)
{
	int fd;

	sync();
	*what = "write 3 to /proc/sys/vm/drop_caches";
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "3\n", 2) != 2)
		return close_fail(fd, -errno);
	return close(fd) < 0 ? -errno : 0;
}

/* A new file each boot, so every cache mode starts from the same state. */
static int seq_write(const char *path, long long bytes, const char **what)
{
	long long done = 0;
	double t0;
	int fd;

	*what = "remove an old data file";
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	memset(buf, 0x5a, sizeof(buf));
	t0 = now();
	*what = "create the data file";
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	*what = "write the data file";
	while (done < bytes) {
		size_t len = bytes - done < CHUNK ? (size_t)(bytes - done) : CHUNK;
		ssize_t n = write(fd, buf, len);

		if (n < 0)
			return close_fail(fd, -errno);
		done += n;
	}
	/* Time to the host's disk, not to the guest's (loose) page cache. */
	*what = "fsync the data file";
	if (fsync(fd) < 0)
		return close_fail(fd, -errno);
	*what = "close the data file";
	if (close(fd) < 0)
		return -errno;
	report_bytes("seqwrite", done, now() - t0);
	return 0;
}

static int seq_read(const char *name, const char *path, long long bytes, const char **what)
{
	long long done = 0;
	ssize_t n;
	double t0 = now();
	int fd;

	*what = "open the data file";
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*what = "read the data file";
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0)
			return close_fail(fd, -errno);
		done += n;
	}
	close(fd);
	*what = "read back as many bytes as written";
	if (done != bytes)
		return -EIO;
	report_bytes(name, done, now() - t0);
	return 0;
}

/*
 * One lookup and getattr per file, relative to the open directory, as find
 * and ls -l do: a full path would also time the walk of DIR per file.
 */
static int stat_files(const char *name, const char **what)
{
	static char path[512];	/* *what may name it after we return */
	char file[16];
	struct stat st;
	double t0 = now(), secs;
	long i;
	int dfd;

	snprintf(path, sizeof(path), "%s/files", dir);
	*what = path;
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	for (i = 0; i < nfiles; i++) {
		snprintf(file, sizeof(file), "f%05ld", i);
		if (fstatat(dfd, file, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			int err = -errno;

			snprintf(path, sizeof(path), "%s/files/%s", dir, file);
			return close_fail(dfd, err);
		}
	}
	close(dfd);
	secs = now() - t0;
	say("%s: %ld files in %.3f s = %.0f ops/s", name, nfiles, secs,
	    secs > 0 ? nfiles / secs : 0.0);
	return 0;
}

/* tar's first lines of complaint, when it failed. */
static void report_tar_err(void)
{
	char line[512];
	FILE *f = fopen(TAR_ERR, "re");
	int i;

	for (i = 0; f && i < 5 && fgets(line, sizeof(line), f); i++) {
		line[strcspn(line, "\n")] = '\0';
		say("tar said: %s", line);
	}
	if (f)
		fclose(f);
}

/*
 * The root's own GNU tar into a pipe we count: to /dev/null, tar would skip
 * reading file contents (it special-cases an archive on /dev/null).
 * 0, -errno, or 1 when tar itself failed.
 */
static int run_tar(const char **what)
{
	long long done = 0;
	double t0 = now();
	int pfd[2], status, err = 0;
	ssize_t n;
	pid_t pid;

	*what = "make a pipe";
	if (pipe(pfd) < 0)
		return -errno;
	*what = "fork";
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return err;
	}
	if (pid == 0) {
		int efd = open(TAR_ERR, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(pfd[1], 1);
		if (efd >= 0)
			dup2(efd, 2);
		execl(TAR_BIN, "tar", "-cf", "-", "-C", "/", tar_path, (char *)NULL);
		say("error: tar: exec %s: %s", TAR_BIN, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	*what = "read tar's output";
	while ((n = read(pfd[0], buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		done += n;
	}
	close(pfd[0]);
	/* Reap it even after a read error: PID 1 keeps no zombies. */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return err ? err : -errno;
	if (err)
		return err;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		static char why[64];

		report_tar_err();
		if (WIFEXITED(status))
			snprintf(why, sizeof(why), "%s exited with status %d", TAR_BIN,
				 WEXITSTATUS(status));
		else
			snprintf(why, sizeof(why), "%s was killed by signal %d", TAR_BIN,
				 WTERMSIG(status));
		*what = why;
		return 1;
	}
	report_bytes("tar", done, now() - t0);
	return 0;
}

/*
 * Each step's error is reported and counted; the next step still runs.
 * *what is read here, after the call that set it has returned.
 */
static int step(const char *name, int err, const char *const *what)
{
	if (err)
		report_error(name, *what, err);
	return err;
}

int main(int argc, char **argv)
{
	char data[512];
	long long bytes;
	const char *what = "";

	/* Dropping caches and powering off are for a guest's init only. */
	if (getpid() != 1) {
		fprintf(stderr, "iobench: runs as a guest's init (PID 1) only: "
			"it drops caches and powers the machine off\n");
		return 2;
	}
	if (parse_args(argc, argv) < 0) {
		nerrors++;
		goto out;
	}
	bytes = (long long)size_mib * CHUNK;
	snprintf(data, sizeof(data), "%s/data", dir);
	say("start: dir=%s size=%ld files=%ld tar=%s", dir, size_mib, nfiles, tar_path);
	report_mount();

	if (!step("seqwrite", seq_write(data, bytes, &what), &what)) {
		if (!step("seqread-cold", drop_caches(&what), &what))
			step("seqread-cold", seq_read("seqread-cold", data, bytes, &what), &what);
		step("seqread-warm", seq_read("seqread-warm", data, bytes, &what), &what);
	}
	/* The data file is the guest's; the host removes the directory too. */
	if (unlink(data) < 0 && errno != ENOENT)
		report_error("cleanup", data, -errno);

	if (!step("stat-cold", drop_caches(&what), &what))
		step("stat-cold", stat_files("stat-cold", &what), &what);
	step("stat-warm", stat_files("stat-warm", &what), &what);

	if (!step("tar", drop_caches(&what), &what))
		step("tar", run_tar(&what), &what);
out:
	say("done: %d errors", nerrors);
	sync();
	reboot(RB_POWER_OFF);
	/* PID 1 must not exit: the kernel would panic and hide the reason. */
	say("error: power off: %s", strerror(errno));
	for (;;)
		pause();
}
