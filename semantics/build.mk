# semantics/build.mk - semprobe, the filesystem semantics probe the
# semantics runner puts into its guests ($(GO)/semprobe), and its host
# build ($(O)/semprobe-host) for development and the unit check.
#
# semprobe is built with glibc, static, whatever LIBC says: klibc has no
# inotify, xattr, OFD-lock, copy_file_range, fallocate or O_TMPFILE
# wrappers, and a probe that only measures what its libc can say would
# measure the libc. The runner takes $(GO)/semprobe as it is (one static
# file, no loader, no NSS: the probes never look up a name). A cross build
# (ARCH=aarch64) uses Debian's aarch64-linux-gnu-gcc for it.

SEM_SRCS := semantics/main.c semantics/harness.c semantics/errname.c \
	semantics/sha256.c \
	semantics/unlink.c semantics/link.c semantics/mmap.c semantics/lock.c \
	semantics/xattr.c semantics/own.c semantics/special.c semantics/size.c \
	semantics/bigdir.c semantics/time.c semantics/statfs.c semantics/inotify.c \
	semantics/fsx.c
SEM_HDRS := semantics/sem.h
SEM_CC := $(if $(GUEST_ARCH),$(GUEST_ARCH)-linux-gnu-gcc,$(CC))
SEM_CFLAGS = $(CSTD) $(WARN) $(DEFS) -I.

ifeq ($(GUEST_ARCH),)
all: $(GO)/semprobe $(O)/semprobe-host $(GO)/semdurable $(GO)/semfault
endif

$(GO)/semprobe: $(SEM_SRCS) $(SEM_HDRS)
	@mkdir -p $(dir $@)
	$(SEM_CC) $(SEM_CFLAGS) -Os -ffile-prefix-map=$(CURDIR)=. -static -s \
		-o $@ $(SEM_SRCS)

# semdurable: the durability writer and coherence poller (semantics/durability.sh,
# coherence.sh); the host runs the same static file to check what survived.
$(GO)/semdurable: semantics/durable.c common/err.c
	@mkdir -p $(dir $@)
	$(SEM_CC) $(SEM_CFLAGS) -Os -ffile-prefix-map=$(CURDIR)=. -static -s -o $@ $^

# semfault: the guest side of the fault runs (semantics/faults.sh); it
# names errnos as semprobe does (errname.c), without the rest of the harness.
$(GO)/semfault: semantics/fault.c semantics/errname.c $(SEM_HDRS)
	@mkdir -p $(dir $@)
	$(SEM_CC) $(SEM_CFLAGS) -Os -ffile-prefix-map=$(CURDIR)=. -static -s \
		-o $@ semantics/fault.c semantics/errname.c

$(O)/semprobe-host: $(SEM_SRCS) $(SEM_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(SEM_CFLAGS) $(HOST_CFLAGS) -o $@ $(SEM_SRCS)

# The host build on a fresh tmpfs (needs root, else skipped): a shell test
# wrapped so tests/unit/run.sh runs it like the others.
$(O)/test_semprobe: tests/unit/test_semprobe.sh $(O)/semprobe-host
	printf '#!/bin/sh\nexec "%s" "%s"\n' "$(CURDIR)/$<" \
		"$(abspath $(O))/semprobe-host" >$@
	chmod 0755 $@
UNIT_TESTS += $(O)/test_semprobe
