/* SPDX-License-Identifier: MIT */
/*
 * mount9p/mount.c - wait for a virtio-9p tag, then mount it with retry.
 *
 * Polling is cheap (one readdir of a small sysfs directory every 20 ms)
 * and needs no uevent listener in PID 1. ENOENT right after the tag
 * appears means "no channels available" yet: retry it quickly; over
 * trans=tcp a refused or unreachable server is retried too (the server
 * or the link may come up late); every other error is final.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "mount9p/mount.h"
#include "mount9p/tags.h"
#include "mount9p/virtiofs.h"

#define POLL_US		20000	/* between two looks at sysfs */
#define PROGRESS_MS	5000	/* between two "still waiting" calls */
#define RETRY_FAST_US	10000	/* first mount retries */
#define RETRY_US	20000
#define RETRY_FAST_N	5

static int expired(long long start, long long timeout_ms)
{
	return timeout_ms >= 0 && r9p_now_ms() - start >= timeout_ms;
}

static int wait_for(int (*present)(const char *tag), const char *tag,
		    long long timeout_ms, r9p_wait_fn progress, void *ctx)
{
	long long start = r9p_now_ms(), next = start + PROGRESS_MS, now;
	int r;

	if (!tag || !*tag)
		return -EINVAL;
	for (;;) {
		r = present(tag);
		if (r)
			return r > 0 ? 0 : r;
		if (expired(start, timeout_ms))
			return -ETIMEDOUT;
		now = r9p_now_ms();
		if (progress && now >= next) {
			progress(ctx, tag, now - start);
			next = now + PROGRESS_MS;
		}
		usleep(POLL_US);
	}
}

int r9p_wait_tag(const char *tag, long long timeout_ms,
		 r9p_wait_fn progress, void *ctx)
{
	return wait_for(r9p_tag_present, tag, timeout_ms, progress, ctx);
}

int r9p_wait_virtiofs_tag(const char *tag, long long timeout_ms,
		     r9p_wait_fn progress, void *ctx)
{
	return wait_for(r9p_virtiofs_tag_present, tag, timeout_ms, progress, ctx);
}

unsigned long r9p_mount_flags(const struct r9p_opts *o)
{
	return o->mflags | (o->rdonly == 1 ? (unsigned long)MS_RDONLY : 0);
}

int r9p_mount(const char *tag, const char *dir, const struct r9p_opts *o,
	      long long timeout_ms, int *tries)
{
	return r9p_mount_fs("9p", tag, dir, o, timeout_ms, tries);
}

int r9p_mount_fs(const char *fstype, const char *tag, const char *dir,
		 const struct r9p_opts *o, long long timeout_ms, int *tries)
{
	long long start = r9p_now_ms();
	struct stat st;
	int n = 0, err;

	if (tries)
		*tries = 0;
	if (!tag || !*tag)
		return -EINVAL;
	/* mount(2) says ENOENT for a missing DIR too: do not retry that. */
	if (stat(dir, &st) < 0)
		return -errno;
	for (;;) {
		n++;
		if (mount(tag, dir, fstype, r9p_mount_flags(o), o->data) == 0) {
			err = 0;
			break;
		}
		err = -errno;
		/* Over trans=tcp the server may not listen yet, or the
		 * link not be up: retried as a tag not ready. */
		if ((err != -ENOENT && err != -ECONNREFUSED &&
		     err != -ENETUNREACH && err != -EHOSTUNREACH) ||
		    expired(start, timeout_ms))
			break;
		usleep(n <= RETRY_FAST_N ? RETRY_FAST_US : RETRY_US);
	}
	if (tries)
		*tries = n;
	return err;
}

static const struct {
	int err;
	const char *hint;
} hints[] = {
	{ ENOENT, "the tag is not ready yet or does not exist: check QEMU's "
		  "mount_tag= against mount9p --tags" },
	{ EBUSY, "a tag can be mounted once at a time: unmount it first, or "
		 "export the directory again under a second tag" },
	{ EINVAL, "the kernel refused the options, or the transport module "
		  "(9pnet_virtio; 9pnet_fd for trans=tcp) is not loaded: mount9p --explain -o OPTS "
		  "shows what the kernel takes, dmesg says which one" },
	{ ENODEV, "this kernel has no 9p filesystem: load the 9p module "
		  "(modprobe 9p) or build it with CONFIG_9P_FS" },
	{ EPROTONOSUPPORT, "no such 9p transport in this kernel: load it "
			   "(9pnet_virtio for trans=virtio)" },
	{ EPERM, "mounting needs CAP_SYS_ADMIN: run it as root" },
	{ EACCES, "the host refused access: check QEMU's security_model= "
		  "and the host directory's permissions" },
	{ ENOTDIR, "the mount point is not a directory" },
	{ ENOMEM, "not enough memory for the 9p buffers: try a smaller "
		  "msize=" },
	{ EIO, "the 9p server failed: look at QEMU's messages and dmesg" },
	{ ETIMEDOUT, "the 9p server did not answer: is the host side alive?" },
	{ ECONNREFUSED, "no 9p server listens at root= (the address) and "
			"port= (trans=tcp): start it (diod -l ADDR:PORT -e "
			"DIR), or fix port=" },
	{ ENETUNREACH, "no route to the 9p server (trans=tcp): set ip= so "
		       "the server's address is on the guest's network" },
	{ EHOSTUNREACH, "the 9p server's address does not answer "
			"(trans=tcp): check root= and ip=" },
	{ ENOPROTOOPT, "the transport lacks options it needs (trans=fd takes "
		       "rfdno= and wfdno=)" },
};

const char *r9p_mount_hint(int err)
{
	unsigned i;

	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(hints); i++)
		if (hints[i].err == err)
			return hints[i].hint;
	return "dmesg shows the kernel's 9p messages";
}
