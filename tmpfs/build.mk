# tmpfs/build.mk - the /tmp workaround, linked into init9p.
TMPFS_SRCS := tmpfs/tmpfs.c

# unlinkprobe: a static guest program showing which calls work on an open,
# unlinked file (tests put it into probe roots; see tests/boot/mkroot9p.sh).
all: $(GO)/unlinkprobe

$(GO)/unlinkprobe: $(GO)/obj/tmpfs/unlinkprobe.o
	$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $^
