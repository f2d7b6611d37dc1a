/* SPDX-License-Identifier: MIT */
/*
 * init/log.c - write init9p's lines to the console and to /dev/kmsg.
 *
 * Lines go to kmsg at debug level (<15>) so that, with the default
 * console loglevel, the kernel does not echo them a second time on the
 * console; dmesg and the journal still get them with kernel timestamps.
 * kmsg rate-limits writers, so verbose lines stay on the console only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "init/log.h"

static int kmsg_fd = -1;
static int debug_on;

int i9p_log_open_console(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);

	if (fd < 0)
		return -errno;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	return 0;
}

void i9p_log_open_kmsg(void)
{
	if (kmsg_fd < 0)
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
}

void i9p_log_set_debug(int on)
{
	debug_on = on;
}

/* A whole line in one write(), so concurrent kernel output cannot cut it. */
static void emit(int to_kmsg, const char *fmt, va_list ap)
{
	char line[1024];
	int n, head;

	head = snprintf(line, sizeof(line), "<15>init9p: ");
	n = vsnprintf(line + head, sizeof(line) - head - 1, fmt, ap);
	if (n < 0)
		return;
	n += head;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* Skip "<15>" on the console; errors here have nowhere to go. */
	if (write(2, line + 4, n - 4) < 0)
		return;
	if (to_kmsg && kmsg_fd >= 0 && write(kmsg_fd, line, n) < 0)
		return;
}

void i9p_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(1, fmt, ap);
	va_end(ap);
}

void i9p_debug(const char *fmt, ...)
{
	va_list ap;

	if (!debug_on)
		return;
	va_start(ap, fmt);
	emit(0, fmt, ap);
	va_end(ap);
}

void i9p_log_drain(void)
{
	tcdrain(2);
}
