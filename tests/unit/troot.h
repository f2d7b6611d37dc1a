/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/troot.h - fixtures the root engine's table tests share.
 *
 * t_fake_sysfs() makes an empty folder and hands it to the engine as its
 * sysfs (r9p_tags_set_sysfs: no variable PID 1 would read); t_root_row()
 * runs one command line through r9p_root_config and checks its return.
 */
#ifndef R9P_TROOT_H
#define R9P_TROOT_H

#include <stdlib.h>

#include "engine/cmdline.h"
#include "engine/root.h"
#include "mount9p/tags.h"
#include "tests/unit/t.h"

/* TMPL ("/tmp/NAME-XXXXXX", writable) made and used as the sysfs. */
static inline void t_fake_sysfs(char *tmpl)
{
	SETUP(mkdtemp(tmpl) != NULL, "mkdtemp %s: %s", tmpl, strerror(errno));
	r9p_tags_set_sysfs(tmpl);
}

/* LINE parsed into C and configured into R (F) for Linux 6.1 with FLAGS;
 * one check that r9p_root_config returned WANT. 1 when it did. */
static inline int t_root_row(const char *line, unsigned flags, int want,
			     struct r9p_cmdline *c, struct r9p_root *r,
			     struct r9p_err *f)
{
	struct r9p_kernel k = { 6, 1 };
	int ret;

	r9p_cmdline_parse(line, c);
	ret = r9p_root_config(c, &k, flags, r, f);
	CHECK(ret == want, "%s: returned %d, want %d (%s: %s)", line, ret,
	      want, f->step ? f->step : "-", f->why);
	return ret == want;
}

#endif
