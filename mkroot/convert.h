/* SPDX-License-Identifier: MIT */
/*
 * mkroot/convert.h - rewrite a root directory between QEMU's passthrough
 * and mapped-xattr forms, in place, one entry at a time.
 *
 * passthrough: real owners, modes, symlinks and device nodes (QEMU as root).
 * mapped-xattr: every file and directory owned by one host user with modes
 * 0600/0700 (QEMU's defaults for files it creates); what the guest sees is in
 * user.virtfs.* (mkroot/qxattr.h); symlinks, device nodes, fifos and sockets
 * are regular files (a symlink's holds its target). Entries already in the
 * wanted form are left alone, so a run can be repeated or resumed.
 */
#ifndef R9P_CONVERT_H
#define R9P_CONVERT_H

#include <limits.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "common/err.h"

/* Host modes QEMU gives files and directories it creates in mapped mode
 * (SM_LOCAL_MODE_BITS, SM_LOCAL_DIR_MODE_BITS; -fsdev fmode=/dmode=). */
#define R9P_CONV_FMODE 0600
#define R9P_CONV_DMODE 0700

/* A symlink or special file with more than one name: where its first name
 * went, so the others become hard links to the rewritten file. The table
 * is also kept in R9P_CONV_JOURNAL at the top of the tree, written before
 * the first name is replaced, so a run that stops between the first name
 * and the others still links them when it is resumed. */
struct r9p_conv_link {
	dev_t dev;
	ino_t ino;
	char *rel;
};

struct r9p_conv {
	/* settings */
	int to_mapped;			/* 1: to mapped-xattr, 0: to passthrough */
	uid_t owner_uid;		/* host owner in mapped-xattr */
	gid_t owner_gid;
	int self_is_root;		/* 0: the caller's own files stand for root's */
	uid_t self_uid;
	gid_t self_gid;
	int allow_privileged;		/* passthrough: make set-id bits and device
					   nodes real (else withheld, see below) */
	int verbose;
	int rootfd;			/* DIR, for linkat() of hard links */
	dev_t dev;			/* DIR's st_dev and mount ID: the walk */
	unsigned long long mnt_id;	/* never leaves that mount */
	int journal;			/* R9P_CONV_JOURNAL, or -1 */
	/* counts, for the closing line */
	unsigned long entries, meta, rewritten, relinked, already, skipped;
	unsigned long caps_lost, acls, mismatched;
	/* hard links of rewritten entries */
	struct r9p_conv_link *links;
	size_t nlinks, cap;
	/* passthrough without allow_privileged: what the guest asked for and
	 * did not get ("REL: what"), for the closing warning */
	char **withheld;
	size_t nwithheld, wcap;
};

/*
 * Convert NAME in DIRFD (its lstat in ST; REL its path in the tree, for
 * messages and hard links). Returns 0 or -errno; on error E is filled
 * (common/err.h): its step names the system call that failed, its why is
 * strerror's text, its code the -errno returned.
 */
int r9p_convert_entry(struct r9p_conv *c, int dirfd, const char *name,
		      const struct stat *st, const char *rel, struct r9p_err *e);

/* E filled for STEP, which failed with ERR (-errno): the why is
 * strerror(-ERR), nothing to try. Returns ERR. The one way mkroot/'s
 * library code writes a failure down. */
int r9p_conv_fail(struct r9p_err *e, const char *step, int err);

/* Free the hard-link table and the withheld list. */
void r9p_convert_free(struct r9p_conv *c);

/*
 * The hard-link journal: open R9P_CONV_JOURNAL in c->rootfd when there is one and
 * load the links a stopped run left in it; done removes it once the whole
 * tree is converted; close closes it. 0 or -errno.
 */
int r9p_conv_journal_open(struct r9p_conv *c);
void r9p_conv_journal_done(struct r9p_conv *c);
void r9p_conv_journal_close(struct r9p_conv *c);

/* Mount ID of NAME in DIRFD (flags: 0 or AT_EMPTY_PATH), never following a
 * symlink: 0, -ENOTSUP when the kernel gives none, or -errno. */
int r9p_mount_id_at(int dirfd, const char *name, int flags, unsigned long long *id);

/*
 * Convert the whole tree under DIR (DIR included), never following a
 * symlink and never leaving DIR's mount (mount points, bind mounts of the
 * same filesystem included, are counted in SKIPPED). Prints the first error as "mkroot9p-convert: REL: STEP: why"
 * and returns -errno, else 0: the walk is the one place that tells a
 * failure of r9p_convert_entry (its struct r9p_err) because only the walk
 * knows REL.
 */
int r9p_convert_tree(struct r9p_conv *c, const char *dir);

/* Name of the temporary file used while rewriting an entry in place. */
#define R9P_CONV_TMP ".mkroot9p-convert.tmp"
/* The hard-link journal, at the top of the tree while a run is unfinished. */
#define R9P_CONV_JOURNAL ".mkroot9p-convert.links"

#endif
