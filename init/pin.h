/* SPDX-License-Identifier: MIT */
/*
 * init/pin.h - keep the 9p root's busiest directories in the guest's
 * dentry cache for the life of the system (root9p-pin).
 *
 * Linux's 9p client, in every cache mode but loose and fscache (6.4+:
 * unless the metadata or loose bit is set), drops a dentry as soon as
 * nothing uses it: each path lookup then walks again, one request per
 * component (walk, getattr, readlink for a link, clunk), from the
 * nearest dentry still in use. A Debian 12 guest sends ~33,000
 * 9p requests before multi-user.target, half of them systemd's unit
 * loading walking /lib -> usr/lib -> systemd/system over and over.
 * A process that holds O_PATH descriptors on those directories keeps
 * their dentries, so lookups start below them. Files are never held:
 * their attributes and data are still asked of the host at every use,
 * so host-side edits are seen at once (DESIGN.md, "Pinned directories").
 */
#ifndef I9P_PIN_H
#define I9P_PIN_H

#include <sys/types.h>

/* The pin's argv[0] and process name (ps, /proc/PID/comm). */
#define I9P_PIN_NAME "root9p-pin"

/*
 * Fork root9p-pin: a child that re-executes init9p from a sealed memfd
 * copy (so no page of the initramfs stays mapped after the switch),
 * chroots into NEWROOT, opens the directories and links of the built-in
 * list that NEWROOT has on its own mount (never a mount point: a
 * root9p.mount= share stays unmountable), drops every capability, the
 * bounding set and sets no_new_privs, and sleeps until it is killed
 * (SIGTERM at shutdown). Returns its pid, or -errno when fork fails (the
 * boot goes on without it).
 */
pid_t i9p_pin_start(const char *newroot);

/*
 * init9p's main() when started as I9P_PIN_NAME (by i9p_pin_start's
 * exec): ARGV[1] is the new root's descriptor. Returns only on bad
 * arguments (2, said on stderr).
 */
int i9p_pin_main(int argc, char **argv);

#endif
