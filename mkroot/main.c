/* SPDX-License-Identifier: MIT */
/*
 * mkroot/main.c - mkroot9p-convert: the CLI of the tree converter.
 *
 *   mkroot9p-convert --to mapped-xattr|passthrough [--owner UID:GID] [-v] DIR
 *   mkroot9p-convert in DIR OP ARGS...   (mkroot/inrootcli.c)
 *
 * Exit 0 when the whole tree is in the wanted form, 1 on an error (the tree
 * is then partly converted; running again finishes it), 2 on bad arguments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>

#include "common/array.h"
#include "common/err.h"
#include "mkroot/convert.h"
#include "mkroot/inroot.h"
#include "mkroot/qxattr.h"

/* The step of check_xattrs's failures (main prints the why, which names
 * DIR, and the try on one line, as before the idiom). */
#define XATTR_STEP "check that DIR keeps user xattrs"

static const char usage_text[] =
	"usage: mkroot9p-convert --to mapped-xattr|passthrough [--owner UID:GID]\n"
	"                        [--allow-privileged] [-v] DIR\n"
	"       mkroot9p-convert in DIR OP ARGS...   (in DIR -h: the writes of mkroot9p)\n"
	"\n"
	"Rewrite the root directory DIR in place for QEMU's 9p security model:\n"
	"  mapped-xattr  owners, modes and device numbers in user.virtfs.* xattrs,\n"
	"                symlinks and device nodes as regular files, everything\n"
	"                owned on the host by UID:GID (default: $SUDO_UID:$SUDO_GID\n"
	"                under sudo, else the caller), so QEMU can run as that user.\n"
	"                A caller that is not root converts its own files as root's.\n"
	"  passthrough   back to real owners, symlinks and device nodes (as root).\n"
	"                The values were written by the guest: device nodes and\n"
	"                set-uid/set-gid bits (but on directories) are made real only\n"
	"                with --allow-privileged; else the device stays the mapped\n"
	"                file, the bits are dropped (user.virtfs.* kept) and a\n"
	"                warning lists each.\n"
	"Entries already converted are left alone; symlinks are never followed and\n"
	"no other mount inside DIR (a bind mount of the same filesystem included)\n"
	"is entered. Hard links survive a stopped and resumed run.\n";

/* Filesystem names for the "no user xattrs" message (statfs f_type). */
static const struct {
	unsigned long magic;
	const char *name;
} fs_names[] = {
	{ 0xEF53, "ext2/3/4" },	{ 0x58465342, "xfs" },	{ 0x9123683E, "btrfs" },
	{ 0x01021994, "tmpfs" },	{ 0x6969, "nfs" },	{ 0x794c7630, "overlayfs" },
	{ 0x4d44, "vfat" },	{ 0x01021997, "9p" },	{ 0x65735546, "fuse" },
	{ 0x858458f6, "ramfs" },
};

static const char *fs_name(const char *dir)
{
	struct statfs sfs;
	size_t i;

	if (statfs(dir, &sfs) < 0)
		return "unknown";
	for (i = 0; i < ARRAY_SIZE(fs_names); i++)
		if ((unsigned long)sfs.f_type == fs_names[i].magic)
			return fs_names[i].name;
	return "unknown";
}

static int parse_id_pair(const char *s, uid_t *uid, gid_t *gid)
{
	char *end;
	unsigned long u, g;

	errno = 0;
	u = strtoul(s, &end, 10);
	if (errno || end == s || *end != ':')
		return -1;
	s = end + 1;
	g = strtoul(s, &end, 10);
	if (errno || end == s || *end)
		return -1;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

/* Host owner for mapped-xattr: --owner, the sudo caller, or ourselves. */
static int default_owner(struct r9p_conv *c)
{
	const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
	char pair[64];

	c->owner_uid = c->self_uid;
	c->owner_gid = c->self_gid;
	if (c->self_is_root && su && sg) {
		snprintf(pair, sizeof(pair), "%s:%s", su, sg);
		return parse_id_pair(pair, &c->owner_uid, &c->owner_gid);
	}
	return 0;
}

/* QEMU needs user xattrs on the host: check on DIR itself. 0, or -errno
 * with E filled (its why names DIR; main says it). */
static int check_xattrs(const char *dir, struct r9p_err *e)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int err;

	if (fd < 0) {
		r9p_errf(e, XATTR_STEP, -errno, NULL, "%s: %s", dir, strerror(errno));
		return e->code;
	}
	err = r9p_qxattr_probe(fd);
	close(fd);
	if (err == -ENOTSUP || err == -EOPNOTSUPP) {
		r9p_errf(e, XATTR_STEP, err, "put the root on ext4, xfs or btrfs (or tmpfs "
			 "from Linux 6.6), or keep it for passthrough", "%s is on a "
			 "filesystem (%s) that does not keep user xattrs, and QEMU's "
			 "mapped-xattr model stores owners and modes in them", dir,
			 fs_name(dir));
		return err;
	}
	if (err) {
		r9p_errf(e, XATTR_STEP, err, NULL, "%s: cannot set a user xattr: %s", dir,
			 strerror(-err));
		return err;
	}
	return 0;
}

static double seconds_since(const struct timeval *t0)
{
	struct timeval t;

	gettimeofday(&t, NULL);
	return (double)(t.tv_sec - t0->tv_sec) + (t.tv_usec - t0->tv_usec) / 1e6;
}

/* Passthrough without --allow-privileged: what the guest's xattrs asked
 * for that the host did not get, one line each. */
static void report_withheld(const struct r9p_conv *c)
{
	size_t i;

	if (!c->nwithheld)
		return;
	fprintf(stderr, "mkroot9p-convert: warning: %zu entries asked (in user.virtfs.*, "
		"which the guest wrote) for privileges the host did not give: device "
		"nodes were left as mapped files, set-uid/set-gid bits dropped "
		"(user.virtfs.* kept on both); --allow-privileged makes them real:\n",
		c->nwithheld);
	for (i = 0; i < c->nwithheld; i++)
		fprintf(stderr, "mkroot9p-convert: withheld: %s\n", c->withheld[i]);
}

static void report(const struct r9p_conv *c, const char *dir, double secs)
{
	printf("mkroot9p-convert: %s: %s: %lu entries; %lu %s, %lu symlinks/special files "
	       "rewritten, %lu hard links kept, %lu already done",
	       dir, c->to_mapped ? "mapped-xattr" : "passthrough", c->entries, c->meta,
	       c->to_mapped ? "given user.virtfs.* xattrs" : "given back their owners and modes",
	       c->rewritten, c->relinked, c->already);
	if (c->to_mapped)
		printf("; host owner %lu:%lu", (unsigned long)c->owner_uid,
		       (unsigned long)c->owner_gid);
	printf(" (%.1f s)\n", secs);
	if (c->acls)
		printf("mkroot9p-convert: %lu POSIX ACLs moved\n", c->acls);
	if (c->caps_lost)
		fprintf(stderr, "mkroot9p-convert: warning: %lu files lost their file "
			"capabilities (security.capability): QEMU cannot keep them in "
			"mapped-xattr; setcap them again with QEMU as root\n", c->caps_lost);
	if (c->mismatched)
		fprintf(stderr, "mkroot9p-convert: warning: %lu entries whose user.virtfs.mode "
			"does not fit their host type were left alone\n", c->mismatched);
	if (c->skipped)
		fprintf(stderr, "mkroot9p-convert: note: %lu mount points inside the tree "
			"were not entered\n", c->skipped);
	report_withheld(c);
}

int main(int argc, char **argv)
{
	struct r9p_conv c;
	struct r9p_err e;
	struct timeval t0;
	const char *dir = NULL, *to = NULL, *owner = NULL;
	int i, err;

	if (argc > 1 && !strcmp(argv[1], "in"))
		return r9p_inroot_main(argc - 1, argv + 1);
	memset(&c, 0, sizeof(c));
	c.rootfd = -1;
	c.journal = -1;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--to") && i + 1 < argc)
			to = argv[++i];
		else if (!strcmp(argv[i], "--owner") && i + 1 < argc)
			owner = argv[++i];
		else if (!strcmp(argv[i], "--allow-privileged"))
			c.allow_privileged = 1;
		else if (!strcmp(argv[i], "-v"))
			c.verbose = 1;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage_text, stdout);
			return 0;
		} else if (argv[i][0] != '-' && !dir)
			dir = argv[i];
		else {
			fprintf(stderr, "mkroot9p-convert: unexpected '%s'\n%s", argv[i], usage_text);
			return 2;
		}
	}
	if (!dir || !to) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (!strcmp(to, "mapped-xattr") || !strcmp(to, "mapped"))
		c.to_mapped = 1;
	else if (strcmp(to, "passthrough")) {
		fprintf(stderr, "mkroot9p-convert: --to %s: use mapped-xattr or passthrough\n", to);
		return 2;
	}
	c.self_uid = geteuid();
	c.self_gid = getegid();
	c.self_is_root = c.self_uid == 0;
	if (owner ? parse_id_pair(owner, &c.owner_uid, &c.owner_gid) : default_owner(&c)) {
		fprintf(stderr, "mkroot9p-convert: owner '%s' is not UID:GID\n",
			owner ? owner : "$SUDO_UID:$SUDO_GID");
		return 2;
	}
	if (!c.self_is_root && !c.to_mapped) {
		fprintf(stderr, "mkroot9p-convert: --to passthrough sets real owners and "
			"makes device nodes: run it as root\n");
		return 2;
	}
	if (!c.self_is_root && (c.owner_uid != c.self_uid || c.owner_gid != c.self_gid)) {
		fprintf(stderr, "mkroot9p-convert: only root can give the tree to "
			"another owner (%s)\n", owner);
		return 2;
	}
	if (c.to_mapped && check_xattrs(dir, &e)) {
		fprintf(stderr, "mkroot9p-convert: %s%s%s\n", e.why, *e.try_ ? "; " : "",
			e.try_);
		return 1;
	}
	umask(0);	/* modes are set exactly */
	gettimeofday(&t0, NULL);
	err = r9p_convert_tree(&c, dir);
	report(&c, dir, seconds_since(&t0));
	r9p_convert_free(&c);
	return err ? 1 : 0;
}
