# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# scripts/run9p.d/libvirt.sh - --libvirt-xml FILE: the same guest as a libvirt
# domain, each option carried into the XML or refused by name.
# Sourced by scripts/run9p with the rest of run9p.d: the globals it
# reads and sets (QEMU among them, from the environment) are
# run9p_defaults' (args.sh), which shellcheck cannot see from here.
# shellcheck disable=SC2154,SC2034,SC2153

# --- libvirt (--libvirt-xml FILE): the same guest as a domain ---
# Written instead of running QEMU. 9p uses accessmode='mapped': whoever
# QEMU runs as (qemu:///system's user, or root), the guest's owners and
# modes live in user.virtfs.* xattrs, never as real owners or set-uid
# bits on the host. virtiofs lets libvirt start virtiofsd itself.

# xml_text TEXT: TEXT with & < > ' " escaped for an attribute or element,
# tab, newline and carriage return as character references (a parser
# reads a raw one in an attribute as a space). lv_check_text has refused
# the control bytes XML 1.0 cannot hold at all.
xml_text() {
	# quoted replacements: bash 5.2 reads a bare & there as the match
	local s=$1
	s=${s//&/"&amp;"}
	s=${s//</"&lt;"}
	s=${s//>/"&gt;"}
	s=${s//\'/"&apos;"}
	s=${s//\"/"&quot;"}
	s=${s//$'\t'/"&#9;"}
	s=${s//$'\n'/"&#10;"}
	s=${s//$'\r'/"&#13;"}
	printf '%s' "$s"
}

# lv_check_text WHAT TEXT: refuse a path libvirt cannot take: a control
# byte other than tab (XML 1.0 holds most of them not even as character
# references, and libvirt's path types, "/.*", match no newline or
# carriage return), or bytes that are not UTF-8.
lv_check_text() {
	local t=${2//$'\t'/}
	case $t in
	*$'\n'* | *$'\r'*) die "--libvirt-xml: $1 '$2' holds a newline or carriage return, which libvirt takes in no path: rename it, or run without --libvirt-xml" ;;
	*[[:cntrl:]]*) die "--libvirt-xml: $1 '$2' holds a control byte that XML cannot carry: rename it, or run without --libvirt-xml" ;;
	esac
	printf '%s' "$2" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 ||
		die "--libvirt-xml: $1 '$2' is not UTF-8 text, which XML needs: rename it, or run without --libvirt-xml"
}

# lv_refuse OPTION WHY: an option the domain cannot carry, said by name.
lv_refuse() {
	die "--libvirt-xml does not take $1: $2"
}

# lv_check: before anything is made (the initrd, the scratch image),
# refuse each option the domain would drop, and every path XML cannot
# hold. The others reach the XML (lv_write); --passthrough-as-root and
# --allow-host-root are consent, --console and --cwd are on the command
# line.
lv_check() {
	local p spec
	[ ${#qemu_user[@]} = 0 ] || lv_refuse "--qemu ${qemu_user[0]}" "libvirt builds QEMU's command line itself: add the device to the domain by hand (or as <qemu:commandline>)"
	[ "$has_cmd" = 0 ] || lv_refuse "-- CMD" "CMD's output and status travel on virtio ports that only run9p reads: write the domain without CMD (a shell on its console), or run CMD without --libvirt-xml"
	[ -z "$status_copy" ] || lv_refuse "--status $status_copy" "the status lines are run9p's own port (the loop's, with -- CMD)"
	[ "$timeout" = 0 ] || lv_refuse "--timeout $timeout" "libvirt has no time limit for a domain: stop it with virsh destroy"
	[ -z "$runas" ] || lv_refuse "--user $runas" "libvirt picks QEMU's user itself (qemu.conf user=, or the session's)"
	case $secmodel in
	"" | mapped-xattr) ;;
	*) lv_refuse "--security-model $secmodel" "the domain's 9p shares are accessmode='mapped' (QEMU's mapped-xattr)" ;;
	esac
	[ "$pvh" != yes ] || lv_refuse --pvh "the domain boots the kernel image as it is (drop --pvh)"
	[ "$transport" = pci ] || lv_refuse "--transport $transport" "the domain's shares are on PCI (drop --transport)"
	[ "$sandbox" = 1 ] || lv_refuse --no-sandbox "libvirt sets QEMU's -sandbox itself (seccomp_sandbox in qemu.conf)"
	lv_check_text "kernel" "$kernel"
	[ -z "$initrd" ] || lv_check_text "initrd" "$initrd"
	lv_check_text "root directory" "$rootdir"
	case $overlay in "" | tmpfs) ;; *) lv_check_text "--overlay directory" "$overlay" ;; esac
	[ -z "$lv_serial" ] || lv_check_text "--libvirt-serial" "$lv_serial"
	[ "$rootfs" = 9p ] || lv_check_text "--virtiofsd" "$vfsd"
	lv_check_text "QEMU" "$QEMU"
	lv_check_text "--libvirt-xml" "$lv_xml"
	for spec in "${extra_9p[@]}"; do
		p=${spec#*:}
		lv_check_text "--extra-9p directory" "$p"
	done
}

# lv_abs PATH: PATH made absolute (symbolic links resolved), a trailing
# newline in its name kept.
lv_abs() {
	local p
	p=$(realpath -m -- "$1" && echo .) || die "--libvirt-xml: cannot resolve '$1'"
	p=${p%.}
	printf '%s' "${p%$'\n'}"
}

# lv_kib SIZE: -m's size (512M, 2G, 1048576K, bytes) in KiB.
lv_kib() {
	local n=${1%[KMGTkmgt]}
	case $1 in
	*[Kk]) echo "$n" ;;
	*[Mm]) echo $((n * 1024)) ;;
	*[Gg]) echo $((n * 1024 * 1024)) ;;
	*[Tt]) echo $((n * 1024 * 1024 * 1024)) ;;
	*) echo $((n / 1024)) ;;
	esac
}

# lv_fs TAG DIR [ro]: one 9p share as a <filesystem>.
lv_fs() {
	echo "    <filesystem type='mount' accessmode='mapped' multidevs='remap'>"
	echo "      <source dir='$(xml_text "$(lv_abs "$2")")'/>"
	echo "      <target dir='$(xml_text "$1")'/>"
	[ -z "${3:-}" ] || echo "      <readonly/>"
	echo "    </filesystem>"
}

# lv_domain: the domain's XML on stdout.
lv_domain() {
	local name dir type=qemu i
	[ "$accel" != kvm ] || type=kvm
	dir=$(lv_abs "$rootdir")
	# libvirt takes no control byte in a name: newlines too become _.
	name=root9p-$(basename -- "$dir" | tr -c 'A-Za-z0-9_.-' _)
	name=${name%_}
	echo "<domain type='$type'>"
	echo "  <name>$(xml_text "$name")</name>"
	echo "  <memory unit='KiB'>$(lv_kib "$mem")</memory>"
	echo "  <vcpu>$cpus</vcpu>"
	if [ "$rootfs" = virtiofs ]; then
		# vhost-user: the daemon maps the guest's RAM.
		echo "  <memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>"
	fi
	echo "  <os>"
	echo "    <type arch='$arch'${machine_args[1]:+ machine='${machine_args[1]%%,*}'}>hvm</type>"
	echo "    <kernel>$(xml_text "$(lv_abs "$kernel")")</kernel>"
	[ -z "$initrd" ] || echo "    <initrd>$(xml_text "$(lv_abs "$initrd")")</initrd>"
	echo "    <cmdline>$(xml_text "$cmdline")</cmdline>"
	echo "  </os>"
	[ "$arch" != x86_64 ] || echo "  <features><acpi/></features>"
	if [ "$type" = kvm ]; then echo "  <cpu mode='host-passthrough'/>"; else echo "  <cpu mode='maximum'/>"; fi
	echo "  <on_poweroff>destroy</on_poweroff>"
	echo "  <on_reboot>destroy</on_reboot>"
	echo "  <on_crash>destroy</on_crash>"
	echo "  <devices>"
	echo "    <emulator>$(xml_text "$(lv_abs "$(command -v "$QEMU")")")</emulator>"
	# The root: read-only for --ro, and as an overlay's lower layer.
	if [ "$rootfs" = virtiofs ]; then
		echo "    <filesystem type='mount' accessmode='passthrough'>"
		echo "      <driver type='virtiofs'/>"
		case $vfs_cache in
		auto) echo "      <binary path='$(xml_text "$(lv_abs "$vfsd")")'/>" ;;
		*) echo "      <binary path='$(xml_text "$(lv_abs "$vfsd")")'><cache mode='${vfs_cache/never/none}'/></binary>" ;;
		esac
		echo "      <source dir='$(xml_text "$dir")'/>"
		echo "      <target dir='$(xml_text "$tag")'/>"
		[ "$share_mode" != ro ] || echo "      <readonly/>"
		echo "    </filesystem>"
	fi
	# The 9p shares, the root's among them: guest_shares, as QEMU's.
	for i in "${!SHARE_TAGS[@]}"; do
		lv_fs "${SHARE_TAGS[$i]}" "${SHARE_DIRS[$i]}" "${SHARE_RO[$i]}"
	done
	if [ -n "$scratch_file" ]; then
		echo "    <disk type='file' device='disk'>"
		echo "      <driver name='qemu' type='raw' cache='unsafe' discard='unmap'/>"
		echo "      <source file='$(xml_text "$(lv_abs "$scratch_file")")'/>"
		echo "      <target dev='vda' bus='virtio'/>"
		echo "    </disk>"
	fi
	if [ -n "$lv_serial" ]; then
		echo "    <serial type='file'><source path='$(xml_text "$(lv_abs "$lv_serial")")'/></serial>"
	else
		echo "    <serial type='pty'/>"
		echo "    <console type='pty'><target type='serial'/></console>"
	fi
	echo "    <memballoon model='none'/>"
	echo "  </devices>"
	echo "</domain>"
}

# lv_write: the domain to $lv_xml (- for stdout), then exit. As
# mkinitrd9p writes its image: a new file (mktemp: O_EXCL) in the target's
# folder, renamed over the target, so a symbolic link there is replaced,
# never written through, and a failure leaves the old file. Paths are
# made absolute: libvirt resolves nothing against run9p's directory.
lv_write() {
	local out dir
	out=$(lv_domain) || exit
	if [ "$lv_xml" = - ]; then
		printf '%s\n' "$out"
		exit 0
	fi
	case $lv_xml in */*) dir=${lv_xml%/*} dir=${dir:-/} ;; *) dir=. ;; esac
	cleanup_add lv_tmp_remove
	lv_tmp=$(mktemp -p "$dir" .run9p-xml.XXXXXX 2>/dev/null) ||
		die "--libvirt-xml: cannot create a file in '$dir' for '$lv_xml': give a folder that exists and you can write"
	{ printf '%s\n' "$out" >"$lv_tmp" && chmod "$(printf '%o' $((0666 & ~$(umask))))" "$lv_tmp" &&
		mv -f -T -- "$lv_tmp" "$lv_xml"; } ||
		die "--libvirt-xml: cannot write '$lv_xml' (is it a folder?): give a file name"
	lv_tmp=""
	log "wrote the libvirt domain to $lv_xml"
	exit 0
}
