#!/usr/bin/env bash
# Integration: `frontdesk serve` is killed with SIGKILL while signed Twilio webhooks are in flight, five times in a row
# on the same database (restarted each time); afterwards every message that got a 200 has exactly one message row and
# one reply in the outbox, provider retries are acknowledged as duplicates, and the integrity check passes
# (crash_test.py has the checks). The bounded form of scripts/faults/kill.sh.
# Run from anywhere after `swift build`; exits non-zero on any failure.
exec bash "$(dirname "$0")/../lib/drive_serve.sh" crash.sh scripts/integration/crash_test.py --rounds 5 \
  --requests "${CRASH_REQUESTS:-120}"
