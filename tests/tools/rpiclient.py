#!/usr/bin/env python3
"""A Raspberry Pi boot loader's network side, replayed for tests.

Written from the Raspberry Pi documentation and published captures, not
from pxeproxyd's code (README, "Raspberry Pi", lists the sources).

  rpiclient.py dhcp --model pi4 --iface eth0 --expect-server 192.0.2.10
      The DISCOVER byte for byte as the Pi 4 EEPROM sends it (options 53,
      55, 60, 93, 94, 97, END: 322 bytes), then the OFFER checked as the
      loader reads it: option 60 "PXEClient", option 43 exactly the
      documented menu, siaddr, option 54 and option 66 our address.
      --model pi5 (the same with "RPi5"), pi3 (the 3B ROM: constant GUID,
      menu text with three trailing spaces), pc (a BIOS PC sending the
      same options: must get --expect-file and no menu, or with --as-pi
      the Pi's answer, as a rule can force).
  rpiclient.py tftp SERVER NAME OUT [--same-port] [--repeat N]
      As the EEPROM loaders read a file: RRQ NAME "tsize 0 blksize 1024",
      the OACK, an ERROR to end that probe, then the real read (same
      options, ACK 0, lock-step, block numbers rolling over to 0), the
      size checked against the OACK's tsize.

Exit 0 when every check holds, 1 otherwise (with the reason).
"""
import argparse, random, socket, struct, sys, time

COOKIE = b"\x63\x82\x53\x63"
PXE_CLASS = b"PXEClient:Arch:00000:UNDI:002001"
# Option 55 of the Pi 4 capture: 1 3 43 60 66 67 128-135.
PRL = bytes([1, 3, 43, 60, 66, 67] + list(range(128, 136)))

MODELS = {
    # MAC, option 97 (17 bytes), menu text the loader matches
    "pi4": ("dc:a6:32:a7:ed:89",
            bytes.fromhex("00" "52506934" "1231c000" "32a7ed89" "9d6eefe5"),
            b"Raspberry Pi Boot"),
    "pi5": ("d8:3a:dd:e8:27:1e",
            bytes.fromhex("00" "52506935" "7041d000" "dde8271e" "4c3d2e1f"),
            b"Raspberry Pi Boot"),
    "pi3": ("b8:27:eb:28:f6:6d", b"\x00" + b"\x44" * 16,
            b"Raspberry Pi Boot   "),
    "pc": ("52:54:00:3c:00:01", b"\x00" + bytes(range(1, 17)), None),
}


def opt(code, data):
    return bytes([code, len(data)]) + data


def discover(mac, guid, xid):
    hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0,
                      bytes(4), bytes(4), bytes(4), bytes(4),
                      mac + bytes(10), b"", b"")
    o = (opt(53, b"\x01") + opt(55, PRL) + opt(60, PXE_CLASS) +
         opt(93, b"\x00\x00") + opt(94, b"\x01\x02\x01") + opt(97, guid))
    return hdr + COOKIE + o + b"\xff"


def parse(pkt):
    if len(pkt) < 240 or pkt[236:240] != COOKIE:
        raise ValueError("not DHCP")
    f = struct.unpack("!BBBBIHH4s4s4s4s16s64s128s", pkt[:236])
    r = {"op": f[0], "xid": f[4], "yiaddr": socket.inet_ntoa(f[8]),
         "siaddr": socket.inet_ntoa(f[9]), "chaddr": f[11][:6],
         "file": f[13].split(b"\0")[0], "opts": {}, "order": []}
    i = 240
    while i < len(pkt) and pkt[i] != 255:
        if pkt[i] == 0:
            i += 1
            continue
        c, ln = pkt[i], pkt[i + 1]
        r["opts"][c] = r["opts"].get(c, b"") + pkt[i + 2:i + 2 + ln]
        r["order"].append(c)
        i += 2 + ln
    return r


def pxe_subopts(v):
    """Option 43 as a PXE loader walks it: code, len, value ... END."""
    subs, i = [], 0
    while i < len(v):
        if v[i] == 255:
            return subs, v[i + 1:] == b""
        if i + 2 > len(v) or i + 2 + v[i + 1] > len(v):
            return subs, False
        subs.append((v[i], v[i + 2:i + 2 + v[i + 1]]))
        i += 2 + v[i + 1]
    return subs, False


def check_pi(r, guid, text, server):
    o, errs = r["opts"], []
    if r["siaddr"] != server: errs.append("siaddr %s" % r["siaddr"])
    if o.get(54) != socket.inet_aton(server): errs.append("option 54 %r" % o.get(54))
    # No resolver in the loader: option 66 must be a dotted quad.
    if o.get(66) != server.encode(): errs.append("option 66 %r" % o.get(66))
    if o.get(60) != b"PXEClient": errs.append("option 60 %r" % o.get(60))
    if o.get(97) != guid: errs.append("option 97 not echoed: %r" % o.get(97))
    # The documented reply's option 43, byte for byte.
    want = (b"\x06\x01\x03" + b"\x0a\x04\x00PXE" +
            bytes([9, 3 + len(text), 0, 0, len(text)]) + text + b"\xff")
    if o.get(43) != want: errs.append("option 43 %s, want %s" % (o.get(43, b"").hex(), want.hex()))
    subs, ended = pxe_subopts(o.get(43, b""))
    menu = [v for c, v in subs if c == 9]
    if not ended: errs.append("option 43 does not end with END")
    if not menu or menu[0][3:3 + menu[0][2]] != text:
        errs.append("no menu item %r" % text)
    if 67 in o or r["file"]: errs.append("a boot file %r %r" % (o.get(67), r["file"]))
    if r["order"][:3] != [53, 54, 60]: errs.append("options in order %r" % r["order"])
    return errs


def check_pc(r, want_file):
    o, errs = r["opts"], []
    raw = b"".join(o.values())
    if b"Raspberry" in raw: errs.append("a Raspberry Pi menu for a PC")
    if 66 in o: errs.append("option 66 for a PC")
    if o.get(67) != want_file.encode(): errs.append("option 67 %r" % o.get(67))
    if b"\x06\x01\x08" not in o.get(43, b""): errs.append("option 43 %r" % o.get(43))
    return errs


def dhcp(a):
    mac_s, guid, text = MODELS[a.model]
    mac = bytes(int(x, 16) for x in mac_s.split(":"))
    xid = random.randrange(1 << 32)
    pkt = discover(mac, guid, xid)
    if len(pkt) != 322:
        print("FAIL: the DISCOVER is %d bytes, the capture's 322" % len(pkt))
        return 1
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.iface.encode())
    s.bind(("0.0.0.0", 68))
    t0 = time.monotonic()
    s.sendto(pkt, ("255.255.255.255", 67))
    deadline = t0 + a.timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            print("FAIL: no OFFER within %.1f s" % a.timeout)
            return 1
        s.settimeout(left)
        try:
            data, src = s.recvfrom(2048)
        except socket.timeout:
            continue
        try:
            r = parse(data)
        except ValueError:
            continue
        if r["xid"] == xid and r["op"] == 2:
            break
    took = time.monotonic() - t0
    errs = []
    if r["chaddr"] != mac: errs.append("chaddr")
    if r["yiaddr"] != "0.0.0.0": errs.append("yiaddr %s" % r["yiaddr"])
    if r["opts"].get(53) != b"\x02": errs.append("not an OFFER")
    if a.min_delay and took < a.min_delay:
        errs.append("answered after %.3f s, before the reply delay %.3f s" % (took, a.min_delay))
    if a.as_pi:
        text = b"Raspberry Pi Boot"
    if text is None:
        errs += check_pc(r, a.expect_file)
    else:
        errs += check_pi(r, guid, text, a.expect_server)
    if errs:
        print("FAIL: %s: %s" % (a.model, "; ".join(errs)))
        return 1
    print("ok: %s OFFER from %s after %.3f s, options %r" % (a.model, src[0], took, r["order"]))
    return 0


def rrq(name):
    return (b"\0\x01" + name.encode() + b"\0octet\0tsize\x000\0blksize\x001024\0")


def oack_of(pkt):
    parts = pkt[2:].split(b"\0")[:-1]
    return {parts[i].decode().lower(): parts[i + 1].decode() for i in range(0, len(parts) - 1, 2)}


def recv_from(s, want_peer, timeout):
    s.settimeout(timeout)
    while True:
        pkt, src = s.recvfrom(70000)
        if want_peer is None or src == want_peer:
            return pkt, src


def first_answer(s, timeout):
    """The answer to an RRQ with options: an OACK or an ERROR.  A DATA
    block still queued from the previous read on this port is stale."""
    while True:
        pkt, src = recv_from(s, None, timeout)
        if pkt[:2] != b"\0\x03":
            return pkt, src


def probe(s, server, name):
    """The size probe: RRQ, OACK, then ERROR from us."""
    s.sendto(rrq(name), (server, 69))
    pkt, peer = first_answer(s, 3)
    op = struct.unpack("!H", pkt[:2])[0]
    if op == 5:
        raise RuntimeError("ERROR %d %r" % (struct.unpack("!H", pkt[2:4])[0], pkt[4:-1]))
    if op != 6:
        raise RuntimeError("probe answered with opcode %d, not OACK" % op)
    o = oack_of(pkt)
    if o.get("blksize") != "1024" or "tsize" not in o:
        raise RuntimeError("OACK %r" % o)
    s.sendto(struct.pack("!HH", 5, 0) + b"probe done\0", peer)
    return int(o["tsize"])


def read(s, server, name):
    s.sendto(rrq(name), (server, 69))
    pkt, peer = first_answer(s, 3)
    if struct.unpack("!H", pkt[:2])[0] != 6:
        raise RuntimeError("read answered with %r" % pkt[:20])
    size = int(oack_of(pkt)["tsize"])
    s.sendto(b"\0\x04\0\0", peer)
    data, expect, last, misses, wraps = bytearray(), 1, b"\0\x04\0\0", 0, 0
    while True:
        try:
            pkt, _ = recv_from(s, peer, 1)
        except socket.timeout:
            misses += 1
            if misses > 10:
                raise RuntimeError("timed out at block %d" % expect)
            s.sendto(last, peer)
            continue
        misses = 0
        op, blk = struct.unpack("!HH", pkt[:4])
        if op == 5:
            raise RuntimeError("ERROR %d at block %d" % (blk, expect))
        if op != 3 or blk != expect & 0xffff:
            continue            # a duplicate: the ACK already went
        if blk == 0:
            wraps += 1          # rolled over to 0, as the EEPROM expects
        data += pkt[4:]
        last = b"\0\x04" + pkt[2:4]
        s.sendto(last, peer)
        expect += 1
        if len(pkt) - 4 < 1024:
            break
    # The server's port closes; our ACK of the last block may see ICMP.
    return size, bytes(data), wraps


def tftp_once(a, s):
    size = probe(s, a.server, a.name)
    if not a.same_port:
        s.close()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    size2, data, wraps = read(s, a.server, a.name)
    if size != size2 or len(data) != size:
        raise RuntimeError("tsize %d/%d, read %d bytes" % (size, size2, len(data)))
    return s, data, wraps


def tftp(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    t0 = time.monotonic()
    try:
        # --repeat with --same-port: the ERROR and the next RRQ arrive
        # together, as from a loader that keeps its port.
        for _ in range(a.repeat):
            s, data, wraps = tftp_once(a, s)
    except (RuntimeError, socket.timeout, OSError) as e:
        print("FAIL: %s: %s" % (a.name, e))
        return 1
    open(a.out, "wb").write(data)
    print("ok: %s: %d bytes in %.2f s, block number wrapped %d times" %
          (a.name, len(data), time.monotonic() - t0, wraps))
    return 0


p = argparse.ArgumentParser()
sub = p.add_subparsers(dest="cmd", required=True)
d = sub.add_parser("dhcp")
d.add_argument("--model", choices=sorted(MODELS), required=True)
d.add_argument("--iface", default="eth0")
d.add_argument("--expect-server")
d.add_argument("--expect-file", default="pxelinux.0")
d.add_argument("--min-delay", type=float, default=0)
d.add_argument("--as-pi", action="store_true", help="expect the Pi answer (a rule forces it)")
d.add_argument("--timeout", type=float, default=3)
t = sub.add_parser("tftp")
t.add_argument("server"); t.add_argument("name"); t.add_argument("out")
t.add_argument("--same-port", action="store_true")
t.add_argument("--repeat", type=int, default=1)

if __name__ == "__main__":
    a = p.parse_args()
    sys.exit(dhcp(a) if a.cmd == "dhcp" else tftp(a))
