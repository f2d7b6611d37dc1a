#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/busybox-initrd.sh - the baseline: a hand-written busybox initrd that
# boots a 9p root with the same steps as init9p, as a careful person would.
#
#   bench/busybox-initrd.sh KVER KERNEL_BASE OUT [ROOTFLAGS]
#
# KERNEL_BASE holds lib/modules/KVER or usr/lib/modules/KVER (an unpacked Debian
# kernel package, depmod'ed). ROOTFLAGS is accepted for symmetry with
# mkinitrd9p and unused: the /init reads rootflags= from the command line.
# The image (gzip'ed newc cpio) is reproducible: same inputs, same bytes.
# Environment: BUSYBOX (default /bin/busybox, must be static).
set -eu

prog="busybox-initrd"
log() { echo "$prog: $*" >&2; }
die() { log "$*"; exit 1; }

if [ $# -lt 3 ] || [ $# -gt 4 ]; then
	die "usage: bench/busybox-initrd.sh KVER KERNEL_BASE OUT [ROOTFLAGS]"
fi
kver=$1 base=$2 out=$3
busybox=${BUSYBOX:-/bin/busybox}
# What the root needs, transport first so the device probe starts early.
WANT="virtio_pci 9pnet_virtio 9p"

moddir=""
for d in "$base/lib/modules/$kver" "$base/usr/lib/modules/$kver"; do
	[ -f "$d/modules.dep" ] && { moddir=$d; break; }
done
[ -n "$moddir" ] || die "no lib/modules/$kver/modules.dep under $base (run depmod -b on the tree)"
if ! "$busybox" --list >/dev/null 2>&1 || ! ldd "$busybox" 2>&1 | grep -q "not a dynamic"; then
	die "$busybox is not a static busybox: apt-get install busybox-static"
fi
for c in cpio gzip xz zstd; do
	command -v $c >/dev/null || die "$c not found: apt-get install cpio gzip xz-utils zstd"
done

# Load order: depth-first over modules.dep, dependencies before dependents.
# modules.dep lists each module's full closure; modprobe loads it from the
# end, so we visit it from the end too. Built-in modules need no loading.
load_order() {
	awk -v want="$WANT" '
	function name(path,   n) {
		n = path; sub(/.*\//, "", n); sub(/\.ko(\.[a-z]+)?$/, "", n)
		gsub(/-/, "_", n)
		return n
	}
	function visit(m,   i, n, d) {
		if (m in seen) return
		seen[m] = 1
		n = split(deps[m], d, " ")
		for (i = n; i >= 1; i--) visit(name(d[i]))
		print path[m]
	}
	FILENAME ~ /modules\.builtin$/ { builtin[name($1)] = 1; next }
	{
		sub(/:$/, "", $1)
		m = name($1); path[m] = $1
		$1 = ""; deps[m] = $0
	}
	END {
		n = split(want, w, " ")
		for (i = 1; i <= n; i++) {
			if (w[i] in builtin) continue
			# The last line names what is missing.
			if (!(w[i] in path)) { print w[i]; exit 1 }
			visit(w[i])
		}
	}' "$builtin" "$moddir/modules.dep"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/busybox-initrd.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
img=$work/img
mkdir -p "$img/bin" "$img/dev" "$img/proc" "$img/sys" "$img/root" "$img/lib/modules/$kver"

builtin=$moddir/modules.builtin
[ -f "$builtin" ] || builtin=/dev/null
order=$(load_order) ||
	die "$kver has no module $(echo "$order" | tail -n 1) (not in modules.dep nor modules.builtin): a kernel without 9p, like linux-image-cloud-amd64?"
for m in $order; do
	dst=$img/lib/modules/$kver/${m%.ko*}.ko
	mkdir -p "${dst%/*}"
	# busybox insmod reads plain ELF only: decompress here, once.
	case $m in
	*.ko.xz) xz -dc "$moddir/$m" >"$dst" ;;
	*.ko.zst) zstd -qdc "$moddir/$m" >"$dst" ;;
	*.ko.gz) gzip -dc "$moddir/$m" >"$dst" ;;
	*.ko) cp "$moddir/$m" "$dst" ;;
	*) die "$m: unknown module file type" ;;
	esac
	echo "${m%.ko*}.ko" >>"$img/lib/modules/$kver/load"
done
log "$kver: $(echo "$order" | wc -l) modules: $(echo "$order" | sed 's,.*/,,; s,\.ko.*,,' | tr '\n' ' ')"

cp "$busybox" "$img/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$img/bin/$applet"
done
mknod -m 600 "$img/dev/console" c 5 1 || die "mknod dev/console failed (run as root)"

cat >"$img/init" <<'INIT'
#!/bin/sh
# Baseline /init: load the 9p modules, mount the 9p root, switch to it.
export PATH=/bin

# now: ms since boot in $t (10 ms steps; read is a builtin, no fork).
now() {
	read -r t _ </proc/uptime
	t=${t%.*}${t#*.}
	t=${t#"${t%%[!0]*}"}
	t=$((${t:-0} * 10))
}
say() { echo "bbinit: $*"; }
fail() {
	say "$*"
	say "starting a shell"
	exec sh
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
now
t0=$t

root="" rootflags="" mode=ro init=""
read -r cmdline </proc/cmdline
set -f
for arg in $cmdline; do
	case $arg in
	--) break ;;
	root=*) root=${arg#root=} ;;
	rootflags=*) rootflags=${arg#rootflags=} ;;
	ro | rw) mode=$arg ;;
	init=*) init=${arg#init=} ;;
	esac
done
set +f
[ -n "$root" ] || fail "no root= on the kernel command line"

read -r kver </proc/sys/kernel/osrelease
[ -f "/lib/modules/$kver/load" ] || fail "this initrd has no modules for kernel $kver"
n=0
while read -r m; do
	insmod "/lib/modules/$kver/$m" || fail "insmod $m failed"
	n=$((n + 1))
done <"/lib/modules/$kver/load"
now
say "loaded $n modules in $((t - t0)) ms"

t1=$t
deadline=$((t + 10000))
found=""
while [ -z "$found" ]; do
	for f in /sys/bus/virtio/drivers/9pnet_virtio/*/mount_tag; do
		[ -r "$f" ] || continue # the glob itself: no device yet
		# The file holds the tag and a NUL, no newline: read fails, sets tag.
		tag=""
		read -r tag <"$f"
		[ "$tag" = "$root" ] && found=$f
	done
	[ -n "$found" ] && break
	now
	[ "$t" -lt "$deadline" ] || fail "no virtio-9p device with mount tag $root"
	usleep 20000
done
# The tag shows up before the channel works (ENOENT): retry until the deadline.
until mount -t 9p -o "$mode${rootflags:+,$rootflags}" "$root" /root 2>/dev/null; do
	now
	[ "$t" -lt "$deadline" ] || {
		mount -t 9p -o "$mode${rootflags:+,$rootflags}" "$root" /root
		fail "mount -t 9p $root /root failed"
	}
	usleep 20000
done
now
say "mounted $root on /root in $((t - t1)) ms"

t1=$t
tmpopts=mode=1777,nosuid,nodev
if mount -t tmpfs -o $tmpopts tmpfs /root/tmp; then
	now
	say "mounted tmpfs on /root/tmp in $((t - t1)) ms ($tmpopts)"
else
	say "no tmpfs on /root/tmp"
fi
now # the last look at /proc/uptime: /proc moves next
say "starting ${init:-/sbin/init} after $((t - t0)) ms"
# busybox switch_root moves nothing: take /dev /proc /sys along by hand.
for m in dev proc sys; do
	mount --move "/$m" "/root/$m" || say "could not move /$m to /root/$m"
done
exec switch_root /root "${init:-/sbin/init}" "$@"
INIT
chmod 0755 "$img/init"

# Reproducible: modes set here (not from the umask), mtimes SOURCE_DATE_EPOCH
# or 0, sorted names, root ownership, no gzip name or timestamp.
find "$img" -type d -exec chmod 0755 {} +
find "$img/lib" -type f -exec chmod 0644 {} +
find "$img" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-0}" {} +
mkdir -p "$(dirname "$out")"
(cd "$img" && find . | LC_ALL=C sort | cpio -o -H newc --reproducible -R 0:0 --quiet) |
	gzip -n -9 >"$out.tmp"
mv "$out.tmp" "$out"
log "wrote $out ($(wc -c <"$out") bytes)"
