#!/bin/sh
# tests/e2e/mkboot.sh: builds the boot tree the end-to-end lab serves.
#
#   mkboot.sh [-s SERVER] [OUT]        (OUT default: $E2E_CACHE/boot)
#
# OUT/root is what the sidecar serves by TFTP and HTTP (world-readable: the
# daemon reads it as an unprivileged user in a chroot).  It is made by
# contrib/pxeproxyd-mkroot, as a user makes theirs, from Debian's packages:
#   pxelinux.0 (lpxelinux) ldlinux.c32            BIOS: pxelinux by TFTP,
#   pxelinux.cfg/default                          the kernel and initrd by
#                                                 HTTP
#   grubx64.efi grubaa64.efi grub/grub.cfg        UEFI: GRUB by TFTP, the
#                                                 kernel and initrd by HTTP
#   menu.list                                     the menu both come from:
#                                                 entries e2e (x86_64) and
#                                                 e2e-arm64
# and, test-specific:
#   linux/{x86_64,arm64}/{vmlinuz,initrd.gz}      Debian's kernels and a
#                                                 busybox initrd
#   payload.bin                                   4 MiB of random bytes
#   grubx64-http.efi grubaa64-http.efi            UEFI HTTP boot: GRUB that
#                                                 reads grub.cfg by HTTP
# OUT/payload.sha256 holds the payload's digest.  The booted system takes a
# lease from the corporate DHCP server, fetches http://SERVER/payload.bin
# and prints on its console:
#   E2E-LEASE ip=... server=... router=...
#   E2E-RESULT arch=... sha256=...
# GRUB images come from contrib/pxeproxyd-mkgrub (through mkroot) with
# SERVER in their prefix (Debian's GRUB ignores the server named in a proxy
# offer): (tftp,SERVER)/grub, and (http,SERVER)/grub for the -http ones.
# A payload URL naming the host @bootserver@ (e2e.payload=http://@bootserver@/
# payload.bin) means the server the loader came from, taken from the
# ip=CLIENT:SERVER:... that pxelinux appends with "IPAPPEND 1": a config
# that names no sidecar, for several sidecars serving one tree.
#
# The tree is rebuilt only when an input changed (this script, the GRUB
# and root tools, the kernels, the packages, SERVER): OUT/stamp records them.
# The arm64 pieces come from tests/e2e/setup.sh ($E2E_CACHE/arm64); without
# them the tree has no arm64 files.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/cache.sh"
TOP=$(cd "$HERE/../.." && pwd)
CACHE=${E2E_CACHE:-/var/tmp/pxeproxyd-e2e}
ARM64=$CACHE/arm64
SERVER=192.0.2.5
PAYLOAD_BYTES=4194304
# Network drivers of the lab's clients: e1000 (BIOS, iPXE ROM) and
# virtio-net (OVMF, AAVMF); their dependencies come from modules.dep.
NETMODS_x86_64="e1000 virtio_pci virtio_net"
NETMODS_arm64="virtio_pci virtio_net"

die() { echo "mkboot: $*" >&2; exit 1; }
while getopts s: o; do
	case $o in
	s) SERVER=$OPTARG ;;
	*) die "usage: mkboot.sh [-s SERVER] [OUT]" ;;
	esac
done
shift $((OPTIND - 1))
OUT=${1:-$CACHE/boot}
umask 022

kx=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$kx" ] || die "no /boot/vmlinuz-*-amd64: install linux-image-amd64"
kxver=${kx#/boot/vmlinuz-}
ka=$(ls "$ARM64"/boot/vmlinuz-*-arm64 2>/dev/null | sort -V | tail -n 1) || true
for f in /usr/lib/PXELINUX/lpxelinux.0 /usr/lib/syslinux/modules/bios/ldlinux.c32 \
	/bin/busybox /usr/lib/grub/x86_64-efi/linux.mod; do
	[ -f "$f" ] || die "$f missing: run tests/e2e/setup.sh"
done

stamp() {
	echo "server $SERVER payload $PAYLOAD_BYTES"
	cat "$0" "$HERE/cache.sh" "$TOP/contrib/pxeproxyd-mkgrub" "$TOP/contrib/pxeproxyd-mkroot" | sha256sum
	ls -l "$kx" ${ka:+"$ka"}
	dpkg-query -W busybox-static pxelinux grub-efi-amd64-bin grub-common 2>/dev/null
	cat "$ARM64/.done" 2>/dev/null || true
}

mkdir -p "$CACHE"
cache_reuse mkboot "$CACHE/boot.lock" "$OUT"
echo "mkboot: building $OUT (server $SERVER)"
NEW=$OUT.new
rm -rf "$NEW"
mkdir -p "$NEW/root" "$NEW/work"
R=$NEW/root

# mods_for KVER MODROOT MOD...: module paths (relative to the module dir)
# in load order, dependencies first.  modules.dep lists a module's
# dependencies so that the last one is loaded first.
mods_for() {
	kver=$1 modroot=$2; shift 2
	dep=$modroot/lib/modules/$kver/modules.dep
	[ -f "$dep" ] || die "$dep missing (run depmod -b $modroot $kver)"
	for m in "$@"; do
		awk -v m="$m" '
			{ path = $1; sub(/:$/, "", path); n = split(path, p, "/") }
			p[n] == m ".ko" || p[n] == m ".ko.xz" || p[n] == m ".ko.zst" {
				for (i = NF; i > 1; i--) print $i
				print path; exit
			}' "$dep"
	done | awk '!seen[$0]++'
}

# mkinitrd ARCH KVER MODROOT BUSYBOX OUTFILE
mkinitrd() {
	arch=$1 kver=$2 modroot=$3 bb=$4 out=$5
	w=$NEW/work/initrd-$arch
	mkdir -p "$w/bin" "$w/sbin" "$w/usr/bin" "$w/usr/sbin" "$w/proc" \
		"$w/sys" "$w/dev" "$w/tmp" "$w/etc" "$w/modules"
	cp "$bb" "$w/bin/busybox"
	eval mods=\$NETMODS_$arch
	# shellcheck disable=SC2086
	mods_for "$kver" "$modroot" $mods >"$w/work.list"
	[ -s "$w/work.list" ] || die "no network modules found for $kver"
	: >"$w/modules/load.list"
	while read -r m; do
		case $m in *.ko) ;; *) die "$m: compressed modules are not handled" ;; esac
		cp "$modroot/lib/modules/$kver/$m" "$w/modules/"
		basename "$m" >>"$w/modules/load.list"
	done <"$w/work.list"
	rm "$w/work.list"
	{ init_head "The booted system of the end-to-end lab: lease, payload, digest, off."
	  cat <<'EOF'; } >"$w/init"
url= boot=
for a in $(cat /proc/cmdline); do
	case $a in
	e2e.payload=*) url=${a#e2e.payload=} ;;
	ip=*) boot=${a#ip=}; boot=${boot#*:}; boot=${boot%%:*} ;;
	esac
done
case $url in
*@bootserver@*) url=$(echo "$url" | sed "s/@bootserver@/$boot/") ;;
esac
if udhcpc -i eth0 -n -q -f -t 10 -T 2 -s /etc/udhcpc.sh >/dev/null 2>&1; then
	. /tmp/lease
	echo "E2E-LEASE ip=$ip server=$serverid router=$router"
else
	echo "E2E-LEASE-FAIL no lease from the DHCP server"
fi
if [ -n "$url" ] && wget -q -O /tmp/payload "$url"; then
	sum=$(sha256sum /tmp/payload)
	echo "E2E-RESULT arch=$(uname -m) sha256=${sum%% *}"
else
	echo "E2E-RESULT-FAIL arch=$(uname -m) could not fetch '$url'"
fi
sync
poweroff -f
EOF
	cat >"$w/etc/udhcpc.sh" <<'EOF'
#!/bin/sh
# udhcpc's script: configure the lease and record it for init.
[ "$1" = bound ] || exit 0
ip addr add "$ip/${mask:-24}" dev "$interface"
for r in $router; do ip route add default via "$r" dev "$interface"; break; done
echo "ip=$ip serverid=$serverid router='$router'" >/tmp/lease
EOF
	chmod 755 "$w/init" "$w/etc/udhcpc.sh"
	(cd "$w" && find . | cpio -o -H newc --quiet | gzip -6) >"$out"
}

# The test's own pieces: kernels, initrds.
mkdir -p "$R/linux/x86_64"
cp "$kx" "$R/linux/x86_64/vmlinuz"
mkinitrd x86_64 "$kxver" "" /bin/busybox "$R/linux/x86_64/initrd.gz"
arches=x86_64
if [ -n "$ka" ]; then
	mkdir -p "$R/linux/arm64"
	cp "$ka" "$R/linux/arm64/vmlinuz"
	kaver=${ka##*/vmlinuz-}
	mkinitrd arm64 "$kaver" "$ARM64" "$ARM64/bin/busybox" "$R/linux/arm64/initrd.gz"
	arches=all
else
	echo "mkboot: no arm64 pieces in $ARM64 (tests/e2e/setup.sh): x86_64 only" >&2
fi

# The loaders and the menu: what a user runs.  The menu boots at once.
mkroot() {
	sh "$TOP/contrib/pxeproxyd-mkroot" "$@" >"$NEW/work/mkroot.log" 2>&1 ||
		die "pxeproxyd-mkroot $*: $(cat "$NEW/work/mkroot.log")"
}
opts="loglevel=4 panic=-1 e2e.payload=http://$SERVER/payload.bin"
mkroot -s "$SERVER" -t 0 -D "$ARM64/usr/lib/grub/arm64-efi" "$R"
mkroot "$R" --add e2e --arch x86_64 --title "e2e (x86_64)" \
	--kernel "$R/linux/x86_64/vmlinuz" --initrd "$R/linux/x86_64/initrd.gz" \
	--append "console=ttyS0 $opts"
if [ -n "$ka" ]; then
	mkroot "$R" --add e2e-arm64 --arch arm64 --title "e2e (arm64)" \
		--kernel "$R/linux/arm64/vmlinuz" --initrd "$R/linux/arm64/initrd.gz" \
		--append "console=ttyAMA0 $opts"
fi

# For UEFI HTTP boot (boot-uefi-http.test): GRUB came by HTTP, and reads
# grub.cfg by HTTP too.
sh "$TOP/contrib/pxeproxyd-mkgrub" -s "$SERVER" -a "$arches" -t http \
	-D "$ARM64/usr/lib/grub/arm64-efi" "$NEW/work/http" >/dev/null 2>&1 ||
	die "pxeproxyd-mkgrub -t http failed"
for f in "$NEW"/work/http/*.efi; do
	b=${f##*/}
	mv "$f" "$R/${b%.efi}-http.efi"
done
head -c "$PAYLOAD_BYTES" /dev/urandom >"$R/payload.bin"
sha256sum "$R/payload.bin" | cut -d' ' -f1 >"$NEW/payload.sha256"
rm -rf "$NEW/work"
cache_publish "$NEW" "$OUT"
echo "mkboot: $OUT ready (payload sha256 $(cat "$OUT/payload.sha256"))"
