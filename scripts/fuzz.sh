#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into build-fuzz/ and runs each for
# a bounded time: first over its regression inputs (tests/fuzz/regressions/
# <Fuzzer>/, every crash ever found), then fuzzing from the checked-in seed
# corpus. Any crash, sanitizer report, leak, timeout or out-of-memory fails
# the script; the input that caused it is left in build-fuzz/artifacts/.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      (default 60, or $VOSKHOD_FUZZ_SECONDS)
#
# Two fuzzers run at a time, one per core of a CI machine. The corpus each
# run grows is kept in build-fuzz/corpus/<Fuzzer>/ so that later local runs
# continue from it; CI starts from the seeds.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-${VOSKHOD_FUZZ_SECONDS:-60}}
build=build-fuzz
cc=$(command -v clang-16 || command -v clang)
cxx=$(command -v clang++-16 || command -v clang++)

# Release without NDEBUG: internal invariants are findings too.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE="-O1" -DCMAKE_C_FLAGS_RELEASE="-O1" \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  -DVOSKHOD_ENABLE_LLVM=OFF -DVOSKHOD_ENABLE_FUZZERS=ON >/dev/null
fuzzers=(ParserFuzzer IdxFuzzer CsvFuzzer SafetensorsFuzzer Cifar10Fuzzer
         TextFuzzer)
cmake --build "$build" -j 2 --target "${fuzzers[@]}"

declare -A seeds=([ParserFuzzer]=parser [IdxFuzzer]=idx [CsvFuzzer]=csv
                  [SafetensorsFuzzer]=safetensors [Cifar10Fuzzer]=cifar10
                  [TextFuzzer]=text)
declare -A dicts=([ParserFuzzer]=tests/fuzz/parser.dict)
mkdir -p "$build/artifacts" "$build/logs"
export TMPDIR=$(mktemp -d)
trap 'rm -rf "$TMPDIR"' EXIT

run_one() {
  local name=$1 bin="$build/tests/fuzz/$1" log="$build/logs/$1.log"
  local flags=(-rss_limit_mb=2048 -timeout=10 -print_final_stats=1
               -artifact_prefix="$build/artifacts/$name-")
  [[ -n ${dicts[$name]:-} ]] && flags+=(-dict="${dicts[$name]}")
  local regressions=tests/fuzz/regressions/$name
  if [[ -d $regressions ]] && compgen -G "$regressions/*" >/dev/null; then
    "$bin" "${flags[@]}" "$regressions"/* >"$log.regressions" 2>&1 || {
      echo "fuzz: $name fails on a regression input:"; tail -40 "$log.regressions"; return 1; }
  fi
  mkdir -p "$build/corpus/$name"
  "$bin" "${flags[@]}" -max_total_time="$seconds" \
    "$build/corpus/$name" "tests/fuzz/corpus/${seeds[$name]}" >"$log" 2>&1 || {
    echo "fuzz: $name failed:"; tail -60 "$log"; return 1; }
  local runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  local cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  echo "fuzz: $name ran clean for ${seconds}s: $runs executions, $cov," \
       "corpus $(ls "$build/corpus/$name" | wc -l) inputs"
}

status=0
pids=()
for ((i = 0; i < ${#fuzzers[@]}; i += 2)); do
  pids=()
  for name in "${fuzzers[@]:i:2}"; do
    run_one "$name" & pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
done
exit $status
