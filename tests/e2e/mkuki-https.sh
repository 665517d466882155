#!/bin/sh
# tests/e2e/mkuki-https.sh: a Unified Kernel Image for HTTPS boot whose
# Linux fetches its payload over HTTPS too, checking the server's
# certificate.
#
#   mkuki-https.sh [-4 SERVER] BOOT CA OUT
#
# BOOT is the IPv4 lab's tree (tests/e2e/mkboot.sh): its x86-64 kernel and
# busybox initrd are reused, with its init (lease, payload, digest, off).
# CA is the PEM certificate the booted system trusts.  Writes
# OUT/uki-x64-https.efi, whose command line says
# e2e.payload=https://SERVER/payload.bin (SERVER default 192.0.2.5).
#
# The certificate check: Debian's busybox wget has two ways to https://.
# Its own TLS code checks no certificate ("TLS certificate validation not
# implemented"); but it first runs "openssl s_client -quiet -connect
# HOST:PORT ..." from PATH when there is one, and reads the answer through
# it.  The initrd gets a second cpio archive (the kernel unpacks both) with
# Debian's openssl and the libraries it needs, and an "openssl" in PATH
# that runs it as
#   s_client -quiet -connect HOST:PORT -CAfile CA -verify_return_error
#            -verify_ip HOST
# whatever wget asked for (busybox 1.35 passes -verify_ip HOST:PORT, which
# s_client refuses): the handshake fails unless the chain ends at CA and
# the certificate names HOST in subjectAltName.  Its verification lines go
# to the console as "E2E-TLS depth=... / verify return:1".
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
STUB=/usr/lib/systemd/boot/efi/linuxx64.efi.stub
SERVER=192.0.2.5
. "$HERE/uki.sh"

die() { echo "mkuki-https: $*" >&2; exit 1; }
while getopts 4: o; do
	case $o in
	4) SERVER=$OPTARG ;;
	*) die "usage: mkuki-https.sh [-4 SERVER] BOOT CA OUT" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 3 ] || die "usage: mkuki-https.sh [-4 SERVER] BOOT CA OUT"
BOOT=$1 CA=$2 OUT=$3
KERNEL=$BOOT/root/linux/x86_64/vmlinuz INITRD=$BOOT/root/linux/x86_64/initrd.gz
[ -f "$KERNEL" ] && [ -f "$INITRD" ] || die "$BOOT has no x86_64 kernel and initrd (tests/e2e/mkboot.sh)"
[ -f "$STUB" ] || die "$STUB missing: run tests/e2e/setup.sh"
[ -f "$CA" ] || die "$CA missing"
OPENSSL=$(command -v openssl) || die "openssl missing: install openssl"
command -v objcopy >/dev/null || die "objcopy missing: run tests/e2e/setup.sh"

umask 022
mkdir -p "$OUT"
W=$OUT/uki-https.work
rm -rf "$W"
mkdir -p "$W/tree/usr/bin" "$W/tree/usr/lib/e2e-tls" "$W/tree/etc/e2e-tls"
T=$W/tree
cp "$OPENSSL" "$T/usr/lib/e2e-tls/openssl"
cp "$CA" "$T/etc/e2e-tls/ca.crt"
# The shared libraries where the dynamic loader looks for them (there is
# no ld.so.cache in the initrd; Debian's loader searches the multiarch
# directories by itself).
for lib in $(ldd "$OPENSSL" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
	mkdir -p "$T${lib%/*}"
	cp -L "$lib" "$T$lib"
done
cat >"$T/usr/bin/openssl" <<'EOF'
#!/bin/sh
# busybox wget's https:// helper (tests/e2e/mkuki-https.sh): s_client,
# made to check the server against the lab's CA and the host's address.
connect=
while [ $# -gt 0 ]; do
	case $1 in -connect) connect=$2; shift ;; esac
	shift
done
[ -n "$connect" ] || { echo "E2E-TLS no -connect from wget" >/dev/console; exit 1; }
host=${connect%:*}
rm -f /tmp/s_client.err
mkfifo /tmp/s_client.err
# The verification as it happens: before any byte of the answer.
while read -r l; do
	case $l in depth=* | verify* | *error*) echo "E2E-TLS $l" ;; esac
done </tmp/s_client.err >/dev/console &
/usr/lib/e2e-tls/openssl s_client -quiet -connect "$connect" \
	-CAfile /etc/e2e-tls/ca.crt -verify_return_error -verify_ip "$host" \
	2>/tmp/s_client.err
rc=$?
wait
exit $rc
EOF
chmod 755 "$T/usr/bin/openssl"
(cd "$T" && find . | cpio -o -H newc --quiet | gzip -6) >"$W/tls.cpio.gz"
cat "$INITRD" "$W/tls.cpio.gz" >"$W/initrd.gz"
uki_build "$STUB" objcopy objdump "$KERNEL" "$W/initrd.gz" \
	"console=ttyS0 loglevel=4 panic=-1 e2e.payload=https://$SERVER/payload.bin" \
	"$OUT/uki-x64-https.efi" || die "building $OUT/uki-x64-https.efi"
mv "$W/tls.cpio.gz" "$OUT/tls-overlay.cpio.gz"
rm -rf "$W"
echo "mkuki-https: $OUT/uki-x64-https.efi ($(stat -c %s "$OUT/uki-x64-https.efi") bytes)"
