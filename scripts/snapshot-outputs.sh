#!/usr/bin/env bash
# Writes what the compiler makes of every lit input, example and three deep
# generated models into one folder, so that a refactoring can be shown to
# change nothing: run it before and after with two builds, then
# `diff -r BEFORE AFTER`.
#
#   scripts/snapshot-outputs.sh BUILD_DIR OUT_DIR
#
# Per model: `opt --train-step` (the step graph as text), `--emit=kernels`,
# the CUDA C++ (`--target=cuda --emit=cuda`), the C header and the CPU object
# for a fixed CPU level (`--cpu x86-64-v3`, so the bytes do not depend on
# the machine). A command that fails records its exit status and message,
# which must not change either.
set -uo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "$1")
out=$2
voskhod=$build/compiler/driver/voskhod
[[ -x $voskhod ]] || { echo "snapshot: no $voskhod" >&2; exit 1; }
mkdir -p "$out"
gen=$(mktemp -d)
trap 'rm -rf "$gen"' EXIT
for n in 100 2000 25000; do
  python3 bench/compile/make_graph.py "$n" >"$gen/deep$n.vg"
done

models=()
while IFS= read -r f; do models+=("$f"); done < <(
  { find tests/lit examples -name '*.vg'; ls "$gen"/*.vg; } | LC_ALL=C sort)

# run NAME CMD...: stdout to OUT/NAME, exit status and stderr appended.
run() {
  local name=$1
  shift
  "$@" >"$out/$name" 2>"$gen/err"
  local rc=$?
  if ((rc != 0)); then
    { echo "--- exit $rc"; sed "s|$gen/||g" "$gen/err"; } >>"$out/$name"
  fi
}

for f in "${models[@]}"; do
  key=$(echo "${f#"$gen"/}" | tr '/' '_')
  run "$key.opt" "$voskhod" opt --train-step "$f"
  run "$key.kernels" "$voskhod" compile --emit=kernels "$f"
  run "$key.cu" "$voskhod" compile --target=cuda --emit=cuda "$f"
  run "$key.h" "$voskhod" compile --emit=header --cpu x86-64-v3 --name model "$f"
  run "$key.o.log" "$voskhod" compile --cpu x86-64-v3 --name model -o "$out/$key.o" "$f"
done
echo "snapshot: ${#models[@]} models into $out"
