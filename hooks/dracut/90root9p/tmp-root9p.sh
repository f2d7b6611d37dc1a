#!/bin/sh
# SPDX-License-Identifier: MIT
# hooks/dracut/90root9p/tmp-root9p.sh - pre-pivot hook: tmpfs on the new /tmp.
#
# On 9p an open, unlinked file cannot be ftruncate()d: a tmpfs on /tmp keeps
# apt, editors and databases working. root9p.tmp=on|off|OPTS decides, as in
# init9p; a root whose fstab mounts /tmp is left alone.

type getarg > /dev/null 2>&1 || . /lib/dracut-lib.sh
. /lib/root9p-lib.sh

if r9p_parse && ismounted "$NEWROOT"; then
    r9p_mount_tmp "$NEWROOT"
fi
