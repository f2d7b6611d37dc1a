#!/bin/bash
# SPDX-License-Identifier: MIT
# hooks/dracut/90root9p/module-setup.sh - dracut module root9p: a root
# filesystem on a virtio-9p mount tag, mounted by mount9p.
#
# Included on request (dracut --add root9p, add_dracutmodules+=" root9p "),
# or by itself in a hostonly image of a host whose root is 9p. Installs
# mount9p ($ROOT9P_MOUNT9P, else the installed one), the modules it names
# (mount9p --modules), the hooks of dracut's script initrd and, in a
# systemd initrd, a generator. Every rule of the root step is mount9p's.

# `make install` writes its $(PREFIX)/lib/root9p/mount9p here.
R9P_INSTALLED_MOUNT9P=@MOUNT9P@

# $ROOT9P_MOUNT9P, the installed one, or where a package would put it.
r9p_find_mount9p() {
    local p
    for p in "$ROOT9P_MOUNT9P" "$R9P_INSTALLED_MOUNT9P" /usr/lib/root9p/mount9p \
        /usr/local/lib/root9p/mount9p /usr/sbin/mount9p /usr/local/sbin/mount9p; do
        [[ $p && -x $p ]] && echo "$p" && return 0
    done
    return 1
}

# called by dracut
check() {
    local fs
    if [[ $hostonly ]] || [[ $mount_needs ]]; then
        # shellcheck disable=SC2154 # dracut sets it before it calls check()
        for fs in "${host_fs_types[@]}"; do
            [[ $fs == 9p || $fs == virtiofs ]] && break
        done
        [[ $fs == 9p || $fs == virtiofs ]] || return 255
    fi
    if ! r9p_find_mount9p > /dev/null; then
        derror "root9p: no mount9p: run root9p's make install, or set ROOT9P_MOUNT9P=/path/to/mount9p"
        return 1
    fi
    [[ $fs == 9p || $fs == virtiofs ]] && return 0
    # a generic image gets it only on request
    return 255
}

# called by dracut
depends() {
    echo base
    return 0
}

# called by dracut
installkernel() {
    local mount9p
    mount9p=$(r9p_find_mount9p) || return 1
    # the root needs them whatever the build host has loaded; the lists are
    # mount9p's for a 9p and a virtiofs root with an overlay (not this
    # host's root9p.modules): root9p.overlay= then works with any image
    # shellcheck disable=SC2046
    hostonly='' instmods $("$mount9p" --modules --cmdline 'root9p.overlay=tmpfs') \
        $("$mount9p" --modules --cmdline 'rootfstype=virtiofs root9p.overlay=tmpfs')
    # scratch disks (root9p.tmp=LABEL=x ...): the modules mount9p names for
    # such a command line, when the helper goes in too (see install)
    if r9p_find_blkid9p "$mount9p" > /dev/null; then
        # shellcheck disable=SC2046
        hostonly='' instmods $("$mount9p" --modules --cmdline 'root9p.tmp=LABEL=scratch')
    fi
}

# The static blkid9p beside mount9p ($ROOT9P_BLKID9P: another one), unless
# ROOT9P_SCRATCH=no: the keys come at boot, so a generic image has it.
r9p_find_blkid9p() {
    local p=${ROOT9P_BLKID9P:-${1%/*}/blkid9p}
    case ${ROOT9P_SCRATCH:-yes} in n | no | N | NO | 0 | false) return 1 ;; esac
    [[ -x $p ]] && echo "$p"
}

# called by dracut
install() {
    local mount9p
    mount9p=$(r9p_find_mount9p) || return 1
    inst_binary "$mount9p" /usr/sbin/mount9p
    local blkid9p
    if blkid9p=$(r9p_find_blkid9p "$mount9p"); then
        inst_binary "$blkid9p" /usr/sbin/blkid9p
    fi
    # shellcheck disable=SC2154 # dracut sets moddir to this module's folder
    inst_script "$moddir/mount.9p.sh" /usr/sbin/mount.9p
    inst_multiple modprobe sed

    inst_hook cmdline 30 "$moddir/parse-root9p.sh"
    # before 95virtfs's mount hook (99): the first hook that mounts a usable
    # root ends dracut's mount loop, so virtfs's never runs for our roots
    inst_hook mount 10 "$moddir/mount-root9p.sh"
    inst_hook pre-mount 90 "$moddir/premount-root9p.sh"

    if dracut_module_included systemd; then
        # shellcheck disable=SC2154 # set by dracut (dracut-init.sh)
        inst_script "$moddir/root9p-generator.sh" \
            "$systemdutildir"/system-generators/root9p-generator
    fi
}
