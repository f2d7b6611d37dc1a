# SPDX-License-Identifier: MIT
# tests/fuzz/build.mk - libFuzzer targets for every parser of untrusted
# text, built with clang's ASan+UBSan, and the runs of them.
#
#   make fuzz          every target, at least FUZZ_RUNS inputs each (default
#                      1000000), each bounded by FUZZ_TIME seconds (a hang
#                      guard: listimg has run at 190 to 1100 inputs/s)
#   make fuzz-smoke    every target, FUZZ_SMOKE_RUNS inputs (bounded by
#                      FUZZ_SMOKE_TIME seconds): a quick look
#   make fuzz-run-NAME / fuzz-smoke-NAME     one target
#
# Each target is tests/fuzz/fuzz_NAME.c with seeds in tests/fuzz/corpus_NAME/;
# new inputs go to $(O)/fuzz/corpus_NAME, crashes to $(O)/fuzz/crash_NAME-*.
# Each run prints "FUZZ-START NAME need=N" and "FUZZ-EXIT NAME RC" around
# libFuzzer's own output (tests/check.sh counts one check per target).
# The libraries are built again with the sanitizers into archives, so a
# target links only the objects its parser needs.

FUZZ_CC ?= clang
FUZZ_RUNS ?= 1000000
FUZZ_TIME ?= 7200
FUZZ_SMOKE_RUNS ?= 20000
FUZZ_SMOKE_TIME ?= 60

# opts: 9p options + mountinfo; cmdline, modparams: /proc/cmdline;
# tmp: root9p.tmp=; kernel: release strings; cpio: the newc reader (and
# the writer, round trip); decompress: gzip/xz/zstd; listimg: --list;
# runargs: root9p.run= (payload9p); extramount: root9p.mount=; overlay:
# root9p.overlay=; scratch: root9p.tmp/swap=LABEL=|UUID=; vfsopts:
# virtiofs rootflags; check: mount9p --check's output; root: the root
# engine's whole config step (r9p_root_config).
FUZZ_TARGETS := opts cmdline modparams tmp kernel cpio decompress listimg \
	runargs extramount overlay scratch vfsopts check root
FUZZ_MKINITRD_TARGETS := cpio decompress listimg

# Longest input per target (libFuzzer's -max_len).
FUZZ_LEN_opts := 4200
FUZZ_LEN_cmdline := 4200
FUZZ_LEN_modparams := 4200
FUZZ_LEN_tmp := 400
FUZZ_LEN_kernel := 80
FUZZ_LEN_cpio := 16384
FUZZ_LEN_decompress := 8192
FUZZ_LEN_listimg := 16384
FUZZ_LEN_runargs := 8192
FUZZ_LEN_extramount := 1200
FUZZ_LEN_overlay := 300
FUZZ_LEN_scratch := 300
FUZZ_LEN_vfsopts := 4200
FUZZ_LEN_check := 4200
FUZZ_LEN_root := 4200

FUZZ_DIR := $(O)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = $(CSTD) $(WARN) -Wno-unknown-warning-option $(DEFS) $(DEPFLAGS) -I. \
	-g -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	$(shell pkg-config --cflags $(MKINITRD_LIBS_PC)) \
	-DLIBEXECDIR=\"$(PREFIX)/lib/root9p\"
FUZZ_LDFLAGS := $(FUZZ_SAN) -fsanitize=fuzzer

FUZZ_MOUNT9P_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(MOUNT9P_LIB_SRCS) $(ROOT9P_LIB_SRCS))
FUZZ_MKINITRD_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/mkinitrd/%.o,\
	$(filter-out main.c,$(MKINITRD_SRCS))) \
	$(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(COMMON_SRCS))
FUZZ_MOUNT9P_LIB := $(FUZZ_DIR)/libmount9p.a
FUZZ_MKINITRD_LIB := $(FUZZ_DIR)/libmkinitrd.a
FUZZ_BINS := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS))

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_MOUNT9P_LIB): $(FUZZ_MOUNT9P_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_MKINITRD_LIB): $(FUZZ_MKINITRD_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_MOUNT9P_LIB)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^

$(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_MKINITRD_TARGETS)): $(FUZZ_DIR)/fuzz_%: \
		$(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_MKINITRD_LIB)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^ $(MKINITRD_LDLIBS)

# runargs is init9p's (payload9p), check drives mount9p's CLI code.
$(FUZZ_DIR)/fuzz_runargs: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_runargs.o \
		$(FUZZ_DIR)/obj/init/runargs.o
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^

$(FUZZ_DIR)/fuzz_check: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_check.o \
		$(FUZZ_DIR)/obj/engine/rootcmd.o $(FUZZ_MOUNT9P_LIB)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^

# fuzz_run NAME RUNS SECONDS: one bounded libFuzzer run, framed for check.sh.
fuzz_run = mkdir -p $(FUZZ_DIR)/corpus_$(1); \
	echo "FUZZ-START $(1) need=$(2)"; \
	$(FUZZ_DIR)/fuzz_$(1) -runs=$(2) -max_total_time=$(3) \
		-max_len=$(FUZZ_LEN_$(1)) -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_DIR)/crash_$(1)- \
		$(FUZZ_DIR)/corpus_$(1) tests/fuzz/corpus_$(1); \
	rc=$$?; echo "FUZZ-EXIT $(1) $$rc"; exit $$rc

FUZZ_RUN_GOALS := $(addprefix fuzz-run-,$(FUZZ_TARGETS))
FUZZ_SMOKE_GOALS := $(addprefix fuzz-smoke-,$(FUZZ_TARGETS))
.PHONY: fuzz-build fuzz-smoke $(FUZZ_RUN_GOALS) $(FUZZ_SMOKE_GOALS)

fuzz-build: $(FUZZ_BINS)
fuzz: $(FUZZ_RUN_GOALS)
fuzz-smoke: $(FUZZ_SMOKE_GOALS)

$(FUZZ_RUN_GOALS): fuzz-run-%: $(FUZZ_DIR)/fuzz_%
	@$(call fuzz_run,$*,$(FUZZ_RUNS),$(FUZZ_TIME))

$(FUZZ_SMOKE_GOALS): fuzz-smoke-%: $(FUZZ_DIR)/fuzz_%
	@$(call fuzz_run,$*,$(FUZZ_SMOKE_RUNS),$(FUZZ_SMOKE_TIME))

# Keep the objects of the targets (make would delete them as intermediates).
.SECONDARY: $(patsubst %,$(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o,$(FUZZ_TARGETS))

# The targets' names, for tests/check.sh.
.PHONY: fuzz-list
fuzz-list:
	@echo $(FUZZ_TARGETS)
