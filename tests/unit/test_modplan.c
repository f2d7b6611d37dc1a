/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_modplan.c - table tests for the parallel module split
 * and the "depends=" scan.
 *
 * Each case is a load list written as "name:dep,dep" strings in load
 * order, the bus driver's name, and the three sets expected. The second
 * is Debian 12's (6.1) list as mkinitrd9p writes it; Debian 13's (6.12)
 * has virtio built in, so no bus driver to split on (modrun.c).
 */
#include <errno.h>
#include <string.h>

#include "common/array.h"
#include "init/modinfo.h"
#include "init/modplan.h"
#include "tests/unit/t.h"

#define MAXN 16

struct pcase {
	const char *what;
	const char *mods[MAXN];	/* "name:dep,dep", in load order */
	const char *bus;
	int ret;
	const char *bus_set, *beside, *after;	/* "a b", by list order */
};

static const struct pcase cases[] = {
	{ "the two chains",
	  { "virtio_ring:", "virtio:virtio_ring", "virtio_pci:virtio_ring,virtio",
	    "netfs:", "fscache:netfs", "9pnet:", "9pnet_virtio:virtio_ring,virtio,9pnet",
	    "9p:9pnet,netfs,fscache" },
	  "virtio_pci", 1, "virtio_ring virtio virtio_pci",
	  "netfs fscache 9pnet 9p", "9pnet_virtio" },
	{ "Debian 12 (6.1) as mkinitrd9p lists it, pci helpers included",
	  { "virtio_ring:", "virtio:virtio_ring", "virtio_pci_legacy_dev:",
	    "virtio_pci_modern_dev:",
	    "virtio_pci:virtio_ring,virtio,virtio_pci_legacy_dev,virtio_pci_modern_dev",
	    "9pnet:", "9pnet_virtio:virtio_ring,virtio,9pnet", "netfs:",
	    "fscache:netfs", "9p:9pnet,netfs,fscache" },
	  "virtio_pci", 1,
	  "virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci",
	  "9pnet netfs fscache 9p", "9pnet_virtio" },
	{ "everything needs the bus: one process",
	  { "a:", "bus:a", "b:bus" }, "bus", 0, "", "", "a bus b" },
	{ "the bus alone: one process", { "bus:" }, "bus", 0, "", "", "bus" },
	{ "a module needing a module that needs the bus comes after",
	  { "bus:", "x:", "y:x,bus", "z:y" }, "bus", 1, "bus", "x", "y z" },
	{ "bus out of range", { "a:" }, "nope", -EINVAL, "", "", "" },
};

static size_t index_of(const struct pcase *c, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < MAXN && c->mods[i]; i++)
		if (strlen(c->mods[i]) > len && c->mods[i][len] == ':' &&
		    !strncmp(c->mods[i], name, len))
			return i;
	return MAXN;
}

static void names(const struct pcase *c, unsigned long long mask, char *out,
		  size_t len)
{
	size_t i, n = 0;

	*out = '\0';
	for (i = 0; i < MAXN && c->mods[i]; i++)
		if (mask & (1ULL << i))
			n += snprintf(out + n, len - n, "%s%.*s", n ? " " : "",
				      (int)strcspn(c->mods[i], ":"), c->mods[i]);
}

static void run_case(const struct pcase *c)
{
	unsigned long long deps[MAXN] = { 0 };
	struct i9p_modplan p;
	const char *d;
	char got[256];
	size_t n, k, bus;
	int ret;

	for (n = 0; n < MAXN && c->mods[n]; n++)
		for (d = strchr(c->mods[n], ':') + 1; *d; d += k + !!d[k]) {
			k = strcspn(d, ",");
			deps[n] |= 1ULL << index_of(c, d, k);
		}
	bus = index_of(c, c->bus, strlen(c->bus));
	ret = i9p_modplan_split(deps, n, bus, &p);
	CHECK(ret == c->ret, "%s: returned %d, want %d", c->what, ret, c->ret);
	if (ret < 0)
		return;
	names(c, p.bus, got, sizeof(got));
	CHECK_STR(got, c->bus_set, c->what);
	names(c, p.beside, got, sizeof(got));
	CHECK_STR(got, c->beside, c->what);
	names(c, p.after, got, sizeof(got));
	CHECK_STR(got, c->after, c->what);
}

/* .modinfo as the kernel's modpost writes it, with decoys. */
static const struct {
	const char *what;
	const char buf[96];
	size_t size;
	int ret;
	const char *want;
} infos[] = {
	{ "plain", "\0license=GPL\0depends=virtio,virtio_ring\0name=x\0", 48,
	  0, "virtio,virtio_ring" },
	{ "none", "\0license=GPL\0depends=\0name=x\0", 29, 0, "" },
	{ "no key at all", "\0license=GPL\0name=x\0", 20, 0, "" },
	{ "not at a string's start", "\0xdepends=a\0depends=b\0", 22, 0, "b" },
	{ "unterminated", "\0depends=abc", 12, -EINVAL, "" },
	{ "does not fit", "\0depends=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\0", 45,
	  -E2BIG, "" },
};

int main(void)
{
	char out[16];
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
	for (i = 0; i < ARRAY_SIZE(infos); i++) {
		char big[32];

		ret = i9p_modinfo_depends_buf(infos[i].buf, infos[i].size,
					      big, sizeof(big));
		CHECK(ret == infos[i].ret, "%s: returned %d, want %d",
		      infos[i].what, ret, infos[i].ret);
		if (!ret)
			CHECK_STR(big, infos[i].want, infos[i].what);
	}
	CHECK(i9p_modinfo_depends("/nonexistent/x.ko", out, sizeof(out)) ==
	      -ENOENT, "a missing file is -ENOENT");
	return t_done("test_modplan");
}
