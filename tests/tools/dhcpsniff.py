#!/usr/bin/env python3
"""Records every DHCP/BOOTP packet that enters a switch through given ports,
and checks a recording: the proxy never offered an address, never NAKed,
and the DHCP server gave the client its normal lease.

  dhcpsniff.py capture PORT... > LOG   (in the switch's namespace; stops on
                                        SIGTERM/SIGINT)
  dhcpsniff.py check LOG --proxy IP --server IP --client MAC

capture binds an AF_PACKET socket to each switch port and writes one line
per DHCP packet (UDP 67, 68 or 4011, with the magic cookie) that the host
behind that port sent, stamped with the time since the epoch, e.g.
  1764049000.123 pside 192.0.2.5:67 > 255.255.255.255:68 OFFER xid=1a2b3c4d
      chaddr=52:54:00:e2:e0:01 yiaddr=0.0.0.0 siaddr=192.0.2.5 file=pxelinux.0
After binding it prints "listening" on stderr.

check exits 0 when: every packet from the proxy is a BOOTREPLY with yiaddr
0.0.0.0 and is no NAK, the proxy sent at least one OFFER or ACK to the
client, and the server ACKed the client with an address; otherwise 1, with
a line per broken rule.  Independent of pxeproxyd's code.
"""
import socket, struct, sys

from sniff import mac, main, verdict

DHCP_PORTS = (67, 68, 4011)
MAGIC = b"\x63\x82\x53\x63"
TYPES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK",
         6: "NAK", 7: "RELEASE", 8: "INFORM"}
BOOTP_FIXED = 236  # op .. file, RFC 2131 section 2


def ip(b):
    return socket.inet_ntoa(b)



def options(buf):
    """DHCP options after the cookie, as {code: bytes}; stops at END or at
    an option that does not fit."""
    opts, i = {}, 0
    while i < len(buf):
        code = buf[i]
        if code == 0:
            i += 1
            continue
        if code == 255 or i + 1 >= len(buf):
            break
        n = buf[i + 1]
        if i + 2 + n > len(buf):
            break
        opts[code] = opts.get(code, b"") + buf[i + 2:i + 2 + n]
        i += 2 + n
    return opts


def parse_frame(frame):
    """The DHCP packet in an Ethernet frame as a dict, or None."""
    if len(frame) < 14 + 20 + 8 or frame[12:14] != b"\x08\x00":
        return None
    iph = frame[14:]
    ihl = (iph[0] & 0x0F) * 4
    if iph[0] >> 4 != 4 or ihl < 20 or iph[9] != 17 or len(iph) < ihl + 8:
        return None
    if struct.unpack("!H", iph[6:8])[0] & 0x3FFF:  # a fragment
        return None
    sport, dport, ulen = struct.unpack("!HHH", iph[ihl:ihl + 6])
    if sport not in DHCP_PORTS and dport not in DHCP_PORTS:
        return None
    bootp = iph[ihl + 8:ihl + max(ulen, 8)]
    if len(bootp) < BOOTP_FIXED + 4 or bootp[BOOTP_FIXED:BOOTP_FIXED + 4] != MAGIC:
        return None
    op = bootp[0]
    hlen = min(bootp[2], 16)
    opts = options(bootp[BOOTP_FIXED + 4:])
    t = opts.get(53, b"")
    return {
        "src": ip(iph[12:16]), "sport": sport, "dst": ip(iph[16:20]),
        "dport": dport, "op": op,
        "type": TYPES.get(t[0], "type%d" % t[0]) if len(t) == 1 else
                ("BOOTREQUEST" if op == 1 else "BOOTREPLY"),
        "xid": "%08x" % struct.unpack("!I", bootp[4:8])[0],
        "chaddr": mac(bootp[28:28 + hlen]),
        "yiaddr": ip(bootp[16:20]), "siaddr": ip(bootp[20:24]),
        "file": bootp[108:236].split(b"\0", 1)[0].decode("ascii", "replace"),
        "vendor": opts.get(60, b"").decode("ascii", "replace"),
    }


def line(d):
    return ("%s:%d > %s:%d %s xid=%s chaddr=%s yiaddr=%s siaddr=%s file=%s "
            "vendor=%s" % (d["src"], d["sport"], d["dst"], d["dport"], d["type"],
                           d["xid"], d["chaddr"], d["yiaddr"], d["siaddr"],
                           d["file"] or "-", d["vendor"].split(":", 1)[0] or "-"))


def check(log, proxy, server, client):
    bad, proxy_boot, lease = [], 0, None
    n_proxy = 0
    for line in open(log, errors="replace"):
        f = line.split()
        if len(f) < 6 or ":" not in f[2]:
            continue
        src = f[2].rsplit(":", 1)[0]
        kv = dict(x.split("=", 1) for x in f[6:] if "=" in x)
        kind = f[5]
        if src == proxy:
            n_proxy += 1
            if kv.get("yiaddr") != "0.0.0.0":
                bad.append("proxy offered an address: " + line.strip())
            if kind == "NAK":
                bad.append("proxy sent a NAK: " + line.strip())
            if kind in ("DISCOVER", "REQUEST", "DECLINE", "RELEASE", "INFORM",
                        "BOOTREQUEST"):
                bad.append("proxy sent a client message: " + line.strip())
            if kind in ("OFFER", "ACK") and kv.get("chaddr") == client:
                proxy_boot += 1
        elif src == server and kind == "ACK" and kv.get("chaddr") == client \
                and kv.get("yiaddr") != "0.0.0.0":
            lease = kv["yiaddr"]
    if not proxy_boot:
        bad.append("the proxy (%s) sent the client no boot offer" % proxy)
    if lease is None:
        bad.append("the DHCP server (%s) gave the client no lease" % server)
    return verdict("dhcpsniff", bad,
                   "%d packets from the proxy, all with yiaddr 0.0.0.0, no "
                   "NAK; %d boot offers/acks to %s; lease %s from %s" % (
                       n_proxy, proxy_boot, client, lease, server))


if __name__ == "__main__":
    sys.exit(main(__doc__, parse_frame, line, check,
                  "the proxy's address", "the DHCP server's address"))
