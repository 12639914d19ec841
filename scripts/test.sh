#!/usr/bin/env bash
# Installs, builds and runs every test: GoogleTest binaries and the lit
# suites through CTest, then each libFuzzer target for a bounded time, then
# the sanitizer build (ASan + UBSan + LSan) and the tests it can run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
scripts/fuzz.sh 30
scripts/test-sanitizers.sh
