# tests/lib.sh: sourced by every integration test (sh).
#
# Builds a two-host network in namespaces that the test owns: "srv"
# (192.0.2.10/24, runs pxeproxyd) and "cli" (192.0.2.20/24, runs the real
# client), joined by a veth pair.  Everything is removed on exit.  Traffic
# never leaves these namespaces.
#
#   . "$TOP_SRCDIR/tests/lib.sh"
#   need curl; lab_up; daemon_start [ARGS...]; in_cli curl ...
#
# Helpers: skip, fail, need, in_srv, in_cli, daemon_start, daemon_stop,
# daemon_log, mkroot.  $TMP is a scratch directory; $ROOT the boot root.

set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR}"
: "${PXEPROXYD:=$TOP_BUILDDIR/src/pxeproxyd}"
SRV_IP=192.0.2.10
CLI_IP=192.0.2.20
NS_SRV=pxsrv$$
NS_CLI=pxcli$$
NS_SW=pxsw$$
NS_CORP=pxcorp$$
CORP_IP=192.0.2.1
CORP_PID=
DAEMON_PID=
DAEMON_BAD=
WORKER=
# What a sanitizer build (./configure --enable-sanitizers) writes when it
# catches something.
SAN_REPORT='runtime error:|ERROR: [A-Za-z]+Sanitizer'
TMP=$(mktemp -d /tmp/pxetest.XXXXXX)
# The daemon drops to an unprivileged user: let it read its root.
chmod 755 "$TMP"
ROOT=$TMP/root
mkdir -p "$ROOT"

skip() { echo "skipped: $*"; exit 77; }
# fail WHY: the daemon's last lines, then WHY again (the runner shows a
# failed test's last lines).
fail() {
	echo "FAIL: $*"
	if [ -f "$TMP/daemon.log" ]; then
		echo "--- daemon log (tail):"
		tail -n 30 "$TMP/daemon.log"
		echo "FAIL: $*"
	fi
	exit 1
}
ok() { echo "ok: $*"; }
need() { for c in "$@"; do command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"; done; }

in_srv() { ip netns exec "$NS_SRV" "$@"; }
in_cli() { ip netns exec "$NS_CLI" "$@"; }

# lab_cleanup [STATUS]: the trap on exit; STATUS (default $?) is the
# test's exit status, unless the daemon misbehaved.
lab_cleanup() {
	_rc=${1:-$?}
	daemon_stop
	# A daemon that crashed or that a sanitizer (./configure
	# --enable-sanitizers) caught fails the test, even when every check
	# before it passed.
	if [ -n "$DAEMON_BAD" ] || grep -qE "$SAN_REPORT" "$TMP/daemon.log" 2>/dev/null; then
		echo "FAIL: the daemon ${DAEMON_BAD:-reported a sanitizer error}"
		grep -E -A 12 "$SAN_REPORT" "$TMP/daemon.log" 2>/dev/null | head -n 40
		_rc=1
	fi
	[ -n "$CORP_PID" ] && kill "$CORP_PID" 2>/dev/null
	# Whatever a test started in a namespace ends with it.
	for ns in "$NS_SRV" "$NS_CLI" "$NS_SW" "$NS_CORP"; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill $pids 2>/dev/null
	done
	sleep 0.1
	for ns in "$NS_SRV" "$NS_CLI" "$NS_SW" "$NS_CORP"; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill -9 $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
	exit $_rc
}
trap lab_cleanup EXIT
trap 'exit 1' INT TERM

# lab_up [noaddr]: with "noaddr" the server's eth0 gets no address yet.
lab_up() {
	[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
	need ip
	ip netns add "$NS_SRV" || fail "ip netns add"
	ip netns add "$NS_CLI" || fail "ip netns add"
	ip link add eth0 netns "$NS_SRV" type veth peer name eth0 netns "$NS_CLI" ||
		fail "veth"
	for ns in "$NS_SRV" "$NS_CLI"; do
		ip -n "$ns" link set lo up
		ip -n "$ns" link set eth0 up
	done
	[ "${1:-}" = noaddr ] || ip -n "$NS_SRV" addr add $SRV_IP/24 dev eth0
	ip -n "$NS_CLI" addr add $CLI_IP/24 dev eth0
	# veth carrier takes a moment; DAD does not apply to IPv4.
	sleep 0.2
}

# lab_up_switch: srv, cli and corp (192.0.2.1, for a plain DHCP server)
# on one bridge, like a real segment; cli's eth0 has no address.
lab_up_switch() {
	[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
	need ip
	for ns in "$NS_SW" "$NS_SRV" "$NS_CLI" "$NS_CORP"; do
		ip netns add "$ns" || fail "ip netns add $ns"
		ip -n "$ns" link set lo up
	done
	ip -n "$NS_SW" link add br0 type bridge
	ip -n "$NS_SW" link set br0 up
	for ns in "$NS_SRV" "$NS_CLI" "$NS_CORP"; do
		ip link add "p$ns" netns "$NS_SW" type veth peer name eth0 netns "$ns" ||
			fail veth
		ip -n "$NS_SW" link set "p$ns" master br0 up
		ip -n "$ns" link set eth0 up
	done
	ip -n "$NS_SRV" addr add $SRV_IP/24 dev eth0
	ip -n "$NS_CORP" addr add $CORP_IP/24 dev eth0
	sleep 0.2
}

# corp_start: the "corporate" DHCP server, addresses and a router only,
# nothing about booting (dnsmasq).
corp_start() {
	need dnsmasq
	ip netns exec "$NS_CORP" dnsmasq -k --port=0 --conf-file=/dev/null \
		--dhcp-range=192.0.2.100,192.0.2.199,255.255.255.0,10m \
		--dhcp-option=3,$CORP_IP --dhcp-leasefile="$TMP/corp.leases" \
		--pid-file= --interface=eth0 --bind-interfaces --log-dhcp \
		--log-facility="$TMP/corp.log" &
	CORP_PID=$!
	sleep 0.3
}

# daemon_start [ARGS...]: pxeproxyd in srv, foreground, debug, root $ROOT,
# on eth0.  Waits until it logs "ready".
daemon_start() {
	# Not through in_srv: $! must be the daemon itself (ip netns exec execs).
	ip netns exec "$NS_SRV" "$PXEPROXYD" -f -d -r "$ROOT" -i eth0 "$@" >"$TMP/daemon.log" 2>&1 &
	DAEMON_PID=$!
	for _ in $(seq 50); do
		grep -q ' ready: ' "$TMP/daemon.log" 2>/dev/null && return 0
		kill -0 "$DAEMON_PID" 2>/dev/null || fail "daemon exited at start"
		sleep 0.1
	done
	fail "daemon not ready after 5 s"
}

# daemon_stop: SIGTERM; the daemon must exit 0 within 3 s (else
# DAEMON_BAD says why, and the test fails at its end).
daemon_stop() {
	[ -n "$DAEMON_PID" ] || return 0
	if kill "$DAEMON_PID" 2>/dev/null; then
		for _ in $(seq 30); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$DAEMON_PID" 2>/dev/null && DAEMON_BAD="did not exit on SIGTERM"
	fi
	wait "$DAEMON_PID" 2>/dev/null
	_st=$?
	[ -z "$DAEMON_BAD" ] && [ $_st != 0 ] && DAEMON_BAD="exited with status $_st"
	DAEMON_PID=
}

# worker_find: sets WORKER, the serving process (the monitor's child).
worker_find() {
	WORKER=$(pgrep -P "$DAEMON_PID")
	[ -n "$WORKER" ] || fail "no worker process under the daemon"
}

# worker_fds: how many file descriptors the worker holds.
worker_fds() { ls "/proc/$WORKER/fd" | wc -l; }

# worker_fds_back IDLE SECONDS: true once the worker holds no more than
# IDLE descriptors, false if that takes longer than SECONDS.
worker_fds_back() {
	for _ in $(seq $(($2 * 5))); do
		[ "$(worker_fds)" -le "$1" ] && return 0
		sleep 0.2
	done
	return 1
}

# Fails unless the daemon is still running (after hostile input).
daemon_alive() {
	kill -0 "$DAEMON_PID" 2>/dev/null || fail "daemon died${1:+ after $1}"
}

daemon_log() { cat "$TMP/daemon.log"; }

# mkroot NAME SIZE: a file of SIZE bytes of random data in the root.
mkroot() {
	mkdir -p "$(dirname "$ROOT/$1")"
	head -c "$2" /dev/urandom >"$ROOT/$1"
}
