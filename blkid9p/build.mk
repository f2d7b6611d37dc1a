# blkid9p/build.mk - blkid9p, the scratch-disk helper: libblkid linked
# statically with glibc (klibc cannot link libblkid), whatever LIBC the
# guest programs use; it goes beside init9p, where mkinitrd9p --scratch
# takes it from. Needs Debian's libblkid-dev (libblkid.a).
#
#   make build/klibc/blkid9p

BLKID9P_LIBS := $(shell pkg-config --static --libs blkid 2>/dev/null || echo -lblkid)

# Built with the host's gcc: native guests only (no cross libblkid.a).
ifeq ($(GUEST_ARCH),)
all: $(GO)/blkid9p
install: install-blkid9p
endif

$(GO)/blkid9p: blkid9p/blkid9p.c common/err.c
	@mkdir -p $(@D)
	@pkg-config --exists blkid || { echo "blkid9p needs libblkid's static library: apt-get install libblkid-dev (or make deps)" >&2; exit 1; }
	$(CC) $(CSTD) $(WARN) $(DEFS) $(DEPFLAGS) -I. -Os -ffunction-sections -fdata-sections \
		-ffile-prefix-map=$(CURDIR)=. \
		-static -s -Wl,--gc-sections -o $@ $^ $(BLKID9P_LIBS)

.PHONY: install-blkid9p
INSTALLED += $(PREFIX)/lib/root9p/blkid9p
install-blkid9p: $(GO)/blkid9p
	install -D -m 0755 $(GO)/blkid9p $(DESTDIR)$(PREFIX)/lib/root9p/blkid9p
