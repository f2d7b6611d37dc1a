/* SPDX-License-Identifier: MIT */
/*
 * mount9p/opttab.c - every 9p option of Linux 6.1 through 6.19, as data.
 *
 * Sources: fs/9p/v9fs.c (tokens/v9fs_param_spec, get_cache_mode,
 * v9fs_show_options), fs/9p/v9fs.h (p9_cache_bits), net/9p/client.c,
 * trans_fd.c, trans_rdma.c, trans_virtio.c of v6.1, v6.4, v6.12, v6.19.
 * Add a kernel rule by adding a row or bounding one with min/max.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "common/array.h"
#include "mount9p/opttab.h"
#include "mount9p/optval.h"

/* klibc 2.0's <sys/mount.h> stops at MS_NODIRATIME-era flags. */
#ifndef MS_SILENT
#define MS_SILENT	32768
#endif
#ifndef MS_RELATIME
#define MS_RELATIME	(1 << 21)
#endif
#ifndef MS_STRICTATIME
#define MS_STRICTATIME	(1 << 24)
#endif
#ifndef MS_LAZYTIME
#define MS_LAZYTIME	(1 << 25)
#endif

#define V(a, b)		R9P_KV(a, b)
#define OPT(n, k, t, lo, hi, m)	{ n, k, t, lo, hi, 0, 0, 0, 0, m }
#define NUM(n, t, min, m)	{ n, R9P_K_NUM, t, 0, 0, min, 0, 0, 0, m }
#define MFLAG(n, set, clr, m)	{ n, R9P_K_MFLAG, 0, 0, 0, 0, 0, set, clr, m }
#define FSTAB(n)	{ n, R9P_K_FSTAB, 0, 0, 0, 0, 0, 0, 0, \
			  "a mount(8)/fstab word, not a kernel option" }
#define T_FDSOCK	(R9P_T_TCP | R9P_T_UNIX | R9P_T_FD)

const struct r9p_optdef r9p_optdefs[] = {
	/* fs/9p/v9fs.c: the filesystem's own options */
	OPT("debug", R9P_K_HEX, 0, 0, 0,
	    "9p debug mask (needs CONFIG_NET_9P_DEBUG)"),
	OPT("dfltuid", R9P_K_ID, 0, 0, 0,
	    "owner uid of files the server gives no owner (default -2)"),
	OPT("dfltgid", R9P_K_ID, 0, 0, 0,
	    "group gid of files the server gives no group (default -2)"),
	NUM("afid", 0, 0, "fid of an authentication channel set up before"),
	OPT("uname", R9P_K_STR, 0, 0, 0,
	    "user name to attach as (default nobody)"),
	OPT("aname", R9P_K_STR, 0, 0, 0,
	    "export name to attach to on the server"),
	OPT("nodevmap", R9P_K_FLAG, 0, 0, 0,
	    "show device files, fifos and sockets as plain files"),
	OPT("cache", R9P_K_CACHE, 0, 0, 0, "cache mode"),
	OPT("loose", R9P_K_CACHEWORD, 0, 0, V(6, 3), "same as cache=loose"),
	OPT("fscache", R9P_K_CACHEWORD, 0, 0, V(6, 3),
	    "same as cache=fscache"),
	OPT("mmap", R9P_K_CACHEWORD, 0, 0, V(6, 3), "same as cache=mmap"),
	OPT("cachetag", R9P_K_STR, 0, 0, 0,
	    "FS-Cache tag of this mount (only with cache=fscache)"),
	OPT("access", R9P_K_ACCESS, 0, 0, 0, "who may use the mount"),
	OPT("posixacl", R9P_K_FLAG, 0, 0, 0,
	    "POSIX ACL checks in the guest (needs 9p2000.L, access=client)"),
	NUM("locktimeout", 0, 1,
	    "seconds a blocking lock waits before it retries (default 30)"),
	OPT("noxattr", R9P_K_FLAG, 0, V(6, 4), 0,
	    "no extended attributes on this mount"),
	OPT("directio", R9P_K_FLAG, 0, V(6, 4), 0,
	    "bypass the page cache for every read and write"),
	OPT("ignoreqv", R9P_K_FLAG, 0, V(6, 4), 0,
	    "cache files even when the server reports qid.version 0"),
	OPT("source", R9P_K_SOURCE, 0, V(6, 19), 0,
	    "the mount source, which mount(2) already gives"),
	/* net/9p/client.c */
	/* msize: at least 4096 (client.c), at most INT_MAX (match_int before
	 * 6.19, an explicit check since). */
	{ "msize", R9P_K_NUM, 0, 0, 0, 4096, 2147483647UL, 0, 0,
	  "largest 9p message in bytes (I/O size)" },
	OPT("noextend", R9P_K_NOEXTEND, 0, 0, 0,
	    "legacy 9P2000, same as version=9p2000"),
	OPT("trans", R9P_K_TRANS, 0, 0, 0, "transport"),
	OPT("version", R9P_K_VERSION, 0, 0, 0, "protocol version"),
	/* net/9p/trans_fd.c (tcp, unix, fd) and trans_rdma.c */
	NUM("port", R9P_T_TCP | R9P_T_RDMA, 0, "server port (default 564)"),
	NUM("rfdno", R9P_T_FD, 0, "file descriptor to read replies from"),
	NUM("wfdno", R9P_T_FD, 0, "file descriptor to write requests to"),
	OPT("privport", R9P_K_FLAG, R9P_T_TCP | R9P_T_RDMA, 0, 0,
	    "bind a privileged (< 1024) local port"),
	NUM("sq", R9P_T_RDMA, 0, "RDMA send queue depth (default 32)"),
	NUM("rq", R9P_T_RDMA, 0, "RDMA receive queue depth (default 32)"),
	NUM("timeout", R9P_T_RDMA, 0,
	    "RDMA connection timeout in ms (default 30000)"),
	/* generic words the VFS (or mount(8)) turns into mount flags */
	MFLAG("ro", MS_RDONLY, 0, "read-only"),
	MFLAG("rw", 0, MS_RDONLY, "read-write"),
	MFLAG("nosuid", MS_NOSUID, 0, "ignore set-user/group-id bits"),
	MFLAG("suid", 0, MS_NOSUID, "honour set-user/group-id bits"),
	MFLAG("nodev", MS_NODEV, 0, "no access to device files"),
	MFLAG("dev", 0, MS_NODEV, "device files work"),
	MFLAG("noexec", MS_NOEXEC, 0, "no program execution"),
	MFLAG("exec", 0, MS_NOEXEC, "programs may run"),
	MFLAG("sync", MS_SYNCHRONOUS, 0, "synchronous writes"),
	MFLAG("async", 0, MS_SYNCHRONOUS, "asynchronous writes"),
	MFLAG("dirsync", MS_DIRSYNC, 0, "synchronous directory changes"),
	MFLAG("relatime", MS_RELATIME, 0, "update atime relative to mtime"),
	MFLAG("norelatime", 0, MS_RELATIME, "no relative atime"),
	MFLAG("noatime", MS_NOATIME, 0, "never update access times"),
	MFLAG("atime", 0, MS_NOATIME, "update access times"),
	MFLAG("nodiratime", MS_NODIRATIME, 0,
	      "never update directory access times"),
	MFLAG("diratime", 0, MS_NODIRATIME, "update directory access times"),
	MFLAG("strictatime", MS_STRICTATIME, 0, "always update access times"),
	MFLAG("nostrictatime", 0, MS_STRICTATIME, "no strict atime"),
	MFLAG("lazytime", MS_LAZYTIME, 0, "keep timestamps in memory"),
	MFLAG("nolazytime", 0, MS_LAZYTIME, "write timestamps at once"),
	MFLAG("silent", MS_SILENT, 0, "fewer kernel messages"),
	MFLAG("loud", 0, MS_SILENT, "normal kernel messages"),
	MFLAG("mand", MS_MANDLOCK, 0, "mandatory locks (gone since 5.15)"),
	MFLAG("nomand", 0, MS_MANDLOCK, "no mandatory locks"),
	FSTAB("defaults"), FSTAB("auto"), FSTAB("noauto"), FSTAB("nofail"),
	FSTAB("_netdev"), FSTAB("user"), FSTAB("nouser"), FSTAB("users"),
	FSTAB("owner"), FSTAB("group"),
};
const unsigned r9p_noptdefs = ARRAY_SIZE(r9p_optdefs);

/* get_cache_mode(): 6.1 modes, then the 6.4+ shortcuts with their bits. */
const struct r9p_namedef r9p_cachemodes[] = {
	{ "none", 0, 0, 0, V(6, 3), "no cache: every access goes to the host" },
	{ "loose", 0, 0, 0, V(6, 3),
	  "cache data and metadata, no consistency with the host" },
	{ "fscache", 0, 0, 0, V(6, 3),
	  "loose, plus a persistent FS-Cache (cachefilesd)" },
	{ "mmap", 0, 0, 0, V(6, 3),
	  "cache only what shared writable mmap needs, like none otherwise" },
	{ "none", 0x0, 0, V(6, 4), 0, "no cache: every access goes to the host" },
	{ "readahead", 0x1, 0, V(6, 4), 0, "read-ahead file cache only" },
	{ "mmap", 0x5, 0, V(6, 4), 0,
	  "read-ahead and write-back file cache (6.1's mmap cached less)" },
	{ "loose", 0xf, 0, V(6, 4), 0,
	  "file and metadata caches, no consistency with the host" },
	{ "fscache", 0x8f, 0, V(6, 4), 0,
	  "loose, plus a persistent FS-Cache (cachefilesd)" },
};
const unsigned r9p_ncachemodes =
	ARRAY_SIZE(r9p_cachemodes);

/* .bits is the transport's largest msize (p9_trans_module.maxsize). */
const struct r9p_namedef r9p_transports[] = {
	{ "virtio", 512000, R9P_T_VIRTIO, 0, 0,
	  "a virtio-9p device (QEMU -virtfs / virtio-9p-pci)" },
	{ "tcp", 1048576, R9P_T_TCP, 0, 0, "TCP to a 9p server (port=)" },
	{ "unix", 1048576, R9P_T_UNIX, 0, 0, "a UNIX socket named by the source" },
	{ "fd", 1048576, R9P_T_FD, 0, 0, "open descriptors rfdno= and wfdno=" },
	{ "rdma", 1048576, R9P_T_RDMA, 0, 0, "RDMA to a 9p server (port=)" },
	{ "xen", 0, R9P_T_XEN, 0, 0, "a Xen 9pfs frontend" },
	{ "usbg", 0, R9P_T_USBG, V(6, 12), 0, "a USB gadget function" },
};
const unsigned r9p_ntransports =
	ARRAY_SIZE(r9p_transports);

const struct r9p_namedef r9p_versions[] = {
	{ "9p2000", 0, 0, 0, 0, "legacy 9P2000, no Unix extensions" },
	{ "9p2000.u", 0, 0, 0, 0, "9P2000.u: Unix extensions" },
	{ "9p2000.L", 0, 0, 0, 0,
	  "9P2000.L: Linux extensions (locks, xattrs, ACLs)" },
};
const unsigned r9p_nversions = ARRAY_SIZE(r9p_versions);

const struct r9p_namedef r9p_accessmodes[] = {
	{ "user", 0, 0, 0, 0, "one attach per user (default before 9p2000.L)" },
	{ "any", 0, 0, 0, 0, "one attach shared by every user" },
	{ "client", 0, 0, 0, 0,
	  "the guest kernel checks permissions (default with 9p2000.L)" },
};
const unsigned r9p_naccessmodes =
	ARRAY_SIZE(r9p_accessmodes);

/* p9_cache_bits of fs/9p/v9fs.h (6.4+). */
static const struct { unsigned bit; const char *word; } cache_bits[] = {
	{ R9P_CACHE_READAHEAD, "readahead" }, { R9P_CACHE_META, "metadata" },
	{ R9P_CACHE_WRITEBACK, "writeback" }, { R9P_CACHE_LOOSE, "loose" },
	{ R9P_CACHE_FSCACHE, "fscache" },
};

unsigned r9p_kv(const struct r9p_kernel *k)
{
	return k && k->major ? R9P_KV(k->major, k->minor) : R9P_KV(6, 1);
}

int r9p_kv_in(unsigned kv, unsigned min_kv, unsigned max_kv)
{
	return kv >= min_kv && (!max_kv || kv <= max_kv);
}

const struct r9p_optdef *r9p_optdef_find(const char *name, unsigned kv,
					 int any)
{
	unsigned i;

	for (i = 0; i < r9p_noptdefs; i++)
		if (!strcmp(r9p_optdefs[i].name, name) && (any ||
		    r9p_kv_in(kv, r9p_optdefs[i].min_kv, r9p_optdefs[i].max_kv)))
			return &r9p_optdefs[i];
	return NULL;
}

const struct r9p_namedef *r9p_namedef_find(const struct r9p_namedef *t,
					   unsigned n, const char *name,
					   unsigned kv)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i].name, name) &&
		    r9p_kv_in(kv, t[i].min_kv, t[i].max_kv))
			return &t[i];
	return NULL;
}

char *r9p_namedef_list(const struct r9p_namedef *t, unsigned n, unsigned kv,
		       char *buf, size_t len)
{
	size_t used = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		if (r9p_kv_in(kv, t[i].min_kv, t[i].max_kv))
			used += snprintf(buf + used, len - used, "%s%s",
					 used ? ", " : "", t[i].name);
	return buf;
}

long r9p_cache_bits(const char *cache, unsigned kv)
{
	const struct r9p_namedef *m;
	unsigned long long n;
	int ovf;

	if (!*cache)
		return 0;
	m = r9p_namedef_find(r9p_cachemodes, r9p_ncachemodes, cache,
			     kv < R9P_KV_CACHEBITS ? R9P_KV_CACHEBITS : kv);
	if (m)
		return m->bits;
	if (r9p_scan_number(cache, 0, &n, &ovf) == strlen(cache) && !ovf &&
	    n <= 0xffffffffULL)
		return (long)n;
	return -1;
}

/*
 * The kernel's choice of dentry operations (v9fs_mount): 6.4+ keeps
 * dentries when the metadata or loose bit is set; 6.1 when the mode is
 * loose or fscache, which the 6.4 names carry as the same bits.
 */
int r9p_cache_keeps_dentries(const char *cache, unsigned kv)
{
	long bits = r9p_cache_bits(cache, kv);

	return bits > 0 && (bits & (R9P_CACHE_META | R9P_CACHE_LOOSE));
}

char *r9p_cache_bits_words(unsigned bits, char *buf, size_t len)
{
	size_t used = 0;
	unsigned i, known = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(cache_bits); i++) {
		known |= cache_bits[i].bit;
		if ((bits & cache_bits[i].bit) && used < len)
			used += snprintf(buf + used, len - used, "%s%s",
					 used ? ", " : "", cache_bits[i].word);
	}
	if ((bits & ~known) && used < len)
		used += snprintf(buf + used, len - used, "%sreserved 0x%x",
				 used ? ", " : "", bits & ~known);
	if (!used)
		snprintf(buf, len, "no cache");
	return buf;
}
