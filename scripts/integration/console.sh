#!/usr/bin/env bash
# Integration: headless Chromium (driven by Selenium) uses the web console of a real `frontdesk serve --demo`: signs in
# with the owner's printed one-time link, turns a capability off, saves a bad setting, takes over a conversation and
# replies, imports a bad then a good CSV. A PNG of every page goes to artifacts/screenshots/console-*.png, and every
# page passes axe-core (axe-selenium-python) with no serious or critical violation.
# Run from anywhere after `swift build`; exits non-zero on any failure; bounded (the server is stopped on exit).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bin="$root/.build/debug/frontdesk"

[[ -x "$bin" ]] || { echo "console.sh: $bin is missing (run swift build)" >&2; exit 1; }
python3 -c "import selenium, axe_selenium_python" 2>/dev/null || {
  echo "console.sh: python3 modules selenium and axe_selenium_python are needed (scripts/setup.sh --test)" >&2
  exit 1
}
for tool in /usr/bin/chromium /usr/bin/chromedriver; do
  [[ -x "$tool" ]] || { echo "console.sh: $tool is missing (scripts/setup.sh --test)" >&2; exit 1; }
done

dir=$(mktemp -d)
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
export FRONTDESK_HOME="$root" FRONTDESK_BASE_URL="http://127.0.0.1:$port"
"$bin" serve --demo --db "$dir/frontdesk.sqlite" --host 127.0.0.1 --port "$port" >"$dir/server.log" 2>&1 &
pid=$!

# Wait until the server answers /healthz and has printed the console's sign-in link (at most 30 s).
link=""
for i in $(seq 1 300); do
  if curl -sf --max-time 1 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
    link=$(grep -o "http://127.0.0.1:$port/admin/l/[A-Za-z0-9_-]*" "$dir/server.log" | head -1 || true)
    [[ -n "$link" ]] && break
  fi
  kill -0 "$pid" 2>/dev/null || { echo "console.sh: frontdesk serve exited:" >&2; cat "$dir/server.log" >&2; exit 1; }
  if ((i == 300)); then echo "console.sh: no healthy server with a sign-in link after 30 s" >&2; cat "$dir/server.log" >&2; exit 1; fi
  sleep 0.1
done

mkdir -p artifacts/screenshots
if ! timeout 600 python3 scripts/integration/console_test.py --frontdesk "$bin" --db "$dir/frontdesk.sqlite" \
  --base-url "$FRONTDESK_BASE_URL" --screenshots "$root/artifacts/screenshots" --profile "$dir/chromium" \
  --sign-in-link "$link"; then
  echo "console.sh: console test failed; server log:" >&2
  grep -v '/admin/l/' "$dir/server.log" >&2 || true
  exit 1
fi
echo "console.sh: ok"
