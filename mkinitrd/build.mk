# SPDX-License-Identifier: MIT
# mkinitrd/build.mk - mkinitrd9p, the host-side initrd generator, and its
# unit tests (cpio writer round trip, load-list ordering, hostile inputs
# and output directories).

MKINITRD_LIBS_PC := libkmod zlib liblzma libzstd
MKINITRD_CFLAGS = $(HOST_ALL_CFLAGS) $(shell pkg-config --cflags $(MKINITRD_LIBS_PC)) \
                  -DLIBEXECDIR=\"$(PREFIX)/lib/root9p\"
MKINITRD_LDLIBS = $(shell pkg-config --libs $(MKINITRD_LIBS_PC))

MKINITRD_SRCS := main.c moddir.c modules.c kbuild.c kconfig.c loadlist.c image.c rescue.c scratch.c elf.c cpio.c \
                 cpio_read.c compress.c decompress.c listimg.c outfile.c util.c
MKINITRD_OBJ  := $(O)/obj/mkinitrd
MKINITRD_OBJS := $(addprefix $(MKINITRD_OBJ)/,$(MKINITRD_SRCS:.c=.o))

# What test_cpio needs to write an archive and read it back (--list code).
MKINITRD_CPIO_OBJS := $(addprefix $(MKINITRD_OBJ)/,cpio.o cpio_read.o \
                      listimg.o compress.o decompress.o util.o) \
                      $(O)/obj/common/err.o

all: $(O)/mkinitrd9p

$(MKINITRD_OBJ):
	mkdir -p $@

$(MKINITRD_OBJ)/%.o: mkinitrd/%.c | $(MKINITRD_OBJ)
	$(CC) $(MKINITRD_CFLAGS) -c -o $@ $<

$(MKINITRD_OBJ)/test_%.o: tests/unit/test_%.c | $(MKINITRD_OBJ)
	$(CC) $(MKINITRD_CFLAGS) -c -o $@ $<

# The module list is the root engine's (engine/rootmods.c); rescue.c runs
# busybox through common/spawn.c.
$(O)/mkinitrd9p: $(MKINITRD_OBJS) $(O)/obj/engine/rootmods.o \
		$(patsubst %.c,$(O)/obj/%.o,$(COMMON_SRCS))
	$(CC) $(HOST_CFLAGS) -o $@ $^ $(MKINITRD_LDLIBS)

$(O)/test_cpio: $(MKINITRD_OBJ)/test_cpio.o $(MKINITRD_CPIO_OBJS)
	$(CC) $(HOST_CFLAGS) -o $@ $^ $(MKINITRD_LDLIBS)

$(O)/test_loadlist: $(MKINITRD_OBJ)/test_loadlist.o \
                    $(MKINITRD_OBJ)/loadlist.o $(MKINITRD_OBJ)/util.o
	$(CC) $(HOST_CFLAGS) -o $@ $^

# Planted links at the output, FIFOs and devices as inputs, bombs in --list.
$(O)/test_mkinitrd_hostile: $(MKINITRD_OBJ)/test_mkinitrd_hostile.o \
                            $(MKINITRD_CPIO_OBJS) $(MKINITRD_OBJ)/outfile.o
	$(CC) $(HOST_CFLAGS) -o $@ $^ $(MKINITRD_LDLIBS)

UNIT_TESTS += $(O)/test_cpio $(O)/test_loadlist $(O)/test_mkinitrd_hostile

# Against a real unpacked kernel (skips without one):
#   make mkinitrd-test KERNEL_BASE=/path/to/root KVER=6.1.0-25-amd64
.PHONY: mkinitrd-test
mkinitrd-test: $(O)/mkinitrd9p
	MKINITRD9P=$(O)/mkinitrd9p tests/mkinitrd/test.sh

.PHONY: install-mkinitrd
INSTALLED += $(PREFIX)/bin/mkinitrd9p
install: install-mkinitrd
install-mkinitrd: $(O)/mkinitrd9p
	install -D -m 0755 $(O)/mkinitrd9p $(DESTDIR)$(PREFIX)/bin/mkinitrd9p
