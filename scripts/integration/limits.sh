#!/usr/bin/env bash
# Integration: bounded resources. `frontdesk serve --demo` is attacked as a hostile client would: large unauthenticated
# webhook posts, large signed Mailgun posts, 300 slow connections from many loopback addresses and a client sending one
# byte every 10 s. limits_test.py prints the figures (RSS before and after, /healthz latency under load, when the slow
# sender was cut off) and exits non-zero when a bound is exceeded. Takes about a minute.
# Run from anywhere after `swift build`.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bin="$root/.build/debug/frontdesk"
[[ -x "$bin" ]] || { echo "limits.sh: $bin is missing (run swift build)" >&2; exit 1; }

dir=$(mktemp -d)
cleanup() {
  if [[ -f "$dir/pids" ]]; then
    while read -r p; do kill -9 "$p" 2>/dev/null || true; done <"$dir/pids"
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
export FRONTDESK_HOME="$root"
if ! python3 scripts/integration/limits_test.py --frontdesk "$bin" --dir "$dir" --port "$port" --pidfile "$dir/pids"; then
  echo "limits.sh: a bound was exceeded; server log (last lines):" >&2
  tail -n 30 "$dir/server.log" >&2 || true
  exit 1
fi
echo "limits.sh: ok"
