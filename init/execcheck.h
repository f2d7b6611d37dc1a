/* SPDX-License-Identifier: MIT */
/*
 * init/execcheck.h - will execve() of a file work, judged from its first
 * bytes as the kernel's binfmt_elf and binfmt_script judge them?
 *
 * Paths are resolved inside a root given as a directory fd, as if it
 * were "/" (absolute symlinks, "..", a PT_INTERP or #! path all stay in
 * it), in the calling process: no fork, no chroot, no privilege needed.
 */
#ifndef I9P_EXECCHECK_H
#define I9P_EXECCHECK_H

#include <stddef.h>

#include "common/err.h"

/* #! levels followed; the kernel allows 4 (older) to 5 (6.x) rewrites. */
#define I9P_EXEC_DEPTH 4

/* i9p_exec_check's FLAGS: resolve with the component-by-component walk
 * even where the kernel has openat2 (the walk is what kernels before 5.6
 * get; the unit tests run both). */
#define I9P_EXEC_WALK 1u

/*
 * 0 when PATH, resolved inside the directory open as ROOTFD, is an
 * executable regular file that is an ELF executable
 * whose PT_INTERP (if any) is an executable ELF file, or a #! script
 * whose interpreter passes the same check (I9P_EXEC_DEPTH levels).
 * Otherwise -errno as execve() would give it (-ENOENT for a missing
 * interpreter, -ENOEXEC for an unknown format, -ELOOP for too deep a
 * #! chain), with E filled (E->code the same -errno): E->why says what
 * is wrong, e.g. "its ELF interpreter /lib64/ld-linux-x86-64.so.2 is
 * missing", and is "" only when PATH itself does not exist (-ENOENT,
 * -ENOTDIR): the caller words that.
 */
int i9p_exec_check(int rootfd, const char *path, unsigned flags,
		   struct r9p_err *e);

#endif
