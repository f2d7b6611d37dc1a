# hooks/build.mk - install rules for the initramfs-tools and dracut integrations.

# --- initramfs-tools (hooks/initramfs-tools/) --------------------------------
# initramfs-tools reads hooks and boot scripts from /usr/share/initramfs-tools
# only, whatever PREFIX is: they go to $(DESTDIR)/usr/share/initramfs-tools.
# The hook is told where mount9p lives ($(PREFIX)/lib/root9p/mount9p, the
# static guest build that the top-level install rule puts there).
IT_SRC := hooks/initramfs-tools
IT_DIR = $(DESTDIR)/usr/share/initramfs-tools

.PHONY: install-hooks-initramfs-tools
install: install-hooks-initramfs-tools
install-hooks-initramfs-tools:
	install -d $(IT_DIR)/hooks $(IT_DIR)/conf-hooks.d $(IT_DIR)/scripts/init-top
	sed 's|@MOUNT9P@|$(PREFIX)/lib/root9p/mount9p|g' $(IT_SRC)/hooks/root9p >$(IT_DIR)/hooks/root9p.new
	chmod 0755 $(IT_DIR)/hooks/root9p.new
	mv $(IT_DIR)/hooks/root9p.new $(IT_DIR)/hooks/root9p
	install -m 0644 $(IT_SRC)/conf-hooks.d/root9p $(IT_DIR)/conf-hooks.d/root9p
	install -m 0644 $(IT_SRC)/scripts/9p $(IT_DIR)/scripts/9p
	install -m 0755 $(IT_SRC)/scripts/init-top/root9p $(IT_DIR)/scripts/init-top/root9p
