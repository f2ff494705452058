"""What the fault drivers share: starting and stopping `frontdesk serve --demo`, signed Twilio webhooks, and the store
check that every acknowledged message has exactly one message row and one reply row.

Used by scripts/integration/crash_test.py, disk_full_test.py and locked_test.py (through scripts/lib/drive_serve.sh).
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import os
import random
import sqlite3
import subprocess
import sys
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


EXTRA_CLIENTS = 2000  # `frontdesk demo --clients` seeded by Server.prepare


def extra_client(n):
    """The phone of extra demo client n (Demo.extraClientPhone)."""
    return f"+1555{2000000 + n}"


def messages(prefix, count, start=0):
    """`count` distinct signed-webhook parameter sets, MessageSid `prefix` + number, each from one of the extra demo
    clients in turn (so no sender comes near the limit of 60 messages an hour)."""
    out = {}
    for i in range(start, start + count):
        sid = f"{prefix}{i:05d}"
        out[sid] = {"Body": random.choice(BODIES), "From": extra_client(i % EXTRA_CLIENTS + 1), "MessageSid": sid,
                    "To": BUSINESS_NUMBER, "AccountSid": "ACdemo"}
    return out


class Server:
    """`frontdesk serve --demo` on a database, its output appended to `log_path`, its pid written to `pidfile` (the
    calling script kills whatever is listed there on exit)."""

    def __init__(self, binary, db, port, log_path, pidfile, env=None):
        self.args = [binary, "serve", "--demo", "--db", db, "--host", "127.0.0.1", "--port", str(port)]
        self.port, self.log_path, self.pidfile = port, log_path, pidfile
        self.base_url = f"http://127.0.0.1:{port}"
        self.env = dict(os.environ, FRONTDESK_BASE_URL=self.base_url, **(env or {}))
        self.process = None

    def prepare(self):
        """Seeds the demo business with EXTRA_CLIENTS extra clients and lifts its per-minute limit (the load comes far
        faster than a business's 600 a minute); the per-sender limit stays."""
        binary, db = self.args[0], self.args[4]
        for command in (["demo", "--db", db, "--clients", str(EXTRA_CLIENTS)],
                        ["limits", "set", "business_per_minute=0", "--business", "demo", "--db", db]):
            subprocess.run([binary] + command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env=self.env)

    def start(self, env=None, warm=True):
        """Starts and waits for /healthz; with `warm`, also for a first webhook (the classifier trains beside
        serving, and a debug build takes many seconds)."""
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(self.args, stdout=log, stderr=subprocess.STDOUT,
                                        env=dict(self.env, **(env or {})))
        log.close()
        with open(self.pidfile, "a") as f:
            f.write(f"{self.process.pid}\n")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"frontdesk serve exited with {self.process.returncode}; see {self.log_path}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError("frontdesk serve did not answer /healthz within 60 s")
        if warm:
            sid = f"SMwarm{os.getpid()}x{time.monotonic_ns()}"
            params = {"Body": "hi", "From": CLIENTS[0], "MessageSid": sid, "To": BUSINESS_NUMBER}
            status, body = self.post(params, timeout=180)
            if status != 200:
                raise RuntimeError(f"the first webhook got HTTP {status}: {body[:200]!r}")

    def stop(self, sig):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=60)

    def post(self, params, timeout=15):
        return post(self.port, self.base_url, params, timeout=timeout)

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()


def post(port, base_url, params, signature=None, timeout=15):
    """(status, body) of one webhook on a fresh connection, or (None, error name) if the connection failed."""
    body = urllib.parse.urlencode(params)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": signature or twilio_signature(base_url + PATH, params),
    }
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", PATH, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as error:
        return None, type(error).__name__
    finally:
        connection.close()


def stored(db, prefix):
    """MessageSid -> (message rows, client-facing reply rows) for Twilio messages whose MessageSid starts with
    `prefix`. Reply rows are kind reply or compliance (staff notices are not replies)."""
    connection = sqlite3.connect(db)
    try:
        rows = connection.execute(
            """
            SELECT m.provider_message_id, COUNT(DISTINCT m.id),
                   (SELECT COUNT(*) FROM outbox o WHERE o.message_id IN
                      (SELECT id FROM messages WHERE provider = 'twilio' AND provider_message_id = m.provider_message_id)
                      AND o.kind IN ('reply', 'compliance'))
            FROM messages m WHERE m.provider = 'twilio' AND m.provider_message_id LIKE ?
            GROUP BY m.provider_message_id
            """,
            (prefix + "%",),
        ).fetchall()
    finally:
        connection.close()
    return {sid: (count, replies) for sid, count, replies in rows}


def integrity(db):
    """PRAGMA integrity_check's lines ("ok" when sound), read through a connection of its own."""
    connection = sqlite3.connect(db)
    try:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()


def check_once(db, prefix, acknowledged, failures, label):
    """Every acknowledged MessageSid has exactly one message row and one reply row; none has more."""
    rows = stored(db, prefix)
    for sid in acknowledged:
        if rows.get(sid) != (1, 1):
            failures.append(f"{label}: acknowledged {sid} has {rows.get(sid, (0, 0))} message and reply rows")
    for sid, (count, replies) in rows.items():
        if count > 1 or replies > 1:
            failures.append(f"{label}: {sid} has {count} message rows and {replies} reply rows (at most 1 each)")
    return rows


def arguments():
    """The options scripts/lib/drive_serve.sh passes every driver; add a driver's own, then parse."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--frontdesk", required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pidfile", required=True)
    return parser


def answered(results, acknowledged, failures, label):
    """Adds to `acknowledged` every MessageSid whose (status, body) is 200 with a reply; a failure for each other."""
    for sid, (status, body) in results.items():
        if status == 200 and "<Message>" in body:
            acknowledged.append(sid)
        else:
            failures.append(f"{label}: {sid} got HTTP {status} {body[:200]!r}")


def finish(name, failures):
    """The exit code: 0, or 1 after printing the first failures."""
    for failure in failures[:20]:
        print(f"{name}: FAILED: {failure}", file=sys.stderr)
    if len(failures) > 20:
        print(f"{name}: ... and {len(failures) - 20} more", file=sys.stderr)
    return 1 if failures else 0
