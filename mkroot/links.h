/* SPDX-License-Identifier: MIT */
/*
 * mkroot/links.h - the converter's hard-link table and its journal
 * (mkroot/links.c); the journal's open/done/close are in convert.h.
 */
#ifndef R9P_LINKS_H
#define R9P_LINKS_H

#include <sys/stat.h>

#include "mkroot/convert.h"

/* The remembered first name of ST's (dev, inode), or NULL. */
struct r9p_conv_link *r9p_conv_find_link(struct r9p_conv *c, const struct stat *st);

/* Forget L (its name turned out not to hold a converted entry). */
void r9p_conv_drop_link(struct r9p_conv *c, struct r9p_conv_link *l);

/* REL (lstat ST, several names) is about to be replaced by its rebuilt form:
 * remember it, in the journal too (created on first use, synced). 0 or -errno. */
int r9p_conv_remember_link(struct r9p_conv *c, const struct stat *st, const char *rel);

/*
 * NAME in DIRFD is another name of L's old inode: make it a link to L's
 * rebuilt entry, which must be of type TYPE in converted form. 0, -ESTALE
 * when L's name holds no such entry (the caller rebuilds NAME itself; E
 * untouched), or -errno with E filled (its step the failed call).
 */
int r9p_conv_relink(struct r9p_conv *c, int dirfd, const char *name,
		    const struct r9p_conv_link *l, mode_t type, struct r9p_err *e);

#endif
