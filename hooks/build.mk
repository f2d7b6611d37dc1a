# hooks/build.mk - install rules for the initramfs-tools and dracut integrations.

# --- dracut (hooks/dracut/) --------------------------------------------------
# dracut reads modules from /usr/lib/dracut/modules.d only (its dracutbasedir),
# whatever PREFIX is: the module goes to $(DESTDIR)/usr/lib/dracut/modules.d/
# 90root9p. module-setup.sh is told where mount9p lives ($(PREFIX)/lib/root9p/
# mount9p, the static guest build that the top-level install rule puts there).
DRACUT_SRC := hooks/dracut/90root9p
DRACUT_DIR = $(DESTDIR)/usr/lib/dracut/modules.d/90root9p
DRACUT_FILES := root9p-lib.sh parse-root9p.sh mount-root9p.sh tmp-root9p.sh \
	mount.9p.sh root9p-generator.sh

.PHONY: install-hooks-dracut
install: install-hooks-dracut
install-hooks-dracut:
	install -d $(DRACUT_DIR)
	sed 's|@MOUNT9P@|$(PREFIX)/lib/root9p/mount9p|g' $(DRACUT_SRC)/module-setup.sh >$(DRACUT_DIR)/module-setup.sh.new
	chmod 0755 $(DRACUT_DIR)/module-setup.sh.new
	mv $(DRACUT_DIR)/module-setup.sh.new $(DRACUT_DIR)/module-setup.sh
	install -m 0755 $(addprefix $(DRACUT_SRC)/,$(DRACUT_FILES)) $(DRACUT_DIR)/
