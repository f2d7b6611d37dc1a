/* SPDX-License-Identifier: MIT */
/*
 * mount9p/exit.h - the exit codes of mount9p, which the hooks read. The
 * root engine (engine/root.h) returns them from its steps, so they live
 * below it, beside the command that exits with them.
 */
#ifndef R9P_EXIT_H
#define R9P_EXIT_H

/* Exit codes of mount9p; init9p uses the step names instead. */
enum r9p_root_exit {
	R9P_EXIT_OK = 0,
	R9P_EXIT_REFUSED = 1,	/* the command line (options, tag) is refused */
	R9P_EXIT_USAGE = 2,
	R9P_EXIT_NOTAG = 3,	/* the tag did not appear in time */
	R9P_EXIT_MOUNT = 4,	/* mount(2) failed */
	R9P_EXIT_SYSTEM = 5,	/* sysfs or /proc could not be read */
};

#endif
