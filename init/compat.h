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

/* capset(2) emptying the effective, permitted and inheritable sets of
 * this process: 0 or -errno. */
int i9p_capset_none(void);

/* memfd_create(2): the new descriptor, or -errno (-ENOSYS for klibc on
 * architectures other than x86_64). */
int i9p_memfd_create(const char *name, unsigned flags);

/* execveat(2) of FD itself (AT_EMPTY_PATH, no /proc needed); returns
 * -errno only on failure. */
int i9p_fexecve(int fd, char *const argv[], char *const envp[]);

/* openat2(2) of PATH below DIRFD with RESOLVE_IN_ROOT and
 * RESOLVE_NO_MAGICLINKS: DIRFD is "/" for every absolute symlink and "..".
 * The new fd, or -errno (-ENOSYS before 5.6, or klibc off x86_64). */
int i9p_openat2_in_root(int dirfd, const char *path, int flags);

/* faccessat2(2) of FD itself (AT_EMPTY_PATH; an O_PATH fd will do) for
 * MODE: 0 or -errno (-ENOSYS before 5.8, or klibc off x86_64). */
int i9p_faccess_fd(int fd, int mode);

#endif
