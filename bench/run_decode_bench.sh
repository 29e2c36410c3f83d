#!/usr/bin/env bash
# Builds frocket_decode_bench with the release preset, writes the benchmark files if they are
# missing, and prints the frocket-vs-DuckDB decode table (see bench/README.md).
#
#   bench/run_decode_bench.sh [--runs N] [--json OUT.json]
#
# Environment:
#   FROCKET_BENCH_DATA     where the Parquet files live (default bench/data, git-ignored)
#   FROCKET_BENCH_ROWS     rows to generate when the files are missing (default 5000000)
#   FROCKET_NODE_MODULES   node_modules holding @duckdb/node-api (default tests/interop/node_modules)
#   FROCKET_BENCH_BINARY   use this frocket_decode_bench instead of building the release preset
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${FROCKET_BENCH_DATA:-$root/bench/data}"
rows="${FROCKET_BENCH_ROWS:-5000000}"

if [[ -n "${FROCKET_BENCH_BINARY:-}" ]]; then
  binary="$FROCKET_BENCH_BINARY"
else
  (cd "$root" && cmake --preset release >/dev/null &&
    cmake --build --preset release --target frocket_decode_bench -j 2)
  binary="$root/build/release/bench/frocket_decode_bench"
fi

if [[ ! -f "$data/decode_v1.parquet" || ! -f "$data/decode_v2.parquet" ]]; then
  node "$root/bench/make_decode_data.mjs" "$data" "$rows"
fi

node "$root/bench/decode_bench.mjs" "$data" --frocket "$binary" "$@"
