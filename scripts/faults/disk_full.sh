#!/usr/bin/env bash
# Fault: the disk is full. `frontdesk serve` keeps its database on a 24 MiB tmpfs that a filler file fills (as root;
# otherwise the database's size limit, FRONTDESK_DB_MAX_SIZE, plays the disk): webhooks get 503 with a log line naming
# the cause, PRAGMA integrity_check stays ok, and once the filler is removed the refused messages and new ones are
# answered, each stored once. CI runs the bounded form, scripts/integration/disk_full.sh. Run after `swift build`.
#   scripts/faults/disk_full.sh [tmpfs|limit|auto]
exec bash "$(dirname "$0")/../lib/drive_serve.sh" disk_full.sh scripts/integration/disk_full_test.py \
  --mode "${1:-auto}" --requests 2000 --refused 100
