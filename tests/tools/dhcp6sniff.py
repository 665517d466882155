#!/usr/bin/env python3
"""Records every DHCPv6 packet that enters a switch through given ports, and
checks a recording: the proxy offered boot URLs and never an address or a
status, and the real DHCPv6 server gave the client its address.

  dhcp6sniff.py capture PORT... > LOG   (in the switch's namespace; stops on
                                         SIGTERM/SIGINT)
  dhcp6sniff.py check LOG --proxy PORT --server PORT --client MAC

capture binds an AF_PACKET socket to each switch port and writes one line
per DHCPv6 packet (UDP 546, 547 or 4011 over IPv6, not relayed) that the
host behind that port sent, stamped with the time since the epoch, e.g.
  1764049000.123 pside [fe80::1]:547 > [fe80::2]:546 ADVERTISE xid=1a2b3c
      to=52:54:00:e2:e0:02 opts=1,2,16,59 ia=- status=-
      url=tftp://[2001:db8::5]/uki-x64.efi vendor=PXEClient
(ia= the addresses in IA_NA/IA_TA options, status= the top-level Status
Code; to= the Ethernet destination).  After binding it prints "listening"
on stderr.

check exits 0 when: every packet from the proxy's port is an ADVERTISE or
a REPLY with no IA_NA, IA_TA or IA_PD and no Status Code, the proxy sent
the client at least one with a boot URL (option 59), and the server's port
sent the client a REPLY with an address in an IA_NA; otherwise 1, with a
line per broken rule.  Independent of pxeproxyd's code.
"""
import socket, struct, sys

from sniff import mac, main, verdict

PORTS = (546, 547, 4011)
TYPES = {1: "SOLICIT", 2: "ADVERTISE", 3: "REQUEST", 4: "CONFIRM",
         5: "RENEW", 6: "REBIND", 7: "REPLY", 8: "RELEASE", 9: "DECLINE",
         10: "RECONFIGURE", 11: "INFORMATION-REQUEST", 12: "RELAY-FORW",
         13: "RELAY-REPL"}
OPT_IA_NA, OPT_IA_TA, OPT_IAADDR, OPT_STATUS = 3, 4, 5, 13
OPT_VENDOR_CLASS, OPT_IA_PD, OPT_URL = 16, 25, 59



def options(buf):
    """DHCPv6 options as a list of (code, bytes); stops at one that does
    not fit (RFC 8415 section 21.1)."""
    out, i = [], 0
    while i + 4 <= len(buf):
        code, n = struct.unpack("!HH", buf[i:i + 4])
        if i + 4 + n > len(buf):
            break
        out.append((code, buf[i + 4:i + 4 + n]))
        i += 4 + n
    return out


def ia_addresses(code, data):
    """The addresses in an IA_NA (12 bytes of IAID, T1, T2) or IA_TA (4
    bytes of IAID) option."""
    skip = 12 if code == OPT_IA_NA else 4
    return [socket.inet_ntop(socket.AF_INET6, v[:16])
            for c, v in options(data[skip:]) if c == OPT_IAADDR and len(v) >= 24]


def vendor_class(data):
    """The first item of a Vendor Class option: enterprise number, then
    2-byte length and data items (RFC 8415 section 21.16)."""
    if len(data) < 6:
        return "-"
    n = struct.unpack("!H", data[4:6])[0]
    return data[6:6 + n].split(b":", 1)[0].decode("ascii", "replace") or "-"


def parse_frame(frame):
    """The DHCPv6 message in an Ethernet frame as a dict, or None."""
    if len(frame) < 14 + 40 + 8 or frame[12:14] != b"\x86\xdd":
        return None
    ip6 = frame[14:]
    if ip6[6] != 17:  # UDP right after the fixed header; no extension headers
        return None
    sport, dport, ulen = struct.unpack("!HHH", ip6[40:46])
    if sport not in PORTS and dport not in PORTS:
        return None
    msg = ip6[48:40 + max(ulen, 8)]
    if len(msg) < 4 or msg[0] in (12, 13):
        return None
    opts = options(msg[4:])
    d = {
        "src": socket.inet_ntop(socket.AF_INET6, ip6[8:24]), "sport": sport,
        "dst": socket.inet_ntop(socket.AF_INET6, ip6[24:40]), "dport": dport,
        "to": mac(frame[0:6]), "type": TYPES.get(msg[0], "type%d" % msg[0]),
        "xid": msg[1:4].hex(), "opts": ",".join(str(c) for c, _ in opts) or "-",
        "ia": [], "status": "-", "url": "-", "vendor": "-",
    }
    for code, v in opts:
        if code in (OPT_IA_NA, OPT_IA_TA):
            d["ia"] += ia_addresses(code, v) or ["(empty)"]
        elif code == OPT_IA_PD:
            d["ia"].append("(prefix delegation)")
        elif code == OPT_STATUS and len(v) >= 2:
            d["status"] = str(struct.unpack("!H", v[:2])[0])
        elif code == OPT_URL:
            d["url"] = v.decode("ascii", "replace")
        elif code == OPT_VENDOR_CLASS:
            d["vendor"] = vendor_class(v)
    return d


def line(d):
    return ("[%s]:%d > [%s]:%d %s xid=%s to=%s opts=%s ia=%s status=%s url=%s "
            "vendor=%s" % (d["src"], d["sport"], d["dst"], d["dport"], d["type"],
                           d["xid"], d["to"], d["opts"], ",".join(d["ia"]) or "-",
                           d["status"], d["url"].replace(" ", "%20"), d["vendor"]))


def check(log, proxy, server, client):
    bad, proxy_boot, lease, n_proxy = [], 0, None, 0
    for line in open(log, errors="replace"):
        f = line.split()
        if len(f) < 6:
            continue
        kv = dict(x.split("=", 1) for x in f[6:] if "=" in x)
        kind = f[5]
        if f[1] == proxy:
            n_proxy += 1
            if kind not in ("ADVERTISE", "REPLY"):
                bad.append("proxy sent a %s: %s" % (kind, line.strip()))
            if kv.get("ia", "-") != "-":
                bad.append("proxy offered an address: " + line.strip())
            if kv.get("status", "-") != "-":
                bad.append("proxy sent a Status Code: " + line.strip())
            if kv.get("to") == client and kv.get("url", "-") != "-":
                proxy_boot += 1
        elif f[1] == server and kind == "REPLY" and kv.get("to") == client \
                and kv.get("ia", "-") not in ("-", "(empty)"):
            lease = kv["ia"]
    if not proxy_boot:
        bad.append("the proxy (port %s) sent the client no boot URL" % proxy)
    if lease is None:
        bad.append("the DHCPv6 server (port %s) gave the client no address" % server)
    return verdict("dhcp6sniff", bad,
                   "%d packets from the proxy, none with an address or a "
                   "status; %d with a boot URL to %s; address %s from the "
                   "server" % (n_proxy, proxy_boot, client, lease))


if __name__ == "__main__":
    sys.exit(main(__doc__, parse_frame, line, check,
                  "the proxy's switch port", "the server's switch port"))
