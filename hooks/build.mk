# hooks/build.mk - install rules for the initramfs-tools and dracut integrations.

# --- initramfs-tools (hooks/initramfs-tools/) --------------------------------
# initramfs-tools reads hooks and boot scripts from /usr/share/initramfs-tools
# only, whatever PREFIX is: they go to $(DESTDIR)/usr/share/initramfs-tools.
# The hook is told where mount9p lives ($(PREFIX)/lib/root9p/mount9p, the
# static guest build that the top-level install rule puts there).
IT_SRC := hooks/initramfs-tools
IT_DIR = $(DESTDIR)/usr/share/initramfs-tools

.PHONY: install-hooks-initramfs-tools
INSTALLED += /usr/share/initramfs-tools/hooks/root9p \
	/usr/share/initramfs-tools/conf-hooks.d/root9p \
	/usr/share/initramfs-tools/scripts/9p \
	/usr/share/initramfs-tools/scripts/virtiofs \
	/usr/share/initramfs-tools/scripts/init-top/root9p
install: install-hooks-initramfs-tools
install-hooks-initramfs-tools:
	install -d $(IT_DIR)/hooks $(IT_DIR)/conf-hooks.d $(IT_DIR)/scripts/init-top
	sed 's|@MOUNT9P@|$(PREFIX)/lib/root9p/mount9p|g' $(IT_SRC)/hooks/root9p >$(IT_DIR)/hooks/root9p.new
	chmod 0755 $(IT_DIR)/hooks/root9p.new
	mv $(IT_DIR)/hooks/root9p.new $(IT_DIR)/hooks/root9p
	install -m 0644 $(IT_SRC)/conf-hooks.d/root9p $(IT_DIR)/conf-hooks.d/root9p
	install -m 0644 $(IT_SRC)/scripts/9p $(IT_DIR)/scripts/9p
	install -m 0644 $(IT_SRC)/scripts/virtiofs $(IT_DIR)/scripts/virtiofs
	install -m 0755 $(IT_SRC)/scripts/init-top/root9p $(IT_DIR)/scripts/init-top/root9p

# --- dracut (hooks/dracut/) --------------------------------------------------
# dracut reads modules from /usr/lib/dracut/modules.d only (its dracutbasedir),
# whatever PREFIX is: the module goes to $(DESTDIR)/usr/lib/dracut/modules.d/
# 90root9p. module-setup.sh is told where mount9p lives ($(PREFIX)/lib/root9p/
# mount9p, the static guest build that the top-level install rule puts there).
DRACUT_SRC := hooks/dracut/90root9p
DRACUT_DIR = $(DESTDIR)/usr/lib/dracut/modules.d/90root9p
DRACUT_FILES := parse-root9p.sh mount-root9p.sh premount-root9p.sh \
	mount.9p.sh root9p-generator.sh

.PHONY: install-hooks-dracut
INSTALLED += $(addprefix /usr/lib/dracut/modules.d/90root9p/,module-setup.sh $(DRACUT_FILES))
INSTALLED_DIRS += /usr/lib/dracut/modules.d/90root9p
install: install-hooks-dracut
install-hooks-dracut:
	install -d $(DRACUT_DIR)
	sed 's|@MOUNT9P@|$(PREFIX)/lib/root9p/mount9p|g' $(DRACUT_SRC)/module-setup.sh >$(DRACUT_DIR)/module-setup.sh.new
	chmod 0755 $(DRACUT_DIR)/module-setup.sh.new
	mv $(DRACUT_DIR)/module-setup.sh.new $(DRACUT_DIR)/module-setup.sh
	install -m 0755 $(addprefix $(DRACUT_SRC)/,$(DRACUT_FILES)) $(DRACUT_DIR)/
