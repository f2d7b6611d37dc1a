/* SPDX-License-Identifier: MIT */
/*
 * semantics/main.c - semprobe: what a filesystem gives its programs.
 *
 *   semprobe [-g GROUP[,GROUP...]] [-u UID] [-s SEED] [-n OPS] DIR
 *
 * Makes a fresh folder DIR/sem.<pid>[.<n>], one subfolder per group, runs
 * each group in a child (a signal or a hang is one FAIL, not a lost run)
 * and prints SEM and HOST lines, then "SEMPROBE-END <SEM lines>". Exit 0
 * when it ran to the end whatever the results, 2 on bad usage, 1 when DIR
 * is unusable. Runs as root; UID (default 65534) for the non-root probes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common/clock.h"
#include "semantics/sem.h"

#define GROUP_TIMEOUT 120	/* s: a group's whole budget on a loaded TCG host */
#define DEFAULT_UID 65534
#define DEFAULT_OPS 2000

static const struct group {
	const char *name;
	void (*run)(const struct sem_ctx *c);
} groups[] = {
	{ "unlink", sem_unlink },
	{ "link", sem_link },
	{ "mmap", sem_mmap },
	{ "lock", sem_lock },
	{ "xattr", sem_xattr },
	{ "own", sem_own },
	{ "special", sem_special },
	{ "size", sem_size },
	{ "time", sem_time },
	{ "statfs", sem_statfs },
	{ "inotify", sem_inotify },
	{ "fsx", sem_fsx },
};

static void usage_error(const char *what, const char *why)
{
	size_t i;

	fprintf(stderr, "semprobe: cannot use %s: %s\n", what, why);
	fprintf(stderr, "semprobe: try: semprobe [-g GROUP[,GROUP...]] [-u UID] "
		"[-s SEED] [-n OPS] DIR; groups:");
	for (i = 0; i < ARRAY_SIZE(groups); i++)
		fprintf(stderr, "%s%s", i ? "," : " ", groups[i].name);
	fputc('\n', stderr);
}

/* A whole unsigned number in [0, max]: 0, or -EINVAL. */
static int parse_num(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* -g's list into want[]: 0, or -EINVAL with the bad name in *bad. */
static int parse_groups(char *list, int *want, const char **bad)
{
	char *tok, *save = NULL;
	size_t i;

	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(groups); i++)
			if (!strcmp(tok, groups[i].name))
				break;
		if (i == ARRAY_SIZE(groups)) {
			*bad = tok;
			return -EINVAL;
		}
		want[i] = 1;
	}
	return 0;
}

/* The run folder: a fresh name, 0755 whatever the umask, so that the
 * user of -u can reach its own subfolders. Its dirfd, or -errno. */
static int make_run(int dirfd, struct sem_ctx *c)
{
	int n, fd;

	for (n = 0; n < 100; n++) {
		if (n)
			snprintf(c->run, sizeof(c->run), "sem.%d.%d", (int)getpid(), n);
		else
			snprintf(c->run, sizeof(c->run), "sem.%d", (int)getpid());
		if (mkdirat(dirfd, c->run, 0755) == 0)
			break;
		if (errno != EEXIST)
			return -errno;
	}
	fd = openat(dirfd, c->run, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0755) < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	snprintf(c->runpath, sizeof(c->runpath), "%s/%s", c->dir, c->run);
	return fd;
}

static const char *signame(int sig)
{
	const char *n = sigabbrev_np(sig);
	static char buf[16];

	if (n) {
		snprintf(buf, sizeof(buf), "SIG%s", n);
		return buf;
	}
	snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}

/* One group in a child, in its own subfolder; its end reported when it
 * did not come back by itself, its time (the budget is the guest's) as
 * an INFO line. */
static void run_group(const struct sem_ctx *base, const struct group *g)
{
	struct sem_ctx c = *base;
	char name[SEM_NAME_MAX + 16];
	long before = sem_count();
	long long t0 = r9p_now_ms();
	pid_t pid;
	int st;

	snprintf(name, sizeof(name), "%s.run", g->name);
	if (mkdirat(base->runfd, g->name, 0755) < 0 ||
	    (c.runfd = openat(base->runfd, g->name,
			      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		sem_fail(name, errno, "cannot make the group's folder %s/%s",
			 base->runpath, g->name);
		return;
	}
	fchmod(c.runfd, 0755);
	snprintf(c.run, sizeof(c.run), "%s/%s", base->run, g->name);
	snprintf(c.runpath, sizeof(c.runpath), "%s/%s", base->runpath, g->name);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		sem_fail(name, errno, "cannot fork for the group");
	} else if (pid == 0) {
		alarm(GROUP_TIMEOUT);
		g->run(&c);
		fflush(stdout);
		_exit(0);
	} else {
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (WIFSIGNALED(st))
			sem_fail(name, 0, "killed by %s after %ld results%s",
				 signame(WTERMSIG(st)), sem_count() - before,
				 WTERMSIG(st) == SIGALRM ? " (the group's time ran out)" : "");
		else if (WEXITSTATUS(st))
			sem_fail(name, 0, "the group exited %d", WEXITSTATUS(st));
		snprintf(name, sizeof(name), "%s.elapsed", g->name);
		sem_info(name, "ms=%lld", r9p_now_ms() - t0);
	}
	close(c.runfd);
}

int main(int argc, char **argv)
{
	struct sem_ctx c = { .uid = DEFAULT_UID, .ops = DEFAULT_OPS };
	int want[ARRAY_SIZE(groups)] = { 0 }, any = 0, opt, dirfd, err;
	static char self[PATH_MAX];
	const char *bad = NULL;
	unsigned long v;
	char what[64];
	ssize_t n;
	size_t i;

	/* the copy the xattr group gave cap_net_raw, run as the user */
	if (argc == 2 && !strcmp(argv[1], "--sem-raw-socket"))
		return sem_raw_socket_main();
	c.seed = ((unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16)) & 0xffffffffUL;
	while ((opt = getopt(argc, argv, "g:u:s:n:")) != -1) {
		snprintf(what, sizeof(what), "-%c %s", opt, optarg ? optarg : "");
		switch (opt) {
		case 'g':
			if (parse_groups(optarg, want, &bad)) {
				snprintf(what, sizeof(what), "-g %s", bad);
				usage_error(what, "no such group");
				return 2;
			}
			any = 1;
			break;
		case 'u':
			if (parse_num(optarg, 0xfffffffeUL, &v) || v == 0) {
				usage_error(what, "not a non-root numeric UID");
				return 2;
			}
			c.uid = (uid_t)v;
			break;
		case 's':
			if (parse_num(optarg, 0xffffffffUL, &v)) {
				usage_error(what, "not a number from 0 to 4294967295");
				return 2;
			}
			c.seed = v;
			break;
		case 'n':
			if (parse_num(optarg, 10000000UL, &v)) {
				usage_error(what, "not a number from 0 to 10000000");
				return 2;
			}
			c.ops = (long)v;
			break;
		default:
			usage_error("the command line", "unknown option");
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage_error("the command line", "one DIR is needed, after the options");
		return 2;
	}
	c.dir = argv[optind];
	for (i = 0; i < ARRAY_SIZE(groups); i++)
		want[i] |= !any;
	setvbuf(stdout, NULL, _IOLBF, 0);
	umask(022);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = 0;
		c.self = self;
	}
	dirfd = open(c.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		fprintf(stderr, "semprobe: open %s: %s\n", c.dir, strerror(errno));
		fprintf(stderr, "semprobe: try: a folder on the filesystem to test, e.g. mkdir %s\n", c.dir);
		return 1;
	}
	err = make_run(dirfd, &c);
	if (err < 0) {
		fprintf(stderr, "semprobe: make a run folder in %s: %s\n", c.dir, strerror(-err));
		fprintf(stderr, "semprobe: try: a writable folder (as root) for DIR\n");
		return 1;
	}
	c.runfd = err;
	err = sem_count_init();
	if (err < 0) {
		fprintf(stderr, "semprobe: map the result counter: %s\n", strerror(-err));
		fprintf(stderr, "semprobe: try: a kernel with shared anonymous memory\n");
		return 1;
	}
	sem_info("run.start", "dir=%s run=%s uid=%u seed=%lu ops=%ld",
		 c.dir, c.run, (unsigned)c.uid, c.seed, c.ops);
	for (i = 0; i < ARRAY_SIZE(groups); i++)
		if (want[i])
			run_group(&c, &groups[i]);
	printf("SEMPROBE-END %ld\n", sem_count());
	return 0;
}
