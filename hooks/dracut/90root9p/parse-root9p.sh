#!/bin/sh
# SPDX-License-Identifier: MIT
# hooks/dracut/90root9p/parse-root9p.sh - cmdline hook: claim a 9p root.
#
# mount9p --check decides (root=TAG rootfstype=9p, root=virtfs:TAG) and
# checks the whole command line with the rules init9p uses; this hook only
# passes its verdict on. Script initrd: a refused command line stops the
# boot with mount9p's message (die: dracut's emergency shell, as rd.shell
# says). systemd initrd: the generator's unit fails with the same message.

# shellcheck disable=SC1091 # dracut's own, in the image only
type getarg > /dev/null 2>&1 || . /lib/dracut-lib.sh

_r9p_out=$(mount9p --check --kmsg)
_r9p_rc=$?
R9P_ROOT=
eval "$_r9p_out"
if [ "$R9P_ROOT" = yes ]; then
    # shellcheck disable=SC2034 # read by dracut's init
    rootok=1
    if [ "$_r9p_rc" -ne 0 ] && [ -z "$DRACUT_SYSTEMD" ]; then
        die "mount9p: ${R9P_ERROR:-mount9p --check exited with status $_r9p_rc}"
    fi
fi
