"""Crash test: SIGKILL `frontdesk serve` while signed Twilio webhooks are in flight, restart it on the same
database, replay acknowledged messages as a provider would, and check the store.

Invariants (SPEC §7 "a crash loses nothing that was acknowledged", §6 "a repeated provider message id is
acknowledged once and never processed twice"):
  - every MessageSid that got a 200 has exactly one message row and exactly one reply row in the outbox;
  - no MessageSid has more than one message row or more than one reply row;
  - a replayed acknowledged MessageSid is acknowledged again (200) with the same TwiML reply, never processed twice
    (the store check below proves it was not processed again).
Prints the counts and exits 1 on any violation. Server pids are written to --pidfile so the calling script's
trap can kill them if this process dies.
"""

import argparse
import base64
import concurrent.futures
import hashlib
import hmac
import http.client
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

TOKEN = "demo-twilio-auth-token"  # DemoSecrets.twilioAuthToken in Sources/FrontdeskApp/Serve.swift
BUSINESS_NUMBER = "+15550100000"  # Demo.smsNumber
CLIENTS = [f"+155501010{n:02d}" for n in range(1, 23)]  # the 22 demo clients
BODIES = ["when is my next billing date?", "what plan am I on?", "how many massages do I have left?"]
PATH = "/webhooks/twilio"


def twilio_signature(url, params):
    """Twilio's documented scheme: base64(HMAC-SHA1(auth token, URL + each key+value, keys sorted))."""
    data = url + "".join(key + params[key] for key in sorted(params))
    return base64.b64encode(hmac.new(TOKEN.encode(), data.encode(), hashlib.sha1).digest()).decode()


class Server:
    def __init__(self, binary, db, port, base_url, log_path, pidfile):
        self.args = [binary, "serve", "--demo", "--db", db, "--host", "127.0.0.1", "--port", str(port)]
        self.port, self.base_url, self.log_path, self.pidfile = port, base_url, log_path, pidfile
        self.process = None

    def start(self):
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            self.args, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, FRONTDESK_BASE_URL=self.base_url)
        )
        log.close()
        with open(self.pidfile, "a") as f:
            f.write(f"{self.process.pid}\n")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"frontdesk serve exited with {self.process.returncode}; see {self.log_path}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("frontdesk serve did not answer /healthz within 30 s")

    def kill(self, sig):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)


def same_reply(a, b):
    """Whether two TwiML answers are the same reply. A one-time link's token is never stored readable, so a
    retried delivery gets the reply with the link's placeholder (`/l/[link 17]`) where the first had the token."""
    link = re.compile(r"/l/(?:\[link(?: \d+)?\]|[A-Za-z0-9_-]{16,})")
    return link.sub("/l/LINK", a) == link.sub("/l/LINK", b)


def post(port, base_url, params, signature=None):
    """(status, body) of one webhook on a fresh connection, or (None, error) if the connection failed."""
    body = urllib.parse.urlencode(params)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": signature or twilio_signature(base_url + PATH, params),
    }
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        connection.request("POST", PATH, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as error:
        return None, type(error).__name__
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--frontdesk", required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pidfile", required=True)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--threads", type=int, default=24)
    parser.add_argument("--kill-after", type=int, default=100, help="SIGKILL after this many responses")
    parser.add_argument("--replay", type=int, default=60, help="acknowledged messages re-sent after the restart")
    args = parser.parse_args()

    base_url = f"http://127.0.0.1:{args.port}"
    db = os.path.join(args.dir, "frontdesk.sqlite")
    server = Server(args.frontdesk, db, args.port, base_url, os.path.join(args.dir, "server.log"), args.pidfile)
    run = f"{os.getpid()}-{int(time.time())}"
    messages = {}
    for i in range(args.requests):
        sid = f"SMcrash{run}x{i:05d}"
        messages[sid] = {"Body": random.choice(BODIES), "From": CLIENTS[i % len(CLIENTS)], "MessageSid": sid,
                         "To": BUSINESS_NUMBER, "AccountSid": "ACdemo"}

    failures = []
    try:
        server.start()

        # Phase 1: all requests at once from a thread pool; a watcher kills the server after --kill-after responses.
        results = {}
        done = threading.Semaphore(0)
        lock = threading.Lock()

        def send(sid):
            outcome = post(args.port, base_url, messages[sid])
            with lock:
                results[sid] = outcome
            done.release()

        def killer():
            for _ in range(args.kill_after):
                done.acquire()
            server.kill(signal.SIGKILL)

        watcher = threading.Thread(target=killer)
        watcher.start()
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.threads) as pool:
            list(pool.map(send, messages))
        watcher.join()
        phase1 = time.monotonic() - started
        acknowledged = sorted(sid for sid, (status, _) in results.items() if status == 200)
        other = [(sid, status, body) for sid, (status, body) in results.items() if status not in (200, None)]
        for sid, status, body in other[:5]:
            failures.append(f"{sid} got HTTP {status} before the kill: {body[:200]!r}")
        for sid in acknowledged:
            if "<Message>" not in results[sid][1]:
                failures.append(f"{sid} was acknowledged without an inline reply: {results[sid][1][:200]!r}")
                break
        if len(acknowledged) == len(messages):
            failures.append("every request was acknowledged: the kill came too late to test anything")

        # Phase 2: restart on the same database; the provider retries a sample of what it saw acknowledged.
        server.start()
        sample = random.sample(acknowledged, min(args.replay, len(acknowledged)))
        replayed = {sid: post(args.port, base_url, messages[sid]) for sid in sample}
        not_duplicate = [(sid, r) for sid, r in replayed.items() if r[0] != 200 or not same_reply(r[1], results[sid][1])]
        for sid, (status, body) in not_duplicate[:5]:
            failures.append(f"replayed {sid} did not get its first reply again: HTTP {status} {body[:200]!r}")

        # The ones that never got an answer, retried too: each must now be processed once, or be a duplicate
        # when its transaction committed before the kill but the response was lost.
        unanswered = sorted(sid for sid, (status, _) in results.items() if status is None)
        # Refused connections never reached the server; resets and disconnects were in flight at the kill.
        errors = {}
        for sid in unanswered:
            errors[results[sid][1]] = errors.get(results[sid][1], 0) + 1
        retried = {sid: post(args.port, base_url, messages[sid]) for sid in unanswered}
        lost_replies = sorted(sid for sid, (status, body) in retried.items() if status == 200 and "<Message>" not in body)
        # A reply committed before the kill whose response was lost comes back on the retry (never lost).
        for sid in lost_replies[:5]:
            failures.append(f"retried {sid} got no reply: its committed inline reply was lost")
        for sid, (status, body) in list(retried.items()):
            if status != 200:
                failures.append(f"retried unanswered {sid} got HTTP {status} after the restart: {body[:200]!r}")
                break

        # Two deliveries of the same new message at once: exactly one is processed and answered.
        pairs = {}
        for i in range(20):
            sid = f"SMcrash{run}y{i:05d}"
            messages[sid] = {"Body": random.choice(BODIES), "From": CLIENTS[i % len(CLIENTS)], "MessageSid": sid,
                             "To": BUSINESS_NUMBER, "AccountSid": "ACdemo"}
        twins = [sid for sid in messages if "y" in sid[len(f"SMcrash{run}"):]]
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda sid: (sid, post(args.port, base_url, messages[sid])), twins + twins))
        for sid, (status, body) in answers:
            pairs.setdefault(sid, []).append((status, body))
        for sid, pair in pairs.items():
            if [p[0] for p in pair] != [200, 200] or "<Message>" not in pair[0][1] or not same_reply(pair[0][1], pair[1][1]):
                failures.append(f"concurrent twin deliveries of {sid} answered {pair} (expected the same reply twice)")
        server.kill(signal.SIGTERM)
    except RuntimeError as error:
        server.kill(signal.SIGKILL)
        print(f"crash_test: FAILED: {error}", file=sys.stderr)
        return 1

    # Phase 3: the store. Reply rows are the client-facing ones (kind reply or compliance), not staff notices.
    connection = sqlite3.connect(db)
    rows = connection.execute(
        """
        SELECT m.provider_message_id, COUNT(DISTINCT m.id),
               (SELECT COUNT(*) FROM outbox o WHERE o.message_id IN
                  (SELECT id FROM messages WHERE provider = 'twilio' AND provider_message_id = m.provider_message_id)
                  AND o.kind IN ('reply', 'compliance'))
        FROM messages m WHERE m.provider = 'twilio' AND m.provider_message_id LIKE ?
        GROUP BY m.provider_message_id
        """,
        (f"SMcrash{run}%",),
    ).fetchall()
    connection.close()
    stored = {sid: (count, replies) for sid, count, replies in rows}
    for sid in acknowledged:
        count, replies = stored.get(sid, (0, 0))
        if count != 1 or replies != 1:
            failures.append(f"acknowledged {sid}: {count} message rows, {replies} reply rows (expected 1 and 1)")
    for sid, (count, replies) in stored.items():
        if count > 1 or replies > 1:
            failures.append(f"{sid}: {count} message rows, {replies} reply rows (at most 1 each)")
    for sid in list(unanswered) + list(pairs):
        if stored.get(sid) != (1, 1):
            failures.append(f"{sid} sent after the restart: {stored.get(sid, (0, 0))} message and reply rows, expected (1, 1)")

    print(
        f"crash_test: sent {len(results)} with {args.threads} threads in {phase1:.2f} s; "
        f"acknowledged before SIGKILL {len(acknowledged)}; unanswered {len(unanswered)} "
        f"({', '.join(f'{n} {name}' for name, n in sorted(errors.items())) or 'none'}); other statuses {len(other)}"
    )
    print(
        f"crash_test: after restart: replayed {len(replayed)} acknowledged -> "
        f"{len(replayed) - len(not_duplicate)} duplicates; retried {len(unanswered)} unanswered -> "
        f"{len(unanswered) - len(lost_replies)} answered with a reply, {len(lost_replies)} empty duplicates "
        f"(committed before the kill, response lost); {len(pairs)} twin deliveries sent concurrently -> "
        f"{sum(1 for pair in pairs.values() if pair[0][1] == pair[1][1])} answered alike (processed once: see store)"
    )
    acknowledged_in_db = sum(1 for sid in acknowledged if sid in stored)
    acknowledged_replies = sum(stored[sid][1] for sid in acknowledged if sid in stored)
    print(
        f"crash_test: store: {len(stored)} messages, {sum(r for _, r in stored.values())} reply rows; "
        f"acknowledged in DB {acknowledged_in_db}/{len(acknowledged)}, their reply rows {acknowledged_replies}"
    )
    if failures:
        for failure in failures[:20]:
            print(f"crash_test: FAILED: {failure}", file=sys.stderr)
        if len(failures) > 20:
            print(f"crash_test: ... and {len(failures) - 20} more", file=sys.stderr)
        return 1
    print("crash_test: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
