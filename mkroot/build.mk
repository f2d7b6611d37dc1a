# mkroot/build.mk - mkroot9p-convert, the host program behind
# `scripts/mkroot9p convert` (QEMU's mapped-xattr form of a root directory),
# and its unit tests.

MKROOT_SRCS := mkroot/main.c mkroot/convert.c mkroot/links.c mkroot/tree.c mkroot/qxattr.c \
	mkroot/inroot.c mkroot/inrootcli.c
MKROOT_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(MKROOT_SRCS)) $(O)/obj/common/err.o

all: $(O)/mkroot9p-convert

$(O)/mkroot9p-convert: $(MKROOT_OBJS)
	$(CC) $(HOST_ALL_CFLAGS) -o $@ $^

MKROOT_LIB := $(O)/obj/mkroot/convert.o $(O)/obj/mkroot/links.o \
	$(O)/obj/mkroot/tree.o $(O)/obj/mkroot/qxattr.o $(O)/obj/mkroot/inroot.o \
	$(O)/obj/common/err.o

$(O)/test_mkroot: tests/unit/test_mkroot.c $(MKROOT_LIB)
	$(CC) $(HOST_ALL_CFLAGS) -o $@ $(filter %.c %.o,$^)

# Hostile trees: bind mounts inside, a stopped run, a guest's set-uid file,
# symlinks in the way of mkroot9p's writes.
$(O)/test_mkroot_hostile: tests/unit/test_mkroot_hostile.c $(MKROOT_LIB)
	$(CC) $(HOST_ALL_CFLAGS) -o $@ $(filter %.c %.o,$^)

UNIT_TESTS += $(O)/test_mkroot $(O)/test_mkroot_hostile

# scripts/mkroot9p finds the converter in ../lib/root9p when installed.
install: install-mkroot
INSTALLED += $(PREFIX)/bin/mkroot9p $(PREFIX)/lib/root9p/mkroot9p-convert
.PHONY: install-mkroot
install-mkroot: $(O)/mkroot9p-convert
	install -D -m 0755 scripts/mkroot9p $(DESTDIR)$(PREFIX)/bin/mkroot9p
	install -D -m 0755 $(O)/mkroot9p-convert $(DESTDIR)$(PREFIX)/lib/root9p/mkroot9p-convert
