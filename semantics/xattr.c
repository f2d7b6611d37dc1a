/* SPDX-License-Identifier: MIT */
/*
 * semantics/xattr.c - the xattr group: user.* and trusted.* attributes
 * set and read back, security.capability on a copy of semprobe that then
 * opens a raw socket as the non-root user (what setcap'd ping, podman's
 * newuidmap and dnf rely on), and POSIX ACLs: an access ACL lets the user
 * read a file its mode refuses, a default ACL is inherited. The xattr
 * formats are the kernel's own (vfs_cap_data v2, posix_acl_xattr v2),
 * written here so no libcap or libacl is needed in the guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "semantics/sem.h"

#define XVAL_MAX 256
#define COPY_BUF 65536
#define CAP_NET_RAW_BIT 13
#define VFS_CAP_REVISION_2 0x02000000u
#define VFS_CAP_FLAGS_EFFECTIVE 0x000001u
#define ACL_VERSION 2
#define ACL_USER_OBJ 0x01
#define ACL_USER 0x02
#define ACL_GROUP_OBJ 0x04
#define ACL_MASK 0x10
#define ACL_OTHER 0x20
#define ACL_UNDEF 0xffffffffu

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void hex(const unsigned char *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
	out[2 * n] = 0;
}

/* Set attr on a fresh file rel, read it back; the result and a HOST line. */
static void probe_plain(const struct sem_ctx *c, const char *probe,
			const char *rel, const char *attr)
{
	static const char value[] = "root9p-semprobe";
	char got[XVAL_MAX], hx[2 * XVAL_MAX + 1];
	ssize_t n;
	int fd = sem_make_file(c, rel, 0644, "x\n", 2);

	if (fd < 0) {
		sem_fail(probe, -fd, "create %s", rel);
		return;
	}
	if (fsetxattr(fd, attr, value, sizeof(value) - 1, XATTR_CREATE) < 0) {
		sem_fail(probe, errno, "fsetxattr %s", attr);
		close(fd);
		return;
	}
	n = fgetxattr(fd, attr, got, sizeof(got));
	close(fd);
	if (n < 0)
		sem_fail(probe, errno, "fgetxattr %s", attr);
	else if ((size_t)n != sizeof(value) - 1 || memcmp(got, value, (size_t)n))
		sem_fail(probe, 0, "%s read back %zd other bytes", attr, n);
	else
		sem_pass(probe, "%s set and read back", attr);
	hex((const unsigned char *)value, sizeof(value) - 1, hx);
	sem_host(c, probe, rel, "xattr:%s=%s", attr, hx);
}

/* The copy of this program the capability goes on: 0755, root's. */
static int copy_self(const struct sem_ctx *c, const char *rel)
{
	char buf[COPY_BUF];
	int in, out, err = 0;
	ssize_t n;

	if (!c->self)
		return -ENOENT;
	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = sem_make_file(c, rel, 0755, NULL, 0);
	if (out < 0) {
		close(in);
		return out;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			err = -EIO;
			break;
		}
	if (n < 0)
		err = -errno;
	if (!err && fchmod(out, 0755) < 0)
		err = -errno;
	close(in);
	close(out);
	return err;
}

/* The child: as the user, run the copy's raw-socket mode. */
static int run_raw(const struct sem_ctx *c, void *arg)
{
	char path[SEM_PATH_MAX];
	char *argv[] = { "semprobe", "--sem-raw-socket", NULL };
	char *envp[] = { NULL };

	snprintf(path, sizeof(path), "%s/%s", c->runpath, (const char *)arg);
	execve(path, argv, envp);
	return errno == EACCES ? 254 : 253;
}

int sem_raw_socket_main(void)
{
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);

	if (s < 0)
		return errno;
	close(s);
	return 0;
}

static void probe_capability(const struct sem_ctx *c)
{
	unsigned char cap[20] = { 0 }, got[XVAL_MAX];
	char hx[2 * sizeof(cap) + 1];
	ssize_t n;
	int err, r, fd;

	err = copy_self(c, "nocap");
	if (!err)
		err = copy_self(c, "capcopy");
	if (err) {
		sem_fail("xattr.capability", -err, "copy /proc/self/exe into the run folder");
		return;
	}
	/* without the capability the user must be refused, else the probe
	 * says nothing */
	r = sem_child(c, 1, run_raw, "nocap");
	if (r == 0) {
		sem_skip("xattr.capability", "uid %u opens raw sockets without the capability",
			 (unsigned)c->uid);
		return;
	}
	if (r >= 253) {
		sem_skip("xattr.capability", "uid %u cannot run a file in %s (%s)",
			 (unsigned)c->uid, c->runpath,
			 r == 254 ? "EACCES: a folder above it is closed to others" :
			 r == 255 ? "setresuid failed" : "execve failed");
		return;
	}
	put32(cap, VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE);
	put32(cap + 4, 1u << CAP_NET_RAW_BIT);	/* permitted, low word */
	fd = openat(c->runfd, "capcopy", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fsetxattr(fd, "security.capability", cap, sizeof(cap), 0) < 0) {
		err = errno;
		if (fd >= 0)
			close(fd);
		if (err == EPERM)
			sem_skip("xattr.capability", "no CAP_SETFCAP here (EPERM)");
		else
			sem_fail("xattr.capability", err, "set security.capability cap_net_raw+ep");
		return;
	}
	n = fgetxattr(fd, "security.capability", got, sizeof(got));
	close(fd);
	if (n != (ssize_t)sizeof(cap) || memcmp(got, cap, sizeof(cap))) {
		sem_fail("xattr.capability", n < 0 ? errno : 0,
			 "security.capability read back %zd other bytes", n);
		return;
	}
	hex(cap, sizeof(cap), hx);
	sem_host(c, "xattr.capability", "capcopy", "xattr:security.capability=%s", hx);
	r = sem_child(c, 1, run_raw, "capcopy");
	if (r == 0)
		sem_pass("xattr.capability", "cap_net_raw+ep on a copy: uid %u opens a raw socket with it",
			 (unsigned)c->uid);
	else if (r >= 253 || r < 0)
		sem_fail("xattr.capability", 0, "the copy with the capability did not run as uid %u",
			 (unsigned)c->uid);
	else
		sem_fail("xattr.capability", r, "raw socket as uid %u despite cap_net_raw+ep "
			 "(the filesystem mounted nosuid?)", (unsigned)c->uid);
}

/* A posix_acl_xattr: the header and n entries of (tag, perm, id). */
struct acl_ent {
	uint16_t tag, perm;
	uint32_t id;
};

static size_t acl_build(unsigned char *out, const struct acl_ent *e, size_t n)
{
	size_t i;

	put32(out, ACL_VERSION);
	for (i = 0; i < n; i++) {
		unsigned char *p = out + 4 + 8 * i;

		p[0] = (unsigned char)e[i].tag;
		p[1] = (unsigned char)(e[i].tag >> 8);
		p[2] = (unsigned char)e[i].perm;
		p[3] = (unsigned char)(e[i].perm >> 8);
		put32(p + 4, e[i].id);
	}
	return 4 + 8 * n;
}

/* Does the ACL value hold a user entry for uid with perm? */
static int acl_has_user(const unsigned char *v, ssize_t n, uid_t uid, unsigned perm)
{
	ssize_t i;

	for (i = 4; i + 8 <= n; i += 8) {
		unsigned tag = v[i] | v[i + 1] << 8, pm = v[i + 2] | v[i + 3] << 8;
		uint32_t id = v[i + 4] | v[i + 5] << 8 | (uint32_t)v[i + 6] << 16 |
			      (uint32_t)v[i + 7] << 24;

		if (tag == ACL_USER && id == uid && pm == perm)
			return 1;
	}
	return 0;
}

/* The child: as the user, open arg (a name in the run folder). */
static int open_as_user(const struct sem_ctx *c, void *arg)
{
	int fd = openat(c->runfd, arg, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static void probe_acl_access(const struct sem_ctx *c)
{
	const struct acl_ent ents[] = {
		{ ACL_USER_OBJ, 6, ACL_UNDEF }, { ACL_USER, 4, c->uid },
		{ ACL_GROUP_OBJ, 0, ACL_UNDEF }, { ACL_MASK, 4, ACL_UNDEF },
		{ ACL_OTHER, 0, ACL_UNDEF },
	};
	unsigned char v[4 + 8 * ARRAY_SIZE(ents)];
	size_t len = acl_build(v, ents, ARRAY_SIZE(ents));
	int fd, r;

	fd = sem_make_file(c, "acl", 0600, "acl\n", 4);
	if (fd < 0) {
		sem_fail("xattr.acl_access", -fd, "create acl");
		return;
	}
	r = sem_child(c, 1, open_as_user, "acl");
	if (r != EACCES) {
		close(fd);
		sem_skip("xattr.acl_access", "uid %u is not refused a 0600 file of root's (%s)",
			 (unsigned)c->uid, r ? sem_errname(r < 0 ? -r : r) : "opened");
		return;
	}
	if (fsetxattr(fd, "system.posix_acl_access", v, len, 0) < 0) {
		sem_fail("xattr.acl_access", errno, "set system.posix_acl_access user:%u:r",
			 (unsigned)c->uid);
		close(fd);
		return;
	}
	close(fd);
	r = sem_child(c, 1, open_as_user, "acl");
	if (r == 0)
		sem_pass("xattr.acl_access", "user:%u:r lets the user read a 0600 file",
			 (unsigned)c->uid);
	else if (r > 0 && r < 253)
		sem_fail("xattr.acl_access", r, "open as uid %u despite user:%u:r",
			 (unsigned)c->uid, (unsigned)c->uid);
	else
		sem_fail("xattr.acl_access", 0, "the child as uid %u did not report", (unsigned)c->uid);
}

static void probe_acl_default(const struct sem_ctx *c)
{
	const struct acl_ent ents[] = {
		{ ACL_USER_OBJ, 7, ACL_UNDEF }, { ACL_USER, 6, c->uid },
		{ ACL_GROUP_OBJ, 5, ACL_UNDEF }, { ACL_MASK, 7, ACL_UNDEF },
		{ ACL_OTHER, 0, ACL_UNDEF },
	};
	unsigned char v[4 + 8 * ARRAY_SIZE(ents)], got[XVAL_MAX];
	size_t len = acl_build(v, ents, ARRAY_SIZE(ents));
	ssize_t n;
	int dfd, fd;

	if (mkdirat(c->runfd, "dacl", 0755) < 0 ||
	    (dfd = openat(c->runfd, "dacl", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		sem_fail("xattr.acl_default", errno, "make the folder dacl");
		return;
	}
	if (fsetxattr(dfd, "system.posix_acl_default", v, len, 0) < 0) {
		sem_fail("xattr.acl_default", errno, "set system.posix_acl_default on dacl");
		close(dfd);
		return;
	}
	fd = openat(dfd, "child", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	close(dfd);
	if (fd < 0) {
		sem_fail("xattr.acl_default", errno, "create dacl/child");
		return;
	}
	n = fgetxattr(fd, "system.posix_acl_access", got, sizeof(got));
	close(fd);
	if (n < 0)
		sem_fail("xattr.acl_default", errno, "dacl/child has no access ACL from the default");
	else if (!acl_has_user(got, n, c->uid, 6))
		sem_fail("xattr.acl_default", 0, "dacl/child's ACL lacks user:%u:rw", (unsigned)c->uid);
	else
		sem_pass("xattr.acl_default", "dacl/child inherits user:%u:rw", (unsigned)c->uid);
}

void sem_xattr(const struct sem_ctx *c)
{
	probe_plain(c, "xattr.user", "user", "user.semprobe");
	probe_plain(c, "xattr.trusted", "trusted", "trusted.semprobe");
	probe_capability(c);
	probe_acl_access(c);
	probe_acl_default(c);
}
