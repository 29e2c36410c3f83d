#!/usr/bin/env bash
# Query benchmark: frocket against DuckDB on the same Parquet files (see bench/README.md, "Query
# benchmark"). Builds `frocket` with the release preset, generates the data when it is missing
# (a `frocket datagen` dataset and a DuckDB-written copy of it), registers both in a catalog
# under the data directory, and prints the table. Not run in CI.
#
#   bench/run_query_bench.sh [--threads N] [--runs R] [--json OUT.json] [--queries q1,q2]
#
# Environment:
#   FROCKET_BENCH_DATA          data directory (default bench/data, git-ignored); this benchmark
#                               uses DATA/query/{datagen,duckdb,catalog}
#   FROCKET_QUERY_BENCH_ROWS    rows to generate (default 20000000; users are rows / 10)
#   FROCKET_QUERY_BENCH_FILES   files to generate (default 16)
#   FROCKET_NODE_MODULES        node_modules holding @duckdb/node-api (default tests/interop/node_modules)
#   FROCKET_BENCH_FROCKET       use this frocket binary instead of building the release preset
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${FROCKET_BENCH_DATA:-$root/bench/data}/query"
rows="${FROCKET_QUERY_BENCH_ROWS:-20000000}"
files="${FROCKET_QUERY_BENCH_FILES:-16}"
users=$((rows / 10))

if [[ -n "${FROCKET_BENCH_FROCKET:-}" ]]; then
  frocket="$FROCKET_BENCH_FROCKET"
else
  (cd "$root" && cmake --preset release >/dev/null &&
    cmake --build --preset release --target frocket -j 2)
  frocket="$root/build/release/frocket"
fi

mkdir -p "$data"
params="rows=$rows users=$users files=$files seed=1"
# The datagen dataset, regenerated when its parameters change (the stamp is written last, so an
# interrupted run regenerates too).
if [[ "$(cat "$data/datagen.params" 2>/dev/null)" != "$params" ]]; then
  rm -f "$data/datagen.params" "$data/duckdb.params"
  "$frocket" datagen --rows "$rows" --users "$users" --files "$files" --seed 1 \
    --out "$data/datagen" --overwrite
  echo "$params" > "$data/datagen.params"
fi
# DuckDB's copy of it: the same files sorted by (user_id, ts), zstd, DuckDB's default row groups.
if [[ "$(cat "$data/duckdb.params" 2>/dev/null)" != "$params" ]]; then
  rm -rf "$data/duckdb"
  node "$root/bench/query_bench.mjs" copy "$data/datagen" "$data/duckdb"
  echo "$params" > "$data/duckdb.params"
fi

for name in datagen duckdb; do
  "$frocket" register "bench_$name" "$data/$name" --group-id-column user_id \
    --timestamp-column ts --catalog "$data/catalog" > /dev/null
done

node "$root/bench/query_bench.mjs" run --frocket "$frocket" --catalog "$data/catalog" \
  --dataset "bench_datagen=$data/datagen" --dataset "bench_duckdb=$data/duckdb" "$@"
