// SPDX-License-Identifier: MIT
/*
 * init/net.c - ip=CLIENT:SERVER:GW:NETMASK:HOST:DEV:AUTOCONF (the
 * kernel's syntax) parsed and applied with ioctls, so that a 9p root or
 * share over trans=tcp can be reached. Static only: DHCP would need a
 * client in PID 1, and QEMU's user network has fixed addresses.
 */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "init/log.h"
#include "init/net.h"
#include "mount9p/mount.h"

#define FIELD_MAX 64		/* one field of ip= */
#define NET_POLL_US 10000	/* between looks for the interface */
#define NET_STEP "bring up the network"

/* ip= values that ask for autoconfiguration, which init9p does not do. */
static const char *const dynamic[] = {
	"on", "any", "dhcp", "bootp", "rarp", "both",
};

static const char static_try[] =
	"write ip=CLIENT::GATEWAY:NETMASK::DEVICE:off (QEMU's user network: "
	"ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off)";

static const char nodev_try[] =
	"give QEMU a virtio-net device (-netdev user,id=n0 -device "
	"virtio-net-pci,netdev=n0), put virtio_net in the initrd (mkinitrd9p "
	"--modules=virtio_net), or name the interface in ip='s sixth field";

/* "a.b.c.d", each part 0-255 in decimal, into *A (host order). */
static int parse_ipv4(const char *s, uint32_t *a)
{
	unsigned long part;
	int i, digits;

	*a = 0;
	for (i = 0; i < 4; i++) {
		part = 0;
		for (digits = 0; *s >= '0' && *s <= '9'; s++, digits++) {
			part = part * 10 + (unsigned long)(*s - '0');
			if (digits >= 3 || part > 255)
				return -EINVAL;
		}
		if (!digits || (i < 3 && *s++ != '.'))
			return -EINVAL;
		*a = (*a << 8) | (uint32_t)part;
	}
	return *s ? -EINVAL : 0;
}

/* A netmask is ones then zeros. */
static int mask_ok(uint32_t m)
{
	return (~m & (~m + 1)) == 0;
}

/* The kernel's default when NETMASK is empty: the address's class. */
static uint32_t class_mask(uint32_t a)
{
	if ((a >> 31) == 0)
		return 0xff000000u;
	if ((a >> 30) == 2)
		return 0xffff0000u;
	return 0xffffff00u;
}

static int is_dynamic(const char *v)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dynamic); i++)
		if (!strcmp(v, dynamic[i]))
			return 1;
	return 0;
}

int i9p_net_parse(const char *ip, struct i9p_net *n, struct r9p_err *e)
{
	char f[7][FIELD_MAX];
	const char *p = ip, *end;
	size_t i, flen;

	memset(n, 0, sizeof(*n));
	if (!*ip || !strcmp(ip, "off") || !strcmp(ip, "none"))
		return 0;
	if (is_dynamic(ip)) {
		r9p_errf(e, NET_STEP, -EINVAL, static_try,
			 "ip=%s: init9p sets static addresses only "
			 "(no DHCP, BOOTP or RARP client)", ip);
		return -EINVAL;
	}
	memset(f, 0, sizeof(f));
	for (i = 0; i < ARRAY_SIZE(f) && p; i++) {
		end = strchr(p, ':');
		flen = end ? (size_t)(end - p) : strlen(p);
		if (flen >= FIELD_MAX) {
			r9p_errf(e, NET_STEP, -EINVAL, static_try,
				 "ip=%s: field %zu is too long",
				 ip, i + 1);
			return -EINVAL;
		}
		memcpy(f[i], p, flen);
		p = end ? end + 1 : NULL;
	}
	/* f[1], the server, and f[4], the host name: not needed here. */
	if (parse_ipv4(f[0], &n->addr) < 0 || !n->addr) {
		r9p_errf(e, NET_STEP, -EINVAL, static_try,
			 "ip=%s: the client address \"%s\" is not an "
			 "IPv4 address such as 10.0.2.15", ip, f[0]);
		return -EINVAL;
	}
	if (*f[2] && parse_ipv4(f[2], &n->gw) < 0) {
		r9p_errf(e, NET_STEP, -EINVAL, static_try,
			 "ip=%s: the gateway \"%s\" is not an IPv4 "
			 "address", ip, f[2]);
		return -EINVAL;
	}
	if (!*f[3])
		n->mask = class_mask(n->addr);
	else if (parse_ipv4(f[3], &n->mask) < 0 || !mask_ok(n->mask)) {
		r9p_errf(e, NET_STEP, -EINVAL, static_try,
			 "ip=%s: the netmask \"%s\" is not a netmask "
			 "such as 255.255.255.0", ip, f[3]);
		return -EINVAL;
	}
	if (strlen(f[5]) >= sizeof(n->dev) || strchr(f[5], '/') ||
	    !strcmp(f[5], ".") || !strcmp(f[5], "..")) {
		r9p_errf(e, NET_STEP, -EINVAL, static_try,
			 "ip=%s: \"%s\" cannot name a network "
			 "interface (at most %d bytes, no '/')", ip, f[5],
			 I9P_NET_DEV_MAX - 1);
		return -EINVAL;
	}
	memcpy(n->dev, f[5], strlen(f[5]) + 1);
	if (*f[6] && strcmp(f[6], "off") && strcmp(f[6], "none")) {
		r9p_errf(e, NET_STEP, -EINVAL, static_try,
			 "ip=%s: autoconfiguration \"%s\" is not "
			 "done by init9p, only static addresses", ip, f[6]);
		return -EINVAL;
	}
	n->on = 1;
	return 0;
}

static void put_addr(struct sockaddr *sa, uint32_t a)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(a);
	memcpy(sa, &sin, sizeof(sin));
}

static char *ipv4_text(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
		 (a >> 8) & 255, a & 255);
	return buf;
}

/* The interfaces /sys/class/net lists, for messages; the first that is
 * not lo (by name order) into FIRST when FIRST is given. */
static char *list_interfaces(char *buf, size_t len, char *first)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;
	size_t used = 0;

	buf[0] = '\0';
	if (first)
		first[0] = '\0';
	while (d && (e = readdir(d)) != NULL && used < len) {
		if (e->d_name[0] == '.')
			continue;
		used += snprintf(buf + used, len - used, "%s%s",
				 used ? " " : "", e->d_name);
		if (first && strcmp(e->d_name, "lo") &&
		    strlen(e->d_name) < I9P_NET_DEV_MAX &&
		    (!*first || strcmp(e->d_name, first) < 0))
			snprintf(first, I9P_NET_DEV_MAX, "%s", e->d_name);
	}
	if (d)
		closedir(d);
	if (!*buf)
		snprintf(buf, len, "none");
	return buf;
}

static int dev_present(const char *dev)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/class/net/%s", dev);
	return stat(path, &st) == 0;
}

/* IFF_UP (and RUNNING) on DEV through socket S. */
static int link_up(int s, const char *dev)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	return ioctl(s, SIOCSIFFLAGS, &ifr) < 0 ? -errno : 0;
}

static int set_addr(int s, const char *dev, unsigned long req, uint32_t a)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	put_addr(&ifr.ifr_addr, a);
	return ioctl(s, req, &ifr) < 0 ? -errno : 0;
}

static int add_default_route(int s, const char *dev, uint32_t gw)
{
	struct rtentry rt;
	char name[I9P_NET_DEV_MAX];

	memset(&rt, 0, sizeof(rt));
	snprintf(name, sizeof(name), "%s", dev);
	put_addr(&rt.rt_dst, 0);
	put_addr(&rt.rt_genmask, 0);
	put_addr(&rt.rt_gateway, gw);
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	rt.rt_dev = name;
	if (ioctl(s, SIOCADDRT, &rt) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int i9p_net_up(const struct i9p_net *n, long long timeout_ms,
	       struct r9p_err *e)
{
	char dev[I9P_NET_DEV_MAX], have[128], a[16];
	long long start = r9p_now_ms();
	const char *step;
	int s, err;

	if (!n->on)
		return 0;
	/* virtio_net probes its device as it loads; the wait covers a
	 * device that comes later (hotplug, a slow bus). */
	for (;;) {
		list_interfaces(have, sizeof(have), dev);
		if (*n->dev)
			snprintf(dev, sizeof(dev), "%s", n->dev);
		if (*dev && dev_present(dev))
			break;
		if (timeout_ms >= 0 && r9p_now_ms() - start >= timeout_ms) {
			r9p_errf(e, NET_STEP, -ENODEV, nodev_try,
				 "no network interface %s after %lld s "
				 "(present: %s)", *n->dev ? n->dev : "but lo",
				 timeout_ms / 1000, have);
			return -ENODEV;
		}
		usleep(NET_POLL_US);
	}
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0) {
		err = -errno;
		r9p_errf(e, NET_STEP, err, "build the kernel with CONFIG_INET",
			 "open an IPv4 socket: %s", strerror(-err));
		return err;
	}
	/* lo first: the kernel gives it 127.0.0.1 when it comes up. */
	step = "bring lo up";
	err = link_up(s, "lo");
	if (!err) {
		step = "set the address";
		err = set_addr(s, dev, SIOCSIFADDR, n->addr);
	}
	if (!err) {
		step = "set the netmask";
		err = set_addr(s, dev, SIOCSIFNETMASK, n->mask);
	}
	if (!err) {
		step = "bring the interface up";
		err = link_up(s, dev);
	}
	if (!err && n->gw) {
		step = "add the default route";
		err = add_default_route(s, dev, n->gw);
	}
	close(s);
	if (err)
		r9p_errf(e, NET_STEP, err, "check ip=: the gateway must be on "
			 "the interface's network (QEMU's user network: "
			 "ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off)",
			 "%s of %s (%s): %s", step, dev,
			 ipv4_text(n->addr, a, sizeof(a)), strerror(-err));
	return err;
}

char *i9p_net_describe(const struct i9p_net *n, char *buf, size_t len)
{
	char a[16], m[16], g[16];

	if (!n->on) {
		snprintf(buf, len, "off");
		return buf;
	}
	snprintf(buf, len, "%s/%s on %s%s%s", ipv4_text(n->addr, a, sizeof(a)),
		 ipv4_text(n->mask, m, sizeof(m)), *n->dev ? n->dev :
		 "the first interface", n->gw ? " via " : "",
		 n->gw ? ipv4_text(n->gw, g, sizeof(g)) : "");
	return buf;
}

int i9p_net_start(const char *ip, long long timeout_ms, struct r9p_err *e)
{
	struct i9p_net n;
	long long t = r9p_now_ms();
	char desc[80];
	int err;

	err = i9p_net_parse(ip, &n, e);
	if (err || !n.on)
		return err;
	err = i9p_net_up(&n, timeout_ms, e);
	if (!err)
		i9p_log("network: %s up in %lld ms",
			i9p_net_describe(&n, desc, sizeof(desc)),
			r9p_now_ms() - t);
	return err;
}
