/* SPDX-License-Identifier: MIT */
/*
 * init/log.h - init9p's messages: the console for people, /dev/kmsg for
 * dmesg and the journal.
 *
 * Every line starts with "init9p: ". Console writes go to fd 2, which the
 * kernel opened on /dev/console before starting /init.
 */
#ifndef I9P_LOG_H
#define I9P_LOG_H

/* Open /dev/console as fds 0, 1 and 2. Returns 0 or -errno. */
int i9p_log_open_console(void);

/* Open /dev/kmsg once devtmpfs is mounted; before that, console only. */
void i9p_log_open_kmsg(void);

/* Verbose lines (root9p.debug) are shown only after this. */
void i9p_log_set_debug(int on);

void i9p_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void i9p_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Wait until the console has sent everything (before a reboot or exec). */
void i9p_log_drain(void);

#endif
