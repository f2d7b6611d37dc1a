# semantics/run.mk - `make semantics`: semprobe in every configuration on
# Debian 12's and 13's kernels (semantics/run.sh), the table in
# docs/semantics.md and .csv and the smoke's expected files
# (semantics/table.sh), with its run time; `make semantics-smoke`: the
# defaults on 6.1 against semantics/expected/, a test with one closing line
# (after semantics/lib-test.sh's, the runner's functions tested on the host).
# semprobe's own rules are in semantics/build.mk.

SEMPROBE ?= $(GO)/semprobe
SEM_NEEDS = $(SEMPROBE) $(O)/mkinitrd9p $(O)/mkroot9p-convert $(GO)/init9p $(GO)/mount9p

.PHONY: semantics semantics-smoke
semantics: deps $(SEM_NEEDS)
	@t0=$$(date +%s); rc=0; \
	O=$(O) LIBC=$(LIBC) SEMPROBE=$(SEMPROBE) semantics/run.sh --out $(O)/semantics || rc=$$?; \
	semantics/table.sh $(O)/semantics || rc=$$?; \
	echo "semantics: run time $$(($$(date +%s) - t0)) s"; \
	exit $$rc

# lib-test.sh first: the runner's functions on the host, no guest.
semantics-smoke: $(SEM_NEEDS)
	semantics/lib-test.sh
	O=$(O) LIBC=$(LIBC) SEMPROBE=$(SEMPROBE) semantics/run.sh --smoke
