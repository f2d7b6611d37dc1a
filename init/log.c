/* SPDX-License-Identifier: MIT */
/*
 * init/log.c - write init9p's lines through the kernel log.
 *
 * Once devtmpfs is up, every line goes to /dev/kmsg with a priority: the
 * kernel prints it on the console itself, with its timestamp, and keeps
 * it for dmesg and the journal. `quiet` then hides progress but not
 * errors, as users expect. The kernel's console path is also synchronous:
 * under a loaded TCG host the 8250 UART can stop raising its transmit
 * interrupt, and tty writes (and tcdrain) then stall; printk output still
 * gets out. Before /dev/kmsg exists, lines go to fd 2, the console.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "init/log.h"

static int kmsg_ready;
static int debug_on;
static const char *log_name = "init9p";

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
	kmsg_ready = access("/dev/kmsg", W_OK) == 0;
}

void i9p_log_set_debug(int on)
{
	debug_on = on;
}

void i9p_log_set_name(const char *name)
{
	log_name = name;
}

/*
 * A whole line in one write(), so concurrent output cannot cut it. kmsg
 * rate-limits each open file (10 lines per 5 s): a fresh open per line
 * keeps every one of init9p's few lines.
 */
static void emit(int level, const char *fmt, va_list ap)
{
	char line[1024];
	int n, head, pri, fd = -1;

	pri = snprintf(line, sizeof(line), "<%d>", level);
	head = pri + snprintf(line + pri, sizeof(line) - pri, "%s: ", log_name);
	n = vsnprintf(line + head, sizeof(line) - head - 1, fmt, ap);
	if (n < 0)
		return;
	n += head;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (kmsg_ready)
		fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		int ok = write(fd, line, n) == n;

		close(fd);
		if (ok)
			return;
	}
	/* Skip "<N>" on the console; an error here has nowhere to go. */
	if (write(2, line + pri, n - pri) < 0)
		return;
}

#define DEFINE_LOG(name, level, cond) \
void name(const char *fmt, ...) \
{ \
	va_list ap; \
	if (!(cond)) \
		return; \
	va_start(ap, fmt); \
	emit(level, fmt, ap); \
	va_end(ap); \
}

DEFINE_LOG(i9p_log, 6, 1)		/* info: hidden by `quiet` */
DEFINE_LOG(i9p_warn, 4, 1)
DEFINE_LOG(i9p_error, 3, 1)		/* shown even with `quiet` */
DEFINE_LOG(i9p_debug, 6, debug_on)	/* only with root9p.debug */

void i9p_log_drain(void)
{
	int i, queued;

	/* Bounded, not tcdrain(): a stalled UART must not hang PID 1. */
	for (i = 0; i < 100; i++) {
		if (ioctl(2, TIOCOUTQ, &queued) < 0 || queued == 0)
			return;
		usleep(10000);
	}
}
