/* SPDX-License-Identifier: MIT */
/*
 * engine/root.c - the root step's decisions: command line -> checked
 * settings (rootmount.c then acts on them: tag, mount, read-back, /tmp).
 *
 * Every text a user sees about the root step is written here, so init9p
 * and the distro hooks (through mount9p --root / --check) say the same
 * thing for the same command line; the callers only add their name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/array.h"
#include "engine/overlay.h"
#include "engine/root.h"
#include "mount9p/mount.h"

#define DRACUT_VIRTFS_PREFIX "virtfs:"	/* dracut's 95virtfs writes root=virtfs:TAG */
#define VIRTIOFS_PREFIX "virtiofs:"	/* and 95virtiofs root=virtiofs:TAG */
#define VIRTIOFS "virtiofs"

void r9p_root_sayf(r9p_say_fn say, void *ctx, int level, const char *fmt,
		   ...)
{
	char raw[R9P_SAY_MAX], text[R9P_SAY_MAX];
	va_list ap;

	if (!say)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	r9p_escape_controls(raw, text, sizeof(text));
	say(ctx, level, text);
}

/* Copy the messages of FROM after those of TO. */
static void diags_append(struct r9p_diags *to, const struct r9p_diags *from)
{
	int i;

	for (i = 0; i < from->n; i++)
		r9p_diag_add(to, from->d[i].level, "%s", from->d[i].text);
	to->dropped += from->dropped;
}

static const char *first_error(const struct r9p_diags *d)
{
	int i;

	for (i = 0; i < d->n; i++)
		if (d->d[i].level == R9P_ERR)
			return d->d[i].text;
	return "refused";
}

/* A module name as modprobe takes it: no option, no glob, no path. */
static int module_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

int r9p_root_is_virtiofs(const struct r9p_cmdline *c)
{
	return strcmp(c->rootfstype, VIRTIOFS) == 0 ||
	       strncmp(c->root, VIRTIOFS_PREFIX, strlen(VIRTIOFS_PREFIX)) == 0;
}

const char *r9p_root_fstype(const struct r9p_root *r)
{
	return r->virtiofs ? VIRTIOFS : "9p";
}

int r9p_root_module_list(const char *extra, char *out, size_t len,
		     struct r9p_err *f)
{
	return r9p_root_module_list_for(0, extra, out, len, f);
}

int r9p_root_module_list_for(int virtiofs, const char *extra, char *out,
			     size_t len, struct r9p_err *f)
{
	const struct r9p_root_module *mods = virtiofs ? r9p_root_virtiofs_modules :
					     r9p_root_modules;
	const char *p = extra, *end;
	size_t used;

	int i;

	if (len)
		out[0] = '\0';
	for (i = 0; i < R9P_ROOT_NMODULES; i++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s",
			 i ? " " : "", mods[i].name);
	while (*p) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		if (end > p && !module_name_ok(p, end - p)) {
			r9p_errf(f, "use root9p.modules", R9P_EXIT_REFUSED,
			     "give module names separated by commas, e.g. "
			     "root9p.modules=overlay,virtio_blk",
			     "root9p.modules=%s: \"%.*s\" is not a module name",
			     extra, (int)(end - p), p);
			return -1;
		}
		used = strlen(out);
		if (end > p && used + (end - p) + 2 > len) {
			r9p_errf(f, "use root9p.modules", R9P_EXIT_REFUSED,
			     "name fewer modules", "root9p.modules=%.60s...: "
			     "too long", extra);
			return -1;
		}
		if (end > p)
			snprintf(out + used, len - used, " %.*s",
				 (int)(end - p), p);
		p = *end ? end + 1 : end;
	}
	return 0;
}

const char *r9p_root_wanted_modules(const struct r9p_cmdline *c, char *out,
				    size_t len)
{
	size_t i, used;

	snprintf(out, len, "%s", *c->overlay ? "overlay" : "");
	/* A scratch disk (root9p.tmp/swap/overlay=LABEL=x): its driver and
	 * file system. */
	if (r9p_scratch_wanted(c->tmp, c->swap, c->overlay))
		for (i = 0; r9p_scratch_modules[i]; i++) {
			used = strlen(out);
			snprintf(out + used, len - used, "%s%s", used ? "," : "",
				 r9p_scratch_modules[i]);
		}
	/* ip= (a root or share over trans=tcp): the network card QEMU's
	 * -device virtio-net-pci gives, and 9p's TCP transport (a module
	 * of its own, 9pnet_fd, in 6.1 and later). */
	used = strlen(out);
	if (*c->ip && strcmp(c->ip, "off") && strcmp(c->ip, "none"))
		snprintf(out + used, len - used, "%svirtio_net,9pnet_fd",
			 used ? "," : "");
	used = strlen(out);
	snprintf(out + used, len - used, "%s%s", used && *c->modules ? "," : "",
		 c->modules);
	return out;
}

int r9p_root_parse_cmdline(const char *text, struct r9p_cmdline *c,
			   r9p_say_fn say, void *ctx)
{
	if (r9p_cmdline_parse(text, c) < 0)
		r9p_root_sayf(say, ctx, R9P_SAY_WARN, "warning: the command line is "
		     "longer than %d bytes; its tail is ignored",
		     R9P_CMDLINE_MAX - 1);
	/* Debug lines are always said: the caller shows them or not
	 * (root9p.debug, known only now). */
	r9p_root_sayf(say, ctx, R9P_SAY_DEBUG, "command line: %s", text);
	return 0;
}

int r9p_root_load_cmdline(const char *file, struct r9p_cmdline *c,
			  r9p_say_fn say, void *ctx, struct r9p_err *f)
{
	char text[R9P_CMDLINE_MAX + 1];
	ssize_t n = -1;
	int fd;

	if (!file)
		file = "/proc/cmdline";
	fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
	}
	if (n < 0) {
		r9p_errf(f, "read the kernel command line", R9P_EXIT_SYSTEM,
		     strcmp(file, "/proc/cmdline") ?
		     "give --cmdline-file a readable file" :
		     "check that /proc is mounted (CONFIG_PROC_FS)", "%s: %s",
		     file, strerror(errno));
		return -1;
	}
	text[n] = '\0';
	/* The kernel ends it with a newline; the parser takes it as a blank. */
	return r9p_root_parse_cmdline(text, c, say, ctx);
}

/* The first control byte of V (below 0x20, or 0x7f), or NULL. */
static const char *control_byte(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return v;
	return NULL;
}

/*
 * The one rule for control bytes: no value that becomes a tag, mount
 * options, a path or a label may hold one. The kernel's splitting keeps
 * \t \n \v \f \r inside double quotes and every other control byte
 * anywhere; a newline would reach the hooks' unit files (dracut's
 * generator writes What=/Options= from --check's answer) as a line of
 * its own. 0, or -1 with F naming the key.
 */
static int config_controls(const struct r9p_cmdline *c,
			   struct r9p_err *f)
{
	const struct {
		const char *key, *value;
	} vals[] = {
		{ "root", c->root }, { "rootfstype", c->rootfstype },
		{ "rootflags", c->rootflags }, { "root9p.overlay", c->overlay },
		{ "root9p.tmp", c->tmp }, { "root9p.swap", c->swap },
	};
	const char *key = NULL, *v = NULL, *at = NULL;
	size_t i;
	int m;

	for (i = 0; !at && i < ARRAY_SIZE(vals); i++) {
		key = vals[i].key;
		v = vals[i].value;
		at = control_byte(v);
	}
	for (m = 0; !at && m < c->nmounts; m++) {
		key = "root9p.mount";
		v = c->mounts[m];
		at = control_byte(v);
	}
	if (!at)
		return 0;
	r9p_errf(f, "use the command line", R9P_EXIT_REFUSED, "remove the "
	     "control byte from that value (a newline or tab inside double "
	     "quotes stays in it); nothing was mounted",
	     "%s= holds the control byte 0x%02x at byte %d of its value: "
	     "no tag, option, path or label may hold bytes below 0x20 or "
	     "0x7f", key, (unsigned char)*at, (int)(at - v));
	return -1;
}

/* root9p.tmp (tmpfs options, or a disk whose absence falls back to the
 * default tmpfs) and root9p.swap (a disk only). 0 or -EINVAL (E). */
static int config_scratch(const struct r9p_cmdline *c, struct r9p_root *r,
			  struct r9p_err *e)
{
	int err;

	err = r9p_scratch_parse("root9p.tmp", c->tmp, 1, &r->tmp_disk, e);
	/* virtiofs keeps unlinked-open files working (tests/boot/virtiofs.sh
	 * probes it each boot): /tmp stays on the root unless asked for. */
	if (err >= 0)
		err = r9p_tmp_parse(err ? "" : *c->tmp || !r->virtiofs ?
				    c->tmp : "off", &r->tmp, e);
	if (err >= 0 && *c->swap) {
		err = r9p_scratch_parse("root9p.swap", c->swap, 0, &r->swap, e);
		if (err == 0) {
			r9p_errf(e, "use root9p.swap", -EINVAL, NULL,
				 "root9p.swap=%.60s: name the swap disk as "
				 "LABEL=name or UUID=uuid", c->swap);
			err = e->code;
		}
	}
	return err < 0 ? err : 0;
}

/* root9p.timeout= (default 10 s), raised by rootdelay=; rootwait waits
 * forever. Seconds are capped so the milliseconds cannot overflow. */
static long long config_timeout(const struct r9p_cmdline *c)
{
	long s = c->timeout >= 0 ? c->timeout : R9P_ROOT_TIMEOUT_S;

	if (c->rootwait)
		return -1;
	if (c->rootdelay > s)
		s = c->rootdelay;
	if (s > R9P_SECONDS_MAX)	/* the parser caps it; keep it so */
		s = R9P_SECONDS_MAX;
	return (long long)s * 1000;
}

/* A virtiofs tag: up to 36 bytes (virtiofs.h). 0 or -1. */
static int config_virtiofs_tag(struct r9p_root *r, struct r9p_err *f)
{
	char tags[512];

	if (!*r->tag) {
		r9p_errf(f, "find the root", R9P_EXIT_REFUSED,
		     "add root=TAG rootfstype=virtiofs, TAG being QEMU's "
		     "vhost-user-fs-pci tag=",
		     "no root= on the kernel command line (virtiofs: %s)",
		     r9p_virtiofs_tags_describe(tags, sizeof(tags)));
		return -1;
	}
	if (r9p_virtiofs_tag_check(r->tag, &r->diags) < 0) {
		r9p_errf(f, "find the root", R9P_EXIT_REFUSED,
		     "set root= to the tag= of QEMU's vhost-user-fs-pci",
		     "%s", first_error(&r->diags));
		return -1;
	}
	return 0;
}

/* Which tag, and is it a 9p root at all? 0, 1 (not 9p) or -1. */
static int config_tag(const struct r9p_cmdline *c, unsigned flags,
		      struct r9p_root *r, struct r9p_err *f)
{
	char tags[512];

	r->tag = c->root;
	if (r9p_root_is_virtiofs(c)) {
		if (!strncmp(c->root, VIRTIOFS_PREFIX, strlen(VIRTIOFS_PREFIX)))
			r->tag = c->root + strlen(VIRTIOFS_PREFIX);
		r->is9p = r->virtiofs = !*c->rootfstype ||
					!strcmp(c->rootfstype, VIRTIOFS);
	} else if (strncmp(c->root, DRACUT_VIRTFS_PREFIX, strlen(DRACUT_VIRTFS_PREFIX)) == 0) {
		r->tag = c->root + strlen(DRACUT_VIRTFS_PREFIX);
		r->is9p = !*c->rootfstype || strcmp(c->rootfstype, "9p") == 0;
	} else {
		r->is9p = strcmp(c->rootfstype, "9p") == 0 ||
			  (!*c->rootfstype && (flags & R9P_ROOT_ASSUME_9P));
	}
	if (!r->is9p) {
		r9p_errf(f, "use the command line", R9P_EXIT_REFUSED,
		     "use rootfstype=9p or rootfstype=virtiofs, or boot this "
		     "root with another initrd",
		     "%s%s: root9p mounts only 9p and virtiofs roots",
		     *c->rootfstype ? "rootfstype=" : "no rootfstype=9p",
		     c->rootfstype);
		return 1;
	}
	if (r->virtiofs)
		return config_virtiofs_tag(r, f);
	if (!*r->tag) {
		r9p_errf(f, "find the root", R9P_EXIT_REFUSED,
		     "add root=TAG rootfstype=9p, TAG being QEMU's mount_tag",
		     "no root= on the kernel command line (mount tags present: "
		     "%s)", r9p_tags_describe(tags, sizeof(tags)));
		return -1;
	}
	if (r9p_tag_check(r->tag, &r->diags) < 0) {
		r9p_errf(f, "find the root", R9P_EXIT_REFUSED,
		     "set root= to QEMU's mount_tag (mount9p --tags lists them)",
		     "%s", first_error(&r->diags));
		return -1;
	}
	return 0;
}

/*
 * rootflags into R->opts. An overlay's lower layer is read-only and the
 * host does not change it under a running guest, so it may cache: the
 * default cache mode is R9P_OVERLAY_LOWER_CACHE when rootflags names
 * none (bench/overlay.sh measured why).
 */
static int config_opts(const struct r9p_cmdline *c, const struct r9p_kernel *k,
		       struct r9p_root *r)
{
	char flags[R9P_CMDLINE_MAX + 32];	/* rootflags, ",cache=" and a mode */
	int err = r9p_opts_parse(c->rootflags, k, R9P_DEFAULTS, &r->opts);

	if (err < 0 || r->upper.kind == R9P_UPPER_NONE ||
	    !(r->opts.defaulted & R9P_DEF_CACHE))
		return err;
	snprintf(flags, sizeof(flags), "%s%scache=%s", c->rootflags,
		 *c->rootflags ? "," : "", R9P_OVERLAY_LOWER_CACHE);
	return r9p_opts_parse(flags, k, R9P_DEFAULTS, &r->opts);
}

int r9p_root_config(const struct r9p_cmdline *c, const struct r9p_kernel *k,
		    unsigned flags, struct r9p_root *r, struct r9p_err *f)
{
	struct r9p_err mod_fail, tmp_fail, upper_fail;
	char want[300];
	int err, mod_err, tmp_err;

	memset(r, 0, sizeof(*r));
	memset(f, 0, sizeof(*f));
	r9p_diags_init(&r->diags);
	r->kernel = *k;
	r->rootflags = c->rootflags;
	r->debug = c->debug;
	r->timeout_ms = config_timeout(c);
	if (c->ndropped)
		r9p_diag_add(&r->diags, R9P_WARN, "the command line has more "
			     "than %d words: the last %d are ignored (module "
			     "parameters among them do not reach the modules)",
			     R9P_CMDLINE_PARAMS, c->ndropped);
	/* The module list and /tmp first: a refused root still needs its
	 * modules (a rescue shell looks around), and a root mounted by hand
	 * there still gets its tmpfs (r9p_root_adopt). */
	r->virtiofs = r9p_root_is_virtiofs(c);
	mod_err = r9p_root_module_list_for(r->virtiofs,
					   r9p_root_wanted_modules(c, want,
					   sizeof(want)), r->modules,
					   sizeof(r->modules), &mod_fail);
	tmp_err = config_scratch(c, r, &tmp_fail);
	r->tmp_checked = tmp_err == 0;
	err = config_tag(c, flags, r, f);
	/* A 9p root (a refused tag included: the byte is the better
	 * reason); roots of other file systems are not ours to judge. */
	if (err != 1 && config_controls(c, f) < 0)
		return -1;
	if (err)
		return err;
	if (mod_err < 0) {
		*f = mod_fail;
		return -1;
	}
	if (tmp_err < 0) {
		r9p_errf(f, "use root9p.tmp", R9P_EXIT_REFUSED,
		     "use root9p.tmp=on, off, LABEL=name, UUID=uuid or tmpfs "
		     "options such as size=50%; root9p.swap=LABEL=name or "
		     "UUID=uuid", "%s", tmp_fail.why);
		return -1;
	}
	if (r9p_upper_parse(c->overlay, &r->upper, &upper_fail) < 0) {
		r9p_errf(f, "use root9p.overlay", R9P_EXIT_REFUSED,
		     "fix root9p.overlay= (nothing was mounted: the host's "
		     "tree stays untouched)", "%s", upper_fail.why);
		return -1;
	}
	err = r->virtiofs ? r9p_virtiofs_opts_parse(c->rootflags, k, &r->opts) :
	      config_opts(c, k, r);
	diags_append(&r->diags, &r->opts.diags);
	if (err < 0) {
		r9p_errf(f, "use rootflags", R9P_EXIT_REFUSED, r->virtiofs ?
		     "fix rootflags= on the kernel command line (mount9p "
		     "--explain -t virtiofs -o OPTS shows what a kernel takes)" :
		     "fix rootflags= on the kernel command line (mount9p "
		     "--explain -o OPTS shows what a kernel takes)",
		     "%s", first_error(&r->opts.diags));
		return -1;
	}
	/* rootflags' own ro/rw wins, as in the kernel; else ro/rw; else the
	 * kernel's default, read-only. */
	if (r->opts.rdonly < 0)
		r->opts.rdonly = c->rdonly < 0 ? 1 : c->rdonly;
	/* An overlay root: that choice is the overlay's; its lower layer
	 * is never written. */
	if (r->upper.kind != R9P_UPPER_NONE) {
		r->overlay_rdonly = r->opts.rdonly;
		r->opts.rdonly = 1;
	}
	r9p_extra_parse(c, k, &r->extras, &r->diags);
	return 0;
}

void r9p_root_say_diags(const struct r9p_diags *d, r9p_say_fn say, void *ctx)
{
	int i, first_err = 1;

	for (i = 0; i < d->n; i++) {
		if (d->d[i].level == R9P_ERR && first_err) {
			first_err = 0;
			continue;
		}
		r9p_root_sayf(say, ctx, d->d[i].level == R9P_ERR ? R9P_SAY_ERR :
		     d->d[i].level == R9P_WARN ? R9P_SAY_WARN : R9P_SAY_INFO,
		     "%s: %s", r9p_level_name(d->d[i].level), d->d[i].text);
	}
	if (d->dropped)
		r9p_root_sayf(say, ctx, R9P_SAY_INFO, "note: %d more messages not shown",
		     d->dropped);
}
