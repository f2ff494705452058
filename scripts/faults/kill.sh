#!/usr/bin/env bash
# Fault: SIGKILL during load, five times in a row. `frontdesk serve` takes 2,000 signed Twilio webhooks at once from
# 64 connections each round and is killed a third of the way through; after the fifth restart every acknowledged
# message has exactly one message row and one reply row, none twice, and PRAGMA integrity_check is ok.
# CI runs the bounded form, scripts/integration/crash.sh. Run after `swift build`.
#   scripts/faults/kill.sh [requests per round (2000)] [rounds (5)]
exec bash "$(dirname "$0")/../lib/drive_serve.sh" kill.sh scripts/integration/crash_test.py --rounds "${2:-5}" \
  --requests "${1:-2000}" --threads 64 --replay 200
