# mount9p/build.mk - libmount9p (the 9p and virtiofs option library) for
# the guest and the host, and its unit tests (its fuzz target:
# tests/fuzz/build.mk). The mount9p command is mount9p/mount9p.c, but its
# root modes are the root engine's (engine/rootcmd.c): it links libroot9p
# too, so its rules are in engine/build.mk, included after this file.
#
#   make unit                     includes test_opts, test_tags, test_effective
#
# Others link $(MOUNT9P_GUEST_LIB) (guest, $(GUEST_CC)) or
# $(MOUNT9P_HOST_LIB) (host, $(CC)); objects come from the generic rules
# of the top Makefile.

MOUNT9P_LIB_SRCS := mount9p/diag.c mount9p/kernel.c mount9p/opttab.c \
	mount9p/suggest.c mount9p/optval.c mount9p/optcombo.c mount9p/opts.c \
	mount9p/explain.c mount9p/mountinfo.c mount9p/tags.c mount9p/mount.c \
	mount9p/effective.c mount9p/virtiofs.c $(COMMON_SRCS)
MOUNT9P_GUEST_OBJS := $(patsubst %.c,$(GO)/obj/%.o,$(MOUNT9P_LIB_SRCS))
MOUNT9P_HOST_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(MOUNT9P_LIB_SRCS))
MOUNT9P_GUEST_LIB := $(GO)/libmount9p.a
MOUNT9P_HOST_LIB := $(O)/libmount9p.a

$(MOUNT9P_GUEST_LIB): $(MOUNT9P_GUEST_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(GUEST_AR) rcs $@ $^

$(MOUNT9P_HOST_LIB): $(MOUNT9P_HOST_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

MOUNT9P_TESTS := $(O)/test_opts $(O)/test_tags $(O)/test_effective $(O)/test_vfs
$(MOUNT9P_TESTS): $(O)/test_%: tests/unit/test_%.c $(MOUNT9P_HOST_LIB)
	$(CC) $(HOST_ALL_CFLAGS) -o $@ $< $(MOUNT9P_HOST_LIB)
UNIT_TESTS += $(MOUNT9P_TESTS)
