"""Bounded resources: attack `frontdesk serve --demo` as a hostile client would and check the server's limits hold.

Checks (README "Limits"):
  1. 16 concurrent unauthenticated 24 MiB posts to /webhooks/postmark and /webhooks/sendgrid are refused (403) as soon
     as their headers are in, and the server's resident memory (VmRSS sampled from /proc/<pid>/status) grows by less
     than --rss-bound MB;
  2. 16 concurrent signed 24 MiB Mailgun posts (a 24 MiB attachment each) are accepted (200) and spooled to disk: RSS
     again grows by less than --rss-bound MB, and the spool folder is empty afterwards (files are unlinked);
  3. while 300 slow connections from 127.0.0.2 ... 127.0.0.255 are open and trickling header bytes, /healthz from
     127.0.0.1 answers 200 within --healthz-bound seconds, every time;
  4. a client sending one byte every 10 s (never idle long enough for the idle timeout) is disconnected by the total
     request deadline, and so are the 300 slow connections.
Prints the figures and exits 1 when a bound is exceeded. Server pids go to --pidfile for the calling script's trap.
"""

import argparse
import concurrent.futures
import hashlib
import hmac
import http.client
import os
import select
import socket
import sqlite3
import subprocess
import sys
import threading
import time

MIB = 1 << 20
MAILGUN_KEY = "demo-mailgun-signing-key"  # DemoSecrets.mailgunSigningKey in Sources/FrontdeskApp/Serve.swift
INBOX = "desk@maple-studio.example"  # Demo.inbox
BODY_SIZE = 24 * MIB


def rss_kb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


class RssSampler:
    """Samples VmRSS every 10 ms until stopped; keeps the highest."""

    def __init__(self, pid):
        self.pid, self.peak, self.running = pid, rss_kb(pid), True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_kb(self.pid))
            time.sleep(0.01)

    def stop(self):
        self.running = False
        self.thread.join()
        return self.peak


def healthz(port, source="127.0.0.1", timeout=5.0):
    """(status, seconds) of one GET /healthz on a new connection."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request("GET", "/healthz")
        status = conn.getresponse().status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, time.monotonic() - started


def post_streaming(port, path, headers, head, payload, tail, timeout=60.0):
    """Sends a POST whose body is head + payload + tail, reading the response while sending (as a client does that
    stops when the server answers early). Returns (status, seconds to the status line, body bytes the socket
    accepted)."""
    total = len(head) + len(payload) + len(tail)
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {total}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    started = time.monotonic()
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    sock.setblocking(False)
    pieces = [memoryview(part) for part in (head, payload, tail) if part]
    sent, response = 0, b""
    piece, offset = 0, 0
    deadline = started + timeout
    try:
        while time.monotonic() < deadline:
            want_write = piece < len(pieces)
            readable, writable, _ = select.select([sock], [sock] if want_write else [], [], 1.0)
            if readable:
                try:
                    data = sock.recv(65536)
                except ConnectionResetError:
                    break
                if not data:
                    break
                response += data
                if b"\r\n" in response and piece < len(pieces):
                    piece = len(pieces)  # answered early: stop sending
                continue
            if writable:
                chunk = pieces[piece][offset : offset + 256 * 1024]
                try:
                    n = sock.send(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    piece = len(pieces)
                    continue
                sent += n
                offset += n
                if offset >= len(pieces[piece]):
                    piece, offset = piece + 1, 0
    finally:
        sock.close()
    elapsed = time.monotonic() - started
    try:
        status = int(response.split(b" ", 2)[1])
    except (IndexError, ValueError):
        status = 0
    return status, elapsed, sent


def multipart(boundary, fields, filename=None, attachment_size=0):
    """(head, tail) of a multipart/form-data body whose attachment (of attachment_size bytes) goes between them."""
    head = b""
    for name, value in fields:
        head += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    if filename:
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="attachment-1"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
    else:
        tail = f"--{boundary}--\r\n".encode()
    return head, tail


def mailgun_fields(n):
    timestamp = str(int(time.time()))
    token = hashlib.sha256(f"limits-{n}-{time.time()}".encode()).hexdigest()[:32]
    signature = hmac.new(MAILGUN_KEY.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
    return [
        ("recipient", INBOX),
        ("sender", "alice@example.com"),
        ("from", "Alice Johnson <alice@example.com>"),
        ("subject", "Scan attached"),
        ("body-plain", "when is my next billing date?"),
        ("Message-Id", f"<limits-{token}@example.com>"),
        ("X-Mailgun-Spf", "Pass"),
        ("X-Mailgun-Dkim-Check-Result", "Pass"),
        ("timestamp", timestamp),
        ("token", token),
        ("signature", signature),
    ]


class Report:
    def __init__(self):
        self.failures = []

    def check(self, ok, message):
        print(("  ok    " if ok else "  FAIL  ") + message, flush=True)
        if not ok:
            self.failures.append(message)


def phase_unauthenticated(args, pid, report):
    print("1. 16 unauthenticated 24 MiB posts (8 to /webhooks/postmark, 8 to /webhooks/sendgrid), concurrently")
    payload = bytes(BODY_SIZE)
    before = rss_kb(pid)
    sampler = RssSampler(pid)

    def one(n):
        if n % 2 == 0:
            headers = {"Content-Type": "application/json", "Authorization": "Basic cG9zdG1hcms6d3Jvbmc="}
            return post_streaming(args.port, "/webhooks/postmark", headers, b"", payload, b"")
        headers = {"Content-Type": "multipart/form-data; boundary=xYzZY"}  # no credentials at all
        head, tail = multipart("xYzZY", [("to", INBOX)], "big.bin")
        return post_streaming(args.port, "/webhooks/sendgrid", headers, head, payload, tail)

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(one, range(16)))
    time.sleep(0.3)
    peak = sampler.stop()
    after = rss_kb(pid)
    statuses = sorted({r[0] for r in results})
    slowest = max(r[1] for r in results)
    accepted = max(r[2] for r in results)
    growth = (peak - before) / 1024
    print(
        f"  RSS before {before / 1024:.1f} MB, peak {peak / 1024:.1f} MB, after {after / 1024:.1f} MB "
        f"(growth {growth:.1f} MB); statuses {statuses}; slowest answer {slowest * 1000:.0f} ms; "
        f"at most {accepted / MIB:.1f} MiB of a body entered socket buffers before the answer"
    )
    report.check(statuses == [403], f"every unauthenticated post refused with 403 (got {statuses})")
    report.check(slowest < 2.0, f"refused as soon as the headers were in (slowest {slowest:.2f} s < 2 s)")
    report.check(growth < args.rss_bound, f"RSS growth {growth:.1f} MB < {args.rss_bound} MB")


def phase_mailgun(args, pid, report):
    print("2. 16 signed 24 MiB Mailgun posts (24 MiB attachment each), concurrently")
    payload = bytes(BODY_SIZE)
    before = rss_kb(pid)
    sampler = RssSampler(pid)

    def one(n):
        head, tail = multipart("mgb", mailgun_fields(n), f"scan-{n}.pdf", len(payload))
        headers = {"Content-Type": "multipart/form-data; boundary=mgb"}
        return post_streaming(args.port, "/webhooks/mailgun", headers, head, payload, tail, timeout=120)

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(one, range(16)))
    elapsed = time.monotonic() - started
    time.sleep(0.3)
    peak = sampler.stop()
    after = rss_kb(pid)
    statuses = sorted(r[0] for r in results)
    growth = (peak - before) / 1024
    leftovers = os.listdir(args.spool)
    print(
        f"  RSS before {before / 1024:.1f} MB, peak {peak / 1024:.1f} MB, after {after / 1024:.1f} MB "
        f"(growth {growth:.1f} MB); {16 * BODY_SIZE / MIB:.0f} MiB sent in {elapsed:.1f} s; statuses {sorted(set(statuses))}"
    )
    report.check(statuses == [200] * 16, f"all 16 accepted (statuses {statuses})")
    report.check(growth < args.rss_bound, f"RSS growth {growth:.1f} MB < {args.rss_bound} MB (bodies spooled)")
    report.check(leftovers == [], f"spool folder empty afterwards ({len(leftovers)} entries)")
    # Each message was stored with the size of the whole body it came in (read back from its spool file).
    db = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    try:
        stored = db.execute(
            "SELECT count(*) FROM messages WHERE provider = 'mailgun' AND direction = 'in' AND raw_size > ?",
            (BODY_SIZE,),
        ).fetchone()[0]
    finally:
        db.close()
    report.check(stored == 16, f"16 messages stored, each with its full body size ({stored})")


def open_slow(port, source):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((source, 0))
    sock.settimeout(5)
    sock.connect(("127.0.0.1", port))
    sock.sendall(b"POST /webhooks/twilio HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ")
    sock.setblocking(False)
    return sock


def is_closed(sock):
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return False
        return sock.recv(4096) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except BlockingIOError:
        return False


def phase_slow(args, pid, report):
    print("3. 300 slow connections from 127.0.0.2-255 trickling headers, /healthz probed from 127.0.0.1")
    print("4. one client sending a byte every 10 s")
    slow_result = {}

    def slow_sender():
        sock = socket.create_connection(("127.0.0.1", args.port), timeout=5)
        started = time.monotonic()
        request = b"POST /webhooks/twilio HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100
        for byte in request:
            try:
                sock.send(bytes([byte]))
            except OSError:
                break
            readable, _, _ = select.select([sock], [], [], 10.0)
            if readable:
                try:
                    data = sock.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    break
            if time.monotonic() - started > args.deadline + 15:
                slow_result["closed_after"] = None
                sock.close()
                return
        slow_result["closed_after"] = time.monotonic() - started
        sock.close()

    slow_thread = threading.Thread(target=slow_sender, daemon=True)
    slow_thread.start()

    sockets, failures = [], 0
    opened_at = time.monotonic()
    for n in range(300):
        try:
            sockets.append(open_slow(args.port, f"127.0.0.{2 + n % 254}"))
        except OSError:
            failures += 1
    print(f"  opened {len(sockets)} slow connections in {time.monotonic() - opened_at:.2f} s ({failures} failed)")

    stop = threading.Event()

    def trickle():
        while not stop.is_set():
            for sock in sockets:
                try:
                    sock.send(b"a")
                except OSError:
                    pass
            stop.wait(2.0)

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()

    latencies, statuses = [], []
    probe_until = opened_at + min(20.0, args.deadline - 5)
    while time.monotonic() < probe_until:
        status, seconds = healthz(args.port)
        statuses.append(status)
        latencies.append(seconds)
        time.sleep(1.0)
    still_open = sum(1 for sock in sockets if not is_closed(sock))
    rss_loaded = rss_kb(pid) / 1024
    print(
        f"  /healthz x{len(latencies)} under load: max {max(latencies) * 1000:.1f} ms, "
        f"median {sorted(latencies)[len(latencies) // 2] * 1000:.1f} ms; statuses {sorted(set(statuses))}; "
        f"{still_open} of {len(sockets)} slow connections still open; RSS {rss_loaded:.1f} MB"
    )
    report.check(failures == 0, f"all 300 slow connections accepted ({failures} refused)")
    report.check(set(statuses) == {200}, f"/healthz answered 200 every time ({sorted(set(statuses))})")
    report.check(
        max(latencies) < args.healthz_bound,
        f"/healthz within {args.healthz_bound} s every time (max {max(latencies):.3f} s)",
    )
    report.check(still_open == len(sockets), f"the slow connections were still open while probing ({still_open})")

    slow_thread.join(timeout=args.deadline + 20)
    closed_after = slow_result.get("closed_after")
    stop.set()
    trickler.join()
    # They opened just after the slow sender; give the sweeper (once a second) a few rounds.
    open_sockets = list(sockets)
    settle_until = time.monotonic() + 5
    while open_sockets and time.monotonic() < settle_until:
        open_sockets = [sock for sock in open_sockets if not is_closed(sock)]
        time.sleep(0.2)
    closed = len(sockets) - len(open_sockets)
    for sock in sockets:
        sock.close()
    shown = "never" if closed_after is None else f"{closed_after:.1f} s"
    print(f"  byte-every-10-s sender disconnected after {shown}; {closed} of {len(sockets)} slow connections closed")
    report.check(
        closed_after is not None and args.deadline - 1 <= closed_after <= args.deadline + 4,
        f"slow sender closed by the {args.deadline} s deadline (after {shown})",
    )
    report.check(closed == len(sockets), f"the 300 slow connections were closed by the deadline ({closed})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--frontdesk", required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pidfile", required=True)
    parser.add_argument("--deadline", type=int, default=30, help="FRONTDESK_HTTP_REQUEST_TIMEOUT (the default)")
    parser.add_argument("--rss-bound", type=float, default=50.0)
    parser.add_argument("--healthz-bound", type=float, default=1.0)
    args = parser.parse_args()
    args.spool = os.path.join(args.dir, "spool")
    args.db = os.path.join(args.dir, "limits.sqlite")
    os.makedirs(args.spool, exist_ok=True)

    env = dict(os.environ, FRONTDESK_TMPDIR=args.spool, FRONTDESK_HTTP_REQUEST_TIMEOUT=str(args.deadline))
    command = [args.frontdesk, "serve", "--demo", "--db", args.db]
    command += ["--host", "127.0.0.1", "--port", str(args.port)]
    log = open(os.path.join(args.dir, "server.log"), "w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    with open(args.pidfile, "a") as f:
        f.write(f"{server.pid}\n")
    report = Report()
    try:
        started = time.monotonic()
        while healthz(args.port, timeout=1)[0] != 200:
            if server.poll() is not None or time.monotonic() - started > 60:
                print("limits_test: the server did not start", file=sys.stderr)
                return 1
            time.sleep(0.2)
        for _ in range(5):  # warm up: first requests allocate what every later one reuses
            healthz(args.port)
        phase_unauthenticated(args, server.pid, report)
        phase_mailgun(args, server.pid, report)
        phase_slow(args, server.pid, report)
        print(f"  VmHWM (peak RSS since start) {rss_kb(server.pid, 'VmHWM') / 1024:.1f} MB")
        report.check(server.poll() is None, "the server is still running")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    if report.failures:
        print(f"limits_test: {len(report.failures)} check(s) failed", file=sys.stderr)
        return 1
    print("limits_test: every bound held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
