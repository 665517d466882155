#!/bin/sh
# tests/e2e/mkboot-sb.sh: a boot root of stock signed binaries for the
# Secure Boot tests (tests/e2e/boot-sb-*.test).
#
#   mkboot-sb.sh -c CHAIN -a ARCH [-s SERVER] OUT
#
# CHAIN   trixie    Debian 13's shim-signed + grub-efi-*-signed
#                   ($E2E_CACHE/sb/trixie, tests/e2e/setup-sb.sh)
#         bookworm  Debian 12's (installed packages for x86_64,
#                   $E2E_CACHE/sb/bookworm-arm64 for arm64)
#         unsigned  Debian 13's shim with the lab's own unsigned GRUB
#                   (tests/e2e/mkboot.sh): the negative control
# ARCH    x86_64 | arm64
# SERVER  where the booted system fetches the payload (default 192.0.2.5)
#
# OUT/root, in the layout that the signed chains were seen to need:
#   shimx64.efi grubx64.efi mmx64.efi   (shimaa64.efi grubaa64.efi
#                                        mmaa64.efi on arm64) the NBP is
#                                        shim; it loads grubARCH.efi from
#                                        its own directory, MokManager on
#                                        a verification failure
#   grub/grub.cfg                        the only grub.cfg the signed GRUBs
#                                        read, whatever directory shim
#                                        came from
#   linux/ARCH/vmlinuz                   Debian's signed kernel (the lab's)
#   linux/ARCH/initrd.gz                 the lab's initrd, whose init first
#                                        prints the Secure Boot state:
#       E2E-SECUREBOOT efivar=0|1 lockdown='none [integrity] ...' kernel='...'
#   payload.bin                          the lab's payload
# The signed GRUB for the network is grubnet*.efi.signed (it has tftp and,
# in Debian 13, http built in).  GRUB loads the kernel and initrd from its
# own $root: (tftp,SERVER) on PXE, (http,SERVER) on HTTP boot (Debian 12's
# signed GRUB has no http module).
#
# The lab's boot tree ($E2E_CACHE/boot, tests/e2e/mkboot.sh) must be built
# first; the root is rebuilt only when an input changed (OUT/stamp).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/cache.sh"
CACHE=${E2E_CACHE:-/var/tmp/pxeproxyd-e2e}
LAB=$CACHE/boot
SB=$CACHE/sb
SERVER=192.0.2.5
CHAIN= ARCH=

die() { echo "mkboot-sb: $*" >&2; exit 1; }
while getopts c:a:s: o; do
	case $o in
	c) CHAIN=$OPTARG ;;
	a) ARCH=$OPTARG ;;
	s) SERVER=$OPTARG ;;
	*) die "usage: mkboot-sb.sh -c CHAIN -a ARCH [-s SERVER] OUT" ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 1 ] || die "usage: mkboot-sb.sh -c CHAIN -a ARCH [-s SERVER] OUT"
OUT=$1
umask 022

case $ARCH in
x86_64) efi=x64 gdir=x86_64-efi-signed con=ttyS0 ;;
arm64) efi=aa64 gdir=arm64-efi-signed con=ttyAMA0 ;;
*) die "ARCH: x86_64 | arm64" ;;
esac
case $CHAIN:$ARCH in
trixie:* | unsigned:*) pkgs=$SB/trixie ;;
bookworm:x86_64) pkgs= ;;
bookworm:arm64) pkgs=$SB/bookworm-arm64 ;;
*) die "CHAIN: trixie | bookworm | unsigned" ;;
esac
[ -z "$pkgs" ] || [ -f "$pkgs/.done" ] ||
	die "$pkgs missing: run tests/e2e/setup.sh (setup-sb.sh)"
shim=$pkgs/usr/lib/shim/shim$efi.efi.signed
mm=$pkgs/usr/lib/shim/mm$efi.efi.signed
if [ "$CHAIN" = unsigned ]; then
	grub=$LAB/root/grub$efi.efi	# prefix (tftp,192.0.2.5)/grub, unsigned
else
	grub=$pkgs/usr/lib/grub/$gdir/grubnet$efi.efi.signed
fi
kernel=$LAB/root/linux/$ARCH/vmlinuz
initrd=$LAB/root/linux/$ARCH/initrd.gz
# The kernel's own efivarfs module (signed, so a locked-down kernel takes
# it): the booted system reads the SecureBoot variable through it.  The
# lab's kernel is the newest in /boot (x86_64) or in the arm64 cache.
case $ARCH in
x86_64) kfile=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1) modroot= ;;
arm64) kfile=$(ls "$CACHE"/arm64/boot/vmlinuz-*-arm64 2>/dev/null | sort -V | tail -n 1)
	modroot=$CACHE/arm64 ;;
esac
[ -n "$kfile" ] && cmp -s "$kfile" "$kernel" ||
	die "the lab's $ARCH kernel is not ${kfile:-there} (rebuild: tests/e2e/mkboot.sh)"
efivarfs=$modroot/lib/modules/${kfile##*/vmlinuz-}/kernel/fs/efivarfs/efivarfs.ko
for f in "$shim" "$mm" "$grub" "$kernel" "$initrd" "$efivarfs" "$LAB/root/payload.bin"; do
	[ -f "$f" ] || die "$f missing (tests/e2e/setup.sh, tests/e2e/mkboot.sh)"
done
# Stock signed binaries only: the kernel must carry Debian's signature
# (a lab kernel that is not signed would fail for the wrong reason).
if command -v sbverify >/dev/null 2>&1; then
	sbverify --list "$kernel" 2>/dev/null | grep -q '^signature 1' ||
		die "$kernel has no signature (want Debian's signed kernel)"
fi

stamp() {
	echo "chain $CHAIN arch $ARCH server $SERVER"
	cat "$0" | sha256sum
	cat "$LAB/stamp" "$LAB/payload.sha256"
	[ -n "$pkgs" ] && cat "$pkgs/.done"
	dpkg-query -W shim-signed grub-efi-amd64-signed 2>/dev/null || true
}

mkdir -p "$SB"
cache_reuse mkboot-sb "$SB/root.lock" "$OUT"
echo "mkboot-sb: building $OUT ($CHAIN, $ARCH, server $SERVER)"
NEW=$OUT.new
rm -rf "$NEW"
R=$NEW/root
mkdir -p "$R/grub" "$R/linux/$ARCH" "$NEW/work/initrd"
cp "$shim" "$R/shim$efi.efi"
cp "$grub" "$R/grub$efi.efi"
cp "$mm" "$R/mm$efi.efi"
cp "$kernel" "$R/linux/$ARCH/vmlinuz"
cp "$LAB/root/payload.bin" "$R/"
cp "$LAB/payload.sha256" "$NEW/"

# The initrd: the lab's, and a second archive after it (the kernel
# unpacks both, the later one's files win) with an /init that reports the
# Secure Boot state and then runs the lab's init, kept as /init.lab.
w=$NEW/work/initrd
(cd "$w" && gzip -dc "$initrd" | cpio -i --quiet init) ||
	die "no init in $initrd"
mv "$w/init" "$w/init.lab"
mkdir -p "$w/sb"
cp "$efivarfs" "$w/sb/"
cat >"$w/init" <<'EOF'
#!/bin/busybox sh
# The Secure Boot state as the booted system sees it: the firmware's
# SecureBoot variable (4 bytes of attributes, then the value), the
# kernel's lockdown (Debian's kernels lock down under Secure Boot) and its
# own line about it; then the lab's init.
b=/bin/busybox
$b mount -t proc proc /proc
$b mount -t sysfs sysfs /sys
$b mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
$b insmod /sb/efivarfs.ko
$b mount -t efivarfs efivarfs /sys/firmware/efi/efivars
# (read whole: efivarfs does not seek)
set -- $($b od -An -tu1 \
	/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c)
v=${5:-none}
$b mount -t securityfs securityfs /sys/kernel/security
l=$($b cat /sys/kernel/security/lockdown)
k=$($b dmesg | $b grep -o -i -E 'secure ?boot:? [a-z ]*(enabled|disabled)' | $b head -n 1)
echo "E2E-SECUREBOOT efivar=$v lockdown='$l' kernel='$k'"
$b umount /sys/kernel/security /sys/firmware/efi/efivars /sys /proc
$b umount -l /dev
exec /init.lab
EOF
chmod 755 "$w/init" "$w/init.lab"
{
	cat "$initrd"
	(cd "$w" && printf 'init\ninit.lab\nsb\nsb/efivarfs.ko\n' |
		cpio -o -H newc --quiet | gzip -6)
} >"$R/linux/$ARCH/initrd.gz"

opts="console=$con loglevel=4 panic=-1 e2e.payload=http://$SERVER/payload.bin"
cat >"$R/grub/grub.cfg" <<EOF
# Secure Boot lab ($CHAIN, $ARCH): the signed kernel and the initrd from
# where GRUB came from, (tftp,...) or (http,...).
set timeout=0
set default=0
menuentry e2e-sb {
  echo "E2E-GRUB $CHAIN \$grub_cpu: kernel and initrd from (\$root)"
  linux (\$root)/linux/$ARCH/vmlinuz $opts
  initrd (\$root)/linux/$ARCH/initrd.gz
}
EOF
rm -rf "$NEW/work"
cache_publish "$NEW" "$OUT"
echo "mkboot-sb: $OUT ready"
