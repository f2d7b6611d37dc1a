/* SPDX-License-Identifier: MIT */
/*
 * init/compat.h - the few calls whose spelling differs between klibc,
 * musl and glibc.
 *
 * init9p builds with all three; everything else it uses is plain POSIX
 * or a Linux syscall that all three wrap the same way.
 */
#ifndef I9P_COMPAT_H
#define I9P_COMPAT_H

/* finit_module(2): 0 or -errno. */
int i9p_finit_module(int fd, const char *params);

/* reboot(2) with RB_AUTOBOOT; returns -errno only on failure. */
int i9p_reboot(void);

#endif
