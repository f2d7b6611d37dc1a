# bench/build.mk - iobench, the guest init of bench/io.sh (I/O workloads on
# the 9p root). Built with the host's compiler and libc, static, so it runs
# on any root: it needs clock_gettime, which klibc lacks, and does not ride in
# the initrd, so its size does not matter.

all: $(O)/iobench

$(O)/iobench: bench/iobench.c | $(O)
	$(CC) $(CSTD) $(WARN) $(DEFS) $(DEPFLAGS) -I. -O2 -static -o $@ $<

# bareinit: the floor of init9p's own steps (bench/boottime.sh's "bare"
# row), a guest PID 1 built like init9p. Not installed, not packaged.
all: $(GO)/bareinit

$(GO)/bareinit: $(GO)/obj/bench/bareinit.o $(GO)/obj/common/steps.o
	$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $^
