# SPDX-License-Identifier: MIT
# engine/build.mk - libroot9p, the root engine (what root=, rootflags=,
# root9p.overlay=, root9p.mount=, root9p.tmp= mean, and the steps that
# mount the root), for the guest and the host; the mount9p command, whose
# root modes are the engine's; and the engine's unit tests.
#
#   make build/klibc/mount9p      guest CLI (LIBC=musl|glibc for the others)
#   make unit                     includes test_root, test_rootcli ...
#
# libroot9p holds the engine and the /tmp step (tmpfs/, TMPFS_SRCS); it
# needs libmount9p after it on the link line: others link
# $(ROOT9P_GUEST_LIBS) (guest) or $(ROOT9P_HOST_LIBS) (host), both.

ROOT9P_LIB_SRCS := engine/cmdline.c engine/root.c engine/rootmount.c \
	engine/rootmods.c engine/scratch.c engine/upper.c engine/overlay.c \
	engine/extramount.c $(TMPFS_SRCS)
ROOT9P_GUEST_OBJS := $(patsubst %.c,$(GO)/obj/%.o,$(ROOT9P_LIB_SRCS))
ROOT9P_HOST_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(ROOT9P_LIB_SRCS))
ROOT9P_GUEST_LIB := $(GO)/libroot9p.a
ROOT9P_HOST_LIB := $(O)/libroot9p.a
ROOT9P_GUEST_LIBS := $(ROOT9P_GUEST_LIB) $(MOUNT9P_GUEST_LIB)
ROOT9P_HOST_LIBS := $(ROOT9P_HOST_LIB) $(MOUNT9P_HOST_LIB)

all: $(GO)/mount9p

$(ROOT9P_GUEST_LIB): $(ROOT9P_GUEST_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(GUEST_AR) rcs $@ $^

$(ROOT9P_HOST_LIB): $(ROOT9P_HOST_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# The mount9p command (mount9p/mount9p.c, its root modes engine/rootcmd.c)
# that runs in guests (static, same libc as init9p) ...
$(GO)/mount9p: $(GO)/obj/mount9p/mount9p.o $(GO)/obj/engine/rootcmd.o \
		$(ROOT9P_GUEST_LIBS)
	$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $^

# ... and the same on the host, for --explain/--kernel without a guest.
$(O)/mount9p: $(O)/obj/mount9p/mount9p.o $(O)/obj/engine/rootcmd.o \
		$(ROOT9P_HOST_LIBS)
	$(CC) -o $@ $^

ENGINE_TESTS := $(O)/test_root $(O)/test_scratch $(O)/test_overlay
$(ENGINE_TESTS): $(O)/test_%: tests/unit/test_%.c $(ROOT9P_HOST_LIBS)
	$(CC) $(HOST_ALL_CFLAGS) -o $@ $< $(ROOT9P_HOST_LIBS)
UNIT_TESTS += $(ENGINE_TESTS)

$(O)/test_cmdline: tests/unit/test_cmdline.c $(O)/obj/engine/cmdline.o
	$(CC) $(HOST_ALL_CFLAGS) -o $@ $(filter %.c %.o %.a,$^)
UNIT_TESTS += $(O)/test_cmdline

# The CLI's root modes as the hooks use them: a shell test of the host
# build, wrapped so tests/unit/run.sh runs it like the others.
$(O)/test_rootcli: tests/unit/test_rootcli.sh $(O)/mount9p
	printf '#!/bin/sh\nexec "%s" "%s"\n' "$(CURDIR)/$<" \
		"$(abspath $(O))/mount9p" >$@
	chmod 0755 $@
UNIT_TESTS += $(O)/test_rootcli

# The option library's and the engine's unit tests built for the guest
# (make ARCH=aarch64 LIBC=glibc cross-unit): static, run under qemu-user
# by tests/boot/arm64.sh.
CROSS_UNIT_TESTS := $(GO)/test_opts $(GO)/test_root $(GO)/test_cmdline \
	$(GO)/test_tags $(GO)/test_effective
.PHONY: cross-unit
cross-unit: $(CROSS_UNIT_TESTS)
$(CROSS_UNIT_TESTS): $(GO)/test_%: tests/unit/test_%.c $(ROOT9P_GUEST_LIBS)
	$(GUEST_CC) $(GUEST_ALL_CFLAGS) -static -o $@ $< $(ROOT9P_GUEST_LIBS)
