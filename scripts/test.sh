#!/usr/bin/env bash
# Installs, builds and runs every test: GoogleTest binaries and the lit suite
# through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
scripts/test-sanitizers.sh
scripts/fuzz.sh
