#!/usr/bin/env python3
"""scripts/bench idle: Fader, started as a user starts it (scripts/fader, the shipped heap), holds 10,000
idle keep-alive client connections while wrk
drives 64 busy ones; reports errors, throughput and Fader's resident memory. Loopback only; every
process started here is stopped here."""
import os, re, resource, signal, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IDLE = int(os.environ.get("IDLE_CONNS", "10000"))
BACKEND, PROXY = 27701, 27712
BODY = "x" * 100

def wait_port(port, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listens on {port}")

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))

def main():
    resource.setrlimit(resource.RLIMIT_NOFILE, (IDLE + 4096, IDLE + 4096))
    tmp = tempfile.mkdtemp(prefix="fader-idle-")
    os.makedirs(f"{tmp}/t", exist_ok=True)
    with open(f"{tmp}/be.conf", "w") as f:
        f.write(f"""worker_processes 1; daemon off; pid {tmp}/be.pid; error_log {tmp}/be.err warn;
events {{ worker_connections 4096; }}
http {{ access_log off; client_body_temp_path {tmp}/t; proxy_temp_path {tmp}/t; fastcgi_temp_path {tmp}/t;
  uwsgi_temp_path {tmp}/t; scgi_temp_path {tmp}/t; keepalive_requests 10000000;
  server {{ listen 127.0.0.1:{BACKEND}; location / {{ return 200 "{BODY}"; }} }} }}
""")
    with open(f"{tmp}/fader.yaml", "w") as f:
        f.write(f"""listen: 127.0.0.1:{PROXY}
access-log: "off"
idle-timeout: 10m
upstreams:
  stable: {{ endpoints: [127.0.0.1:{BACKEND}] }}
rollouts:
  - name: idle
    baseline: stable
    user-key: [header:X-User-Id]
    anonymous: baseline
""")
    procs = []
    try:
        procs.append(subprocess.Popen(["taskset", "-c", "0", "nginx", "-c", f"{tmp}/be.conf", "-p", tmp],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        fader = subprocess.Popen(["taskset", "-c", "1", f"{ROOT}/scripts/fader", "run", "--config", f"{tmp}/fader.yaml"],
                                 stdout=subprocess.DEVNULL, stderr=open(f"{tmp}/fader.log", "w"), start_new_session=True)
        procs.append(fader)
        wait_port(BACKEND)
        wait_port(PROXY)
        rss_before = rss_kib(fader.pid)
        req = b"GET /idle HTTP/1.1\r\nHost: x\r\nX-User-Id: u\r\n\r\n"
        conns, failed = [], 0
        t0 = time.time()
        for i in range(IDLE):
            s = socket.create_connection(("127.0.0.1", PROXY), timeout=10)
            s.sendall(req)
            got = s.recv(4096)
            if not got.startswith(b"HTTP/1.1 200"):
                failed += 1
            conns.append(s)
        opened = time.time() - t0
        wrk = subprocess.run(["taskset", "-c", "0", "wrk", "-t1", "-c64", "-d10s", "--latency",
                              "-s", f"{ROOT}/scripts/bench-harness/lua/split.lua", f"http://127.0.0.1:{PROXY}/"],
                             capture_output=True, text=True, env={**os.environ, "USER_IDS": "100000"})
        m = re.search(r"BENCH_RESULT (.*)", wrk.stdout)
        stats = dict(kv.split("=") for kv in m.group(1).split()) if m else {}
        # the idle connections must still work after the load
        still = 0
        for s in conns[:: max(1, IDLE // 200)]:
            s.sendall(req)
            if s.recv(4096).startswith(b"HTTP/1.1 200"):
                still += 1
        probed = len(conns[:: max(1, IDLE // 200)])
        rss_after = rss_kib(fader.pid)
        errors = sum(int(stats.get(k, 0)) for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
        print(f"| idle connections | opened in | failed | load req/s (64 conns) | load p99 | load errors | idle still serving | RSS before | RSS with load | fader alive |")
        print(f"|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        print(f"| {IDLE} | {opened:.1f} s | {failed} | {float(stats.get('rps', 0)):.0f} | {int(stats.get('p99_us', 0))/1000:.2f} ms | "
              f"{errors} | {still}/{probed} | {rss_before // 1024} MiB | {rss_after // 1024} MiB | {fader.poll() is None} |")
        for s in conns:
            s.close()
        return 0 if failed == 0 and errors == 0 and still == probed and fader.poll() is None else 1
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)

if __name__ == "__main__":
    sys.exit(main())
