#!/usr/bin/env python3
"""A TFTP client for tests, independent of pxeproxyd's code: RRQ with any
options (blksize, tsize, windowsize, timeout), RFC 7440 windows, retries
on timeouts, and a raw mode that sends any bytes and prints the answer.

  tftpc.py get SERVER FILE OUT [--blksize N] [--windowsize N] [--tsize]
  tftpc.py raw SERVER HEX      (prints the first answer: OACK/ERROR/DATA)
"""
import argparse, socket, struct, sys, time


def rrq(name, mode="octet", opts=()):
    b = b"\0\x01" + name + b"\0" + mode.encode() + b"\0"
    for k, v in opts:
        b += k.encode() + b"\0" + str(v).encode() + b"\0"
    return b


def parse_oack(pkt):
    parts = pkt[2:].split(b"\0")[:-1]
    return {parts[i].decode().lower(): parts[i + 1].decode() for i in range(0, len(parts) - 1, 2)}


def get(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(a.timeout)
    opts = []
    if a.blksize:
        opts.append(("blksize", a.blksize))
    if a.windowsize:
        opts.append(("windowsize", a.windowsize))
    if a.tsize:
        opts.append(("tsize", 0))
    req = rrq(a.file.encode(), opts=opts)
    server = (a.server, 69)
    s.sendto(req, server)
    blksize, window, expect, data, peer, last = 512, 1, 1, bytearray(), None, req
    in_window, misses, oack = 0, 0, {}
    t0 = time.monotonic()
    while True:
        try:
            pkt, src = s.recvfrom(70000)
        except socket.timeout:
            misses += 1
            if misses > a.retries:
                print("FAIL: timed out at block %d" % expect)
                return 1
            s.sendto(last, peer or server)
            continue
        if peer is None:
            peer = src
        if src != peer:
            continue
        misses = 0
        op = struct.unpack("!H", pkt[:2])[0]
        if op == 5:
            print("ERROR %d %s" % (struct.unpack("!H", pkt[2:4])[0], pkt[4:-1].decode(errors="replace")))
            return 2
        if op == 6:
            oack = parse_oack(pkt)
            blksize = int(oack.get("blksize", 512))
            window = int(oack.get("windowsize", 1))
            last = b"\0\x04\0\0"
            s.sendto(last, peer)
            continue
        if op != 3:
            continue
        blk = struct.unpack("!H", pkt[2:4])[0]
        if blk == expect & 0xffff:
            data += pkt[4:]
            expect += 1
            in_window += 1
            done = len(pkt) - 4 < blksize
            if done or in_window >= window:
                last = b"\0\x04" + pkt[2:4]
                s.sendto(last, peer)
                in_window = 0
            if done:
                break
        else:
            # Out of order: RFC 7440 says ack the last good block.
            last = struct.pack("!HH", 4, (expect - 1) & 0xffff)
            s.sendto(last, peer)
            in_window = 0
    el = time.monotonic() - t0
    open(a.out, "wb").write(data)
    if a.tsize and int(oack.get("tsize", -1)) != len(data):
        print("FAIL: tsize %s but %d bytes" % (oack.get("tsize"), len(data)))
        return 1
    print("ok: %d bytes in %.3f s (%.1f MB/s), blksize %d windowsize %d"
          % (len(data), el, len(data) / 1e6 / max(el, 1e-9), blksize, window))
    return 0


def raw(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(a.timeout)
    s.sendto(bytes.fromhex(a.hex), (a.server, 69))
    try:
        pkt, src = s.recvfrom(70000)
    except socket.timeout:
        print("NONE")
        return 0
    op = struct.unpack("!H", pkt[:2])[0]
    if op == 5:
        print("ERROR %d %s" % (struct.unpack("!H", pkt[2:4])[0], pkt[4:-1].decode(errors="replace")))
    elif op == 6:
        print("OACK " + " ".join("%s=%s" % kv for kv in sorted(parse_oack(pkt).items())))
        s.sendto(b"\0\x05\0\x08\0", src)        # abort, as EDK2 does
    elif op == 3:
        print("DATA %d %d" % (struct.unpack("!H", pkt[2:4])[0], len(pkt) - 4))
        s.sendto(b"\0\x05\0\x00\0", src)
    else:
        print("OP %d" % op)
    return 0


p = argparse.ArgumentParser()
sub = p.add_subparsers(dest="cmd", required=True)
g = sub.add_parser("get")
g.add_argument("server"); g.add_argument("file"); g.add_argument("out")
g.add_argument("--blksize", type=int); g.add_argument("--windowsize", type=int)
g.add_argument("--tsize", action="store_true")
g.add_argument("--timeout", type=float, default=0.5)
g.add_argument("--retries", type=int, default=20)
r = sub.add_parser("raw")
r.add_argument("server"); r.add_argument("hex")
r.add_argument("--timeout", type=float, default=2.0)
a = p.parse_args()
sys.exit(get(a) if a.cmd == "get" else raw(a))
