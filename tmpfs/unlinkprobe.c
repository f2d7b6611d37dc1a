/* SPDX-License-Identifier: MIT */
/*
 * tmpfs/unlinkprobe.c - what works on an open file after it is unlinked?
 *
 *   unlinkprobe DIR
 *
 * Creates a file in DIR, writes to it, unlinks it, then tries fstat, read,
 * write and ftruncate through the still-open descriptor and prints one line
 * per call ("fstat ok", "ftruncate failed: Operation not supported"). apt,
 * editors and databases rely on this; 9p breaks some of it, which is why
 * init9p puts a tmpfs on /tmp. Exit 0 when every call worked, 1 otherwise,
 * 2 when the file could not even be made. Runs in the guest: klibc-clean.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "common/array.h"

static const char data[] = "root9p unlink probe\n";
#define DATA_LEN ((ssize_t)(sizeof(data) - 1))

static int try_fstat(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	/* a stale answer is as bad as none */
	return st.st_size == DATA_LEN ? 0 : -EIO;
}

static int try_read(int fd)
{
	char buf[sizeof(data)];
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	return n == DATA_LEN && !memcmp(buf, data, (size_t)n) ? 0 : -EIO;
}

static int try_write(int fd)
{
	if (lseek(fd, 0, SEEK_END) < 0)
		return -errno;
	return write(fd, data, (size_t)DATA_LEN) == DATA_LEN ? 0 : -errno;
}

static int try_ftruncate(int fd)
{
	return ftruncate(fd, 4) < 0 ? -errno : 0;
}

/* In this order: read checks what was written before the unlink. */
static const struct {
	const char *name;
	int (*run)(int fd);
} probes[] = {
	{ "fstat",	try_fstat },
	{ "read",	try_read },
	{ "write",	try_write },
	{ "ftruncate",	try_ftruncate },
};

int main(int argc, char **argv)
{
	char path[512];
	size_t i;
	int fd, err, failed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: unlinkprobe DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/.unlinkprobe.%d", argv[1], (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		printf("open failed: %s: %s\n", path, strerror(errno));
		return 2;
	}
	if (write(fd, data, (size_t)DATA_LEN) != DATA_LEN || unlink(path) < 0) {
		printf("setup failed: %s: %s\n", path, strerror(errno));
		unlink(path);
		close(fd);
		return 2;
	}
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		err = probes[i].run(fd);
		if (err) {
			printf("%s failed: %s\n", probes[i].name, strerror(-err));
			failed = 1;
		} else {
			printf("%s ok\n", probes[i].name);
		}
	}
	close(fd);
	return failed;
}
