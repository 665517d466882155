#!/usr/bin/env python3
"""Simulates a room of machines booting at once against pxeproxyd.

Each simulated client does what firmware does: DISCOVER (broadcast, 67) ->
OFFER, REQUEST (unicast, 4011) -> ACK, a TFTP download of the offered
file (blksize 1468, as EDK2 asks), then an HTTP GET of a larger payload.
Digests are checked against the files given.  Retries on timeouts, so it
survives packet loss.  Prints one summary line and exits 0 only when every
client completed intact.

  loadclient.py --server 192.0.2.10 --clients 500 --tftp-file f1 \
      --tftp-sha SHA --http-path /f10 --http-sha SHA [--iface eth0]
"""
import argparse, asyncio, hashlib, os, random, socket, struct, sys, time

COOKIE = b"\x63\x82\x53\x63"


def dhcp_packet(xid, mac, mtype, extra=b""):
    hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000,
                      bytes(4), bytes(4), bytes(4), bytes(4), mac + bytes(10), b"", b"")
    opts = bytes([53, 1, mtype]) + b"\x3c\x20PXEClient:Arch:00007:UNDI:003016"
    opts += b"\x5d\x02\x00\x07" + extra + b"\xff"
    return hdr + COOKIE + opts


def bootfile_of(pkt):
    i, f = 240, pkt[108:236].split(b"\0")[0]
    while i + 1 < len(pkt) and pkt[i] != 255:
        if pkt[i] == 0:
            i += 1
            continue
        if pkt[i] == 67:
            f = pkt[i + 2:i + 2 + pkt[i + 1]]
        i += 2 + pkt[i + 1]
    return f.decode()


class Dhcp67(asyncio.DatagramProtocol):
    """One socket on port 68 for every client, replies routed by xid."""
    def __init__(self):
        self.waiters = {}

    def datagram_received(self, data, addr):
        if len(data) >= 240:
            fut = self.waiters.pop(struct.unpack("!I", data[4:8])[0], None)
            if fut and not fut.done():
                fut.set_result(data)


class Udp(asyncio.DatagramProtocol):
    def __init__(self):
        self.q = asyncio.Queue()

    def datagram_received(self, data, addr):
        self.q.put_nowait((data, addr))


async def exchange(send, q_get, timeout, tries):
    for _ in range(tries):
        send()
        try:
            return await asyncio.wait_for(q_get(), timeout)
        except asyncio.TimeoutError:
            continue
    raise TimeoutError("no answer after %d tries" % tries)


async def dhcp(a, loop, d67, i):
    mac = bytes([0x52, 0x54, 0x01, i >> 8 & 255, i & 255, random.randrange(256)])
    xid = random.randrange(1 << 32)

    def wait():
        fut = loop.create_future()
        d67.waiters[xid] = fut
        return fut
    pkt = dhcp_packet(xid, mac, 1)
    offer = await exchange(lambda: d67.transport.sendto(pkt, ("255.255.255.255", 67)),
                           wait, 2.0, 8)
    tr, pr = await loop.create_datagram_endpoint(Udp, local_addr=("0.0.0.0", 0))
    try:
        req = dhcp_packet(xid, mac, 3, b"\x2b\x07\x47\x04\x00\x00\x00\x00\xff")
        ack = await exchange(lambda: tr.sendto(req, (a.server, 4011)),
                             lambda: pr.q.get(), 2.0, 8)
    finally:
        tr.close()
    if ack[0][16:20] != bytes(4) or offer[16:20] != bytes(4):
        raise ValueError("an address was offered")
    return bootfile_of(offer)


async def tftp(a, loop, name):
    tr, pr = await loop.create_datagram_endpoint(Udp, local_addr=("0.0.0.0", 0))
    h, blk, expect, data = hashlib.sha256(), 1468, 1, bytearray()
    try:
        rrq = b"\0\x01" + name.encode() + b"\0octet\0blksize\0" + str(blk).encode() + b"\0tsize\x000\0"
        peer = (a.server, 69)
        last = lambda: tr.sendto(rrq, peer)
        last()
        misses, tid = 0, None
        while True:
            try:
                pkt, src = await asyncio.wait_for(pr.q.get(), 1.0)
            except asyncio.TimeoutError:
                misses += 1
                if misses > 10:
                    raise TimeoutError("tftp stalled at block %d" % expect)
                last()
                continue
            if tid is None:
                tid = peer = src                    # RFC 1350: the server's TID
            elif src != tid:
                tr.sendto(b"\0\x05\0\x05unknown transfer ID\0", src)
                continue
            misses = 0
            op = struct.unpack("!H", pkt[:2])[0]
            if op == 5:
                raise IOError("tftp error %r" % pkt[4:-1])
            if op == 6:                             # OACK
                ack = b"\0\x04\0\0"
                last = lambda ack=ack: tr.sendto(ack, peer)
                last()
                continue
            blkno = struct.unpack("!H", pkt[2:4])[0]
            if op == 3 and blkno == expect & 0xffff:
                h.update(pkt[4:])
                ack = b"\0\x04" + pkt[2:4]
                last = lambda ack=ack: tr.sendto(ack, peer)
                last()
                expect += 1
                if len(pkt) - 4 < blk:
                    return h.hexdigest()
            elif op == 3:
                last()                              # lost one: ack again
    finally:
        tr.close()


async def http(a, path):
    r, w = await asyncio.open_connection(a.server, 80)
    try:
        w.write(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (path, a.server)).encode())
        head = await r.readuntil(b"\r\n\r\n")
        if b" 200 " not in head.split(b"\r\n")[0]:
            raise IOError(head.split(b"\r\n")[0].decode())
        h = hashlib.sha256()
        while True:
            chunk = await r.read(1 << 16)
            if not chunk:
                return h.hexdigest()
            h.update(chunk)
    finally:
        w.close()


async def client(a, loop, d67, i, stats, sem):
    async with sem:
        t0 = time.monotonic()
        try:
            f = await dhcp(a, loop, d67, i)
            if f != a.tftp_file:
                raise ValueError("offered %r" % f)
            if await tftp(a, loop, f) != a.tftp_sha:
                raise ValueError("tftp digest mismatch")
            if a.http_path and await http(a, a.http_path) != a.http_sha:
                raise ValueError("http digest mismatch")
            stats["ok"] += 1
            stats["times"].append(time.monotonic() - t0)
        except Exception as e:                      # counted, reported
            stats["failed"] += 1
            stats["errors"].setdefault(str(e)[:80], 0)
            stats["errors"][str(e)[:80]] += 1


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--iface", default="eth0")
    p.add_argument("--clients", type=int, default=500)
    p.add_argument("--parallel", type=int, default=500)
    p.add_argument("--tftp-file", required=True)
    p.add_argument("--tftp-sha", required=True)
    p.add_argument("--http-path")
    p.add_argument("--http-sha")
    a = p.parse_args()
    loop = asyncio.get_running_loop()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.iface.encode())
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("0.0.0.0", 68))
    d67 = Dhcp67()
    tr, _ = await loop.create_datagram_endpoint(lambda: d67, sock=s)
    d67.transport = tr
    stats = {"ok": 0, "failed": 0, "errors": {}, "times": []}
    sem = asyncio.Semaphore(a.parallel)
    t0 = time.monotonic()
    await asyncio.gather(*(client(a, loop, d67, i, stats, sem) for i in range(a.clients)))
    total = time.monotonic() - t0
    t = sorted(stats["times"]) or [0]
    print("clients %d: %d complete, %d failed in %.1f s (per client p50 %.1f s, max %.1f s)"
          % (a.clients, stats["ok"], stats["failed"], total, t[len(t) // 2], t[-1]))
    for e, n in stats["errors"].items():
        print("  %d x %s" % (n, e))
    return 0 if stats["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
