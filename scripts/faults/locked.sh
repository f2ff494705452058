#!/usr/bin/env bash
# Fault: the database is busy or locked by an outside writer (the sqlite3 shell, another program, a backup). Webhooks
# sent while it holds the lock for less than FRONTDESK_DB_BUSY_TIMEOUT wait and are answered; past the timeout they get
# 503 with a log line and are answered on the provider's retry; an online backup during load refuses nothing; nothing is
# lost or stored twice. CI runs the bounded form, scripts/integration/locked.sh. Run after `swift build`.
#   scripts/faults/locked.sh [webhooks per phase (200)] [seconds held (3)]
exec bash "$(dirname "$0")/../lib/drive_serve.sh" locked.sh scripts/integration/locked_test.py \
  --requests "${1:-200}" --hold "${2:-3}"
