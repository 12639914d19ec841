#!/usr/bin/env bash
# Builds voskhod with AddressSanitizer, UndefinedBehaviorSanitizer and
# LeakSanitizer into build-asan/ and runs the unit tests and the lit suites
# there. Any sanitizer report fails the run, even one from a command a test
# expects to fail (`not voskhod ...`): reports are written to
# build-asan/sanitizer-logs/ and the script fails if that folder is not empty
# at the end.
#
#   scripts/test-sanitizers.sh [extra cmake -D options...]
#
# To stay within CI's budget on 2 cores the build is -O1 with line tables
# only (-g1: enough for the reports' stack traces), builds only what CTest
# runs (the `test-deps` target: no benchmarks), and leaves out the
# LLVM backend (its JIT-compiled code would run uninstrumented anyway, and
# LLVM itself is not instrumented): the parser, verifier, interpreter,
# autodiff, passes, training, kernel lowering and memory planning, the
# runtime (data readers, checkpoints, Trainer), the frontend and the driver
# are all covered. Tests that need the LLVM backend report UNSUPPORTED.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build-asan
logs=$PWD/$build/sanitizer-logs
cmake -S . -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g1" \
  -DCMAKE_C_FLAGS_RELEASE="-O1 -g1" \
  -DVOSKHOD_SANITIZE=address,undefined -DVOSKHOD_ENABLE_LLVM=OFF "$@" >/dev/null
cmake --build "$build" -j "$(nproc)" --target test-deps

rm -rf "$logs"
mkdir -p "$logs"
# abort_on_error turns a report into a crash, which `not` does not accept as
# an expected failure; log_path keeps a copy that the check below finds.
common="abort_on_error=1:log_path=$logs/report:print_summary=1"
export ASAN_OPTIONS="$common:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:protect_shadow_gap=0"
export UBSAN_OPTIONS="$common:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="$common"

status=0
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" || status=1
if compgen -G "$logs/report*" >/dev/null; then
  echo "test-sanitizers: sanitizer reports:"
  for f in "$logs"/report*; do
    echo "== $f"
    head -60 "$f"
  done
  status=1
fi
exit $status
