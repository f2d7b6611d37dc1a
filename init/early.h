/* SPDX-License-Identifier: MIT */
/*
 * init/early.h - what a PID 1 in the initramfs sets up first.
 *
 * /proc, /sys and /dev (devtmpfs) mounted, and the log's console and
 * /dev/kmsg opened; shared by init9p and payload9p.
 */
#ifndef R9P_INIT_EARLY_H
#define R9P_INIT_EARLY_H

/* Mount the API filesystems and open the log's outputs. A failed mount is
 * said and passed over: what depends on it fails later with its own
 * message. */
void i9p_setup_early(void);

#endif
