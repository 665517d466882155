# tests/e2e/sb.sh: Secure Boot in the end-to-end lab, sourced after
# tests/e2e/lab.sh by tests/e2e/boot-sb-*.test (POSIX sh).
#
# The client is lab.sh's UEFI machine with the Secure Boot firmware images
# (Microsoft keys enrolled, Secure Boot enforcing):
#   uefi-x64   OVMF_CODE_4M.ms.fd + a copy of OVMF_VARS_4M.ms.fd, q35 with
#              SMM and a secure flash (that build requires SMM)
#   uefi-aa64  AAVMF_CODE.ms.fd + a copy of AAVMF_VARS.ms.fd
# or, for the comparison, Secure Boot off: the very same code image (in
# Debian OVMF_CODE_4M.ms.fd links to OVMF_CODE_4M.secboot.fd and
# AAVMF_CODE.ms.fd to AAVMF_CODE.fd) with variables that hold no keys
# (OVMF_VARS_4M.fd, AAVMF_VARS.fd); or "plain", lab.sh's own OVMF
# (OVMF_CODE_4M.fd, no SMM).
# It boots the stock signed chain from a root made by tests/e2e/mkboot-sb.sh
# (shim as the NBP, signed GRUB beside it, Debian's signed kernel, the
# lab's initrd reporting the Secure Boot state).
#
#   . tests/e2e/lab.sh; . tests/e2e/sb.sh
#   sb_test CLIENT CHAIN PATH [WHERE]   the whole test: a boot with Secure
#                          Boot on, checked, then the same with it off for
#                          the time ratio (E2E_REFERENCE=0: not)
#   sb_boot CLIENT SB      one boot, SB = on | off | plain; sets E2E_SECS,
#                          E2E_WHY (on failure), E2E_LEASE, SB_STATE
# CHAIN: trixie | bookworm | unsigned (mkboot-sb.sh); PATH: pxe | http;
# WHERE: side (pxeproxyd on its own host, 192.0.2.5; default) | corp (on
# the DHCP server's host, 192.0.2.1, beside dnsmasq, which names itself as
# the next server).
#
# Environment as lab.sh's, and SB_HTTP_PXE: the action of the rule that
# answers the PXE requests of a machine steered to HTTP boot.  Default:
# "refuse = yes", an offer whose file pxeproxyd's TFTP refuses at once
# (ERROR 1): OVMF prints "PXE-E23: Client received TFTP error from
# server" and moves on to HTTP boot about 4 s later, where "ignore = yes"
# (no answer) costs about a minute of DHCP retries.

: "${SB_HTTP_PXE:=refuse = yes}"
SB_WHERE=side

# sb_need CLIENT CHAIN: skips (77) unless the firmware images and the
# chain's packages are here.
sb_need() {
	e2e_need "$1"
	case $1 in
	uefi-x64) set -- "$1" "$2" /usr/share/OVMF/OVMF_CODE_4M.ms.fd \
		/usr/share/OVMF/OVMF_VARS_4M.ms.fd /usr/share/OVMF/OVMF_VARS_4M.fd ;;
	uefi-aa64) set -- "$1" "$2" /usr/share/AAVMF/AAVMF_CODE.ms.fd \
		/usr/share/AAVMF/AAVMF_VARS.ms.fd /usr/share/AAVMF/AAVMF_VARS.fd ;;
	esac
	_chain=$2; shift 2
	for _f in "$@"; do
		[ -f "$_f" ] || e2e_skip "$_f missing (run tests/e2e/setup.sh)"
	done
	case $_chain:$SB_ARCH in
	bookworm:x86_64)
		for _f in /usr/lib/shim/shimx64.efi.signed /usr/lib/shim/mmx64.efi.signed \
			/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed; do
			[ -f "$_f" ] || e2e_skip "$_f missing (run tests/e2e/setup.sh)"
		done ;;
	bookworm:arm64)
		[ -f "$E2E_CACHE/sb/bookworm-arm64/.done" ] ||
			e2e_skip "Debian 12's arm64 signed chain missing (run tests/e2e/setup.sh)" ;;
	*)
		[ -f "$E2E_CACHE/sb/trixie/.done" ] ||
			e2e_skip "Debian 13's signed chain missing (run tests/e2e/setup.sh)" ;;
	esac
}

# sb_setup CLIENT CHAIN PATH [WHERE]: the boot root and pxeproxyd's config.
sb_setup() {
	SB_CLIENT=$1 SB_CHAIN=$2 SB_PATH=$3 SB_WHERE=${4:-side}
	case $1 in
	uefi-x64) SB_ARCH=x86_64 SB_EFI=x64 E2E_MAC=52:54:00:e2:e0:02 ;;
	uefi-aa64) SB_ARCH=arm64 SB_EFI=aa64 E2E_MAC=52:54:00:e2:e0:03 ;;
	*) e2e_fail "sb.sh: client uefi-x64 | uefi-aa64, not '$1'" ;;
	esac
	case $SB_WHERE in
	side) SB_SERVER=$SIDE_IP ;;
	corp) SB_SERVER=$CORP_IP ;;
	*) e2e_fail "sb.sh: WHERE side | corp, not '$SB_WHERE'" ;;
	esac
	sb_need "$1" "$2"
	[ -x "$PXEPROXYD" ] || e2e_fail "$PXEPROXYD not built"
	e2e_mkboot
	_out=$E2E_CACHE/sb/root-$SB_CHAIN-$SB_ARCH-$SB_SERVER
	sh "$TOP_SRCDIR/tests/e2e/mkboot-sb.sh" -c "$SB_CHAIN" -a "$SB_ARCH" \
		-s "$SB_SERVER" "$_out" >"$E2E_WORK/mkboot-sb.out" 2>&1 ||
		e2e_fail "building the Secure Boot root: $(cat "$E2E_WORK/mkboot-sb.out")"
	E2E_ROOT=$_out/root
	E2E_WANT=$(cat "$_out/payload.sha256")
	SB_NBP=shim$SB_EFI.efi
	sb_conf
}

# sb_conf: conf/pxeproxyd.conf plus rules for this machine: shim as its
# boot file, by TFTP (pxe) or by URL (http, its PXE requests answered as
# SB_HTTP_PXE says).
sb_conf() {
	E2E_CONF=$E2E_WORK/pxeproxyd.conf
	{
		cat "$TOP_SRCDIR/conf/pxeproxyd.conf"
		# GRUB stops acknowledging TFTP blocks while nothing reads the
		# file (its queue is full) and acknowledges again once the reader
		# catches up.  Under TCG on a busy machine the initrd's transfer
		# stalled for longer than 6 retransmissions (7 s), and once for
		# more than 30; pxeproxyd gave it up ("client stopped answering")
		# and GRUB hung for good.  The most the daemon allows:
		printf '\n[tftp]\nretries = 50\n'
		echo
		echo "# sb.sh: this machine boots the signed chain ($SB_CHAIN, $SB_PATH)."
		case $SB_PATH in
		pxe)
			printf '[rule sb-pxe]\nmac = %s\nvendor-class = PXEClient\nboot = %s\n' \
				"$E2E_MAC" "$SB_NBP" ;;
		http)
			printf '[rule sb-http-not-pxe]\nmac = %s\nvendor-class = PXEClient\n%s\n\n' \
				"$E2E_MAC" "$SB_HTTP_PXE"
			printf '[rule sb-http]\nmac = %s\nvendor-class = HTTPClient\nboot = http://${server}/%s\n' \
				"$E2E_MAC" "$SB_NBP" ;;
		*) e2e_fail "sb.sh: PATH pxe | http, not '$SB_PATH'" ;;
		esac
	} >"$E2E_CONF"
	"$PXEPROXYD" --check -c "$E2E_CONF" >"$E2E_WORK/check.out" 2>&1 ||
		e2e_fail "the test's config is refused: $(cat "$E2E_WORK/check.out")"
}

# sb_client_start SB: the machine (lab.sh's, other firmware), powered on.
sb_client_start() {
	_net="-netdev tap,id=n0,ifname=pclient,script=no,downscript=no"
	case $SB_CLIENT:$1 in
	uefi-x64:on)
		cp /usr/share/OVMF/OVMF_VARS_4M.ms.fd "$L.vars"
		set -- qemu-system-x86_64 -machine q35,smm=on -m 512 \
			-global driver=cfi.pflash01,property=secure,value=on \
			-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.ms.fd ;;
	uefi-x64:off)
		cp /usr/share/OVMF/OVMF_VARS_4M.fd "$L.vars"
		set -- qemu-system-x86_64 -machine q35,smm=on -m 512 \
			-global driver=cfi.pflash01,property=secure,value=on \
			-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.ms.fd ;;
	uefi-x64:plain)
		cp /usr/share/OVMF/OVMF_VARS_4M.fd "$L.vars"
		set -- qemu-system-x86_64 -machine q35 -m 512 \
			-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd ;;
	uefi-aa64:on)
		cp --sparse=always /usr/share/AAVMF/AAVMF_VARS.ms.fd "$L.vars"
		set -- qemu-system-aarch64 -machine virt -cpu cortex-a57 -m 768 \
			-drive if=pflash,format=raw,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.ms.fd ;;
	uefi-aa64:off | uefi-aa64:plain)
		cp --sparse=always /usr/share/AAVMF/AAVMF_VARS.fd "$L.vars"
		set -- qemu-system-aarch64 -machine virt -cpu cortex-a57 -m 768 \
			-drive if=pflash,format=raw,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.ms.fd ;;
	esac
	# romfile= : the firmware's own virtio-net driver and PXE, not iPXE's.
	# PXE over IPv6 off (a minute saved on the HTTP path; the lab has no
	# DHCPv6).
	set -- "$@" -drive if=pflash,format=raw,file="$L.vars" $_net \
		-device virtio-net-pci,netdev=n0,mac=$E2E_MAC,romfile=,bootindex=1 \
		-fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n
	: >"$L.serial"
	E2E_T0=$(e2e_now)
	E2E_T0_DAY=$(date +%H:%M:%S.%N)
	# shellcheck disable=SC2086
	ip netns exec "$NS_SW" "$@" $E2E_QEMU_ARGS -accel tcg -display none -vga none \
		-serial file:"$L.serial" -monitor none -no-reboot >"$L.qemu" 2>&1 &
	QEMU_PID=$!
}

# sb_poll: stops the wait for a result once the chain is clearly stuck:
# shim's refusal, GRUB's prompt, a kernel panic.
sb_poll() {
	_why=$(e2e_serial_text "$L.serial" | grep -a -m 1 -o -E \
		'Verification failed: .*|Security Violation|grub( rescue)?> *$|Kernel panic.*')
	[ -n "$_why" ] || return 1
	SB_STUCK=$_why
	return 0
}

# sb_corp_ready: dnsmasq holds UDP 67 in the corp namespace (pxeproxyd
# starts beside it, as on a router).
sb_corp_ready() {
	for _ in $(seq 50); do
		ip netns exec "$NS_CORP" cat /proc/net/udp 2>/dev/null |
			awk '$2 ~ /:0043$/ { f = 1 } END { exit !f }' && return 0
		sleep 0.1
	done
	e2e_fail "the corporate DHCP server did not bind UDP 67: $(tail -n 5 "$L.corp")"
}

# sb_boot CLIENT SB: one boot of the chain that sb_setup prepared, with
# Secure Boot on or off.  Returns 0 when the digest matched, the DHCP
# server leased the address, pxeproxyd offered none and the booted kernel
# saw Secure Boot in the state asked for.
sb_boot() {
	E2E_KIND=pxeproxyd E2E_SECS= E2E_WHY= E2E_LEASE= SB_STATE= SB_STUCK=
	L=$E2E_WORK/sb-$2-$1
	E2E_EV_SIDE=0 E2E_EV_DHCP=0 E2E_EV_SERIAL=0
	E2E_POLL='if sb_poll; then E2E_WHY="the chain stopped: $SB_STUCK"; break; fi'
	e2e_lab_up
	e2e_sniff_start
	e2e_corp_start
	case $SB_WHERE in
	side) e2e_side_start pxeproxyd ;;
	corp) sb_corp_ready; e2e_side_start pxeproxyd "$NS_CORP" ;;
	esac
	sb_client_start "$2"
	e2e_wait_result
	e2e_lab_down
	sb_check_result "$2"
}

# sb_check_result SB: lab.sh's checks (digest, lease, the wire), then the
# Secure Boot state the booted system reported.  Sets SB_STATE.
sb_check_result() {
	case $SB_WHERE in
	side) e2e_check_result || return 1 ;;
	corp)
		# Proxy and DHCP server share 192.0.2.1: lab.sh's rule "the
		# proxy never offers an address" cannot tell them apart.  The
		# proxy's packets are those with a vendor class; the server's
		# lease comes from the console.
		sb_check_result_nowire || return 1 ;;
	esac
	SB_STATE=$(grep -a -o "E2E-SECUREBOOT .*" "$L.console" | head -n 1)
	case $1:$SB_STATE in
	on:*"efivar=1 lockdown="*"[integrity]"* | on:*"efivar=1 lockdown="*"[confidentiality]"*) return 0 ;;
	off:*"efivar=0 lockdown='[none]"* | plain:*"efivar=0 lockdown='[none]"*) return 0 ;;
	esac
	E2E_WHY="Secure Boot should be $1, the booted system says: '${SB_STATE:-nothing}'"
	return 1
}

# sb_check_result_nowire: digest and lease as e2e_check_result; on the
# wire only the packets with a vendor class (pxeproxyd's, as dnsmasq's
# carry none) from the shared address: boot offers, never an address.
sb_check_result_nowire() {
	[ -n "$E2E_WHY" ] && return 1
	_got=$(grep -a -o 'E2E-RESULT[^ ]* .*' "$L.console" | head -n 1)
	case $_got in
	*"sha256=$E2E_WANT"*) ;;
	*) E2E_WHY="wrong or no payload digest: '$_got' (want sha256=$E2E_WANT)"; return 1 ;;
	esac
	E2E_LEASE=$(sed -n 's/.*E2E-LEASE ip=\([0-9.]*\) .*/\1/p' "$L.console" | head -n 1)
	[ -n "$E2E_LEASE" ] || { E2E_WHY="no lease in the booted system"; return 1; }
	awk -v mac="$E2E_MAC" '$2 == "pcorp" && / vendor=[^-]/ {
			if ($0 !~ /yiaddr=0\.0\.0\.0/) { print "pxeproxyd offered an address: " $0; bad = 1 }
			if ($0 ~ "chaddr=" mac) n++ }
		END { if (!n) print "no boot offer from pxeproxyd to " mac; else if (!bad)
			printf "%d boot offers from pxeproxyd on the DHCP server host, none with an address\n", n
			exit bad || !n }' "$L.dhcp" >"$L.verdict" || {
		E2E_WHY="DHCP on the wire: $(cat "$L.verdict")"
		return 1
	}
	return 0
}

sb_over() { awk -v r="$1" -v m="$SB_MAX_RATIO" 'BEGIN { exit !(r > m) }'; }

sb_fail() {
	echo "FAIL: $*"
	e2e_report_failure
	exit 1
}

# sb_net_secs: seconds from pxeproxyd's first offer to the end of the
# boot just made.  The ratio compares these: the firmware with keys
# enrolled spends a few seconds more before its first DHCP packet, which
# is no part of the network boot; and the two boots run one after the
# other, beside other tests (make check -j2), so only the part pxeproxyd
# serves is compared, against SB_MAX_RATIO (2.0): a sanity bound on a
# shared machine.  On a quiet one the whole boots compare at 0.86-1.00
# (README, Secure Boot).
: "${SB_MAX_RATIO:=2.0}"
sb_net_secs() {
	sb_phases | awk -v total="$E2E_SECS" '{
		for (i = 1; i < NF; i += 2) if ($i == "offer") { printf "%.1f", total - $(i + 1); exit }
		printf "%.1f", total }'
}

# sb_test CLIENT CHAIN PATH [WHERE]: boots CHAIN with Secure Boot on and
# checks it; then (unless E2E_REFERENCE=0) with Secure Boot off, for the
# time ratio of the network boots (limit SB_MAX_RATIO, best of two when
# over).
sb_test() {
	sb_setup "$@"
	_what="$1 $2 chain by $3${4:+ (pxeproxyd on $4)}"
	e2e_say "$_what, Secure Boot on, root $E2E_ROOT"
	sb_boot "$1" on || sb_fail "$_what with Secure Boot on: $E2E_WHY"
	_on=$(sb_net_secs)
	e2e_say "booted with Secure Boot on in ${E2E_SECS}s (${_on}s from the offer): payload sha256 intact, lease $E2E_LEASE"
	e2e_say "steps (s after power-on): $(sb_phases)"
	e2e_say "$SB_STATE"
	e2e_say "$(cat "$L.verdict")"
	sb_check_served
	[ "$SB_PATH" = http ] && e2e_say "first HTTP request $(sb_first_http)s after power-on"
	if [ "${E2E_REFERENCE:-1}" = 0 ]; then
		e2e_say "Secure Boot off run skipped (E2E_REFERENCE=0)"
		return 0
	fi
	e2e_say "$_what, Secure Boot off (the same firmware code, no keys)"
	sb_boot "$1" off || sb_fail "$_what with Secure Boot off: $E2E_WHY"
	_off=$(sb_net_secs)
	e2e_say "Secure Boot off: ${E2E_SECS}s (${_off}s from the offer); steps: $(sb_phases)"
	_ratio=$(e2e_ratio "$_on" "$_off")
	echo "ratio $_what, from the offer: Secure Boot on ${_on}s / off ${_off}s = $_ratio"
	if sb_over "$_ratio"; then
		e2e_say "over the limit ($SB_MAX_RATIO): both once more"
		sb_boot "$1" off && _off=$(e2e_min "$_off" "$(sb_net_secs)")
		sb_boot "$1" on || sb_fail "$_what with Secure Boot on (second boot): $E2E_WHY"
		_on=$(e2e_min "$_on" "$(sb_net_secs)")
		_ratio=$(e2e_ratio "$_on" "$_off")
		echo "ratio $_what, from the offer (best of two): Secure Boot on ${_on}s / off ${_off}s = $_ratio"
		sb_over "$_ratio" &&
			e2e_fail "$_what: Secure Boot on took $_ratio times as long as off from the offer (limit $SB_MAX_RATIO)"
	fi
	return 0
}

# sb_check_served: pxeproxyd served the chain: shim, the signed GRUB beside
# it and /grub/grub.cfg (by TFTP on PXE, by HTTP on HTTP boot).
sb_check_served() {
	_log=$E2E_WORK/sb-on-$SB_CLIENT.side
	case $SB_PATH in
	pxe) _pat='tftp: [^ ]+ /?%s: [0-9]+ bytes' ;;
	http) _pat='http: .* GET /+%s 200 ' ;;
	esac
	for _f in "$SB_NBP" "grub$SB_EFI.efi" grub/grub.cfg; do
		# shellcheck disable=SC2059
		grep -q -E "$(printf "$_pat" "$_f")" "$_log" ||
			sb_fail "pxeproxyd did not serve $_f by $SB_PATH: $(grep -E 'tftp: |http: ' "$_log" | head -n 8)"
	done
	e2e_say "pxeproxyd served $SB_NBP, grub$SB_EFI.efi and grub/grub.cfg by $SB_PATH"
}

# sb_first_http: seconds from power-on to the first HTTP request pxeproxyd
# logged in the last boot (the firmware done with PXE, on the HTTP path).
sb_first_http() {
	awk -v t0="$E2E_T0_DAY" '
		function secs(s,  a) { split(s, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
		/ http: / { d = secs($1) - secs(t0); if (d < -43200) d += 86400
			printf "%.1f", d; exit }' "$L.side"
}

# sb_phases: when pxeproxyd saw each step of the last boot, in seconds
# after power-on: its first offer, the end of each file it sent (shim,
# GRUB, grub.cfg, kernel, initrd) and the payload's GET.
sb_phases() {
	awk -v t0="$E2E_T0_DAY" -v efi="$SB_EFI" '
		function secs(s,  a) { split(s, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
		function at(name) { if (!(name in seen)) { seen[name] = 1
			d = secs($1) - secs(t0); if (d < -43200) d += 86400
			out = out sprintf(" %s %.1f", name, d) } }
		/ OFFER / { at("offer") }
		/ http: .* HEAD / { at("http") }
		$0 ~ "shim" efi "\\.efi(: [0-9]+ bytes| 200 [1-9])" { at("shim") }
		$0 ~ "grub" efi "\\.efi(: [0-9]+ bytes| 200 [1-9])" { at("grub") }
		/grub\/grub\.cfg(: [0-9]+ bytes| 200 [1-9])/ { at("cfg") }
		/vmlinuz(: [0-9]+ bytes| 200 [1-9])/ { at("kernel") }
		/initrd\.gz(: [0-9]+ bytes| 200 [1-9])/ { at("initrd") }
		/GET \/payload\.bin/ { at("payload") }
		END { print substr(out, 2) }' "$L.side"
}
