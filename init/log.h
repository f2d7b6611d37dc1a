/* SPDX-License-Identifier: MIT */
/*
 * init/log.h - init9p's messages, through the kernel log.
 *
 * Every line starts with "init9p: ". Once /dev/kmsg exists lines go there
 * with a priority and the kernel prints them on the console; before, they
 * go to fd 2, which the kernel opened on /dev/console.
 */
#ifndef I9P_LOG_H
#define I9P_LOG_H

/* Open /dev/console as fds 0, 1 and 2. Returns 0 or -errno. */
int i9p_log_open_console(void);

/* Call once devtmpfs is mounted: from then on lines go to /dev/kmsg. */
void i9p_log_open_kmsg(void);

/* Verbose lines (root9p.debug) are shown only after this. */
void i9p_log_set_debug(int on);

/* The program name the lines start with (default "init9p"); NAME is kept. */
void i9p_log_set_name(const char *name);

/* Progress (info), warnings, errors (shown even with `quiet`), debug. */
void i9p_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void i9p_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void i9p_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void i9p_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Wait until the console has sent everything (before a reboot or exec). */
void i9p_log_drain(void);

#endif
