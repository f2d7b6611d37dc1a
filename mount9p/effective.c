/* SPDX-License-Identifier: MIT */
/*
 * mount9p/effective.c - read a 9p mount back and compare it with the
 * request.
 *
 * What the kernel shows (v9fs_show_options + p9_show_client_options):
 *   6.1:  rw,dirsync,mmap,access=client,msize=512000,trans=virtio
 *   6.12: rw,cache=0x5,access=client,msize=512000,trans=virtio
 * The cache mode is a bare word up to 6.3 (none shows nothing) and a hex
 * bitmask from 6.4 ("cache=5" until the %#x fix of 6.19/stable, "0x5"
 * after). msize is left out when it is the kernel default, version when
 * it is 9p2000.L (9p2000 shows as noextend).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "mount9p/effective.h"
#include "mount9p/mountinfo.h"
#include "mount9p/optval.h"

/*
 * net/9p/client.c DEFAULT_MSIZE, which /proc/mounts leaves out: 8192 up to
 * 5.14, 128 KiB from 5.15, 128 KiB + P9_IOHDRSZ (24) from 6.2 (a 6.1 guest
 * given msize=131072 shows none, given 131096 shows it: bench/io.sh saw).
 */
static unsigned long kernel_default_msize(unsigned kv)
{
	if (kv && kv < R9P_KV(5, 15))
		return 8192;
	if (kv && kv < R9P_KV(6, 2))
		return 128 * 1024;
	return 128 * 1024 + 24;
}

static const char *const cache_words[] = { "loose", "fscache", "mmap" };

/* The value of KEY in a comma list OPTS ("" for a bare key), or NULL. */
static const char *opt_value(const char *opts, const char *key, char *buf,
			     size_t len)
{
	size_t klen = strlen(key);
	const char *p = opts, *end;

	while (p && *p) {
		end = strchr(p, ',');
		if (!strncmp(p, key, klen) &&
		    (p[klen] == '=' || p[klen] == ',' || !p[klen])) {
			size_t n = end ? (size_t)(end - p) : strlen(p);

			n = n > klen ? n - klen - 1 : 0;
			if (n >= len)
				n = len - 1;
			memcpy(buf, p[klen] == '=' ? p + klen + 1 : p, n);
			buf[n] = '\0';
			return buf;
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

static void fill(struct r9p_effective *e, const struct r9p_mountinfo *mi)
{
	char v[64];
	unsigned i;

	memset(e, 0, sizeof(*e));
	snprintf(e->source, sizeof(e->source), "%s", mi->source);
	snprintf(e->fstype, sizeof(e->fstype), "%s", mi->fstype);
	snprintf(e->mount_opts, sizeof(e->mount_opts), "%s", mi->mount_opts);
	snprintf(e->super_opts, sizeof(e->super_opts), "%s", mi->super_opts);
	if (opt_value(mi->super_opts, "msize", v, sizeof(v)))
		e->msize = strtoul(v, NULL, 10);
	opt_value(mi->super_opts, "cache", e->cache, sizeof(e->cache));
	for (i = 0; i < ARRAY_SIZE(cache_words); i++)
		if (opt_value(mi->super_opts, cache_words[i], v, sizeof(v)))
			snprintf(e->cache, sizeof(e->cache), "%s",
				 cache_words[i]);
	e->rdonly = opt_value(mi->mount_opts, "ro", v, sizeof(v)) != NULL ||
		    opt_value(mi->super_opts, "ro", v, sizeof(v)) != NULL;
	e->posixacl = opt_value(mi->super_opts, "posixacl", v, sizeof(v)) != NULL;
}

int r9p_effective_parse_line(char *line, struct r9p_effective *e)
{
	struct r9p_mountinfo mi;

	if (r9p_mountinfo_parse(line, &mi) < 0)
		return -EINVAL;
	fill(e, &mi);
	return 0;
}

int r9p_effective_read(const char *dir, struct r9p_effective *e)
{
	char want[PATH_MAX], line[4096];
	struct r9p_mountinfo mi;
	int found = 0;
	FILE *f;

	if (!realpath(dir, want))
		return -errno;
	f = r9p_mountinfo_open();
	if (!f)
		return -errno;
	/* stacked mounts: the last line is the one on top */
	while (r9p_mountinfo_next(f, line, sizeof(line)))
		if (!r9p_mountinfo_parse(line, &mi) &&
		    !strcmp(mi.mount_point, want)) {
			fill(e, &mi);
			found = 1;
		}
	fclose(f);
	return found ? 0 : -ENOENT;
}

static void compare_msize(const struct r9p_opts *req,
			  const struct r9p_effective *e, unsigned kv,
			  struct r9p_diags *out)
{
	const struct r9p_namedef *t;
	unsigned long got = e->msize ? e->msize : kernel_default_msize(kv);

	if (!req->msize || req->msize == got)
		return;
	t = r9p_namedef_find(r9p_transports, r9p_ntransports,
			     *req->trans ? req->trans : "virtio", kv);
	if (t && t->bits && req->msize > t->bits && got == t->bits)
		r9p_diag_add(out, R9P_INFO, "msize %lu requested, kernel uses "
			     "%lu (%s maximum)", req->msize, got, t->name);
	else
		r9p_diag_add(out, R9P_INFO, "msize %lu requested, kernel uses "
			     "%lu", req->msize, got);
}

static void compare_cache(const struct r9p_opts *req,
			  const struct r9p_effective *e, unsigned kv,
			  struct r9p_diags *out)
{
	const char *want = *req->cache ? req->cache : "none";
	unsigned long long got;
	char words[96], hex[sizeof(e->cache) + 2];
	long bits;
	int ovf;

	if (!opt_value(e->super_opts, "cache", words, sizeof(words))) {
		/* 6.1: a bare word, none shows nothing */
		const char *shown = *e->cache ? e->cache : "none";

		if (strcmp(want, shown))
			r9p_diag_add(out, R9P_INFO, "cache=%s requested, kernel "
				     "uses cache=%s", want, shown);
		return;
	}
	/* 6.4+: always hex, with or without 0x */
	snprintf(hex, sizeof(hex), "%s%s", strncmp(e->cache, "0x", 2) ?
		 "0x" : "", e->cache);
	r9p_scan_number(hex, 16, &got, &ovf);
	r9p_cache_bits_words((unsigned)got, words, sizeof(words));
	bits = r9p_cache_bits(req->cache, kv);
	if (bits >= 0 && (unsigned long long)bits == got)
		r9p_diag_add(out, R9P_INFO, "cache=%s shows as cache=%s (%s)",
			     want, e->cache, words);
	else
		r9p_diag_add(out, R9P_INFO, "cache=%s requested, kernel uses "
			     "cache=%s (%s)", want, e->cache, words);
}

void r9p_effective_compare(const struct r9p_opts *req,
			   const struct r9p_effective *e,
			   const struct r9p_kernel *k, struct r9p_diags *out)
{
	unsigned kv = r9p_kv(k);
	const char *want, *got;
	char v[64];

	compare_msize(req, e, kv, out);
	compare_cache(req, e, kv, out);
	if (req->posixacl && !e->posixacl)
		r9p_diag_add(out, R9P_INFO, "posixacl requested but not in "
			     "effect (it needs version=9p2000.L, access=client "
			     "and CONFIG_9P_FS_POSIX_ACL)");
	if (req->rdonly >= 0 && req->rdonly != e->rdonly)
		r9p_diag_add(out, R9P_INFO, "%s requested, mounted %s",
			     req->rdonly ? "ro" : "rw", e->rdonly ? "ro" : "rw");
	got = opt_value(e->super_opts, "trans", v, sizeof(v));
	if (*req->trans && got && strcmp(req->trans, got))
		r9p_diag_add(out, R9P_INFO, "trans=%s requested, kernel uses "
			     "trans=%s", req->trans, got);
	want = *req->version ? req->version : "9p2000.L";
	got = opt_value(e->super_opts, "version", v, sizeof(v));
	if (!got)
		got = opt_value(e->super_opts, "noextend", v, sizeof(v)) ?
		      "9p2000" : "9p2000.L";
	if (strcmp(want, got))
		r9p_diag_add(out, R9P_INFO, "version=%s requested, kernel uses "
			     "version=%s", want, got);
	got = opt_value(e->super_opts, "access", v, sizeof(v));
	if (*req->access && got && strcmp(req->access, got))
		r9p_diag_add(out, R9P_INFO, "access=%s requested, kernel uses "
			     "access=%s", req->access, got);
}
