# mount9p/build.mk - libmount9p for the guest and the host, the mount9p
# CLI, its unit tests and its fuzz target.
#
#   make build/klibc/mount9p      guest CLI (LIBC=musl|glibc for the others)
#   make unit                     includes test_opts, test_tags, test_effective
#   make fuzz                     libFuzzer (clang, ASan+UBSan), bounded run
#
# Others link $(MOUNT9P_GUEST_LIB) (guest, $(GUEST_CC)) or
# $(MOUNT9P_HOST_LIB) (host, $(CC)); objects come from the generic rules
# of the top Makefile.

MOUNT9P_LIB_SRCS := mount9p/diag.c mount9p/kernel.c mount9p/opttab.c \
	mount9p/suggest.c mount9p/optval.c mount9p/optcombo.c mount9p/opts.c \
	mount9p/explain.c mount9p/mountinfo.c mount9p/tags.c mount9p/mount.c mount9p/cmdline.c \
	mount9p/effective.c
MOUNT9P_HDRS := $(wildcard mount9p/*.h)
MOUNT9P_GUEST_OBJS := $(patsubst %.c,$(GO)/obj/%.o,$(MOUNT9P_LIB_SRCS))
MOUNT9P_HOST_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(MOUNT9P_LIB_SRCS))
MOUNT9P_GUEST_LIB := $(GO)/libmount9p.a
MOUNT9P_HOST_LIB := $(O)/libmount9p.a

all: $(GO)/mount9p

$(MOUNT9P_GUEST_OBJS) $(MOUNT9P_HOST_OBJS) $(GO)/obj/mount9p/mount9p.o \
$(O)/obj/mount9p/mount9p.o: $(MOUNT9P_HDRS)

$(MOUNT9P_GUEST_LIB): $(MOUNT9P_GUEST_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(MOUNT9P_HOST_LIB): $(MOUNT9P_HOST_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# The CLI that runs in guests (static, same libc as init9p) ...
$(GO)/mount9p: $(GO)/obj/mount9p/mount9p.o $(MOUNT9P_GUEST_LIB)
	$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $^

# ... and the same on the host, for --explain/--kernel without a guest.
$(O)/mount9p: $(O)/obj/mount9p/mount9p.o $(MOUNT9P_HOST_LIB)
	$(CC) -o $@ $^

MOUNT9P_TESTS := $(O)/test_opts $(O)/test_tags $(O)/test_effective
$(MOUNT9P_TESTS): $(O)/test_%: tests/unit/test_%.c tests/unit/t.h \
		  $(MOUNT9P_HOST_LIB)
	$(CC) $(HOST_ALL_CFLAGS) -o $@ $< $(MOUNT9P_HOST_LIB)
UNIT_TESTS += $(MOUNT9P_TESTS)

# libFuzzer: the sources are built again with the sanitizers. At least
# FUZZ_RUNS inputs, bounded by FUZZ_TIME seconds; new inputs go to
# $(O)/fuzz/corpus_opts, the seeds in tests/fuzz/ stay as they are.
FUZZ_CC ?= clang
FUZZ_RUNS ?= 1000000
FUZZ_TIME ?= 900
MOUNT9P_FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all

$(O)/fuzz/fuzz_opts: tests/fuzz/fuzz_opts.c $(MOUNT9P_LIB_SRCS) $(MOUNT9P_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CSTD) $(WARN) -Wno-unknown-warning-option $(DEFS) -I. \
		$(MOUNT9P_FUZZ_FLAGS) -o $@ \
		tests/fuzz/fuzz_opts.c $(MOUNT9P_LIB_SRCS)

.PHONY: fuzz-mount9p
fuzz: fuzz-mount9p
fuzz-mount9p: $(O)/fuzz/fuzz_opts
	@mkdir -p $(O)/fuzz/corpus_opts
	$(O)/fuzz/fuzz_opts -runs=$(FUZZ_RUNS) -max_total_time=$(FUZZ_TIME) \
		-max_len=4200 -print_final_stats=1 \
		$(O)/fuzz/corpus_opts tests/fuzz/corpus_opts
