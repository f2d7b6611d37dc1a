# fstests/run.mk - `make fstests FSTESTS=DIR`: fstests/subset through
# run9p --fstests on 6.1 and 6.12 for 9p cache=none, mmap, loose (and
# virtiofs), each against fstests/expected/KERNEL-CONFIG (fstests/run.sh).
# FSTESTS_CONFIGS="6.1-mmap ..." runs fewer; FSTESTS_UPDATE=1 rewrites
# the expected lists from the run. Not part of make check.

FSTESTS ?=
FSTESTS_CONFIGS ?=
FSTESTS_NEEDS = $(O)/mkinitrd9p $(GO)/payload9p $(GO)/mount9p $(GO)/init9p

.PHONY: fstests
fstests: $(FSTESTS_NEEDS)
	@scripts/deps.sh --fstests
	@t0=$$(date +%s); rc=0; \
	MOUNT9P=$(abspath $(GO)/mount9p) fstests/run.sh --fstests "$(FSTESTS)" --out $(O)/fstests \
		$(if $(FSTESTS_CONFIGS),--configs "$(FSTESTS_CONFIGS)") \
		$(if $(FSTESTS_UPDATE),--update) || rc=$$?; \
	echo "fstests: run time $$(($$(date +%s) - t0)) s"; \
	exit $$rc
