#!/usr/bin/env python3
"""A DHCPv6 boot client for tests: sends one message and checks the answer.

Written independently of pxeproxyd's C code (struct.pack, RFC 8415,
RFC 5970, and what EDK2's PxeBcDhcp6.c / HttpBootDhcp6.c send), so that a
bug in the daemon's codec cannot hide in the test.

  dhcp6client.py --iface eth0 --arch 7 --expect-url 'tftp://\\[2001:db8::10\\]/grubx64.efi'
  dhcp6client.py --iface eth0 --class MSFT --expect-none
  dhcp6client.py --type request --to '[2001:db8::10]:4011' --server-id HEX --arch 7 ...
  dhcp6client.py --relay --to '[2001:db8::10]:547' --link-address 2001:db8:1::1 ...

Checks on an answer: the right type (Advertise to a Solicit, Reply on
4011, Relay-Repl to a Relay-Forw with the Interface-ID echoed), the
transaction id, our Client Identifier echoed, a Server Identifier, no
IA_NA/IA_TA/IA_PD and no Status Code (EDK2 drops such a proxy offer),
option 16 echoed, option 59 present.  It prints "server-id HEX" and
"url URL" for the next step.  Exit 0 when the expectations hold, 1
otherwise (with the reason).
"""
import argparse, random, re, socket, struct, sys, time

TYPES = {"solicit": 1, "advertise": 2, "request": 3, "confirm": 4,
         "renew": 5, "rebind": 6, "reply": 7, "release": 8, "decline": 9,
         "reconfigure": 10, "inforeq": 11, "relay-forw": 12,
         "relay-repl": 13}
NAMES = {v: k for k, v in TYPES.items()}
CLIENTID, SERVERID, IA_NA, IA_TA, ORO, ELAPSED, RELAY_MSG = 1, 2, 3, 4, 6, 8, 9
PREFERENCE = 7
STATUS, USER_CLASS, VENDOR_CLASS, INTERFACE_ID, IA_PD = 13, 15, 16, 18, 25
BOOTFILE_URL, BOOTFILE_PARAM, CLIENT_ARCH, NII = 59, 60, 61, 62
ALL_SERVERS = "ff02::1:2"


def opt(code, data):
    return struct.pack("!HH", code, len(data)) + data


def parse_opts(b):
    """[(code, data)] in order; ValueError on a truncated option."""
    out, i = [], 0
    while i < len(b):
        if i + 4 > len(b):
            raise ValueError("option header cut at %d" % i)
        code, ln = struct.unpack("!HH", b[i:i + 4])
        if i + 4 + ln > len(b):
            raise ValueError("option %d longer than the message" % code)
        out.append((code, b[i + 4:i + 4 + ln]))
        i += 4 + ln
    return out


def build(a, xid, duid):
    o = opt(CLIENTID, duid) + opt(ELAPSED, b"\0\0")
    if a.server_id:
        o += opt(SERVERID, bytes.fromhex(a.server_id))
    if a.ia_na:
        # EDK2: IAID, T1, T2, no address yet.
        o += opt(IA_NA, struct.pack("!III", 1, 0, 0))
    o += opt(ORO, struct.pack("!HHHH", BOOTFILE_URL, BOOTFILE_PARAM, 23, 24))
    if a.user_class:
        uc = a.user_class.encode()
        o += opt(USER_CLASS, struct.pack("!H", len(uc)) + uc)
    if a.cls:
        c = a.cls.encode()
        o += opt(VENDOR_CLASS, struct.pack("!IH", a.enterprise, len(c)) + c)
    if a.arch is not None:
        o += opt(CLIENT_ARCH, struct.pack("!H", a.arch))
    o += opt(NII, b"\x01\x03\x00")
    return bytes([TYPES[a.type]]) + xid.to_bytes(3, "big") + o


def relay_forw(inner, link, peer, ifid):
    return (bytes([TYPES["relay-forw"], 0]) + socket.inet_pton(socket.AF_INET6, link)
            + socket.inet_pton(socket.AF_INET6, peer)
            + opt(INTERFACE_ID, ifid) + opt(RELAY_MSG, inner))


def check(a, pkt, xid, duid, ifid):
    """The client message inside pkt and the errors found."""
    errs = []
    if a.relay:
        if pkt[0] != TYPES["relay-repl"]:
            return None, ["%s, not a Relay-Repl" % NAMES.get(pkt[0], pkt[0])]
        ro = dict(parse_opts(pkt[34:]))
        if ro.get(INTERFACE_ID) != ifid:
            errs.append("Interface-ID %r not echoed" % ro.get(INTERFACE_ID))
        if socket.inet_ntop(socket.AF_INET6, pkt[2:18]) != a.link_address:
            errs.append("link-address not echoed")
        if RELAY_MSG not in ro:
            return None, errs + ["no Relay Message option"]
        pkt = ro[RELAY_MSG]
    want = "reply" if a.type == "request" else "advertise"
    if pkt[0] != TYPES[want]:
        errs.append("%s, want %s" % (NAMES.get(pkt[0], pkt[0]), want))
    if int.from_bytes(pkt[1:4], "big") != xid:
        errs.append("transaction id mismatch")
    opts = parse_opts(pkt[4:])
    o = dict(opts)
    codes = [c for c, _ in opts]
    if o.get(CLIENTID) != duid:
        errs.append("client id not echoed")
    if SERVERID not in o or not 3 <= len(o[SERVERID]) <= 130:
        errs.append("no valid server id")
    elif a.server_id and o[SERVERID] != bytes.fromhex(a.server_id):
        errs.append("server id changed between Advertise and Reply")
    for bad in (IA_NA, IA_TA, IA_PD, STATUS):
        if bad in codes:
            errs.append("option %d present (an address or a status: not a proxy offer)" % bad)
    if BOOTFILE_PARAM in codes:
        errs.append("option 60 sent unasked (EDK2 reads it as a file size)")
    vc = o.get(VENDOR_CLASS, b"")
    if len(vc) < 4 or struct.unpack("!I", vc[:4])[0] != 343:
        errs.append("option 16 with enterprise 343 not echoed: %r" % vc)
    url = o.get(BOOTFILE_URL, b"").decode("latin1")
    if not url:
        errs.append("no Bootfile-URL (59)")
    if a.expect_url and not re.fullmatch(a.expect_url, url):
        errs.append("URL %r does not match %r" % (url, a.expect_url))
    return o, errs


def inner(pkt):
    """The client message of an answer, out of a Relay-Repl if relayed."""
    while pkt and pkt[0] == TYPES["relay-repl"]:
        pkt = dict(parse_opts(pkt[34:])).get(RELAY_MSG, b"")
    return pkt


def ours(pkt, xid):
    """Whether pkt answers our transaction (not a late copy of an answer
    to an earlier client on this port)."""
    try:
        pkt = inner(pkt)
    except ValueError:
        return True     # malformed: check() says so
    return len(pkt) >= 4 and int.from_bytes(pkt[1:4], "big") == xid


def check_copies(a, replies):
    """The same answer, a.expect_copies times, spread out in time; with
    --copy-preference, the copies add only a Preference option."""
    pkt, _, t0 = replies[0]
    errs = []
    if len(replies) != a.expect_copies:
        errs.append("%d answers within %.1f s, want %d" % (
            len(replies), a.timeout, a.expect_copies))
    first = dict(parse_opts(inner(pkt)[4:]))
    for r in replies[1:]:
        if a.copy_preference is None:
            if r[0] != pkt:
                errs.append("a copy differs from the first answer")
            continue
        o = dict(parse_opts(inner(r[0])[4:]))
        pref = o.pop(PREFERENCE, None)
        if PREFERENCE in first:
            errs.append("the first answer has a Preference option")
        if pref != bytes([a.copy_preference]):
            errs.append("copy's Preference %r, want %d" % (pref, a.copy_preference))
        if o != first or inner(r[0])[:4] != inner(pkt)[:4]:
            errs.append("the copy differs from the first answer in more than Preference")
    if len(replies) > 1:
        gap = replies[1][2] - t0
        print("copies %d, gap %.3f s" % (len(replies), gap))
        if gap < a.min_gap:
            errs.append("second copy %.3f s after the first, want >= %.1f"
                        % (gap, a.min_gap))
    return errs


def split_to(to):
    m = re.fullmatch(r"\[(.*)\]:(\d+)", to)
    if not m:
        raise SystemExit("--to wants [ADDR]:PORT")
    return m.group(1), int(m.group(2))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", default="eth0")
    p.add_argument("--type", default="solicit", choices=TYPES)
    p.add_argument("--class", dest="cls", default="PXEClient:Arch:00007:UNDI:003016")
    p.add_argument("--enterprise", type=int, default=343)
    p.add_argument("--arch", type=int, default=7)
    p.add_argument("--no-arch", action="store_true")
    p.add_argument("--user-class")
    p.add_argument("--mac", default="52:54:00:cc:dd:%02x" % random.randrange(256))
    p.add_argument("--duid", help="client DUID in hex (default DUID-LL of --mac)")
    p.add_argument("--no-ia", dest="ia_na", action="store_false",
                   help="leave IA_NA out (EDK2 sends one)")
    p.add_argument("--server-id", help="Server Identifier to send, in hex")
    p.add_argument("--to", default="[%s]:547" % ALL_SERVERS)
    p.add_argument("--listen-port", type=int, default=546)
    p.add_argument("--relay", action="store_true", help="wrap in a Relay-Forw")
    p.add_argument("--link-address", default="2001:db8:1::1")
    p.add_argument("--peer-address", default="fe80::5054:ff:fecc:dd01")
    p.add_argument("--interface-id", default="relay-port-7")
    p.add_argument("--timeout", type=float)
    p.add_argument("--expect-none", action="store_true")
    p.add_argument("--expect-url")
    p.add_argument("--expect-src-port", type=int)
    p.add_argument("--expect-copies", type=int,
                   help="listen until the timeout: exactly this many "
                   "identical answers, the second at least --min-gap "
                   "seconds after the first")
    p.add_argument("--min-gap", type=float, default=0.3)
    p.add_argument("--copy-preference", type=int,
                   help="the copies carry Preference (7) with this value")
    a = p.parse_args()
    if a.no_arch:
        a.arch = None
    if a.timeout is None:
        # The daemon answers in microseconds: a second of silence proves
        # it as well as ten.
        a.timeout = 1.0 if a.expect_none else 3.0
    mac = bytes(int(x, 16) for x in a.mac.split(":"))
    duid = bytes.fromhex(a.duid) if a.duid else b"\x00\x03\x00\x01" + mac
    xid = random.randrange(1 << 24)
    host, port = split_to(a.to)
    ifid = a.interface_id.encode()
    msg = build(a, xid, duid)
    if a.relay:
        msg = relay_forw(msg, a.link_address, a.peer_address, ifid)

    ifindex = socket.if_nametoindex(a.iface)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.iface.encode())
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
    s.bind(("::", a.listen_port))
    scope = ifindex if host.startswith("ff02:") or host.startswith("fe80:") else 0
    s.sendto(msg, (host, port, 0, scope))

    deadline = time.time() + a.timeout
    replies = []
    while time.time() < deadline:
        s.settimeout(max(0.01, deadline - time.time()))
        try:
            pkt, src = s.recvfrom(2048)
        except socket.timeout:
            break
        if len(pkt) < 4 or not ours(pkt, xid):
            continue
        replies.append((pkt, src, time.time()))
        if not a.expect_none and not a.expect_copies:
            break
    if a.expect_none:
        if replies:
            pkt, src, _ = replies[0]
            print("FAIL: expected no answer, got %s from [%s]:%d" % (
                NAMES.get(pkt[0], pkt[0]), src[0], src[1]))
            return 1
        print("ok: no answer")
        return 0
    if not replies:
        print("FAIL: no answer within %.1f s" % a.timeout)
        return 1
    pkt, src, t0 = replies[0]
    try:
        o, errs = check(a, pkt, xid, duid, ifid)
    except ValueError as e:
        o, errs = None, ["malformed: %s" % e]
    if a.expect_src_port and src[1] != a.expect_src_port:
        errs.append("answer from port %d, want %d" % (src[1], a.expect_src_port))
    if a.expect_copies:
        errs += check_copies(a, replies)
    if errs:
        print("FAIL: answer from [%s]:%d: %s" % (src[0], src[1], "; ".join(errs)))
        return 1
    print("ok: answer from [%s]:%d" % (src[0], src[1]))
    print("server-id %s" % o[SERVERID].hex())
    print("url %s" % o[BOOTFILE_URL].decode("latin1"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
