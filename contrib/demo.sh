#!/bin/sh
# contrib/demo.sh: network-boot a real machine through pxeproxyd, beside an
# untouched DHCP server, on a fresh Debian machine, as root.
#
#   contrib/demo.sh [bios|uefi-x64|uefi-aa64|all]      (default: bios)
#
# 1. installs what it needs (apt-get: build tools and libraries, QEMU and
#    firmware, boot loaders, a kernel; tests/e2e/setup.sh)
# 2. builds pxeproxyd (autoreconf -fi; ./configure; make)
# 3. builds a boot tree (tests/e2e/mkboot.sh: contrib/pxeproxyd-mkroot plus
#    the demo's kernels, initrds and payload; kept in /var/tmp/pxeproxyd-e2e)
# 4. for each client: a switch, a plain DHCP server (dnsmasq: addresses and
#    a router, nothing about booting) and pxeproxyd (conf/pxeproxyd.conf)
#    in network namespaces, and a QEMU machine with real firmware that
#    boots from the network; prints the proxy offer, the DHCP server's
#    lease, pxeproxyd's TFTP and HTTP transfers and the booted machine's
#    lines, each with the seconds since power-on
# Removes its namespaces, processes and temporary files on exit; no packet
# leaves them.  DEMO_DEBUG=1 adds pxeproxyd's debug lines.
set -u
TOP_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
export TOP_SRCDIR
cd "$TOP_SRCDIR" || exit 1

case ${1:-bios} in
bios | uefi-x64 | uefi-aa64) CLIENTS=${1:-bios} ;;
all) CLIENTS="bios uefi-x64 uefi-aa64" ;;
*) echo "usage: $0 [bios|uefi-x64|uefi-aa64|all]" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "$0: run as root (apt-get, network namespaces)" >&2; exit 1; }

STEP_T0=
step() { STEP_T0=$(date +%s.%N); printf '\n== %s\n' "$*"; }
step_done() {
	printf '   done in %ss\n' "$(awk -v a="$STEP_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
}
die() { echo "demo: $*" >&2; exit 1; }

step "installing packages (build tools, QEMU, firmware, boot loaders)"
sh contrib/deps.sh build || die "installing the build dependencies failed"
sh tests/e2e/setup.sh || die "installing the lab failed"
step_done

step "building pxeproxyd"
BUILDLOG=$(mktemp /tmp/pxeproxyd-demo-build.XXXXXX)
if [ ! -f Makefile ] || [ -n "${DEMO_RECONFIGURE:-}" ]; then
	echo "   autoreconf -fi && ./configure"
	{ autoreconf -fi && ./configure; } >"$BUILDLOG" 2>&1 ||
		{ tail -n 20 "$BUILDLOG"; rm -f "$BUILDLOG"; die "configure failed"; }
fi
echo "   make"
make -j"$(nproc)" >"$BUILDLOG" 2>&1 ||
	{ tail -n 20 "$BUILDLOG"; rm -f "$BUILDLOG"; die "make failed"; }
rm -f "$BUILDLOG"
PXEPROXYD=$TOP_SRCDIR/src/pxeproxyd
export PXEPROXYD
echo "   $PXEPROXYD: $("$PXEPROXYD" --version 2>/dev/null | head -n 1)"
step_done

. "$TOP_SRCDIR/tests/e2e/lab.sh"
E2E_EVENTS=1
E2E_DEBUG=${DEMO_DEBUG:-}

step "building the boot tree"
e2e_mkboot
echo "   $E2E_ROOT (pxeproxyd-mkroot): pxelinux.0 (lpxelinux), grubx64.efi, grubaa64.efi, menu.list -> pxelinux.cfg/default + grub/grub.cfg; kernels, initrds, payload.bin"
echo "   payload sha256 $E2E_WANT"
step_done

describe() {
	case $1 in
	bios) echo "a BIOS PC (SeaBIOS + iPXE network ROM, arch 0): pxelinux, kernel and initrd by TFTP" ;;
	uefi-x64) echo "an x86-64 UEFI PC (OVMF, arch 7): GRUB by TFTP, kernel and initrd by HTTP" ;;
	uefi-aa64) echo "an ARM64 UEFI machine (AAVMF, arch 11): GRUB by TFTP, kernel and initrd by HTTP" ;;
	esac
}

summary=
rc=0
for c in $CLIENTS; do
	e2e_need "$c"
	step "booting $(describe "$c")"
	cat <<EOF
   network: DHCP server $CORP_IP (dnsmasq, untouched), pxeproxyd $SIDE_IP,
   machine on the same switch; expect the proxy offer (no address), the
   DHCP server's lease, TFTP and HTTP transfers, then the booted system's
   lease and the payload's digest.
   pxeproxyd -f${E2E_DEBUG:+ -d} -c conf/pxeproxyd.conf -r $E2E_ROOT -i eth0

EOF
	if e2e_boot "$c" pxeproxyd; then
		echo
		echo "   $(cat "$L.verdict" | sed 's/^dhcpsniff: //')"
		echo "   $c booted in ${E2E_SECS}s: lease $E2E_LEASE from the DHCP server, payload digest intact"
		summary="$summary
   $c: booted in ${E2E_SECS}s"
	else
		echo
		echo "   $c FAILED: $E2E_WHY"
		e2e_report_failure | sed 's/^/   /'
		summary="$summary
   $c: FAILED"
		rc=1
	fi
	step_done
done
printf '\n== summary%s\n' "$summary"
exit $rc
