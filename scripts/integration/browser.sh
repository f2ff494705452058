#!/usr/bin/env bash
# Integration: headless Chromium (driven by Selenium) opens every one-time link page of a real `frontdesk serve --demo`:
# card update (declined, saved, used), cancellation (and its save offer as an equal button), invoice and its printable
# copy, the overdue invoice's payment and an expired card's refusal, rejoining, the details page (name and postal
# address), a data export, and the expired, invalid and no-longer-offered pages. A PNG of every page is saved to
# artifacts/screenshots/, and axe-core (axe-selenium-python) checks every page: a serious or critical violation fails.
# Run from anywhere after `swift build`; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bin="$root/.build/debug/frontdesk"

[[ -x "$bin" ]] || { echo "browser.sh: $bin is missing (run swift build)" >&2; exit 1; }
python3 -c "import selenium, axe_selenium_python" 2>/dev/null || {
  echo "browser.sh: python3 modules selenium and axe_selenium_python are missing (scripts/setup.sh --test, or" \
    "python3 -m pip install selenium axe-selenium-python)" >&2
  exit 1
}
for tool in /usr/bin/chromium /usr/bin/chromedriver; do
  [[ -x "$tool" ]] || { echo "browser.sh: $tool is missing (scripts/setup.sh --test)" >&2; exit 1; }
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

# Wait until the server answers /healthz (at most 30 s: a cold debug binary on a busy 2-core box is slow to start).
for i in $(seq 1 300); do
  if curl -sf --max-time 1 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  kill -0 "$pid" 2>/dev/null || { echo "browser.sh: frontdesk serve exited:" >&2; cat "$dir/server.log" >&2; exit 1; }
  if ((i == 300)); then echo "browser.sh: server not healthy after 30 s" >&2; cat "$dir/server.log" >&2; exit 1; fi
  sleep 0.1
done

mkdir -p artifacts/screenshots
if ! python3 scripts/integration/browser_test.py --frontdesk "$bin" --db "$dir/frontdesk.sqlite" \
  --base-url "$FRONTDESK_BASE_URL" --screenshots "$root/artifacts/screenshots" --profile "$dir/chromium"; then
  echo "browser.sh: browser test failed; server log:" >&2
  cat "$dir/server.log" >&2
  exit 1
fi
echo "browser.sh: ok"
