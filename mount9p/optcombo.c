/* SPDX-License-Identifier: MIT */
/*
 * mount9p/optcombo.c - checks across options, after each one was read.
 *
 * The kernel takes each of these combinations without a word and then
 * does something else than asked: options of another transport are never
 * read, msize is clamped, ACLs and access=client fall back. Each becomes
 * a warning; trans=fd without its descriptors is refused by the kernel,
 * so it is an error here too.
 */
#include <stdio.h>
#include <string.h>

#include "mount9p/opts.h"
#include "mount9p/optval.h"

#define CACHE_FSCACHE	0x80	/* p9_cache_bits, 6.4+ */

static int has(const char *const *keys, int n, const char *key)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(keys[i], key))
			return 1;
	return 0;
}

/* "tcp or rdma": the transports of MASK. */
static char *trans_names(unsigned mask, char *buf, size_t len)
{
	size_t used = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < r9p_ntransports && used < len; i++)
		if (mask & r9p_transports[i].tmask)
			used += snprintf(buf + used, len - used, "%s%s",
					 used ? " or " : "",
					 r9p_transports[i].name);
	return buf;
}

static void check_transport(struct r9p_opts *o, unsigned kv,
			    const struct r9p_namedef *t,
			    const char *const *keys, int n)
{
	const struct r9p_optdef *d;
	char names[64];
	int i;

	for (i = 0; i < n; i++) {
		d = r9p_optdef_find(keys[i], kv, 0);
		if (d && d->trans && !(d->trans & t->tmask))
			r9p_diag_add(&o->diags, R9P_WARN, "%s only applies to "
				     "trans=%s; trans=%s ignores it", keys[i],
				     trans_names(d->trans, names, sizeof(names)),
				     t->name);
	}
	if (t->bits && o->msize > t->bits)
		r9p_diag_add(&o->diags, R9P_WARN, "msize=%lu is above the %s "
			     "maximum %u: the kernel will use %u", o->msize,
			     t->name, t->bits, t->bits);
	if (t->tmask == R9P_T_FD && !(has(keys, n, "rfdno") &&
				     has(keys, n, "wfdno")))
		r9p_diag_add(&o->diags, R9P_ERR, "trans=fd needs rfdno= and "
			     "wfdno=: the kernel refuses it without them");
	if (t->tmask == R9P_T_VIRTIO && !strcmp(o->version, "9p2000"))
		r9p_diag_add(&o->diags, R9P_WARN, "virtio-9p servers (QEMU, "
			     "crosvm) speak 9p2000.u or 9p2000.L, not legacy "
			     "9p2000: the mount will likely fail");
}

/* The 6.4+ cache bits of O->cache (a word or a number). */
static unsigned cache_bits(const struct r9p_opts *o, unsigned kv)
{
	const struct r9p_namedef *m;
	unsigned long long n = 0;
	int ovf;

	m = r9p_namedef_find(r9p_cachemodes, r9p_ncachemodes, o->cache, kv);
	if (m)
		return m->bits;
	r9p_scan_number(o->cache, 0, &n, &ovf);
	return (unsigned)n;
}

void r9p_optcombo_check(struct r9p_opts *o, unsigned kv, const char *kname,
			const char *const *keys, int nkeys)
{
	const struct r9p_namedef *t;
	/* Without version= the kernel speaks 9p2000.L. */
	const char *version = *o->version ? o->version : "9p2000.L";
	int dotl = !strcmp(version, "9p2000.L"), fscache;

	t = r9p_namedef_find(r9p_transports, r9p_ntransports,
			     *o->trans ? o->trans : "virtio", kv);
	if (t)
		check_transport(o, kv, t, keys, nkeys);
	if (o->posixacl && !dotl)
		r9p_diag_add(&o->diags, R9P_WARN, "posixacl has no effect with "
			     "version=%s: ACLs need version=9p2000.L and "
			     "access=client", version);
	else if (o->posixacl && *o->access && strcmp(o->access, "client"))
		r9p_diag_add(&o->diags, R9P_WARN, "posixacl has no effect with "
			     "access=%s: ACLs need access=client", o->access);
	if (!strcmp(o->access, "client") && !dotl)
		r9p_diag_add(&o->diags, R9P_WARN, "access=client needs "
			     "version=9p2000.L: with version=%s %s uses "
			     "access=user", version, kname);
	fscache = kv >= R9P_KV_CACHEBITS ?
		  (cache_bits(o, kv) & CACHE_FSCACHE) != 0 :
		  !strcmp(o->cache, "fscache");
	if (has(keys, nkeys, "cachetag") && !fscache)
		r9p_diag_add(&o->diags, R9P_WARN, "cachetag is only used with "
			     "cache=fscache: %s ignores it here", kname);
}
