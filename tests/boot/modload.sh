#!/bin/bash
# tests/boot/modload.sh - init9p's module loading on 1 and 2 vCPUs, on
# Debian 12's and 13's kernels: the parallel loader on 2 vCPUs (the bus
# driver's chain in a child process beside the 9p chain), the list order
# on 1 vCPU, and the failure messages of a module that cannot load and of
# a module missing from the image, from either chain. Boots add
# no_timer_check: on a loaded TCG host the kernel's IO-APIC timer check
# can panic at 0.03 s, before any initrd runs (seen with 2 vCPUs).
#
#   tests/boot/modload.sh [--libc klibc|musl|glibc] [--kernels "bookworm trixie"]
#
# Ends with "modload-LIBC: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
LIBC=klibc
KERNELS="bookworm trixie"
. tests/boot/lib.sh
t_options "$0 [--libc L] [--kernels LIST]" "$@"
O=${O:-build}

t_workdir modload "module loading tests ($LIBC)" 'root-*' '*.img' 'x-*'

# The "loaded NAME" lines of the last boot, in the order they came.
loaded_order() {
	console | sed -n 's/^init9p: loaded \([^ ]*\) in [0-9]* ms$/\1/p' | tr '\n' ' '
}

# The names of root9p.load in $IMG's order (from the unpacked copy).
list_order() {
	sed 's,.*/,,; s,\.ko$,,' "$WORK/x-$K/lib/modules/$KVER/root9p.load" | tr '\n' ' '
}

# broken NAME EDIT...: $WORK/$K-NAME.img, the image unpacked, edited by
# the shell commands EDIT (run in the unpacked tree), packed again.
broken() {
	local name=$1 tree=$WORK/x-$K-$1
	shift
	rm -rf "$tree"
	cp -a "$WORK/x-$K" "$tree"
	(cd "$tree" && eval "$*") &&
		(cd "$tree" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) \
		>"$WORK/$K-$name.img"
}

# A module file cut to its first 64 bytes: an ELF header whose sections
# are missing, which the kernel refuses (-ENOEXEC).
cut_module() { head -c 64 "$1" >"$1.cut" && mv "$1.cut" "$1"; }

case_good() {
	local cpus=$1 how
	boot "$K-cpus$cpus" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" -c "$cpus" \
		-o "$HOWTO_FLAGS" -a "root9p.debug no_timer_check"
	check_9p_root "$K $cpus vCPU"
	if [ "$cpus" -ge 2 ] && [ -n "$BUS" ]; then
		how="parallel on $cpus CPUs"
		check "$K $cpus vCPUs: the debug log shows the split" \
			grep -qE "^init9p: modules: $how: \[[^]]*\<$BUS\>[^]]*\] beside \[[^]]*\<9p\>[^]]*\], then \[9pnet_virtio\]$" <(console)
		c_vcpus_9pnet_virtio_loaded() { loaded_order | grep -qE "\<$BUS\> .*9pnet_virtio|\<9p\> .*9pnet_virtio"; }
		check "$K $cpus vCPUs: 9pnet_virtio loaded after virtio_pci and 9p" c_vcpus_9pnet_virtio_loaded
	else
		how="sequential on $cpus CPU$([ "$cpus" = 1 ] || echo s)"
		c_vcpu_modules_loaded_root9p() { [ "$(loaded_order)" = "$(list_order)" ]; }
		check "$K $cpus vCPU: the modules loaded in root9p.load's order" c_vcpu_modules_loaded_root9p
	fi
	check "$K $cpus vCPU: init9p said how it loaded ($how)" \
		grep -qE "^init9p: loaded [0-9]+ modules in [0-9]+ ms \($how\)$" <(console)
}

# case_fail NAME CPUS MODULE-PATH ERROR HINT EDIT: a broken image boots
# to init9p's message about MODULE-PATH, and nothing is mounted.
case_fail() {
	local what=$1 cpus=$2 path=$3 err=$4 hint=$5
	shift 5
	if ! broken "$what" "$@"; then
		fail "$K $what: make the broken image"
		return
	fi
	boot "$K-$what" -k "$KERNEL_IMAGE" -i "$WORK/$K-$what.img" -r "$ROOT" \
		-c "$cpus" -a "panic=1 no_timer_check root9p.debug"
	if [ "$cpus" -ge 2 ] && [ -n "$BUS" ]; then
		check "$K $what ($cpus vCPU): the chains were loaded in parallel" \
			grep -qE "^init9p: modules: parallel on $cpus CPUs: " <(console)
	fi
	check "$K $what ($cpus vCPU): init9p names the module and why" \
		has "init9p: cannot load a module: /lib/modules/$KVER/$path: $err"
	check "$K $what ($cpus vCPU): and what to try" has "init9p: try: $hint"
	c_vcpu_nothing_was_mounted() { hasnt "mounted fsRoot" && hasnt "Kernel panic" && [ -z "$(probe "done")" ]; }
	check "$K $what ($cpus vCPU): nothing was mounted, no panic" c_vcpu_nothing_was_mounted
}

NOEXEC="Exec format error"
NOEXEC_HINT="the module does not match this kernel: rebuild the image with mkinitrd9p -k \$(uname -r)"
MISSING="No such file or directory"
MISSING_HINT="the image is incomplete: rebuild it"

# checks_for K: the checks of one kernel: 2, then case_good's (10 of
# check_9p_root and 2, or 3 with a bus module and 2 vCPUs) and case_fail's
# (3 each, 4 with a bus module). Debian 12 has virtio_pci as a module,
# 13 has none: 39 and 32. Another kernel's is not known before its image
# is made: then the suite has no plan.
checks_for() {
	case $1 in
	bookworm) echo $((2 + 13 + 12 + 3 * 4)) ;;
	trixie) echo $((2 + 12 + 12 + 2 * 3)) ;;
	*) return 1 ;;
	esac
}
# shellcheck disable=SC2086 # KERNELS is a list of words
t_plan_kernels 0 checks_for $KERNELS

for K in $KERNELS; do
	if ! env_text=$(scripts/fetch-kernel.sh --env "$K"); then
		fail "$K: fetch the kernel"
		[ -z "$T_PLAN" ] || t_skip $(($(checks_for "$K") - 1)) "$K: no kernel"
		continue
	fi
	eval "$env_text"
	cache_words "$KVER"
	IMG=$WORK/$K.img
	ROOT=$WORK/root-$K
	LOG=
	check "$K: mkinitrd9p builds the image" \
		"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/$LIBC/init9p" -o "$IMG"
	check "$K: the tiny probe root is made" \
		scripts/mkroot-tiny.sh "$ROOT" "$O/$LIBC/mount9p"
	mkdir -p "$WORK/x-$K"
	(cd "$WORK/x-$K" && zstd -dc "$IMG" | cpio -id --quiet)
	LOAD=lib/modules/$KVER/root9p.load
	# Debian 12 has virtio_pci as a module; 13 builds virtio in (no bus
	# driver to load: one chain, loaded in order on any CPU count).
	BUS=$(grep -o 'virtio_pci\.ko$' "$WORK/x-$K/$LOAD" | sed 's/\.ko$//')
	NINEP=$(grep '/9p\.ko$' "$WORK/x-$K/$LOAD")
	NET=$(grep '/9pnet\.ko$' "$WORK/x-$K/$LOAD")
	case_good 2
	case_good 1
	if [ -n "$BUS" ]; then
		RING=$(grep '/virtio_ring\.ko$' "$WORK/x-$K/$LOAD")
		# the child's chain fails; the parent's loads
		case_fail bad-ring 2 "$RING" "$NOEXEC" "$NOEXEC_HINT" \
			"cut_module lib/modules/$KVER/$RING"
		# the parent's chain fails; the child's loads
		case_fail no-9p 2 "$NINEP" "$MISSING" "$MISSING_HINT" \
			"rm lib/modules/$KVER/$NINEP"
		# both: the one a sequential load meets first is reported
		case_fail both 2 "$RING" "$NOEXEC" "$NOEXEC_HINT" \
			"cut_module lib/modules/$KVER/$RING && rm lib/modules/$KVER/$NINEP"
	else
		case_fail bad-9pnet 2 "$NET" "$NOEXEC" "$NOEXEC_HINT" \
			"cut_module lib/modules/$KVER/$NET"
		case_fail no-9p 1 "$NINEP" "$MISSING" "$MISSING_HINT" \
			"rm lib/modules/$KVER/$NINEP"
	fi
done
t_done "modload-$LIBC"
