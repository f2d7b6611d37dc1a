# tmpfs/build.mk - the /tmp workaround, linked into init9p.
TMPFS_SRCS := tmpfs/tmpfs.c
