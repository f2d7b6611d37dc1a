/* SPDX-License-Identifier: MIT */
/*
 * mount9p/rootcmd.h - mount9p's face of the root engine (engine/root.h):
 * --root, --check and --modules. Each returns mount9p's exit code.
 * The command (mount9p.c) declares here what it calls; engine/rootcmd.c
 * implements it, so the include runs from engine/ down to mount9p/ only.
 */
#ifndef R9P_ROOTCMD_H
#define R9P_ROOTCMD_H

struct r9p_rootcmd {
	const char *cmdline;	/* the text itself; NULL: cmdline_file */
	const char *cmdline_file;	/* FILE; both NULL: /proc/cmdline */
	const char *kernel;	/* release to check for; NULL: running */
	int kmsg;		/* messages to /dev/kmsg, not stderr */
};

/* The whole root step on DIR; on failure its reason also on stdout. */
int r9p_rootcmd_root(const struct r9p_rootcmd *rc, const char *dir);

/* Check only; the result as shell-quoted KEY=VALUE lines on stdout. */
int r9p_rootcmd_check(const struct r9p_rootcmd *rc);

/* The modules to load for the root, one line, spaces between. */
int r9p_rootcmd_modules(const struct r9p_rootcmd *rc);

#endif
