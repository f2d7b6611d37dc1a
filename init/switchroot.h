/* SPDX-License-Identifier: MIT */
/*
 * init/switchroot.h - hand the machine to the real root: pick its init,
 * move the API mounts, wipe the initramfs, chroot, exec.
 *
 * The wipe is the one destructive step of init9p. It runs last, after
 * every check, and never crosses onto another filesystem: the new root is
 * the host's directory over 9p, and crossing into it would delete the
 * host's files.
 */
#ifndef I9P_SWITCHROOT_H
#define I9P_SWITCHROOT_H

#include <sys/types.h>

#include "common/err.h"

/*
 * 0 when INIT (absolute) can be executed inside NEWROOT: an executable
 * regular file whose ELF interpreter or #! interpreter is there too
 * (init/execcheck.h), resolving symlinks as the real init will see them
 * (resolved inside NEWROOT by this process). Otherwise -errno, as
 * execve() would fail, with E filled: E->why says what is wrong, "its
 * ELF interpreter /lib64/ld-linux-x86-64.so.2 is missing", "its #!
 * interpreter /usr/bin/python3 is missing", or strerror() when INIT
 * itself is the problem ("No such file or directory").
 */
int i9p_init_check(const char *newroot, const char *init, struct r9p_err *e);

/*
 * With REQUESTED ("" for none), the init to run: REQUESTED itself, or the
 * first usable of the kernel's list (/sbin/init, /etc/init, /bin/init,
 * /bin/sh). Returns it, or NULL when there is none (errno set) with E
 * filled: for REQUESTED as i9p_init_check fills it, for the list
 * "/sbin/init: its ELF interpreter ... is missing" (the first that is
 * there but cannot run) or "No such file or directory" (none is there).
 * PASSED->why is "" unless a default that is there was passed over; then
 * PASSED is that default's failure (the same text), which the caller may
 * warn of, as the kernel does ("/sbin/init exists but couldn't execute
 * it"), even when another default was taken.
 */
const char *i9p_init_choose(const char *newroot, const char *requested,
			    struct r9p_err *e, struct r9p_err *passed);

/*
 * Remove what is below the directory open as DFD and lives on device
 * DEV; directories on other devices (mount points) are left whole.
 * With DRY_RUN only count. *COUNT gets the entries removed. 0 or -errno
 * of the first failure (the walk goes on past it).
 */
int i9p_nuke(int dfd, dev_t dev, int dry_run, long *count);

/*
 * The switch, in two halves so that the caller can time the first.
 * i9p_switch_prepare checks that this is PID 1 on a ramfs/tmpfs root and
 * that NEWROOT is another filesystem, moves /dev /proc /sys /run into
 * NEWROOT, leaves the working directory in NEWROOT, then forks
 * root9p-wipe (a child that deletes the initramfs in the background, at
 * SCHED_IDLE, logs its count through /dev/kmsg and exits; the real init
 * reaps it; without a child the wipe runs here): 0, or -errno with E filled (step
 * "switch to the root", the why naming what failed).
 * i9p_switch_exec then makes "." (NEWROOT) the root and execs INIT with
 * ARGV (argv[0] is replaced by INIT); it returns only on failure, -errno
 * with E filled.
 */
int i9p_switch_prepare(const char *newroot, struct r9p_err *e);
int i9p_switch_exec(const char *init, char **argv, struct r9p_err *e);

#endif
