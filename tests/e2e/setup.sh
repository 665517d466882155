#!/bin/sh
# tests/e2e/setup.sh: installs what the end-to-end lab needs, on Debian, as root.
#
# - Debian packages: QEMU and the clients' firmware (iPXE ROMs, OVMF, AAVMF),
#   the boot loaders (pxelinux, GRUB for x86_64 EFI), systemd-boot-efi's
#   UKI stub and objcopy for x86-64 and arm64 PE files (IPv6 lab), a kernel and busybox
#   for the booted system, dnsmasq-base (the "corporate" DHCP server and the
#   reference sidecar), iproute2, cpio, python3.
# - The arm64 pieces that an x86 host cannot install: the arm64 kernel,
#   busybox-static, GRUB's arm64-efi modules and systemd-boot-efi's arm64
#   UKI stub (linuxaa64.efi.stub, tests/e2e/mkuki.sh), downloaded with
#   `apt-get download` (arm64 is added as a foreign architecture) and
#   unpacked with dpkg-deb under $E2E_CACHE/arm64 (default
#   /var/tmp/pxeproxyd-e2e/arm64).
# - The Secure Boot chains: Debian 12's signed shim and GRUB (packages
#   shim-signed, grub-efi-amd64-signed; the Secure Boot firmware images
#   are in ovmf and qemu-efi-aarch64; sbsigntool checks that the lab's
#   kernels are signed), and Debian 13's and the arm64 ones
#   through tests/e2e/setup-sb.sh under $E2E_CACHE/sb.
# - The live ISO's makings (tests/e2e/mklive.sh): live-boot and its
#   initramfs-tools backend (with initramfs-tools, udev, klibc-utils) for
#   the initramfs, squashfs-tools, xorriso, isolinux.  Installing
#   live-boot runs update-initramfs once for the host's kernel (its hooks
#   act only on a "boot=live" command line).
#
# Idempotent: when everything is there it only checks and returns.
# contrib/ci.sh and contrib/demo.sh call it before the tests.
set -eu
CACHE=${E2E_CACHE:-/var/tmp/pxeproxyd-e2e}
ARM64=$CACHE/arm64
PKGS="qemu-system-x86 qemu-system-arm ovmf qemu-efi-aarch64 ipxe-qemu
 pxelinux syslinux-common dnsmasq-base busybox-static linux-image-amd64
 grub-efi-amd64-bin grub-common iproute2 cpio gzip python3 kmod util-linux
 shim-signed grub-efi-amd64-signed sbsigntool
 systemd-boot-efi binutils binutils-aarch64-linux-gnu
 live-boot live-boot-initramfs-tools initramfs-tools udev klibc-utils
 squashfs-tools xorriso isolinux"
STUB_AA64=usr/lib/systemd/boot/efi/linuxaa64.efi.stub

say() { echo "e2e setup: $*"; }
die() { echo "e2e setup: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (apt-get, dpkg)"
command -v apt-get >/dev/null || die "apt-get not found: the lab needs Debian"
export DEBIAN_FRONTEND=noninteractive
updated=
apt_update() { [ -n "$updated" ] || { apt-get update -qq; updated=1; }; }

sh "$(dirname "$0")/../../contrib/deps.sh" only $PKGS ||
	die "installing the lab's packages failed"
sh "$(dirname "$0")/setup-sb.sh" || die "the Secure Boot chains (setup-sb.sh) failed"

# The arm64 pieces, unpacked once.  The stamp names the packages unpacked,
# so a newer arm64 kernel in the archive is picked up on the next run; a
# cache from before the UKI stub was added is unpacked again.
if [ -f "$ARM64/.done" ] && [ -f "$ARM64/$STUB_AA64" ] && [ -z "${E2E_REFRESH:-}" ]; then
	say "arm64 pieces ready in $ARM64 ($(cat "$ARM64/.done"))"
	exit 0
fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	say "adding arm64 as a foreign architecture (for apt-get download only)"
	dpkg --add-architecture arm64
	updated=
fi
apt_update
# linux-image-arm64 is a meta package: download the versioned image it
# depends on.
kpkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^: ]*\).*/\1/p' | head -n 1)
[ -n "$kpkg" ] || die "no arm64 kernel package found (apt-cache depends linux-image-arm64:arm64)"
dl=$(mktemp -d /tmp/pxeproxyd-e2e-dl.XXXXXX)
trap 'rm -rf "$dl"' EXIT
# apt downloads as user _apt when it can write there
id _apt >/dev/null 2>&1 && chown _apt "$dl"
say "downloading $kpkg busybox-static grub-efi-arm64-bin systemd-boot-efi (arm64)"
(cd "$dl" && apt-get download -qq "$kpkg:arm64" busybox-static:arm64 \
	grub-efi-arm64-bin:arm64 systemd-boot-efi:arm64) || die "apt-get download of the arm64 packages failed"
rm -rf "$ARM64.new"
mkdir -p "$ARM64.new"
for deb in "$dl"/*.deb; do
	dpkg-deb -x "$deb" "$ARM64.new" || die "dpkg-deb -x $deb"
done
ls "$ARM64.new"/boot/vmlinuz-* >/dev/null 2>&1 || die "no kernel in $kpkg"
[ -x "$ARM64.new"/bin/busybox ] || die "no busybox in busybox-static:arm64"
[ -d "$ARM64.new"/usr/lib/grub/arm64-efi ] || die "no arm64-efi modules in grub-efi-arm64-bin"
[ -f "$ARM64.new/$STUB_AA64" ] || die "no $STUB_AA64 in systemd-boot-efi:arm64"
# modules.dep is made at install time, which an unpacked package skips;
# the boot tree's initrd needs it to load the network driver's dependencies.
for kdir in "$ARM64.new"/lib/modules/*; do
	depmod -b "$ARM64.new" "${kdir##*/}" || die "depmod for ${kdir##*/}"
done
(cd "$dl" && ls *.deb) | tr '\n' ' ' >"$ARM64.new/.done"
rm -rf "$ARM64"
mv "$ARM64.new" "$ARM64"
say "arm64 pieces ready in $ARM64 ($(cat "$ARM64/.done"))"
