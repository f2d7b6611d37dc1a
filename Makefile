# SPDX-License-Identifier: MIT
# root9p - boot Linux guests whose root filesystem lives on 9p.
#
#   make              build init9p (klibc), mount9p, mkinitrd9p
#   make LIBC=musl    build the guest programs with musl (or LIBC=glibc)
#   make ARCH=aarch64 cross-build the guest programs for arm64 guests into
#                     build/aarch64-klibc (klcc from scripts/cross-klibc.sh);
#                     LIBC=glibc: build/aarch64-glibc (Debian's
#                     gcc-aarch64-linux-gnu + libc6-dev-arm64-cross)
#   make check        install test deps, run unit + boot tests
#   make quick        build, unit, lint, fuzz smoke, host suites: no boot
#   make lint         shellcheck over every shell file
#   make demo         boot a tiny guest on a 9p root and show what it saw
#
# Each folder owns its rules in a build.mk fragment included below.

LIBC      ?= klibc
# Guest architecture, from the command line only (kernel builds export ARCH=x86
# or arm64 for their own use); empty or the host's = a native build/LIBC.
GUEST_ARCH := $(if $(filter command line,$(origin ARCH)),$(filter-out $(shell uname -m),$(ARCH)))
O         ?= build
PREFIX    ?= /usr/local
DESTDIR   ?=
VERSION   := 0.1.0

WARN      := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Werror=implicit-function-declaration -Wno-format-truncation
# (snprintf truncation is how the code bounds messages: gcc's guess is noise.)
# Every compile writes the headers it read into a .d file beside its output
# (-MMD; -MP: a header deleted or renamed is no error), included below.
DEPFLAGS  := -MMD -MP
CSTD      := -std=c99
DEFS      := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DR9P_VERSION=\"$(VERSION)\"

# Host programs (mkinitrd9p, unit tests, the host mount9p).
CC        ?= cc
HOST_CFLAGS ?= -O2 -g
HOST_ALL_CFLAGS = $(CSTD) $(WARN) $(DEFS) $(DEPFLAGS) $(HOST_CFLAGS) -I.

# Guest programs (init9p and the mount9p it carries): static and small.
ifeq ($(LIBC),klibc)
GUEST_CC  := klcc
# klibc's <stdlib.h> defines abs() and friends inline: keep -Wshadow quiet.
GUEST_CFLAGS := -Os -fno-builtin-abs -fno-builtin-labs -fno-builtin-llabs \
                -ffunction-sections -fdata-sections
GUEST_LDFLAGS := -static -s -Wl,--gc-sections
else ifeq ($(LIBC),musl)
GUEST_CC  := musl-gcc
GUEST_CFLAGS := -Os -ffunction-sections -fdata-sections
GUEST_LDFLAGS := -static -s -Wl,--gc-sections
else ifeq ($(LIBC),glibc)
GUEST_CC  := $(CC)
GUEST_CFLAGS := -Os -ffunction-sections -fdata-sections
GUEST_LDFLAGS := -static -s -Wl,--gc-sections
else
$(error LIBC must be klibc, musl or glibc, not '$(LIBC)')
endif
GUEST_AR  := $(AR)
GO        := $(O)/$(LIBC)
# A cross build: klibc from scripts/cross-klibc.sh (Debian 12's klibc source
# cross-built into the cache; Debian has no cross klibc package) for aarch64,
# or glibc static with Debian's cross toolchain. musl has no cross package.
KLIBC_CROSS ?= $(or $(ROOT9P_CACHE),$(HOME)/.cache/root9p)/klibc-$(GUEST_ARCH)
ifneq ($(GUEST_ARCH),)
ifeq ($(LIBC),musl)
$(error ARCH=$(GUEST_ARCH) takes LIBC=klibc or LIBC=glibc (Debian has no cross musl))
endif
GUEST_AR  := $(GUEST_ARCH)-linux-gnu-ar
GO        := $(O)/$(GUEST_ARCH)-$(LIBC)
ifeq ($(LIBC),klibc)
GUEST_CC  := $(KLIBC_CROSS)/bin/klcc
ifeq ($(wildcard $(GUEST_CC)),)
$(error $(GUEST_CC) not found: run scripts/cross-klibc.sh (or make ARCH=$(GUEST_ARCH) LIBC=glibc))
endif
else
GUEST_CC  := $(GUEST_ARCH)-linux-gnu-gcc
ifeq ($(shell command -v $(GUEST_CC)),)
$(error $(GUEST_CC) not found: apt-get install gcc-$(GUEST_ARCH)-linux-gnu libc6-dev-$(subst aarch64,arm64,$(GUEST_ARCH))-cross)
endif
endif
endif
# klcc compiles with -g (stripped at link, but the build ID is taken over the
# debug info): the source folder's path must not be in it, for the same
# bytes from any checkout (the Debian packages are built reproducibly).
GUEST_ALL_CFLAGS = $(CSTD) $(WARN) $(DEFS) $(DEPFLAGS) $(GUEST_CFLAGS) -ffile-prefix-map=$(CURDIR)=. -I.

.PHONY: all deps check quick unit lint boot fuzz demo bench bench-cost install uninstall clean
all:

# Generic object rules: guest objects under $(GO)/obj, host under $(O)/obj.
# Every object depends on the headers it includes, as the compiler saw them
# (DEPFLAGS, the .d files included at the end): an object left stale by a
# struct that grew (struct r9p_cmdline in payload9p, struct r9p_root in
# init9p) is a memory bug no test may be lucky enough to see, so every
# object that uses a header is rebuilt when it changes, and only those.
$(GO)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_ALL_CFLAGS) -c -o $@ $<

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_ALL_CFLAGS) -c -o $@ $<

include common/build.mk
include mount9p/build.mk
include tmpfs/build.mk
include engine/build.mk
include semantics/build.mk
include blkid9p/build.mk
include init/build.mk
include mkinitrd/build.mk
include mkroot/build.mk
include bench/build.mk
include hooks/build.mk
include tests/build.mk
include tests/fuzz/build.mk
include man/build.mk
include semantics/run.mk
include fstests/run.mk

$(O) $(GO) $(O)/obj $(GO)/obj:
	mkdir -p $@

# apt packages the tests and the demo need (installed only when missing).
deps:
	scripts/deps.sh

# Unit, fuzz, mkinitrd9p and boot tests (klibc and musl builds of init9p);
# one closing line "check: N passed, N failed".
check: deps
	O=$(O) tests/check.sh

# The fast tier: no QEMU boot; one closing line "quick: N passed, ...".
quick: deps
	O=$(O) tests/quick.sh

# shellcheck over every shell file (.shellcheckrc); one check a file.
lint:
	tests/lint.sh

demo: deps
	scripts/demo.sh

bench: deps
	bench/run.sh $(if $(QUICK),--quick)

# Issue 28's figures in one run (about an hour): init9p's own steps and
# run9p's host time against their goals, the floor, scale, I/O against
# virtiofs and an ext4 image. Not part of check.
bench-cost: deps
	bench/cost.sh $(if $(PARTS),--parts "$(PARTS)")

# Host tools in bin, the guest programs (static) in lib/root9p where
# mkinitrd9p looks for them, mount9p also in sbin for the guest's own use,
# the loop's kernel fragment in share/root9p (run9p --kconfig finds it),
# run9p's functions in lib/root9p/run9p.d (scripts/run9p.d: its thin main
# looks beside itself, then in ../lib/root9p).
# Every install rule names its files in INSTALLED too (absolute, without
# DESTDIR): `make uninstall` removes exactly those (tests/install.sh).
RUN9P_PARTS := $(notdir $(wildcard scripts/run9p.d/*.sh))
INSTALLED_DIRS += $(PREFIX)/lib/root9p/run9p.d $(PREFIX)/lib/root9p $(PREFIX)/share/root9p
INSTALLED += $(addprefix $(PREFIX)/lib/root9p/run9p.d/,$(RUN9P_PARTS))
INSTALLED += $(PREFIX)/bin/run9p $(PREFIX)/lib/root9p/run9p-loop \
	$(PREFIX)/lib/root9p/run9p-fstests \
	$(PREFIX)/lib/root9p/payload9p $(PREFIX)/lib/root9p/init9p \
	$(PREFIX)/lib/root9p/mount9p $(PREFIX)/sbin/mount9p \
	$(PREFIX)/share/root9p/root9p-loop.config
install: all
	install -D -m 0755 scripts/run9p $(DESTDIR)$(PREFIX)/bin/run9p
	install -D -m 0644 scripts/run9p-loop $(DESTDIR)$(PREFIX)/lib/root9p/run9p-loop
	install -D -m 0644 scripts/run9p-fstests $(DESTDIR)$(PREFIX)/lib/root9p/run9p-fstests
	install -d $(DESTDIR)$(PREFIX)/lib/root9p/run9p.d
	install -m 0644 $(addprefix scripts/run9p.d/,$(RUN9P_PARTS)) $(DESTDIR)$(PREFIX)/lib/root9p/run9p.d/
	install -D -m 0755 $(GO)/payload9p $(DESTDIR)$(PREFIX)/lib/root9p/payload9p
	install -D -m 0755 $(GO)/init9p $(DESTDIR)$(PREFIX)/lib/root9p/init9p
	install -D -m 0755 $(GO)/mount9p $(DESTDIR)$(PREFIX)/lib/root9p/mount9p
	install -D -m 0755 $(GO)/mount9p $(DESTDIR)$(PREFIX)/sbin/mount9p
	install -D -m 0644 kconfig/root9p-loop.config $(DESTDIR)$(PREFIX)/share/root9p/root9p-loop.config

# The files of INSTALLED, then the folders that are root9p's own (listed in
# INSTALLED_DIRS) when they are empty; standard folders (bin, man8) stay.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	for d in $(INSTALLED_DIRS); do \
		if [ -d "$(DESTDIR)$$d" ]; then rmdir "$(DESTDIR)$$d" || exit 1; fi; \
	done

# The list, for tests/install.sh.
.PHONY: print-installed
print-installed:
	@printf '%s\n' $(INSTALLED)

clean:
	rm -rf $(O)

# What each object and program built straight from its .c read (DEPFLAGS):
# none before the first build, which builds everything anyway.
-include $(shell find $(O) -name '*.d' 2>/dev/null)
