"""Automated notices against a real `frontdesk serve --demo` (issue 17), each point of "Shown by":

- a failed payment in the ledger (`frontdesk billing charge` of Paul's invoice, whose card expired) produces, through
  the reminders scheduler that `serve` runs, an SMS notice with a link in the outbox;
- the reply RETRY retries that invoice and answers with the result (declined: the card expired, with a card link;
  after a new card on that link's page, RETRY again: paid), while "yes" with no notice behind it retries nothing;
- the notices API refuses a duplicate (same period: 409; same Idempotency-Key with another body: 422; the same key
  and body again: the same answer) and a contact not on file (404);
- a notice during quiet hours is scheduled for their end, the morning;
- an opted-out client (STOP) gets nothing.

Run by scripts/integration/notices.sh (through scripts/lib/drive_serve.sh), bounded to well under a minute.
"""

import argparse
import datetime
import http.client
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import zoneinfo

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import frontdesk_driver as fd  # noqa: E402

ADMIN = "demo-admin-token-please-change"  # DemoSecrets.adminToken
PAUL, DANIEL, ALICE, BEN, KATIE = "+15550101016", "+15550101004", "+15550101001", "+15550101002", "+15550101011"
ZONE = zoneinfo.ZoneInfo("America/New_York")  # the demo business's time zone
DEADLINE = time.monotonic() + 50
failures = []
passed = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    (passed if condition else failures).append(what)
    return condition


def cli(args, db, binary):
    out = subprocess.run([binary] + args + ["--db", db], capture_output=True, text=True, timeout=30)
    return out.returncode, out.stdout.strip() + out.stderr.strip()


def notices(db, binary, *extra):
    code, out = cli(["notices", "list", "--business", "demo", "--json", *extra], db, binary)
    return json.loads(out)["notices"] if code == 0 else []


def sms(server, sender, body):
    """Signed Twilio webhook; the inline TwiML reply's text."""
    sid = f"SMnotice{time.monotonic_ns()}"
    status, text = server.post({"Body": body, "From": sender, "MessageSid": sid, "To": fd.BUSINESS_NUMBER}, timeout=60)
    reply = re.search(r"<Message>(.*)</Message>", text or "", re.S)
    return status, (reply.group(1) if reply else "").replace("&amp;", "&")


def api(port, body, key=None):
    headers = {"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    connection.request("POST", "/admin/businesses/demo/notices", body=json.dumps(body), headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, json.loads(data or b"{}")


def page(port, path, form=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    if form is None:
        connection.request("GET", path)
    else:
        connection.request("POST", path, body=urllib.parse.urlencode(form),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, text


def hour_now():
    return datetime.datetime.now(ZONE).hour


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--frontdesk", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pidfile", required=True)
    a = p.parse_args()
    db = os.path.join(a.dir, "notices.sqlite")
    binary = a.frontdesk

    # The demo with the reminders on; quiet hours away from now, so the notices go at once.
    h = hour_now()
    subprocess.run([binary, "demo", "--db", db], check=True, stdout=subprocess.DEVNULL)
    for args in (["plugins", "enable", "reminders"],
                 ["plugins", "set", "reminders", f"quiet_start={(h + 2) % 24}", f"quiet_end={(h + 3) % 24}"]):
        code, out = cli(args + ["--business", "demo"], db, binary)
        check(code == 0, f"frontdesk {' '.join(args)}: {out}")
    server = fd.Server(binary, db, a.port, os.path.join(a.dir, "server.log"), a.pidfile,
                       env={"FRONTDESK_NOTICES_INTERVAL": "1"})
    server.start(warm=False)

    # 1. A failed payment in the ledger becomes an SMS notice with a link, queued in the outbox by serve's scheduler.
    code, out = cli(["billing", "charge", "--business", "demo", "--invoice", "INV-1054"], db, binary)
    check(code == 0 and out == "INV-1054: declined (expired_card)", f"billing charge of Paul's invoice: {out}")
    notice = None
    while time.monotonic() < DEADLINE - 35 and notice is None:
        notice = next((n for n in notices(db, binary, "--kind", "payment_failed") if n["client_id"] == 16), None)
        time.sleep(0.3)
    if check(notice is not None, "serve's reminders turned the failed payment into a payment_failed notice"):
        check(notice["channel"] == "sms" and notice["recipient"] == PAUL and notice["status"] in ("queued", "sent")
              and notice["source"] == "billing", f"  by SMS to Paul, queued, from the billing event: {notice}")
        with sqlite3.connect(db) as c:
            row = c.execute("SELECT kind, body FROM outbox WHERE id = ?", (notice["outbox_id"],)).fetchone()
        check(row is not None and row[0] == "notice" and "Reply RETRY, or update your card: http" in row[1]
              and "/l/" in row[1], f"  the outbox holds it with its link: {row[1] if row else None!r}")

    # 2. The API: 202 with the id, the same answer for the same key and body, 422 for another body, 409 for a
    #    second notice of the period, 404 for a contact not on file.
    body = {"to": ALICE, "kind": "custom", "channel": "sms", "values": {"text": "The sauna is closed today."}}
    s1, first = api(a.port, body, key="order-1")
    s2, again = api(a.port, body, key="order-1")
    check(s1 == 202 and s2 == 202 and first.get("id") == again.get("id") and first.get("status") == "queued",
          f"POST notices: 202 {first}, the same key and body again: the same answer {again}")
    s3, reused = api(a.port, dict(body, values={"text": "Open late."}), key="order-1")
    check(s3 == 422 and "different body" in reused.get("error", ""), f"the same key with another body: {s3} {reused}")
    s4, duplicate = api(a.port, dict(body, values={"text": "Closed again."}), key="order-2")
    check(s4 == 409 and duplicate.get("notice_id") == first.get("id"), f"a second notice this period: {s4} {duplicate}")
    s5, stranger = api(a.port, {"to": "+15559990000", "kind": "custom", "values": {"text": "hi"}})
    check(s5 == 404 and "on file" in stranger.get("error", ""), f"a contact not on file: {s5} {stranger}")

    # 3. During quiet hours a notice is scheduled for their end.
    h = hour_now()
    code, out = cli(["plugins", "set", "reminders", f"quiet_start={h}", f"quiet_end={(h + 1) % 24}",
                     "--business", "demo"], db, binary)
    s6, held = api(a.port, {"to": BEN, "kind": "custom", "values": {"text": "Pool closed tomorrow."}})
    now = datetime.datetime.now(ZONE)
    morning = (now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)).astimezone(
        datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    check(s6 == 202 and held.get("status") == "scheduled" and held.get("send_at") == morning,
          f"a notice in quiet hours ({h}:00-{(h + 1) % 24}:00 New York) waits until {morning}: {held}")
    with sqlite3.connect(db) as c:
        nxt = c.execute("SELECT o.next_attempt_at, o.status FROM outbox o JOIN notices n ON n.outbox_id = o.id "
                        "WHERE n.id = ?", (held.get("id"),)).fetchone()
    check(nxt == (morning, "pending"), f"  its outbox item is pending until then: {nxt}")
    cli(["plugins", "set", "reminders", f"quiet_start={(h + 2) % 24}", f"quiet_end={(h + 3) % 24}",
         "--business", "demo"], db, binary)

    # 4. RETRY acts on that invoice and answers with the result; "yes" without a notice behind it retries nothing.
    status, reply = sms(server, PAUL, "RETRY")
    check(status == 200 and "was declined" in reply and "has expired" in reply and "/l/" in reply,
          f"RETRY from Paul: declined, card expired, with a card link: {reply!r}")
    link = re.search(r"(/l/[A-Za-z0-9_-]+)", reply)
    if check(link is not None, "  the reply carries a card-update link"):
        year = datetime.date.today().year + 2
        code, text = page(a.port, link.group(1))
        check(code == 200, f"  GET the card page: {code}")
        code, text = page(a.port, link.group(1),
                          {"number": "4242424242424242", "exp_month": "12", "exp_year": str(year), "cvc": "123"})
        check(code == 200, f"  a new test card saved on the page: {code}")
    status, reply = sms(server, PAUL, "retry")
    check(status == 200 and "INV-1054 went through" in reply, f"RETRY again after the new card: paid: {reply!r}")
    with sqlite3.connect(db) as c:
        paid = c.execute("SELECT status FROM invoices WHERE number = 'INV-1054'").fetchone()[0]
        daniel_before = c.execute("SELECT status FROM invoices WHERE number = 'INV-1012'").fetchone()[0]
    check(paid == "paid", f"  INV-1054 is {paid}")
    status, reply = sms(server, DANIEL, "yes")
    with sqlite3.connect(db) as c:
        daniel_after = c.execute("SELECT status FROM invoices WHERE number = 'INV-1012'").fetchone()[0]
    check(daniel_before == daniel_after == "failed" and "went through" not in reply,
          f"\"yes\" from Daniel with no notice behind it retried nothing: {reply!r}")

    # 5. An opted-out client gets nothing: no new notice reaches the outbox, and one queued before STOP never leaves.
    status, reply = sms(server, KATIE, "STOP")
    check(status == 200, f"Katie texts STOP: {reply!r}")

    def katie_items():
        with sqlite3.connect(db) as c:
            return c.execute("SELECT id, status FROM outbox WHERE recipient = ? AND kind = 'notice'",
                             (KATIE,)).fetchall()
    before = katie_items()
    s7, stopped = api(a.port, {"to": KATIE, "kind": "custom", "values": {"text": "New classes!"}})
    check(s7 == 202 and stopped.get("status") == "suppressed" and stopped.get("reason") == "opted_out",
          f"a notice to Katie is suppressed: {stopped}")
    after = katie_items()
    check(len(after) == len(before) and all(status != "sent" for _, status in after),
          f"  nothing new for Katie in the outbox, nothing sent to her: {after}")

    code, out = cli(["notices", "list", "--business", "demo", "--limit", "12"], db, binary)
    print("frontdesk notices list --business demo --limit 12:\n" + out)
    check(time.monotonic() < DEADLINE, "finished within the time bound")
    server.stop(15)
    print(f"notices: {len(passed)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
