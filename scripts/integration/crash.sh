#!/usr/bin/env bash
# Integration: `frontdesk serve` is killed with SIGKILL while signed Twilio webhooks are in flight; after a
# restart on the same database, every message that got a 200 has exactly one message row and one reply in the
# outbox, and provider retries are acknowledged as duplicates (crash_test.py has the checks).
# Run from anywhere after `swift build`; exits non-zero on any failure.
exec bash "$(dirname "$0")/../lib/drive_serve.sh" crash.sh scripts/integration/crash_test.py --requests "${CRASH_REQUESTS:-300}"
