#!/bin/sh
# SPDX-License-Identifier: MIT
# hooks/dracut/90root9p/parse-root9p.sh - cmdline hook: claim a 9p root.
#
# root=TAG rootfstype=9p, or root=virtfs:TAG: rootok=1, so dracut goes on.
# Script initrd: rootflags are checked here, and refused ones stop the boot
# with mount9p's message (die: dracut's emergency shell, as rd.shell says).
# systemd initrd: root9p-generator checked them already; sysroot.mount
# then fails with the same message.

type getarg > /dev/null 2>&1 || . /lib/dracut-lib.sh
. /lib/root9p-lib.sh

if r9p_parse; then
    # shellcheck disable=SC2034 # read by dracut's init
    rootok=1
    if [ -z "$DRACUT_SYSTEMD" ] && ! r9p_check; then
        die "root9p: rootflags refused: $R9P_ERROR"
    fi
fi
