"""Disk full: `frontdesk serve` runs on a database whose disk fills up while signed Twilio webhooks arrive.

On a small tmpfs when this process may mount one (root): the database lives there and a filler file takes all but a
little of the space. Otherwise the database's own size limit plays the disk (FRONTDESK_DB_MAX_SIZE, which sets SQLite's
PRAGMA max_page_count). Checks:
  - once the space is gone, webhooks get 503 (never 200 without their message kept) and the log says why
    (`webhook_not_stored ... reason=full`);
  - PRAGMA integrity_check is ok while full;
  - once there is space again (the filler removed, or the limit lifted by a restart), the provider's retries of the
    refused messages and new ones are answered; every acknowledged message has exactly one message row and one reply.
"""

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from frontdesk_driver import Server, arguments, check_once, finish, integrity, messages  # noqa: E402


def mount_tmpfs(path, size):
    """True when a tmpfs of `size` is mounted at `path` (root only, and not in every container)."""
    os.makedirs(path, exist_ok=True)
    if os.geteuid() != 0:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", path],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def fill(path, leave):
    """Writes a file that takes all the free space of `path`'s filesystem but `leave` bytes."""
    stat = os.statvfs(os.path.dirname(path))
    size = max(0, stat.f_bavail * stat.f_frsize - leave)
    with open(path, "wb") as f:
        block = b"\0" * (1 << 16)
        while size > 0:
            n = f.write(block[: min(len(block), size)])
            size -= n
    return os.path.getsize(path)


def main():
    parser = arguments()
    parser.add_argument("--requests", type=int, default=400, help="webhooks sent while the space runs out, at most")
    parser.add_argument("--refused", type=int, default=20, help="stop after this many 503s")
    parser.add_argument("--mode", choices=["auto", "tmpfs", "limit"], default="auto")
    args = parser.parse_args()

    disk = os.path.join(args.dir, "disk")
    os.makedirs(disk, exist_ok=True)
    mode = args.mode
    if mode in ("auto", "tmpfs"):
        if mount_tmpfs(disk, "24m"):
            mode = "tmpfs"
        elif mode == "tmpfs":
            print("disk_full_test: FAILED: cannot mount a tmpfs here", file=sys.stderr)
            return 1
        else:
            mode = "limit"
    db = os.path.join(disk, "frontdesk.sqlite")
    server = Server(args.frontdesk, db, args.port, os.path.join(args.dir, "server.log"), args.pidfile)
    prefix = f"SMfull{os.getpid()}x"
    batch = messages(prefix, args.requests)
    failures = []
    acknowledged, refused, other = [], [], []
    later = {}
    filler = os.path.join(disk, "filler")
    try:
        server.prepare()
        if mode == "tmpfs":
            server.start()
            # The WAL, the shared-memory index and a little growth are all there is room for.
            fill(filler, 192 << 10)
        else:
            limit = os.path.getsize(db) + (192 << 10)
            server.start(env={"FRONTDESK_DB_MAX_SIZE": str(limit)})
        for sid, params in batch.items():
            status, body = server.post(params)
            if status == 200 and "<Message>" in body:
                acknowledged.append(sid)
            elif status == 503:
                refused.append(sid)
                if len(refused) >= args.refused:
                    break
            else:
                other.append((sid, status, body[:200]))
        if not refused:
            failures.append(f"no webhook was refused after {len(acknowledged)} were stored: the space never ran out")
        for sid, status, body in other[:5]:
            failures.append(f"{sid}: HTTP {status} {body!r} (expected 200 with a reply, or 503)")
        log = server.log()
        if refused and not ("webhook_not_stored" in log and "reason=full" in log):
            failures.append("the log has no webhook_not_stored line with reason=full")
        problems = [line for line in integrity(db) if line != "ok"]
        if problems:
            failures.append(f"integrity_check while full: {problems[:3]}")

        # Space returns: the filler goes (the server keeps running), or the server restarts without the limit.
        if mode == "tmpfs":
            os.remove(filler)
        else:
            server.stop(signal.SIGTERM)
            server.start()
        retried = {sid: server.post(batch[sid]) for sid in refused}
        for sid, (status, body) in retried.items():
            if status != 200 or "<Message>" not in body:
                failures.append(f"retried {sid} after space returned: HTTP {status} {body[:200]!r}")
        later = messages(prefix + "after", 10)
        for sid, params in later.items():
            status, body = server.post(params)
            if status != 200 or "<Message>" not in body:
                failures.append(f"new message {sid} after space returned: HTTP {status} {body[:200]!r}")
        server.stop(signal.SIGTERM)
        # The store, before a tmpfs goes away: everything acknowledged once, refused messages once after their retry.
        check_once(db, prefix, acknowledged + refused + list(later), failures, "store")
        problems = [line for line in integrity(db) if line != "ok"]
        if problems:
            failures.append(f"integrity_check after stopping: {problems[:3]}")
    except RuntimeError as error:
        server.stop(signal.SIGKILL)
        print(f"disk_full_test: FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        if mode == "tmpfs":
            server.stop(signal.SIGKILL)
            subprocess.run(["umount", disk], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    print(
        f"disk_full_test ({'a 24 MiB tmpfs, filled' if mode == 'tmpfs' else 'FRONTDESK_DB_MAX_SIZE'}): "
        f"{len(acknowledged)} acknowledged before the space ran out, then {len(refused)} refused with 503 and logged; "
        f"integrity_check ok; once there was space again the {len(refused)} retries and {len(later)} new messages "
        f"were answered, each stored once")
    return finish("disk_full_test", failures)


if __name__ == "__main__":
    sys.exit(main())
