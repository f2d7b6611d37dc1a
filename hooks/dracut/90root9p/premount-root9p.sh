#!/bin/sh
# premount-root9p.sh - dracut pre-mount hook (90): mount a virtiofs root
# with mount9p before dracut's own 95virtiofs (pre-mount 99) does.
# SPDX-License-Identifier: MIT
#
# 95virtiofs mounts rootfstype=virtiofs roots itself, in pre-mount, before
# any mount hook (mount-root9p.sh) runs, and without root9p's checks,
# messages or /tmp policy. mount9p --check says whether the root is a
# virtiofs root of root9p's; mount9p --root does the step; then fstype and
# the root= prefix are what 95virtiofs no longer recognizes, so it leaves
# the mounted root alone. 9p roots keep their mount hook.

# shellcheck disable=SC1091 # dracut's own, in the image only
type getarg > /dev/null 2>&1 || . /lib/dracut-lib.sh

_r9p_out=$(mount9p --check)
R9P_ROOT=
R9P_FSTYPE=
eval "$_r9p_out"
if [ "$R9P_ROOT" = yes ] && [ "$R9P_FSTYPE" = virtiofs ]; then
    # shellcheck disable=SC2086 # a list of module names
    modprobe -q -a $R9P_MODULES 2> /dev/null
    _r9p_why=$(mount9p --root "$NEWROOT" --kmsg) || die "$_r9p_why"
    # shellcheck disable=SC2034 # dracut's variables, read by 95virtiofs
    fstype=root9p-virtiofs
    root=${root#virtiofs:}
fi
