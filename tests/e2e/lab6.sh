# tests/e2e/lab6.sh: the IPv6-only end-to-end lab, sourced after
# tests/e2e/lab.sh by tests/e2e/boot6-*.test (POSIX sh).
#
# The same shape as lab.sh's network, with no IPv4 at all on it:
#   switch   a bridge (no IPv6 of its own, no multicast snooping: the
#            firmware's Solicits to ff02::1:2 reach every port)
#   corp     the "corporate" DHCPv6 server, 2001:db8::1: an untouched
#            dnsmasq sending router advertisements with the managed flag
#            and leasing 2001:db8::100-1ff, nothing about booting
#   side     the sidecar, 2001:db8::5: pxeproxyd, or for the comparison
#            dnsmasq (which has no DHCPv6 proxy mode, see e2e6_side_start)
# Every address is added without duplicate address detection (accept_dad
# 0 in the namespaces), link-local ones too: usable at once.  A sniffer
# (tests/tools/dhcp6sniff.py) records the DHCPv6 packets entering the
# switch from the sidecar, the server and the client.
#
# Clients: lab.sh's uefi-x64 (OVMF) and uefi-aa64 (AAVMF) machines, IPv4
# PXE switched off through fw_cfg (opt/org.tianocore/IPv4PXESupport, read
# by both firmware: OvmfPkg/Library/PxeBcPcdProducerLib is linked into
# UefiPxeBcDxe by OvmfPkgX64.dsc and ArmVirtQemu.dsc; seen in the lab: no
# "Start PXE over IPv4" on either), for HTTP boot a boot order with IPv6
# first (e2e6_vars).  They load a Unified Kernel Image (tests/e2e/mkuki.sh)
# whose Linux takes a static address in 2001:db8::/64, fetches the payload
# from http://[2001:db8::5]/ and prints its digest.
#
#   . tests/e2e/lab.sh; . tests/e2e/lab6.sh
#   e2e6_test CLIENT MODE     the whole test, MODE = pxe | http: the IPv6
#                             boot through pxeproxyd, its checks, and beside
#                             it the same UKI booted over IPv4 (lab.sh's
#                             lab) for the time ratio
#   e2e6_boot CLIENT KIND MODE  one IPv6 boot, KIND = pxeproxyd | dnsmasq;
#                             sets E2E_SECS, E2E6_NET_SECS, E2E_WHY
#
# Environment as lab.sh's, E2E6_REFERENCE=0 (no IPv4 boot for the ratio),
# E2E6_CONF_EXTRA (lines added to the daemon's config), E2E6_MAX_RATIO,
# the limit of IPv6 time / IPv4 time: 1.2, as issue 16 asks, and
# E2E6_MAX_SCALED, the same limit with the IPv6 boot's TFTP time scaled
# to IPv4's block count (e2e6_scaled): 1.2.
#
# The IPv4 boot runs at the same time as the IPv6 one (e2e6_pair): on this
# shared 2-core machine the same boot took 20 s or 35 s a minute apart,
# and ratios of boots run one after the other (OVMF 0.77-1.57 here, and
# 1.39-1.63 before) measured the load more than the firmware.  Paired, on
# 3 Dec 2026, with four other helpers' QEMU boots on the machine, each a
# first try:
#   with [dhcp6] prefer-after (the default): AAVMF PXE 0.97, 1.12, 1.21,
#   HTTP boot 0.89, 0.93; OVMF PXE 1.01, 1.04, 1.06, 1.07, HTTP boot 0.81,
#   0.86, 1.11, GRUB 1.01;
#   with prefer-after = 0 (E2E6_CONF_EXTRA): AAVMF PXE 1.12, 1.32; OVMF
#   PXE 1.09, 1.17, HTTP boot 0.92, 1.13.
# So 1.2 holds, with the second round (best of two) for the ~0.1 of noise
# that pairing leaves.
# What IPv6 adds in the firmware, seen on the wire (dhcp6sniff): its IPv6
# stack runs a DHCPv6 exchange of its own for the router's managed flag
# (no wait: it takes the first Advertise) some 2-3 s before PXE or HTTP
# boot starts theirs; each new address waits for duplicate address
# detection; TFTP over IPv6 moves blocks of 1228 bytes, not 1468 (OVMF's
# UKI: 2.3 s against 1.7 s).  PXE's and HTTP boot's exchange collects
# Advertises until the Solicit's first retransmission (4.9 s from the
# Solicit to the Request on the wire) unless one carries Preference 255:
# pxeproxyd's copy of its Advertise with Preference 255 one second later
# ([dhcp6] prefer-after, src/proxy6.c) brings that to 1.0 s (OVMF and
# AAVMF, PXE and HTTP boot).  In HTTP boot in this lab part of the gain
# reappears as a wait for a route to the server (HttpBootCheckRouteTable
# polls once a second for a router advertisement): 1.4 s from the Request
# to the firmware's address switch without the copy, 3.0-5.6 s with it.

: "${E2E6_REFERENCE:=1}"
: "${E2E6_MAX_RATIO:=1.2}"
: "${E2E6_MAX_SCALED:=1.2}"
E2E6_MODE= E2E6_PXE_ERROR=
E2E6_VARS=
CORP6=2001:db8::1
SIDE6=2001:db8::5
CLIENT6=2001:db8::e2e/64
E2E6_BOOT=$E2E_CACHE/boot6
SNIFF6=$TOP_SRCDIR/tests/tools/dhcp6sniff.py

# e2e6_need CLIENT: skips (77) unless lab.sh's pieces and the UKI tools are
# here.
e2e6_need() {
	e2e_need "$1"
	command -v objcopy >/dev/null 2>&1 || e2e_skip "objcopy is not installed (run tests/e2e/setup.sh)"
	[ -f /usr/lib/systemd/boot/efi/linuxx64.efi.stub ] ||
		e2e_skip "systemd-boot-efi is not installed (run tests/e2e/setup.sh)"
	if [ "$1" = uefi-aa64 ]; then
		command -v aarch64-linux-gnu-objcopy >/dev/null 2>&1 ||
			e2e_skip "binutils-aarch64-linux-gnu is not installed (run tests/e2e/setup.sh)"
		[ -f "$E2E_CACHE/arm64/usr/lib/systemd/boot/efi/linuxaa64.efi.stub" ] ||
			e2e_skip "no arm64 UKI stub in $E2E_CACHE/arm64 (run tests/e2e/setup.sh)"
	fi
}

# e2e6_mkuki: lab.sh's boot tree, then the UKIs made from it; the daemon
# serves the UKI tree.
e2e6_mkuki() {
	e2e_mkboot
	sh "$TOP_SRCDIR/tests/e2e/mkuki.sh" -6 "$SIDE6" -a "$CLIENT6" -4 "$SIDE_IP" \
		"$E2E_BOOT" "$E2E6_BOOT" || e2e_fail "building the UKIs (tests/e2e/mkuki.sh)"
	E2E_ROOT=$E2E6_BOOT/root
	E2E_WANT=$(cat "$E2E6_BOOT/payload.sha256")
}

# --- the network -------------------------------------------------------

e2e6_lab_up() {
	e2e_lab_ns e2e6 y
	# Before any link exists: new interfaces copy "default".
	ip netns exec "$NS_SW" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	for _ns in "$NS_CORP" "$NS_SIDE"; do
		ip netns exec "$_ns" sysctl -qw net.ipv6.conf.default.accept_dad=0
	done
	netlab_switch "$NS_SW" || e2e_fail "bridge"
	ip -n "$NS_SW" link set br0 type bridge mcast_snooping 0
	e2e6_plug "$NS_CORP" pcorp "$CORP6"
	e2e6_plug "$NS_SIDE" pside "$SIDE6"
	e2e_client_port
}

# e2e6_plug NS PORT ADDR: NS's eth0 with ADDR/64 only, on switch port PORT.
e2e6_plug() {
	netlab_plug "$NS_SW" "$1" "$2" || e2e_fail "plugging $1 into the switch"
	ip -n "$1" addr add "$3/64" dev eth0 nodad || e2e_fail "$3 on $1"
	netlab_carrier "$1" || e2e_fail "no link between $1 and the switch"
}

# --- the hosts ---------------------------------------------------------

e2e6_sniff_start() { e2e_sniffer "$SNIFF6" "$L.dhcp6" DHCPv6 pside pcorp pclient; }

# The corporate DHCPv6 server: router advertisements with the managed
# flag (dnsmasq sets it for a range of addresses), addresses from the
# range, no boot options.
e2e6_corp_start() {
	ip netns exec "$NS_CORP" dnsmasq --keep-in-foreground --port=0 \
		--conf-file=/dev/null --pid-file= --interface=eth0 --bind-interfaces \
		--enable-ra --dhcp-range=2001:db8::100,2001:db8::1ff,64,10m \
		--dhcp-leasefile="$L.leases" --log-dhcp --log-facility="$L.corp" \
		2>>"$L.corp" &
	NETLAB_CORP_PID=$!
	wait_until 10 netlab_listening "$NS_CORP" udp 547 && return 0
	e2e_fail "the corporate DHCPv6 server did not bind port 547: $(tail -n 3 "$L.corp")"
}

# e2e6_side_start KIND: the sidecar.  pxeproxyd as in lab.sh.  dnsmasq:
# dnsmasq refuses a proxy range for IPv6 ("--dhcp-range=::,proxy": "bad
# dhcp-range"), so the nearest it can be as a sidecar is a second DHCPv6
# server for the prefix with no addresses of its own ("static" mode, no
# hosts) that sends the boot URL, with its own TFTP server and busybox
# httpd on [2001:db8::5]:80.
e2e6_side_start() {
	case $1 in
	pxeproxyd) e2e_side_start pxeproxyd ;;
	dnsmasq)
		_url=tftp://[$SIDE6]/$E2E6_FILE
		[ "$E2E6_MODE" = http ] && _url=http://[$SIDE6]/$E2E6_FILE
		ip netns exec "$NS_SIDE" dnsmasq --keep-in-foreground --port=0 \
			--conf-file=/dev/null --pid-file= --interface=eth0 \
			--bind-interfaces --dhcp-range=2001:db8::,static,64 \
			--dhcp-option=option6:bootfile-url,"$_url" \
			--enable-tftp --tftp-root="$E2E_ROOT" \
			--log-dhcp --log-facility="$L.side" 2>>"$L.side" &
		SIDE_PID=$! E2E_SIDE_PXE=
		ip netns exec "$NS_SIDE" busybox httpd -f -vv -p "[$SIDE6]:80" \
			-h "$E2E_ROOT" >>"$L.side" 2>&1 &
		wait_until 10 e2e_reference_ready 547 && return 0
		e2e_fail "dnsmasq as the IPv6 sidecar did not start: $(tail -n 5 "$L.side")"
		;;
	esac
}

# e2e6_vars CLIENT: sets E2E6_VARS to a variable store in which the
# client's boot order is PXE over IPv6, HTTP boot over IPv6, then the
# rest.  No fw_cfg knob switches off HTTP boot over IPv4 (OvmfPkg reads
# IPv4PXESupport and IPv6PXESupport only), and on a network without IPv4
# that attempt waits 60-130 s for DHCPv4 offers before the firmware tries
# IPv6; an administrator of such a network puts IPv6 first in the boot
# manager.  HTTPv6 itself first does not work: OVMF's first network
# attempt after power-on over IPv6 by HTTP fails at once ("Unexpected
# network error", twice in a row when listed twice) and works once an
# earlier attempt ran, so PXEv6 (ignored by a rule, e2e6_conf) goes first.
# Made once per firmware (cached beside the boot trees): the firmware
# started in an empty lab creates its boot options and stops once it
# tries the first; tests/tools/efivars.py reorders its BootOrder.
e2e6_vars() {
	case $1 in
	uefi-x64) _fw="/usr/share/OVMF/OVMF_CODE_4M.fd /usr/share/OVMF/OVMF_VARS_4M.fd" ;;
	*) _fw="/usr/share/AAVMF/AAVMF_CODE.fd /usr/share/AAVMF/AAVMF_VARS.fd" ;;
	esac
	E2E6_VARS=$E2E_CACHE/vars6/$1-v6-first.fd
	mkdir -p "$E2E_CACHE/vars6"
	# shellcheck disable=SC2086
	_want=$( (ls -l $_fw; cat "$TOP_SRCDIR/tests/tools/efivars.py") | sha256sum)
	exec 8>"$E2E_CACHE/vars6/lock"
	flock 8	# parallel tests: one makes it, the others wait and reuse
	if [ -f "$E2E6_VARS" ] && [ "$(cat "$E2E6_VARS.stamp" 2>/dev/null)" = "$_want" ]; then
		exec 8>&-
		return 0
	fi
	e2e_say "making $E2E6_VARS (PXEv6, HTTPv6 first)"
	L=$E2E_WORK/vars-$1
	e2e6_lab_up
	_qa=$E2E_QEMU_ARGS
	E2E_QEMU_ARGS="$_qa $(e2e6_qemu_args http)"
	E2E_VARS=
	e2e_client_start "$1"
	E2E_QEMU_ARGS=$_qa
	wait_until 300 grep -a -q 'Start PXE over IPv6' "$L.serial" ||
		e2e_fail "$1 never started PXE over IPv6 in an empty lab: $(e2e_serial_text "$L.serial" | tail -n 3)"
	e2e_lab_down
	python3 "$TOP_SRCDIR/tests/tools/efivars.py" first "$L.vars" "UEFI PXEv6" "UEFI HTTPv6" ||
		e2e_fail "no PXEv6 or HTTPv6 boot option in $1's variable store"
	cp --sparse=always "$L.vars" "$E2E6_VARS.new"
	mv "$E2E6_VARS.new" "$E2E6_VARS"
	echo "$_want" >"$E2E6_VARS.stamp"
	exec 8>&-
}

# Firmware knobs: IPv4 PXE off (the boot order of e2e6_vars puts IPv6
# first for HTTP boot).
e2e6_qemu_args() {
	echo "-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n"
}

# Called on every turn of the wait (E2E_POLL): the seconds since power-on
# at which the firmware's console first named each network boot attempt;
# in a PXE boot, a PXE error ends the boot at once (the firmware would go
# on to HTTP boot and hide it).
e2e6_mark() {
	if [ "$E2E6_MODE" = pxe ] && grep -a -q 'PXE-E[0-9]' "$L.serial"; then
		E2E6_PXE_ERROR=$(e2e_serial_text "$L.serial" | grep -a -o 'PXE-E[0-9]*:.*' | head -n 1)
		kill "$QEMU_PID" 2>/dev/null
	fi
	for _m in PXE4:'Start PXE over IPv4' PXE6:'Start PXE over IPv6' \
		HTTP4:'Start HTTP Boot over IPv4' HTTP6:'Start HTTP Boot over IPv6'; do
		grep -q "^${_m%%:*} " "$L.marks" 2>/dev/null && continue
		grep -a -q "${_m#*:}" "$L.serial" &&
			echo "${_m%%:*} $(e2e_since "$E2E_T0")" >>"$L.marks"
	done
}
e2e6_mark_at() { sed -n "s/^$1 //p" "$L.marks" 2>/dev/null | head -n 1; }

# e2e6_net_secs MARK: E2E_SECS less the time from the firmware's first
# network boot attempt to the one named MARK (earlier attempts that cannot
# succeed cost the same with any sidecar); E2E_SECS when MARK was first.
e2e6_net_secs() {
	_t6=$(e2e6_mark_at "$1")
	_t4=$(sort -n -k2 "$L.marks" | head -n 1 | cut -d' ' -f2)
	if [ -n "$_t6" ] && [ -n "$_t4" ]; then
		awk -v s="$E2E_SECS" -v a="$_t4" -v b="$_t6" 'BEGIN { printf "%.1f", s - (b - a) }'
	else
		echo "$E2E_SECS"
	fi
}

# e2e6_boot CLIENT KIND MODE: one IPv6 network boot.  Logs:
# $E2E_WORK/v6-KIND-CLIENT-MODE.*
e2e6_boot() {
	E2E_KIND=$2 E2E6_MODE=$3 E2E_SECS= E2E_WHY= E2E6_NET_SECS= E2E6_PXE_ERROR=
	L=$E2E_WORK/v6-$2-$1-$3
	E2E_EV_SIDE=0 E2E_EV_DHCP=0 E2E_EV_SERIAL=0
	: >"$L.marks"
	e2e6_lab_up
	e2e6_sniff_start
	e2e6_corp_start
	e2e6_side_start "$2"
	_qa=$E2E_QEMU_ARGS _poll=$E2E_POLL
	E2E_QEMU_ARGS="$E2E_QEMU_ARGS $(e2e6_qemu_args "$3")"
	E2E_POLL=e2e6_mark
	# lab.sh's events follow IPv4 packets; DHCPv6 is in $L.dhcp6.
	: >"$L.dhcp"
	E2E_VARS=
	[ "$3" = http ] && E2E_VARS=$E2E6_VARS
	e2e_client_start "$1"
	E2E_VARS=
	e2e_wait_result
	E2E_QEMU_ARGS=$_qa E2E_POLL=$_poll
	e2e_lab_down
	[ "$3" = pxe ] && _mark=PXE6 || _mark=HTTP6
	[ -n "$E2E_SECS" ] && E2E6_NET_SECS=$(e2e6_net_secs "$_mark")
	e2e6_check_result
}

# e2e6_check_result: 0 when the digest matched, the Linux system had its
# IPv6 address, and (pxeproxyd only) the wire shows boot URLs and never an
# address or status from the sidecar and an address from the server.
e2e6_check_result() {
	[ -n "$E2E6_PXE_ERROR" ] && E2E_WHY="PXE over IPv6 failed: $E2E6_PXE_ERROR"
	[ -n "$E2E_WHY" ] && return 1
	case $E2E6_MODE in
	pxe) _how='NBP file downloaded successfully' ;;
	*) _how="URI: http://\[$SIDE6\]/" ;;
	esac
	grep -a -q "$_how" "$L.console" ||
		{ E2E_WHY="the firmware did not boot by $E2E6_MODE over IPv6 (no '$_how' on its console)"; return 1; }
	_got=$(grep -a -o 'E2E-RESULT[^ ]* .*' "$L.console" | head -n 1)
	case $_got in
	*"sha256=$E2E_WANT"*) ;;
	*) E2E_WHY="wrong or no payload digest: '$_got' (want sha256=$E2E_WANT)"; return 1 ;;
	esac
	grep -a -q "E2E-ADDR6 ip=$CLIENT6" "$L.console" ||
		{ E2E_WHY="the booted system has no IPv6 address: $(grep -a E2E-ADDR6 "$L.console")"; return 1; }
	[ "$E2E_KIND" = pxeproxyd ] || return 0
	grep -q "http: \[${CLIENT6%/*}\]:[0-9]* GET /payload.bin 200 " "$L.side" ||
		{ E2E_WHY="pxeproxyd served no GET /payload.bin to [${CLIENT6%/*}]"; return 1; }
	if ! python3 "$SNIFF6" check "$L.dhcp6" --proxy pside --server pcorp \
		--client "$E2E_MAC" >"$L.verdict"; then
		E2E_WHY="DHCPv6 on the wire: $(cat "$L.verdict")"
		return 1
	fi
	return 0
}

e2e6_report_failure() { e2e_report_failure "$L.dhcp6" DHCPv6; }

# e2e6_conf FILE SUFFIX [MODE]: conf/pxeproxyd.conf plus rules that send
# both architectures, PXE and HTTP boot, to the UKI (uki-x64SUFFIX.efi,
# uki-aa64SUFFIX.efi); a bare name becomes tftp:// or http:// on the
# address the request came to.  MODE http: PXE requests are ignored.
e2e6_conf() {
	cat "$TOP_SRCDIR/conf/pxeproxyd.conf" - >"$1" <<EOF

# tests/e2e/lab6.sh: the clients load a Unified Kernel Image.
EOF
	[ "${3:-}" = http ] && cat >>"$1" <<EOF
[rule e2e6-http-only]
vendor-class = PXEClient
ignore = yes

EOF
	cat >>"$1" <<EOF
[rule e2e6-x64]
arch = x64-efi x64-efi-http
boot = uki-x64$2.efi

[rule e2e6-aa64]
arch = arm64-efi arm64-efi-http
boot = uki-aa64$2.efi
EOF
	# E.g. "[dhcp6] prefer-after = 0", to measure without the copy.
	[ -n "${E2E6_CONF_EXTRA:-}" ] && printf '%s\n' "$E2E6_CONF_EXTRA" >>"$1"
	"$PXEPROXYD" --check -c "$1" >"$1.check" 2>&1 ||
		e2e_fail "the lab's config is refused: $(cat "$1.check")"
}

# e2e6_test CLIENT MODE: the IPv6 boot through pxeproxyd and its checks,
# and beside it (unless E2E6_REFERENCE=0) the same UKI with the IPv4 lab's
# init booted the same way (PXE or HTTP boot) through pxeproxyd in lab.sh's
# IPv4 lab (e2e6_pair), and the ratio of the two.  For HTTP boot the IPv6 time leaves
# out the ignored PXE over IPv6 attempt that comes first (e2e6_vars),
# measured on the console from "Start PXE over IPv6" to "Start HTTP Boot
# over IPv6"; the IPv4 HTTP boot has PXE switched off and starts at once.
e2e6_test() {
	_client=$1 _mode=$2
	e2e6_need "$_client"
	[ -x "$PXEPROXYD" ] || e2e_fail "$PXEPROXYD not built"
	e2e6_mkuki
	case $_client in uefi-x64) _tag=x64 ;; *) _tag=aa64 ;; esac
	[ -f "$E2E_ROOT/uki-$_tag.efi" ] || e2e_fail "$E2E_ROOT/uki-$_tag.efi missing"
	E2E6_FILE=uki-$_tag.efi
	[ "$_mode" = http ] && e2e6_vars "$_client"
	E2E_CONF=$E2E_WORK/pxeproxyd6.conf
	e2e6_conf "$E2E_CONF" "" "$_mode"
	e2e_say "$_client, $_mode over IPv6 through pxeproxyd ($E2E_CONF), beside the same UKI (IPv4 init) over IPv4"
	e2e6_pair "$_client" "$_mode" || {
		echo "FAIL: $_client $_mode over IPv6 through pxeproxyd: $E2E_WHY"
		e2e6_report_failure
		exit 1
	}
	_mine=$E2E6_NET_SECS
	e2e_say "$_client booted over IPv6 in ${E2E_SECS}s (${_mine}s without the firmware's earlier attempts; console marks: $(tr '\n' ' ' <"$L.marks")): payload sha256 intact"
	e2e_say "$(cat "$L.verdict")"
	E2E6_LOG=$L
	[ "$E2E6_REFERENCE" = 0 ] && { e2e_say "IPv4 boot for the ratio skipped (E2E6_REFERENCE=0)"; return 0; }
	_ref=$E2E6_REF _scaled=$(e2e6_scaled "$_mine")
	e2e6_judge "" || return 0
	# As lab.sh: one slow boot on a shared machine proves little; both
	# once more, the best time of each judged.
	e2e_say "$E2E6_WHY_SLOW: both once more"
	E2E_CONF=$E2E_WORK/pxeproxyd6.conf
	e2e6_pair "$_client" "$_mode" || {
		echo "FAIL: $_client $_mode over IPv6 through pxeproxyd (second boot): $E2E_WHY"
		e2e6_report_failure
		exit 1
	}
	_scaled=$(e2e_min "$_scaled" "$(e2e6_scaled "$E2E6_NET_SECS")")
	_mine=$(e2e_min "$_mine" "$E2E6_NET_SECS")
	_ref=$(e2e_min "$_ref" "$E2E6_REF")
	e2e6_judge " (best of two)" || return 0
	e2e_fail "$_client $_mode: $E2E6_WHY_SLOW"
}

# e2e6_judge WORDS: prints the ratios of _mine and _scaled to _ref; false
# when both are within their limits, E2E6_MAX_RATIO for the whole boot
# and E2E6_MAX_SCALED (default 1.2) for the boot at IPv4's block count
# (e2e6_scaled), else true with E2E6_WHY_SLOW set.
e2e6_judge() {
	_ratio=$(e2e_ratio "$_mine" "$_ref")
	echo "ratio $_client $_mode$1: IPv6 ${_mine}s / IPv4 ${_ref}s = $_ratio"
	E2E6_WHY_SLOW="the IPv6 boot took $_ratio times as long as the IPv4 one (limit $E2E6_MAX_RATIO)"
	e2e6_over "$_ratio" && return 0
	[ "$_scaled" = "$_mine" ] && return 1
	_sratio=$(e2e_ratio "$_scaled" "$_ref")
	echo "ratio $_client $_mode$1 at IPv4's TFTP block count: IPv6 ${_scaled}s / IPv4 ${_ref}s = $_sratio"
	E2E6_WHY_SLOW="the IPv6 boot at IPv4's TFTP block count took $_sratio times as long as the IPv4 one (limit $E2E6_MAX_SCALED)"
	e2e6_over "$_sratio" "$E2E6_MAX_SCALED"
}

# e2e6_pair CLIENT MODE: CLIENT's IPv6 boot through pxeproxyd (e2e6_boot)
# and, unless E2E6_REFERENCE=0, its IPv4 boot (e2e6_boot4) at the same
# time, each in a lab of its own, so that both run under the same load
# (as lab.sh's e2e_pair): on a shared machine two boots a minute apart
# differ by up to 1.8x.  Returns e2e6_boot's status; sets E2E6_REF, the
# IPv4 boot's seconds.  That boot is pxeproxyd's too (unlike lab.sh's
# dnsmasq reference): when the IPv6 one passed and it failed, the test
# fails.
e2e6_pair() {
	[ "$E2E6_REFERENCE" = 0 ] || e2e6_bg ref4 e2e6_boot4 "$1" "$2"
	e2e6_boot "$1" pxeproxyd "$2"
	_rc6=$?
	E2E6_REF=
	[ "$E2E6_REFERENCE" = 0 ] && return $_rc6
	e2e6_bg_wait ref4
	E2E6_REF=$E2E6_BG_SECS
	[ $_rc6 -ne 0 ] || [ -n "$E2E6_REF" ] ||
		e2e_fail "$1 $2: the IPv4 boot of the same UKI through pxeproxyd failed: $E2E6_BG_WHY"
	return $_rc6
}

# e2e6_bg NAME COMMAND...: COMMAND (an e2e boot) in the background, in a
# lab of its own (number E2E_RUN + 1); e2e6_bg_wait NAME waits for it and
# sets E2E6_BG_SECS (its E2E_SECS) or E2E6_BG_WHY.
e2e6_bg() {
	_name=$1
	shift
	E2E_RUN=$((E2E_RUN + 1))
	rm -f "$E2E_WORK/$_name.result"
	(
		E2E_RUN=$((E2E_RUN - 1))
		if "$@"; then
			echo "$E2E_SECS" >"$E2E_WORK/$_name.result"
		else
			echo "- $E2E_WHY" >"$E2E_WORK/$_name.result"
		fi
	) &
	eval "E2E6_BG_$_name=\$!"
}
e2e6_bg_wait() {
	# The IPv6 boot's e2e_lab_down waits for every child, so the job may
	# be gone already ("not a child"): its result file is what counts.
	eval "wait \$E2E6_BG_$1" 2>/dev/null
	E2E6_BG_SECS= E2E6_BG_WHY= _secs= _rest=
	read -r _secs _rest <"$E2E_WORK/$1.result" 2>/dev/null
	case ${_secs:--} in
	-) E2E6_BG_WHY=${_rest:-the boot did not finish (see above)} ;;
	*) E2E6_BG_SECS=$_secs ;;
	esac
}

e2e6_over() { awk -v r="$1" -v m="${2:-$E2E6_MAX_RATIO}" 'BEGIN { exit !(r > m) }'; }

# e2e6_tftp LOG FILE: "BYTES SECONDS BLKSIZE" of pxeproxyd's last transfer
# of FILE in its LOG, nothing when there was none.
e2e6_tftp() {
	sed -n "s/.* tftp: .* $2: \([0-9]*\) bytes in \([0-9.]*\) s .*blksize \([0-9]*\),.*/\1 \2 \3/p" \
		"$1" 2>/dev/null | tail -n 1
}

# e2e6_scaled SECS: the IPv6 boot's SECS with its TFTP transfer's time
# scaled to as many blocks as the IPv4 boot's transfer took; SECS itself
# when either boot moved nothing by TFTP.  EDK2 asks 1228-byte blocks over
# IPv6 (Ip6Dxe ignores a router advertisement's MTU and keeps the 1280
# minimum; UefiPxeBcDxe's block size follows) and 1468 over IPv4, and a
# server may only lower blksize (RFC 2348): the firmware, not the server,
# makes IPv6 move 1.2 times as many blocks.  What is left, the time per
# block, the DHCPv6 exchange, the 4011 Reply, is what IPv6 and pxeproxyd
# cost.
e2e6_scaled() {
	set -- "$1" $(e2e6_tftp "$L.side" "$E2E6_FILE") \
		$(e2e6_tftp "$E2E_WORK/pxeproxyd-$_client.side" "${E2E6_FILE%.efi}-v4.efi")
	[ $# -eq 7 ] || { echo "$1"; return 0; }
	awk -v s="$1" -v n6="$2" -v t6="$3" -v b6="$4" -v n4="$5" -v b4="$7" 'BEGIN {
		k6 = int((n6 + b6) / b6); k4 = int((n4 + b4) / b4)
		printf "%.1f", s - t6 + t6 * k4 / k6 }'
}

# e2e6_boot4 CLIENT MODE: the IPv4 boot of the same UKI (lab.sh's lab),
# PXE first for MODE pxe, HTTP boot first (both PXE off) for http.
e2e6_boot4() {
	E2E_CONF=$E2E_WORK/pxeproxyd4.conf
	[ -f "$E2E_CONF" ] || e2e6_conf "$E2E_CONF" -v4
	_qa=$E2E_QEMU_ARGS
	[ "$2" = http ] && E2E_QEMU_ARGS="$_qa -fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n -fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n"
	e2e_boot "$1" pxeproxyd
	_rc=$?
	E2E_QEMU_ARGS=$_qa
	return $_rc
}

# e2e6_dnsmasq CLIENT MODE: the comparison, not a test: CLIENT's IPv6
# boot (MODE pxe or http) with dnsmasq as the sidecar (e2e6_side_start);
# prints what dnsmasq answered on the wire and what the firmware said.
#   TOP_SRCDIR=$PWD E2E_TIMEOUT=240 sh -c '. tests/e2e/lab.sh;
#       . tests/e2e/lab6.sh; e2e6_dnsmasq uefi-x64 pxe'
e2e6_dnsmasq() {
	e2e6_need "$1"
	e2e6_mkuki
	case $1 in uefi-x64) E2E6_FILE=uki-x64.efi ;; *) E2E6_FILE=uki-aa64.efi ;; esac
	[ "$2" = http ] && e2e6_vars "$1"
	if e2e6_boot "$1" dnsmasq "$2"; then
		e2e_say "$1 booted through dnsmasq in ${E2E_SECS}s"
	else
		e2e_say "$1 did not boot through dnsmasq: $E2E_WHY"
	fi
	e2e_say "dnsmasq's answers on the wire:"
	grep ' pside ' "$L.dhcp6" | cut -d' ' -f2- | sed 's/^/  /'
	e2e_say "the firmware's console:"
	grep -a -E 'Start |PXE-E|Error' "$L.console" | sed 's/^ */  /'
}
