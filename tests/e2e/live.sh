# tests/e2e/live.sh: a Debian live system booted over the network through
# pxeproxyd, sourced by tests/e2e/boot-live-*.test after lab.sh (issue 20).
#
# The ISO is tests/e2e/mklive.sh's ($E2E_CACHE/live/live.iso, built once).
# The client's boot loader (lpxelinux for BIOS, GRUB for UEFI) loads the
# ISO's kernel and initrd by HTTP from pxeproxyd; live-boot in the initrd
# takes a lease from the corporate DHCP server and fetches the squashfs
# named by fetch=http://SIDE/... (pxeproxyd-mkroot wrote it) from pxeproxyd's
# HTTP server; the squashfs's init prints its digests (mklive.sh).
#
#   live_test CLIENT        the whole test (bios | uefi-x64)

LIVE=$E2E_CACHE/live

# live_need CLIENT: skips (77) unless the lab and the ISO's tools are here.
live_need() {
	e2e_need "$1"
	for _f in /bin/live-boot /usr/share/initramfs-tools/hooks/live /usr/bin/mksquashfs \
		/usr/bin/xorriso /usr/lib/ISOLINUX/isolinux.bin /usr/lib/PXELINUX/lpxelinux.0; do
		[ -e "$_f" ] || e2e_skip "$_f missing (run tests/e2e/setup.sh)"
	done
}

# live_iso: the ISO, built once and reused while up to date; E2E_WANT
# (lab.sh's e2e_check_result) is the digest of the payload inside it.
live_iso() {
	sh "$TOP_SRCDIR/tests/e2e/mklive.sh" "$LIVE" ||
		e2e_fail "building the live ISO (tests/e2e/mklive.sh)"
	LIVE_ISO=$LIVE/live.iso
	E2E_WANT=$(cat "$LIVE/payload.sha256")
	LIVE_SQUASHFS_SUM=$(cat "$LIVE/squashfs.sha256")
}

# live_mkroot ROOT ISO: the boot root, made only by pxeproxyd-mkroot as a
# user makes it (what users run is what CI boots): the loaders from
# Debian's packages, then the ISO added; mkroot reads the ISO's own menus
# and adds live-boot's fetch= for pxeproxyd's HTTP server.  Sets E2E_CONF
# to the stock config.
live_mkroot() {
	_mkroot=$TOP_SRCDIR/contrib/pxeproxyd-mkroot
	E2E_CONF=$TOP_SRCDIR/conf/pxeproxyd.conf
	sh "$_mkroot" -s "$SIDE_IP" -t 0 -D "$E2E_CACHE/arm64/usr/lib/grub/arm64-efi" "$1" \
		>"$E2E_WORK/mkroot.log" 2>&1 ||
		e2e_fail "pxeproxyd-mkroot $1 failed: $(tail -n 3 "$E2E_WORK/mkroot.log")"
	sh "$_mkroot" "$1" --add live --iso "$2" >>"$E2E_WORK/mkroot.log" 2>&1 ||
		e2e_fail "pxeproxyd-mkroot --add live --iso $2 failed: $(tail -n 3 "$E2E_WORK/mkroot.log")"
}

# live_check: the live boot's own evidence, beyond e2e_check_result's
# (payload digest, lease, wire): the squashfs's digest as fetched, the
# init's own check, pxeproxyd's access log.
live_check() {
	_fail() {
		echo "FAIL: $*"
		e2e_report_failure
		exit 1
	}
	_res=$(grep -a -o 'E2E-RESULT .*' "$L.console" | head -n 1)
	case $_res in
	*" check=ok "*) ;;
	*) _fail "the live system's payload check did not pass: '$_res'" ;;
	esac
	case $_res in
	*" squashfs=$LIVE_SQUASHFS_SUM "*) ;;
	*) _fail "the squashfs the live system fetched is not the ISO's: '$_res' (want squashfs=$LIVE_SQUASHFS_SUM)" ;;
	esac
	# The URL live-boot fetched (the root's menu named it): this server's.
	_url=$(sed -n 's/^E2E-LIVE .* fetched=\([^ ]*\).*/\1/p' "$L.console" | head -n 1)
	case $_url in
	http://$SIDE_IP/*.squashfs) ;;
	*) _fail "the live system did not come from a squashfs on http://$SIDE_IP/: fetched='$_url'" ;;
	esac
	LIVE_PATH=${_url#http://"$SIDE_IP"}
	grep -q "http: .* GET $LIVE_PATH 200 " "$L.side" ||
		_fail "pxeproxyd's access log has no 'GET $LIVE_PATH 200'"
	# Kernel and initrd by HTTP too (whatever the root calls them).
	grep -Eq 'http: .* GET /[^ ]*vmlinuz[^ ]* 200 ' "$L.side" ||
		_fail "pxeproxyd's access log has no kernel (vmlinuz) served by HTTP"
	grep -Eq 'http: .* GET /[^ ]*initrd[^ ]* 200 ' "$L.side" ||
		_fail "pxeproxyd's access log has no initrd served by HTTP"
	e2e_say "access log: $(grep "http: .* GET $LIVE_PATH 200 " "$L.side" | head -n 1)"
}

# live_test CLIENT: builds the ISO and the root, boots CLIENT through
# pxeproxyd beside the untouched corporate DHCP server, checks.
live_test() {
	live_need "$1"
	[ -x "$PXEPROXYD" ] || e2e_fail "$PXEPROXYD not built"
	e2e_mkboot	# the lab's root: GRUB images made for this server
	live_iso
	E2E_ROOT=$E2E_WORK/root
	live_mkroot "$E2E_ROOT" "$LIVE_ISO"
	"$PXEPROXYD" --check -c "$E2E_CONF" >"$E2E_WORK/check.out" 2>&1 ||
		e2e_fail "the test's config is refused: $(cat "$E2E_WORK/check.out")"
	e2e_say "$1 into the live ISO through pxeproxyd (root $E2E_ROOT made by pxeproxyd-mkroot)"
	if ! e2e_boot "$1" pxeproxyd; then
		echo "FAIL: $1 live boot through pxeproxyd: $E2E_WHY"
		e2e_report_failure
		exit 1
	fi
	live_check
	e2e_say "$1 booted the live system in ${E2E_SECS}s: squashfs $LIVE_PATH fetched intact by live-boot (sha256 $LIVE_SQUASHFS_SUM), payload sha256 intact, lease $E2E_LEASE from $CORP_IP"
	e2e_say "$(cat "$L.verdict")"
}
