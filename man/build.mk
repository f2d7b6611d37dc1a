# man/build.mk - the manual pages: root9p(7), the overview, and one page per
# installed program (mount9p(8) lives beside its code, in mount9p/).
#
#   make man-lint     mandoc -Tlint and groff -ww on every page (no warning)

MAN_PAGES := man/run9p.1 man/root9p.7 man/init9p.8 man/mkinitrd9p.8 \
	man/mkroot9p.8 mount9p/mount9p.8
MAN_DIR = $(PREFIX)/share/man

# man/x.N goes to $(MAN_DIR)/manN/x.N
man_dest = $(MAN_DIR)/man$(subst .,,$(suffix $(1)))/$(notdir $(1))

INSTALLED += $(foreach p,$(MAN_PAGES),$(call man_dest,$(p)))
.PHONY: install-man man-lint
install: install-man
install-man:
	for p in $(MAN_PAGES); do \
		n=$${p##*/}; \
		install -D -m 0644 "$$p" "$(DESTDIR)$(MAN_DIR)/man$${n##*.}/$$n" || exit 1; \
	done

man-lint:
	@for p in $(MAN_PAGES); do \
		out=$$(mandoc -Tlint -W warning "$$p" 2>&1; \
			LC_ALL=C.UTF-8 groff -ww -z -man -Tutf8 "$$p" 2>&1); \
		if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; \
		lexgrog "$$p" >/dev/null || { echo "$$p: lexgrog finds no NAME line"; exit 1; }; \
	done; echo "man-lint: $(words $(MAN_PAGES)) pages clean"
