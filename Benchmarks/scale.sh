#!/usr/bin/env bash
# Scale (issue 20): per-message latency with 1,000,000 clients and 10,000,000 stored messages against the same on a
# database holding only what the messages need. Builds the big database with `frontdesk demo --clients --messages`
# (printing its size and build time), then runs PipelineBench on each (release build, synchronous=FULL): one sender at
# a time for latency, then 32 at once for throughput and CPU per message.
#
# usage: Benchmarks/scale.sh [clients (1000000)] [messages (10000000)] [bench messages (20000)]
# The big database is kept in $SCALE_DIR (default: a temporary folder, removed afterwards) so a second run can reuse it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
clients=${1:-1000000}
messages=${2:-10000000}
bench=${3:-20000}
export FRONTDESK_HOME=$root

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== release build"
swift build -c release --product frontdesk 2>&1 | tail -n 1
swift build -c release --product PipelineBench 2>&1 | tail -n 1
bin=$root/.build/release/frontdesk

dir=${SCALE_DIR:-}
if [[ -z $dir ]]; then
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
fi
mkdir -p "$dir"
big=$dir/big-$clients-$messages.sqlite
small=$dir/small.sqlite
rm -f "$small" "$small-wal" "$small-shm"

if [[ ! -f $big ]]; then
  echo "== building $big: $clients clients, $messages stored messages"
  start=$(date +%s%N)
  "$bin" demo --db "$big" --clients "$clients" --messages "$messages" >/dev/null 2>"$dir/build.err" ||
    { cat "$dir/build.err" >&2; exit 1; }
  build_s=$(( ($(date +%s%N) - start) / 1000000000 ))
  "$bin" db status --db "$big" | grep -E "^  (clients|memberships|invoices|messages|outbox|conversations)\s" || true
  echo "built in ${build_s} s; $(du -h "$big" | cut -f1) on disk"
else
  echo "== reusing $big ($(du -h "$big" | cut -f1))"
fi
"$bin" demo --db "$small" --clients 20000 >/dev/null 2>&1

result() { awk -v what="$2" '$1 == what { print }' "$1"; }
for db in "$small" "$big"; do
  name=$([[ $db == "$small" ]] && echo small || echo big)
  # A fresh file grows its WAL during the first thousands of commits (each fsync then also commits file-system
  # metadata): warm both up alike before measuring.
  .build/release/PipelineBench 4000 --db "$db" --threads 32 --classify 0 >/dev/null
  echo "== $name: one sender at a time"
  .build/release/PipelineBench "$bench" --db "$db" --threads 1 --classify 0 | tee "$dir/$name-1.txt" | grep -vE "^setup"
  echo "== $name: 32 senders at once"
  .build/release/PipelineBench "$bench" --db "$db" --threads 32 --classify 0 | tee "$dir/$name-32.txt" | grep -vE "^setup"
done

p50() { awk '/^latency/ { for (i = 1; i <= NF; i++) if ($i == "p50") print $(i + 1) }' "$1"; }
cpu() { awk '/^pipeline:/ { for (i = 1; i <= NF; i++) if ($i == "CPU") print $(i + 1) }' "$1"; }
rate() { awk '/^pipeline:/ { for (i = 1; i <= NF; i++) if ($i == "=") print $(i + 1) }' "$1"; }
echo
echo "== summary"
awk -v a="$(p50 "$dir/small-1.txt")" -v b="$(p50 "$dir/big-1.txt")" -v ca="$(cpu "$dir/small-32.txt")" \
  -v cb="$(cpu "$dir/big-32.txt")" -v ra="$(rate "$dir/small-32.txt")" -v rb="$(rate "$dir/big-32.txt")" 'BEGIN {
    printf "p50 latency, one sender: %s µs small, %s µs big (%+.1f%%)\n", a, b, 100 * (b - a) / a
    printf "CPU a message, 32 senders: %s µs small, %s µs big (%+.1f%%)\n", ca, cb, 100 * (cb - ca) / ca
    printf "messages/s, 32 senders: %s small, %s big\n", ra, rb
  }'
