"""Crash test: SIGKILL `frontdesk serve` while signed Twilio webhooks are in flight, `--rounds` times in a row on
the same database (restarting it each time), then replay acknowledged messages as a provider would and check the
store.

Invariants (SPEC §7 "a crash loses nothing that was acknowledged", §6 "a repeated provider message id is
acknowledged once and never processed twice"):
  - every MessageSid that got a 200 has exactly one message row and exactly one reply row in the outbox;
  - no MessageSid has more than one message row or more than one reply row;
  - a replayed acknowledged MessageSid is acknowledged again (200) with the same TwiML reply, never processed twice
    (the store check below proves it was not processed again).
Prints the counts and exits 1 on any violation. Server pids are written to --pidfile so the calling script's
trap can kill them if this process dies.
"""

import concurrent.futures
import os
import random
import re
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from frontdesk_driver import Server, arguments, check_once, finish, integrity, messages  # noqa: E402


def fire(server, batch, threads, kill_after):
    """Sends every message of `batch` at once from a pool; SIGKILLs the server after `kill_after` responses."""
    results = {}
    done = threading.Semaphore(0)
    lock = threading.Lock()

    def send(sid):
        outcome = server.post(batch[sid])
        with lock:
            results[sid] = outcome
        done.release()

    def killer():
        for _ in range(kill_after):
            done.acquire()
        server.stop(signal.SIGKILL)

    watcher = threading.Thread(target=killer)
    watcher.start()
    with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(send, batch))
    watcher.join()
    return results


def same_reply(a, b):
    """Whether two TwiML answers are the same reply. A one-time link's token is never stored readable, so a
    retried delivery gets the reply with the link's placeholder (`/l/[link 17]`) where the first had the token."""
    link = re.compile(r"/l/(?:\[link(?: \d+)?\]|[A-Za-z0-9_-]{16,})")
    return link.sub("/l/LINK", a) == link.sub("/l/LINK", b)


def main():
    parser = arguments()
    parser.add_argument("--rounds", type=int, default=1, help="SIGKILLs in a row, each after a restart")
    parser.add_argument("--requests", type=int, default=300, help="webhooks sent in each round")
    parser.add_argument("--threads", type=int, default=24)
    parser.add_argument("--kill-after", type=int, default=0, help="SIGKILL after this many responses (0: a third)")
    parser.add_argument("--replay", type=int, default=60, help="acknowledged messages re-sent after the restart")
    args = parser.parse_args()

    db = os.path.join(args.dir, "frontdesk.sqlite")
    server = Server(args.frontdesk, db, args.port, os.path.join(args.dir, "server.log"), args.pidfile)
    run = f"{os.getpid()}-{int(time.time())}"
    prefix = f"SMcrash{run}"
    kill_after = args.kill_after or max(1, args.requests // 3)
    sent = {}
    results = {}
    failures = []
    rounds = []
    try:
        server.prepare()
        # Phase 1: each round starts the server on the same database, sends every request at once and kills the
        # server mid-flight.
        for round_number in range(args.rounds):
            server.start()
            batch = messages(f"{prefix}r{round_number}x", args.requests)
            sent.update(batch)
            started = time.monotonic()
            outcome = fire(server, batch, args.threads, kill_after)
            results.update(outcome)
            acknowledged = [sid for sid, (status, _) in outcome.items() if status == 200]
            rounds.append((len(acknowledged), time.monotonic() - started))
            if len(acknowledged) == len(batch):
                failures.append(f"round {round_number + 1}: every request was acknowledged: the kill came too late")
        acknowledged = sorted(sid for sid, (status, _) in results.items() if status == 200)
        other = [(sid, status, body) for sid, (status, body) in results.items() if status not in (200, None)]
        for sid, status, body in other[:5]:
            failures.append(f"{sid} got HTTP {status} before a kill: {body[:200]!r}")
        for sid in acknowledged:
            if "<Message>" not in results[sid][1]:
                failures.append(f"{sid} was acknowledged without an inline reply: {results[sid][1][:200]!r}")
                break

        # Phase 2: restart on the same database; the provider retries a sample of what it saw acknowledged.
        server.start()
        sample = random.sample(acknowledged, min(args.replay, len(acknowledged)))
        replayed = {sid: server.post(sent[sid]) for sid in sample}
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
        retried = {sid: server.post(sent[sid]) for sid in unanswered}
        lost_replies = sorted(sid for sid, (status, body) in retried.items() if status == 200 and "<Message>" not in body)
        # A reply committed before the kill whose response was lost comes back on the retry (never lost).
        for sid in lost_replies[:5]:
            failures.append(f"retried {sid} got no reply: its committed inline reply was lost")
        for sid, (status, body) in list(retried.items()):
            if status != 200:
                failures.append(f"retried unanswered {sid} got HTTP {status} after the restart: {body[:200]!r}")
                break

        # Two deliveries of the same new message at once: exactly one is processed and answered.
        twins = messages(f"{prefix}y", 20)
        sent.update(twins)
        pairs = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda sid: (sid, server.post(sent[sid])), list(twins) + list(twins)))
        for sid, (status, body) in answers:
            pairs.setdefault(sid, []).append((status, body))
        for sid, pair in pairs.items():
            if [p[0] for p in pair] != [200, 200] or "<Message>" not in pair[0][1] or not same_reply(pair[0][1], pair[1][1]):
                failures.append(f"concurrent twin deliveries of {sid} answered {pair} (expected the same reply twice)")
        server.stop(signal.SIGTERM)
    except RuntimeError as error:
        server.stop(signal.SIGKILL)
        print(f"crash_test: FAILED: {error}", file=sys.stderr)
        return 1

    # Phase 3: the store.
    stored = check_once(db, prefix, acknowledged, failures, "store")
    for sid in list(unanswered) + list(pairs):
        if stored.get(sid) != (1, 1):
            failures.append(f"{sid} sent after the restart: {stored.get(sid, (0, 0))} message and reply rows, expected (1, 1)")
    problems = [line for line in integrity(db) if line != "ok"]
    if problems:
        failures.append(f"integrity_check: {problems[:3]}")

    for number, (count, seconds) in enumerate(rounds, 1):
        print(f"crash_test: round {number}: {args.requests} sent with {args.threads} threads in {seconds:.2f} s; "
              f"{count} acknowledged before SIGKILL")
    print(
        f"crash_test: over {args.rounds} SIGKILLs: acknowledged {len(acknowledged)}; unanswered {len(unanswered)} "
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
        f"acknowledged in DB {acknowledged_in_db}/{len(acknowledged)}, their reply rows {acknowledged_replies}; "
        f"integrity_check {'ok' if not problems else 'FAILED'}"
    )
    if not failures:
        print("crash_test: ok")
    return finish("crash_test", failures)


if __name__ == "__main__":
    sys.exit(main())
