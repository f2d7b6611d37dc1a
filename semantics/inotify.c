/* SPDX-License-Identifier: MIT */
/*
 * semantics/inotify.c - the inotify group: the guest's own create,
 * modify, rename and delete in a watched folder raise their events
 * (systemd's path units, tail -f, editors and build watchers wait on
 * them). The host's changes raise none on 9p or virtiofs: the runner
 * measures that side, not this program.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>

#include "semantics/sem.h"

#define EV_BUF 8192
#define WAIT_MS 2000	/* a local event is there at once; TCG is slow */

struct want {
	const char *probe;
	uint32_t mask;
	const char *name;
	int seen;
};

/* Read events until every want is seen or WAIT_MS passes without one. */
static void collect(int ifd, struct want *w, size_t n)
{
	char buf[EV_BUF] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct pollfd p = { .fd = ifd, .events = POLLIN };
	const struct inotify_event *ev;
	size_t i, left = n;
	ssize_t len;
	char *q;

	while (left && poll(&p, 1, WAIT_MS) > 0) {
		len = read(ifd, buf, sizeof(buf));
		if (len <= 0)
			break;
		for (q = buf; q < buf + len; q += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)q;
			for (i = 0; i < n; i++)
				if (!w[i].seen && (ev->mask & w[i].mask) && ev->len &&
				    !strcmp(ev->name, w[i].name)) {
					w[i].seen = 1;
					left--;
				}
		}
	}
}

void sem_inotify(const struct sem_ctx *c)
{
	struct want w[] = {
		{ "inotify.create", IN_CREATE, "watched", 0 },
		{ "inotify.modify", IN_MODIFY, "watched", 0 },
		{ "inotify.close_write", IN_CLOSE_WRITE, "watched", 0 },
		{ "inotify.rename", IN_MOVED_FROM, "watched", 0 },
		{ "inotify.rename", IN_MOVED_TO, "renamed", 0 },
		{ "inotify.delete", IN_DELETE, "renamed", 0 },
	};
	int ifd, fd, err = 0;
	size_t i;

	ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ifd < 0) {
		sem_fail("inotify.setup", errno, "inotify_init1");
		return;
	}
	if (inotify_add_watch(ifd, c->runpath, IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE |
			      IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE) < 0) {
		sem_fail("inotify.setup", errno, "watch %s", c->runpath);
		close(ifd);
		return;
	}
	fd = sem_make_file(c, "watched", 0644, "w\n", 2);
	if (fd < 0)
		err = -fd;
	else
		close(fd);
	if (!err && renameat(c->runfd, "watched", c->runfd, "renamed") < 0)
		err = errno;
	if (!err && unlinkat(c->runfd, "renamed", 0) < 0)
		err = errno;
	if (err) {
		sem_fail("inotify.setup", err, "create, write, rename and delete a file");
		close(ifd);
		return;
	}
	collect(ifd, w, ARRAY_SIZE(w));
	close(ifd);
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		/* the two halves of a rename are one probe */
		if (i + 1 < ARRAY_SIZE(w) && !strcmp(w[i].probe, w[i + 1].probe)) {
			w[i + 1].seen &= w[i].seen;
			continue;
		}
		if (w[i].seen)
			sem_pass(w[i].probe, "the event came");
		else
			sem_fail(w[i].probe, 0, "no event for %s within %d ms", w[i].name, WAIT_MS);
	}
}
