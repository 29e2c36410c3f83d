#!/usr/bin/env bash
# Installs the dependencies, then builds and runs every test suite:
#   1. the `debug` preset with -Werror, and its ctest suite (unit, corpus and interop tests);
#   2. the `asan` preset (AddressSanitizer + UndefinedBehaviorSanitizer), and its ctest suite;
#   3. short libFuzzer runs of the Parquet reader and the query parser (with ASan+UBSan).
# The corpus tests read ../shared/parquet-corpus (next to the repository) when it exists; the
# interop tests use the npm packages that install-deps.sh puts in tests/interop/node_modules.
#
# Usage: scripts/test.sh [--no-install] [--no-asan]
# Exits non-zero when any step fails; the last line counts the tests of all ctest runs.
set -uo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"

install=1
asan=1
for arg in "$@"; do
  case "${arg}" in
    --no-install) install=0 ;;
    --no-asan) asan=0 ;;
    *)
      echo "usage: scripts/test.sh [--no-install] [--no-asan]" >&2
      exit 2
      ;;
  esac
done

jobs="$(nproc 2> /dev/null || echo 2)"
export FROCKET_WERROR=ON  # read by the CMake presets
export FROCKET_TEST_NODE_MODULES="${repo_root}/tests/interop/node_modules"
corpus="$(cd "${repo_root}/.." && pwd)/shared/parquet-corpus"
if [[ -d "${corpus}" ]]; then
  export FROCKET_TEST_CORPUS="${corpus}"
else
  echo "test.sh: no parquet corpus at ${corpus}; the corpus tests will skip"
fi

start_all=${SECONDS}
results=()   # "step: ok (12s)" lines for the summary
failed=0
tests_passed=0
tests_failed=0
tests_skipped=0

# Runs a named step, recording its outcome and duration. Returns the command's status.
step() {
  local name="$1"
  shift
  local start=${SECONDS}
  echo
  echo "=== ${name}: $*"
  "$@"
  local status=$?
  local took=$((SECONDS - start))
  if [[ ${status} -eq 0 ]]; then
    results+=("${name}: ok (${took}s)")
  else
    results+=("${name}: FAILED with status ${status} (${took}s)")
    failed=$((failed + 1))
  fi
  return ${status}
}

skipped_step() {
  results+=("$1: not run ($2)")
  failed=$((failed + 1))
}

# Runs ctest for a preset, teeing its output, and adds its counts to the totals.
run_ctest() {
  local preset="$1"
  local log="${repo_root}/build/${preset}/ctest-output.log"
  ctest --preset "${preset}" -j "${jobs}" 2>&1 | tee "${log}"
  local status=${PIPESTATUS[0]}
  local total fails skips
  total="$(sed -nE 's/.*tests passed, [0-9]+ tests? failed out of ([0-9]+).*/\1/p' "${log}" | tail -1)"
  fails="$(sed -nE 's/.*tests passed, ([0-9]+) tests? failed out of [0-9]+.*/\1/p' "${log}" | tail -1)"
  skips="$(grep -cE '\(Skipped\)$' "${log}")"
  if [[ -z "${total}" ]]; then
    echo "test.sh: ctest (${preset}) printed no summary" >&2
    [[ ${status} -eq 0 ]] && status=1
  else
    tests_failed=$((tests_failed + fails))
    tests_skipped=$((tests_skipped + skips))
    tests_passed=$((tests_passed + total - fails - skips))
    if [[ "${total}" -eq 0 ]]; then
      echo "test.sh: ctest (${preset}) ran no test" >&2
      [[ ${status} -eq 0 ]] && status=1
    fi
  fi
  return ${status}
}

# Configures a preset. When the preset's compiler differs from the one an existing build
# directory was made with (build/asan used to be g++, the preset now says clang++-14), CMake
# wipes the cache and re-runs itself without the preset's variables, so the asan build would
# silently lose -fsanitize; configuring once more applies them.
configure_preset() {
  local preset="$1"
  local log="${repo_root}/build/configure-${preset}.log"
  mkdir -p "${repo_root}/build"
  cmake --preset "${preset}" -DFROCKET_WERROR=ON 2>&1 | tee "${log}"
  local status=${PIPESTATUS[0]}
  if [[ ${status} -eq 0 ]] && grep -q "require your cache to be deleted" "${log}"; then
    echo "test.sh: the cache of build/${preset} was reset; configuring again to apply the preset"
    cmake --preset "${preset}" -DFROCKET_WERROR=ON
    status=$?
  fi
  if [[ ${status} -eq 0 && "${preset}" == asan ]] &&
    ! grep -q "^FROCKET_SANITIZE:BOOL=ON$" "${repo_root}/build/asan/CMakeCache.txt"; then
    echo "test.sh: build/asan is configured without FROCKET_SANITIZE=ON" >&2
    status=1
  fi
  return ${status}
}

# Configures, builds and tests one preset.
build_and_test() {
  local preset="$1"
  if step "configure ${preset}" configure_preset "${preset}"; then
    if step "build ${preset}" cmake --build --preset "${preset}" -j "${jobs}"; then
      step "test ${preset}" run_ctest "${preset}"
    else
      skipped_step "test ${preset}" "build failed"
    fi
  else
    skipped_step "build ${preset}" "configure failed"
    skipped_step "test ${preset}" "configure failed"
  fi
}

if [[ ${install} -eq 1 ]]; then
  if ! step "install dependencies" bash "${repo_root}/scripts/install-deps.sh"; then
    echo "test.sh: installing the dependencies failed; not building" >&2
    echo "test.sh: FAILED (install dependencies)"
    exit 1
  fi
fi

build_and_test debug
if [[ ${asan} -eq 1 ]]; then
  build_and_test asan
fi

# Short libFuzzer runs. The asan preset is built with clang and also builds the fuzz targets
# (fuzz/), so they run here with ASan+UBSan. New inputs go to a scratch folder; the seeds
# (the shared Parquet corpus, the query validation cases) are only read. Longer local runs:
# docs/testing.md.
run_fuzzer() {
  local target="$1" seconds="$2" seeds="$3"
  local binary="${repo_root}/build/asan/fuzz/${target}"
  local scratch
  scratch="$(mktemp -d)"
  local args=("${scratch}")
  [[ -d "${seeds}" ]] && args+=("${seeds}")
  "${binary}" "${args[@]}" -max_total_time="${seconds}" -rss_limit_mb=4096 -timeout=30 \
    -print_final_stats=1 > "${repo_root}/build/asan/${target}.log" 2>&1
  local status=$?
  tail -n 12 "${repo_root}/build/asan/${target}.log"
  rm -rf "${scratch}"
  return ${status}
}
if [[ ${asan} -eq 1 && -x "${repo_root}/build/asan/fuzz/parquet_reader_fuzzer" ]]; then
  step "fuzz parquet reader (60 s)" run_fuzzer parquet_reader_fuzzer 60 "${FROCKET_TEST_CORPUS:-}/data"
  step "fuzz query parser (30 s)" run_fuzzer query_parser_fuzzer 30 "${repo_root}/tests/queries/validation"
  step "fuzz partial results (15 s)" run_fuzzer partial_result_fuzzer 15 ""
fi

echo
echo "=== summary (wall time $((SECONDS - start_all))s)"
for line in "${results[@]}"; do
  echo "  ${line}"
done
if [[ ${failed} -eq 0 ]]; then
  echo "test.sh: all steps passed"
else
  echo "test.sh: ${failed} step(s) failed"
fi
echo "test.sh: ${tests_passed} passed, ${tests_failed} failed, ${tests_skipped} skipped"
[[ ${failed} -eq 0 ]]
