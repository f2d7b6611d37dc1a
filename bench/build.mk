# bench/build.mk - iobench, the guest init of bench/io.sh (I/O workloads on
# the 9p root). Built with the host's compiler and libc, static, so it runs
# on any root: it needs clock_gettime, which klibc lacks, and does not ride in
# the initrd, so its size does not matter.

all: $(O)/iobench

$(O)/iobench: bench/iobench.c | $(O)
	$(CC) $(CSTD) $(WARN) $(DEFS) $(DEPFLAGS) -I. -O2 -static -o $@ $<
