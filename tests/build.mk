# tests/build.mk - unit tests (each folder appends its programs to
# UNIT_TESTS) and boot tests (real kernel, QEMU, 9p).
#
# Each unit test program prints "NAME: N passed, N failed[, N skipped]
# [(plan N)]"; `make unit` adds them up (tests/unit/run.sh) into the one
# closing line CI reads.

UNIT_TESTS ?=
# The shell check library (tests/lib/check.sh) holds suites to their plan.
UNIT_TESTS += tests/unit/test_checklib.sh

# The folders include each other one way (engine/ -> tmpfs/ -> mount9p/):
# a shell check of the sources, wrapped so tests/unit/run.sh runs it.
$(O)/test_layering: tests/unit/test_layering.sh | $(O)
	printf '#!/bin/sh\nexec "%s" "%s"\n' "$(CURDIR)/$<" "$(CURDIR)" >$@
	chmod 0755 $@
UNIT_TESTS += $(O)/test_layering

# DESIGN.md's Layout names every C file the build compiles, and no other.
$(O)/test_layout: tests/unit/test_layout.sh | $(O)
	printf '#!/bin/sh\nexec "%s" "%s"\n' "$(CURDIR)/$<" "$(CURDIR)" >$@
	chmod 0755 $@
UNIT_TESTS += $(O)/test_layout

# The command line keys the engine and payload9p read are root9p(7)'s.
$(O)/test_cmdline_doc: tests/unit/test_cmdline_doc.sh | $(O)
	printf '#!/bin/sh\nexec "%s" "%s"\n' "$(CURDIR)/$<" "$(CURDIR)" >$@
	chmod 0755 $@
UNIT_TESTS += $(O)/test_cmdline_doc

unit: $(UNIT_TESTS)
	@tests/unit/run.sh $(UNIT_TESTS)

# Boot tests for one libc (LIBC=...); `make check` runs klibc and musl.
boot: all
	tests/boot/run.sh --libc $(LIBC)

# make install/uninstall into temporary DESTDIRs, then the Debian packages:
# built twice (same bytes), lintian, and installed with apt in real Debian
# 12/13 guests that boot from the images their trigger made
# (tests/boot/packages.sh; PKG_ONLY="bookworm trixie dracut" picks parts,
# PKG_DEBS=DIR keeps the packages in DIR: built there by PKG_ONLY=build,
# taken from there by the other parts).
.PHONY: check-install check-packages
check-install: all
	tests/install.sh

check-packages: deps
	tests/boot/packages.sh $(foreach p,$(PKG_ONLY),--only $(p)) $(if $(PKG_DEBS),--debs $(PKG_DEBS))
