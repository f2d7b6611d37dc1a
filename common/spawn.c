/* SPDX-License-Identifier: MIT */
/*
 * common/spawn.c - r9p_spawn_run(): fork, exec, capture, wait (see
 * common/spawn.h). A failed exec is told apart from a program that exits
 * 127 through a close-on-exec pipe: the child writes exec's errno into
 * it, and a successful exec closes it empty.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/spawn.h"

#define STEP "run a program"
#define SINK_SIZE 256	/* what is read and dropped past OUT at a time */

static void close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	p[0] = p[1] = -1;
}

/* In the child: stdin, stdout, exec; exec's errno to ERRFD. */
static void child(char *const argv[], const struct r9p_spawn *s,
		  int outp[2], int errfd)
{
	int err;

	if (s->in_fd >= 0 && s->in_fd != 0 && dup2(s->in_fd, 0) < 0)
		goto fail;
	if (s->out) {
		if (dup2(outp[1], 1) < 0)
			goto fail;
		close(outp[0]);
		if (outp[1] != 1)
			close(outp[1]);
	}
	execv(argv[0], argv);
fail:
	err = errno;
	if (write(errfd, &err, sizeof(err)) < 0)
		_exit(127);
	_exit(127);
}

/* The child's output from FD into S->out, to the end (or the bound with
 * R9P_SPAWN_KILL_OVER). 0, -EFBIG when cut, or -errno of read. */
static int capture(int fd, pid_t pid, struct r9p_spawn *s)
{
	char sink[SINK_SIZE];
	ssize_t n;

	for (;;) {
		if (s->out_len + 1 < s->out_size)
			n = read(fd, s->out + s->out_len,
				 s->out_size - 1 - s->out_len);
		else
			n = read(fd, sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		if (s->out_len + 1 < s->out_size) {
			s->out_len += (size_t)n;
			s->out[s->out_len] = '\0';
			continue;
		}
		s->out_over = 1;
		if (s->flags & R9P_SPAWN_KILL_OVER) {
			kill(pid, SIGKILL);
			return -EFBIG;
		}
	}
}

/* exec's errno from the child, or 0 when the exec worked. */
static int exec_errno(int fd)
{
	int err = 0;
	ssize_t n;

	do
		n = read(fd, &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(err) ? err : 0;
}

int r9p_spawn_run(char *const argv[], struct r9p_spawn *s,
		  struct r9p_err *e)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	int st = 0, err, cut = 0, xerr;
	pid_t pid;

	s->out_len = 0;
	s->out_over = 0;
	s->status = -1;
	s->signal = 0;
	if (s->out) {
		if (!s->out_size)
			return r9p_errf(e, STEP, -EINVAL, "", "%s: no room for "
					"its output", argv[0]);
		s->out[0] = '\0';
	}
	if (pipe(errp) < 0 || fcntl(errp[1], F_SETFD, FD_CLOEXEC) < 0 ||
	    (s->out && pipe(outp) < 0)) {
		err = errno;
		close_pair(errp);
		close_pair(outp);
		return r9p_errf(e, STEP, -err, "", "%s: pipe: %s", argv[0],
				strerror(err));
	}
	pid = fork();
	if (pid < 0) {
		err = errno;
		close_pair(errp);
		close_pair(outp);
		return r9p_errf(e, STEP, -err, "", "%s: fork: %s", argv[0],
				strerror(err));
	}
	if (pid == 0)
		child(argv, s, outp, errp[1]);
	close(errp[1]);
	if (s->out) {
		close(outp[1]);
		cut = capture(outp[0], pid, s);
		close(outp[0]);
	}
	xerr = exec_errno(errp[0]);
	close(errp[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return r9p_errf(e, STEP, -errno, "", "%s: wait: %s",
					argv[0], strerror(errno));
	if (WIFEXITED(st))
		s->status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		s->signal = WTERMSIG(st);
	if (xerr)
		return r9p_errf(e, STEP, -xerr, "", "%s: %s", argv[0],
				strerror(xerr));
	if (cut == -EFBIG)
		return r9p_errf(e, STEP, cut, "", "%s: more than %lu bytes "
				"of output", argv[0],
				(unsigned long)(s->out_size - 1));
	if (cut < 0)
		return r9p_errf(e, STEP, cut, "", "%s: read its output: %s",
				argv[0], strerror(-cut));
	if (s->signal)
		return r9p_errf(e, STEP, 128 + s->signal, "", "%s: killed by "
				"signal %d", argv[0], s->signal);
	if (s->status != 0)
		return r9p_errf(e, STEP, s->status, "", "%s: exited with "
				"status %d", argv[0], s->status);
	return 0;
}
