/* SPDX-License-Identifier: MIT */
/*
 * init/compat.c - finit_module, reboot, memfd_create, execveat, capset,
 * openat2 and faccessat2 for klibc, musl and glibc.
 *
 * klibc links finit_module but declares it nowhere and has a two-argument
 * reboot; it has no memfd_create or execveat at all, and no generic
 * syscall(). musl and glibc have no finit_module wrapper but a generic
 * syscall(). Each variant is a few lines, kept here so no other file
 * needs an #ifdef.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/reboot.h>
#include <unistd.h>

#include "init/compat.h"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000	/* linux/fcntl.h; not in every libc */
#endif

/* linux/openat2.h, which musl's headers lack. */
struct i9p_open_how {
	uint64_t flags, mode, resolve;
};
#define I9P_RESOLVE_NO_MAGICLINKS 0x02
#define I9P_RESOLVE_IN_ROOT 0x10

#ifdef __KLIBC__
#include <asm/unistd.h>
#include <sys/capability.h>

/* capset(2) with every set empty: the header and the two 32-bit words. */
static struct __user_cap_header_struct cap_header = {
	_LINUX_CAPABILITY_VERSION_3, 0
};
static struct __user_cap_data_struct cap_none[_LINUX_CAPABILITY_U32S_3];

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

int i9p_capset_none(void)
{
	return capset(&cap_header, cap_none) < 0 ? -errno : 0;
}

#if defined(__x86_64__)
/*
 * klibc's own stubs are two instructions: the number in %eax, then a jump
 * to __syscall_common (the syscall, errno, -1). These two are written the
 * same way, since klibc lacks them; other architectures get -ENOSYS.
 */
#define I9P_STR(x) #x
#define I9P_XSTR(x) I9P_STR(x)
__asm__(".text\n"
	".globl i9p_klibc_memfd_create\n"
	".type i9p_klibc_memfd_create,@function\n"
	"i9p_klibc_memfd_create:\n"
	"\tmovl $" I9P_XSTR(__NR_memfd_create) ",%eax\n"
	"\tjmp __syscall_common\n"
	".size i9p_klibc_memfd_create,.-i9p_klibc_memfd_create\n"
	".globl i9p_klibc_execveat\n"
	".type i9p_klibc_execveat,@function\n"
	"i9p_klibc_execveat:\n"
	"\tmovl $" I9P_XSTR(__NR_execveat) ",%eax\n"
	"\tjmp __syscall_common\n"
	".size i9p_klibc_execveat,.-i9p_klibc_execveat\n"
	".globl i9p_klibc_openat2\n"
	".type i9p_klibc_openat2,@function\n"
	"i9p_klibc_openat2:\n"
	"\tmovl $" I9P_XSTR(__NR_openat2) ",%eax\n"
	"\tjmp __syscall_common\n"
	".size i9p_klibc_openat2,.-i9p_klibc_openat2\n"
	".globl i9p_klibc_faccessat2\n"
	".type i9p_klibc_faccessat2,@function\n"
	"i9p_klibc_faccessat2:\n"
	"\tmovl $" I9P_XSTR(__NR_faccessat2) ",%eax\n"
	"\tjmp __syscall_common\n"
	".size i9p_klibc_faccessat2,.-i9p_klibc_faccessat2\n");

int i9p_klibc_memfd_create(const char *name, unsigned flags);
int i9p_klibc_execveat(int fd, const char *path, char *const argv[],
		       char *const envp[], int flags);
int i9p_klibc_openat2(int dirfd, const char *path, struct i9p_open_how *how,
		      size_t size);
int i9p_klibc_faccessat2(int fd, const char *path, int mode, int flags);

int i9p_memfd_create(const char *name, unsigned flags)
{
	int fd = i9p_klibc_memfd_create(name, flags);

	return fd < 0 ? -errno : fd;
}

int i9p_fexecve(int fd, char *const argv[], char *const envp[])
{
	i9p_klibc_execveat(fd, "", argv, envp, AT_EMPTY_PATH);
	return -errno;
}

int i9p_openat2_in_root(int dirfd, const char *path, int flags)
{
	struct i9p_open_how how = {
		(uint64_t)flags, 0, I9P_RESOLVE_IN_ROOT | I9P_RESOLVE_NO_MAGICLINKS
	};
	int fd = i9p_klibc_openat2(dirfd, path, &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

int i9p_faccess_fd(int fd, int mode)
{
	return i9p_klibc_faccessat2(fd, "", mode, AT_EMPTY_PATH) < 0 ?
	       -errno : 0;
}
#else
int i9p_memfd_create(const char *name, unsigned flags)
{
	(void)name;
	(void)flags;
	return -ENOSYS;
}

int i9p_fexecve(int fd, char *const argv[], char *const envp[])
{
	(void)fd;
	(void)argv;
	(void)envp;
	return -ENOSYS;
}

int i9p_openat2_in_root(int dirfd, const char *path, int flags)
{
	(void)dirfd;
	(void)path;
	(void)flags;
	return -ENOSYS;
}

int i9p_faccess_fd(int fd, int mode)
{
	(void)fd;
	(void)mode;
	return -ENOSYS;
}
#endif
#else
#include <sys/syscall.h>

/* Numbers shared by every architecture (the unified table of 5.6+);
 * older libc headers may not name them. */
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif

/* linux/capability.h's structures: musl's headers have no linux/. */
#define CAP_VERSION_3 0x20080522
#define CAP_U32S_3 2
static struct {
	uint32_t version;
	int pid;
} cap_header = { CAP_VERSION_3, 0 };
static struct {
	uint32_t effective, permitted, inheritable;
} cap_none[CAP_U32S_3];

int i9p_finit_module(int fd, const char *params)
{
	return syscall(SYS_finit_module, fd, params, 0) < 0 ? -errno : 0;
}

int i9p_reboot(void)
{
	return reboot(RB_AUTOBOOT) < 0 ? -errno : 0;
}

int i9p_capset_none(void)
{
	return syscall(SYS_capset, &cap_header, cap_none) < 0 ? -errno : 0;
}

int i9p_memfd_create(const char *name, unsigned flags)
{
	long fd = syscall(SYS_memfd_create, name, flags);

	return fd < 0 ? -errno : (int)fd;
}

/* execveat, not fexecve: glibc's and musl's fall back to /proc/self/fd,
 * which the new root may not have yet. */
int i9p_fexecve(int fd, char *const argv[], char *const envp[])
{
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	return -errno;
}

int i9p_openat2_in_root(int dirfd, const char *path, int flags)
{
	struct i9p_open_how how = {
		(uint64_t)flags, 0, I9P_RESOLVE_IN_ROOT | I9P_RESOLVE_NO_MAGICLINKS
	};
	long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

int i9p_faccess_fd(int fd, int mode)
{
	return syscall(SYS_faccessat2, fd, "", mode, AT_EMPTY_PATH) < 0 ?
	       -errno : 0;
}
#endif
