/* SPDX-License-Identifier: MIT */
/*
 * init/modinfo.c - find "depends=" in a module file.
 *
 * The file is mapped, not read: it sits in the initramfs's page cache,
 * and finit_module() reads it again right after. The key must start a
 * string (a NUL before it) so that a longer key or text ending in
 * "depends=" is not taken; the first match wins, as in modinfo(8).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init/modinfo.h"

static const char key[] = "depends=";

int i9p_modinfo_depends_buf(const char *buf, size_t size, char *out,
			    size_t len)
{
	const size_t klen = sizeof(key) - 1;
	const char *p = buf, *end = buf + size, *v, *nul;

	*out = '\0';
	while ((p = memchr(p, '\0', end - p)) != NULL) {
		p++;
		if ((size_t)(end - p) < klen)
			break;
		if (*p != 'd' || memcmp(p, key, klen) != 0)
			continue;
		v = p + klen;
		nul = memchr(v, '\0', end - v);
		if (!nul)
			return -EINVAL;
		if ((size_t)(nul - v) >= len)
			return -E2BIG;
		memcpy(out, v, nul - v);
		out[nul - v] = '\0';
		return 0;
	}
	return 0;
}

int i9p_modinfo_depends(const char *path, char *out, size_t len)
{
	struct stat st;
	void *map;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	if (st.st_size == 0) {
		close(fd);
		*out = '\0';
		return 0;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	err = map == MAP_FAILED ? -errno : 0;
	close(fd);
	if (err)
		return err;
	err = i9p_modinfo_depends_buf(map, st.st_size, out, len);
	munmap(map, st.st_size);
	return err;
}
