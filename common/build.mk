# SPDX-License-Identifier: MIT
# common/build.mk - the helpers every folder may use (common/err.c: the
# failure idiom; common/spawn.c: run a program; common/steps.c: the boot's
# steps line). libmount9p, the lowest library, carries them
# (mount9p/build.mk adds COMMON_SRCS), so whatever links libmount9p or
# libroot9p has them; other programs list the objects.
COMMON_SRCS := common/err.c common/spawn.c common/steps.c

$(O)/test_spawn: tests/unit/test_spawn.c \
		$(patsubst %.c,$(O)/obj/%.o,$(COMMON_SRCS))
	$(CC) $(HOST_ALL_CFLAGS) -o $@ $(filter %.c %.o %.a,$^)
UNIT_TESTS += $(O)/test_spawn
