#!/usr/bin/env python3
"""A PXE client for tests: sends one DHCP message and checks the reply.

Written independently of pxeproxyd's C code (struct.pack, RFC 2131/2132,
PXE spec), so that a bug in the daemon's codec cannot hide in the test.

  pxeclient.py --iface eth0 --arch 0 --expect-file pxelinux.0 --expect-server 192.0.2.10
  pxeclient.py --iface eth0 --class MSFT --expect-none
  pxeclient.py --type request --to 192.0.2.10:4011 --arch 7 --expect-file grubx64.efi

Exit 0 when the expectations hold, 1 otherwise (with the reason).
"""
import argparse, os, random, socket, struct, sys, time

IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)  # Linux value; older Pythons lack it
COOKIE = b"\x63\x82\x53\x63"
TYPES = {"discover": 1, "offer": 2, "request": 3, "decline": 4, "ack": 5,
         "nak": 6, "release": 7, "inform": 8}


def opt(code, data):
    return bytes([code, len(data)]) + data


def build(a, xid, mac):
    hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 2 if a.bootreply else 1,
                      1, 6, 0, xid, 0, 0x8000 if a.broadcast_flag else 0,
                      socket.inet_aton(a.ciaddr), b"\0" * 4, b"\0" * 4,
                      socket.inet_aton(a.giaddr), mac + b"\0" * 10, b"", b"")
    o = opt(53, bytes([TYPES[a.type]]))
    if a.server_id:
        o += opt(54, socket.inet_aton(a.server_id))
    if a.cls:
        o += opt(60, a.cls.encode())
    if a.arch is not None:
        o += opt(93, struct.pack("!H", a.arch))
    o += opt(94, b"\x01\x02\x01")
    o += opt(97, b"\x00" + bytes(range(16)))
    if a.user_class:
        o += opt(77, a.user_class.encode())
    if a.boot_item:
        o += opt(43, b"\x47\x04" + struct.pack("!HH", a.boot_item, 0) + b"\xff")
    o += opt(55, bytes([1, 3, 43, 60, 66, 67]))
    if a.relay_info:
        # RFC 3046: the relay appends it last; RFC 3396 splits a long one.
        ri = bytes.fromhex(a.relay_info)
        for i in range(0, max(len(ri), 1), 255):
            o += opt(82, ri[i:i + 255])
    return hdr + COOKIE + o + b"\xff"


def parse(pkt):
    if len(pkt) < 240 or pkt[236:240] != COOKIE:
        raise ValueError("not a DHCP packet (%d bytes)" % len(pkt))
    f = struct.unpack("!BBBBIHH4s4s4s4s16s64s128s", pkt[:236])
    r = {"op": f[0], "xid": f[4], "flags": f[6],
         "ciaddr": socket.inet_ntoa(f[7]), "yiaddr": socket.inet_ntoa(f[8]),
         "siaddr": socket.inet_ntoa(f[9]), "giaddr": socket.inet_ntoa(f[10]),
         "chaddr": f[11][:6], "file": f[13].split(b"\0")[0].decode("latin1"),
         "opts": {}, "order": []}
    i = 240
    while i < len(pkt):
        c = pkt[i]
        if c == 0:
            i += 1
            continue
        if c == 255:
            break
        ln = pkt[i + 1]
        r["opts"][c] = r["opts"].get(c, b"") + pkt[i + 2:i + 2 + ln]
        if not r["order"] or r["order"][-1] != c:
            r["order"].append(c)
        i += 2 + ln
    return r


def check(a, r, xid, mac):
    errs = []
    o = r["opts"]
    want_type = 5 if a.type == "request" else 2
    if r["op"] != 2: errs.append("op %d, not BOOTREPLY" % r["op"])
    if r["xid"] != xid: errs.append("xid mismatch")
    if r["chaddr"] != mac: errs.append("chaddr mismatch")
    if r["yiaddr"] != "0.0.0.0": errs.append("yiaddr set to " + r["yiaddr"])
    if o.get(53) != bytes([want_type]): errs.append("message type %r" % o.get(53))
    if a.expect_server:
        if r["siaddr"] != a.expect_server: errs.append("siaddr " + r["siaddr"])
        if o.get(54) != socket.inet_aton(a.expect_server): errs.append("option 54 %r" % o.get(54))
    cls = (a.cls or "").split(":")[0]
    if o.get(60) != cls.encode(): errs.append("option 60 %r, want %r" % (o.get(60), cls))
    if o.get(97) != b"\x00" + bytes(range(16)): errs.append("option 97 not echoed")
    if a.expect_file is not None:
        if o.get(67) != a.expect_file.encode(): errs.append("option 67 %r" % o.get(67))
        if len(a.expect_file) < 128 and r["file"] != a.expect_file: errs.append("file field %r" % r["file"])
    if cls == "PXEClient":
        v = o.get(43, b"")
        if b"\x06\x01\x08" not in v or not v.endswith(b"\xff"):
            errs.append("option 43 %r lacks discovery control 8 / END" % v)
        if a.boot_item and b"\x47\x04" + struct.pack("!HH", a.boot_item, 0) not in v:
            errs.append("boot item 71 not echoed in ACK")
    if a.relay_info is not None:
        # RFC 3046 2.2: echoed whole, as the last option.
        if o.get(82) != bytes.fromhex(a.relay_info): errs.append("option 82 %r not echoed" % o.get(82))
        elif r["order"][-1] != 82: errs.append("option 82 not last: %r" % r["order"])
    elif 82 in o:
        errs.append("option 82 in a reply to a request without it")
    if a.expect_dst and r.get("dst") and r["dst"] != a.expect_dst:
        errs.append("sent to %s, want %s" % (r["dst"], a.expect_dst))
    return errs


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", default="eth0")
    p.add_argument("--type", default="discover", choices=TYPES)
    p.add_argument("--class", dest="cls", default="PXEClient:Arch:00000:UNDI:002001")
    p.add_argument("--arch", type=int, default=0)
    p.add_argument("--no-arch", action="store_true")
    p.add_argument("--user-class")
    p.add_argument("--boot-item", type=int)
    p.add_argument("--mac", default="52:54:00:aa:bb:%02x" % random.randrange(256))
    p.add_argument("--ciaddr", default="0.0.0.0")
    p.add_argument("--giaddr", default="0.0.0.0")
    p.add_argument("--relay-info", help="option 82 to send, in hex")
    p.add_argument("--server-id")
    p.add_argument("--bootreply", action="store_true")
    p.add_argument("--broadcast-flag", action="store_true")
    p.add_argument("--to", default="255.255.255.255:67")
    p.add_argument("--listen-port", type=int, default=68)
    p.add_argument("--timeout", type=float)
    p.add_argument("--expect-none", action="store_true")
    p.add_argument("--expect-file")
    p.add_argument("--expect-server")
    p.add_argument("--expect-dst")
    p.add_argument("--count", type=int, default=1, help="replies to wait for")
    a = p.parse_args()
    if a.no_arch:
        a.arch = None
    if a.timeout is None:
        # Silence is the expected answer: the daemon answers in
        # microseconds, so a second proves it as well as ten.
        a.timeout = 1.0 if a.expect_none else 3.0
    mac = bytes(int(x, 16) for x in a.mac.split(":"))
    xid = random.randrange(1 << 32)
    host, port = a.to.rsplit(":", 1)

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.iface.encode())
    s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    s.bind(("0.0.0.0", a.listen_port))
    s.sendto(build(a, xid, mac), (host, int(port)))

    deadline = time.time() + a.timeout
    replies = []
    while time.time() < deadline:
        s.settimeout(max(0.01, deadline - time.time()))
        try:
            pkt, anc, _, src = s.recvmsg(2048, 256)
        except socket.timeout:
            break
        try:
            r = parse(pkt)
        except ValueError:
            continue
        if r["xid"] != xid:
            continue
        for lvl, typ, data in anc:
            if lvl == socket.IPPROTO_IP and typ == IP_PKTINFO:
                r["dst"] = socket.inet_ntoa(data[8:12])
        r["src"] = "%s:%d" % src
        replies.append(r)
        if len(replies) >= a.count and not a.expect_none:
            break
    if a.expect_none:
        if replies:
            print("FAIL: expected no reply, got one from %s: %r" % (replies[0]["src"], replies[0]))
            return 1
        print("ok: no reply")
        return 0
    if len(replies) < a.count:
        print("FAIL: %d of %d replies within %.1f s" % (len(replies), a.count, a.timeout))
        return 1
    for r in replies:
        errs = check(a, r, xid, mac)
        if errs:
            print("FAIL: reply from %s: %s" % (r["src"], "; ".join(errs)))
            return 1
        print("ok: %s from %s to %s: file %r siaddr %s" % (
            {2: "OFFER", 5: "ACK"}.get(r["opts"][53][0]), r["src"], r.get("dst"),
            r["opts"].get(67, b"").decode(), r["siaddr"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
