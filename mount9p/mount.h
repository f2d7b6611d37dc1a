/* SPDX-License-Identifier: MIT */
/*
 * mount9p/mount.h - wait for a tag and mount it, retrying the kernel's
 * early ENOENT.
 *
 * The mount_tag sysfs file appears slightly before the channel is usable,
 * so a first mount can answer ENOENT ("no channels available"): retry it
 * until the deadline. Times are in milliseconds from r9p_now_ms().
 */
#ifndef R9P_MOUNT_H
#define R9P_MOUNT_H

#include "common/clock.h"
#include "opts.h"

/* How long the root and `mount9p TAG DIR` wait for the tag and retry the
 * mount unless told (root9p.timeout=, --timeout): seconds. */
#define R9P_ROOT_TIMEOUT_S 10

/* A clock for durations in ms (gettimeofday: klibc has no clock_gettime). */

/*
 * Called about every PERIOD ms while waiting, with the ms waited so far,
 * so a caller can say it is still waiting (rootwait).
 */
typedef void (*r9p_wait_fn)(void *ctx, const char *tag, long long waited_ms);

/*
 * Wait until TAG is present. TIMEOUT_MS < 0 waits forever. Returns 0,
 * -ETIMEDOUT, or -errno from reading sysfs.
 */
int r9p_wait_tag(const char *tag, long long timeout_ms,
		 r9p_wait_fn progress, void *ctx);

/*
 * mount(TAG, DIR, "9p", O's flags (plus MS_RDONLY when O->rdonly == 1),
 * O->data), retrying on ENOENT until TIMEOUT_MS (< 0: forever) has
 * passed. *TRIES (may be NULL) gets the number of mount(2) calls.
 * Returns 0 or -errno of the last attempt.
 */
int r9p_mount(const char *tag, const char *dir, const struct r9p_opts *o,
	      long long timeout_ms, int *tries);

/* r9p_wait_tag for a virtiofs tag (r9p_virtiofs_tag_present). */
int r9p_wait_virtiofs_tag(const char *tag, long long timeout_ms,
		     r9p_wait_fn progress, void *ctx);

/* r9p_mount with filesystem type FSTYPE ("9p", "virtiofs"). */
int r9p_mount_fs(const char *fstype, const char *tag, const char *dir,
		 const struct r9p_opts *o, long long timeout_ms, int *tries);

/*
 * The flags r9p_mount() passes: O's mount flags plus MS_RDONLY when
 * O->rdonly == 1.
 */
unsigned long r9p_mount_flags(const struct r9p_opts *o);

/* A hint for a mount errno: what the user should try. Never NULL. */
const char *r9p_mount_hint(int err);

#endif
