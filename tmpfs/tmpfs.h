/* SPDX-License-Identifier: MIT */
/*
 * tmpfs/tmpfs.h - the /tmp workaround: a tmpfs on NEWROOT/tmp.
 *
 * On 9p, a file that is unlinked while open cannot be ftruncate()d (and
 * on older QEMU not even fstat()ed): programs that keep such files in
 * /tmp (apt, editors, databases) fail. A tmpfs on /tmp avoids it for any
 * distro without an edit inside the guest. This is the one place that
 * decides how: init9p, mount9p --root and so the distro hooks call it.
 */
#ifndef R9P_TMPFS_H
#define R9P_TMPFS_H

#include "common/err.h"

/* What root9p.tmp=on means, and what root9p.tmp=OPTS adds to. */
#define R9P_TMP_DEFAULT "mode=1777,nosuid,nodev"

struct r9p_tmp {
	int on;
	unsigned long mflags;	/* MS_NOSUID ... */
	char data[256];		/* tmpfs options: mode=1777,size=50% ... */
};

/*
 * Parse root9p.tmp's value: "" or "on" (the defaults), "off", or tmpfs
 * options, which add to the defaults: nosuid, nodev and mode=1777 stay
 * unless the value says otherwise (suid, dev, mode=...). Returns 0 or
 * -EINVAL with E filled (step "use root9p.tmp", E->code -EINVAL).
 */
int r9p_tmp_parse(const char *value, struct r9p_tmp *t, struct r9p_err *e);

/*
 * T as mount(8) -o options, data first ("mode=1777,size=1m,nosuid,nodev"),
 * "off" when off. Returns BUF.
 */
char *r9p_tmp_describe(const struct r9p_tmp *t, char *buf, int len);

/*
 * Mount the tmpfs on NEWROOT/tmp unless T is off, the root mounts /tmp
 * itself (an /etc/fstab line for /tmp), /tmp is mounted already, or the
 * root's /tmp is not a folder: a symbolic link is never followed (it
 * could point out of the root). Never creates the folder: the host
 * directory changes only by what the guest writes. Returns 0 when
 * mounted, 1 when skipped (REASON, LEN bytes, says why), or -errno.
 */
int r9p_tmp_mount(const char *newroot, const struct r9p_tmp *t,
		  char *reason, int len);

/*
 * The same checks and mount for another SOURCE of FSTYPE (a scratch
 * disk): MFLAGS and DATA as mount(2) takes them; a file system other
 * than tmpfs gets its root folder's mode set to 1777. Returns as above.
 */
int r9p_tmp_mount_source(const char *newroot, const char *source,
			 const char *fstype, unsigned long mflags,
			 const char *data, char *reason, int len);

#endif
