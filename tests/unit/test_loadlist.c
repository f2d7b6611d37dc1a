/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_loadlist.c - table tests for the module load order.
 *
 * Each case is a graph written as "name:dep,dep" strings, the roots in
 * the order asked for, and the order expected (or the error). The 9p
 * case is Debian 12's 6.1 modules.dep, whose order DESIGN.md records.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "mkinitrd/loadlist.h"
#include "tests/unit/t.h"

#define MAXN 16

struct lcase {
	const char *what;
	const char *nodes[MAXN];	/* "name:dep,dep" */
	const char *roots;		/* "a,b" */
	const char *want;		/* "a b c", or "" */
	int err;			/* 0, -ELOOP, -EINVAL */
	const char *cycle_name;		/* a node on the cycle, for -ELOOP */
};

static const struct lcase cases[] = {
	{ "single", { "a:" }, "a", "a", 0, NULL },
	{ "chain", { "a:b", "b:c", "c:" }, "a", "c b a", 0, NULL },
	{ "diamond", { "top:left,right", "left:base", "right:base", "base:" },
	  "top", "base left right top", 0, NULL },
	{ "diamond, deps listed backwards",
	  { "top:right,left", "right:base", "left:base", "base:" },
	  "top", "base left right top", 0, NULL },
	{ "deps visited by name", { "a:z,m,b", "z:", "m:", "b:" }, "a",
	  "b m z a", 0, NULL },
	{ "roots keep the order asked", { "x:", "y:" }, "y,x", "y x", 0, NULL },
	{ "shared dep goes with the first root",
	  { "fs:lib", "net:lib", "lib:" }, "net,fs", "lib net fs", 0, NULL },
	{ "unreached nodes last, by name", { "b:", "a:", "r:" }, "r", "r a b",
	  0, NULL },
	{ "no roots: everything by name", { "c:a", "a:", "b:" }, "",
	  "a b c", 0, NULL },
	{ "root asked twice", { "a:b", "b:" }, "a,a", "b a", 0, NULL },
	{ "Debian 12 6.1 9p closure (modules.dep, transitive)",
	  { "9p:9pnet,fscache,netfs", "9pnet:", "fscache:netfs", "netfs:",
	    "9pnet_virtio:9pnet,virtio,virtio_ring",
	    "virtio_pci:virtio_pci_legacy_dev,virtio_pci_modern_dev,virtio,"
	    "virtio_ring",
	    "virtio:virtio_ring", "virtio_ring:", "virtio_pci_legacy_dev:",
	    "virtio_pci_modern_dev:" },
	  "virtio_pci,9pnet_virtio,9p",
	  "virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev "
	  "virtio_pci 9pnet 9pnet_virtio netfs fscache 9p", 0, NULL },
	{ "cycle", { "a:b", "b:c", "c:a" }, "a", "", -ELOOP, "a" },
	{ "self loop", { "a:a" }, "a", "", -ELOOP, "a" },
	{ "cycle below a good part", { "top:ok,x", "ok:", "x:y", "y:x" },
	  "top", "", -ELOOP, "x" },
	{ "cycle among unreached nodes", { "r:", "p:q", "q:p" }, "r", "",
	  -ELOOP, "p" },
	{ "dep on a missing node", { "a:ghost" }, "a", "", -EINVAL, NULL },
};

struct graph {
	struct r9p_lnode nodes[MAXN];
	size_t deps[MAXN][MAXN];
	char names[MAXN][64];
	size_t n;
	size_t roots[MAXN];
	size_t nroots;
};

/* Index of name; names not defined get an index past the end. */
static size_t index_of(const struct lcase *c, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < MAXN && c->nodes[i]; i++)
		if (strncmp(c->nodes[i], name, len) == 0 &&
		    c->nodes[i][len] == ':')
			return i;
	return MAXN + 1;
}

/* Parse "a,b" into indices. */
static size_t parse_list(const struct lcase *c, const char *s, size_t *out)
{
	size_t n = 0, len;

	while (s && *s) {
		len = strcspn(s, ",");
		out[n++] = index_of(c, s, len);
		s += len;
		if (*s == ',')
			s++;
	}
	return n;
}

static void build(const struct lcase *c, struct graph *g)
{
	const char *colon;
	size_t i;

	memset(g, 0, sizeof(*g));
	for (i = 0; i < MAXN && c->nodes[i]; i++) {
		colon = strchr(c->nodes[i], ':');
		snprintf(g->names[i], sizeof(g->names[i]), "%.*s",
			 (int)(colon - c->nodes[i]), c->nodes[i]);
		g->nodes[i].name = g->names[i];
		g->nodes[i].deps = g->deps[i];
		g->nodes[i].ndeps = parse_list(c, colon + 1, g->deps[i]);
	}
	g->n = i;
	g->nroots = parse_list(c, c->roots, g->roots);
}

static void run_case(const struct lcase *c)
{
	struct graph g;
	size_t order[MAXN], i, at = MAXN;
	char got[1024] = "";
	int err;

	build(c, &g);
	err = r9p_loadlist_order(g.nodes, g.n, g.roots, g.nroots, order, &at);
	CHECK(err == c->err, "%s: returned %d, want %d", c->what, err, c->err);
	if (err == -ELOOP && c->cycle_name)
		CHECK(at < g.n && strcmp(g.names[at], c->cycle_name) == 0,
		      "%s: cycle reported at %s, want %s", c->what,
		      at < g.n ? g.names[at] : "(none)", c->cycle_name);
	if (err || c->err)
		return;
	for (i = 0; i < g.n; i++) {
		if (i)
			strcat(got, " ");
		strcat(got, g.names[order[i]]);
	}
	CHECK_STR(got, c->want, c->what);
}

int main(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
	return t_done("test_loadlist");
}
