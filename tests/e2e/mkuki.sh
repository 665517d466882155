#!/bin/sh
# tests/e2e/mkuki.sh: builds the IPv6 lab's boot tree: Unified Kernel Images.
#
#   mkuki.sh [-6 SERVER6] [-a ADDR6/LEN] [-4 SERVER4] BOOT [OUT]
#
# BOOT is the IPv4 lab's tree (tests/e2e/mkboot.sh), whose kernels, busybox
# initrds and payload are reused; OUT (default $E2E_CACHE/boot6) gets
#   root/uki-x64.efi root/uki-aa64.efi       IPv6: the payload from
#                                            http://[SERVER6]/payload.bin
#   root/uki-x64-v4.efi root/uki-aa64-v4.efi the same kernel and initrd with
#                                            the IPv4 lab's init and
#                                            http://SERVER4/payload.bin:
#                                            the IPv4 boot the IPv6 one is
#                                            timed against
#   root/grubx64.efi root/grubaa64.efi       stock GRUB (Debian's modules,
#   root/grub/grub.cfg                       contrib/pxeproxyd-mkgrub) with
#   root/linux/{x86_64,arm64}/vmlinuz        (tftp,SERVER6)/grub as its
#   root/linux/{x86_64,arm64}/initrd6.gz     prefix: grub.cfg by TFTP, the
#                                            kernel and the IPv6 initrd by
#                                            HTTP, all over IPv6
#   root/payload.bin                         BOOT's payload (a hard link)
#   payload.sha256
# A UKI is systemd-boot-efi's stub with the kernel, the initrd and the
# command line as PE sections (objcopy): the firmware loads one EFI file
# and Linux starts, no boot loader and so no boot loader's IPv6 support
# in between.
#
# The IPv6 initrd is BOOT's initrd with a second cpio archive appended (the
# kernel unpacks both, later files win) that replaces /init.  Its init
# takes the static address ADDR6/LEN (default 2001:db8::e2e/64, outside
# the lab's DHCPv6 range) from e2e.ip6= on the command line: Debian's
# busybox has no DHCPv6 client (no udhcpc6), the lab's router
# advertisements carry the managed flag and no autonomous prefix (so no
# SLAAC), and the firmware's lease does not survive into Linux.  It adds
# the address without duplicate address detection, fetches the payload
# and prints, like the IPv4 lab's system:
#   E2E-ADDR6 ip=... (static)
#   E2E-RESULT arch=... sha256=...
# Rebuilt only when an input changed (OUT/stamp), under BOOT's lock.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/cache.sh"
TOP=$(cd "$HERE/../.." && pwd)
CACHE=${E2E_CACHE:-/var/tmp/pxeproxyd-e2e}
ARM64=$CACHE/arm64
SERVER6=2001:db8::5
ADDR6=2001:db8::e2e/64
SERVER4=192.0.2.5
STUB_X64=/usr/lib/systemd/boot/efi/linuxx64.efi.stub
STUB_AA64=$ARM64/usr/lib/systemd/boot/efi/linuxaa64.efi.stub

die() { echo "mkuki: $*" >&2; exit 1; }
while getopts 6:a:4: o; do
	case $o in
	6) SERVER6=$OPTARG ;;
	a) ADDR6=$OPTARG ;;
	4) SERVER4=$OPTARG ;;
	*) die "usage: mkuki.sh [-6 SERVER6] [-a ADDR6/LEN] [-4 SERVER4] BOOT [OUT]" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || die "usage: mkuki.sh [-6 SERVER6] [-a ADDR6/LEN] [-4 SERVER4] BOOT [OUT]"
BOOT=$1
OUT=${2:-$CACHE/boot6}
umask 022
[ -f "$BOOT/stamp" ] || die "$BOOT is no boot tree (run tests/e2e/mkboot.sh)"
[ -f "$STUB_X64" ] || die "$STUB_X64 missing: run tests/e2e/setup.sh"
command -v objcopy >/dev/null || die "objcopy missing: run tests/e2e/setup.sh"

stamp() {
	echo "server6 $SERVER6 addr6 $ADDR6 server4 $SERVER4"
	cat "$0" "$HERE/cache.sh" "$HERE/uki.sh" "$BOOT/stamp" "$TOP/contrib/pxeproxyd-mkgrub" | sha256sum
	ls -l "$STUB_X64" "$STUB_AA64" 2>/dev/null || true
}

cache_reuse mkuki "$CACHE/boot6.lock" "$OUT"
echo "mkuki: building $OUT (server [$SERVER6], client $ADDR6)"
NEW=$OUT.new
rm -rf "$NEW"
mkdir -p "$NEW/root" "$NEW/work"
W=$NEW/work

# mkuki STUB OBJCOPY OBJDUMP KERNEL INITRD CMDLINE OUT (tests/e2e/uki.sh).
. "$HERE/uki.sh"
mkuki() { uki_build "$@" || die "building $7"; }

# The IPv6 system's init, appended to BOOT's initrd as /init.
{ init_head "The booted system of the IPv6 lab: a static address, the payload over IPv6, its digest, off."
  cat <<'EOF'; } >"$W/init"
url= ip6=
for a in $(cat /proc/cmdline); do
	case $a in
	e2e.payload=*) url=${a#e2e.payload=} ;;
	e2e.ip6=*) ip6=${a#e2e.ip6=} ;;
	esac
done
# No duplicate address detection (busybox ip has no "nodad"): the address
# is usable at once, and no other host in the lab holds it.
echo 0 >/proc/sys/net/ipv6/conf/eth0/accept_dad
if [ -n "$ip6" ] && ip -6 addr add "$ip6" dev eth0; then
	echo "E2E-ADDR6 ip=$ip6 (static)"
else
	echo "E2E-ADDR6-FAIL no address '$ip6'"
fi
# The link's carrier may come a moment after "up"; wget fails at once
# while there is no route, so try a few times.
i=0
until [ -n "$url" ] && wget -q -O /tmp/payload "$url"; do
	i=$((i + 1))
	[ $i -lt 10 ] && [ -n "$url" ] || break
	sleep 0.5
done
if [ -s /tmp/payload ]; then
	sum=$(sha256sum /tmp/payload)
	echo "E2E-RESULT arch=$(uname -m) sha256=${sum%% *}"
else
	echo "E2E-RESULT-FAIL arch=$(uname -m) could not fetch '$url'"
fi
sync
poweroff -f
EOF
chmod 755 "$W/init"
(cd "$W" && echo init | cpio -o -H newc --quiet | gzip -6) >"$W/init.cpio.gz"

opts="loglevel=4 panic=-1"
built=
for a in x64:x86_64:ttyS0 aa64:arm64:ttyAMA0; do
	tag=${a%%:*} dir=${a#*:}; con=${dir#*:}; dir=${dir%%:*}
	case $tag in
	x64) stub=$STUB_X64 ocp=objcopy odump=objdump ;;
	aa64) stub=$STUB_AA64 ocp=aarch64-linux-gnu-objcopy odump=aarch64-linux-gnu-objdump ;;
	esac
	kernel=$BOOT/root/linux/$dir/vmlinuz initrd=$BOOT/root/linux/$dir/initrd.gz
	if [ ! -f "$kernel" ] || [ ! -f "$stub" ] || ! command -v "$ocp" >/dev/null; then
		echo "mkuki: no $dir kernel, stub or $ocp (tests/e2e/setup.sh): no uki-$tag" >&2
		continue
	fi
	mkdir -p "$NEW/root/linux/$dir"
	cat "$initrd" "$W/init.cpio.gz" >"$NEW/root/linux/$dir/initrd6.gz"
	ln "$kernel" "$NEW/root/linux/$dir/vmlinuz" 2>/dev/null ||
		cp "$kernel" "$NEW/root/linux/$dir/vmlinuz"
	mkuki "$stub" "$ocp" "$odump" "$kernel" "$NEW/root/linux/$dir/initrd6.gz" \
		"console=$con $opts e2e.ip6=$ADDR6 e2e.payload=http://[$SERVER6]/payload.bin" \
		"$NEW/root/uki-$tag.efi"
	mkuki "$stub" "$ocp" "$odump" "$kernel" "$initrd" \
		"console=$con $opts e2e.payload=http://$SERVER4/payload.bin" \
		"$NEW/root/uki-$tag-v4.efi"
	built="$built uki-$tag"
done
[ -n "$built" ] || die "no UKI built"
# Stock GRUB over IPv6: it takes its address from the firmware's PXE
# (the real server's DHCPv6 reply) but no server from the proxy, so the
# server is in its prefix, an IPv6 literal without brackets.
arches=x86_64
[ -d "$ARM64/usr/lib/grub/arm64-efi" ] && [ -d "$NEW/root/linux/arm64" ] && arches=all
sh "$TOP/contrib/pxeproxyd-mkgrub" -s "$SERVER6" -a "$arches" \
	-D "$ARM64/usr/lib/grub/arm64-efi" "$NEW/root" >/dev/null ||
	die "pxeproxyd-mkgrub failed"
mkdir -p "$NEW/root/grub"
cat >"$NEW/root/grub/grub.cfg" <<EOF
# The IPv6 lab: GRUB came by TFTP over IPv6; the kernel and initrd come by
# HTTP over IPv6.
set timeout=0
set default=0
if [ "\$grub_cpu" = arm64 ]; then set con=ttyAMA0; else set con=ttyS0; fi
menuentry e2e6 {
  echo "E2E-GRUB \$grub_cpu: kernel and initrd from http://[$SERVER6]/"
  linux (http,$SERVER6)/linux/\$grub_cpu/vmlinuz console=\$con $opts e2e.ip6=$ADDR6 e2e.payload=http://[$SERVER6]/payload.bin
  initrd (http,$SERVER6)/linux/\$grub_cpu/initrd6.gz
}
EOF
ln "$BOOT/root/payload.bin" "$NEW/root/payload.bin" 2>/dev/null ||
	cp "$BOOT/root/payload.bin" "$NEW/root/payload.bin"
cp "$BOOT/payload.sha256" "$NEW/payload.sha256"
rm -rf "$W"
cache_publish "$NEW" "$OUT"
echo "mkuki: $OUT ready:$built"
