/* SPDX-License-Identifier: MIT */
/*
 * init/net.h - the network a root or share served over trans=tcp needs:
 * the kernel's ip= syntax (Documentation/admin-guide/nfs/nfsroot.rst),
 * static configurations only, applied with ioctls (address, netmask,
 * IFF_UP, a default route), since Debian's kernels have no IP_PNP and
 * init9p carries no ipconfig.
 */
#ifndef I9P_NET_H
#define I9P_NET_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define I9P_NET_DEV_MAX 16	/* IFNAMSIZ, with its NUL */

struct i9p_net {
	int on;			/* 0: no ip=, or ip=off|none */
	uint32_t addr;		/* host order, as every address here */
	uint32_t mask;
	uint32_t gw;		/* 0: no default route */
	char dev[I9P_NET_DEV_MAX];	/* "": the first interface but lo */
};

/*
 * IP (an ip= value, "" when absent) into N. Returns 0, or -EINVAL with E
 * filled: its why names the value and what is wrong, its try what to
 * write instead.
 * Hostname and the DNS and NTP fields are accepted and left unused.
 */
int i9p_net_parse(const char *ip, struct i9p_net *n, struct r9p_err *e);

/*
 * Bring N up: wait up to TIMEOUT_MS (< 0: forever) for its interface,
 * bring lo and it up with its address and netmask, add the default
 * route. Returns 0 (also when N is off), or -errno with E filled.
 */
int i9p_net_up(const struct i9p_net *n, long long timeout_ms,
	       struct r9p_err *e);

/*
 * For PID 1: parse IP and bring it up, saying so on the console. Returns
 * as i9p_net_parse and i9p_net_up; 0 with nothing done when IP is off.
 */
int i9p_net_start(const char *ip, long long timeout_ms, struct r9p_err *e);

/* "10.0.2.15/255.255.255.0 on eth0 via 10.0.2.2" into BUF. */
char *i9p_net_describe(const struct i9p_net *n, char *buf, size_t len);

#endif
