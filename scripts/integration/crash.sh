#!/usr/bin/env bash
# Integration: `frontdesk serve` is killed with SIGKILL while signed Twilio webhooks are in flight; after a
# restart on the same database, every message that got a 200 has exactly one message row and one reply in the
# outbox, and provider retries are acknowledged as duplicates (crash_test.py has the checks).
# Run from anywhere after `swift build`; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bin="$root/.build/debug/frontdesk"
[[ -x "$bin" ]] || { echo "crash.sh: $bin is missing (run swift build)" >&2; exit 1; }

dir=$(mktemp -d)
cleanup() {
  # crash_test.py starts and stops the servers; if it died first, kill whatever it left running.
  if [[ -f "$dir/pids" ]]; then
    while read -r p; do kill -9 "$p" 2>/dev/null || true; done <"$dir/pids"
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
export FRONTDESK_HOME="$root"
if ! python3 scripts/integration/crash_test.py --frontdesk "$bin" --dir "$dir" --port "$port" --pidfile "$dir/pids" \
  --requests "${CRASH_REQUESTS:-300}"; then
  echo "crash.sh: crash test failed; server log:" >&2
  tail -n 50 "$dir/server.log" >&2 || true
  exit 1
fi
echo "crash.sh: ok"
