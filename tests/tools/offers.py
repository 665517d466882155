#!/usr/bin/env python3
"""Broadcasts one PXE DISCOVER and prints every OFFER that answers it, one
line each: "<src ip>:<src port> yiaddr=<a.b.c.d> file=<boot file>".

  offers.py [--iface eth0] [--wait 8] [--until N]

Independent of pxeproxyd's code; used to show that a PXE client sees the
real DHCP server's offer (an address) beside pxeproxyd's (boot data only).
"""
import argparse, random, socket, struct, sys, time

p = argparse.ArgumentParser()
p.add_argument("--iface", default="eth0")
p.add_argument("--wait", type=float, default=8.0,
               help="seconds (dnsmasq pings an address before offering it)")
p.add_argument("--until", type=int, default=2, help="stop after N offers")
a = p.parse_args()

xid = random.randrange(1 << 32)
mac = bytes([0x52, 0x54, 0, random.randrange(256), 0x88, 0x77])
pkt = struct.pack("!BBBBIHH16s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000, b"",
                  mac + bytes(10), b"", b"")
pkt += b"\x63\x82\x53\x63\x35\x01\x01\x3c\x20PXEClient:Arch:00000:UNDI:002001"
pkt += b"\x5d\x02\x00\x00\xff"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.iface.encode())
s.bind(("0.0.0.0", 68))
s.sendto(pkt, ("255.255.255.255", 67))
n = 0
end = time.time() + a.wait
while time.time() < end and n < a.until:
    s.settimeout(end - time.time())
    try:
        data, src = s.recvfrom(2048)
    except socket.timeout:
        break
    if len(data) < 240 or struct.unpack("!I", data[4:8])[0] != xid:
        continue
    n += 1
    print("%s:%d yiaddr=%s file=%s" % (src[0], src[1], socket.inet_ntoa(data[16:20]),
          data[108:236].split(b"\0")[0].decode("latin1")))
sys.exit(0 if n else 1)
