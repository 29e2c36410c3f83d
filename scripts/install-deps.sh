#!/usr/bin/env bash
# Installs everything frocket needs to build and test on Debian 12: the compiler toolchain and
# libraries from apt, node (only when missing or older than 18), and the npm packages of the
# interoperability test (tests/interop). Idempotent and quiet; safe to run on every build.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(
  cmake ninja-build g++ ccache pkg-config
  libzstd-dev libsnappy-dev liblz4-dev zlib1g-dev libbrotli-dev
  libcli11-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev libxxhash-dev libre2-dev
  libcurl4-openssl-dev libssl-dev libhiredis-dev libcpp-httplib-dev  # S3, HTTP API, Redis
  redis-server  # started by the cluster tests themselves, never as a service
  clang-14 libclang-rt-14-dev
  ca-certificates  # npm fetches over https; Debian's nodejs only recommends it
)

# Root runs apt directly; anyone else needs sudo.
sudo_cmd=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo > /dev/null; then
    sudo_cmd=(sudo)
  else
    echo "install-deps: not root and no sudo: install these packages yourself: ${packages[*]}" >&2
    exit 1
  fi
fi

node_major() {
  node --version 2> /dev/null | sed -E 's/^v([0-9]+).*/\1/'
}

# Node may come from elsewhere (nodesource, nvm); only apt's is installed, and only when needed.
need_node=0
major="$(node_major || true)"
if [[ -z "${major}" || "${major}" -lt 18 ]]; then
  need_node=1
  packages+=(nodejs npm)
elif ! command -v npm > /dev/null; then
  packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "${p}" 2> /dev/null | grep -q "install ok installed"; then
    missing+=("${p}")
  fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi

if [[ ${need_node} -eq 1 ]]; then
  major="$(node_major || true)"
  if [[ -z "${major}" || "${major}" -lt 18 ]]; then
    echo "install-deps: node ${major:-missing} is too old; the interop test needs node >= 18" >&2
    exit 1
  fi
fi

# npm packages of the interop test, pinned in package.json and package-lock.json. They are
# (re)installed only when the installed tree does not match the lock file. `npm ci` refuses a
# lock file that lacks the optional DuckDB bindings of other platforms, which a registry mirror
# without them cannot record; `npm install --no-save` then installs the same pinned versions
# without touching the lock file.
interop="${repo_root}/tests/interop"
marker="${interop}/node_modules/.frocket-installed-lock.json"
npm_log="$(mktemp)"
trap 'rm -f "${npm_log}"' EXIT
if [[ ! -f "${interop}/package-lock.json" ]]; then
  echo "install-deps: npm install in tests/interop (no package-lock.json)"
  (cd "${interop}" && npm install --no-audit --no-fund --loglevel=error > "${npm_log}" 2>&1) ||
    { cat "${npm_log}" >&2; exit 1; }
elif ! cmp -s "${interop}/package-lock.json" "${marker}"; then
  echo "install-deps: installing the npm packages of tests/interop"
  if ! (cd "${interop}" && npm ci --no-audit --no-fund --loglevel=error > "${npm_log}" 2>&1); then
    (cd "${interop}" && npm install --no-save --no-audit --no-fund --loglevel=error > "${npm_log}" 2>&1) ||
      { cat "${npm_log}" >&2; exit 1; }
  fi
  cp "${interop}/package-lock.json" "${marker}"
fi

echo "install-deps: ok ($(cmake --version | head -1), $(g++ --version | head -1), node $(node --version))"
