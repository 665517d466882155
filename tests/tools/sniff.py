"""What dhcpsniff.py and dhcp6sniff.py share: the capture on a switch's
ports and the command line.  Each of them says how to parse a frame, how
to write a packet's line and how to check a recording.

capture() binds an AF_PACKET socket to each port, prints "listening on
PORT..." on stderr once bound, and then one line per packet that a host
sent into the switch (frames leaving the switch toward a host are seen
at that host's port too, and skipped), "TIME PORT " + line(packet), until
SIGTERM or SIGINT.
"""
import argparse, select, signal, socket, sys, time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def mac(b):
    return ":".join("%02x" % x for x in b)


def capture(ports, parse, line):
    """parse(frame) -> a packet (any object) or None; line(packet) -> str."""
    socks = []
    for p in ports:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s.bind((p, ETH_P_ALL))
        socks.append(s)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    print("listening on " + " ".join(ports), file=sys.stderr, flush=True)
    while not stop:
        try:
            ready, _, _ = select.select(socks, [], [], 0.5)
        except InterruptedError:
            continue
        for s in ready:
            frame, addr = s.recvfrom(65535)
            if addr[2] == PACKET_OUTGOING:
                continue
            d = parse(frame)
            if d is not None:
                print("%.3f %s %s" % (time.time(), addr[0], line(d)), flush=True)


def verdict(tool, bad, summary):
    """A check's output: a line per broken rule, else the summary; its
    exit status."""
    for b in bad:
        print("%s: %s" % (tool, b))
    if not bad:
        print("%s: %s" % (tool, summary))
    return 1 if bad else 0


def main(doc, parse, line, check, proxy_help, server_help):
    """capture PORT... | check LOG --proxy X --server Y --client MAC;
    check(log, proxy, server, client) returns the exit status."""
    p = argparse.ArgumentParser(description=doc.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("capture")
    c.add_argument("ports", nargs="+")
    k = sub.add_parser("check")
    k.add_argument("log")
    k.add_argument("--proxy", required=True, help=proxy_help)
    k.add_argument("--server", required=True, help=server_help)
    k.add_argument("--client", required=True, help="the client's MAC")
    a = p.parse_args()
    if a.cmd == "capture":
        capture(a.ports, parse, line)
        return 0
    return check(a.log, a.proxy, a.server, a.client.lower())
