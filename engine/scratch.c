/* SPDX-License-Identifier: MIT */
/*
 * engine/scratch.c - find a scratch disk by LABEL= or UUID= through the
 * blkid9p helper, and swapon.
 *
 * The helper is run with a fixed argv and no shell, its output read
 * through a pipe (bounded); the device it names must be a /dev node, so
 * a confused helper cannot make the engine mount something else.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "common/spawn.h"
#include "engine/scratch.h"
#include "mount9p/mount.h"

#ifdef __KLIBC__
int swapon(const char *path, int flags);	/* in klibc, not declared */
#else
#include <sys/swap.h>
#endif

#define POLL_US 100000		/* between two looks for the disk */
#define PROGRESS_MS 5000	/* between two "still waiting" */
#define OUT_MAX 2048		/* what is kept of the helper's output */

#define MKFS_WORD ",mkfs"
#define MKFS_LABEL_MAX 16	/* ext2/3/4's s_volume_name; mke2fs cuts more */
#define BLANK_SAY 256		/* what blkid9p blank says of a disk */
/* The step of a struct r9p_err of this file (the caller says its own). */
#define FIND_STEP "find the scratch disk"
#define PARSE_STEP "use the scratch disk's name"

static const char *const helper_paths[] = R9P_BLKID9P_PATHS;
static const char *const mkfs_paths[] = R9P_MKFS_PATHS;

/* The tag kinds a value may start with, as fstab and blkid spell them. */
static const char *const kinds[] = { "LABEL=", "UUID=" };

int r9p_scratch_parse(const char *key, const char *value, int mkfs_ok,
		      struct r9p_scratch *s, struct r9p_err *e)
{
	const char *name = NULL;
	size_t i, n = strlen(value);

	s->spec[0] = '\0';
	s->mkfs = 0;
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (strncmp(value, kinds[i], strlen(kinds[i])) == 0)
			name = value + strlen(kinds[i]);
	if (!name)
		return 0;
	if (n > strlen(MKFS_WORD) &&
	    strcmp(value + n - strlen(MKFS_WORD), MKFS_WORD) == 0) {
		s->mkfs = 1;
		n -= strlen(MKFS_WORD);
	}
	/* Blanks never reach us (the command line splits on them); another
	 * comma would be an option this version does not know. */
	if ((size_t)(name - value) >= n || memchr(value, ',', n) ||
	    n >= sizeof(s->spec)) {
		r9p_errf(e, PARSE_STEP, -EINVAL, NULL, "%s=%.60s: give one "
			 "LABEL=name or UUID=uuid (at most %d characters), "
			 "then ,mkfs or nothing", key, value,
			 (int)sizeof(s->spec) - 1);
		return e->code;
	}
	if (s->mkfs && (!mkfs_ok || value[0] != 'L')) {
		r9p_errf(e, PARSE_STEP, -EINVAL, NULL, "%s=%.60s: ,mkfs is for "
			 "root9p.tmp=LABEL=name (the new file system gets that "
			 "label)", key, value);
		return e->code;
	}
	/* Checked here, before any disk is looked at: mke2fs would shorten
	 * the label, and the disk it formatted would never be found. */
	if (s->mkfs && n - (name - value) > MKFS_LABEL_MAX) {
		r9p_errf(e, PARSE_STEP, -EINVAL, NULL, "%s=%.60s: the label is "
			 "%d bytes; ext4 labels (what ,mkfs makes) have at most "
			 "%d: give LABEL= a shorter name", key, value,
			 (int)(n - (name - value)), MKFS_LABEL_MAX);
		return e->code;
	}
	snprintf(s->spec, sizeof(s->spec), "%.*s", (int)n, value);
	return 1;
}

int r9p_scratch_wanted(const char *tmp, const char *swap, const char *overlay)
{
	struct r9p_scratch s;
	struct r9p_err e;

	return r9p_scratch_parse("", tmp, 1, &s, &e) == 1 ||
	       r9p_scratch_parse("", swap, 0, &s, &e) == 1 ||
	       r9p_scratch_parse("", overlay, 0, &s, &e) == 1;
}

static const char *find_helper(void)
{
	size_t i;

	for (i = 0; helper_paths[i]; i++)
		if (access(helper_paths[i], X_OK) == 0)
			return helper_paths[i];
	return NULL;
}

/* Run ARGV (ARGV[0] a full path), its output into OUT (LEN bytes, cut).
 * Returns its exit status (0..255: blkid9p's 1 means "not there yet"; a
 * program that could not be started is 127), -ECHILD when a signal ended
 * it, or -errno when it could not be run. */
static int run_argv(char *const argv[], char *out, size_t len)
{
	struct r9p_spawn s = { .in_fd = -1, .out = out, .out_size = len };
	struct r9p_err e;

	if (r9p_spawn_run(argv, &s, &e) == 0)
		return 0;
	if (s.status >= 0)
		return s.status;
	return s.signal ? -ECHILD : e.code;
}

/* The helper with ARG1 (and ARG2, may be NULL). */
static int run_helper(const char *helper, const char *arg1, const char *arg2,
		      char *out, size_t len)
{
	char *argv[] = { (char *)helper, (char *)arg1, (char *)arg2, NULL };

	return run_argv(argv, out, len);
}

/* "DEVICE FSTYPE\n" from the helper: a block device under /dev only. */
static int take_answer(const char *out, char *dev, size_t dev_len,
		       char *fstype, size_t fstype_len)
{
	char d[256], t[64];
	struct stat st;

	if (sscanf(out, "%255s %63s", d, t) != 2 ||
	    strncmp(d, "/dev/", 5) != 0 || strstr(d, "/../") ||
	    stat(d, &st) < 0 || !S_ISBLK(st.st_mode))
		return -EPROTO;
	snprintf(dev, dev_len, "%s", d);
	snprintf(fstype, fstype_len, "%s", t);
	return 0;
}

/* The helper's list as one line: "/dev/vda ext4 LABEL=a UUID=b; ...". */
static void describe_disks(const char *helper, char *why, int len)
{
	char out[OUT_MAX], d[256], t[64], l[256], u[128], *line, *p;
	int n = 0, used;

	if (run_helper(helper, "list", NULL, out, sizeof(out)) != 0) {
		snprintf(why, len, "(blkid9p list failed)");
		return;
	}
	why[0] = '\0';
	for (p = out; (line = strsep(&p, "\n")) != NULL;) {
		if (sscanf(line, "%255s %63s %255s %127s", d, t, l, u) != 4)
			continue;
		used = strlen(why);
		snprintf(why + used, len - used, "%s%s %s LABEL=%s UUID=%s",
			 n++ ? "; " : "", d, t, l, u);
	}
	if (!n)
		snprintf(why, len, "none");
}

static const char *find_mkfs(void)
{
	size_t i;

	for (i = 0; mkfs_paths[i]; i++)
		if (access(mkfs_paths[i], X_OK) == 0)
			return mkfs_paths[i];
	return NULL;
}

/* No disk has S's label: format the one blank disk with it. 0 (the
 * caller looks again), or -errno with WHY (FOUND: the disks there). */
static int format_blank(const char *helper, const struct r9p_scratch *s,
			const char *found, struct r9p_err *e)
{
	char out[OUT_MAX], dev[256], more[256], check[BLANK_SAY];
	char *argv[5];
	const char *mkfs = find_mkfs();
	int rc, n;

	rc = run_helper(helper, "blank-disks", NULL, out, sizeof(out));
	n = rc == 0 ? sscanf(out, "%255s %255s", dev, more) : -1;
	if (n < 0 || n == EOF) {
		r9p_errf(e, FIND_STEP, -ENOENT, NULL,
			 "no disk with %s, and no blank disk (one "
			 "with no signature at all) to format; disks with a "
			 "file system: %s", s->spec, found);
		return e->code;
	}
	if (n == 2) {
		r9p_errf(e, FIND_STEP, -ENOENT, NULL,
			 "no disk with %s, and several blank disks "
			 "(%s, %s ...): which one to format is not guessed; "
			 "disks with a file system: %s", s->spec, dev, more,
			 found);
		return e->code;
	}
	if (strncmp(dev, "/dev/", 5) != 0 || strstr(dev, "/../")) {
		r9p_errf(e, FIND_STEP, -EPROTO, NULL,
			 "blank-disks: unexpected answer \"%.80s\"",
			 out);
		return e->code;
	}
	if (!mkfs) {
		r9p_errf(e, FIND_STEP, -ENOEXEC, NULL,
			 "no disk with %s; %s is blank but this image "
			 "has no mke2fs to format it (looked in /sbin, /bin, "
			 "/usr/sbin)", s->spec, dev);
		return e->code;
	}
	/* Asked again just before: nothing may have been written to it. */
	if (run_helper(helper, "blank", dev, check, sizeof(check)) != 0) {
		check[strcspn(check, "\n")] = '\0';
		r9p_errf(e, FIND_STEP, -EBUSY, NULL,
			 "%s is no longer blank (%s): not formatted",
			 dev, *check ? check : "blkid9p blank failed");
		return e->code;
	}
	argv[0] = (char *)mkfs;
	argv[1] = "-L";
	argv[2] = (char *)s->spec + strlen("LABEL=");
	argv[3] = dev;
	argv[4] = NULL;
	rc = run_argv(argv, out, sizeof(out));
	if (rc != 0) {
		r9p_errf(e, FIND_STEP, -EIO, NULL,
			 "%s -L %s %s failed (%d)", mkfs, argv[2], dev,
			 rc);
		return e->code;
	}
	return 0;
}

int r9p_scratch_find(const struct r9p_scratch *s, long long timeout_ms,
		     void (*progress)(void *ctx, long long waited_ms),
		     void *ctx, char *dev, size_t dev_len, char *fstype,
		     size_t fstype_len, int *formatted, struct r9p_err *e)
{
	const char *helper = find_helper();
	long long start = r9p_now_ms(), said = start, now;
	char out[OUT_MAX], found[OUT_MAX / 2];
	int rc;

	if (!helper) {
		r9p_errf(e, FIND_STEP, -ENOEXEC, NULL,
			 "no blkid9p helper in this image (looked in "
			 "/bin, /sbin, /usr/sbin, /usr/lib/root9p, "
			 "/usr/local/lib/root9p)");
		return e->code;
	}
	for (;;) {
		rc = run_helper(helper, "find", s->spec, out, sizeof(out));
		if (rc == 0)
			break;
		if (rc != 1) {	/* a helper that cannot work: no retry */
			r9p_errf(e, FIND_STEP, rc < 0 ? rc : -EIO, NULL,
				 "%s find %s: %s", helper, s->spec,
				 rc < 0 ? strerror(-rc) : "failed");
			return e->code;
		}
		now = r9p_now_ms();
		if (timeout_ms >= 0 && now - start >= timeout_ms) {
			describe_disks(helper, found, sizeof(found));
			if (s->mkfs && !*formatted) {
				rc = format_blank(helper, s, found, e);
				if (rc)
					return rc;
				*formatted = 1;
				start = r9p_now_ms();	/* look again */
				continue;
			}
			r9p_errf(e, FIND_STEP, -ENOENT, NULL,
				 "no disk with %s after %lld s; disks "
				 "with a file system: %s", s->spec,
				 timeout_ms / 1000, found);
			return e->code;
		}
		if (progress && now - said >= PROGRESS_MS) {
			said = now;
			progress(ctx, now - start);
		}
		usleep(POLL_US);
	}
	if (take_answer(out, dev, dev_len, fstype, fstype_len) < 0) {
		r9p_errf(e, FIND_STEP, -EPROTO, NULL,
			 "%s find %s: unexpected answer \"%.80s\"",
			 helper, s->spec, out);
		return e->code;
	}
	return 0;
}

int r9p_scratch_swapon(const char *dev)
{
	return swapon(dev, 0) < 0 ? -errno : 0;
}
