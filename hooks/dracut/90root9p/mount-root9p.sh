#!/bin/sh
# SPDX-License-Identifier: MIT
# hooks/dracut/90root9p/mount-root9p.sh - mount hook (script initrd): the
# root step, done by mount9p --root as init9p does it.
#
# mount9p waits for the tag (root9p.timeout, rootdelay, rootwait), retries
# the kernel's early ENOENT, reads the mount back and puts the tmpfs on
# /tmp; a failure stops the boot with its message.

# shellcheck disable=SC1091 # dracut's own, in the image only
type getarg > /dev/null 2>&1 || . /lib/dracut-lib.sh

_r9p_out=$(mount9p --check)
R9P_ROOT=
eval "$_r9p_out"
if [ "$R9P_ROOT" = yes ]; then
    # shellcheck disable=SC2086 # a list of module names, checked by mount9p
    modprobe -q -a $R9P_MODULES 2> /dev/null
    _r9p_why=$(mount9p --root "$NEWROOT" --kmsg) || die "$_r9p_why"
fi
