/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_net.c - init9p's reading of the kernel's ip= syntax
 * (init/net.c): a table of values and the configuration each gives, as
 * i9p_net_describe says it, or the refusal and the words it must hold.
 */
#include <errno.h>
#include <string.h>

#include "common/array.h"
#include "tests/unit/t.h"
#include "init/net.h"

static const struct {
	const char *ip;
	int err;		/* 0, or the -errno wanted */
	const char *want;	/* the description, or a word of the refusal */
} cases[] = {
	{ "", 0, "off" },
	{ "off", 0, "off" },
	{ "none", 0, "off" },
	{ "10.0.2.15::10.0.2.2:255.255.255.0::eth0:off", 0,
	  "10.0.2.15/255.255.255.0 on eth0 via 10.0.2.2" },
	{ "10.0.2.15:10.0.2.2::255.255.255.0::eth1", 0,
	  "10.0.2.15/255.255.255.0 on eth1" },
	/* The netmask by the address's class, as the kernel's ipconfig. */
	{ "10.0.2.15", 0, "10.0.2.15/255.0.0.0 on the first interface" },
	{ "172.16.0.9::::::none", 0,
	  "172.16.0.9/255.255.0.0 on the first interface" },
	{ "192.168.1.2:::::eth0:off:1.1.1.1:8.8.8.8", 0,
	  "192.168.1.2/255.255.255.0 on eth0" },
	{ "10.0.2.15::10.0.2.2:255.255.255.252:host:eth0:", 0,
	  "10.0.2.15/255.255.255.252 on eth0 via 10.0.2.2" },
	{ "dhcp", -EINVAL, "static addresses only" },
	{ "on", -EINVAL, "static addresses only" },
	{ "10.0.2.15:::::eth0:dhcp", -EINVAL, "autoconfiguration \"dhcp\"" },
	{ "10.0.2", -EINVAL, "client address" },
	{ "10.0.2.256", -EINVAL, "client address" },
	{ "10.0.2.15.1", -EINVAL, "client address" },
	{ "0010.0.2.15", -EINVAL, "client address" },
	{ "0.0.0.0", -EINVAL, "client address" },
	{ ":::::eth0:off", -EINVAL, "client address" },
	{ "10.0.2.15::10.0.2:", -EINVAL, "gateway" },
	{ "10.0.2.15:::255.0.255.0", -EINVAL, "netmask" },
	{ "10.0.2.15:::255.255.255.0::eth0/x", -EINVAL, "network interface" },
	{ "10.0.2.15:::255.255.255.0::abcdefghijklmnop", -EINVAL,
	  "network interface" },
	{ "10.0.2.15:::255.255.255.0::..", -EINVAL, "network interface" },
};

int main(void)
{
	struct i9p_net n;
	char desc[128];
	struct r9p_err e;
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		e.why[0] = '\0';
		err = i9p_net_parse(cases[i].ip, &n, &e);
		CHECK(err == cases[i].err, "ip=%s: %d (%s)", cases[i].ip, err,
		      e.why);
		if (err != cases[i].err)
			continue;
		if (err) {
			/* A refusal names the value and says what to write. */
			CHECK(strstr(e.why, cases[i].want) &&
			      strstr(e.why, cases[i].ip) &&
			      strstr(e.try_, "write ip="),
			      "ip=%s: \"%s\" lacks \"%s\"", cases[i].ip, e.why,
			      cases[i].want);
			continue;
		}
		CHECK_STR(i9p_net_describe(&n, desc, sizeof(desc)),
			  cases[i].want, cases[i].ip);
	}
	/* An interface that is not there: refused after the timeout, with
	 * the interfaces present and what to try. */
	i9p_net_parse("10.0.2.15:::::r9pnone0:off", &n, &e);
	err = i9p_net_up(&n, 0, &e);
	CHECK(err == -ENODEV && strstr(e.why, "r9pnone0") &&
	      strstr(e.try_, "virtio_net"), "up: %d %s / %s", err, e.why,
	      e.try_);
	return t_done("net");
}
