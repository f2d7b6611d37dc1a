#!/bin/bash
# tests/boot/overlay.sh - overlay roots and extra shares (#13) through
# init9p, under QEMU TCG: root9p.overlay=tmpfs and =TAG, root9p.mount=,
# their failure paths. Checked from inside the guest (its mountinfo, what
# it reads back) and from the host (a manifest of the base tree, the
# upper folder's files).
#
#   tests/boot/overlay.sh [--kernels "bookworm trixie"]
#
# Debian 12's kernel gets every case; the others the two overlay kinds.
# CASES="tmpfs tag two fail usr" (the default) picks cases, for a quick look.
# Ends with "overlay: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
KERNELS="bookworm trixie"
LIBC=klibc
. tests/boot/lib.sh
t_options "$0 [--libc L] [--kernels LIST]" "$@"
O=${O:-build}
CASES=${CASES:-tmpfs tag two fail usr}
want() { case " $CASES " in *" $1 "*) return 0 ;; esac; return 1; }

t_workdir overlay "overlay tests" 'root-*' 'up-*' 'data' 'usrroot-*'

# The guest's init for these boots: report mountinfo, what an earlier boot
# left, then write, delete, rename, chmod and read it all back; with
# ov.wait=N it reads its own file again N seconds later (two guests at once).
ovinit() {
	mkdir -p "$1/probe"
	cat >"$1/probe/ovinit" <<'INIT'
#!/bin/sh
export PATH=/bin:/sbin
say() { echo "<5>@@ $*" > /dev/kmsg; }
arg() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" /proc/cmdline | tail -n 1; }
while read -r l; do say mi "$l"; done < /proc/self/mountinfo
say prev "$(cat /etc/ovtest 2>/dev/null || echo none)"
tok=$(arg ov.token)
if echo "$tok" > /etc/ovtest 2>/dev/null; then say write ok; else say write failed; fi
rm -f /etc/ovdel
mv /etc/ovren /etc/ovren2 2>/dev/null
mkdir -p /newdir && echo new > /newdir/f
chmod 0600 /etc/ovkeep 2>/dev/null
say see "$(cat /etc/ovtest) $([ -e /etc/ovdel ] && echo del-present || echo del-gone) $([ -e /etc/ovren2 ] && echo ren-ok) $(cat /newdir/f 2>&1) $(stat -c %a /etc/ovkeep)"
say lower "$(cat /run/root9p/lower/etc/ovdel 2>&1)"
say mnt "$(cat /mnt/hello 2>&1)"
w=$(arg ov.wait)
if [ -n "$w" ]; then sleep "$w"; say again "$(cat /etc/ovtest)"; fi
say done yes
sync
poweroff -f
INIT
	chmod 0755 "$1/probe/ovinit"
	echo delete-me >"$1/etc/ovdel"
	echo rename-me >"$1/etc/ovren"
	echo keep >"$1/etc/ovkeep"
	chmod 0644 "$1/etc/ovkeep"
	ln -sfn /mnt "$1/lnk"
}

# mi MOUNTPOINT: the guest's mountinfo line of it.
mi() { probe mi | awk -v m="$1" '$5 == m' | tail -n 1; }

BASE_ARGS=()
ovboot() {
	local name=$1
	shift
	boot "$name" -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" "${BASE_ARGS[@]}" "$@"
}

# root9p.overlay=tmpfs over a share QEMU serves read-only, with extra
# shares: a good one, a relative path, a path through a link, a missing tag.
case_tmpfs() {
	local before full=$1
	before=$(treesum "$ROOT")
	ovboot "$K-tmpfs" --ro --extra-9p "data:$WORK/data" \
		-a "rw init=/probe/ovinit root9p.overlay=tmpfs root9p.debug root9p.timeout=4 ov.token=t-$K $([ "$full" = 1 ] &&
		echo 'root9p.mount=data:/mnt:ro,cache=loose root9p.mount=data:mnt root9p.mount=data:/lnk/x root9p.mount=nosuch:/srv')"
	check "$K tmpfs: the guest ran to the end" probe_is "done" yes
	check "$K tmpfs: / is overlay, rw, on /run/root9p's layers" \
		grep -qE '^[0-9]+ [0-9]+ [0-9:]+ / / rw[^ ]* .*- overlay overlay rw,lowerdir=/run/root9p/lower,upperdir=/run/root9p/rw/upper,workdir=/run/root9p/rw/work' <<<"$(mi /)"
	check "$K tmpfs: the lower is 9p fsRoot read-only, visible at /run/root9p/lower" \
		grep -qE ' /run/root9p/lower ro[, ].*- 9p fsRoot ' <<<"$(mi /run/root9p/lower)"
	check "$K tmpfs: the upper is a tmpfs at /run/root9p/rw" \
		grep -qE ' /run/root9p/rw rw[, ].*- tmpfs ' <<<"$(mi /run/root9p/rw)"
	check "$K tmpfs: the guest wrote, deleted, renamed, chmodded and sees it" \
		probe_is see "t-$K del-gone ren-ok new 600"
	check "$K tmpfs: the lower still has the deleted file" probe_is lower delete-me
	check "$K tmpfs: the host tree is unchanged (manifest incl. metadata)" \
		[ "$before" = "$(treesum "$ROOT")" ]
	check "$K tmpfs: init9p logged the overlay mount" \
		grep -qE 'init9p: mounted overlay on /root in [0-9]+ ms \(rw, upper tmpfs, lower fsRoot read-only\)' <(console)
	[ "$full" = 1 ] || return 0
	c_root9p_mount_data_mnt() { grep -qE " /mnt ro[, ].*- 9p data .*(loose|cache=0xf)" <<<"$(mi /mnt)" && probe_is mnt hello; }
	check "$K root9p.mount: data on /mnt, ro, with cache=loose" c_root9p_mount_data_mnt
	check "$K root9p.mount: a relative path is refused by name, the boot goes on" \
		has 'init9p: warning: root9p.mount=data:mnt: the path "mnt" is not an absolute path; write an absolute path in the root such as /mnt/data; that share is not mounted'
	check "$K root9p.mount: a path through a link is not followed" \
		has 'init9p: warning: root9p.mount: cannot mount data on /lnk/x: /lnk is a symbolic link or not a folder (links are not followed) in the root; the boot goes on without it'
	check "$K root9p.mount: a missing tag is named with the tags present" \
		grep -qE 'init9p: warning: root9p.mount: mount tag "nosuch" for /srv not found after 4 s \(tags present: .*data.*\); the boot goes on without it' <(console)
}

# root9p.overlay=TAG: changes land in TAG's upper/ on the host only, and
# the next boot sees them.
case_tag() {
	local before up=$WORK/up-$K
	before=$(treesum "$ROOT")
	rm -rf "$up"; mkdir -p "$up"
	ovboot "$K-tag1" --extra-9p "up:$up" -a "init=/probe/ovinit root9p.overlay=up ov.token=one-$K"
	c_tag_overlay_upper_9p() { grep -qE " / / rw[^ ]* .*- overlay overlay rw,lowerdir=/run/root9p/lower," <<<"$(mi /)" && grep -qE " - 9p up " <<<"$(mi /run/root9p/rw)"; }
	check "$K tag: / is overlay, the upper a 9p share at /run/root9p/rw" c_tag_overlay_upper_9p
	c_tag_guest_write_new() { probe_has see "^one-$K .* new 600$"; }
	check "$K tag: the guest's write, new folder and chmod work and read back" c_tag_guest_write_new
	c_tag_changes_host_upper() { [ "$(cat "$up/upper/etc/ovtest" 2>/dev/null)" = "one-$K" ] && [ "$(cat "$up/upper/newdir/f")" = new ] && [ "$(stat -c %a "$up/upper/etc/ovkeep")" = 600 ]; }
	check "$K tag: the changes are in the host's upper folder" c_tag_changes_host_upper
	if probe_has see " del-gone ren-ok "; then
		c_tag_delete_whiteout_upper() { [ -c "$up/upper/etc/ovdel" ] && [ "$(stat -c %t:%T "$up/upper/etc/ovdel")" = 0:0 ]; }
		check "$K tag: the delete is a whiteout in the upper folder" c_tag_delete_whiteout_upper
	else
		# No whiteouts on a 9p upper (DESIGN.md): the boot must say so.
		c_tag_deleting_base_file() { ! probe_has see " del-gone " && has "warning: the overlay's upper is the 9p share up: new and changed files work, but deleting or renaming a file or folder of the lower root fails"; }
		check "$K tag: deleting a base file fails, and the boot warned of it" c_tag_deleting_base_file
	fi
	check "$K tag: the base is unchanged" [ "$before" = "$(treesum "$ROOT")" ]
	ovboot "$K-tag2" --extra-9p "up:$up" -a "init=/probe/ovinit root9p.overlay=up ov.token=two-$K"
	c_tag_second_boot_sees() { probe_is prev "one-$K" && probe_has see "^two-$K .* new 600$"; }
	check "$K tag: a second boot sees the first one's changes" c_tag_second_boot_sees
	check "$K tag: the base is still unchanged" [ "$before" = "$(treesum "$ROOT")" ]
}

# Two guests at once on one base, each with its own upper.
case_two() {
	local before a=$WORK/up-a b=$WORK/up-b la lb
	before=$(treesum "$ROOT")
	rm -rf "$a" "$b"; mkdir -p "$a" "$b"
	la=$LOGDIR/$K-two-a.log lb=$LOGDIR/$K-two-b.log
	echo "boot $K-two-a and $K-two-b at once"
	"$RUN9P" --accel tcg --timeout "$BOOT_TIMEOUT" --passthrough-as-root -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" \
		--extra-9p "up:$a" -a "init=/probe/ovinit root9p.overlay=up ov.token=A ov.wait=8" </dev/null >"$la" 2>&1 &
	local pa=$!
	"$RUN9P" --accel tcg --timeout "$BOOT_TIMEOUT" --passthrough-as-root -k "$KERNEL_IMAGE" -i "$IMG" -r "$ROOT" \
		--extra-9p "up:$b" -a "init=/probe/ovinit root9p.overlay=up ov.token=B ov.wait=8" </dev/null >"$lb" 2>&1
	wait "$pa"
	LOG=$la
	c_two_guests_sees_only() { probe_is prev none && probe_is again A; }
	check "$K two guests: A sees only its own change" c_two_guests_sees_only
	LOG=$lb
	c_two_guests_b_sees() { probe_is prev none && probe_is again B; }
	check "$K two guests: B sees only its own change" c_two_guests_b_sees
	c_two_guests_each_upper() { [ "$(cat "$a/upper/etc/ovtest")" = A ] && [ "$(cat "$b/upper/etc/ovtest")" = B ]; }
	check "$K two guests: each upper holds its own change" c_two_guests_each_upper
	check "$K two guests: the base is unchanged" [ "$before" = "$(treesum "$ROOT")" ]
}

# run9p --usr-cache loose on a merged-/usr root (/bin and /sbin links
# into usr): / read-write at the default cache=mmap, ROOT/usr a second
# share the engine mounts over /usr with cache=loose before it checks
# and starts /sbin/init, which it reaches through the /sbin link into
# the new mount. The init writes under /usr, syncs and powers off.
case_usr() {
	local r=$WORK/usrroot-$K
	rm -rf "$r"
	cp -a "$ROOT" "$r"
	mv "$r/bin" "$r/usr/bin" && ln -s usr/bin "$r/bin"
	mv "$r/sbin" "$r/usr/sbin" && ln -s usr/sbin "$r/sbin"
	cat >"$r/usr/sbin/init" <<'INIT'
#!/bin/sh
export PATH=/bin:/sbin
say() { echo "<5>@@ $*" > /dev/kmsg; }
arg() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" /proc/cmdline | tail -n 1; }
while read -r l; do say mi "$l"; done < /proc/self/mountinfo
if echo "$(arg usr.token)" > /usr/written 2>/dev/null; then say write ok; else say write failed; fi
sync
say done yes
poweroff -f
INIT
	chmod 0755 "$r/usr/sbin/init"
	boot "$K-usr" -k "$KERNEL_IMAGE" -i "$IMG" -r "$r" --usr-cache loose -a "root9p.debug usr.token=u-$K"
	check "$K usr-cache: the engine mounted r9pusr on /usr, /sbin/init ran through /sbin -> usr/sbin" \
		grep -qE 'init9p: mounted r9pusr on /usr in [0-9]+ ms \(.*cache=loose' <(console)
	c_usr_cache_usr_loose() { grep -qE " /usr rw[, ].*- 9p r9pusr .*(loose|cache=0xf)" <<<"$(mi /usr)"; }
	check "$K usr-cache: the guest's /usr is 9p r9pusr, read-write, cache=loose" c_usr_cache_usr_loose
	c_usr_cache_root_mmap() { grep -qE " / / rw[, ].*- 9p fsRoot .*$CACHE_SHOWN" <<<"$(mi /)"; }
	check "$K usr-cache: / stays 9p fsRoot at cache=mmap" c_usr_cache_root_mmap
	c_usr_cache_write_host() { probe_is write ok && [ "$(cat "$r/usr/written" 2>/dev/null)" = "u-$K" ]; }
	check "$K usr-cache: the guest's write under /usr is on the host after poweroff" c_usr_cache_write_host
}

# What a user can get wrong: each a clear message, nothing written.
case_fail() {
	local before
	before=$(treesum "$ROOT")
	IMG=$IMG_PLAIN ovboot "$K-nomodule" -a "init=/probe/ovinit root9p.overlay=tmpfs panic=1"
	c_overlay_module_image_named() {
		has "init9p: cannot load a module: overlay: No such file or directory" &&
			has "add it with mkinitrd9p --modules=overlay" && [ -z "$(probe see)" ]
	}
	check "$K no overlay module in the image: named, with what to do" c_overlay_module_image_named
	ovboot "$K-noupper" -a "init=/probe/ovinit root9p.overlay=nosuch root9p.timeout=3 panic=1"
	c_upper_tag_missing_named() { grep -qE "init9p: cannot mount the overlay.s upper layer: 9p tag nosuch \(/run/root9p/rw\): upper mount tag \"nosuch\" not found in time \(tags present: .*fsRoot.*\); give QEMU that share \(run9p --extra-9p nosuch:DIR\) or use root9p.overlay=tmpfs" <(console) && [ -z "$(probe see)" ]; }
	check "$K upper tag missing: named, with the tags present and what to do" c_upper_tag_missing_named
	ovboot "$K-badvalue" -a "init=/probe/ovinit root9p.overlay=a=b panic=1"
	c_bad_root9p_overlay_value() { has "init9p: cannot use root9p.overlay: root9p.overlay=a=b: not \"tmpfs\", a 9p mount tag nor a disk" && hasnt "mounted fsRoot" && [ -z "$(probe see)" ]; }
	check "$K bad root9p.overlay value: refused, nothing mounted" c_bad_root9p_overlay_value
	check "$K failures: the host tree is unchanged" [ "$before" = "$(treesum "$ROOT")" ]
}

# The plan, from the loop below: each kernel 1 check, tmpfs 8 and tag 7;
# the first kernel that runs also tmpfs's 4 shares, two 4, fail 5, usr 4.
per_kernel=1 first_extra=0
want tmpfs && per_kernel=$((per_kernel + 8)) first_extra=$((first_extra + 4))
want tag && per_kernel=$((per_kernel + 7))
want two && first_extra=$((first_extra + 4))
want fail && first_extra=$((first_extra + 5))
want usr && first_extra=$((first_extra + 4))
read -ra kernels <<<"$KERNELS"
t_plan $((${#kernels[@]} * per_kernel + (${#kernels[@]} > 0 ? first_extra : 0)))

mkdir -p "$WORK/data"
echo hello >"$WORK/data/hello"
first=1
for K in $KERNELS; do
	if ! env_text=$(scripts/fetch-kernel.sh --env "$K"); then
		t_skip "$per_kernel" "$K: kernel not available (scripts/fetch-kernel.sh $K)"
		continue
	fi
	eval "$env_text"
	cache_words "$KVER"
	IMG=$WORK/$K-overlay.img
	IMG_PLAIN=$WORK/$K.img
	ROOT=$WORK/root-$K
	check "$K: mkinitrd9p --overlay builds the image" \
		"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/$LIBC/init9p" --overlay -o "$IMG"
	scripts/mkroot-tiny.sh "$ROOT" "$O/$LIBC/mount9p" >/dev/null
	ovinit "$ROOT"
	want tmpfs && case_tmpfs "$first"
	want tag && case_tag
	if [ "$first" = 1 ]; then
		want two && case_two
		want fail && check "$K: mkinitrd9p builds the image without overlay" \
			"$O/mkinitrd9p" -k "$KVER" -b "$KERNEL_BASE" --init "$O/$LIBC/init9p" -o "$IMG_PLAIN" &&
			case_fail
		want usr && case_usr
	fi
	first=0
done
[ "$first" = 0 ] || [ "$first_extra" = 0 ] || t_skip "$first_extra" "the first kernel's cases: no kernel ran"
t_done overlay
