# blkid9p/build.mk - blkid9p, the scratch-disk helper: libblkid linked
# statically with glibc (klibc cannot link libblkid), whatever LIBC the
# guest programs use; it goes beside init9p, where mkinitrd9p --scratch
# takes it from. Needs Debian's libblkid-dev (libblkid.a).
#
#   make build/klibc/blkid9p

BLKID9P_LIBS := $(shell pkg-config --static --libs blkid 2>/dev/null || echo -lblkid)

ifeq ($(GUEST_ARCH),)
all: $(GO)/blkid9p
endif

$(GO)/blkid9p: blkid9p/blkid9p.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) $(DEFS) -Os -ffunction-sections -fdata-sections \
		-static -s -Wl,--gc-sections -o $@ $< $(BLKID9P_LIBS)

install: install-blkid9p
.PHONY: install-blkid9p
install-blkid9p: $(GO)/blkid9p
	install -D -m 0755 $(GO)/blkid9p $(DESTDIR)$(PREFIX)/lib/root9p/blkid9p
