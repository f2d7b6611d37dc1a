/* SPDX-License-Identifier: MIT */
/*
 * init/compat.c - finit_module and reboot for klibc, musl and glibc.
 *
 * klibc links finit_module but declares it nowhere and has a two-argument
 * reboot; musl and glibc have no finit_module wrapper but a generic
 * syscall(). Each variant is a few lines, kept here so no other file
 * needs an #ifdef.
 */
#include <errno.h>
#include <sys/reboot.h>
#include <unistd.h>

#include "init/compat.h"

#ifdef __KLIBC__
/* Present in klibc's syscall table (havesyscall.h) but not in a header. */
extern int finit_module(int fd, const char *params, int flags);

int i9p_finit_module(int fd, const char *params)
{
	return finit_module(fd, params, 0) < 0 ? -errno : 0;
}

int i9p_reboot(void)
{
	return reboot(RB_AUTOBOOT, NULL) < 0 ? -errno : 0;
}
#else
#include <sys/syscall.h>

int i9p_finit_module(int fd, const char *params)
{
	return syscall(SYS_finit_module, fd, params, 0) < 0 ? -errno : 0;
}

int i9p_reboot(void)
{
	return reboot(RB_AUTOBOOT) < 0 ? -errno : 0;
}
#endif
