#!/usr/bin/env bash
# Integration: every fuzz target runs under libFuzzer for a bounded time (FUZZ_SECONDS each, 30 by default), from
# seeds made of Tests/Fixtures and the kept regression inputs. Any crash or failed check fails the run.
# Outside CI, run each target longer:  bash scripts/fuzz.sh TARGET 600
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${FUZZ_SECONDS:-30}"
status=0
for target in mime extract form multipart json webhooks; do
  bash scripts/fuzz.sh "$target" "$seconds" || status=1
done
exit $status
