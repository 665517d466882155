#!/usr/bin/env python3
"""A small inventory service for the [backend] tests.

Answers GET /m/<mac>[...] from a table (a JSON file, read again on every
request so that a test can change it while the service runs):

  {"52:54:00:00:00:01": {"boot": "a.efi"},                 200, that body
   "52:54:00:00:00:02": {"_delay": 1.5, "boot": "b.efi"},  after 1.5 s
   "52:54:00:00:00:03": {"_garbage": true},                200, not JSON
   "52:54:00:00:00:04": {"_size": 10485760},               200, 10 MB body
   "52:54:00:00:00:05": {"_hang": true},                   never answers
   "52:54:00:00:00:06": {"_status": 500}}                  that status
POST /events ([events]): a JSON array of events, each logged as
"EVENT <stage> <mac> <file> <bytes> <decided_by>" ("-" for what an
event lacks, "?" for an empty MAC); answered with the table's
"_events_status" (default 204), so a test can take the endpoint down.
A MAC not in the table gets 404, or {"boot": B} with --default-boot B;
--delay S delays every answer by S seconds (a backend's latency).  Every request is logged, one line,
"<path> <status>" when it is answered, "<path> hang" when it is held, to
--log; "listening" is written there once the socket is bound.
"""
import argparse
import json
import socketserver
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

ARGS = None
LOG_LOCK = threading.Lock()


def log(line):
    with LOG_LOCK, open(ARGS.log, "a") as f:
        f.write(line + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"       # keep-alive: curl reuses it

    def log_message(self, *a):
        pass

    def send(self, status, body, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        if not ARGS.quiet:
            log("%s %d" % (self.path, status))

    def do_GET(self):
        with open(ARGS.table) as f:
            table = json.load(f)
        parts = self.path.split("?")[0].split("/")
        mac = parts[2] if len(parts) > 2 and parts[1] == "m" else ""
        entry = table.get(mac)
        if entry is None and ARGS.default_boot and mac:
            entry = {"boot": ARGS.default_boot}
        if entry is None:
            self.send(404, b'{"error":"no such machine"}')
            return
        if entry.get("_hang"):
            log("%s hang" % self.path)
            time.sleep(3600)
            return
        time.sleep(entry.get("_delay", ARGS.delay))
        if entry.get("_garbage"):
            self.send(200, b'{"boot": "x.efi", oops')
        elif entry.get("_size"):
            pad = b" " * entry["_size"]
            self.send(200, b'{"boot":"big.efi"' + pad + b'}')
        else:
            body = {k: v for k, v in entry.items() if not k.startswith("_")}
            self.send(entry.get("_status", 200), json.dumps(body).encode())


    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(min(n, 1 << 20))
        with open(ARGS.table) as f:
            status = json.load(f).get("_events_status", 204)
        if status < 300:
            for e in json.loads(body):
                log("EVENT %s %s %s %s %s" % (e["stage"], e["mac"] or "?",
                                              e["file"], e.get("bytes", "-"),
                                              e.get("decided_by", "-")))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


class Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    # http.server's default backlog of 5 drops SYNs under a burst of
    # lookups (each retried 1 s later): not the backend being measured.
    request_queue_size = 1024


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--bind", default="0.0.0.0")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--table", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--default-boot")
    p.add_argument("--delay", type=float, default=0.0)
    p.add_argument("--quiet", action="store_true",
                   help="log only 'listening' (benchmarks)")
    ARGS = p.parse_args()
    srv = Server((ARGS.bind, ARGS.port), Handler)
    if ARGS.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.cert, ARGS.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    log("listening")
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
