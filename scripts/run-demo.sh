#!/usr/bin/env bash
# Demo: installs the dependencies, builds frocket (release preset), generates a demo dataset of
# 3 million events bucketed by user with `frocket datagen`, registers it in a demo catalog, and
# runs two queries on it: a funnel and an audience query (examples/queries/).
#
# Usage: scripts/run-demo.sh [--no-install]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"

if [[ "${1:-}" != "--no-install" ]]; then
  bash scripts/install-deps.sh
fi
cmake --preset release > /dev/null
cmake --build --preset release --target frocket -j "$(nproc 2> /dev/null || echo 2)"
frocket="${repo_root}/build/release/frocket"

demo="${repo_root}/build/demo"
export FROCKET_CATALOG_DIR="${demo}/catalog"
mkdir -p "${demo}"

run() {
  echo
  echo "\$ frocket $*"
  "${frocket}" "$@"
}

run datagen --rows 3000000 --users 200000 --files 8 --seed 42 --out "${demo}/events" --overwrite
run register demo "${demo}/events" --group-id-column user_id --timestamp-column ts
run info demo
run cat "${demo}/events/part-00000.parquet" --limit 3
run query demo --file examples/queries/funnel.json
run query demo --file examples/queries/audience.json
