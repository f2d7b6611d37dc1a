#!/bin/sh
# SPDX-License-Identifier: MIT
# hooks/dracut/90root9p/mount.9p.sh - mount(8)'s helper for -t 9p: mount9p.
#
# mount(8) runs /sbin/mount.9p SPEC DIR [-sfnv] [-N NS] [-o OPTS] [-t TYPE]
# for 9p mounts in the initrd (fstab lines, a unit's Type=9p). mount9p
# checks the options, waits up to $ROOT9P_TIMEOUT seconds (mount9p's default) for
# the tag, retries the kernel's early ENOENT and shows what the kernel did.

usage() {
    echo "usage: mount.9p TAG DIR [-sfnv] [-o OPTIONS]" >&2
    exit 1
}

[ $# -ge 2 ] || usage
spec=$1
dir=$2
shift 2
opts=
dry=
while [ $# -gt 0 ]; do
    case $1 in
    -o)
        [ $# -ge 2 ] || usage
        opts=${opts:+$opts,}$2
        shift
        ;;
    -o?*) opts=${opts:+$opts,}${1#-o} ;;
    -t) shift ;;
    -f) dry=-n ;;
    # sloppy, no mtab, verbose: mount9p needs none of them
    -s | -n | -v) ;;
    *)
        echo "mount.9p: $1 is not supported" >&2
        exit 1
        ;;
    esac
    shift
done

# mount9p waits for the tag; the transport must be loadable meanwhile
# shellcheck disable=SC2046 # a list of module names
modprobe -q -a $(mount9p --modules --cmdline '') 2> /dev/null
# without ROOT9P_TIMEOUT, mount9p's own default wait applies
# shellcheck disable=SC2086 # $dry and the timeout: whole words or none
exec mount9p $dry ${ROOT9P_TIMEOUT:+--timeout $ROOT9P_TIMEOUT} -o "$opts" -- "$spec" "$dir"
