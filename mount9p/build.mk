# mount9p/build.mk - libmount9p for the guest and the host, the mount9p
# CLI and its unit tests (its fuzz target: tests/fuzz/build.mk).
#
#   make build/klibc/mount9p      guest CLI (LIBC=musl|glibc for the others)
#   make unit                     includes test_opts, test_tags, test_effective
#
# Others link $(MOUNT9P_GUEST_LIB) (guest, $(GUEST_CC)) or
# $(MOUNT9P_HOST_LIB) (host, $(CC)); objects come from the generic rules
# of the top Makefile.

MOUNT9P_LIB_SRCS := mount9p/diag.c mount9p/kernel.c mount9p/opttab.c \
	mount9p/suggest.c mount9p/optval.c mount9p/optcombo.c mount9p/opts.c \
	mount9p/explain.c mount9p/mountinfo.c mount9p/tags.c mount9p/mount.c mount9p/cmdline.c \
	mount9p/effective.c mount9p/root.c mount9p/rootmount.c mount9p/rootmods.c tmpfs/tmpfs.c \
	mount9p/scratch.c mount9p/virtiofs.c \
	mount9p/upper.c mount9p/overlay.c mount9p/extramount.c
MOUNT9P_GUEST_OBJS := $(patsubst %.c,$(GO)/obj/%.o,$(MOUNT9P_LIB_SRCS))
MOUNT9P_HOST_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(MOUNT9P_LIB_SRCS))
MOUNT9P_GUEST_LIB := $(GO)/libmount9p.a
MOUNT9P_HOST_LIB := $(O)/libmount9p.a

all: $(GO)/mount9p

$(MOUNT9P_GUEST_LIB): $(MOUNT9P_GUEST_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(GUEST_AR) rcs $@ $^

$(MOUNT9P_HOST_LIB): $(MOUNT9P_HOST_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# The CLI that runs in guests (static, same libc as init9p) ...
$(GO)/mount9p: $(GO)/obj/mount9p/mount9p.o $(GO)/obj/mount9p/rootcmd.o \
		$(MOUNT9P_GUEST_LIB)
	$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $^

# ... and the same on the host, for --explain/--kernel without a guest.
$(O)/mount9p: $(O)/obj/mount9p/mount9p.o $(O)/obj/mount9p/rootcmd.o \
		$(MOUNT9P_HOST_LIB)
	$(CC) -o $@ $^

MOUNT9P_TESTS := $(O)/test_opts $(O)/test_tags $(O)/test_effective $(O)/test_vfs \
	$(O)/test_root $(O)/test_scratch $(O)/test_overlay
$(MOUNT9P_TESTS): $(O)/test_%: tests/unit/test_%.c tests/unit/t.h \
		  $(MOUNT9P_HOST_LIB)
	$(CC) $(HOST_ALL_CFLAGS) -o $@ $< $(MOUNT9P_HOST_LIB)
UNIT_TESTS += $(MOUNT9P_TESTS)

# The CLI's root modes as the hooks use them: a shell test of the host
# build, wrapped so tests/unit/run.sh runs it like the others.
$(O)/test_rootcli: tests/unit/test_rootcli.sh $(O)/mount9p
	printf '#!/bin/sh\nexec "%s" "%s"\n' "$(CURDIR)/$<" \
		"$(abspath $(O))/mount9p" >$@
	chmod 0755 $@
UNIT_TESTS += $(O)/test_rootcli

# The option library's unit tests built for the guest (make ARCH=aarch64
# LIBC=glibc cross-unit): static, run under qemu-user by tests/boot/arm64.sh.
CROSS_UNIT_TESTS := $(GO)/test_opts $(GO)/test_root $(GO)/test_cmdline \
	$(GO)/test_tags $(GO)/test_effective
.PHONY: cross-unit
cross-unit: $(CROSS_UNIT_TESTS)
$(CROSS_UNIT_TESTS): $(GO)/test_%: tests/unit/test_%.c tests/unit/t.h \
		  $(MOUNT9P_GUEST_LIB)
	$(GUEST_CC) $(GUEST_ALL_CFLAGS) -static -o $@ $< $(MOUNT9P_GUEST_LIB)
