# tests/netlab.sh: the network pieces every test lab is built from,
# sourced by tests/lib.sh (integration tests) and tests/e2e/lab.sh (the
# end-to-end lab) (POSIX sh).
#
# Namespaces the caller names and owns (their names carry its PID, so
# tests running side by side never meet), a switch (a bridge in its own
# namespace), hosts plugged into it by veth pairs, and the "corporate"
# DHCP server: dnsmasq handing out addresses and a router, nothing about
# booting.  Every function waits for what it set up to be really there
# (a carrier, a bound socket), never for a fixed time.  On failure a
# function says why on stdout and returns 1; the caller fails the test.
#
#   netlab_ns NS...                     namespaces, lo up
#   netlab_switch SW                    bridge br0 in SW
#   netlab_plug SW NS PORT [ADDR]       NS's eth0 (ADDR/24) on port PORT
#   netlab_carrier NS [IFACE]           waits until IFACE (eth0) has a carrier
#   netlab_corp_start NS IP LAST LEASES LOG
#                                       dnsmasq in NS at IP, leasing
#                                       192.0.2.100..LAST; NETLAB_CORP_PID
#   netlab_listening NS udp|tcp PORT    true once a socket in NS is bound to PORT
#   netlab_down                         every process in the namespaces
#                                       made, then the namespaces
#   wait_until SECONDS COMMAND...       polls COMMAND until true or SECONDS

NETLAB_NS=
NETLAB_CORP_PID=

# Debian's python3 for the test tools, not a version manager's shim that
# may come first in PATH (pyenv's takes seconds per start on a busy
# machine, and every tool here starts one).
case $(command -v python3) in
/usr/bin/python3) ;;
*) [ -x /usr/bin/python3 ] && PATH=/usr/bin:$PATH && export PATH ;;
esac

# tests_lock shared|exclusive: firmware boots (tests/e2e) hold the lock
# shared, the load tests exclusive, so that under make check -j2 a room
# of 500 simulated machines never competes with QEMU for two cores (it
# would measure the machine, not the daemon).  Held on fd 8 until the
# test exits.
: "${TESTS_LOCK:=/tmp/pxeproxyd-tests.lock}"
tests_lock() {
	exec 8>>"$TESTS_LOCK"
	case $1 in
	shared) flock -s 8 ;;
	exclusive) flock -x 8 ;;
	esac
}

# wait_until SECONDS COMMAND...: 0 as soon as COMMAND succeeds, 1 once
# SECONDS (wall clock) have passed without.
wait_until() {
	_wu_end=$(($(date +%s) + $1 + 1))
	shift
	while ! "$@"; do
		[ "$(date +%s)" -lt "$_wu_end" ] || return 1
		sleep 0.05
	done
	return 0
}

# netlab_stop PID SECONDS: SIGTERM to our child PID, SIGKILL after
# SECONDS; true when it exited with status 0, else false with
# NETLAB_STOP_BAD saying how.
netlab_stop() {
	NETLAB_STOP_BAD=
	if kill "$1" 2>/dev/null && ! wait_until "$2" netlab_gone "$1"; then
		kill -9 "$1" 2>/dev/null
		NETLAB_STOP_BAD="did not exit on SIGTERM"
	fi
	wait "$1" 2>/dev/null
	_ns_st=$?
	[ -z "$NETLAB_STOP_BAD" ] && [ $_ns_st -ne 0 ] &&
		NETLAB_STOP_BAD="exited with status $_ns_st"
	[ -z "$NETLAB_STOP_BAD" ]
}
netlab_gone() { ! kill -0 "$1" 2>/dev/null; }

netlab_ns() {
	for _ns in "$@"; do
		ip netns add "$_ns" || { echo "netlab: ip netns add $_ns failed"; return 1; }
		NETLAB_NS="$NETLAB_NS $_ns"
		ip -n "$_ns" link set lo up
	done
}

netlab_switch() {
	ip -n "$1" link add br0 type bridge || { echo "netlab: no bridge in $1"; return 1; }
	# No STP: a port forwards as soon as its link is up.
	ip -n "$1" link set br0 type bridge forward_delay 0 stp_state 0
	ip -n "$1" link set br0 up
}

netlab_plug() {
	ip link add "$3" netns "$1" type veth peer name eth0 netns "$2" ||
		{ echo "netlab: no veth pair for $2"; return 1; }
	ip -n "$1" link set "$3" master br0 up
	[ -z "${4:-}" ] || ip -n "$2" addr add "$4/24" dev eth0
	ip -n "$2" link set eth0 up
}

# A veth's carrier comes up once both ends are up; packets sent before
# are lost.  (DAD does not apply to IPv4.)
netlab_has_carrier() {
	ip -n "$1" link show dev "${2:-eth0}" 2>/dev/null | grep -q 'LOWER_UP'
}
netlab_carrier() {
	wait_until 5 netlab_has_carrier "$1" "${2:-eth0}" ||
		{ echo "netlab: no carrier on ${2:-eth0} in $1 after 5 s"; return 1; }
}

netlab_listening() {
	case $2 in udp) _f=-Hlun ;; *) _f=-Hltn ;; esac
	[ -n "$(ip netns exec "$1" ss $_f "sport = :$3" 2>/dev/null)" ]
}

netlab_corp_start() {
	ip netns exec "$1" dnsmasq --keep-in-foreground --port=0 \
		--conf-file=/dev/null --pid-file= --interface=eth0 --bind-interfaces \
		--dhcp-range=192.0.2.100,"$3",255.255.255.0,10m \
		--dhcp-option=option:router,"$2" \
		--dhcp-leasefile="$4" --log-dhcp --log-facility="$5" 2>>"$5" &
	NETLAB_CORP_PID=$!
	wait_until 30 netlab_listening "$1" udp 67 && return 0
	echo "netlab: the corporate DHCP server did not bind port 67: $(tail -n 3 "$5")"
	return 1
}

netlab_no_pids() {
	for _ns in $NETLAB_NS; do
		[ -z "$(ip netns pids "$_ns" 2>/dev/null)" ] || return 1
	done
}

# Whatever a test started in its namespaces ends with them: SIGTERM, up
# to 3 s to exit, then SIGKILL.
netlab_down() {
	[ -n "$NETLAB_NS" ] || return 0
	for _sig in TERM KILL; do
		for _ns in $NETLAB_NS; do
			_pids=$(ip netns pids "$_ns" 2>/dev/null)
			# shellcheck disable=SC2086
			[ -n "$_pids" ] && kill -s $_sig $_pids 2>/dev/null
		done
		[ $_sig = TERM ] && wait_until 3 netlab_no_pids && break
	done
	for _ns in $NETLAB_NS; do ip netns del "$_ns" 2>/dev/null; done
	NETLAB_NS=''
	NETLAB_CORP_PID=''
}
