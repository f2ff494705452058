"""A database locked by an outside writer while signed Twilio webhooks arrive at `frontdesk serve`.

  1. Another process (sqlite3, here Python's) holds a write transaction for --hold seconds, less than the busy timeout
     (FRONTDESK_DB_BUSY_TIMEOUT, 5 s by default): every webhook sent meanwhile waits, is retried by SQLite's busy
     handler and is answered once the lock is released; nothing is refused, nothing lost.
  2. With a busy timeout shorter than the hold, webhooks are refused with 503 and a log line naming the cause
     (`webhook_not_stored ... reason=busy`); the provider's retries after the release are answered.
  3. `frontdesk db backup` runs while webhooks stream in: none is refused.
Afterwards every acknowledged message has exactly one message row and one reply row, and PRAGMA integrity_check is ok.
"""

import concurrent.futures
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from frontdesk_driver import Server, answered, arguments, check_once, finish, integrity, messages  # noqa: E402


def hold_lock(db, seconds, held):
    """Takes the write lock as another program would (a write transaction), keeps it `seconds`, commits."""
    connection = sqlite3.connect(db, isolation_level=None, timeout=30)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute(
        "INSERT INTO audit (business_id, actor, via, action, created_at) "
        "VALUES (NULL, 'outside', 'sqlite3', 'outside.write', strftime('%Y-%m-%dT%H:%M:%SZ','now'))")
    held.set()
    time.sleep(seconds)
    connection.execute("COMMIT")
    connection.close()


def send_all(server, batch, threads):
    with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
        return dict(zip(batch, pool.map(lambda sid: server.post(batch[sid], timeout=60), batch)))


def main():
    parser = arguments()
    parser.add_argument("--requests", type=int, default=30, help="webhooks sent while the lock is held, each phase")
    parser.add_argument("--hold", type=float, default=1.5, help="seconds the outside writer keeps the lock")
    args = parser.parse_args()

    db = os.path.join(args.dir, "frontdesk.sqlite")
    server = Server(args.frontdesk, db, args.port, os.path.join(args.dir, "server.log"), args.pidfile)
    prefix = f"SMlock{os.getpid()}x"
    failures = []
    acknowledged = []
    try:
        server.prepare()
        server.start()

        # 1. Held for less than the busy timeout: everything waits, then goes through.
        held = threading.Event()
        holder = threading.Thread(target=hold_lock, args=(db, args.hold, held))
        holder.start()
        held.wait()
        started = time.monotonic()
        waited = send_all(server, messages(prefix + "a", args.requests), 8)
        slowest = time.monotonic() - started
        holder.join()
        answered(waited, acknowledged, failures, "phase 1, while the lock was held")

        # 2. Held for longer than the busy timeout: refused with 503, answered on the provider's retry.
        server.stop(signal.SIGTERM)
        server.start(env={"FRONTDESK_DB_BUSY_TIMEOUT": "300"})
        held = threading.Event()
        holder = threading.Thread(target=hold_lock, args=(db, args.hold + 1, held))
        holder.start()
        held.wait()
        batch = messages(prefix + "b", args.requests)
        refused = [sid for sid, (status, _) in send_all(server, batch, 8).items() if status == 503]
        holder.join()
        if not refused:
            failures.append("phase 2: no webhook was refused while the lock was held past the busy timeout")
        log = server.log()
        if refused and not ("webhook_not_stored" in log and "reason=busy" in log):
            failures.append("phase 2: the log has no webhook_not_stored line with reason=busy")
        answered(send_all(server, batch, 8), acknowledged, failures, "phase 2, the retry")

        # 3. An online backup while webhooks stream in.
        backup = os.path.join(args.dir, "backup.sqlite")
        copier = subprocess.Popen([args.frontdesk, "db", "backup", "--to", backup, "--db", db],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=server.env)
        during = send_all(server, messages(prefix + "c", args.requests * 3), 8)
        _, errors = copier.communicate(timeout=120)
        if copier.returncode != 0:
            failures.append(f"phase 3: frontdesk db backup failed: {errors.decode()[:300]}")
        answered(during, acknowledged, failures, "phase 3, during the backup")
        server.stop(signal.SIGTERM)
    except RuntimeError as error:
        server.stop(signal.SIGKILL)
        print(f"locked_test: FAILED: {error}", file=sys.stderr)
        return 1

    check_once(db, prefix, acknowledged, failures, "store")
    problems = [line for line in integrity(db) if line != "ok"]
    if problems:
        failures.append(f"integrity_check: {problems[:3]}")
    print(
        f"locked_test: lock held {args.hold:.1f} s: {len(waited)} webhooks waited (all answered within "
        f"{slowest:.1f} s); held past a 0.3 s busy timeout: {len(refused)} of {args.requests} refused with 503, "
        f"all answered on retry; {args.requests * 3} during an online backup answered; {len(acknowledged)} stored "
        f"once each; integrity_check {'ok' if not problems else 'FAILED'}")
    return finish("locked_test", failures)


if __name__ == "__main__":
    sys.exit(main())
