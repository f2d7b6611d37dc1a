#!/bin/sh
# SPDX-License-Identifier: MIT
# hooks/dracut/90root9p/mount-root9p.sh - mount hook: mount9p TAG $NEWROOT.
#
# mount9p waits up to root9p.timeout seconds for the tag and retries the
# kernel's early ENOENT, so no initqueue job is needed. A failure stops the
# boot with mount9p's message. In a systemd initrd sysroot.mount has done
# the work before dracut-mount runs, and this hook finds the root mounted.

type getarg > /dev/null 2>&1 || . /lib/dracut-lib.sh
. /lib/root9p-lib.sh

r9p_mount_root() {
    r9p_parse || return 0
    ismounted "$NEWROOT" && return 0
    # the cmdline hook has normalized the options already in a script initrd
    if [ -z "$R9P_OPTIONS" ] && ! r9p_check; then
        die "root9p: rootflags refused: $R9P_ERROR"
    fi
    r9p_load_modules
    if _r9p_out=$(mount9p --timeout "$R9P_TIMEOUT" -o "$R9P_OPTIONS" -- \
        "$R9P_TAG" "$NEWROOT" 2>&1); then
        printf '%s\n' "$_r9p_out" | r9p_log_lines 5
        return 0
    fi
    printf '%s\n' "$_r9p_out" | r9p_log_lines 3
    die "root9p: cannot mount $R9P_TAG on $NEWROOT (see the mount9p lines above)"
}

r9p_mount_root
