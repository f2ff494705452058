#!/usr/bin/env bash
# HTTP load on loopback: /healthz, then unique signed-by-Basic-auth Postmark webhooks through the whole pipeline.
# Usage: Benchmarks/http/run.sh [seconds]   (needs Debian's wrk; prints wrk's figures)
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
command -v wrk >/dev/null || { echo "install wrk: apt-get install -y wrk" >&2; exit 1; }
swift build -c release --product frontdesk >/dev/null
dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
# The load comes from a handful of senders far faster than any client writes: lift the inbound rate limits.
FRONTDESK_HOME=$PWD .build/release/frontdesk demo --db "$dir/bench.sqlite" >/dev/null
FRONTDESK_HOME=$PWD .build/release/frontdesk limits set --business demo sender_per_hour=0 business_per_minute=0 \
  --db "$dir/bench.sqlite" >/dev/null
FRONTDESK_HOME=$PWD .build/release/frontdesk serve --demo --db "$dir/bench.sqlite" --port "$port" >"$dir/out" 2>"$dir/err" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
echo "== GET /healthz (wrk -t2 -c32 -d${secs}s)"
wrk -t2 -c32 -d"${secs}s" --latency "http://127.0.0.1:$port/healthz" | grep -E "Requests/sec|Latency|99%|50%"
echo "== POST /webhooks/postmark, unique messages through the pipeline (wrk -t2 -c16 -d${secs}s)"
wrk -t2 -c16 -d"${secs}s" --latency -s Benchmarks/http/postmark.lua "http://127.0.0.1:$port" | grep -E "Requests/sec|Latency|99%|50%|Non-2xx"
kill "$pid"; wait "$pid" 2>/dev/null || true
FRONTDESK_HOME=$PWD .build/release/frontdesk db status --db "$dir/bench.sqlite" | grep -E "^  (messages|outbox)\s"
