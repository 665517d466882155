#!/bin/sh
# Installs pxeproxyd's build dependencies and, with "test", what the test
# suite uses (real clients and servers), on Debian as root.
#   contrib/deps.sh build|test
#   contrib/deps.sh only PACKAGE...   (those packages: tests/e2e/setup.sh)
set -eu
BUILD="build-essential autoconf automake pkg-config libev-dev libnl-3-dev
 libnl-route-3-dev libcap-ng-dev libssl-dev libcurl4-openssl-dev
 libjansson-dev"
# Real peers for the integration tests: TFTP clients (tftp-hpa, busybox,
# curl), DHCP clients (dhclient, udhcpc in busybox), a plain DHCP server
# (dnsmasq), packet loss (nftables), the test tools (python3).
TEST="tftp-hpa busybox-static curl dnsmasq-base isc-dhcp-client nftables
 iproute2 python3 procps clang chromium"
# HTTPS: certificates and s_client (openssl), the CA for firmware
# (efitools: cert-to-efi-sig-list, used by contrib/pxeproxyd-mkcert).
TEST="$TEST openssl efitools"
# Packaging: the .deb (dpkg-dev, debhelper, fakeroot, lintian), the man page
# lint (groff, mandoc), the unit (systemd for
# systemd-analyze verify; strace for its system call filter).
TEST="$TEST dpkg-dev debhelper fakeroot lintian groff mandoc
 systemd strace"
# contrib/pxeproxyd-mkroot: the loaders it copies (pxelinux, syslinux-common,
# grub-efi-amd64-bin, grub-common) and ISO images read without mounting
# (xorriso; its tests build tiny ISOs with it).
TEST="$TEST pxelinux syslinux-common grub-efi-amd64-bin grub-common xorriso"
case "${1:-build}" in
build) PKGS=$BUILD ;;
test) PKGS="$BUILD $TEST" ;;
only) shift; PKGS="$*" ;;
*) echo "usage: $0 build|test|only PACKAGE..." >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "$0: run as root (apt-get)" >&2; exit 1; }
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
