#!/usr/bin/env bash
# Runs a Python driver that starts and stops `frontdesk serve` itself (crash_test.py, limits_test.py), the way
# the integration scripts share: the debug binary, a scratch folder, a free loopback port, and whatever servers
# the driver started killed on exit even if the driver died first. On failure it prints the server log's tail.
#   scripts/lib/drive_serve.sh NAME DRIVER.py [driver arguments...]
# Not under scripts/integration/, so .ci/run does not run it on its own.
set -euo pipefail
name=$1 driver=$2
shift 2
cd "$(dirname "$0")/../.."
root=$PWD
bin="$root/.build/debug/frontdesk"
[[ -x "$bin" ]] || { echo "$name: $bin is missing (run swift build)" >&2; exit 1; }

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
if ! python3 "$driver" --frontdesk "$bin" --dir "$dir" --port "$port" --pidfile "$dir/pids" "$@"; then
  echo "$name: failed; server log (last lines):" >&2
  tail -n 50 "$dir/server.log" >&2 || true
  exit 1
fi
echo "$name: ok"
