#!/usr/bin/env bash
# The whole test run: set-up, unit and pipeline tests, then the integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
swift build --build-tests
swift test --skip-build --parallel 2>&1 | tee .build/test-output.txt
if [[ -d scripts/integration ]]; then
  for t in scripts/integration/*.sh; do
    [[ -e "$t" ]] || continue
    echo "== integration: $t"
    bash "$t"
  done
fi
