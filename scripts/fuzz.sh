#!/usr/bin/env bash
# Fuzzes one target with libFuzzer:  bash scripts/fuzz.sh TARGET [SECONDS] [libFuzzer flags...]
# Targets: mime, extract, form, multipart, json, webhooks (see Sources/FrontdeskFuzzing/FuzzTarget.swift).
#
# Opt-in: builds `frontdesk-fuzz` into its own build directory (.build-fuzz) with -sanitize=fuzzer,address and
# -DFUZZING, so `swift build` and `swift test` are untouched. The corpus grows in .build-fuzz/corpus/TARGET, seeded
# from Tests/Fixtures (real emails and provider payloads) and the regression inputs in Tests/Fixtures/fuzz/TARGET.
# A crash or failed check is written to .build-fuzz/crashes/TARGET/ and the script exits non-zero: fix the cause,
# then keep the input as Tests/Fixtures/fuzz/TARGET/NAME so `swift test` replays it (FuzzTargetTests).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -lt 1 || "$1" == "--help" || "$1" == "-h" ]]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
target="$1"
seconds="${2:-60}"
shift $(( $# >= 2 ? 2 : 1 ))
case "$target" in
  mime|extract|form|multipart|json|webhooks) ;;
  *) echo "fuzz.sh: unknown target $target (mime, extract, form, multipart, json, webhooks)" >&2; exit 2 ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a whole number, not $seconds" >&2; exit 2; }

build=.build-fuzz
flags=(-c release --build-path "$build" -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING)
swift build "${flags[@]}" --product frontdesk-fuzz
bin="$(swift build "${flags[@]}" --show-bin-path)/frontdesk-fuzz"

corpus="$build/corpus/$target"
seeds="$build/seeds/$target"
crashes="$build/crashes/$target"
mkdir -p "$corpus" "$crashes"
rm -rf "$seeds"
# libFuzzer's own crash report is wanted, not Swift's backtracer; leaks are not findings here (the server and the
# store live for the whole process).
export SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}"
"$bin" seeds "$target" "$seeds" >/dev/null
inputs=("$corpus" "$seeds")
[[ -d "Tests/Fixtures/fuzz/$target" ]] && inputs+=("Tests/Fixtures/fuzz/$target")

log="$build/fuzz-$target.log"
status=0
"$bin" --target="$target" "${inputs[@]}" -max_total_time="$seconds" -timeout=20 -artifact_prefix="$crashes/" \
  -print_final_stats=1 "$@" >"$log" 2>&1 || status=$?

# One line of figures: executions, executions per second, coverage (cov: edges, ft: features) and corpus size.
runs=$(grep -oE '^stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
rate=$(grep -oE '^stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo '?')
ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo '?')
corp=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' <<<"$last" | cut -d' ' -f2 || echo '?')
took=$(grep -oE '^Done [0-9]+ runs in [0-9]+ second' "$log" | grep -oE '[0-9]+ second' | grep -oE '[0-9]+' || echo '?')
echo "fuzz $target: $took s, $runs executions, $rate exec/s, cov $cov, ft $ft, corpus $corp (log: $log)"
if [[ $status -ne 0 ]]; then
  grep -E 'ERROR|fuzz target|SUMMARY|Test unit written' "$log" | head -20 >&2 || true
  echo "fuzz.sh: $target found a failure (exit $status); inputs in $crashes/, full log in $log" >&2
  echo "fuzz.sh: replay one with  swift run frontdesk-fuzz replay $target FILE" >&2
fi
exit $status
