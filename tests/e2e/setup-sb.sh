#!/bin/sh
# tests/e2e/setup-sb.sh: the stock signed boot chains for the Secure Boot
# tests (tests/e2e/boot-sb-*.test), on Debian, as root.  Called by
# tests/e2e/setup.sh; idempotent (a stamp per chain).
#
# Unpacked with dpkg-deb under $E2E_CACHE/sb (default
# /var/tmp/pxeproxyd-e2e/sb), one directory per chain:
#   trixie/     Debian 13: shim-signed (amd64, arm64), shim-helpers-*-signed
#               (mm, fb), grub-efi-{amd64,arm64}-signed
#   bookworm-arm64/  Debian 12's arm64 shim and GRUB (an x86 host cannot
#               install them; the amd64 ones are installed packages:
#               shim-signed, grub-efi-amd64-signed, see setup.sh)
# Debian 13 comes through apt with a temporary source list and its own
# package lists in a temporary directory: the system's sources never name
# trixie.  Kernels: Debian 12's signed ones (amd64 in /boot, arm64 in
# $E2E_CACHE/arm64) serve both chains; they are signed by the same
# Debian Secure Boot CA that both shims trust.
set -eu
CACHE=${E2E_CACHE:-/var/tmp/pxeproxyd-e2e}
SB=$CACHE/sb
MIRROR=${E2E_DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
TRIXIE_PKGS="shim-signed:amd64 shim-signed:arm64 shim-helpers-amd64-signed:amd64
 shim-helpers-arm64-signed:arm64 grub-efi-amd64-signed:amd64
 grub-efi-arm64-signed:arm64"
BOOKWORM_ARM64_PKGS="shim-signed:arm64 shim-helpers-arm64-signed:arm64
 grub-efi-arm64-signed:arm64"

say() { echo "e2e setup-sb: $*"; }
die() { echo "e2e setup-sb: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (apt-get)"
command -v apt-get >/dev/null || die "apt-get not found: the lab needs Debian"
[ -f "$KEYRING" ] || die "$KEYRING missing (debian-archive-keyring)"
mkdir -p "$SB"
tmp=$(mktemp -d /tmp/pxeproxyd-e2e-sb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# apt downloads as user _apt when it can write there
id _apt >/dev/null 2>&1 && chown _apt "$tmp"

# unpack NAME DEBDIR CHECK...: the .debs in DEBDIR unpacked into $SB/NAME,
# each CHECK (a path in it) present, the stamp naming the packages.
unpack() {
	name=$1 debs=$2; shift 2
	rm -rf "$SB/$name.new"
	mkdir -p "$SB/$name.new"
	for deb in "$debs"/*.deb; do
		dpkg-deb -x "$deb" "$SB/$name.new" || die "dpkg-deb -x $deb"
	done
	for f in "$@"; do
		[ -f "$SB/$name.new/$f" ] || die "$name: $f missing from the packages"
	done
	(cd "$debs" && ls ./*.deb) | sed 's|^\./||' | tr '\n' ' ' >"$SB/$name.new/.done"
	chmod -R u=rwX,go=rX "$SB/$name.new"
	rm -rf "$SB/$name"
	mv "$SB/$name.new" "$SB/$name"
	say "$name ready in $SB/$name ($(cat "$SB/$name/.done"))"
}

# Debian 13 through a temporary source list and temporary package lists.
if [ -f "$SB/trixie/.done" ] && [ -z "${E2E_REFRESH:-}" ]; then
	say "trixie chain ready in $SB/trixie ($(cat "$SB/trixie/.done"))"
else
	mkdir -p "$tmp/lists/partial" "$tmp/debs"
	id _apt >/dev/null 2>&1 && chown -R _apt "$tmp/debs"
	echo "deb [signed-by=$KEYRING] $MIRROR trixie main" >"$tmp/sources.list"
	set -- -o Dir::Etc::SourceList="$tmp/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$tmp/lists" \
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
		-o APT::Architectures::=amd64 -o APT::Architectures::=arm64
	say "trixie main: package lists into $tmp/lists (temporary source list)"
	apt-get "$@" -qq update || die "apt-get update for trixie failed"
	say "downloading" $TRIXIE_PKGS
	# shellcheck disable=SC2086
	(cd "$tmp/debs" && apt-get "$@" -qq download $TRIXIE_PKGS) ||
		die "apt-get download from trixie failed"
	unpack trixie "$tmp/debs" \
		usr/lib/shim/shimx64.efi.signed usr/lib/shim/shimaa64.efi.signed \
		usr/lib/shim/mmx64.efi.signed usr/lib/shim/mmaa64.efi.signed \
		usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed \
		usr/lib/grub/arm64-efi-signed/grubnetaa64.efi.signed
fi

# Debian 12's arm64 chain, from the system's own (bookworm) lists.
if [ -f "$SB/bookworm-arm64/.done" ] && [ -z "${E2E_REFRESH:-}" ]; then
	say "bookworm arm64 chain ready in $SB/bookworm-arm64 ($(cat "$SB/bookworm-arm64/.done"))"
else
	dpkg --print-foreign-architectures | grep -qx arm64 || {
		say "adding arm64 as a foreign architecture (for apt-get download only)"
		dpkg --add-architecture arm64
	}
	apt-get -qq update || die "apt-get update failed"
	rm -rf "$tmp/debs"
	mkdir -p "$tmp/debs"
	id _apt >/dev/null 2>&1 && chown _apt "$tmp/debs"
	say "downloading" $BOOKWORM_ARM64_PKGS
	# shellcheck disable=SC2086
	(cd "$tmp/debs" && apt-get -qq download $BOOKWORM_ARM64_PKGS) ||
		die "apt-get download of the bookworm arm64 chain failed"
	unpack bookworm-arm64 "$tmp/debs" \
		usr/lib/shim/shimaa64.efi.signed \
		usr/lib/grub/arm64-efi-signed/grubnetaa64.efi.signed
fi
