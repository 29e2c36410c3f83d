#!/usr/bin/env bash
# Cluster benchmark: what the Redis work queue adds over the embedded engine, for the same
# queries on the same files, and how query time falls from 1 to 2 worker processes. Not run in
# CI (see bench/README.md, "Cluster benchmark").
#
#   bench/run_cluster_bench.sh [--runs R]
#
# It generates a dataset when missing (frocket datagen, local files), starts a throwaway
# redis-server, an embedded `frocket serve` (one thread, so it compares with one worker) and a
# `frocket serve --redis` with 1, then 2 `frocket worker` processes, runs each query R times
# through the HTTP API with curl and prints the best wall time of each.
#
# Environment:
#   FROCKET_BENCH_DATA            data directory (default bench/data; this uses DATA/cluster)
#   FROCKET_CLUSTER_BENCH_ROWS    rows to generate (default 20000000; users are rows / 10)
#   FROCKET_CLUSTER_BENCH_FILES   files (tasks) to generate (default 32)
#   FROCKET_BENCH_FROCKET         use this frocket binary instead of building the release preset
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${FROCKET_BENCH_DATA:-$root/bench/data}/cluster"
rows="${FROCKET_CLUSTER_BENCH_ROWS:-20000000}"
files="${FROCKET_CLUSTER_BENCH_FILES:-32}"
runs=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: bench/run_cluster_bench.sh [--runs R]" >&2; exit 2 ;;
  esac
done
for tool in redis-server curl; do
  command -v "$tool" > /dev/null || { echo "run_cluster_bench: $tool is missing" >&2; exit 1; }
done

if [[ -n "${FROCKET_BENCH_FROCKET:-}" ]]; then
  frocket="$FROCKET_BENCH_FROCKET"
else
  (cd "$root" && cmake --preset release > /dev/null &&
    cmake --build --preset release --target frocket -j 2)
  frocket="$root/build/release/frocket"
fi

mkdir -p "$data"
params="rows=$rows files=$files seed=3"
if [[ "$(cat "$data/params" 2> /dev/null)" != "$params" ]]; then
  rm -f "$data/params"
  "$frocket" datagen --rows "$rows" --users $((rows / 10)) --files "$files" --seed 3 \
    --out "$data/events" --overwrite > /dev/null
  echo "$params" > "$data/params"
fi

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port() {
  for _ in $(seq 1 200); do
    (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null && return 0
    sleep 0.05
  done
  echo "run_cluster_bench: nothing listens on port $1" >&2
  exit 1
}

redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --daemonize no > "$work/redis.log" 2>&1 &
pids+=($!)
wait_port "$redis_port"
redis_url="redis://127.0.0.1:$redis_port"

embedded_port="$(free_port)"
"$frocket" serve --port "$embedded_port" --catalog "$work/catalog" --threads 1 \
  > "$work/embedded.log" 2>&1 &
pids+=($!)
queue_port="$(free_port)"
"$frocket" serve --port "$queue_port" --redis "$redis_url" > "$work/queue.log" 2>&1 &
pids+=($!)
wait_port "$embedded_port"
wait_port "$queue_port"

register='{"name": "events", "basepath": "'"$data/events"'", "groupIdColumn": "user_id",
  "timestampColumn": "ts"}'
for port in "$embedded_port" "$queue_port"; do
  curl -sf -X POST -H 'Content-Type: application/json' -d "$register" \
    "http://127.0.0.1:$port/datasets/register" > /dev/null
done

funnel='{"funnel": {"sequence": [{"filter": ["event_type", "==", "pageview"]},
  {"filter": ["event_type", "==", "addToCart"]}, {"filter": ["event_type", "==", "purchase"]}]}}'
empty='{}'

# Best wall time of `runs` runs (after one warm-up) of a query through the API on `port`.
best_time() {
  local port="$1" body="$2" best="" t
  curl -sf -X POST -d "$body" "http://127.0.0.1:$port/datasets/events/query" > /dev/null
  for _ in $(seq 1 "$runs"); do
    t="$(curl -sf -o "$work/out.json" -w '%{time_total}' -X POST -d "$body" \
      "http://127.0.0.1:$port/datasets/events/query")"
    grep -q '"success": *true' "$work/out.json" || { cat "$work/out.json" >&2; exit 1; }
    if [[ -z "$best" ]] || awk "BEGIN {exit !($t < $best)}"; then best="$t"; fi
  done
  echo "$best"
}

start_worker() {
  "$frocket" worker --redis "$redis_url" > "$work/worker$1.log" 2>&1 &
  pids+=($!)
}

echo "cluster benchmark: $rows rows in $files files ($files tasks per query), best of $runs"
printf '%-8s %12s %14s %14s %16s %14s\n' query 'embedded 1t' 'queue 1 worker' \
  'queue 2 workers' 'added per query' 'added per task'
declare -A one two base
for q in empty funnel; do base[$q]="$(best_time "$embedded_port" "${!q}")"; done
start_worker 1
sleep 0.5
for q in empty funnel; do one[$q]="$(best_time "$queue_port" "${!q}")"; done
start_worker 2
sleep 0.5
for q in empty funnel; do two[$q]="$(best_time "$queue_port" "${!q}")"; done
for q in empty funnel; do
  added="$(awk "BEGIN {print ${one[$q]} - ${base[$q]}}")"
  printf '%-8s %12.3f %14.3f %14.3f %16.3f %14.4f\n' "$q" "${base[$q]}" "${one[$q]}" \
    "${two[$q]}" "$added" "$(awk "BEGIN {print $added / $files}")"
done
echo "times in seconds (curl's time_total, HTTP included); 'added' = queue with 1 worker - embedded with 1 thread"
