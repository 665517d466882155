#!/usr/bin/env python3
"""The benchmark behind tests/bench/run: pxeproxyd against dnsmasq (proxyDHCP
and TFTP), tftpd-hpa (TFTP) and nginx (HTTP, HTTPS), each server alone in a fresh
pair of network namespaces, all serving the same files from one root.

Run through tests/bench/run, which installs the peers, builds pxeproxyd and
the load generator (pxebench.c) and passes their paths here:

  bench.py --pxeproxyd BIN --pxebench BIN --tlshs BIN --work DIR [--quick]
           [--markdown FILE] [--json FILE] [SECTION ...]

SECTIONs: dhcp tftp http https mem scale (default: all).  Prints the raw figures
per server and a ratio table (pxeproxyd / peer) per section.
"""
import argparse, datetime, hashlib, json, os, platform, re, signal, statistics
import subprocess, sys, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
SRV_IP, CLI_IP = "192.0.2.10", "192.0.2.20"
SRV_IP6, CLI_IP6 = "2001:db8::10", "2001:db8::20"
SECTIONS = ["dhcp", "backend", "tftp", "http", "https", "mem", "scale"]
CLK_TCK = os.sysconf("SC_CLK_TCK")
PREFIX = os.environ.get("BENCH_PREFIX", "pxb%d" % os.getpid())

# Sizes and counts; --quick makes everything small enough for a ~3 minute
# check that the script works (the figures then mean little).
FULL = dict(rounds=5, dhcp_count=100000, dhcp_single=5000, dhcp_window=64,
            tftp_size=30 << 20, tftp_clients=50, tftp_multi_rounds=3,
            http_small=1024, http_big=100 << 20, wrk_seconds=4, http_rounds=3,
            load_tftp=1 << 20, load_http=4 << 20, scale=[10, 100, 500],
            mem_clients=500, hs_conns=32, backend_macs=5000)
QUICK = dict(rounds=1, dhcp_count=20000, dhcp_single=1000, dhcp_window=64,
             tftp_size=4 << 20, tftp_clients=10, tftp_multi_rounds=1,
             http_small=1024, http_big=10 << 20, wrk_seconds=2, http_rounds=1,
             load_tftp=256 << 10, load_http=512 << 10, scale=[10, 50],
             mem_clients=50, hs_conns=32, backend_macs=1000)
TFTP_LINES = [(512, 1), (1468, 1), (8192, 1), (1468, 16)]
# pxeproxyd's TLS 1.2 list (src/tls.c), given to nginx too.
TLS12_CIPHERS = ("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                 "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                 "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                 "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:"
                 "DHE-RSA-CHACHA20-POLY1305")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sh(*cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, **kw)


# ---- processes in a namespace: CPU time and memory ---------------------

def ns_inode(ns):
    return os.stat("/run/netns/" + ns).st_ino


def ns_pids(ns):
    """Every process whose network namespace is ns (the server, its
    workers and forked children)."""
    ino, pids = ns_inode(ns), []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.stat("/proc/%s/ns/net" % d).st_ino == ino:
                    pids.append(int(d))
            except OSError:
                pass
    return pids


def proc_cpu_seconds(ns):
    """utime+stime of the namespace's processes, plus the reaped children
    they waited for (cutime+cstime).  Only a fallback: children reaped
    without wait() (SIGCHLD ignored) are missed, and ticks are coarse."""
    t = 0
    for pid in ns_pids(ns):
        try:
            f = open("/proc/%d/stat" % pid).read()
        except OSError:
            continue
        fields = f[f.rindex(")") + 2:].split()
        t += sum(int(x) for x in fields[11:15])
    return t / CLK_TCK


class CpuGroup:
    """A cgroup holding a server and everything it forks, for its CPU time
    to the microsecond, children that exited included (tftpd-hpa forks a
    process per transfer and does not wait for it).  cgroup v2 (also the
    'unified' hierarchy of a hybrid setup) or v1 cpuacct; None when there
    is neither."""
    def __init__(self, name):
        self.path = None
        for base, kind in (("/sys/fs/cgroup", "v2"), ("/sys/fs/cgroup/unified", "v2"),
                           ("/sys/fs/cgroup/cpuacct", "v1")):
            probe = "cgroup.controllers" if kind == "v2" else "cpuacct.usage"
            if os.path.exists(os.path.join(base, probe)):
                try:
                    os.mkdir(os.path.join(base, name))
                except OSError:
                    continue
                self.path, self.kind = os.path.join(base, name), kind
                break

    def join(self):
        """In the child, before exec."""
        if self.path:
            with open(os.path.join(self.path, "cgroup.procs"), "w") as f:
                f.write(str(os.getpid()))

    def seconds(self):
        if self.kind == "v1":
            return int(open(os.path.join(self.path, "cpuacct.usage")).read()) / 1e9
        for line in open(os.path.join(self.path, "cpu.stat")):
            if line.startswith("usage_usec"):
                return int(line.split()[1]) / 1e6
        return 0.0

    def remove(self):
        if not self.path:
            return
        for _ in range(20):
            try:
                os.rmdir(self.path)
                return
            except OSError:
                time.sleep(0.1)


def memory_kb(ns):
    """(RSS, PSS) summed over the namespace's processes, in KiB."""
    rss = pss = 0
    for pid in ns_pids(ns):
        try:
            for line in open("/proc/%d/smaps_rollup" % pid):
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


class MemSampler:
    """Peak RSS/PSS of a namespace while a load runs."""
    def __init__(self, ns, every=0.2):
        self.ns, self.every, self.peak = ns, every, (0, 0)
        self.stop_ev = threading.Event()
        self.th = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop_ev.is_set():
            m = memory_kb(self.ns)
            if m[0] > self.peak[0]:
                self.peak = m
            self.stop_ev.wait(self.every)

    def __enter__(self):
        self.th.start()
        return self

    def __exit__(self, *exc):
        self.stop_ev.set()
        self.th.join()
        m = memory_kb(self.ns)
        if m[0] > self.peak[0]:
            self.peak = m


# ---- the two-host lab ---------------------------------------------------

class Lab:
    """A server namespace and a client namespace joined by a veth pair, as
    tests/lib.sh builds them.  Fresh for every server run."""
    seq = 0
    live = set()

    def __init__(self, mtu=1500):
        Lab.seq += 1
        self.srv = "%ss%d" % (PREFIX, Lab.seq)
        self.cli = "%sc%d" % (PREFIX, Lab.seq)
        self.mtu = mtu
        self.procs = []
        self.cg = None

    def __enter__(self):
        self.cg = CpuGroup(self.srv)
        if not self.cg.path:
            self.cg = None
        for ns in (self.srv, self.cli):
            sh("ip", "netns", "add", ns)
            Lab.live.add(ns)
        sh("ip", "link", "add", "eth0", "netns", self.srv, "mtu", str(self.mtu),
           "type", "veth", "peer", "name", "eth0", "netns", self.cli,
           "mtu", str(self.mtu))
        for ns in (self.srv, self.cli):
            # No duplicate address detection: the link-local address a
            # DHCPv6 client sends from is usable at once.
            sh("ip", "netns", "exec", ns, "sysctl", "-qw",
               "net.ipv6.conf.eth0.accept_dad=0")
            sh("ip", "-n", ns, "link", "set", "lo", "up")
            sh("ip", "-n", ns, "link", "set", "eth0", "up")
        sh("ip", "-n", self.srv, "addr", "add", SRV_IP + "/24", "dev", "eth0")
        sh("ip", "-n", self.cli, "addr", "add", CLI_IP + "/24", "dev", "eth0")
        sh("ip", "-n", self.srv, "addr", "add", SRV_IP6 + "/64", "dev", "eth0", "nodad")
        sh("ip", "-n", self.cli, "addr", "add", CLI_IP6 + "/64", "dev", "eth0", "nodad")
        time.sleep(0.2)
        return self

    def start(self, argv, logfile):
        """A server in the server namespace, in the foreground.  Not
        through a shell: the Popen is the server itself."""
        out = open(logfile, "ab")
        p = subprocess.Popen(["ip", "netns", "exec", self.srv] + argv,
                             stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL,
                             preexec_fn=self.cg.join if self.cg else None)
        out.close()
        self.procs.append(p)
        return p

    def cpu_seconds(self):
        """CPU time the server side has used so far."""
        return self.cg.seconds() if self.cg else proc_cpu_seconds(self.srv)

    def client(self, argv, timeout=None):
        r = subprocess.run(["ip", "netns", "exec", self.cli] + argv,
                           capture_output=True, text=True, timeout=timeout)
        return r

    def __exit__(self, *exc):
        Lab.teardown(self.srv, self.cli, procs=self.procs)
        if self.cg:
            self.cg.remove()

    @staticmethod
    def teardown(*nss, procs=()):
        for p in procs or []:
            if p.poll() is None:
                p.terminate()
        for p in procs or []:
            try:
                p.wait(3)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for sig in (signal.SIGTERM, signal.SIGKILL):
            left = False
            for ns in nss:
                if not os.path.exists("/run/netns/" + ns):
                    continue
                for pid in ns_pids(ns):
                    left = True
                    try:
                        os.kill(pid, sig)
                    except OSError:
                        pass
            if not left:
                break
            time.sleep(0.3)
        for ns in nss:
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
            Lab.live.discard(ns)

    @staticmethod
    def teardown_all():
        Lab.teardown(*sorted(Lab.live))


def wait_log(p, logfile, pattern, what, secs=10):
    for _ in range(int(secs * 10)):
        try:
            if re.search(pattern, open(logfile, errors="replace").read()):
                return
        except OSError:
            pass
        if p.poll() is not None:
            break
        time.sleep(0.1)
    tail = open(logfile, errors="replace").read()[-2000:] if os.path.exists(logfile) else ""
    raise RuntimeError("%s did not start:\n%s" % (what, tail))


# ---- the servers ----------------------------------------------------------

class Server:
    name = "?"

    def __init__(self, b):
        self.b = b

    def logfile(self, lab):
        return os.path.join(self.b.work, "%s-%s.log" % (self.name, lab.srv))


class Pxeproxyd(Server):
    name = "pxeproxyd"

    def start(self, lab, section):
        conf = os.path.join(self.b.work, "pxeproxyd-https.conf" if section == "https"
                            else "pxeproxyd.conf")
        lf = self.logfile(lab)
        p = lab.start([self.b.pxeproxyd, "-f", "-c", conf, "-r", self.b.root,
                       "-i", "eth0"], lf)
        wait_log(p, lf, r" ready: ", "pxeproxyd")
        wait_log(p, lf, r"serving eth0", "pxeproxyd")
        time.sleep(0.2)
        return p


class Dnsmasq(Server):
    name = "dnsmasq"

    def start(self, lab, section):
        lf = self.logfile(lab)
        argv = ["dnsmasq", "-k", "--port=0", "--conf-file=/dev/null",
                "--interface=eth0", "--bind-interfaces", "--pid-file=",
                "--user=nobody", "--log-facility=" + lf]
        if section == "dhcp":
            # Proxy mode, one BIOS service; quiet: a log line per packet
            # would only slow it.
            argv += ["--dhcp-range=%s,proxy" % SRV_IP,
                     "--pxe-service=x86PC,Boot,pxelinux",
                     "--dhcp-leasefile=" + os.path.join(self.b.work, "leases"),
                     "--quiet-dhcp"]
        else:
            # Without a larger packet buffer dnsmasq caps blksize at 2263.
            argv += ["--enable-tftp", "--tftp-root=" + self.b.root,
                     "--tftp-max=10000", "--edns-packet-max=16384"]
        p = lab.start(argv, lf)
        wait_log(p, lf, r"started, version", "dnsmasq")
        time.sleep(0.3)
        return p


class TftpdHpa(Server):
    name = "tftpd-hpa"

    def start(self, lab, section):
        lf = self.logfile(lab)
        p = lab.start(["in.tftpd", "-L", "-a", SRV_IP + ":69", "-u", "nobody",
                       "-s", self.b.root], lf)
        time.sleep(0.5)
        if p.poll() is not None:
            raise RuntimeError("in.tftpd exited: " + open(lf).read()[-2000:])
        return p


class Nginx(Server):
    name = "nginx"

    def start(self, lab, section):
        d = os.path.join(self.b.work, "nginx-" + lab.srv)
        os.makedirs(d, exist_ok=True)
        lf = self.logfile(lab)
        conf = os.path.join(d, "nginx.conf")
        # HTTPS: the same certificate, protocols and TLS 1.2 suites as
        # pxeproxyd, the server's order (as pxeproxyd), Debian's stock
        # session settings (tickets on, no shared cache).
        tls = ""
        if section == "https":
            tls = """
    server {
        listen %(ip)s:443 ssl;
        root %(root)s;
        ssl_certificate %(crt)s;
        ssl_certificate_key %(key)s;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers %(ciphers)s;
        ssl_prefer_server_ciphers on;
    }""" % dict(ip=SRV_IP, root=self.b.root, crt=self.b.tls_crt, key=self.b.tls_key,
               ciphers=TLS12_CIPHERS)
        # Debian's stock settings where they matter (workers per core,
        # sendfile, tcp_nopush, keep-alive), no access log, our root.
        open(conf, "w").write("""\
daemon off;
master_process on;
worker_processes auto;
user nobody nogroup;
pid %(d)s/nginx.pid;
error_log %(lf)s warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    default_type application/octet-stream;
    client_body_temp_path %(d)s/body;
    proxy_temp_path %(d)s/proxy;
    fastcgi_temp_path %(d)s/fastcgi;
    uwsgi_temp_path %(d)s/uwsgi;
    scgi_temp_path %(d)s/scgi;
    server {
        listen %(ip)s:80;
        root %(root)s;
    }%(tls)s
}
""" % dict(d=d, lf=lf, ip=SRV_IP, root=self.b.root, tls=tls))
        p = lab.start(["nginx", "-e", lf, "-p", d, "-c", conf], lf)
        for _ in range(50):
            if os.path.exists(os.path.join(d, "nginx.pid")):
                break
            if p.poll() is not None:
                break
            time.sleep(0.1)
        time.sleep(0.3)
        if p.poll() is not None:
            raise RuntimeError("nginx exited: " + open(lf).read()[-2000:])
        return p


# ---- measurements -------------------------------------------------------

def parse_json_out(r, what):
    for line in r.stdout.splitlines()[::-1]:
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("%s: no result (rc %d): %s %s" % (what, r.returncode,
                                                         r.stdout, r.stderr))


def median_by(runs, key):
    """The run with the median value of key (upper median)."""
    s = sorted(runs, key=lambda r: r[key])
    return s[len(s) // 2]


class Bench:
    def __init__(self, a):
        self.a = a
        self.cfg = QUICK if a.quick else FULL
        self.work = a.work
        self.root = os.path.join(a.work, "root")
        self.pxeproxyd = a.pxeproxyd
        self.pxebench = a.pxebench
        self.tlshs = a.tlshs
        self.results = {}       # section -> server -> line -> dict
        self.mem = []           # (server, section, idle, peak)

    # -- files -------------------------------------------------------
    def mkfile(self, name, size):
        path = os.path.join(self.root, name)
        h = hashlib.sha256()
        with open(path, "wb") as f:
            left = size
            while left:
                chunk = os.urandom(min(left, 1 << 20))
                f.write(chunk)
                h.update(chunk)
                left -= len(chunk)
        os.chmod(path, 0o644)
        return h.hexdigest()

    def setup(self):
        os.makedirs(self.root, exist_ok=True)
        for d in (self.work, self.root):
            os.chmod(d, 0o755)
        c = self.cfg
        self.files = {}
        self.files["tftp"] = ("bench.img", c["tftp_size"])
        self.files["small"] = ("small.bin", c["http_small"])
        self.files["big"] = ("big.img", c["http_big"])
        self.files["boot"] = ("grubx64.efi", c["load_tftp"])
        self.files["payload"] = ("payload.img", c["load_http"])
        self.sha = {}
        for k, (name, size) in self.files.items():
            self.sha[k] = self.mkfile(name, size)
        self.mkfile("pxelinux.0", 64 << 10)
        # Defaults but for the status page (not part of the comparison).
        open(os.path.join(self.work, "pxeproxyd.conf"), "w").write(
            "[tftp]\nmax-windowsize = 64\n[status]\nenable = no\n")
        os.chmod(os.path.join(self.work, "pxeproxyd.conf"), 0o644)
        # HTTPS: one RSA 2048 certificate for both servers, as
        # pxeproxyd-mkcert makes it for firmware.
        tls = os.path.join(self.work, "tls")
        subprocess.run(["sh", os.path.join(TOP, "contrib/pxeproxyd-mkcert"), "-d", tls,
                        "-g", "root", SRV_IP], check=True, capture_output=True)
        self.tls_ca = os.path.join(tls, "ca.crt")
        self.tls_crt = os.path.join(tls, "server.crt")
        self.tls_key = os.path.join(tls, "server.key")
        open(os.path.join(self.work, "pxeproxyd-https.conf"), "w").write(
            "[tftp]\nmax-windowsize = 64\n[status]\nenable = no\n"
            "[https]\nenable = yes\ncertificate = %s\nkey = %s\n" % (self.tls_crt, self.tls_key))
        os.chmod(os.path.join(self.work, "pxeproxyd-https.conf"), 0o644)

    def path(self, key):
        return os.path.join(self.root, self.files[key][0])

    def record(self, section, server, line, val):
        self.results.setdefault(section, {}).setdefault(server, {})[line] = val

    def session(self, server, section, mtu, body):
        """One fresh lab, one server, body(lab) measures."""
        with Lab(mtu) as lab:
            server.start(lab, section)
            time.sleep(0.3)
            idle = memory_kb(lab.srv)
            with MemSampler(lab.srv) as ms:
                body(lab)
            self.mem.append((server.name, section, idle, ms.peak))

    def rounds(self, servers, n, fn):
        """n rounds; each round every server once, the order rotated so
        that drift on a shared machine does not favour one of them."""
        for r in range(n):
            k = r % len(servers)
            for s in servers[k:] + servers[:k]:
                fn(s, r)

    # -- proxyDHCP ----------------------------------------------------
    def dhcp(self):
        c = self.cfg
        runs = {}

        def body(server, lab):
            lines = [("flood", c["dhcp_count"], c["dhcp_window"], "dhcp"),
                     ("single", c["dhcp_single"], 1, "dhcp")]
            # dnsmasq's proxy mode is IPv4 only: DHCPv6 is pxeproxyd's
            # line, beside its IPv4 one.
            if server.name == "pxeproxyd":
                lines += [("flood6", c["dhcp_count"], c["dhcp_window"], "dhcp6"),
                          ("single6", c["dhcp_single"], 1, "dhcp6")]
            for label, count, window, mode in lines:
                cpu0 = lab.cpu_seconds()
                r = lab.client([self.pxebench, mode, "--iface", "eth0",
                                "--count", str(count), "--window", str(window)],
                               timeout=600)
                cpu = lab.cpu_seconds() - cpu0
                d = parse_json_out(r, "dhcp " + server.name)
                d["cpu_us_per_answer"] = cpu * 1e6 / max(d["answered"], 1)
                d["cpu_s"] = cpu
                if r.returncode:
                    log("  %s dhcp %s: %s" % (server.name, label, d))
                runs.setdefault(server.name, {}).setdefault(label, []).append(d)
                log("  %-10s dhcp %-6s %7.0f answers/s  p50 %6.1f us  p99 %7.1f us  "
                    "lost %d" % (server.name, label, d["answers_per_s"], d["p50_us"],
                                 d["p99_us"], d["lost"]))

        servers = [Pxeproxyd(self), Dnsmasq(self)]
        self.rounds(servers, c["rounds"],
                    lambda s, r: self.session(s, "dhcp", 1500, lambda lab: body(s, lab)))
        for name, lines in runs.items():
            for label, rs in lines.items():
                m = {k: statistics.median(x[k] for x in rs)
                     for k in ("answers_per_s", "p50_us", "p99_us", "cpu_us_per_answer")}
                m["lost"] = sum(x["lost"] for x in rs)
                m["sent"] = sum(x["sent"] for x in rs)
                m["range"] = (min(x["answers_per_s"] for x in rs),
                              max(x["answers_per_s"] for x in rs))
                m["runs"] = len(rs)
                self.record("dhcp", name, label, m)

    # -- [backend] ------------------------------------------------------
    def backend(self):
        """proxyDHCP answers/s with every decision from an inventory
        (tests/tools/inventory.py in the client namespace): warm, every
        MAC's answer already cached; 20ms, every DISCOVER a new MAC whose
        lookup takes 20 ms.  pxeproxyd only: dnsmasq has no such thing."""
        c = self.cfg
        macs = c["backend_macs"]
        conf = os.path.join(self.work, "pxeproxyd-backend.conf")
        open(conf, "w").write(
            "[status]\nenable = no\n[backend]\nurl = http://%s:8000/m/${mac}\n"
            "timeout = 3000\ncache-ttl = 3600\nmax-pending = 4096\n" % CLI_IP)
        os.chmod(conf, 0o644)
        table = os.path.join(self.work, "inventory.json")
        open(table, "w").write("{}")
        inventory = os.path.join(TOP, "tests", "tools", "inventory.py")
        for label, delay in (("warm", 0.0), ("20ms", 0.02)):
            with Lab() as lab:
                ilog = os.path.join(self.work, "inventory-%s.log" % lab.cli)
                inv = subprocess.Popen(
                    ["ip", "netns", "exec", lab.cli, sys.executable, inventory,
                     "--bind", CLI_IP, "--table", table, "--log", ilog, "--quiet",
                     "--default-boot", "pxelinux.0", "--delay", str(delay)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
                lab.procs.append(inv)
                wait_log(inv, ilog, "listening", "inventory")
                lf = os.path.join(self.work, "pxeproxyd-backend-%s.log" % lab.srv)
                p = lab.start([self.pxeproxyd, "-f", "-c", conf, "-r", self.root,
                               "-i", "eth0"], lf)
                wait_log(p, lf, r"serving eth0", "pxeproxyd")
                argv = [self.pxebench, "dhcp", "--iface", "eth0", "--timeout", "4"]
                if label == "warm":
                    lab.client(argv + ["--count", str(macs), "--macs", str(macs),
                                       "--window", "64"], timeout=600)
                    argv += ["--count", str(c["dhcp_count"]), "--macs", str(macs),
                             "--window", str(c["dhcp_window"])]
                else:
                    argv += ["--count", str(macs), "--window", "256"]
                cpu0 = lab.cpu_seconds()
                r = lab.client(argv, timeout=600)
                cpu = lab.cpu_seconds() - cpu0
                d = parse_json_out(r, "backend " + label)
                d["cpu_us_per_answer"] = cpu * 1e6 / max(d["answered"], 1)
                log("  pxeproxyd backend %-5s %7.0f answers/s  p50 %8.1f us  "
                    "p99 %8.1f us  cpu %5.1f us/answer  lost %d" % (
                        label, d["answers_per_s"], d["p50_us"], d["p99_us"],
                        d["cpu_us_per_answer"], d["lost"]))
                self.record("backend", "pxeproxyd", label, d)

    # -- TFTP -----------------------------------------------------------
    def tftp(self):
        c = self.cfg
        runs = {}
        size = self.files["tftp"][1]

        def one(server, lab, clients, blk, win):
            cpu0 = lab.cpu_seconds()
            r = lab.client([self.pxebench, "tftp", "--server", SRV_IP,
                            "--file", self.files["tftp"][0], "--ref", self.path("tftp"),
                            "--clients", str(clients), "--blksize", str(blk),
                            "--windowsize", str(win)], timeout=1200)
            cpu = lab.cpu_seconds() - cpu0
            d = parse_json_out(r, "tftp " + server.name)
            d["cpu_ms_per_MB"] = cpu * 1e3 / max(d["bytes"] / 1e6, 1e-9)
            d["cpu_s"] = cpu
            key = (clients, blk, win)
            runs.setdefault(server.name, {}).setdefault(key, []).append(d)
            log("  %-10s tftp %2d client(s) blksize %4d/%-4d ws %2d/%-2d %7.1f MB/s  "
                "cpu %5.2f ms/MB  resends %d%s" % (
                    server.name, clients, blk, d["blksize"], win, d["windowsize"],
                    d["MBps"], d["cpu_ms_per_MB"], d["resends"],
                    "  FAILED: %d: %s" % (d["failed"], d["error"]) if d["failed"] else ""))

        def body(server, lab, rnd):
            for blk, win in TFTP_LINES:
                one(server, lab, 1, blk, win)
            if rnd < c["tftp_multi_rounds"]:
                for blk, win in TFTP_LINES:
                    one(server, lab, c["tftp_clients"], blk, win)

        servers = [Pxeproxyd(self), TftpdHpa(self), Dnsmasq(self)]
        # Jumbo frames: dnsmasq and pxeproxyd keep blksize under the MTU,
        # so blksize 8192 is granted only on a link that carries it.
        self.rounds(servers, c["rounds"],
                    lambda s, r: self.session(s, "tftp", self.a.tftp_mtu,
                                              lambda lab: body(s, lab, r)))
        for name, lines in runs.items():
            for (clients, blk, win), rs in lines.items():
                m = dict(median_by(rs, "MBps"))
                m["runs"] = len(rs)
                m["failed"] = sum(x["failed"] for x in rs)
                m["cpu_ms_per_MB"] = statistics.median(x["cpu_ms_per_MB"] for x in rs)
                m["range"] = (min(x["MBps"] for x in rs), max(x["MBps"] for x in rs))
                self.record("tftp", name, (clients, blk, win), m)

    # -- HTTP -----------------------------------------------------------
    def http_check(self, lab, key, scheme="http"):
        """Before wrk (which checks nothing): one GET, digest compared."""
        name = self.files[key][0]
        r = lab.client([sys.executable, os.path.abspath(__file__), "_httpget",
                        "%s://%s/%s" % (scheme, SRV_IP, name), self.tls_ca], timeout=300)
        if r.returncode or r.stdout.strip() != self.sha[key]:
            raise RuntimeError("HTTP GET /%s: wrong answer: %s %s" % (
                name, r.stdout.strip(), r.stderr.strip()))

    def http(self):
        c = self.cfg
        runs = {}
        lines = [("small", 1), ("small", 64), ("big", 1), ("big", 64)]

        def body(server, lab):
            for key in ("small", "big"):
                self.http_check(lab, key)
            for key, conns in lines:
                url = "http://%s/%s" % (SRV_IP, self.files[key][0])
                cpu0 = lab.cpu_seconds()
                # --timeout: 64 downloads of 100 MiB at once take longer
                # than wrk's default 2 s, which it would count as errors.
                r = lab.client(["wrk", "-t", "1" if conns == 1 else "2", "-c", str(conns),
                                "-d", "%ds" % c["wrk_seconds"], "--timeout", "300s",
                                "--latency", url],
                               timeout=c["wrk_seconds"] + 120)
                cpu = lab.cpu_seconds() - cpu0
                d = parse_wrk(r.stdout)
                if r.returncode or d is None:
                    raise RuntimeError("wrk failed: %s %s" % (r.stdout, r.stderr))
                d["cpu_s"] = cpu
                d["cpu_ms_per_MB"] = cpu * 1e3 / max(d["MB"], 1e-9)
                d["cpu_us_per_req"] = cpu * 1e6 / max(d["requests"], 1)
                runs.setdefault(server.name, {}).setdefault((key, conns), []).append(d)
                log("  %-10s http %-5s %2d conn %9.0f req/s %8.1f MB/s  p99 %8.2f ms  "
                    "errors %d" % (server.name, key, conns, d["req_per_s"], d["MBps"],
                                   d["p99_ms"], d["errors"]))

        servers = [Pxeproxyd(self), Nginx(self)]
        self.rounds(servers, c["http_rounds"],
                    lambda s, r: self.session(s, "http", 1500, lambda lab: body(s, lab)))
        for name, ls in runs.items():
            for k, rs in ls.items():
                m = dict(median_by(rs, "MBps"))
                m["runs"] = len(rs)
                m["range"] = (min(x["MBps"] for x in rs), max(x["MBps"] for x in rs))
                self.record("http", name, k, m)

    # -- HTTPS ----------------------------------------------------------
    def tls_session(self, lab):
        """What a default client (wrk's OpenSSL) negotiates, to show that
        both servers use the same protocol, suite and key exchange."""
        r = lab.client(["openssl", "s_client", "-connect", "%s:443" % SRV_IP,
                        "-CAfile", self.tls_ca], timeout=30)
        out = r.stdout + r.stderr
        m = re.search(r"New, (TLSv[\d.]+), Cipher is (\S+)", out)
        k = re.search(r"(?:Server|Peer) Temp Key: ([^\n]+)", out)
        return "%s %s%s" % (m[1], m[2], " (%s)" % k[1] if k else "") if m else "?"

    def https(self):
        c = self.cfg
        runs = {}
        lines = [("small", 1), ("small", 64), ("big", 1), ("big", 64)]
        self.tls_negotiated = {}

        def body(server, lab):
            for key in ("small", "big"):
                self.http_check(lab, key, "https")
            self.tls_negotiated[server.name] = self.tls_session(lab)
            for key, conns in lines:
                url = "https://%s/%s" % (SRV_IP, self.files[key][0])
                cpu0 = lab.cpu_seconds()
                r = lab.client(["wrk", "-t", "1" if conns == 1 else "2", "-c", str(conns),
                                "-d", "%ds" % c["wrk_seconds"], "--timeout", "300s",
                                "--latency", url],
                               timeout=c["wrk_seconds"] + 120)
                cpu = lab.cpu_seconds() - cpu0
                d = parse_wrk(r.stdout)
                if r.returncode or d is None:
                    raise RuntimeError("wrk failed: %s %s" % (r.stdout, r.stderr))
                d["cpu_s"] = cpu
                d["cpu_ms_per_MB"] = cpu * 1e3 / max(d["MB"], 1e-9)
                d["cpu_us_per_req"] = cpu * 1e6 / max(d["requests"], 1)
                if not d["requests"]:
                    # 64 downloads of 100 MiB at once may not end within
                    # the run: no latency to speak of.
                    d["p50_ms"] = d["p99_ms"] = None
                runs.setdefault(server.name, {}).setdefault((key, conns), []).append(d)
                log("  %-10s https %-5s %2d conn %9.0f req/s %8.1f MB/s  p99 %8.2f ms  "
                    "errors %d" % (server.name, key, conns, d["req_per_s"], d["MBps"],
                                   d["p99_ms"] or 0, d["errors"]))
            # New connections: a full handshake each (no resumption), the
            # certificate checked, one GET of the small file.
            cpu0 = lab.cpu_seconds()
            r = lab.client([self.tlshs, SRV_IP, "443", "/" + self.files["small"][0],
                            self.tls_ca, str(c["hs_conns"]), str(c["wrk_seconds"])],
                           timeout=c["wrk_seconds"] + 60)
            cpu = lab.cpu_seconds() - cpu0
            d = parse_json_out(r, "tlshs")
            d["cpu_us_per_conn"] = cpu * 1e6 / max(d["ok"], 1)
            runs.setdefault(server.name, {}).setdefault("hs", []).append(d)
            log("  %-10s https new connections (%d at a time): %7.0f /s, server CPU %5.0f us "
                "each, failed %d" % (server.name, c["hs_conns"], d["per_s"],
                                     d["cpu_us_per_conn"], d["failed"]))

        servers = [Pxeproxyd(self), Nginx(self)]
        self.rounds(servers, c["http_rounds"],
                    lambda s, r: self.session(s, "https", 1500, lambda lab: body(s, lab)))
        for name, ls in runs.items():
            for k, rs in ls.items():
                if k == "hs":
                    m = dict(median_by(rs, "per_s"))
                    m["range"] = (min(x["per_s"] for x in rs), max(x["per_s"] for x in rs))
                else:
                    m = dict(median_by(rs, "MBps"))
                    m["range"] = (min(x["MBps"] for x in rs), max(x["MBps"] for x in rs))
                m["runs"] = len(rs)
                self.record("https", name, k, m)

    # -- memory and scale (pxeproxyd alone: loadclient.py speaks only to a
    #    server that offers the boot file in the DHCP offer, as pxeproxyd
    #    does; dnsmasq answers with a PXE menu instead) ------------------
    def loadclient(self, lab, n):
        r = lab.client([sys.executable, os.path.join(TOP, "tests/tools/loadclient.py"),
                        "--server", SRV_IP, "--clients", str(n),
                        "--tftp-file", self.files["boot"][0],
                        "--tftp-sha", self.sha["boot"],
                        "--http-path", "/" + self.files["payload"][0],
                        "--http-sha", self.sha["payload"]], timeout=1800)
        m = re.search(r"clients (\d+): (\d+) complete, (\d+) failed in ([\d.]+) s "
                      r"\(per client p50 ([\d.]+) s, max ([\d.]+) s\)", r.stdout)
        if not m:
            raise RuntimeError("loadclient: %s %s" % (r.stdout, r.stderr))
        d = dict(clients=int(m[1]), ok=int(m[2]), failed=int(m[3]),
                 seconds=float(m[4]), p50_s=float(m[5]), max_s=float(m[6]))
        if d["failed"]:
            log(r.stdout)
        return d

    def mem_scale(self, do_mem, do_scale):
        c = self.cfg
        srv = Pxeproxyd(self)
        ns = sorted(set((c["scale"] if do_scale else []) +
                        ([c["mem_clients"]] if do_mem else [])))

        def body(lab):
            idle = memory_kb(lab.srv)
            for n in ns:
                cpu0 = lab.cpu_seconds()
                with MemSampler(lab.srv, 0.1) as ms:
                    d = self.loadclient(lab, n)
                d["cpu_s"] = lab.cpu_seconds() - cpu0
                d["rss_peak_kb"], d["pss_peak_kb"] = ms.peak
                d["rss_idle_kb"], d["pss_idle_kb"] = idle
                log("  pxeproxyd  load %3d clients: %d ok %d failed in %.2f s "
                    "(p50 %.2f s max %.2f s), RSS peak %d KiB" % (
                        n, d["ok"], d["failed"], d["seconds"], d["p50_s"],
                        d["max_s"], d["rss_peak_kb"]))
                self.record("load", "pxeproxyd", n, d)
        self.session(srv, "load", 1500, body)

    # -- output ---------------------------------------------------------
    def report(self):
        out = []
        P = out.append
        c = self.cfg
        res = self.results

        def fmt(v, unit=""):
            if v is None:
                return "-"
            if isinstance(v, str):
                return v
            if abs(v) >= 1000:
                s = "%.0f" % v
            elif abs(v) >= 100:
                s = "%.0f" % v
            elif abs(v) >= 10:
                s = "%.1f" % v
            else:
                s = "%.2f" % v
            return s + unit

        def ratio_table(title, peers, rows):
            """rows: (line, better, px, {peer: value}, note)."""
            P("")
            P("### %s" % title)
            P("")
            hdr = "| line | better | pxeproxyd |"
            sep = "|---|---|---:|"
            for p in peers:
                hdr += " %s | px/%s |" % (p, p)
                sep += "---:|---:|"
            hdr += " vs best peer |"
            sep += "---|"
            P(hdr)
            P(sep)
            for line, better, px, pv, note in rows:
                cells = "| %s | %s | %s |" % (line, better, fmt(px))
                vals = []
                for p in peers:
                    v = pv.get(p)
                    if isinstance(v, tuple):         # (value, annotation)
                        v, ann = v
                    else:
                        ann = ""
                    r = px / v if (px is not None and v) else None
                    cells += " %s%s | %s |" % (fmt(v), ann, "-" if r is None else "%.2f" % r)
                    if v is not None:
                        vals.append(v)
                if px is None or not vals:
                    verdict = note or "-"
                else:
                    best = max(vals) if better == "higher" else min(vals)
                    good = px >= best if better == "higher" else px <= best
                    rel = px / best if best else float("inf")
                    verdict = "ok (%.2fx)" % rel if good else \
                        ("**SLOWER** (%.2fx)" % rel if better == "higher"
                         else "**WORSE** (%.2fx)" % rel)
                    if note:
                        verdict += " " + note
                cells += " %s |" % verdict
                P(cells)

        if "backend" in res:
            P("")
            P("### proxyDHCP with [backend] (pxeproxyd only; warm: %d DISCOVERs "
              "over %d MACs whose answers are cached, %d in flight; 20ms: %d "
              "new MACs, each looked up in an inventory that answers after "
              "20 ms, 256 in flight)" % (c["dhcp_count"], c["backend_macs"],
                                         c["dhcp_window"], c["backend_macs"]))
            P("")
            P("| mode | answers/s | p50 us | p99 us | server CPU us/answer | lost |")
            P("|---|---:|---:|---:|---:|---:|")
            for label, m in res["backend"]["pxeproxyd"].items():
                P("| %s | %s | %s | %s | %s | %d |" % (
                    label, fmt(m["answers_per_s"]), fmt(m["p50_us"]),
                    fmt(m["p99_us"]), fmt(m["cpu_us_per_answer"]), m["lost"]))
        if "dhcp" in res:
            r = res["dhcp"]
            P("")
            P("### proxyDHCP raw figures (PXE DISCOVERs from distinct MACs; "
              "flood: %d requests, %d in flight; single: %d requests one at a time; "
              "flood6/single6: the same as EDK2-shaped DHCPv6 Solicits to ff02::1:2; "
              "median of %d rounds)" % (c["dhcp_count"], c["dhcp_window"],
                                        c["dhcp_single"], c["rounds"]))
            P("")
            P("| server | mode | answers/s | range over rounds | p50 us | p99 us | "
              "server CPU us/answer | lost |")
            P("|---|---|---:|---:|---:|---:|---:|---:|")
            for s, lines in r.items():
                for label, m in lines.items():
                    P("| %s | %s | %s | %s | %s | %s | %s | %d |" % (
                        s, label, fmt(m["answers_per_s"]),
                        "%s-%s" % (fmt(m["range"][0]), fmt(m["range"][1]))
                        if m["runs"] > 1 else "-", fmt(m["p50_us"]),
                        fmt(m["p99_us"]), fmt(m["cpu_us_per_answer"]), m["lost"]))
            px = r.get("pxeproxyd", {})
            peers = [p for p in r if p != "pxeproxyd"]
            rows = []
            for label, key, better, name in (
                    ("flood", "answers_per_s", "higher", "answers/s (flood)"),
                    ("flood", "p50_us", "lower", "p50 latency us (flood)"),
                    ("flood", "p99_us", "lower", "p99 latency us (flood)"),
                    ("single", "p50_us", "lower", "p50 latency us (one at a time)"),
                    ("single", "p99_us", "lower", "p99 latency us (one at a time)"),
                    ("flood", "cpu_us_per_answer", "lower", "server CPU us per answer")):
                rows.append((name, better, px.get(label, {}).get(key),
                             {p: r[p].get(label, {}).get(key) for p in peers}, ""))
            for label, key, better, name in (
                    ("flood6", "answers_per_s", "higher", "DHCPv6 answers/s (flood)"),
                    ("single6", "p50_us", "lower", "DHCPv6 p50 latency us (one at a time)"),
                    ("flood6", "cpu_us_per_answer", "lower", "DHCPv6 server CPU us per answer")):
                if label in px:
                    rows.append((name, better, px[label].get(key), {},
                                 "(no peer: dnsmasq's proxy mode is IPv4 only)"))
            ratio_table("proxyDHCP: pxeproxyd vs dnsmasq (proxy mode)", peers, rows)

        if "tftp" in res:
            r = res["tftp"]
            P("")
            P("### TFTP raw figures (%s file, MTU %d; 1 client: median of %d "
              "rounds; %d clients: %d round(s); asked/granted blksize and windowsize; "
              "MB = 10^6 bytes)"
              % (fmt_size(c["tftp_size"]), self.a.tftp_mtu, c["rounds"], c["tftp_clients"],
                 c["tftp_multi_rounds"]))
            P("")
            P("| server | clients | blksize | windowsize | MB/s | range over rounds | "
              "server CPU ms/MB | client p50 s | resends | failed |")
            P("|---|---:|---|---|---:|---:|---:|---:|---:|---:|")
            for s, lines in r.items():
                for (cl, blk, win), m in sorted(lines.items()):
                    P("| %s | %d | %d/%d | %d/%d | %s | %s | %s | %s | %d | %d |" % (
                        s, cl, blk, m["blksize"], win, m["windowsize"], fmt(m["MBps"]),
                        "%s-%s" % (fmt(m["range"][0]), fmt(m["range"][1]))
                        if m["runs"] > 1 else "-",
                        fmt(m["cpu_ms_per_MB"]), fmt(m["client_p50_s"]), m["resends"],
                        m["failed"]))
            px = r.get("pxeproxyd", {})
            peers = [p for p in r if p != "pxeproxyd"]
            rows = []
            for cl in (1, c["tftp_clients"]):
                for blk, win in TFTP_LINES:
                    k = (cl, blk, win)
                    pv = {}
                    for p in peers:
                        m = r[p].get(k)
                        if m is None:
                            continue
                        ann = " (ws %d)" % m["windowsize"] if win > 1 and m["windowsize"] != win else ""
                        ann += " (blk %d)" % m["blksize"] if m["blksize"] != blk else ""
                        pv[p] = (m["MBps"], ann) if not m["failed"] else (None, " failed")
                    pm = px.get(k)
                    rows.append(("MB/s, %d client%s, blksize %d%s" % (
                        cl, "s" if cl > 1 else "", blk, ", windowsize %d" % win if win > 1 else ""),
                        "higher", pm["MBps"] if pm and not pm["failed"] else None, pv, ""))
            for cl in (1, c["tftp_clients"]):
                for blk, win in TFTP_LINES:
                    k = (cl, blk, win)
                    rows.append(("server CPU ms/MB, %d client%s, blksize %d%s" % (
                        cl, "s" if cl > 1 else "", blk,
                        ", windowsize %d" % win if win > 1 else ""), "lower",
                        px.get(k, {}).get("cpu_ms_per_MB"),
                        {p: r[p].get(k, {}).get("cpu_ms_per_MB") for p in peers}, ""))
            ratio_table("TFTP: pxeproxyd vs tftpd-hpa and dnsmasq", peers, rows)
            P("")
            P("\"(ws 1)\": the peer does not do RFC 7440 windowsize and answered "
              "lock-step; \"(blk N)\": it granted another blksize than asked.")
            # The windowsize target: one client, where lock-step is bound by
            # the round trip and windows remove most of the waiting.  With many
            # clients the link is kept busy by lock-step transfers too, so
            # the gain there is only the ACKs saved (shown for information).
            for cl in (1, c["tftp_clients"]):
                w = px.get((cl, 1468, 16), {}).get("MBps")
                l = px.get((cl, 1468, 1), {}).get("MBps")
                bl = max([r[p][(cl, 1468, 1)]["MBps"] for p in peers
                          if (cl, 1468, 1) in r[p]] or [0])
                if not (w and l):
                    continue
                P("")
                if cl == 1:
                    ok = w / l >= 5 and (not bl or w / bl >= 5)
                    P("**Windowsize target** (1 client, blksize 1468): windowsize 16 is "
                      "%.1fx pxeproxyd's lock-step and %.1fx the best peer's lock-step; "
                      "target >= 5x: %s" % (w / l, w / bl if bl else float("nan"),
                                            "met" if ok else "**not met**"))
                else:
                    P("Windowsize with %d clients at once, blksize 1468 (information: "
                      "the link is busy with lock-step too): %.1fx pxeproxyd's lock-step, "
                      "%.1fx the best peer's lock-step." % (
                          cl, w / l, w / bl if bl else float("nan")))

        if "http" in res:
            r = res["http"]
            sz = {"small": fmt_size(c["http_small"]), "big": fmt_size(c["http_big"])}
            P("")
            P("### HTTP raw figures (wrk, %d s per line, keep-alive; median of %d rounds; "
              "MB = 10^6 bytes)" % (c["wrk_seconds"], c["http_rounds"]))
            P("")
            P("| server | file | connections | requests/s | MB/s | MB/s range over rounds | "
              "p50 ms | p99 ms | server CPU ms/MB | errors |")
            P("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
            for s, lines in r.items():
                for (key, conns), m in lines.items():
                    P("| %s | %s | %d | %s | %s | %s | %s | %s | %s | %d |" % (
                        s, sz[key], conns, fmt(m["req_per_s"]), fmt(m["MBps"]),
                        "%s-%s" % (fmt(m["range"][0]), fmt(m["range"][1]))
                        if m["runs"] > 1 else "-",
                        fmt(m["p50_ms"]), fmt(m["p99_ms"]), fmt(m["cpu_ms_per_MB"]),
                        m["errors"]))
            px = r.get("pxeproxyd", {})
            peers = [p for p in r if p != "pxeproxyd"]
            rows = []
            for key, conns in (("small", 1), ("small", 64), ("big", 1), ("big", 64)):
                for metric, name, better in (("req_per_s", "requests/s", "higher"),
                                             ("MBps", "MB/s", "higher"),
                                             ("p99_ms", "p99 latency ms", "lower")):
                    if key == "small" and metric == "MBps":
                        continue
                    if key == "big" and metric == "req_per_s":
                        continue
                    rows.append(("%s, %s, %d conn%s" % (name, sz[key], conns,
                                                       "s" if conns > 1 else ""),
                                 better, px.get((key, conns), {}).get(metric),
                                 {p: r[p].get((key, conns), {}).get(metric) for p in peers}, ""))
            ratio_table("HTTP: pxeproxyd vs nginx", peers, rows)

        if "https" in res:
            r = res["https"]
            sz = {"small": fmt_size(c["http_small"]), "big": fmt_size(c["http_big"])}
            P("")
            P("### HTTPS raw figures (wrk, %d s per line, keep-alive; new connections: "
              "tests/bench/tlshs.c, %d at a time, each a full handshake, the certificate "
              "checked, one GET of %s; median of %d rounds; MB = 10^6 bytes)" % (
                  c["wrk_seconds"], c["hs_conns"], sz["small"], c["http_rounds"]))
            P("")
            P("Negotiated by a default client (OpenSSL 3): %s." % "; ".join(
                "%s %s" % (k, v) for k, v in sorted(getattr(self, "tls_negotiated", {}).items())))
            P("")
            P("| server | file | connections | requests/s | MB/s | MB/s range over rounds | "
              "p50 ms | p99 ms | server CPU ms/MB | errors |")
            P("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
            for s_, lines in r.items():
                for k, m in lines.items():
                    if k == "hs":
                        continue
                    key, conns = k
                    P("| %s | %s | %d | %s | %s | %s | %s | %s | %s | %d |" % (
                        s_, sz[key], conns, fmt(m["req_per_s"]), fmt(m["MBps"]),
                        "%s-%s" % (fmt(m["range"][0]), fmt(m["range"][1]))
                        if m["runs"] > 1 else "-",
                        fmt(m["p50_ms"]), fmt(m["p99_ms"]), fmt(m["cpu_ms_per_MB"]),
                        m["errors"]))
            P("")
            P("| server | new connections/s | range over rounds | server CPU us each | failed |")
            P("|---|---:|---:|---:|---:|")
            for s_, lines in r.items():
                m = lines.get("hs")
                if m:
                    P("| %s | %s | %s | %s | %d |" % (
                        s_, fmt(m["per_s"]), "%s-%s" % (fmt(m["range"][0]), fmt(m["range"][1]))
                        if m["runs"] > 1 else "-", fmt(m["cpu_us_per_conn"]), m["failed"]))
            px = r.get("pxeproxyd", {})
            peers = [p for p in r if p != "pxeproxyd"]
            rows = []
            for key, conns in (("small", 1), ("small", 64), ("big", 1), ("big", 64)):
                for metric, name, better in (("req_per_s", "requests/s", "higher"),
                                             ("MBps", "MB/s", "higher"),
                                             ("p99_ms", "p99 latency ms", "lower"),
                                             ("cpu_ms_per_MB", "server CPU ms/MB", "lower")):
                    if key == "small" and metric in ("MBps", "cpu_ms_per_MB"):
                        continue
                    if key == "big" and metric == "req_per_s":
                        continue
                    rows.append(("%s, %s, %d conn%s" % (name, sz[key], conns,
                                                       "s" if conns > 1 else ""),
                                 better, px.get((key, conns), {}).get(metric),
                                 {p: r[p].get((key, conns), {}).get(metric) for p in peers}, ""))
            rows.append(("new connections/s (handshake + GET), %d at a time" % c["hs_conns"],
                         "higher", px.get("hs", {}).get("per_s"),
                         {p: r[p].get("hs", {}).get("per_s") for p in peers}, ""))
            rows.append(("server CPU us per new connection", "lower",
                         px.get("hs", {}).get("cpu_us_per_conn"),
                         {p: r[p].get("hs", {}).get("cpu_us_per_conn") for p in peers}, ""))
            ratio_table("HTTPS: pxeproxyd vs nginx", peers, rows)

        if self.mem:
            P("")
            P("### Memory raw figures (all processes of the server, summed: RSS and PSS "
              "in KiB; idle = just after start, peak = during the section's load; the "
              "largest over the section's sessions)")
            P("")
            P("| server | section | sessions | RSS idle | PSS idle | RSS peak | PSS peak |")
            P("|---|---|---:|---:|---:|---:|---:|")
            seen, count = {}, {}
            for s, sec, idle, peak in self.mem:
                e = seen.setdefault((s, sec), [idle, peak])
                e[0] = max(e[0], idle)
                e[1] = max(e[1], peak)
                count[(s, sec)] = count.get((s, sec), 0) + 1
            for (s, sec), (idle, peak) in seen.items():
                P("| %s | %s | %d | %d | %d | %d | %d |" % (s, sec, count[(s, sec)],
                                                         idle[0], idle[1], peak[0], peak[1]))
            rows = []
            peers = sorted({s for s, sec in seen if s != "pxeproxyd"})
            for i, kind in ((0, "RSS"), (1, "PSS")):
                idle_px = [v[0][i] for (s, sec), v in seen.items() if s == "pxeproxyd"]
                if idle_px:
                    rows.append(("%s idle, KiB (largest seen)" % kind, "lower", max(idle_px),
                                 {p: max(v[0][i] for (s, sec), v in seen.items() if s == p)
                                  for p in peers}, ""))
                for sec, what in (("tftp", "TFTP section (up to %d clients)" % c["tftp_clients"]),
                                  ("http", "HTTP section (up to 64 connections)"),
                                  ("dhcp", "proxyDHCP flood")):
                    if ("pxeproxyd", sec) in seen:
                        rows.append(("%s peak, KiB, %s" % (kind, what), "lower",
                                     seen[("pxeproxyd", sec)][1][i],
                                     {p: seen[(p, sec)][1][i] for p in peers
                                      if (p, sec) in seen}, ""))
                if "load" in res:
                    for n, d in sorted(res["load"]["pxeproxyd"].items()):
                        if n == c["mem_clients"]:
                            rows.append(("%s peak, KiB, %d booting clients (loadclient.py)"
                                         % (kind, n), "lower",
                                         d["rss_peak_kb" if i == 0 else "pss_peak_kb"], {},
                                         "(no peer: pxeproxyd only)"))
            ratio_table("Memory (RSS; PSS counts shared pages once)", peers, rows)

        if "load" in res:
            d = res["load"]["pxeproxyd"]
            ns = sorted(d)
            base = d[ns[0]]
            P("")
            P("### Scale: N machines booting at once (loadclient.py: DISCOVER, REQUEST, "
              "TFTP %s at blksize 1468, HTTP GET %s; pxeproxyd only)" % (
                  fmt_size(c["load_tftp"]), fmt_size(c["load_http"])))
            P("")
            P("| clients | complete | failed | total s | per client p50 s | max s | "
              "total / N (ms) | growth vs N=%d (time ratio / client ratio) | server CPU s | "
              "RSS peak KiB |" % ns[0])
            P("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            for n in ns:
                m = d[n]
                growth = (m["seconds"] / base["seconds"]) / (n / ns[0]) if base["seconds"] else 0
                P("| %d | %d | %d | %s | %s | %s | %s | %.2f | %s | %d |" % (
                    n, m["ok"], m["failed"], fmt(m["seconds"]), fmt(m["p50_s"]),
                    fmt(m["max_s"]), fmt(m["seconds"] * 1e3 / n), growth,
                    fmt(m["cpu_s"]), m["rss_peak_kb"]))
            P("")
            P("Growth <= 1 means the time grows no faster than the number of clients "
              "(linear or better).  The load client is one Python process: at 500 "
              "clients it, not the server, is usually the limit (compare server CPU s "
              "with total s).")
        return "\n".join(out)


def fmt_size(n):
    for u, s in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= s and n % s == 0:
            return "%d %s" % (n // s, u)
    return "%d B" % n


def to_ms(v, u):
    return float(v) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}[u]


def to_mb(v, u):
    return float(v) * {"B": 1e-6, "KB": 1024 / 1e6, "MB": (1 << 20) / 1e6,
                       "GB": (1 << 30) / 1e6, "TB": (1 << 40) / 1e6}[u]


def parse_wrk(out):
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m), ([\d.]+)(B|KB|MB|GB|TB) read", out)
    if not m:
        return None
    secs = to_ms(m[2], m[3]) / 1e3
    d = dict(requests=int(m[1]), seconds=secs, MB=to_mb(m[4], m[5]))
    d["req_per_s"] = d["requests"] / secs
    d["MBps"] = d["MB"] / secs
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        mm = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s|m)\s*$" % pct, out, re.M)
        d[key] = to_ms(mm[1], mm[2]) if mm else None
    err = 0
    mm = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if mm:
        err += int(mm[1])
    mm = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if mm:
        err += sum(int(x) for x in mm.groups())
    d["errors"] = err
    return d


def httpget(url, cafile):
    """Helper run inside the client namespace: GET, print the sha256."""
    import ssl, urllib.request
    h = hashlib.sha256()
    ctx = ssl.create_default_context(cafile=cafile) if url.startswith("https") else None
    with urllib.request.urlopen(url, timeout=60, context=ctx) as r:
        if r.status != 200:
            print("status %d" % r.status)
            return 1
        while True:
            b = r.read(1 << 20)
            if not b:
                break
            h.update(b)
    print(h.hexdigest())
    return 0


def machine():
    cpu = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    deb = "?"
    try:
        deb = open("/etc/debian_version").read().strip()
    except OSError:
        pass
    pretty = ""
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                pretty = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    mem = "?"
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal:"):
            mem = "%.1f GiB" % (int(line.split()[1]) / (1 << 20))
    return dict(nproc=os.cpu_count(), cpu=cpu, kernel=platform.release(),
                debian="%s (%s)" % (pretty, deb), memory=mem,
                date=datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"))


def versions(pxeproxyd):
    v = {}
    for name, argv in (("pxeproxyd", [pxeproxyd, "-V"]), ("dnsmasq", ["dnsmasq", "-v"]),
                       ("tftpd-hpa", ["in.tftpd", "-V"]), ("nginx", ["nginx", "-v"]),
                       ("wrk", ["wrk", "-v"])):
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=10)
            v[name] = (r.stdout + r.stderr).strip().splitlines()[0].split("Copyright")[0].strip()
        except (OSError, IndexError, subprocess.TimeoutExpired):
            v[name] = "?"
    v["commit"] = os.environ.get("BENCH_BUILD", "")
    if not v["commit"]:
        try:
            d = subprocess.run(["git", "-C", TOP, "describe", "--always", "--dirty"],
                               capture_output=True, text=True).stdout.strip()
            v["commit"] = "built from this tree" + (", commit " + d if d else "")
        except OSError:
            v["commit"] = "built from this tree"
        if os.path.realpath(pxeproxyd) != os.path.realpath(os.path.join(TOP, "src/pxeproxyd")):
            v["commit"] = "binary " + pxeproxyd
    return v


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "_httpget":
        return httpget(sys.argv[2], sys.argv[3])
    p = argparse.ArgumentParser()
    p.add_argument("--pxeproxyd", required=True)
    p.add_argument("--pxebench", required=True)
    p.add_argument("--tlshs", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--tftp-mtu", type=int, default=int(os.environ.get("BENCH_TFTP_MTU", 9000)))
    p.add_argument("--markdown")
    p.add_argument("--json")
    p.add_argument("sections", nargs="*")
    a = p.parse_args()
    sections = a.sections or SECTIONS
    for s in sections:
        if s not in SECTIONS:
            p.error("unknown section %r (choose from %s)" % (s, " ".join(SECTIONS)))

    def on_signal(sig, frame):
        raise KeyboardInterrupt("signal %d" % sig)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    b = Bench(a)
    t0 = time.monotonic()
    mach = machine()
    load0 = open("/proc/loadavg").read().split()[:3]
    vers = versions(a.pxeproxyd)
    try:
        b.setup()
        for s in SECTIONS:
            if s not in sections or s in ("mem", "scale"):
                continue
            log("== %s" % s)
            ts = time.monotonic()
            getattr(b, s)()
            log("   (%s took %.0f s)" % (s, time.monotonic() - ts))
        if "mem" in sections or "scale" in sections:
            log("== %s" % " and ".join(x for x in ("mem", "scale") if x in sections))
            ts = time.monotonic()
            b.mem_scale("mem" in sections, "scale" in sections)
            log("   (took %.0f s)" % (time.monotonic() - ts))
    finally:
        Lab.teardown_all()
    elapsed = time.monotonic() - t0
    load1 = open("/proc/loadavg").read().split()[:3]
    head = ["## Run of %s%s" % (mach["date"], " (--quick: small sizes, figures only "
                                "check that the benchmark works)" if a.quick else ""),
            "",
            "- machine: %d CPUs, %s, %s RAM" % (mach["nproc"], mach["cpu"], mach["memory"]),
            "- kernel %s, %s" % (mach["kernel"], mach["debian"]),
            "- %s (%s); peers: %s; %s; %s; load: %s" % (
                vers["pxeproxyd"], vers["commit"], vers["dnsmasq"], vers["tftpd-hpa"],
                vers["nginx"], vers["wrk"]),
            "- sections: %s; took %.0f s; load average before %s, after %s" % (
                " ".join(sections), elapsed, " ".join(load0), " ".join(load1)),
            "- ratio = pxeproxyd / peer; column \"better\" says which way is good "
            "(higher: throughput, answers; lower: latency, CPU, memory)"]
    text = "\n".join(head) + "\n" + b.report() + "\n"
    print(text)
    if a.markdown:
        open(a.markdown, "w").write(text)
    if a.json:
        def keyed(d):
            return {str(k): keyed(v) if isinstance(v, dict) else v for k, v in d.items()}
        json.dump(dict(machine=mach, versions=vers, sections=sections, quick=a.quick,
                       results=keyed(b.results),
                       memory=[dict(server=s, section=sec, idle_kb=i, peak_kb=pk)
                               for s, sec, i, pk in b.mem]),
                  open(a.json, "w"), indent=1)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted; cleaned up")
        sys.exit(130)
