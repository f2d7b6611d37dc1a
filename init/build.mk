# init/build.mk - init9p, the static PID 1 (klcc by default; LIBC=musl,
# LIBC=glibc also build it).
INIT_SRCS := init/init9p.c init/early.c init/modload.c init/switchroot.c init/execcheck.c \
             init/rescue.c init/log.c init/compat.c init/modrun.c \
             init/modplan.c init/modinfo.c init/pin.c init/net.c
INIT_OBJS := $(patsubst %.c,$(GO)/obj/%.o,$(INIT_SRCS))

all: $(GO)/init9p

# The objects init9p is linked from, for bench/size.sh.
.PHONY: print-init-objs
print-init-objs:
	@printf '%s\n' $(INIT_OBJS)

$(GO)/init9p: $(INIT_OBJS) $(ROOT9P_GUEST_LIBS)
	$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $(INIT_OBJS) $(ROOT9P_GUEST_LIBS)

# Unit tests build the pieces for the host.
$(O)/test_nuke: tests/unit/test_nuke.c $(O)/obj/init/switchroot.o \
		$(O)/obj/init/execcheck.o $(O)/obj/init/compat.o $(O)/obj/init/log.o \
		$(O)/obj/common/err.o
	$(CC) $(HOST_ALL_CFLAGS) -o $@ $(filter %.c %.o %.a,$^)

$(O)/test_execcheck: tests/unit/test_execcheck.c $(O)/obj/init/switchroot.o \
		$(O)/obj/init/execcheck.o $(O)/obj/init/compat.o $(O)/obj/init/log.o \
		$(O)/obj/common/err.o
	$(CC) $(HOST_ALL_CFLAGS) -o $@ $(filter %.c %.o %.a,$^)

$(O)/test_modplan: tests/unit/test_modplan.c $(O)/obj/init/modplan.o \
		$(O)/obj/init/modinfo.o
	$(CC) $(HOST_ALL_CFLAGS) -o $@ $(filter %.c %.o %.a,$^)

UNIT_TESTS += $(O)/test_modplan $(O)/test_nuke $(O)/test_execcheck

# payload9p: the PID 1 of run9p's loop image (run9p -- CMD): the same
# engine and module loader, then one command and a power-off.
PAYLOAD_SRCS := init/payload.c init/early.c init/runargs.c init/modload.c init/modrun.c \
                init/modplan.c init/modinfo.c init/log.c \
                init/compat.c init/net.c
PAYLOAD_OBJS := $(patsubst %.c,$(GO)/obj/%.o,$(PAYLOAD_SRCS))

all: $(GO)/payload9p

$(GO)/payload9p: $(PAYLOAD_OBJS) $(ROOT9P_GUEST_LIBS)
	$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $(PAYLOAD_OBJS) $(ROOT9P_GUEST_LIBS)

$(O)/test_runargs: tests/unit/test_runargs.c $(O)/obj/init/runargs.o
	$(CC) $(HOST_ALL_CFLAGS) -o $@ $(filter %.c %.o %.a,$^)

UNIT_TESTS += $(O)/test_runargs

$(O)/test_net: tests/unit/test_net.c $(O)/obj/init/net.o $(O)/obj/init/log.o \
		$(ROOT9P_HOST_LIBS)
	$(CC) $(HOST_ALL_CFLAGS) -o $@ $(filter %.c %.o %.a,$^)

UNIT_TESTS += $(O)/test_net
