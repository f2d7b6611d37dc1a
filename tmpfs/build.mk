# tmpfs/build.mk - the /tmp policy and step (root9p.tmp=), which the root
# engine's library carries (engine/build.mk links TMPFS_SRCS into
# libroot9p), its unit test, and the unlink probe.
TMPFS_SRCS := tmpfs/tmpfs.c

# tmpfs.c reads the mount back with libmount9p's mountinfo.
$(O)/test_tmpfs: tests/unit/test_tmpfs.c $(patsubst %.c,$(O)/obj/%.o,$(TMPFS_SRCS)) \
		$(MOUNT9P_HOST_LIB)
	$(CC) $(HOST_ALL_CFLAGS) -o $@ $(filter %.c %.o %.a,$^)
UNIT_TESTS += $(O)/test_tmpfs

# unlinkprobe: a static guest program showing which calls work on an open,
# unlinked file (tests put it into probe roots; see tests/boot/mkroot9p.sh).
all: $(GO)/unlinkprobe

$(GO)/unlinkprobe: $(GO)/obj/tmpfs/unlinkprobe.o
	$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $^
