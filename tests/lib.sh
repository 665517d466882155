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
# daemon_log, mkroot; wait_until and the network pieces from
# tests/netlab.sh.  $TMP is a scratch directory; $ROOT the boot root.

set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/netlab.sh"
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
# The daemon's user, named (not the default "pxeproxyd", nobody when that
# does not exist): deb-package.test creates and removes user pxeproxyd,
# and a daemon of a test running beside it must not hold that user.
DAEMON_USER=nobody
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
	netlab_down
	rm -rf "$TMP"
	exit $_rc
}
trap lab_cleanup EXIT

# lab_on_exit 'COMMANDS': COMMANDS too when the test ends (stopping a
# peer it started), then lab_cleanup with the test's own exit status.  A
# trap of 'kill $PID; lab_cleanup' would pass kill's status on: every
# failure after it would have passed.
lab_on_exit() {
	LAB_ON_EXIT=$1
	trap '_st=$?; eval "$LAB_ON_EXIT"; lab_cleanup $_st' EXIT
}
trap 'exit 1' INT TERM

# lab_up [noaddr]: with "noaddr" the server's eth0 gets no address yet.
lab_up() {
	[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
	need ip
	netlab_ns "$NS_SRV" "$NS_CLI" || fail "namespaces"
	ip link add eth0 netns "$NS_SRV" type veth peer name eth0 netns "$NS_CLI" ||
		fail "veth"
	for ns in "$NS_SRV" "$NS_CLI"; do
		ip -n "$ns" link set eth0 up
	done
	[ "${1:-}" = noaddr ] || ip -n "$NS_SRV" addr add $SRV_IP/24 dev eth0
	ip -n "$NS_CLI" addr add $CLI_IP/24 dev eth0
	for ns in "$NS_SRV" "$NS_CLI"; do
		netlab_carrier "$ns" || fail "veth"
	done
}

# lab_up6 [noaddr]: lab_up, plus IPv6: srv $SRV_IP6/64 (not with
# "noaddr"), cli $CLI_IP6/64, and waits until every address (the
# link-local ones too) is out of duplicate address detection, so that
# the first packet a test sends has a source.
SRV_IP6=2001:db8::10
CLI_IP6=2001:db8::20
lab_up6() {
	lab_up "$@"
	[ "${1:-}" = noaddr ] || ip -n "$NS_SRV" addr add $SRV_IP6/64 dev eth0 nodad
	ip -n "$NS_CLI" addr add $CLI_IP6/64 dev eth0 nodad
	for ns in "$NS_SRV" "$NS_CLI"; do
		wait_until 10 lab_no_tentative "$ns" || fail "IPv6 addresses still tentative in $ns"
	done
}
lab_no_tentative() {
	[ -n "$(ip -n "$1" -6 addr show dev "${2:-eth0}" scope link)" ] &&
		[ -z "$(ip -n "$1" -6 addr show dev "${2:-eth0}" tentative)" ]
}

# lab_up_switch: srv, cli and corp (192.0.2.1, for a plain DHCP server)
# on one bridge, like a real segment; cli's eth0 has no address.
lab_up_switch() {
	[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
	need ip
	netlab_ns "$NS_SW" "$NS_SRV" "$NS_CLI" "$NS_CORP" || fail "namespaces"
	netlab_switch "$NS_SW" || fail "switch"
	netlab_plug "$NS_SW" "$NS_SRV" "p$NS_SRV" $SRV_IP || fail "plugging srv"
	netlab_plug "$NS_SW" "$NS_CLI" "p$NS_CLI" || fail "plugging cli"
	netlab_plug "$NS_SW" "$NS_CORP" "p$NS_CORP" $CORP_IP || fail "plugging corp"
	for ns in "$NS_SRV" "$NS_CLI" "$NS_CORP"; do
		netlab_carrier "$ns" || fail "veth"
	done
}

# corp_start: the "corporate" DHCP server, addresses and a router only,
# nothing about booting (dnsmasq).
corp_start() {
	need dnsmasq
	netlab_corp_start "$NS_CORP" $CORP_IP 192.0.2.199 "$TMP/corp.leases" "$TMP/corp.log" ||
		fail "corporate DHCP server"
	CORP_PID=$NETLAB_CORP_PID
}

# daemon_start [ARGS...]: pxeproxyd in srv, foreground, debug, root $ROOT,
# on eth0.  Waits until it logs "ready".
daemon_start() {
	# Not through in_srv: $! must be the daemon itself (ip netns exec execs).
	ip netns exec "$NS_SRV" "$PXEPROXYD" -f -d -r "$ROOT" -i eth0 \
		${DAEMON_USER:+-u "$DAEMON_USER"} "$@" >"$TMP/daemon.log" 2>&1 &
	DAEMON_PID=$!
	wait_until 30 daemon_ready_or_dead
	kill -0 "$DAEMON_PID" 2>/dev/null || fail "daemon exited at start"
	grep -q ' ready: ' "$TMP/daemon.log" || fail "daemon not ready after 30 s"
}
daemon_ready_or_dead() {
	grep -q ' ready: ' "$TMP/daemon.log" 2>/dev/null || ! kill -0 "$DAEMON_PID" 2>/dev/null
}

# daemon_logs PATTERN [SECONDS]: waits (default 5 s) until the daemon's
# log has a line matching PATTERN (grep -E).
daemon_logs() {
	wait_until "${2:-5}" grep -qE "$1" "$TMP/daemon.log"
}

# daemon_stop: SIGTERM; the daemon must exit 0 within 3 s (else
# DAEMON_BAD says why, and the test fails at its end).
daemon_stop() {
	[ -n "$DAEMON_PID" ] || return 0
	netlab_stop "$DAEMON_PID" 3 || [ -n "$DAEMON_BAD" ] ||
		DAEMON_BAD=$NETLAB_STOP_BAD
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
worker_fds_idle() { [ "$(worker_fds)" -le "$1" ]; }
worker_fds_back() { wait_until "$2" worker_fds_idle "$1"; }

# Fails unless the daemon is still running (after hostile input).
daemon_alive() {
	kill -0 "$DAEMON_PID" 2>/dev/null || fail "daemon died${1:+ after $1}"
}

daemon_log() { cat "$TMP/daemon.log"; }

# daemon_reload [PID]: SIGHUP to PID (default the daemon), then waits until
# the daemon logged the outcome (config reloaded, or reload refused).
daemon_reload() {
	_reloads=$(daemon_reloads)
	kill -HUP "${1:-$DAEMON_PID}" || fail "SIGHUP to ${1:-$DAEMON_PID}"
	wait_until 10 daemon_reloaded_since "$_reloads" || fail "no reload logged 10 s after SIGHUP"
}
daemon_reloads() { grep -cE 'config reloaded|reload refused' "$TMP/daemon.log"; }
daemon_reloaded_since() { [ "$(daemon_reloads)" -gt "$1" ]; }

# srv_tcp_clients PORT: how many TCP connections to PORT the server holds
# open (established, or closed by the client but not yet by the server).
srv_tcp_clients() {
	in_srv ss -Htn state established state close-wait "( sport = :$1 )" | wc -l
}

# mkroot NAME SIZE: a file of SIZE bytes of random data in the root.
mkroot() {
	mkdir -p "$(dirname "$ROOT/$1")"
	head -c "$2" /dev/urandom >"$ROOT/$1"
}

# tls_certs DIR: a CA and a server certificate for $SRV_IP in DIR
# (contrib/pxeproxyd-mkcert), the key readable by the daemon user's group;
# HTTPS_CONF: the [https] section that serves them.
tls_certs() {
	need openssl
	sh "$TOP_SRCDIR/contrib/pxeproxyd-mkcert" -d "$1" \
		-g "$(id -gn "${DAEMON_USER:-nobody}")" $SRV_IP >"$TMP/mkcert.log" 2>&1 ||
		fail "pxeproxyd-mkcert: $(cat "$TMP/mkcert.log")"
	HTTPS_CONF=$(printf '[https]\nenable = yes\ncertificate = %s/server.crt\nkey = %s/server.key\n' "$1" "$1")
}

# cert_fp HOST:PORT [OPENSSL ARGS...]: the SHA-256 fingerprint of the
# certificate a new TLS connection from cli is given.
cert_fp() {
	_a=$1; shift
	in_cli openssl s_client -connect "$_a" "$@" </dev/null 2>/dev/null |
		openssl x509 -noout -fingerprint -sha256 2>/dev/null | cut -d= -f2
}
