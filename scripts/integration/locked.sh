#!/usr/bin/env bash
# Integration: an outside writer (sqlite3) holds the database while signed webhooks arrive at `frontdesk serve`: within
# the busy timeout they wait and go through; past it they get 503 with a log line and are answered on retry; an online
# backup during load refuses nothing; each acknowledged message is stored once (locked_test.py). The bounded form of
# scripts/faults/locked.sh. Run from anywhere after `swift build`.
exec bash "$(dirname "$0")/../lib/drive_serve.sh" locked.sh scripts/integration/locked_test.py --requests 20
