#!/bin/sh
# tests/e2e/mklive.sh: builds a small but genuine Debian live ISO for the
# end-to-end lab, from the Debian packages installed by tests/e2e/setup.sh.
#
#   mklive.sh [OUT]        (OUT default: $E2E_CACHE/live)
#
# OUT/live.iso is laid out as live-build lays out its ISOs:
#   /live/vmlinuz              Debian's kernel (linux-image-amd64, the one in /boot)
#   /live/initrd.img           made by mkinitramfs with live-boot's
#                              initramfs-tools hooks (live-boot,
#                              live-boot-initramfs-tools, initramfs-tools):
#                              udev, klibc's ipconfig for DHCP, busybox's
#                              wget for fetch=, every network driver
#   /live/filesystem.squashfs  the live system: busybox, an init that
#                              reports, and 1 MiB of random bytes
#   /isolinux/isolinux.cfg, /isolinux/live.cfg, isolinux.bin, ldlinux.c32
#                              the menu live-build writes for syslinux,
#                              and its El Torito boot record (booting
#                              the live system from the CD itself is
#                              not tested: MODULES=list leaves out the
#                              disk controllers' drivers)
#   /boot/grub/grub.cfg        live-build's GRUB menu entry
# Both menus boot "/live/vmlinuz boot=live components ..." with
# /live/initrd.img; booted over the network with
# fetch=http://SERVER/live/filesystem.squashfs added, live-boot takes a
# lease (ipconfig), downloads the squashfs into RAM, mounts it under an
# overlay and starts its /sbin/init, which prints on the console:
#   E2E-LIVE kernel=... fetched=<the fetch= URL>
#   E2E-LEASE ip=... server=... router=...
#   E2E-RESULT arch=x86_64 sha256=<payload digest> squashfs=<digest of the
#              squashfs as fetched> check=ok|bad
# and powers the machine off.  check=ok: the payload's digest matches the
# one recorded beside it in the squashfs.
# OUT/payload.sha256 and OUT/squashfs.sha256 hold the digests a test wants.
#
# Why the host's packages and not a debootstrapped chroot (live-build's
# way): the lab's host already has the kernel, initramfs-tools, udev and
# busybox-static; live-boot adds 150 kB.  mkinitramfs runs with a config
# directory of its own (-d), so the host's initramfs settings do not leak
# in; the hooks are the packages' own.  MODULES=list keeps the initrd
# smaller (23 MB with zstd, MODULES=most's 36 MB): the modules the hooks
# add (live-boot: every network driver, squashfs, overlay, loop ...; its
# kms hook: i915, radeon, nouveau) plus virtio_pci for the UEFI clients.
# Cost, measured on the 2-core lab machine: the whole ISO in 46 s with
# the machine quiet (mkinitramfs 44 s), 180-240 s under a load of 10;
# the ISO is 33 MB; a cached one is checked in under a second.
#
# The ISO is rebuilt only when an input changed (this script, the kernel,
# the packages): OUT/stamp records them.
set -eu
CACHE=${E2E_CACHE:-/var/tmp/pxeproxyd-e2e}
OUT=${1:-$CACHE/live}
PAYLOAD_BYTES=1048576
# The kernel parameters both menus carry, as live-build's --bootappend-live
# would: the console is the lab's serial port; panic=-1: a failed live
# boot ends the machine at once instead of waiting in a shell.
APPEND="boot=live components console=ttyS0,115200n8 panic=-1"

die() { echo "mklive: $*" >&2; exit 1; }
umask 022
. "$(dirname "$0")/cache.sh"

kx=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$kx" ] || die "no /boot/vmlinuz-*-amd64: install linux-image-amd64"
kver=${kx#/boot/vmlinuz-}
for f in /bin/live-boot /usr/share/initramfs-tools/hooks/live /usr/sbin/mkinitramfs \
	/usr/bin/mksquashfs /usr/bin/xorriso /usr/lib/ISOLINUX/isolinux.bin \
	/usr/lib/syslinux/modules/bios/ldlinux.c32 /bin/busybox "/lib/modules/$kver/modules.dep"; do
	[ -e "$f" ] || die "$f missing: run tests/e2e/setup.sh"
done

stamp() {
	echo "append $APPEND payload $PAYLOAD_BYTES"
	sha256sum <"$0"
	ls -l "$kx"
	dpkg-query -W live-boot live-boot-initramfs-tools initramfs-tools \
		busybox-static udev klibc-utils squashfs-tools xorriso isolinux 2>/dev/null
}

mkdir -p "$(dirname "$OUT")"
cache_reuse mklive "$OUT.lock" "$OUT"
t0=$(date +%s)
echo "mklive: building $OUT (kernel $kver)"
NEW=$OUT.new
rm -rf "$NEW"
mkdir -p "$NEW/iso/live" "$NEW/iso/isolinux" "$NEW/iso/boot/grub" "$NEW/work"
ISO=$NEW/iso W=$NEW/work

# --- the initramfs: live-boot's hooks, a config directory of our own ---
conf=$W/initramfs-tools
mkdir -p "$conf/conf.d" "$conf/hooks" "$conf/scripts"
cat >"$conf/initramfs.conf" <<'EOF'
MODULES=list
BUSYBOX=y
KEYMAP=n
COMPRESS=zstd
DEVICE=
NFSROOT=auto
RUNSIZE=10%
FSTYPE=auto
EOF
# The hooks bring the network drivers (live-boot's "auto_add_modules net");
# the virtio transport they sit on is in no hook's list.
echo virtio_pci >"$conf/modules"
mkinitramfs -d "$conf" -o "$ISO/live/initrd.img" "$kver" >"$W/mkinitramfs.log" 2>&1 ||
	die "mkinitramfs failed: $(tail -n 5 "$W/mkinitramfs.log")"
lsinitramfs "$ISO/live/initrd.img" >"$W/initrd.list"
# need PATTERN WHAT: the initramfs holds a path matching PATTERN (bin/ or
# usr/bin/: Debian 12's initramfs-tools writes a merged /usr).
need() { grep -Eq "$1" "$W/initrd.list" || die "the initramfs has no $2"; }
need '^(usr/)?bin/live-boot$' "live-boot (its hook did not run?)"
need '^scripts/live$' "scripts/live (live-boot-initramfs-tools)"
need '^(usr/)?bin/ipconfig$' "ipconfig (klibc-utils)"
need '^(usr/)?bin/wget$' "wget (busybox)"
need '/e1000\.ko$' "e1000 driver"
need '/virtio_net\.ko$' "virtio_net driver"
need '/virtio_pci\.ko$' "virtio_pci"
need '/squashfs\.ko$|^usr/lib/modules/.*/modules\.builtin$' "squashfs"
cp "$kx" "$ISO/live/vmlinuz"
t1=$(date +%s)
echo "mklive: initramfs made in $((t1 - t0)) s ($(du -k "$ISO/live/initrd.img" | cut -f1) kB)"

# --- the live system ----------------------------------------------------
r=$W/rootfs
# etc/network: live-boot writes its interfaces file there.
mkdir -p "$r/bin" "$r/sbin" "$r/etc/network" "$r/proc" "$r/sys" "$r/dev" "$r/run" \
	"$r/tmp" "$r/root" "$r/usr/bin" "$r/usr/sbin"
cp /bin/busybox "$r/bin/busybox"
for a in $(/bin/busybox --list); do
	[ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
done
head -c "$PAYLOAD_BYTES" /dev/urandom >"$r/payload.bin"
sha256sum "$r/payload.bin" | cut -d' ' -f1 >"$r/etc/payload.sha256"
cp "$r/etc/payload.sha256" "$NEW/payload.sha256"
cat >"$r/sbin/init" <<'EOF'
#!/bin/sh
# The live system of the end-to-end lab: where it came from, its lease,
# its digests, then off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc 2>/dev/null
mount -t sysfs sysfs /sys 2>/dev/null
exec </dev/console >/dev/console 2>&1
url=
for a in $(cat /proc/cmdline); do
	case $a in fetch=*) url=${a#fetch=} ;; esac
done
echo "E2E-LIVE kernel=$(uname -r) fetched=$url"
# live-boot's DHCP (klibc ipconfig) left the lease here.
for f in /run/net-*.conf; do
	[ -f "$f" ] || continue
	. "$f"
	echo "E2E-LEASE ip=$IPV4ADDR server=$ROOTSERVER router=$IPV4GATEWAY device=$DEVICE"
	break
done
want=$(cat /etc/payload.sha256)
sum=$(sha256sum /payload.bin | cut -d' ' -f1)
check=bad
[ "$sum" = "$want" ] && check=ok
# The squashfs as live-boot fetched it: in RAM under /run/live/medium.
sq=$(find /run/live -type f -name '*.squashfs' 2>/dev/null | head -n 1)
sqsum=none
[ -n "$sq" ] && sqsum=$(sha256sum "$sq" | cut -d' ' -f1)
echo "E2E-RESULT arch=$(uname -m) sha256=$sum squashfs=$sqsum check=$check from=$sq"
sync
poweroff -f
EOF
chmod 755 "$r/sbin/init"
mksquashfs "$r" "$ISO/live/filesystem.squashfs" -comp xz -noappend -all-root \
	-no-progress >"$W/mksquashfs.log" 2>&1 ||
	die "mksquashfs failed: $(tail -n 5 "$W/mksquashfs.log")"
sha256sum "$ISO/live/filesystem.squashfs" | cut -d' ' -f1 >"$NEW/squashfs.sha256"

# --- the boot menus, as live-build writes them ----------------------------
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$ISO/isolinux/"
cat >"$ISO/isolinux/isolinux.cfg" <<'EOF'
include live.cfg
default live-amd64
prompt 0
timeout 0
EOF
cat >"$ISO/isolinux/live.cfg" <<EOF
label live-amd64
	menu label ^Live (amd64)
	menu default
	kernel /live/vmlinuz
	append initrd=/live/initrd.img $APPEND
EOF
cat >"$ISO/boot/grub/grub.cfg" <<EOF
set default=0
set timeout=5

# Live boot
menuentry "Live system (amd64)" --hotkey=l {
	linux	/live/vmlinuz $APPEND
	initrd	/live/initrd.img
}
EOF

xorriso -as mkisofs -o "$NEW/live.iso" -V PXEPROXYD_LIVE -J -R \
	-b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot \
	-boot-load-size 4 -boot-info-table \
	-isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin "$ISO" >"$W/xorriso.log" 2>&1 ||
	die "xorriso failed: $(tail -n 5 "$W/xorriso.log")"
echo "mklive: squashfs ($(du -k "$ISO/live/filesystem.squashfs" | cut -f1) kB) and ISO made in $(($(date +%s) - t1)) s"
rm -rf "$ISO" "$W"
cache_publish "$NEW" "$OUT"
echo "mklive: $OUT/live.iso ready in $(($(date +%s) - t0)) s ($(du -k "$OUT/live.iso" | cut -f1) kB; payload sha256 $(cat "$OUT/payload.sha256"), squashfs sha256 $(cat "$OUT/squashfs.sha256"))"
