#!/usr/bin/env bash
# Integration: automated notices against a real `frontdesk serve --demo` (issue 17): a failed payment in the ledger
# becomes an SMS notice with a link in the outbox; RETRY retries that invoice and answers with the result; the notices
# API refuses a duplicate and a contact not on file; a notice in quiet hours is scheduled for the morning; an
# opted-out client gets nothing (notices_test.py). Bounded (the driver gives up after 50 s, `timeout` at 90 s) and the
# server is killed on exit. Run from anywhere after `swift build`.
exec timeout 90 bash "$(dirname "$0")/../lib/drive_serve.sh" notices.sh scripts/integration/notices_test.py
