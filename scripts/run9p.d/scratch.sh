# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# scripts/run9p.d/scratch.sh - --scratch SIZE[:LABEL[:FILE]]: the guest's /tmp
# disk image, made (or reused when it is the user's own) and attached.
# Sourced by scripts/run9p with the rest of run9p.d: the globals it
# reads and sets (QEMU among them, from the environment) are
# run9p_defaults' (args.sh), which shellcheck cannot see from here.
# shellcheck disable=SC2154,SC2034,SC2153

# scratch_make FILE SIZE LABEL: a new ext4 image at FILE, mode 0600.
# mktemp makes it under a name nobody can guess (O_EXCL, 0600) and link(2)
# then gives it the name FILE, failing if anything got there first: it
# never follows the new name. (bash's noclobber, set -C, does open through
# a link to anything but a regular file, a device say.)
scratch_make() {
	local file=$1 size=$2 label=$3 dir tmp
	command -v mkfs.ext4 >/dev/null || die "--scratch: mkfs.ext4 not found: apt-get install e2fsprogs"
	dir=$(dirname -- "$file")
	tmp=$(mktemp -p "$dir" .run9p-scratch.XXXXXX 2>/dev/null) ||
		die_try "--scratch: make $file: cannot create a file in $dir" "a FILE in a folder you can write"
	if ! truncate -s "$size" -- "$tmp" || ! mkfs.ext4 -q -F -L "$label" -- "$tmp"; then
		rm -f -- "$tmp"
		die "--scratch: cannot make an ext4 file system in '$file'"
	fi
	if ! ln -T -- "$tmp" "$file" 2>/dev/null; then
		rm -f -- "$tmp"
		die_try "--scratch: make $file: something was put there while run9p made the image (or the file system has no hard links)" "run9p again, with a FILE in a folder only you can write"
	fi
	rm -f -- "$tmp"
	log "scratch disk: made $file ($size, ext4, LABEL=$label)"
}

# --scratch SIZE[:LABEL[:FILE]]: make (or reuse) the disk image, set
# scratch_qemu to its QEMU arguments and add root9p.tmp=LABEL= to cmdline.
# An existing FILE is reused without formatting (its data is the user's)
# only when it is a regular file of the user's own that nobody else can
# write: its owner would otherwise read and change the guest's /tmp.
# QEMU gets an absolute path: a name like nbd:x or json:{...} would be
# a protocol to it.
scratch_setup() {
	local size=${scratch%%:*} rest label file why
	rest=${scratch#"$size"}
	rest=${rest#:}
	label=${rest%%:*}
	file=${rest#"$label"}
	file=${file#:}
	label=${label:-scratch}
	file=${file:-./$label.scratch.img}
	[[ $size =~ ^[1-9][0-9]*[KMGT]$ ]] || die "--scratch '$scratch': SIZE must be a size like 512M or 4G"
	[[ $label =~ ^[A-Za-z0-9._-]{1,16}$ ]] || die "--scratch '$scratch': LABEL must be 1 to 16 characters of A-Z a-z 0-9 . _ - (ext4's limit)"
	case $file in /*) ;; *) file=$PWD/${file#./} ;; esac
	if [ -L "$file" ]; then
		die "--scratch: '$file' is a symbolic link: give the disk image's own path (run9p never follows a link it did not create)"
	elif [ -e "$file" ]; then
		[ -f "$file" ] || die "--scratch: '$file' exists and is not a regular file: remove it or give another FILE"
		why=$(trust_check "$file" 0) ||
			die_try "--scratch: reuse $file: $why (the guest's /tmp would be open to them)" "remove it, or give a FILE of your own (made by run9p) in a folder only you can write"
		log "scratch disk: reusing $file (not formatted again)"
	elif [ "$dry_run" = 0 ]; then
		scratch_make "$file" "$size" "$label"
	fi
	# shellcheck disable=SC2054 # the commas are QEMU's
	scratch_qemu=(-drive "file=${file//,/,,},format=raw,if=none,id=scratch,cache=unsafe,discard=unmap"
		-device virtio-blk-pci,drive=scratch)
	scratch_file=$file
	cmdline="$cmdline root9p.tmp=LABEL=$label"
}
