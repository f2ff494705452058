#!/usr/bin/env bash
# Integration: the disk fills up under `frontdesk serve` (a small tmpfs when this user may mount one, else the database's
# own size limit, FRONTDESK_DB_MAX_SIZE): webhooks get 503 and a log line naming the cause, the integrity check passes,
# and once there is space the refused messages and new ones are answered, each stored once (disk_full_test.py).
# The bounded form of scripts/faults/disk_full.sh. Run from anywhere after `swift build`.
exec bash "$(dirname "$0")/../lib/drive_serve.sh" disk_full.sh scripts/integration/disk_full_test.py --refused 10
