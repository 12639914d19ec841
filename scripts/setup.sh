#!/usr/bin/env bash
# Installs what voskhod needs on Debian 12 (idempotent: it only calls apt-get
# when a package is missing), then configures and builds into build/.
#
#   scripts/setup.sh [--build-dir DIR] [extra cmake -D options...]
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
if [[ "${1:-}" == "--build-dir" ]]; then
  build_dir=$2
  shift 2
fi

packages=(
  cmake ninja-build g++ clang ccache python3 pkg-config
  llvm-16-dev llvm-16-tools
  libfmt-dev libcli11-dev nlohmann-json3-dev libgtest-dev zlib1g-dev
  dataset-fashion-mnist fortunes
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc)
# Release with assertions kept: tests must see internal invariant failures.
cmake -S . -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2" -DCMAKE_C_FLAGS_RELEASE="-O2" \
  "$@" >/dev/null
cmake --build "$build_dir" -j "$jobs"
