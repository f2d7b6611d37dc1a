/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/util.c - allocation wrappers, whole-file reads, a clock.
 *
 * Out-of-memory ends the program here (host tool, die-on-error style);
 * every other failure goes back to the caller as -errno. Inputs are
 * read only when they are regular files of bounded size: a device or a
 * FIFO named as --init (or planted in a kernel tree) must not make a
 * root run read forever or hang.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mkinitrd/util.h"

static void *check_alloc(void *p)
{
	if (!p) {
		fputs("mkinitrd9p: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

void *xmalloc(size_t n)
{
	return check_alloc(malloc(n ? n : 1));
}

void *xrealloc(void *p, size_t n)
{
	return check_alloc(realloc(p, n ? n : 1));
}

char *xstrdup(const char *s)
{
	return check_alloc(strdup(s));
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return check_alloc(NULL);
	s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

int r9p_read_input(const char *path, size_t max, unsigned char **buf,
		   size_t *len)
{
	struct stat st;
	unsigned char *b = NULL;
	size_t cap, n = 0;
	ssize_t r;
	int fd, err = 0;

	/*
	 * O_NONBLOCK: opening a FIFO must not wait for a writer (we refuse
	 * it right after); O_NOCTTY: a terminal named by mistake stays
	 * nobody's controlling tty.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		/* /dev/zero never ends, a FIFO may never speak. */
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		err = -EFBIG;
		goto out;
	}
	/* st_size is only a hint: the file may grow while we read. */
	cap = (size_t)st.st_size + 1;
	b = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap = cap > max / 2 ? max + 2 : cap * 2;
			b = xrealloc(b, cap);
		}
		r = read(fd, b + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			err = -EFBIG;
			goto out;
		}
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
out:
	free(b);
	close(fd);
	return err;
}

int r9p_read_file(const char *path, unsigned char **buf, size_t *len)
{
	return r9p_read_input(path, R9P_READ_MAX, buf, len);
}

const char *r9p_read_strerror(int err)
{
	switch (err) {
	case -EINVAL:
		return "not a regular file (a device, FIFO or socket)";
	case -EFBIG:
		return "larger than " R9P_READ_MAX_TEXT ", the limit for one "
		       "input file";
	default:
		return strerror(-err);
	}
}

