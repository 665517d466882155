#!/usr/bin/env python3
"""proxyDHCP load: PXE DISCOVERs from many MACs, as fast as the server
answers, keeping a window of requests in flight.  Prints answers/s and
latency percentiles as one JSON line.

  dhcpflood.py --count 20000 --window 64 [--iface eth0] [--timeout 1]
"""
import argparse, json, random, socket, struct, sys, time

p = argparse.ArgumentParser()
p.add_argument("--iface", default="eth0")
p.add_argument("--count", type=int, default=20000)
p.add_argument("--window", type=int, default=64)
p.add_argument("--timeout", type=float, default=1.0)
a = p.parse_args()

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.iface.encode())
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind(("0.0.0.0", 68))
s.setblocking(False)

tail = (b"\x63\x82\x53\x63\x35\x01\x01\x3c\x20PXEClient:Arch:00000:UNDI:002001"
        b"\x5d\x02\x00\x00\x5e\x03\x01\x02\x01\x61\x11\x00" + bytes(16) + b"\xff")


def discover(i):
    xid = random.randrange(1 << 32)
    mac = struct.pack("!HI", 0x5254, i)
    return xid, struct.pack("!BBBBIHH16s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000,
                            b"", mac + bytes(10), b"", b"") + tail


pending, lat, sent, lost = {}, [], 0, 0
start = time.monotonic()
while sent < a.count or pending:
    now = time.monotonic()
    while sent < a.count and len(pending) < a.window:
        xid, pkt = discover(sent)
        s.sendto(pkt, ("255.255.255.255", 67))
        pending[xid] = time.monotonic()
        sent += 1
    try:
        while True:
            data = s.recv(2048)
            xid = struct.unpack("!I", data[4:8])[0]
            t = pending.pop(xid, None)
            if t is not None:
                lat.append(time.monotonic() - t)
    except BlockingIOError:
        pass
    for xid, t in list(pending.items()):
        if now - t > a.timeout:
            del pending[xid]
            lost += 1
    time.sleep(0)
elapsed = time.monotonic() - start
lat.sort()
q = lambda f: round(lat[min(len(lat) - 1, int(f * len(lat)))] * 1e6) if lat else None
print(json.dumps({"sent": sent, "answered": len(lat), "lost": lost,
                  "answers_per_s": round(len(lat) / elapsed), "p50_us": q(0.5),
                  "p99_us": q(0.99)}))
