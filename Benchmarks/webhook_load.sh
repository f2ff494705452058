#!/usr/bin/env bash
# The honest webhook benchmark (issue 20), everything in one run on this machine:
#   1. a release build; `frontdesk demo --clients N` (100,000 extra clients with memberships and invoices);
#   2. `frontdesk serve` with the business's limits on (60 messages per sender per hour, the default; the business's
#      per-minute limit raised to what 100,000 clients need), synchronous=FULL, log level info;
#   3. wrk (2 threads, 64 connections) on GET /healthz: the server's own ceiling;
#   4. wrk with signed Twilio webhooks, every MessageSid unique, 80% from demo clients and 20% from strangers; every
#      reply sorted (twilio.lua): at least 99% must be the normal answer;
#   5. the Flask + gunicorn Twilio-quickstart peer (FLASK_PEER, default: shared/peers/flask-webhook beside the
#      checkout) under the same load, at the same durability (SQLITE_SYNC=FULL; FLASK_SYNC=NORMAL for its default);
# and prints requests/s, p50, p99, the ratios to the ceiling and to Flask, RSS idle and under load, and the time from
# start to serving.
#
# usage: Benchmarks/webhook_load.sh [seconds (10)] [clients (100000)]
# needs: wrk (apt-get install -y wrk), python3; for the peer, python3 -m pip install flask gunicorn
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
secs=${1:-10}
clients=${2:-100000}
threads=2
connections=64
token=bench-twilio-auth-token

command -v wrk >/dev/null || { echo "webhook_load: install wrk (apt-get install -y wrk)" >&2; exit 1; }
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== release build"
swift build -c release --product frontdesk 2>&1 | tail -n 1
bin=$root/.build/release/frontdesk

dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wait_for() {
  for _ in $(seq 1 3000); do curl -sf -o /dev/null "$1" && return 0; sleep 0.002; done
  echo "webhook_load: $1 never answered" >&2
  return 1
}
kib() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }
status_kib() { awk -v f="$2" '$1 == f":" { print $2 }' "/proc/$1/status"; }
# wrk's "Requests/sec:" and its latency distribution lines
rate() { awk '/Requests\/sec:/ { print $2 }' "$1"; }
pct() { awk -v p="$2" '$1 == p { print $2 }' "$1"; }

export FRONTDESK_HOME=$root
db=$dir/bench.sqlite
port=$(free_port)
base=http://127.0.0.1:$port
echo "== demo data: $clients extra clients"
start=$(date +%s%N)
"$bin" demo --db "$db" --clients "$clients" >/dev/null 2>"$dir/demo.err" || { cat "$dir/demo.err" >&2; exit 1; }
echo "seeded in $(( ($(date +%s%N) - start) / 1000000 )) ms; $(du -h "$db" | cut -f1) on disk"
# A business of 100,000 clients is far past the default 600 messages a minute a studio needs.
"$bin" limits set --business demo business_per_minute=1000000 --db "$db" >/dev/null
"$bin" limits show --business demo --db "$db"

requests=$(( secs * 40000 + 20000 ))
echo "== $requests signed requests ($(( requests / 1000 ))k, unique MessageSid)"
for set in first:1 warm:20000 load:$requests; do
  python3 Benchmarks/load/twilio_requests.py "$dir/${set%%:*}.tsv" "${set#*:}" "$base/webhooks/twilio" "$token" \
    "$clients" "${set%%:*}" "${#set}"
done

echo "== frontdesk serve (synchronous=FULL${FRONTDESK_HTTP_MODEL:+, $FRONTDESK_HTTP_MODEL})"
start=$(date +%s%N)
FRONTDESK_TWILIO_AUTH_TOKEN=$token FRONTDESK_BASE_URL=$base "$bin" serve --db "$db" --port "$port" \
  >"$dir/serve.out" 2>"$dir/serve.err" &
pid=$!
pids+=("$pid")
wait_for "$base/healthz"
start_ms=$(( ($(date +%s%N) - start) / 1000000 ))
IFS=$'\t' read -r signature form <"$dir/first.tsv"
first=$(curl -sf "$base/webhooks/twilio" -H "X-Twilio-Signature: $signature" --data "$form")
first_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[[ $first == *"<Message>"* ]] || { echo "webhook_load: the first webhook got: $first" >&2; exit 1; }
sleep 1
idle_kib=$(status_kib "$pid" VmRSS)
echo "serving (GET /healthz) after $start_ms ms, first webhook answered after $first_ms ms; RSS idle $(kib "$idle_kib")"

echo "== GET /healthz (wrk -t$threads -c$connections -d${secs}s)"
wrk -t"$threads" -c"$connections" -d"${secs}s" --latency "$base/healthz" >"$dir/healthz.txt"
grep -E "Requests/sec|^ +(50|99)%" "$dir/healthz.txt"
ceiling=$(rate "$dir/healthz.txt")

echo "== warm-up: 2 s of webhooks"
wrk -t"$threads" -c"$connections" -d2s -s Benchmarks/load/twilio.lua "$base" -- "$dir/warm.tsv" "$threads" \
  /webhooks/twilio | grep -E "Requests/sec|replies"
echo "== POST /webhooks/twilio, signed, unique (wrk -t$threads -c$connections -d${secs}s)"
wrk -t"$threads" -c"$connections" -d"${secs}s" --latency -s Benchmarks/load/twilio.lua "$base" -- "$dir/load.tsv" \
  "$threads" /webhooks/twilio >"$dir/webhooks.txt"
grep -E "Requests/sec|^ +(50|99)%|Non-2xx|Socket errors|replies" "$dir/webhooks.txt"
load_kib=$(status_kib "$pid" VmHWM)
webhooks=$(rate "$dir/webhooks.txt")
read -r client stranger empty apology other wrapped < <(
  awk '/^replies:/ { print $3, $5, $7, $9, $11, $13 }' "$dir/webhooks.txt")
answered=$(( client + stranger + empty + apology + other ))
kill "$pid"
wait "$pid" 2>/dev/null || true
echo "server log: $(grep -c 'webhook_processed' "$dir/serve.err" || true) webhooks processed, $(grep -ciE 'error|busy|full' "$dir/serve.err" || true) lines naming an error"

echo "== Flask + gunicorn peer (4 sync workers, SQLITE_SYNC=${FLASK_SYNC:-FULL})"
peer=${FLASK_PEER:-$(cd "$root/.." && pwd)/shared/peers/flask-webhook}
flask=""
if [[ -f "$peer/app.py" && -f "$peer/gen.py" ]] && python3 -c 'import flask, gunicorn' 2>/dev/null; then
  pport=$(free_port)
  (cd "$dir" && python3 "$peer/gen.py" initdb "$dir/peer.sqlite")
  TWILIO_AUTH_TOKEN=$token python3 "$peer/gen.py" requests "$dir/peer.tsv" "$requests" P "http://127.0.0.1:$pport/sms"
  (cd "$peer" && exec env TWILIO_AUTH_TOKEN=$token SMS_DB="$dir/peer.sqlite" SQLITE_SYNC="${FLASK_SYNC:-FULL}" \
    gunicorn -w 4 -k sync -b "127.0.0.1:$pport" app:app >"$dir/peer.log" 2>&1) &
  pids+=("$!")
  wait_for "http://127.0.0.1:$pport/hello"
  wrk -t"$threads" -c"$connections" -d"${secs}s" --latency -s Benchmarks/load/twilio.lua "http://127.0.0.1:$pport" -- \
    "$dir/peer.tsv" "$threads" /sms >"$dir/peer.txt"
  grep -E "Requests/sec|^ +(50|99)%|Non-2xx|replies" "$dir/peer.txt"
  flask=$(rate "$dir/peer.txt")
else
  echo "peer not found (set FLASK_PEER to the flask-webhook folder; python3 -m pip install flask gunicorn)"
fi

echo
echo "== summary ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t$threads -c$connections -d${secs}s on the same machine)"
normal=$(( client + stranger ))
awk -v w="$webhooks" -v c="$ceiling" -v f="$flask" -v p50="$(pct "$dir/webhooks.txt" 50%)" \
  -v p99="$(pct "$dir/webhooks.txt" 99%)" -v n="$normal" -v a="$answered" -v e="$empty" -v ap="$apology" \
  -v o="$other" -v wr="$wrapped" -v s="${FLASK_SYNC:-FULL}" 'BEGIN {
    printf "webhooks: %.0f requests/s, p50 %s, p99 %s\n", w, p50, p99
    printf "ceiling (GET /healthz): %.0f requests/s; webhooks at %.1f%% of it\n", c, 100 * w / c
    if (f != "") printf "Flask peer (SQLITE_SYNC=%s): %.0f requests/s; Frontdesk %.2f times it\n", s, f, w / f
    printf "replies: %d of %d normal (%.2f%%); empty %d, apology %d, other %d; request file wrapped %d times\n",
      n, a, a ? 100 * n / a : 0, e, ap, o, wr
  }'
echo "memory: RSS idle $(kib "$idle_kib"), peak under load $(kib "$load_kib")"
echo "start to serving: $start_ms ms (GET /healthz), first webhook answered after $first_ms ms"
if (( answered == 0 || normal * 100 < answered * 99 || wrapped > 0 )); then
  echo "webhook_load: FAILED: fewer than 99% normal replies, or the request file ran out" >&2
  exit 1
fi
