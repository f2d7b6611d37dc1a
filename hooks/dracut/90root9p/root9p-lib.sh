#!/bin/sh
# SPDX-License-Identifier: MIT
# hooks/dracut/90root9p/root9p-lib.sh - root9p's kernel command line rules,
# shared by the dracut hooks and the systemd generator.
#
# Installed as /lib/root9p-lib.sh; sourced after /lib/dracut-lib.sh (getarg).
# r9p_parse says whether this boot is a 9p root and sets R9P_* from the
# command line; r9p_check normalizes the options with mount9p. Messages go
# to /dev/kmsg as "root9p: ...", so they reach the console and the journal.
# POSIX sh: the image's /bin/sh may be bash or dash.

R9P_TMP_DEFAULT="mode=1777,nosuid,nodev"

# r9p_log LEVEL TEXT...: one kmsg line, facility daemon (as dracut's own).
r9p_log() {
    _r9p_level=$1
    shift
    echo "<$((24 + _r9p_level))>root9p: $*" > /dev/kmsg 2> /dev/null || echo "root9p: $*" >&2
}

# r9p_log_lines LEVEL < TEXT: each line of mount9p's output; its errors
# and warnings keep their own level.
r9p_log_lines() {
    while IFS= read -r _r9p_line || [ -n "$_r9p_line" ]; do
        case $_r9p_line in
        *": error: "*) r9p_log 3 "$_r9p_line" ;;
        *": warning: "*) r9p_log 4 "$_r9p_line" ;;
        *) r9p_log "$1" "$_r9p_line" ;;
        esac
    done
}

# with root9p.debug: info level, which the console shows unless "quiet"
r9p_debug() { [ "$R9P_DEBUG" = 1 ] && r9p_log 6 "$@"; return 0; }

# The last ro or rw word of the command line (the kernel's rule), or "".
r9p_cmdline_rorw() {
    _r9p_rorw=
    set -f
    # shellcheck disable=SC2046 # split into words on purpose
    set -- $(getcmdline)
    set +f
    for _r9p_w in "$@"; do
        case $_r9p_w in ro | rw) _r9p_rorw=$_r9p_w ;; esac
    done
    echo "$_r9p_rorw"
}

# r9p_parse: 0 when root= names a 9p root (root=TAG rootfstype=9p, or
# root=virtfs:TAG as dracut's virtfs module writes it), 1 otherwise.
# Sets R9P_TAG, R9P_FLAGS (what mount9p gets: ro|rw first, so rootflags'
# own ro/rw wins), R9P_TIMEOUT, R9P_TMP (tmpfs options, "" = none), R9P_DEBUG.
r9p_parse() {
    R9P_TAG=
    _r9p_root=$(getarg root=)
    case $_r9p_root in
    virtfs:*) R9P_TAG=${_r9p_root#virtfs:} ;;
    *) [ "$(getarg rootfstype=)" = 9p ] && R9P_TAG=$_r9p_root ;;
    esac
    [ -n "$R9P_TAG" ] || return 1

    _r9p_rorw=$(r9p_cmdline_rorw)
    # the kernel mounts its root read-only unless told rw
    R9P_FLAGS="${_r9p_rorw:-ro},$(getarg rootflags=)"
    R9P_FLAGS=${R9P_FLAGS%,}

    R9P_TIMEOUT=$(getarg root9p.timeout=)
    case $R9P_TIMEOUT in
    "" | *[!0-9]*)
        [ -n "$R9P_TIMEOUT" ] && r9p_log 4 "warning: root9p.timeout=$R9P_TIMEOUT is not whole seconds: using 10"
        R9P_TIMEOUT=10
        ;;
    esac

    _r9p_tmp=$(getarg root9p.tmp=)
    case $_r9p_tmp in
    off | 0) R9P_TMP= ;;
    "" | on | 1) R9P_TMP=$R9P_TMP_DEFAULT ;;
    *) R9P_TMP=$_r9p_tmp ;;
    esac

    R9P_DEBUG=0
    getargbool 0 root9p.debug && R9P_DEBUG=1
    r9p_debug "root=$_r9p_root: tag $R9P_TAG, options $R9P_FLAGS, timeout $R9P_TIMEOUT s, /tmp ${R9P_TMP:-off}"
    return 0
}

# r9p_check: judge R9P_FLAGS with mount9p for the running kernel (defaults
# added, as init9p does). 0: R9P_OPTIONS holds the normalized options as
# mount(8) takes them ("rw,nosuid,trans=virtio,..."). 1: refused, R9P_ERROR
# holds mount9p's error lines. Warnings and notes are logged either way.
r9p_check() {
    R9P_OPTIONS=
    R9P_ERROR=
    # -n prints the mount(2) call: mount("TAG", "DIR", "9p", 0x1 /* ro */, "DATA")
    _r9p_out=$(mount9p -n -o "$R9P_FLAGS" -- "$R9P_TAG" /sysroot 2>&1)
    _r9p_rc=$?
    _r9p_call=
    _r9p_diag=
    _r9p_ifs=$IFS
    IFS='
'
    set -f
    for _r9p_line in $_r9p_out; do
        case $_r9p_line in
        'mount("'*) _r9p_call=$_r9p_line; continue ;;
        *": error: "*) R9P_ERROR="${R9P_ERROR:+$R9P_ERROR; }$_r9p_line" ;;
        esac
        _r9p_diag="$_r9p_diag$_r9p_line$IFS"
    done
    set +f
    IFS=$_r9p_ifs
    printf '%s' "$_r9p_diag" | r9p_log_lines 5
    if [ "$_r9p_rc" -ne 0 ] || [ -z "$_r9p_call" ]; then
        [ -n "$R9P_ERROR" ] || R9P_ERROR="mount9p -n -o $R9P_FLAGS $R9P_TAG: exit $_r9p_rc"
        return 1
    fi
    _r9p_data=${_r9p_call##*, \"}
    _r9p_data=${_r9p_data%\")}
    _r9p_mflags=${_r9p_call#*/\* }
    _r9p_mflags=${_r9p_mflags%% \*/*}
    R9P_OPTIONS="$_r9p_mflags,$_r9p_data"
    r9p_debug "mount9p: $R9P_TAG takes -o $R9P_OPTIONS"
    return 0
}

# r9p_load_modules: the transport and the filesystem, without waiting for
# udev (mount9p then waits for the tag itself).
r9p_load_modules() {
    modprobe -q -a virtio_pci 9pnet_virtio 9p 2> /dev/null || :
}

# r9p_fstab_has_tmp ROOT: does ROOT/etc/fstab mount /tmp itself?
r9p_fstab_has_tmp() {
    [ -r "$1/etc/fstab" ] || return 1
    while read -r _r9p_spec _r9p_file _r9p_rest; do
        case $_r9p_spec in "#"* | "") continue ;; esac
        [ "$_r9p_file" = /tmp ] && return 0
    done < "$1/etc/fstab"
    return 1
}

# r9p_mount_tmp ROOT: tmpfs on ROOT/tmp per root9p.tmp (as init9p does:
# never when off, when the root's fstab has /tmp, or when ROOT/tmp is no
# folder: the host directory must not change by our doing).
r9p_mount_tmp() {
    if [ -z "$R9P_TMP" ]; then
        r9p_log 5 "no tmpfs on $1/tmp: root9p.tmp=off"
    elif r9p_fstab_has_tmp "$1"; then
        r9p_log 5 "no tmpfs on $1/tmp: the root's /etc/fstab mounts /tmp itself"
    elif [ ! -d "$1/tmp" ] || [ -L "$1/tmp" ]; then
        r9p_log 5 "no tmpfs on $1/tmp: the root has no /tmp folder"
    elif ismounted "$1/tmp"; then
        r9p_debug "$1/tmp is mounted already"
    elif mount -t tmpfs -o "$R9P_TMP" tmpfs "$1/tmp"; then
        r9p_log 5 "mounted tmpfs on $1/tmp ($R9P_TMP)"
    else
        # the root works without it: go on
        r9p_log 4 "warning: cannot mount tmpfs on $1/tmp ($R9P_TMP); /tmp stays on 9p"
    fi
}
